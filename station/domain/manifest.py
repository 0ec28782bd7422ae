"""Expected moving data: the shipment manifest and its JSON and CSV parsers.

A manifest says what a shipment should contain before the truck arrives: its
documents (bill of lading, ASN, purchase orders), its transport seals, and each
logistic unit with the moving data of what is on it (GTIN, lot or serial,
vendor, place and date of manufacture). The receiving and release workflows
check scans against it, so a manifest the station cannot trust is refused whole:
the parsers return every structural problem they find and no manifest at all.
Missing *optional* moving data (vendor, place, date of manufacture) is not a
problem here; the receiving checks report it as findings, per unit.

Both parsers are pure (text in, values out) and never raise: bad input comes
back as `ManifestProblem` values whose ``where`` is a JSON path such as
``$.units[3].contents[0].gtin`` or, for CSV, ``line 7, column "gtin"``.

    >>> parsed = parse_manifest_json(
    ...     '{"manifest_version": 1, "shipment_id": "SHP-1", "direction": "inbound",'
    ...     ' "units": [{"sscc": "106141410000000019", "packaging": "pallet"}]}',
    ...     "example.json",
    ... )
    >>> parsed.problems
    ()
    >>> parsed.manifests[0].unit_ids()
    ('106141410000000019',)
    >>> parse_manifest_json('{"manifest_version": 2}', "old.json").problems[0].message
    'Unsupported manifest_version 2: expected one of the supported versions (1), found 2.'

JSON form
---------
One manifest object, or a list of them; ``config/manifest.schema.json``
describes every key, and `Manifest.as_dict` produces exactly that shape. Keys
not in the schema are problems (with the nearest valid key), so a typo such as
``"sscs"`` cannot silently drop a pallet's identity.

CSV form
--------
One row per content line (item), comma-separated, header row required (column
names are matched case-insensitively; unknown names are problems naming the
nearest valid one; columns may come in any order and only ``shipment_id`` and
``direction`` are mandatory, an absent column reads as empty cells):

Shipment columns (must be identical on every row of a shipment):
    ``shipment_id``, ``direction`` (``inbound`` / ``outbound``), ``bill_of_lading``,
    ``asn``, ``purchase_orders`` (``;``-separated), ``seller``, ``seller_id``,
    ``buyer``, ``buyer_id``, ``carrier``, ``seals`` (``;``-separated),
    ``expected_arrival`` (YYYY-MM-DD), ``notes``.
Unit columns (identical on every row of one SSCC):
    ``sscc``, ``packaging``.
Content-line columns:
    ``gtin``, ``lot``, ``serial``, ``quantity``, ``uom`` (empty means ``EA``),
    ``product``, ``vendor``, ``facility``, ``city``, ``country``, ``region``
    (these four form the place of manufacture), ``date_of_manufacture``,
    ``serials_required`` (``true``/``false``/``yes``/``no``/``1``/``0``, empty
    means false).

Rows with the same ``shipment_id`` form one manifest (CSV manifests are always
``manifest_version`` 1); rows with the same ``sscc`` inside a shipment form one
unit with several content lines; a row without ``sscc`` is a unit of its own (a
loose item, identified by GTIN and lot or serial). A row whose content-line cells
are all empty gives a unit with no content lines. Problems name ``line N``
(1-based, the header is line 1 when nothing precedes it) and the column.

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
and shipment ids unique within a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, TypeVar

from biip.checksums import gs1_standard_check_digit

from station.domain.printable import printable

SUPPORTED_MANIFEST_VERSIONS: Final = (1,)
"""Values of ``manifest_version`` this code understands."""

DEFAULT_UOM: Final = "EA"
"""Unit of measure when a content line gives none: each (a piece)."""

QUANTITY_LIMIT: Final = Decimal(1_000_000_000)
"""Quantities must stay below this; with 6 decimals that is 15 significant digits,
which a JSON (binary float) number carries exactly."""

QUANTITY_DECIMALS: Final = 6
"""Most decimal places a quantity may have."""

_VALUE_LIMIT: Final = 80
"""How much of a loaded value a message shows."""


class Direction(StrEnum):
    """Which way a shipment moves through the dock."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


def item_key(gtin: str, *, lot: str | None = None, serial: str | None = None) -> str | None:
    """The identifier of a loose item: ``01:<gtin>/21:<serial>`` or ``01:<gtin>/10:<lot>``.

    `gtin` must be the 14-digit form (AI 01 as scanned, or `ContentLine.gtin`). A
    serial identifies a single item, so it wins over the lot when both are given.
    None when there is neither, since a GTIN alone names a product, not an item.

    >>> item_key("09506000134352", lot="A1")
    '01:09506000134352/10:A1'
    >>> item_key("09506000134352", lot="A1", serial="S7")
    '01:09506000134352/21:S7'
    """
    if serial is not None:
        return f"01:{gtin}/21:{serial}"
    if lot is not None:
        return f"01:{gtin}/10:{lot}"
    return None


@dataclass(frozen=True, slots=True)
class Place:
    """Where something was made: the place of manufacture in the moving data."""

    facility: str | None = None
    """Name of the factory or site."""

    city: str | None = None
    """City or town."""

    country: str | None = None
    """ISO 3166-1 alpha-2 country code, upper case, e.g. ``VN``."""

    region: str | None = None
    """ISO 3166-2 subdivision code whose prefix is `country`, e.g. ``CN-XJ``."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        return {
            "facility": self.facility,
            "city": self.city,
            "country": self.country,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True)
class Party:
    """A trading party: seller or buyer."""

    name: str
    """Legal or trading name."""

    id: str | None = None
    """Identifier such as a GLN, when known."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        return {"name": self.name, "id": self.id}


