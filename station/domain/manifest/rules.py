"""The manifest rules both parsers share, so JSON and CSV refuse the same things in the same words.

A field rule takes the stripped text of one field, where it is (a JSON path or a
CSV cell) and the `Problems` collector; it returns the normalised value, or None
after adding a problem. The checks on whole units, manifests and files work on
parsed values and name positions through `Where`, which each parser builds to
read as its own form's paths or cells.

Rules (both forms)
------------------
``manifest_version`` is 1; ``shipment_id`` is not empty; ``direction`` is
``inbound`` or ``outbound``; an SSCC is 18 digits with a valid GS1 check digit; a
GTIN is 8, 12, 13 or 14 digits with a valid check digit and is stored as 14
digits; lots and serials are 1-20 characters of the GS1 AI character set 82 (so
they can be scanned at all); dates are real ISO ``YYYY-MM-DD`` dates; a country
is two letters (stored upper case); a region is an ISO 3166-2 code ``CC-XXX``
whose ``CC`` is the country; a quantity is a positive number below 10^9 with at
most 6 decimal places (so it survives JSON exactly); a unit has an SSCC, or
exactly one content line with a GTIN and a lot or serial; SSCCs, serialised
items (GTIN + serial) and loose items are unique within a manifest, and SSCCs
and shipment ids unique within a file. Every identifier (shipment id, bill of
lading, ASN, purchase orders, seals, party ids, unit of measure, the ids of
upstream lots and origin codes: whatever is a key or is matched against scans)
holds only printable characters: a control, bidi or zero-width character in one
is refused, naming it and where it is. Free text (names, places, notes) is kept
as given; every output escapes it (`station.domain.printable`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, TypeVar

from station.domain import suggestions
from station.domain.gs1.character_set import gs1_text_problem
from station.domain.gs1.mod10 import gs1_check_digit as gs1_standard_check_digit
from station.domain.manifest.model import (
    Direction,
    Manifest,
    ManifestProblem,
    ParsedManifests,
    Place,
    Unit,
    item_key,
)
from station.domain.printable import describe_unsafe, printable
from station.domain.quantities import quantity_problem

VALUE_LIMIT: Final = 80
"""How much of a loaded value a message shows."""

_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_REGION = re.compile(r"([A-Za-z]{2})-[A-Za-z0-9]{1,3}")


class Problems:
    """Collects problems in the order found."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[ManifestProblem] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(ManifestProblem(where, message))

    def refused(self, source: str) -> ParsedManifests:
        """The file refused with every problem found so far."""
        return ParsedManifests(source=source, problems=tuple(self.items))

    def __len__(self) -> int:
        return len(self.items)


_T = TypeVar("_T")
Check = Callable[[str, str, Problems], _T | None]
"""A field rule: (stripped text, where, problems) -> normalised value or None."""


def show(value: object) -> str:
    """A loaded value as messages show it: made printable, quoted, bounded."""
    if isinstance(value, str):
        return repr(printable(value, VALUE_LIMIT))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return printable(str(value), VALUE_LIMIT)
    if isinstance(value, list):
        return "[...]"
    if isinstance(value, dict):
        return "{...}"
    return printable(type(value).__name__, VALUE_LIMIT)


