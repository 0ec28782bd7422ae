"""Reading manifests from CSV, as spreadsheets export them; the field rules are in `rules`.

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
There is no column for a line's ``provenance`` (the upstream lots a releasing
station lists in JSON): CSV lines carry none.

Rows with the same ``shipment_id`` form one manifest (CSV manifests are always
``manifest_version`` 1); rows with the same ``sscc`` inside a shipment form one
unit with several content lines; a row without ``sscc`` is a unit of its own (a
loose item, identified by GTIN and lot or serial). A row whose content-line cells
are all empty gives a unit with no content lines. Problems name ``line N``
(1-based, the header is line 1 when nothing precedes it) and the column.

The column lists themselves are `station.domain.manifest.model.CSV_COLUMNS` and its
three groups, so that writers of CSV manifests need not load this parser. Reading
the text into rows (dialect, header, stray cells) is `csv_rows`; rows become
manifests here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final, TypeVar

from station.domain.manifest.csv_rows import CsvRow, read_rows
from station.domain.manifest.model import (
    CSV_LINE_COLUMNS,
    CSV_SHIPMENT_COLUMNS,
    CSV_UNIT_COLUMNS,
    DEFAULT_UOM,
    ContentLine,
    Direction,
    Manifest,
    ParsedManifests,
    Party,
    Unit,
)
from station.domain.manifest.origin_fields import CSV_ORIGIN_COLUMNS, origin_from_csv
from station.domain.manifest.rules import (
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
    identifier,
    place_of_manufacture,
    show,
)

# The shared unit-identity rule names a unit's "contents"; in CSV that is the unit's sscc cell.
_FIELD_COLUMNS: Final[Mapping[str, str]] = {"contents": "sscc"}
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})

_T = TypeVar("_T")


def parse_manifest_csv(text: str, source: str) -> ParsedManifests:
    """Parse a CSV manifest file (one row per content line; see the module doc). Never raises."""
    out = Problems()
    data = read_rows(text, out)
    if data is None:
        return out.refused(source)

    shipments: dict[str, list[CsvRow]] = {}
    for row in data:
        shipment_id = row.get("shipment_id")
        if shipment_id is None:
            out.add(
                _cell(row.line, "shipment_id"),
                "Missing shipment_id: expected a non-empty value, found an empty cell.",
            )
            continue
        if identifier("shipment_id")(shipment_id, _cell(row.line, "shipment_id"), out) is None:
            continue
        shipments.setdefault(shipment_id, []).append(row)

    parsed: list[tuple[Manifest, Where]] = []
    for shipment_id, shipment_rows in shipments.items():
        result = _manifest(shipment_id, shipment_rows, out)
        if result is not None:
            parsed.append(result)
    return file_result(source, parsed, out)


def _cell(line: int, column: str) -> str:
    return f'line {line}, column "{_FIELD_COLUMNS.get(column, column)}"'


def _manifest(
    shipment_id: str, rows: Sequence[CsvRow], out: Problems
) -> tuple[Manifest, Where] | None:
    before = len(out)
    _agree(rows, CSV_SHIPMENT_COLUMNS, f"shipment {show(shipment_id)}", out)
    first = rows[0]
    direction_text = first.get("direction")
    direction: Direction | None = None
    if direction_text is None:
        out.add(
            _cell(first.line, "direction"),
            "Missing direction: expected 'inbound' or 'outbound', found an empty cell.",
        )
    else:
        direction = check_direction(direction_text, _cell(first.line, "direction"), out)
    ids = {
        column: _checked(first, column, out, identifier(column))
        for column in ("bill_of_lading", "asn", "seller_id", "buyer_id")
    }
    purchase_orders = _split_ids(first, "purchase_orders", out)
    seals = _split_ids(first, "seals", out)
    seller = _party(first, "seller", out)
    buyer = _party(first, "buyer", out)
    expected_arrival = _checked(first, "expected_arrival", out, check_expected_arrival)

    # Group rows into units: one per SSCC (in order of first appearance), one per loose row.
    groups: list[list[CsvRow]] = []
    by_sscc: dict[str, list[CsvRow]] = {}
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
            _agree(group, CSV_UNIT_COLUMNS, f"SSCC {show(head.get('sscc') or '')}", out)
        sscc = _checked(head, "sscc", out, check_sscc)
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
            content = _line(row, out)
            if content is not None:
                lines.append(content)
                line_numbers.append(row.line)
        if len(out) != unit_before or packaging is None:
            continue
        unit = Unit(sscc=sscc, packaging=packaging, contents=tuple(lines))
        units.append(unit)
        unit_lines.append([head.line, *line_numbers])
        check_unit_identity(unit, len(units) - 1, _where(unit_lines, first.line), out)

    where = _where(unit_lines, first.line)
    if len(out) == before:
        check_manifest_duplicates(units, where, out)
    if len(out) != before or direction is None:
        return None
    manifest = Manifest(
        manifest_version=1,
        shipment_id=shipment_id,
        direction=direction,
        bill_of_lading=ids["bill_of_lading"],
        asn=ids["asn"],
        purchase_orders=purchase_orders,
        seller=seller,
        buyer=buyer,
        carrier=first.get("carrier"),
        seals=seals,
        units=tuple(units),
        expected_arrival=expected_arrival,
        notes=first.get("notes"),
    )
    return manifest, where


def _where(unit_lines: Sequence[Sequence[int]], first_line: int) -> Where:
    """`unit_lines[u]` is the unit's first row, then the row of each content line."""

    def line_of(u: int, c: int | None) -> int:
        if u >= len(unit_lines):
            return first_line
        rows = unit_lines[u]
        if c is None or c + 1 >= len(rows):
            return rows[0]
        return rows[c + 1]

    return Where(
        manifest=lambda field: _cell(first_line, field),
        unit=lambda u, field: _cell(line_of(u, None), field),
        line=lambda u, c, field: _cell(line_of(u, c), field),
    )