@dataclass(frozen=True, slots=True)
class ContentLine:
    """One item line on a unit: what it holds and the moving data that goes with it."""

    gtin: str | None = None
    """GTIN, always normalised to 14 digits."""

    lot: str | None = None
    """Batch or lot number (GS1 AI 10)."""

    serial: str | None = None
    """Serial number (GS1 AI 21) when the line is one serialised item."""

    quantity: Decimal | None = None
    """How many `uom` the line holds."""

    uom: str = DEFAULT_UOM
    """Unit of measure of `quantity` (UN/ECE Rec. 20 or in-house code), e.g. ``EA``, ``KGM``."""

    vendor: str | None = None
    """Who made or supplied the goods (moving data: vendor name)."""

    place_of_manufacture: Place | None = None
    """Where the goods were made (moving data)."""

    date_of_manufacture: dt.date | None = None
    """When the goods were made (moving data)."""

    product: str | None = None
    """Description of the product, for people."""

    serials_required: bool = False
    """Whether receiving must capture the serial of every item on this line."""

    @property
    def item_key(self) -> str | None:
        """`item_key` of this line's GTIN with its lot or serial; None without a GTIN."""
        if self.gtin is None:
            return None
        return item_key(self.gtin, lot=self.lot, serial=self.serial)

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        place = self.place_of_manufacture
        made = self.date_of_manufacture
        return {
            "gtin": self.gtin,
            "lot": self.lot,
            "serial": self.serial,
            "quantity": None if self.quantity is None else _quantity_json(self.quantity),
            "uom": self.uom,
            "product": self.product,
            "vendor": self.vendor,
            "place_of_manufacture": None if place is None else place.as_dict(),
            "date_of_manufacture": None if made is None else made.isoformat(),
            "serials_required": self.serials_required,
        }


@dataclass(frozen=True, slots=True)
class Unit:
    """One logistic unit expected in the shipment: a pallet, a carton, or a loose item."""

    sscc: str | None
    """18-digit SSCC of the unit's label, if it has one."""

    packaging: str
    """Packaging form, e.g. ``pallet``, ``carton``, ``crate``, ``drum``."""

    contents: tuple[ContentLine, ...] = ()
    """What the unit holds; empty when the manifest does not say."""

    @property
    def unit_id(self) -> str | None:
        """The identifier receiving looks the unit up by, from what is scanned.

        The SSCC when there is one; otherwise the `item_key` of its single content
        line (``01:<gtin>/10:<lot>`` or ``01:<gtin>/21:<serial>``). None only for a
        unit built by hand that the parsers would have refused.
        """
        if self.sscc is not None:
            return self.sscc
        if len(self.contents) == 1:
            return self.contents[0].item_key
        return None

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        return {
            "sscc": self.sscc,
            "packaging": self.packaging,
            "contents": [line.as_dict() for line in self.contents],
        }


@dataclass(frozen=True, slots=True)
class Manifest:
    """The expected moving data of one shipment."""

    manifest_version: int
    """Version of the manifest format; see `SUPPORTED_MANIFEST_VERSIONS`."""

    shipment_id: str
    """The shipment's identifier, unique among the station's manifests."""

    direction: Direction
    """Inbound (receiving) or outbound (release)."""

    bill_of_lading: str | None = None
    """Bill of lading number."""

    asn: str | None = None
    """Advance ship notice (despatch advice) number."""

    purchase_orders: tuple[str, ...] = ()
    """The buyer's purchase-order numbers this shipment fulfils."""

    seller: Party | None = None
    """Who sells (ships) the goods."""

    buyer: Party | None = None
    """Who buys (receives) the goods."""

    carrier: str | None = None
    """Transport company."""

    seals: tuple[str, ...] = ()
    """Transport seal numbers expected on the truck or container."""

    units: tuple[Unit, ...] = ()
    """Every logistic unit expected, in manifest order."""

    expected_arrival: dt.date | None = None
    """Day the shipment is expected at (or due to leave) the dock."""

    notes: str | None = None
    """Free text for the clerk."""

    def as_dict(self) -> dict[str, Any]:
        """The canonical JSON form: ``config/manifest.schema.json``, every key present.

        ``json.dumps`` accepts it as is, and `parse_manifest_json` reads it back to an
        equal manifest.
        """
        return {
            "manifest_version": self.manifest_version,
            "shipment_id": self.shipment_id,
            "direction": self.direction.value,
            "bill_of_lading": self.bill_of_lading,
            "asn": self.asn,
            "purchase_orders": list(self.purchase_orders),
            "seller": None if self.seller is None else self.seller.as_dict(),
            "buyer": None if self.buyer is None else self.buyer.as_dict(),
            "carrier": self.carrier,
            "seals": list(self.seals),
            "expected_arrival": (
                None if self.expected_arrival is None else self.expected_arrival.isoformat()
            ),
            "notes": self.notes,
            "units": [unit.as_dict() for unit in self.units],
        }

    def unit_ids(self) -> tuple[str, ...]:
        """`Unit.unit_id` of every unit, in manifest order."""
        return tuple(unit_id for unit in self.units if (unit_id := unit.unit_id) is not None)

    def find_unit(self, unit_id: str) -> Unit | None:
        """The unit whose `Unit.unit_id` is `unit_id`, or None."""
        for unit in self.units:
            if unit.unit_id == unit_id:
                return unit
        return None


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """One reason a manifest file was refused."""

    where: str
    """JSON path (``$.units[3].contents[0].gtin``) or CSV cell (``line 7, column "gtin"``)."""

    message: str
    """What was wrong, in biip's form: the value, what was expected, what was found."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedManifests:
    """The outcome of parsing one manifest file: manifests, or the problems, never both."""

    source: str
    """Where the text came from (a file name or URL), for messages."""

    manifests: tuple[Manifest, ...] = ()
    """Every manifest in the file; empty when there is any problem."""

    problems: tuple[ManifestProblem, ...] = ()
    """Every problem found; the file is refused whole when there is one."""

    @property
    def ok(self) -> bool:
        """True when the file was accepted."""
        return not self.problems


def parse_manifest(text: str, source: str) -> ParsedManifests:
    """Parse with `parse_manifest_csv` when `source` ends in ``.csv``, else as JSON."""
    if source.lower().endswith(".csv"):
        return parse_manifest_csv(text, source)
    return parse_manifest_json(text, source)


# --- shared value rules -------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_REGION = re.compile(r"([A-Za-z]{2})-[A-Za-z0-9]{1,3}")
# GS1 General Specifications, figure 7.11-1: the characters AI 10 and AI 21 may hold.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
_CSV_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_CSV_TRUE = frozenset({"true", "yes", "1"})
_CSV_FALSE = frozenset({"false", "no", "0"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Problems:
    """Collects problems in the order found."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[ManifestProblem] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(ManifestProblem(where, message))

    def __len__(self) -> int:
        return len(self.items)


