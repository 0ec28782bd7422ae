"""Reading manifests from JSON: structure and types here, field rules in `manifest_rules`.

JSON form
---------
One manifest object, or a list of them; ``config/manifest.schema.json``
describes every key, and `Manifest.as_dict` produces exactly that shape. Keys
not in the schema are problems (with the nearest valid key), so a typo such as
``"sscs"`` cannot silently drop a pallet's identity. A key given twice in one
object is a problem too, since ``json`` would keep only the last value.

A content line may carry ``provenance``: the received lots upstream of it, each
with its own moving data, as a releasing station writes them in its outbound
manifest (`station.domain.manifest.model.UpstreamLot`).

Problems name a JSON path such as ``$.units[3].contents[0].gtin``; a file that
is not JSON at all names the line and column where reading stopped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, TypeVar

from station.domain.manifest.model import (
    DEFAULT_UOM,
    SUPPORTED_MANIFEST_VERSIONS,
    ContentLine,
    Direction,
    Manifest,
    ParsedManifests,
    Party,
    Place,
    Unit,
    UpstreamLot,
)
from station.domain.manifest.rules import (
    VALUE_LIMIT,
    Check,
    Problems,
    Where,
    check_country,
    check_date_of_manufacture,
    check_direction,
    check_expected_arrival,
    check_gtin,
    check_lot,
    check_manifest_duplicates,
    check_quantity,
    check_region,
    check_serial,
    check_sscc,
    check_unit_identity,
    file_result,
    kind,
    nearest,
    place_of_manufacture,
    show,
)
from station.domain.printable import printable

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
    "provenance",
)
_UPSTREAM_KEYS: Final = (
    "lot_id",
    "gtin",
    "lot",
    "vendor",
    "place_of_manufacture",
    "date_of_manufacture",
    "shipment_id",
)
_PLACE_KEYS: Final = ("facility", "city", "country", "region")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_T = TypeVar("_T")


def parse_manifest_json(text: str, source: str) -> ParsedManifests:
    """Parse a JSON manifest file: one manifest object or a list of them. Never raises."""
    out = Problems()
    try:
        data = json.loads(
            text.removeprefix("\ufeff"),
            parse_float=Decimal,
            # NaN and Infinity are not JSON; as Decimals they fail the quantity rule.
            parse_constant=Decimal,
            object_pairs_hook=_Object,
        )
    except json.JSONDecodeError as err:
        out.add(f"line {err.lineno}, column {err.colno}", _syntax_message(err))
        return out.refused(source)
    except (ValueError, ArithmeticError, RecursionError) as err:
        # Integers too long to convert, exponents out of range, nesting too deep.
        out.add(
            "$",
            f"Invalid JSON: expected numbers and nesting within limits, "
            f"found {printable(str(err) or type(err).__name__, VALUE_LIMIT)}.",
        )
        return out.refused(source)

    if isinstance(data, list):
        if not data:
            out.add(
                "$", "Empty manifest list: expected at least one manifest, found an empty list."
            )
        items = [(f"$[{i}]", item) for i, item in enumerate(data)]
    else:
        items = [("$", data)]
    parsed: list[tuple[Manifest, Where]] = []
    for path, item in items:
        if not isinstance(item, _Object) and path == "$":
            out.add(
                "$",
                f"Invalid manifest {show(item)}: expected an object or a list of objects, "
                f"found {kind(item)}.",
            )
            continue
        manifest = _manifest(item, path, out)
        if manifest is not None:
            parsed.append((manifest, _where(path)))
    return file_result(source, parsed, out)


def _syntax_message(err: json.JSONDecodeError) -> str:
    found = err.doc[err.pos : err.pos + 20]
    shown = show(found) if found else "the end of the text"
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


def _where(path: str) -> Where:
    return Where(
        manifest=lambda field: f"{path}.{field}",
        unit=lambda u, field: f"{path}.units[{u}].{field}",
        line=lambda u, c, field: f"{path}.units[{u}].contents[{c}].{field}",
    )


def _member(path: str, key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(printable(key, 40), ensure_ascii=False)}]"


# --- one manifest, unit, content line ------------------------------------------------------


def _manifest(value: object, path: str, out: Problems) -> Manifest | None:
    obj = _as_object(value, "manifest", path, out)
    if obj is None:
        return None
    before = len(out)
    where = _where(path)
    _keys(obj, _MANIFEST_KEYS, path, out)
    version = _version(obj, path, out)
    shipment_id = _text(obj, "shipment_id", path, out, required=True)
    direction = _direction(obj, path, out)
    bill_of_lading = _text(obj, "bill_of_lading", path, out)
    asn = _text(obj, "asn", path, out)
    purchase_orders = _text_list(obj, "purchase_orders", path, out)
    seller = _party(obj, "seller", path, out)
    buyer = _party(obj, "buyer", path, out)
    carrier = _text(obj, "carrier", path, out)
    seals = _text_list(obj, "seals", path, out)
    expected_arrival = _checked(obj, "expected_arrival", path, out, check_expected_arrival)
    notes = _text(obj, "notes", path, out)

    units: list[Unit] = []
    raw_units = obj.get("units")
    units_at = _member(path, "units")
    if isinstance(raw_units, list) and raw_units:
        for u, item in enumerate(raw_units):
            unit_at = f"{units_at}[{u}]"
            unit_before = len(out)
            unit = _unit(item, unit_at, out)
            if unit is not None:
                check_unit_identity(unit, u, where, out)
            if len(out) == unit_before and unit is not None:
                units.append(unit)
    elif isinstance(raw_units, list):
        out.add(units_at, "Empty units: expected at least one unit, found an empty list.")
    elif raw_units is None:
        out.add(units_at, "Missing units: expected a list of at least one unit, found nothing.")
    else:
        out.add(
            units_at,
            f"Invalid units {show(raw_units)}: expected a list of units, found {kind(raw_units)}.",
        )
    if len(out) == before:
        # Positions in `units` equal JSON indexes only when every unit parsed.
        check_manifest_duplicates(units, where, out)
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


def _unit(value: object, path: str, out: Problems) -> Unit | None:
    obj = _as_object(value, "unit", path, out)
    if obj is None:
        return None
    before = len(out)
    _keys(obj, _UNIT_KEYS, path, out)
    sscc = _checked(obj, "sscc", path, out, check_sscc)
    packaging = _text(obj, "packaging", path, out, required=True)
    contents: list[ContentLine] = []
    raw_contents = obj.get("contents")
    where = _member(path, "contents")
    if isinstance(raw_contents, list):
        for c, item in enumerate(raw_contents):
            line = _line(item, f"{where}[{c}]", out)
            if line is not None:
                contents.append(line)
    elif raw_contents is not None:
        out.add(
            where,
            f"Invalid contents {show(raw_contents)}: expected a list of content lines, "
            f"found {kind(raw_contents)}.",
        )
    if len(out) != before or packaging is None:
        return None
    return Unit(sscc=sscc, packaging=packaging, contents=tuple(contents))


def _line(value: object, path: str, out: Problems) -> ContentLine | None:
    obj = _as_object(value, "content line", path, out)
    if obj is None:
        return None
    before = len(out)
    _keys(obj, _LINE_KEYS, path, out)
    line = ContentLine(
        gtin=_checked(obj, "gtin", path, out, check_gtin),
        lot=_checked(obj, "lot", path, out, check_lot),
        serial=_checked(obj, "serial", path, out, check_serial),
        quantity=_quantity(obj, path, out),
        uom=_text(obj, "uom", path, out) or DEFAULT_UOM,
        product=_text(obj, "product", path, out),
        vendor=_text(obj, "vendor", path, out),
        place_of_manufacture=_place(obj, path, out),
        date_of_manufacture=_checked(
            obj, "date_of_manufacture", path, out, check_date_of_manufacture
        ),
        serials_required=_flag(obj, "serials_required", path, out),
        provenance=_provenance(obj, path, out),
    )
    return line if len(out) == before else None


def _provenance(obj: Mapping[str, Any], path: str, out: Problems) -> tuple[UpstreamLot, ...]:
    value = obj.get("provenance")
    if value is None:
        return ()
    where = _member(path, "provenance")
    if not isinstance(value, list):
        out.add(
            where,
            f"Invalid provenance {show(value)}: expected a list of upstream lots, "
            f"found {kind(value)}.",
        )
        return ()
    entries: list[UpstreamLot] = []
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        entry = _as_object(item, "upstream lot", at, out)
        if entry is None:
            continue
        before = len(out)
        _keys(entry, _UPSTREAM_KEYS, at, out)
        lot_id = _text(entry, "lot_id", at, out, required=True)
        upstream = UpstreamLot(
            lot_id=lot_id or "",
            gtin=_checked(entry, "gtin", at, out, check_gtin),
            lot=_text(entry, "lot", at, out),
            vendor=_text(entry, "vendor", at, out),
            place_of_manufacture=_place(entry, at, out),
            date_of_manufacture=_checked(
                entry, "date_of_manufacture", at, out, check_date_of_manufacture
            ),
            shipment_id=_text(entry, "shipment_id", at, out),
        )
        if len(out) == before and lot_id is not None:
            entries.append(upstream)
    return tuple(entries)


# --- fields --------------------------------------------------------------------------------


def _as_object(value: object, what: str, path: str, out: Problems) -> _Object | None:
    if isinstance(value, _Object):
        return value
    out.add(path, f"Invalid {what} {show(value)}: expected an object, found {kind(value)}.")
    return None


def _keys(obj: _Object, allowed: Sequence[str], path: str, out: Problems) -> None:
    for key in obj.duplicates:
        out.add(
            _member(path, key),
            f"Duplicate key {show(key)}: expected each key once in an object, found it "
            "twice (one value would be silently lost).",
        )
    for key in obj:
        if key in allowed:
            continue
        best = nearest(key, allowed)
        hint = f"; did you mean {best!r}?" if best else "."
        out.add(
            _member(path, key),
            f"Unknown key {show(key)}: expected one of {', '.join(allowed)}{hint}",
        )


def _text(
    obj: Mapping[str, Any], key: str, path: str, out: Problems, *, required: bool = False
) -> str | None:
    where = _member(path, key)
    value = obj.get(key)
    if value is None:
        if required:
            out.add(where, f"Missing {key}: expected a non-empty string, found nothing.")
        return None
    if not isinstance(value, str):
        out.add(where, f"Invalid {key} {show(value)}: expected a string, found {kind(value)}.")
        return None
    text = value.strip()
    if not text and required:
        out.add(where, f"Invalid {key} {show(value)}: expected a non-empty string, found none.")
    return text or None


def _text_list(obj: Mapping[str, Any], key: str, path: str, out: Problems) -> tuple[str, ...]:
    where = _member(path, key)
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        out.add(
            where,
            f"Invalid {key} {show(value)}: expected a list of strings, found {kind(value)}.",
        )
        return ()
    items: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            out.add(
                f"{where}[{i}]",
                f"Invalid {key} entry {show(item)}: expected a non-empty string, "
                f"found {kind(item) if not isinstance(item, str) else 'an empty one'}.",
            )
            continue
        items.append(item.strip())
    return tuple(items)


def _checked(
    obj: Mapping[str, Any], key: str, path: str, out: Problems, check: Check[_T]
) -> _T | None:
    text = _text(obj, key, path, out)
    return None if text is None else check(text, _member(path, key), out)


def _version(obj: Mapping[str, Any], path: str, out: Problems) -> int | None:
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
            f"Unsupported manifest_version {show(value)}: expected one of the supported "
            f"versions ({supported}), found {show(value)}.",
        )
        return None
    out.add(
        where,
        f"Invalid manifest_version {show(value)}: expected one of the supported versions "
        f"({supported}) as an integer, found {kind(value)}.",
    )
    return None


def _direction(obj: Mapping[str, Any], path: str, out: Problems) -> Direction | None:
    if obj.get("direction") is None:
        out.add(
            _member(path, "direction"),
            "Missing direction: expected 'inbound' or 'outbound', found nothing.",
        )
        return None
    text = _text(obj, "direction", path, out, required=True)
    if text is None:
        return None
    return check_direction(text, _member(path, "direction"), out)


def _party(obj: Mapping[str, Any], key: str, path: str, out: Problems) -> Party | None:
    value = obj.get(key)
    if value is None:
        return None
    where = _member(path, key)
    party = _as_object(value, key, where, out)
    if party is None:
        return None
    _keys(party, _PARTY_KEYS, where, out)
    name = _text(party, "name", where, out, required=True)
    party_id = _text(party, "id", where, out)
    return None if name is None else Party(name=name, id=party_id)


def _quantity(obj: Mapping[str, Any], path: str, out: Problems) -> Decimal | None:
    value = obj.get("quantity")
    if value is None:
        return None
    where = _member(path, "quantity")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        out.add(
            where,
            f"Invalid quantity {show(value)}: expected a positive number, found {kind(value)}.",
        )
        return None
    return check_quantity(Decimal(value), show(value), where, out)


def _flag(obj: Mapping[str, Any], key: str, path: str, out: Problems) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    out.add(
        _member(path, key),
        f"Invalid {key} {show(value)}: expected true or false, found {kind(value)}.",
    )
    return False


def _place(obj: Mapping[str, Any], path: str, out: Problems) -> Place | None:
    value = obj.get("place_of_manufacture")
    if value is None:
        return None
    where = _member(path, "place_of_manufacture")
    place = _as_object(value, "place_of_manufacture", where, out)
    if place is None:
        return None
    before = len(out)
    _keys(place, _PLACE_KEYS, where, out)
    facility = _text(place, "facility", where, out)
    city = _text(place, "city", where, out)
    country = _checked(place, "country", where, out, check_country)
    region = _checked(place, "region", where, out, check_region)
    return place_of_manufacture(
        facility,
        city,
        country,
        region,
        parts_valid=len(out) == before,
        region_at=_member(where, "region"),
        out=out,
    )