def kind(value: object) -> str:
    """The JSON type of a value, with an article."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | Decimal | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "an unsupported value"


def nearest(name: str, options: Sequence[str]) -> str | None:
    """The valid key or column `name` is most likely a typo of, for "did you mean"."""
    return suggestions.nearest(name, options, ignore_case=True)


# --- field rules ---------------------------------------------------------------------------


def check_sscc(text: str, where: str, out: Problems) -> str | None:
    return _check_key("SSCC", text, where, out, lengths=(18,), expected="18 digits")


def check_gtin(text: str, where: str, out: Problems) -> str | None:
    expected = "8, 12, 13 or 14 digits"
    gtin = _check_key("GTIN", text, where, out, lengths=(8, 12, 13, 14), expected=expected)
    return None if gtin is None else gtin.zfill(14)


def _check_key(
    name: str, text: str, where: str, out: Problems, *, lengths: tuple[int, ...], expected: str
) -> str | None:
    """A GS1 key: digits only, one of `lengths` long, ending in its mod-10 check digit."""
    if not _DIGITS.fullmatch(text):
        out.add(where, f"Invalid {name} {show(text)}: expected {expected}, found other characters.")
        return None
    if len(text) not in lengths:
        out.add(where, f"Invalid {name} {show(text)}: expected {expected}, found {len(text)}.")
        return None
    check_digit = gs1_standard_check_digit(text[:-1])
    if int(text[-1]) != check_digit:
        out.add(
            where,
            f"Invalid {name} check digit in {show(text)}: expected {check_digit}, "
            f"found {text[-1]}.",
        )
        return None
    return text


def identifier(what: str) -> Check[str]:
    """The rule for the identifier `what`: kept as given unless it holds an unsafe character.

    >>> out = Problems()
    >>> identifier("seal")("SL\\u202e1", "$.seals[0]", out)
    >>> out.items[0].message.endswith("(RIGHT-TO-LEFT OVERRIDE, bidi control) at position 3.")
    True
    """

    def check(text: str, where: str, out: Problems) -> str | None:
        problem = describe_unsafe(text)
        if problem is None:
            return text
        out.add(
            where,
            f"Invalid {what} {show(text)}: an identifier must hold only printable "
            f"characters, found {problem}.",
        )
        return None

    return check


def check_lot(text: str, where: str, out: Problems) -> str | None:
    return _check_gs1_text("lot", text, where, out)


def check_serial(text: str, where: str, out: Problems) -> str | None:
    return _check_gs1_text("serial", text, where, out)


def _check_gs1_text(what: str, text: str, where: str, out: Problems) -> str | None:
    """Lots and serials: what a GS1 barcode can carry, or scans could never match them."""
    problem = gs1_text_problem(text)
    if problem is None:
        return text
    out.add(where, f"Invalid {what} {show(text)}: {problem}.")
    return None


def check_date_of_manufacture(text: str, where: str, out: Problems) -> dt.date | None:
    return _check_date("date_of_manufacture", text, where, out)


def check_expected_arrival(text: str, where: str, out: Problems) -> dt.date | None:
    return _check_date("expected_arrival", text, where, out)


def _check_date(what: str, text: str, where: str, out: Problems) -> dt.date | None:
    if not _DATE.fullmatch(text):
        out.add(where, f"Invalid {what} {show(text)}: expected a date as YYYY-MM-DD.")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        out.add(
            where,
            f"Invalid {what} {show(text)}: expected a real calendar date, found {err}.",
        )
        return None


def check_direction(text: str, where: str, out: Problems) -> Direction | None:
    try:
        return Direction(text)
    except ValueError:
        out.add(where, f"Invalid direction {show(text)}: expected 'inbound' or 'outbound'.")
        return None


def check_country(text: str, where: str, out: Problems) -> str | None:
    expected = "an ISO 3166-1 alpha-2 code of two letters, such as 'VN'"
    return _check_code("country", text, where, out, pattern=_COUNTRY, expected=expected)


def check_region(text: str, where: str, out: Problems) -> str | None:
    expected = "an ISO 3166-2 code such as 'CN-XJ'"
    return _check_code("region", text, where, out, pattern=_REGION, expected=expected)


def _check_code(
    what: str, text: str, where: str, out: Problems, *, pattern: re.Pattern[str], expected: str
) -> str | None:
    """An ISO 3166 code, stored upper case."""
    if pattern.fullmatch(text):
        return text.upper()
    out.add(where, f"Invalid {what} {show(text)}: expected {expected}.")
    return None


def check_quantity(quantity: Decimal, shown: str, where: str, out: Problems) -> Decimal | None:
    """A quantity already read as a number; `shown` is how the file wrote it."""
    # NaN and Infinity get the message of any number that is not positive.
    problem = quantity_problem(quantity) if quantity.is_finite() else "expected a positive number"
    if problem is None:
        return quantity
    out.add(where, f"Invalid quantity {shown}: {problem}.")
    return None


def place_of_manufacture(
    facility: str | None,
    city: str | None,
    country: str | None,
    region: str | None,
    *,
    parts_valid: bool,
    region_at: str,
    out: Problems,
) -> Place | None:
    """The place from its parts already checked one by one; None when no part is given.

    A region belongs to one country, so when every part passed (`parts_valid`) the two
    must agree, and both be given; `region_at` is where a disagreement is reported.
    """
    if facility is None and city is None and country is None and region is None:
        return None
    place = Place(facility=facility, city=city, country=country, region=region)
    if parts_valid:
        _check_place_region(place, region_at, out)
    return place


def _check_place_region(place: Place, where: str, out: Problems) -> None:
    if place.region is None:
        return
    prefix = place.region[:2]
    if place.country is None:
        out.add(
            where,
            f"Region {show(place.region)} without a country: "
            f"expected country {prefix!r}, found none.",
        )
    elif place.country != prefix:
        out.add(
            where,
            f"Region {show(place.region)} is not in country {show(place.country)}: "
            f"expected a region starting with '{place.country}-', found {prefix!r}.",
        )


# --- units, manifests and files ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Where:
    """Turns a position in a manifest into a JSON path or a CSV cell, for shared rules."""

    manifest: Callable[[str], str]
    unit: Callable[[int, str], str]
    line: Callable[[int, int, str], str]


def check_unit_identity(unit: Unit, index: int, where: Where, out: Problems) -> None:
    """A unit must be findable from a scan: by SSCC, or by GTIN with lot or serial."""
    if unit.sscc is not None:
        return
    if len(unit.contents) != 1:
        out.add(
            where.unit(index, "contents"),
            "Unit without SSCC: expected exactly one content line with a GTIN and a lot "
            f"or serial to identify it, found {len(unit.contents)} content lines.",
        )
        return
    line = unit.contents[0]
    if line.gtin is None:
        out.add(
            where.line(index, 0, "gtin"),
            "Unit without SSCC: expected a GTIN with a lot or serial to identify it, "
            "found no GTIN.",
        )
    elif line.lot is None and line.serial is None:
        out.add(
            where.line(index, 0, "lot"),
            f"Unit without SSCC: expected a lot or serial with GTIN {line.gtin!r} "
            "to identify it, found neither.",
        )


def check_manifest_duplicates(units: Sequence[Unit], where: Where, out: Problems) -> None:
    """The workflows look units and items up by identifier, so each must be unique."""
    ssccs: dict[str, str] = {}
    loose: dict[str, str] = {}
    serials: dict[tuple[str, str], str] = {}
    for u, unit in enumerate(units):
        if unit.sscc is not None:
            here = where.unit(u, "sscc")
            if unit.sscc in ssccs:
                out.add(
                    here,
                    f"Duplicate SSCC {unit.sscc!r}: expected each unit once, "
                    f"found it also at {ssccs[unit.sscc]}.",
                )
            else:
                ssccs[unit.sscc] = here
        elif len(unit.contents) == 1:
            line = unit.contents[0]
            if line.gtin is not None and line.serial is None and line.lot is not None:
                key = item_key(line.gtin, lot=line.lot)
                assert key is not None
                here = where.line(u, 0, "lot")
                if key in loose:
                    out.add(
                        here,
                        f"Duplicate loose item {show(key)}: expected each unit without SSCC "
                        f"once (give the quantity instead), found it also at {loose[key]}.",
                    )
                else:
                    loose[key] = here
        for c, line in enumerate(unit.contents):
            if line.gtin is None or line.serial is None:
                continue
            here = where.line(u, c, "serial")
            if (line.gtin, line.serial) in serials:
                out.add(
                    here,
                    f"Duplicate serial {show(line.serial)} of GTIN {line.gtin!r}: expected "
                    f"each serialised item once, found it also at "
                    f"{serials[line.gtin, line.serial]}.",
                )
            else:
                serials[line.gtin, line.serial] = here


def file_result(
    source: str, parsed: Sequence[tuple[Manifest, Where]], out: Problems
) -> ParsedManifests:
    """The file's outcome once each manifest in it is parsed: refused whole on any problem.

    Shipment ids and SSCCs must also be unique across the manifests of one file.
    """
    _check_file_duplicates(parsed, out)
    if out.items:
        return out.refused(source)
    return ParsedManifests(source=source, manifests=tuple(m for m, _ in parsed))


def _check_file_duplicates(manifests: Sequence[tuple[Manifest, Where]], out: Problems) -> None:
    shipments: dict[str, str] = {}
    ssccs: dict[str, tuple[str, str]] = {}
    for manifest, where in manifests:
        here = where.manifest("shipment_id")
        if manifest.shipment_id in shipments:
            out.add(
                here,
                f"Duplicate shipment_id {show(manifest.shipment_id)}: expected each "
                f"shipment once in a file, found it also at {shipments[manifest.shipment_id]}.",
            )
        else:
            shipments[manifest.shipment_id] = here
        for u, unit in enumerate(manifest.units):
            if unit.sscc is None:
                continue
            seen = ssccs.get(unit.sscc)
            if seen is not None and seen[0] != manifest.shipment_id:
                out.add(
                    where.unit(u, "sscc"),
                    f"SSCC {unit.sscc!r} in two shipments: expected it only in shipment "
                    f"{show(seen[0])}, found it also in {show(manifest.shipment_id)} "
                    f"(first at {seen[1]}).",
                )
            elif seen is None:
                ssccs[unit.sscc] = (manifest.shipment_id, where.unit(u, "sscc"))