_T = TypeVar("_T")
_Check = Callable[[str, str, _Problems], _T | None]
"""A shared value rule: (stripped text, where, problems) -> normalised value or None."""


def _show(value: object) -> str:
    """A loaded value as messages show it: made printable, quoted, bounded."""
    if isinstance(value, str):
        return repr(printable(value, _VALUE_LIMIT))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return printable(str(value), _VALUE_LIMIT)
    if isinstance(value, list):
        return "[...]"
    if isinstance(value, dict):
        return "{...}"
    return printable(type(value).__name__, _VALUE_LIMIT)


def _kind(value: object) -> str:
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


def _nearest(name: str, options: Sequence[str]) -> str | None:
    if len(name) > 40:
        # difflib is quadratic; a name this long is no typo of ours.
        return None
    matches = difflib.get_close_matches(name.lower(), options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _check_sscc(text: str, where: str, out: _Problems) -> str | None:
    if not _DIGITS.fullmatch(text):
        out.add(where, f"Invalid SSCC {_show(text)}: expected 18 digits, found other characters.")
        return None
    if len(text) != 18:
        out.add(where, f"Invalid SSCC {_show(text)}: expected 18 digits, found {len(text)}.")
        return None
    expected = gs1_standard_check_digit(text[:-1])
    if int(text[-1]) != expected:
        out.add(
            where,
            f"Invalid SSCC check digit in {_show(text)}: expected {expected}, found {text[-1]}.",
        )
        return None
    return text


def _check_gtin(text: str, where: str, out: _Problems) -> str | None:
    if not _DIGITS.fullmatch(text):
        out.add(
            where,
            f"Invalid GTIN {_show(text)}: expected 8, 12, 13 or 14 digits, found other characters.",
        )
        return None
    if len(text) not in (8, 12, 13, 14):
        out.add(
            where,
            f"Invalid GTIN {_show(text)}: expected 8, 12, 13 or 14 digits, found {len(text)}.",
        )
        return None
    expected = gs1_standard_check_digit(text[:-1])
    if int(text[-1]) != expected:
        out.add(
            where,
            f"Invalid GTIN check digit in {_show(text)}: expected {expected}, found {text[-1]}.",
        )
        return None
    return text.zfill(14)


def _check_gs1_text(what: str, text: str, where: str, out: _Problems) -> str | None:
    """Lots and serials: what a GS1 barcode can carry, or scans could never match them."""
    if _CSET82.fullmatch(text):
        return text
    out.add(
        where,
        f"Invalid {what} {_show(text)}: expected 1 to 20 characters of the GS1 character "
        f"set 82 (letters, digits and !\"%&'()*+,-./:;<=>?_), found "
        + (f"{len(text)} characters." if len(text) > 20 else "other characters."),
    )
    return None


def _check_date(what: str, text: str, where: str, out: _Problems) -> dt.date | None:
    if not _DATE.fullmatch(text):
        out.add(where, f"Invalid {what} {_show(text)}: expected a date as YYYY-MM-DD.")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        out.add(
            where,
            f"Invalid {what} {_show(text)}: expected a real calendar date, found {err}.",
        )
        return None


def _check_country(text: str, where: str, out: _Problems) -> str | None:
    if _COUNTRY.fullmatch(text):
        return text.upper()
    out.add(
        where,
        f"Invalid country {_show(text)}: expected an ISO 3166-1 alpha-2 code "
        "of two letters, such as 'VN'.",
    )
    return None


def _check_region(text: str, where: str, out: _Problems) -> str | None:
    if _REGION.fullmatch(text):
        return text.upper()
    out.add(
        where,
        f"Invalid region {_show(text)}: expected an ISO 3166-2 code such as 'CN-XJ'.",
    )
    return None


def _check_quantity(quantity: Decimal, shown: str, where: str, out: _Problems) -> Decimal | None:
    if not quantity.is_finite() or quantity <= 0:
        out.add(where, f"Invalid quantity {shown}: expected a positive number.")
        return None
    if quantity >= QUANTITY_LIMIT:
        out.add(where, f"Invalid quantity {shown}: expected a number below 1000000000.")
        return None
    if _decimal_places(quantity) > QUANTITY_DECIMALS:
        out.add(
            where,
            f"Invalid quantity {shown}: expected at most {QUANTITY_DECIMALS} decimal places, "
            f"found {_decimal_places(quantity)}.",
        )
        return None
    return quantity


def _decimal_places(number: Decimal) -> int:
    """Decimal places of a finite number, trailing zeros not counted (exactly, no rounding)."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    places = -exponent
    for digit in reversed(digits):
        if places <= 0 or digit != 0:
            break
        places -= 1
    return max(places, 0)


def _quantity_json(quantity: Decimal) -> int | float:
    if quantity == quantity.to_integral_value():
        return int(quantity)
    return float(quantity)


def _check_place_region(place: Place, where: str, out: _Problems) -> None:
    """A region belongs to one country: the two must agree, and both be given."""
    if place.region is None:
        return
    prefix = place.region[:2]
    if place.country is None:
        out.add(
            where,
            f"Region {_show(place.region)} without a country: "
            f"expected country {prefix!r}, found none.",
        )
    elif place.country != prefix:
        out.add(
            where,
            f"Region {_show(place.region)} is not in country {_show(place.country)}: "
            f"expected a region starting with '{place.country}-', found {prefix!r}.",
        )


def _place(
    facility: str | None, city: str | None, country: str | None, region: str | None
) -> Place | None:
    if facility is None and city is None and country is None and region is None:
        return None
    return Place(facility=facility, city=city, country=country, region=region)


@dataclass(frozen=True, slots=True)
class _Where:
    """Turns a position in a manifest into a JSON path or a CSV cell, for shared rules."""

    manifest: Callable[[str], str]
    unit: Callable[[int, str], str]
    line: Callable[[int, int, str], str]


def _check_unit_identity(unit: Unit, index: int, where: _Where, out: _Problems) -> None:
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


def _check_manifest_duplicates(units: Sequence[Unit], where: _Where, out: _Problems) -> None:
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
                        f"Duplicate loose item {_show(key)}: expected each unit without SSCC "
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
                    f"Duplicate serial {_show(line.serial)} of GTIN {line.gtin!r}: expected "
                    f"each serialised item once, found it also at "
                    f"{serials[line.gtin, line.serial]}.",
                )
            else:
                serials[line.gtin, line.serial] = here


def _check_file_duplicates(manifests: Sequence[tuple[Manifest, _Where]], out: _Problems) -> None:
    """Across the manifests of one file: shipment ids and SSCCs are globally unique."""
    shipments: dict[str, str] = {}
    ssccs: dict[str, tuple[str, str]] = {}
    for manifest, where in manifests:
        here = where.manifest("shipment_id")
        if manifest.shipment_id in shipments:
            out.add(
                here,
                f"Duplicate shipment_id {_show(manifest.shipment_id)}: expected each "
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
                    f"{_show(seen[0])}, found it also in {_show(manifest.shipment_id)} "
                    f"(first at {seen[1]}).",
                )
            elif seen is None:
                ssccs[unit.sscc] = (manifest.shipment_id, where.unit(u, "sscc"))


# --- JSON ----------------------------------------------------------------------------------

_MANIFEST_KEYS: Final = (
    "manifest_version",
    "shipment_id",
    "direction",
    "bill_of_lading",
    "asn",
    "purchase_orders",
    "seller",
    "buyer",
    "carrier",
    "seals",
    "expected_arrival",
    "notes",
    "units",
)
_PARTY_KEYS: Final = ("name", "id")
_UNIT_KEYS: Final = ("sscc", "packaging", "contents")
_LINE_KEYS: Final = (
    "gtin",
    "lot",
    "serial",
    "quantity",
    "uom",
    "product",
    "vendor",
    "place_of_manufacture",
    "date_of_manufacture",
    "serials_required",
)
_PLACE_KEYS: Final = ("facility", "city", "country", "region")


class _Object(dict[str, Any]):
    """A JSON object that remembers keys it held twice (``json`` keeps the last silently)."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        if len(self) == len(pairs):
            self.duplicates: tuple[str, ...] = ()
        else:
            seen: set[str] = set()
            twice: list[str] = []
            for key, _ in pairs:
                if key in seen and key not in twice:
                    twice.append(key)
                seen.add(key)
            self.duplicates = tuple(twice)


def _member(path: str, key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(printable(key, 40), ensure_ascii=False)}]"


