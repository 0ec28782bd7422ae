"""Tables of the station's screens: expected shipments, and a receipt's units."""

from __future__ import annotations

from typing import Any, Self

from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, Row, RowKey

from station.domain.printable import printable
from station.ports import ShipmentRecord, ShipmentStatus, UnitRecord, UnitStatus

_UNIT_STYLE = {
    UnitStatus.EXPECTED: "dim",
    UnitStatus.ACCEPTED: "green",
    UnitStatus.QUARANTINED: "bold yellow",
    UnitStatus.MISSING: "red",
}


class RowTable(DataTable[Text]):
    """A `DataTable` whose cell updates cost the same however many rows it holds.

    Textual keys its row order and line offsets on a counter every cell update bumps,
    so after each `update_cell` the next paint walks every row (about 30 ms at 20,000
    rows). Here they are keyed on the rows themselves: only adding, removing, clearing
    or sorting rows rebuilds them. Rows always have the height 1 they are added with.
    """

    _rows_version = 0

    @property
    def ordered_rows(self) -> list[Row]:
        key = (-1 - self._rows_version, self.row_count)
        cached = self._ordered_row_cache.get(key)
        if cached is None:
            keys = self._row_locations
            cached = [self.rows[keys.get_key(i)] for i in range(self.row_count)]  # type: ignore[index]
            self._ordered_row_cache[key] = cached
        return cached

    @property
    def _y_offsets(self) -> list[tuple[RowKey, int]]:
        key = -1 - self._rows_version
        cached = self._offset_cache.get(key)
        if cached is None:
            cached = [(row.key, y) for row in self.ordered_rows for y in range(row.height)]
            self._offset_cache[key] = cached
        return cached

    def _get_row_region(self, row_index: int) -> Region:
        # Rows are one line high: the row's y is its index (Textual sums the heights above).
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        width = sum(c.get_render_width(self) for c in self.columns.values())
        width += self._row_label_column_width
        return Region(0, row_index + self._header_lines, max(self.size.width, width), 1)

    def _get_cell_region(self, coordinate: Coordinate) -> Region:
        if not self.is_valid_coordinate(coordinate):
            return Region(0, 0, 0, 0)
        row_index, column_index = coordinate
        columns = self.ordered_columns
        x = sum(c.get_render_width(self) for c in columns[:column_index])
        x += self._row_label_column_width
        width = columns[column_index].get_render_width(self)
        return Region(x, row_index + self._header_lines, width, 1)

    @property
    def _header_lines(self) -> int:
        return self.header_height if self.show_header else 0

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Any,
        *,
        update_width: bool = False,
    ) -> None:
        # Textual's update bumps the counter every render cache is keyed on, so the
        # next paint renders every visible cell again; forget only this row's cells.
        if update_width:  # columns change width: every line is drawn again
            super().update_cell(row_key, column_key, value, update_width=True)
            return
        count = self._update_count
        super().update_cell(row_key, column_key, value)
        self._update_count = count
        key = RowKey(row_key) if isinstance(row_key, str) else row_key
        cells = self._cell_render_cache
        for cell in [k for k in cells.keys() if k[0] == key]:  # noqa: SIM118 - no __iter__
            cells.discard(cell)
        rows = self._row_render_cache
        for row in [k for k in rows.keys() if k[0] == key]:  # noqa: SIM118
            rows.discard(row)
        # Lines are cached by their y in the table (header included): rows are one line high.
        y = self.get_row_index(key) + self._header_lines
        lines = self._line_cache
        for line in [k for k in lines.keys() if k[0] == y]:  # noqa: SIM118
            lines.discard(line)
        self.refresh()

    def add_row(self, *cells: Any, **options: Any) -> RowKey:
        self._rows_version += 1
        return super().add_row(*cells, **options)

    def remove_row(self, row_key: RowKey | str) -> None:
        self._rows_version += 1
        super().remove_row(row_key)

    def clear(self, columns: bool = False) -> Self:
        self._rows_version += 1
        return super().clear(columns)

    def sort(self, *columns: Any, **options: Any) -> Self:
        self._rows_version += 1
        return super().sort(*columns, **options)


class ShipmentTable(RowTable):
    """Shipments that can be received; Enter picks one."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("Shipment", "BOL", "PO", "Seller", "Units", "Status")

    def show(self, shipments: list[ShipmentRecord]) -> None:
        """Replace the rows with `shipments` (inbound, not yet received, first)."""
        self.clear()
        order = {
            ShipmentStatus.RECEIVING: 0,
            ShipmentStatus.EXPECTED: 1,
            ShipmentStatus.RECEIVED: 2,
        }
        for record in sorted(shipments, key=lambda s: (order[s.status], s.shipment_id)):
            summary = record.summary
            status = record.status.value + (" HOLD" if record.held else "")
            self.add_row(
                Text(printable(record.shipment_id, 24)),
                Text(printable(summary.bill_of_lading or "-", 14)),
                Text(printable(", ".join(summary.purchase_orders) or "-", 12)),
                Text(printable(summary.seller or "-", 18)),
                Text(str(summary.units)),
                Text(status, style="bold yellow" if record.held else ""),
                key=record.shipment_id,
            )


class UnitTable(RowTable):
    """Expected vs received units of the open receipt.

    Filled once when a receipt is shown (`show`); after that each scan changes only
    its own unit's row (`show_unit`), so a scan costs the same with 20 units or 20,000.
    Rows keep their place: the shipments' expected units in order, then units no
    manifest expected, in the order they came.
    """

    shown: tuple[str, ...] | None = None
    """The receipt and shipments whose units the rows hold; None when it must be refilled."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self._columns = self.add_columns("Unit", "Shipment", "Status", "Note")

    def show(self, shown: tuple[str, ...], units: list[UnitRecord], notes: dict[str, str]) -> None:
        """Replace the rows with `units` of the receipt `shown` (receipt id, shipment ids)."""
        self.clear()
        place = {sid: n for n, sid in enumerate(shown[1:])}
        ordered = sorted(
            units,
            key=lambda u: (
                not u.expected,
                (place.get(u.shipment_id, 0), u.unit_id) if u.expected else (u.received_at or ""),
                u.unit_id,
            ),
        )
        for unit in ordered:
            self.add_row(*self._cells(unit, notes.get(unit.unit_id)), key=unit.unit_id)
        self.shown = shown

    def show_unit(self, unit_id: str, unit: UnitRecord | None, note: str | None) -> None:
        """Bring one unit's row up to date (added, changed or gone).

        The table does not scroll to it: the banner names the unit, and jumping across
        20,000 rows would draw a new page on every scan.
        """
        if unit is None or (self.shown and unit.shipment_id not in self.shown[1:]):
            if unit_id in self.rows:
                self.remove_row(unit_id)
            return
        if unit_id in self.rows:
            _, _, status, remark = self._cells(unit, note)
            for column, cell in ((self._columns[2], status), (self._columns[3], remark)):
                # Widening is cheap; narrowing would measure the whole column again.
                wider = cell.cell_len > self.columns[column].content_width
                self.update_cell(unit_id, column, cell, update_width=wider)
        else:
            self.add_row(*self._cells(unit, note), key=unit_id)

    @staticmethod
    def _cells(unit: UnitRecord, note: str | None) -> tuple[Text, Text, Text, Text]:
        remark = note if note is not None else ("" if unit.expected else "not on manifest")
        return (
            Text(printable(unit.unit_id, 34)),
            Text(printable(unit.shipment_id, 24)),
            Text(unit.status.value, style=_UNIT_STYLE.get(unit.status, "")),
            Text(printable(remark, 40)),
        )
