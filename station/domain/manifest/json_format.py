"""Reading manifests from JSON: the structure here, each field in `json_fields`, rules in `rules`.

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

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from station.domain.manifest.json_fields import (
    JsonObject,
    member,
    read_checked,
    read_flag,
    read_id,
    read_id_list,
    read_object,
    read_quantity,
    read_text,
)
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
from station.domain.manifest.origin_fields import origin_from_json
from station.domain.manifest.rules import (
    VALUE_LIMIT,
    Problems,
    Where,
    check_country,
    check_date_of_manufacture,
    check_direction,
    check_expected_arrival,
    check_gtin,
    check_lot,
    check_manifest_duplicates,
    check_region,
    check_serial,
    check_sscc,
    check_unit_identity,
    file_result,
    kind,
    place_of_manufacture,
    show,
)
from station.domain.printable import printable

# An object may hold exactly the keys `as_dict` writes, in its order: one list for the
# writer and the reader, so a key added to the model is read back the day it is written.
_MANIFEST_KEYS: Final = tuple(Manifest(1, "", Direction.INBOUND).as_dict())
_PARTY_KEYS: Final = tuple(Party("").as_dict())
_UNIT_KEYS: Final = tuple(Unit(None, "").as_dict())
_LINE_KEYS: Final = tuple(ContentLine().as_dict())
_UPSTREAM_KEYS: Final = tuple(UpstreamLot("").as_dict())
_PLACE_KEYS: Final = tuple(Place().as_dict())


def parse_manifest_json(text: str, source: str) -> ParsedManifests:
    """Parse a JSON manifest file: one manifest object or a list of them. Never raises."""
    out = Problems()
    try:
        data = json.loads(
            text.removeprefix("\ufeff"),
            parse_float=Decimal,
            # NaN and Infinity are not JSON; as Decimals they fail the quantity rule.
            parse_constant=Decimal,
            object_pairs_hook=JsonObject,
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
        if not isinstance(item, JsonObject) and path == "$":
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


def _where(path: str) -> Where:
    return Where(
        manifest=lambda field: f"{path}.{field}",
        unit=lambda u, field: f"{path}.units[{u}].{field}",
        line=lambda u, c, field: f"{path}.units[{u}].contents[{c}].{field}",
    )


# --- one manifest, unit, content line ------------------------------------------------------


def _manifest(value: object, path: str, out: Problems) -> Manifest | None:
    before = len(out)
    where = _where(path)
    obj = read_object(value, "manifest", _MANIFEST_KEYS, path, out)
    if obj is None:
        return None
    version = _version(obj, path, out)
    shipment_id = read_id(obj, "shipment_id", path, out, required=True)
    direction = _direction(obj, path, out)
    bill_of_lading = read_id(obj, "bill_of_lading", path, out)
    asn = read_id(obj, "asn", path, out)
    purchase_orders = read_id_list(obj, "purchase_orders", path, out)
    seller = _party(obj, "seller", path, out)
    buyer = _party(obj, "buyer", path, out)
    carrier = read_text(obj, "carrier", path, out)
    seals = read_id_list(obj, "seals", path, out)
    expected_arrival = read_checked(obj, "expected_arrival", path, out, check_expected_arrival)
    notes = read_text(obj, "notes", path, out)

    units: list[Unit] = []
    raw_units = obj.get("units")
    units_at = member(path, "units")
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
    before = len(out)
    obj = read_object(value, "unit", _UNIT_KEYS, path, out)
    if obj is None:
        return None
    sscc = read_checked(obj, "sscc", path, out, check_sscc)
    packaging = read_text(obj, "packaging", path, out, required=True)
    contents: list[ContentLine] = []
    raw_contents = obj.get("contents")
    where = member(path, "contents")
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
    before = len(out)
    obj = read_object(value, "content line", _LINE_KEYS, path, out)
    if obj is None:
        return None
    line = ContentLine(
        gtin=read_checked(obj, "gtin", path, out, check_gtin),
        lot=read_checked(obj, "lot", path, out, check_lot),
        serial=read_checked(obj, "serial", path, out, check_serial),
        quantity=read_quantity(obj, path, out),
        uom=read_id(obj, "uom", path, out) or DEFAULT_UOM,
        product=read_text(obj, "product", path, out),
        vendor=read_text(obj, "vendor", path, out),
        place_of_manufacture=_place(obj, path, out),
        date_of_manufacture=_made(obj, path, out),
        serials_required=read_flag(obj, "serials_required", path, out),
        origin=origin_from_json(obj, path, out),
        provenance=_provenance(obj, path, out),
    )
    return line if len(out) == before else None


def _provenance(obj: Mapping[str, Any], path: str, out: Problems) -> tuple[UpstreamLot, ...]:
    value = obj.get("provenance")
    if value is None:
        return ()
    where = member(path, "provenance")
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
        before = len(out)
        entry = read_object(item, "upstream lot", _UPSTREAM_KEYS, at, out)
        if entry is None:
            continue
        lot_id = read_id(entry, "lot_id", at, out, required=True)
        upstream = UpstreamLot(
            lot_id=lot_id or "",
            gtin=read_checked(entry, "gtin", at, out, check_gtin),
            lot=read_id(entry, "lot", at, out),
            vendor=read_text(entry, "vendor", at, out),
            place_of_manufacture=_place(entry, at, out),
            date_of_manufacture=_made(entry, at, out),
            shipment_id=read_id(entry, "shipment_id", at, out),
            via=read_id(entry, "via", at, out),
        )
        if len(out) == before and lot_id is not None:
            entries.append(upstream)
    return tuple(entries)


def _version(obj: Mapping[str, Any], path: str, out: Problems) -> int | None:
    where = member(path, "manifest_version")
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
            member(path, "direction"),
            "Missing direction: expected 'inbound' or 'outbound', found nothing.",
        )
        return None
    text = read_id(obj, "direction", path, out, required=True)
    if text is None:
        return None
    return check_direction(text, member(path, "direction"), out)


def _party(obj: Mapping[str, Any], key: str, path: str, out: Problems) -> Party | None:
    value = obj.get(key)
    if value is None:
        return None
    where = member(path, key)
    party = read_object(value, key, _PARTY_KEYS, where, out)
    if party is None:
        return None
    name = read_text(party, "name", where, out, required=True)
    party_id = read_id(party, "id", where, out)
    return None if name is None else Party(name=name, id=party_id)


def _made(obj: Mapping[str, Any], path: str, out: Problems) -> dt.date | None:
    return read_checked(obj, "date_of_manufacture", path, out, check_date_of_manufacture)


def _place(obj: Mapping[str, Any], path: str, out: Problems) -> Place | None:
    value = obj.get("place_of_manufacture")
    if value is None:
        return None
    where = member(path, "place_of_manufacture")
    before = len(out)
    place = read_object(value, "place_of_manufacture", _PLACE_KEYS, where, out)
    if place is None:
        return None
    facility = read_text(place, "facility", where, out)
    city = read_text(place, "city", where, out)
    country = read_checked(place, "country", where, out, check_country)
    region = read_checked(place, "region", where, out, check_region)
    return place_of_manufacture(
        facility,
        city,
        country,
        region,
        parts_valid=len(out) == before,
        region_at=member(where, "region"),
        out=out,
    )