def _json_object(value: object, what: str, path: str, out: _Problems) -> _Object | None:
    if isinstance(value, _Object):
        return value
    out.add(path, f"Invalid {what} {_show(value)}: expected an object, found {_kind(value)}.")
    return None


def _json_keys(obj: _Object, allowed: Sequence[str], path: str, out: _Problems) -> None:
    for key in obj.duplicates:
        out.add(
            _member(path, key),
            f"Duplicate key {_show(key)}: expected each key once in an object, found it "
            "twice (one value would be silently lost).",
        )
    for key in obj:
        if key in allowed:
            continue
        best = _nearest(key, allowed)
        hint = f"; did you mean {best!r}?" if best else "."
        out.add(
            _member(path, key),
            f"Unknown key {_show(key)}: expected one of {', '.join(allowed)}{hint}",
        )


def _json_text(
    obj: Mapping[str, Any], key: str, path: str, out: _Problems, *, required: bool = False
) -> str | None:
    where = _member(path, key)
    value = obj.get(key)
    if value is None:
        if required:
            out.add(where, f"Missing {key}: expected a non-empty string, found nothing.")
        return None
    if not isinstance(value, str):
        out.add(where, f"Invalid {key} {_show(value)}: expected a string, found {_kind(value)}.")
        return None
    text = value.strip()
    if not text and required:
        out.add(where, f"Invalid {key} {_show(value)}: expected a non-empty string, found none.")
    return text or None


def _json_text_list(obj: Mapping[str, Any], key: str, path: str, out: _Problems) -> tuple[str, ...]:
    where = _member(path, key)
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        out.add(
            where,
            f"Invalid {key} {_show(value)}: expected a list of strings, found {_kind(value)}.",
        )
        return ()
    items: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            out.add(
                f"{where}[{i}]",
                f"Invalid {key} entry {_show(item)}: expected a non-empty string, "
                f"found {_kind(item) if not isinstance(item, str) else 'an empty one'}.",
            )
            continue
        items.append(item.strip())
    return tuple(items)


def _json_checked(
    obj: Mapping[str, Any],
    key: str,
    path: str,
    out: _Problems,
    check: _Check[_T],
) -> _T | None:
    text = _json_text(obj, key, path, out)
    return None if text is None else check(text, _member(path, key), out)