def _agree(rows: Sequence[CsvRow], columns: Sequence[str], what: str, out: Problems) -> None:
    """Values that belong to a shipment or unit must be the same on each of its rows."""
    first = rows[0]
    for row in rows[1:]:
        for column in columns:
            expected, found = first.get(column), row.get(column)
            if expected != found:
                out.add(
                    _cell(row.line, column),
                    f"Value {show(found or '')} disagrees with line {first.line} of {what}: "
                    f"expected {show(expected or '')}, found {show(found or '')}.",
                )


def _line(row: CsvRow, out: Problems) -> ContentLine | None:
    """The row's content line; None when all its content-line cells are empty."""
    if not any(row.get(column) is not None for column in CSV_LINE_COLUMNS):
        return None
    before = len(out)
    country = _checked(row, "country", out, check_country)
    region = _checked(row, "region", out, check_region)
    place = place_of_manufacture(
        row.get("facility"),
        row.get("city"),
        country,
        region,
        parts_valid=len(out) == before,
        region_at=_cell(row.line, "region"),
        out=out,
    )
    return ContentLine(
        gtin=_checked(row, "gtin", out, check_gtin),
        lot=_checked(row, "lot", out, check_lot),
        serial=_checked(row, "serial", out, check_serial),
        quantity=_checked(row, "quantity", out, _quantity),
        uom=_checked(row, "uom", out, identifier("uom")) or DEFAULT_UOM,
        product=row.get("product"),
        vendor=row.get("vendor"),
        place_of_manufacture=place,
        date_of_manufacture=_checked(row, "date_of_manufacture", out, check_date_of_manufacture),
        serials_required=bool(_checked(row, "serials_required", out, _flag)),
        origin=origin_from_csv(
            {name: row.get(name) for name in CSV_ORIGIN_COLUMNS}, f"line {row.line}", out
        ),
    )


# --- cells ---------------------------------------------------------------------------------


def _checked(row: CsvRow, column: str, out: Problems, check: Check[_T]) -> _T | None:
    text = row.get(column)
    return None if text is None else check(text, _cell(row.line, column), out)


def _split_ids(row: CsvRow, column: str, out: Problems) -> tuple[str, ...]:
    """A ``;``-separated list of identifiers, each passing the `identifier` rule."""
    text = row.get(column)
    if text is None:
        return ()
    check = identifier(f"{column} entry")
    items = (item.strip() for item in text.split(";") if item.strip())
    checked = (check(item, _cell(row.line, column), out) for item in items)
    return tuple(item for item in checked if item is not None)


def _party(row: CsvRow, column: str, out: Problems) -> Party | None:
    name, party_id = row.get(column), row.get(f"{column}_id")
    if name is None:
        if party_id is not None:
            out.add(
                _cell(row.line, column),
                f"Missing {column}: expected a name with {column}_id {show(party_id)}, "
                "found nothing.",
            )
        return None
    return Party(name=name, id=party_id)


def _quantity(text: str, where: str, out: Problems) -> Decimal | None:
    if not _NUMBER.fullmatch(text):
        out.add(
            where,
            f"Invalid quantity {show(text)}: expected a positive number such as 31 or 12.5.",
        )
        return None
    return check_quantity(Decimal(text), text, where, out)


def _flag(text: str, where: str, out: Problems) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() not in _FALSE:
        out.add(
            where,
            f"Invalid serials_required {show(text)}: expected true, false, yes, no, 1 or 0.",
        )
    return False
