"""CSV manifest text to rows of named cells: the dialect, the header, cells outside it.

The first layer of `station.domain.manifest.csv_format`: spreadsheets export CSV with
a byte-order mark, blank lines, stray separators and cells beyond the header, and all
of that is judged here, once, before any row is read as a content line. A row keeps
the line it starts on, so every later problem can name its cell.

    >>> out = Problems()
    >>> rows = read_rows("Shipment_ID,direction\\nSHP-1, inbound\\n", out)
    >>> [(row.line, dict(row.cells)) for row in rows or ()], out.items
    ([(2, {'shipment_id': 'SHP-1', 'direction': 'inbound'})], [])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from station.domain.manifest.model import CSV_COLUMNS
from station.domain.manifest.rules import VALUE_LIMIT, Problems, nearest, show
from station.domain.printable import printable

__all__ = ["CsvRow", "read_rows"]

_REQUIRED_COLUMNS: Final = ("shipment_id", "direction")


def read_rows(text: str, out: Problems) -> list[CsvRow] | None:
    """The rows after the header; None when the text cannot be read as a CSV manifest at all.

    Problems with single cells are added to `out` and their rows still returned, so one
    pass reports them together with what the rows themselves hold.
    """
    rows = _read_csv(text, out)
    if rows is None:
        return None
    if not rows:
        out.add(
            "line 1",
            "Empty CSV: expected a header row naming the columns, found no rows.",
        )
        return None
    header_line, header_cells = rows[0]
    names = _header(header_line, header_cells, out)
    if names is None:
        return None
    data = _rows(names, rows[1:], out)
    if not data and not out.items:
        out.add(
            f"line {header_line + 1}",
            "No rows: expected at least one row after the header, found none.",
        )
    return data


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: the line it starts on and its non-empty cells by column."""

    line: int
    cells: Mapping[str, str]
    """Column -> stripped value; empty cells and absent columns are left out."""

    def get(self, column: str) -> str | None:
        """The stripped value of `column`; None for an empty cell or an absent column."""
        return self.cells.get(column)


def _read_csv(text: str, out: Problems) -> list[tuple[int, list[str]]] | None:
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
            f"{printable(str(err), VALUE_LIMIT)}.",
        )
        return None
    return rows


def _header(header_line: int, cells: Sequence[str], out: Problems) -> list[str] | None:
    """Column names by position ("" for an unnamed column), or None when unusable."""
    names = [cell.strip().lower() for cell in cells]
    if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
        out.add(
            f"line {header_line}",
            f"Unreadable CSV header {show(cells[0])}: expected comma-separated column names, "
            "found another separator.",
        )
        return None
    seen: set[str] = set()
    for position, (raw, name) in enumerate(zip(cells, names, strict=True), start=1):
        if not name:
            continue
        where = f"line {header_line}, column {position}"
        if name in seen:
            out.add(where, f"Duplicate column {show(raw)}: expected each column once.")
        elif name not in CSV_COLUMNS:
            best = nearest(name, CSV_COLUMNS)
            out.add(
                f'line {header_line}, column "{printable(raw.strip(), 40)}"',
                f"Unknown column {show(raw.strip())}: expected one of the documented columns; "
                f"did you mean {best!r}?"
                if best
                else f"Unknown column {show(raw.strip())}: expected one of the documented "
                f"columns ({', '.join(CSV_COLUMNS)}).",
            )
        seen.add(name)
    for column in _REQUIRED_COLUMNS:
        if column not in seen:
            out.add(
                f"line {header_line}",
                f"Missing column {column!r}: expected it in the header, found only "
                f"{show(','.join(name for name in names if name))}.",
            )
    return None if out.items else names


def _rows(
    names: Sequence[str], rows: Iterable[tuple[int, list[str]]], out: Problems
) -> list[CsvRow]:
    result: list[CsvRow] = []
    for line, cells in rows:
        values: dict[str, str] = {}
        for position, cell in enumerate(cells):
            value = cell.strip()
            if not value:
                continue
            if position >= len(names):
                out.add(
                    f"line {line}, column {position + 1}",
                    f"Cell {show(value)} outside the header: expected at most {len(names)} "
                    f"cells, found {len(cells)}.",
                )
                break
            if not names[position]:
                out.add(
                    f"line {line}, column {position + 1}",
                    f"Cell {show(value)} under an unnamed column: expected a column name "
                    "in the header.",
                )
                continue
            values[names[position]] = value
        result.append(CsvRow(line, values))
    return result