def _json_version(obj: Mapping[str, Any], path: str, out: _Problems) -> int | None:
    where = _member(path, "manifest_version")
    value = obj.get("manifest_version")
    supported = ", ".join(str(v) for v in SUPPORTED_MANIFEST_VERSIONS)
    if value is None:
        out.add(
            where,
            f"Missing manifest_version: expected one of the supported versions ({supported}), "
            "found nothing.",
        )
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value in SUPPORTED_MANIFEST_VERSIONS:
            return value
        out.add(
            where,
            f"Unsupported manifest_version {_show(value)}: expected one of the supported "
            f"versions ({supported}), found {_show(value)}.",
        )
        return None
    out.add(
        where,
        f"Invalid manifest_version {_show(value)}: expected one of the supported versions "
        f"({supported}) as an integer, found {_kind(value)}.",
    )
    return None


def _json_direction(obj: Mapping[str, Any], path: str, out: _Problems) -> Direction | None:
    if obj.get("direction") is None:
        out.add(
            _member(path, "direction"),
            "Missing direction: expected 'inbound' or 'outbound', found nothing.",
        )
        return None
    text = _json_text(obj, "direction", path, out, required=True)
    if text is None:
        return None
    return _check_direction(text, _member(path, "direction"), out)


def _check_direction(text: str, where: str, out: _Problems) -> Direction | None:
    try:
        return Direction(text)
    except ValueError:
        out.add(where, f"Invalid direction {_show(text)}: expected 'inbound' or 'outbound'.")
        return None


def _json_party(obj: Mapping[str, Any], key: str, path: str, out: _Problems) -> Party | None:
    value = obj.get(key)
    if value is None:
        return None
    where = _member(path, key)
    party = _json_object(value, key, where, out)
    if party is None:
        return None
    _json_keys(party, _PARTY_KEYS, where, out)
    name = _json_text(party, "name", where, out, required=True)
    party_id = _json_text(party, "id", where, out)
    return None if name is None else Party(name=name, id=party_id)


def _json_quantity(obj: Mapping[str, Any], path: str, out: _Problems) -> Decimal | None:
    value = obj.get("quantity")
    if value is None:
        return None
    where = _member(path, "quantity")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        out.add(
            where,
            f"Invalid quantity {_show(value)}: expected a positive number, found {_kind(value)}.",
        )
        return None
    return _check_quantity(Decimal(value), _show(value), where, out)


def _json_flag(obj: Mapping[str, Any], key: str, path: str, out: _Problems) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    out.add(
        _member(path, key),
        f"Invalid {key} {_show(value)}: expected true or false, found {_kind(value)}.",
    )
    return False


def _json_place(obj: Mapping[str, Any], path: str, out: _Problems) -> Place | None:
    value = obj.get("place_of_manufacture")
    if value is None:
        return None
    where = _member(path, "place_of_manufacture")
    place_obj = _json_object(value, "place_of_manufacture", where, out)
    if place_obj is None:
        return None
    before = len(out)
    _json_keys(place_obj, _PLACE_KEYS, where, out)
    place = _place(
        _json_text(place_obj, "facility", where, out),
        _json_text(place_obj, "city", where, out),
        _json_checked(place_obj, "country", where, out, _check_country),
        _json_checked(place_obj, "region", where, out, _check_region),
    )
    if place is not None and len(out) == before:
        _check_place_region(place, _member(where, "region"), out)
    return place


def _json_line(value: object, path: str, out: _Problems) -> ContentLine | None:
    obj = _json_object(value, "content line", path, out)
    if obj is None:
        return None
    before = len(out)
    _json_keys(obj, _LINE_KEYS, path, out)
    line = ContentLine(
        gtin=_json_checked(obj, "gtin", path, out, _check_gtin),
        lot=_json_checked(obj, "lot", path, out, lambda t, w, o: _check_gs1_text("lot", t, w, o)),
        serial=_json_checked(
            obj, "serial", path, out, lambda t, w, o: _check_gs1_text("serial", t, w, o)
        ),
        quantity=_json_quantity(obj, path, out),
        uom=_json_text(obj, "uom", path, out) or DEFAULT_UOM,
        product=_json_text(obj, "product", path, out),
        vendor=_json_text(obj, "vendor", path, out),
        place_of_manufacture=_json_place(obj, path, out),
        date_of_manufacture=_json_checked(
            obj,
            "date_of_manufacture",
            path,
            out,
            lambda t, w, o: _check_date("date_of_manufacture", t, w, o),
        ),
        serials_required=_json_flag(obj, "serials_required", path, out),
    )
    return line if len(out) == before else None


def _json_unit(value: object, path: str, out: _Problems) -> Unit | None:
    obj = _json_object(value, "unit", path, out)
    if obj is None:
        return None
    before = len(out)
    _json_keys(obj, _UNIT_KEYS, path, out)
    sscc = _json_checked(obj, "sscc", path, out, _check_sscc)
    packaging = _json_text(obj, "packaging", path, out, required=True)
    contents: list[ContentLine] = []
    raw_contents = obj.get("contents")
    where = _member(path, "contents")
    if isinstance(raw_contents, list):
        for c, item in enumerate(raw_contents):
            line = _json_line(item, f"{where}[{c}]", out)
            if line is not None:
                contents.append(line)
    elif raw_contents is not None:
        out.add(
            where,
            f"Invalid contents {_show(raw_contents)}: expected a list of content lines, "
            f"found {_kind(raw_contents)}.",
        )
    if len(out) != before or packaging is None:
        return None
    return Unit(sscc=sscc, packaging=packaging, contents=tuple(contents))


def _json_where(path: str) -> _Where:
    return _Where(
        manifest=lambda field: f"{path}.{field}",
        unit=lambda u, field: f"{path}.units[{u}].{field}",
        line=lambda u, c, field: f"{path}.units[{u}].contents[{c}].{field}",
    )


def _json_manifest(value: object, path: str, out: _Problems) -> Manifest | None:
    obj = _json_object(value, "manifest", path, out)
    if obj is None:
        return None
    before = len(out)
    where = _json_where(path)
    _json_keys(obj, _MANIFEST_KEYS, path, out)
    version = _json_version(obj, path, out)
    shipment_id = _json_text(obj, "shipment_id", path, out, required=True)
    direction = _json_direction(obj, path, out)
    bill_of_lading = _json_text(obj, "bill_of_lading", path, out)
    asn = _json_text(obj, "asn", path, out)
    purchase_orders = _json_text_list(obj, "purchase_orders", path, out)
    seller = _json_party(obj, "seller", path, out)
    buyer = _json_party(obj, "buyer", path, out)
    carrier = _json_text(obj, "carrier", path, out)
    seals = _json_text_list(obj, "seals", path, out)
    expected_arrival = _json_checked(
        obj,
        "expected_arrival",
        path,
        out,
        lambda t, w, o: _check_date("expected_arrival", t, w, o),
    )
    notes = _json_text(obj, "notes", path, out)

    units: list[Unit] = []
    raw_units = obj.get("units")
    units_at = _member(path, "units")
    if isinstance(raw_units, list) and raw_units:
        for u, item in enumerate(raw_units):
            unit_at = f"{units_at}[{u}]"
            unit_before = len(out)
            unit = _json_unit(item, unit_at, out)
            if unit is not None:
                _check_unit_identity(unit, u, where, out)
            if len(out) == unit_before and unit is not None:
                units.append(unit)
    elif isinstance(raw_units, list):
        out.add(units_at, "Empty units: expected at least one unit, found an empty list.")
    elif raw_units is None:
        out.add(units_at, "Missing units: expected a list of at least one unit, found nothing.")
    else:
        out.add(
            units_at,
            f"Invalid units {_show(raw_units)}: expected a list of units, "
            f"found {_kind(raw_units)}.",
        )
    if len(out) == before:
        # Positions in `units` equal JSON indexes only when every unit parsed.
        _check_manifest_duplicates(units, where, out)
    if len(out) != before or version is None or shipment_id is None or direction is None:
        return None
    return Manifest(
        manifest_version=version,
        shipment_id=shipment_id,
        direction=direction,
        bill_of_lading=bill_of_lading,
        asn=asn,
        purchase_orders=purchase_orders,
        seller=seller,
        buyer=buyer,
        carrier=carrier,
        seals=seals,
        units=tuple(units),
        expected_arrival=expected_arrival,
        notes=notes,
    )


def parse_manifest_json(text: str, source: str) -> ParsedManifests:
    """Parse a JSON manifest file: one manifest object or a list of them. Never raises."""
    out = _Problems()
    try:
        data = json.loads(
            text.removeprefix("\ufeff"),
            parse_float=Decimal,
            # NaN and Infinity are not JSON; as Decimals they fail the quantity rule.
            parse_constant=Decimal,
            object_pairs_hook=_Object,
        )
    except json.JSONDecodeError as err:
        out.add(f"line {err.lineno}, column {err.colno}", _json_syntax_message(err))
        return ParsedManifests(source=source, problems=tuple(out.items))
    except (ValueError, ArithmeticError, RecursionError) as err:
        # Integers too long to convert, exponents out of range, nesting too deep.
        out.add(
            "$",
            f"Invalid JSON: expected numbers and nesting within limits, "
            f"found {printable(str(err) or type(err).__name__, _VALUE_LIMIT)}.",
        )
        return ParsedManifests(source=source, problems=tuple(out.items))

    if isinstance(data, list):
        if not data:
            out.add(
                "$", "Empty manifest list: expected at least one manifest, found an empty list."
            )
        items = [(f"$[{i}]", item) for i, item in enumerate(data)]
    else:
        items = [("$", data)]
    parsed: list[tuple[Manifest, _Where]] = []
    for path, item in items:
        if not isinstance(item, _Object) and path == "$":
            out.add(
                "$",
                f"Invalid manifest {_show(item)}: expected an object or a list of objects, "
                f"found {_kind(item)}.",
            )
            continue
        manifest = _json_manifest(item, path, out)
        if manifest is not None:
            parsed.append((manifest, _json_where(path)))
    _check_file_duplicates(parsed, out)
    return _result(source, parsed, out)


def _json_syntax_message(err: json.JSONDecodeError) -> str:
    found = err.doc[err.pos : err.pos + 20]
    shown = _show(found) if found else "the end of the text"
    if err.msg.startswith("Expecting "):
        expected = err.msg.removeprefix("Expecting ")
    elif err.msg == "Extra data":
        expected = "the end of the text"
    elif err.msg.startswith("Unterminated string"):
        expected = "a closing quote"
    else:
        # e.g. "Invalid control character at": json's wording, minus the dangling "at".
        what = err.msg.removesuffix(" at")
        return f"Invalid JSON: {what[0].lower()}{what[1:]}, found {shown}."
    return f"Invalid JSON: expected {expected}, found {shown}."


def _result(
    source: str, parsed: Iterable[tuple[Manifest, _Where]], out: _Problems
) -> ParsedManifests:
    if out.items:
        return ParsedManifests(source=source, problems=tuple(out.items))
    return ParsedManifests(source=source, manifests=tuple(m for m, _ in parsed))


# --- CSV -----------------------------------------------------------------------------------

_SHIPMENT_COLUMNS: Final = (
    "shipment_id",
    "direction",
    "bill_of_lading",
    "asn",
    "purchase_orders",
    "seller",
    "seller_id",
    "buyer",
    "buyer_id",
    "carrier",
    "seals",
    "expected_arrival",
    "notes",
)
_UNIT_COLUMNS: Final = ("sscc", "packaging")
_LINE_COLUMNS: Final = (
    "gtin",
    "lot",
    "serial",
    "quantity",
    "uom",
    "product",
    "vendor",
    "facility",
    "city",
    "country",
    "region",
    "date_of_manufacture",
    "serials_required",
)
CSV_COLUMNS: Final = _SHIPMENT_COLUMNS + _UNIT_COLUMNS + _LINE_COLUMNS
"""Every column a CSV manifest may have."""
_REQUIRED_COLUMNS: Final = ("shipment_id", "direction")

# JSON field names as the shared rules use them -> the CSV column holding that value.
_FIELD_COLUMNS: Final[Mapping[str, str]] = {
    "place_of_manufacture.facility": "facility",
    "place_of_manufacture.city": "city",
    "place_of_manufacture.country": "country",
    "place_of_manufacture.region": "region",
    "seller.name": "seller",
    "seller.id": "seller_id",
    "buyer.name": "buyer",
    "buyer.id": "buyer_id",
    "contents": "sscc",
    "units": "shipment_id",
}


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: Mapping[str, str]
    """Column -> stripped value; empty cells and absent columns are left out."""

    def get(self, column: str) -> str | None:
        return self.cells.get(column)


def _cell(line: int, column: str) -> str:
    return f'line {line}, column "{_FIELD_COLUMNS.get(column, column)}"'


def _read_csv(text: str, out: _Problems) -> list[tuple[int, list[str]]] | None:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
    except csv.Error as err:
        out.add(
            f"line {reader.line_num}",
            f"Unreadable CSV: expected comma-separated cells, found "
            f"{printable(str(err), _VALUE_LIMIT)}.",
        )
        return None
    return rows


def _csv_header(header_line: int, cells: Sequence[str], out: _Problems) -> list[str] | None:
    """Column names by position ("" for an unnamed column), or None when unusable."""
    names = [cell.strip().lower() for cell in cells]
    if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
        out.add(
            f"line {header_line}",
            f"Unreadable CSV header {_show(cells[0])}: expected comma-separated column names, "
            "found another separator.",
        )
        return None
    seen: set[str] = set()
    for position, (raw, name) in enumerate(zip(cells, names, strict=True), start=1):
        if not name:
            continue
        where = f"line {header_line}, column {position}"
        if name in seen:
            out.add(where, f"Duplicate column {_show(raw)}: expected each column once.")
        elif name not in CSV_COLUMNS:
            best = _nearest(name, CSV_COLUMNS)
            out.add(
                f'line {header_line}, column "{printable(raw.strip(), 40)}"',
                f"Unknown column {_show(raw.strip())}: expected one of the documented columns; "
                f"did you mean {best!r}?"
                if best
                else f"Unknown column {_show(raw.strip())}: expected one of the documented "
                f"columns ({', '.join(CSV_COLUMNS)}).",
            )
        seen.add(name)
    for column in _REQUIRED_COLUMNS:
        if column not in seen:
            out.add(
                f"line {header_line}",
                f"Missing column {column!r}: expected it in the header, found only "
                f"{_show(','.join(name for name in names if name))}.",
            )
    return None if out.items else names


def _csv_rows(
    names: Sequence[str], rows: Iterable[tuple[int, list[str]]], out: _Problems
) -> list[_Row]:
    result: list[_Row] = []
    for line, cells in rows:
        values: dict[str, str] = {}
        for position, cell in enumerate(cells):
            value = cell.strip()
            if not value:
                continue
            if position >= len(names):
                out.add(
                    f"line {line}, column {position + 1}",
                    f"Cell {_show(value)} outside the header: expected at most {len(names)} "
                    f"cells, found {len(cells)}.",
                )
                break
            if not names[position]:
                out.add(
                    f"line {line}, column {position + 1}",
                    f"Cell {_show(value)} under an unnamed column: expected a column name "
                    "in the header.",
                )
                continue
            values[names[position]] = value
        result.append(_Row(line, values))
    return result


def _csv_agree(rows: Sequence[_Row], columns: Sequence[str], what: str, out: _Problems) -> None:
    """Values that belong to a shipment or unit must be the same on each of its rows."""
    first = rows[0]
    for row in rows[1:]:
        for column in columns:
            expected, found = first.get(column), row.get(column)
            if expected != found:
                out.add(
                    _cell(row.line, column),
                    f"Value {_show(found or '')} disagrees with line {first.line} of {what}: "
                    f"expected {_show(expected or '')}, found {_show(found or '')}.",
                )


def _csv_checked(row: _Row, column: str, out: _Problems, check: _Check[_T]) -> _T | None:
    text = row.get(column)
    return None if text is None else check(text, _cell(row.line, column), out)


def _csv_list(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    return tuple(item.strip() for item in text.split(";") if item.strip())


def _csv_party(row: _Row, column: str, out: _Problems) -> Party | None:
    name, party_id = row.get(column), row.get(f"{column}_id")
    if name is None:
        if party_id is not None:
            out.add(
                _cell(row.line, column),
                f"Missing {column}: expected a name with {column}_id {_show(party_id)}, "
                "found nothing.",
            )
        return None
    return Party(name=name, id=party_id)


def _csv_quantity(text: str, where: str, out: _Problems) -> Decimal | None:
    if not _CSV_NUMBER.fullmatch(text):
        out.add(
            where,
            f"Invalid quantity {_show(text)}: expected a positive number such as 31 or 12.5.",
        )
        return None
    return _check_quantity(Decimal(text), text, where, out)


def _csv_flag(text: str, where: str, out: _Problems) -> bool:
    if text.lower() in _CSV_TRUE:
        return True
    if text.lower() not in _CSV_FALSE:
        out.add(
            where,
            f"Invalid serials_required {_show(text)}: expected true, false, yes, no, 1 or 0.",
        )
    return False


def _csv_line(row: _Row, out: _Problems) -> ContentLine | None:
    """The row's content line; None when all its content-line cells are empty."""
    if not any(row.get(column) is not None for column in _LINE_COLUMNS):
        return None
    before = len(out)
    place = _place(
        row.get("facility"),
        row.get("city"),
        _csv_checked(row, "country", out, _check_country),
        _csv_checked(row, "region", out, _check_region),
    )
    if place is not None and len(out) == before:
        _check_place_region(place, _cell(row.line, "region"), out)
    line = ContentLine(
        gtin=_csv_checked(row, "gtin", out, _check_gtin),
        lot=_csv_checked(row, "lot", out, lambda t, w, o: _check_gs1_text("lot", t, w, o)),
        serial=_csv_checked(row, "serial", out, lambda t, w, o: _check_gs1_text("serial", t, w, o)),
        quantity=_csv_checked(row, "quantity", out, _csv_quantity),
        uom=row.get("uom") or DEFAULT_UOM,
        product=row.get("product"),
        vendor=row.get("vendor"),
        place_of_manufacture=place,
        date_of_manufacture=_csv_checked(
            row,
            "date_of_manufacture",
            out,
            lambda t, w, o: _check_date("date_of_manufacture", t, w, o),
        ),
        serials_required=bool(_csv_checked(row, "serials_required", out, _csv_flag)),
    )
    return line


def _csv_manifest(
    shipment_id: str, rows: Sequence[_Row], out: _Problems
) -> tuple[Manifest, _Where] | None:
    before = len(out)
    what = f"shipment {_show(shipment_id)}"
    _csv_agree(rows, _SHIPMENT_COLUMNS, what, out)
    first = rows[0]
    direction_text = first.get("direction")
    direction: Direction | None = None
    if direction_text is None:
        out.add(
            _cell(first.line, "direction"),
            "Missing direction: expected 'inbound' or 'outbound', found an empty cell.",
        )
    else:
        direction = _check_direction(direction_text, _cell(first.line, "direction"), out)
    seller = _csv_party(first, "seller", out)
    buyer = _csv_party(first, "buyer", out)
    expected_arrival = _csv_checked(
        first,
        "expected_arrival",
        out,
        lambda t, w, o: _check_date("expected_arrival", t, w, o),
    )

    # Group rows into units: one per SSCC (in order of first appearance), one per loose row.
    groups: list[list[_Row]] = []
    by_sscc: dict[str, list[_Row]] = {}
    for row in rows:
        sscc_text = row.get("sscc")
        if sscc_text is None:
            groups.append([row])
        elif sscc_text in by_sscc:
            by_sscc[sscc_text].append(row)
        else:
            by_sscc[sscc_text] = [row]
            groups.append(by_sscc[sscc_text])

    unit_lines: list[list[int]] = []
    units: list[Unit] = []
    for group in groups:
        unit_before = len(out)
        head = group[0]
        if len(group) > 1:
            _csv_agree(group, _UNIT_COLUMNS, f"SSCC {_show(head.get('sscc') or '')}", out)
        sscc = _csv_checked(head, "sscc", out, _check_sscc)
        packaging = head.get("packaging")
        if packaging is None:
            out.add(
                _cell(head.line, "packaging"),
                "Missing packaging: expected a packaging form such as 'pallet', "
                "found an empty cell.",
            )
        lines: list[ContentLine] = []
        line_numbers: list[int] = []
        for row in group:
            content = _csv_line(row, out)
            if content is not None:
                lines.append(content)
                line_numbers.append(row.line)
        if len(out) != unit_before or packaging is None:
            continue
        unit = Unit(sscc=sscc, packaging=packaging, contents=tuple(lines))
        units.append(unit)
        unit_lines.append([head.line, *line_numbers])
        _check_unit_identity(unit, len(units) - 1, _csv_where(unit_lines, first.line), out)

    where = _csv_where(unit_lines, first.line)
    if len(out) == before:
        _check_manifest_duplicates(units, where, out)
    if len(out) != before or direction is None:
        return None
    manifest = Manifest(
        manifest_version=1,
        shipment_id=shipment_id,
        direction=direction,
        bill_of_lading=first.get("bill_of_lading"),
        asn=first.get("asn"),
        purchase_orders=_csv_list(first.get("purchase_orders")),
        seller=seller,
        buyer=buyer,
        carrier=first.get("carrier"),
        seals=_csv_list(first.get("seals")),
        units=tuple(units),
        expected_arrival=expected_arrival,
        notes=first.get("notes"),
    )
    return manifest, where


def _csv_where(unit_lines: Sequence[Sequence[int]], first_line: int) -> _Where:
    """`unit_lines[u]` is the unit's first row, then the row of each content line."""

    def line_of(u: int, c: int | None) -> int:
        if u >= len(unit_lines):
            return first_line
        rows = unit_lines[u]
        if c is None or c + 1 >= len(rows):
            return rows[0]
        return rows[c + 1]

    return _Where(
        manifest=lambda field: _cell(first_line, field),
        unit=lambda u, field: _cell(line_of(u, None), field),
        line=lambda u, c, field: _cell(line_of(u, c), field),
    )


def parse_manifest_csv(text: str, source: str) -> ParsedManifests:
    """Parse a CSV manifest file (one row per content line; see the module doc). Never raises."""
    out = _Problems()
    rows = _read_csv(text, out)
    if rows is None:
        return ParsedManifests(source=source, problems=tuple(out.items))
    if not rows:
        out.add(
            "line 1",
            "Empty CSV: expected a header row naming the columns, found no rows.",
        )
        return ParsedManifests(source=source, problems=tuple(out.items))
    header_line, header_cells = rows[0]
    names = _csv_header(header_line, header_cells, out)
    if names is None:
        return ParsedManifests(source=source, problems=tuple(out.items))
    data = _csv_rows(names, rows[1:], out)
    if not data and not out.items:
        out.add(
            f"line {header_line + 1}",
            "No rows: expected at least one row after the header, found none.",
        )

    shipments: dict[str, list[_Row]] = {}
    for row in data:
        shipment_id = row.get("shipment_id")
        if shipment_id is None:
            out.add(
                _cell(row.line, "shipment_id"),
                "Missing shipment_id: expected a non-empty value, found an empty cell.",
            )
            continue
        shipments.setdefault(shipment_id, []).append(row)

    parsed: list[tuple[Manifest, _Where]] = []
    for shipment_id, shipment_rows in shipments.items():
        result = _csv_manifest(shipment_id, shipment_rows, out)
        if result is not None:
            parsed.append(result)
    _check_file_duplicates(parsed, out)
    return _result(source, parsed, out)
