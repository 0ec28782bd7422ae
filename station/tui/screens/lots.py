"""Lots: what the station holds, the genealogy of the selected lot, and new lots.

Scanning a lot or pallet label while this screen is open adds it to the parents of
the transformation being prepared; Ctrl+S records it (for the logged-in operator).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Select, Static, Tree

from station.bootstrap import Station
from station.domain.lots.transform_plan import TransformKind
from station.domain.manifest.model import item_key
from station.domain.printable import printable
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code
from station.domain.scanning.scan import Scan
from station.errors import StationError
from station.services.print_queue import build_label
from station.services.trace import TraceNode, trace
from station.tui.screens.base import ScanScreen
from station.tui.screens.label_preview import LabelPreviewScreen
from station.workflows.lots import TransformRequest


def lot_id_of(station: Station, scan: Scan) -> str | None:
    """The lot a scanned label names: SSCC, a lot number made here, or a received item."""
    code = classify(scan.text, station.config.rules, scan.symbology)
    if not isinstance(code, Gs1Code):
        text = scan.text.strip()
        return text if station.lots.lot(text) else None
    if code.sscc:
        return code.sscc
    if code.lot and station.lots.lot(code.lot):
        return code.lot
    if code.gtin:
        return item_key(code.gtin, lot=code.lot, serial=code.serial)
    return None


class LotsScreen(ScanScreen):
    """Available lots, genealogy tree, and the new-lot form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "transform", "Record new lot"),
        Binding("ctrl+p", "preview", "Label preview / print"),
        Binding("f3", "direction", "Trace back/forward"),
        Binding("escape,f10", "app.pop_screen", "Back"),
    ]

    def __init__(self, station: Station) -> None:
        super().__init__(station)
        self.forward = False
        self.shown: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="lots-left"):
                yield DataTable[Text](id="lot-table", cursor_type="row")
                yield Select(
                    [(k.value, k) for k in TransformKind],
                    value=TransformKind.SPLIT,
                    id="kind",
                    allow_blank=False,
                )
                yield Input(placeholder="Parents: ID:QTY, ID:QTY (scan labels)", id="parents")
                yield Input(placeholder="New lot quantities: QTY, QTY", id="outputs")
                yield Input(placeholder="Declared loss (default 0)", id="loss")
                yield Static(
                    Text("Enter: next field / record   Ctrl+S: record new lot", style="dim"),
                    id="lots-hint",
                )
            yield Tree[str]("Genealogy", id="genealogy")
        yield Static(id="lots-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#lot-table", DataTable)
        table.add_columns("Lot", "Status", "Left", "Product")
        self.refresh_lots()
        table.focus()

    def refresh_lots(self) -> None:
        """Reload the lot list (held and used-up lots are listed with their status)."""
        table = self.query_one("#lot-table", DataTable)
        table.clear()
        for lot in self.station.lots.lots():
            table.add_row(
                Text(printable(lot.lot_id, 20)),
                Text(lot.status, style="green" if lot.status == "available" else "yellow"),
                Text(f"{lot.quantity - lot.consumed} {lot.uom}"),
                Text(printable(lot.product or "", 16)),
                key=lot.lot_id,
            )

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        if message.row_key.value:
            self.show_genealogy(message.row_key.value)

    def action_direction(self) -> None:
        self.forward = not self.forward
        if self.shown is not None:
            self.show_genealogy(self.shown)

    def show_genealogy(self, lot_id: str) -> None:
        """Fill the tree with the trace back (or forward) from `lot_id`."""
        tree = self.query_one("#genealogy", Tree)
        tree.clear()
        self.shown = lot_id
        node = trace(self.station.lots, self.station.view, lot_id, forward=self.forward)
        if node is None:
            return
        arrow = "made into" if self.forward else "made from"
        tree.root.set_label(Text(f"{printable(lot_id, 30)} {arrow}"))

        def add(parent: object, n: TraceNode) -> None:
            label = Text(f"{printable(n.lot_id, 24)} {n.status}")
            if n.origin:
                place = n.origin.get("place_of_manufacture") or {}
                label.append(
                    f" {printable(str(n.origin.get('vendor') or '?'), 20)}"
                    f" {place.get('region') or place.get('country') or '?'}"
                )
            branch = parent.add(label, expand=True)  # type: ignore[attr-defined]
            if not n.repeated:
                for child in n.children:
                    add(branch, child)

        for child in node.children:
            add(tree.root, child)
        tree.root.expand()

    def action_preview(self) -> None:
        table = self.query_one("#lot-table", DataTable)
        message = self.query_one("#lots-message", Static)
        if table.row_count == 0:
            return
        lot_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        lot = self.station.lots.lot(lot_id)
        if lot is None:
            return
        try:
            label = build_label(self.station.config, self.station.lots, lot)
        except StationError as exc:
            message.update(Text(str(exc), style="bold red"))
            self.app.bell()
            return

        def printed(confirmed: bool | None) -> None:
            if not confirmed:
                return
            # Whoever is logged in at this terminal's dock asks for the label.
            operator = self.station.workflow.operator or self.station.release.operator
            try:
                job = self.station.printing.queue(lot_id, operator)
            except StationError as exc:
                message.update(Text(str(exc), style="bold red"))
                self.app.bell()
                return
            message.update(Text(f"Label for {lot_id} queued (job {job[:8]})", style="green"))

        self.app.push_screen(LabelPreviewScreen(label, lot_id), printed)

    def accept_scan(self, scan: Scan) -> None:
        """A scanned label becomes a parent of the transformation being prepared."""
        lot_id = lot_id_of(self.station, scan)
        message = self.query_one("#lots-message", Static)
        if lot_id is None or self.station.lots.lot(lot_id) is None:
            message.update(
                Text(f"Not a lot this station holds: {printable(scan.text, 60)}", style="bold red")
            )
            self.app.bell()
            return
        parents = self.query_one("#parents", Input)
        lot = self.station.lots.lot(lot_id)
        assert lot is not None
        entry = f"{lot_id}:{lot.quantity - lot.consumed}"
        parents.value = f"{parents.value}, {entry}" if parents.value.strip() else entry
        message.update(Text(f"Added parent {printable(lot_id)} ({lot.status})"))
        self.show_genealogy(lot_id)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        # The form owns its fields' text: it must not bubble to the app, which scans.
        message.stop()
        order = ["parents", "outputs", "loss"]
        current = message.input.id or ""
        if current in order[:-1]:
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
        else:
            self.action_transform()

    def action_transform(self) -> None:
        message = self.query_one("#lots-message", Static)
        operator = self.station.workflow.operator
        if operator is None:
            message.update(
                Text("Log in first: scan your badge on the main screen", style="bold red")
            )
            self.app.bell()
            return
        try:
            request = self._request()
        except (InvalidOperation, ValueError) as exc:
            message.update(Text(str(exc), style="bold red"))
            self.app.bell()
            return
        result = self.station.lot_desk.transform(request, operator)
        if not result.ok:
            message.update(Text(f"Refused: {result.message}", style="bold red"))
            self.app.bell()
            return
        message.update(Text(result.message, style="bold green"))
        for field in ("#parents", "#outputs", "#loss"):
            self.query_one(field, Input).value = ""
        self.refresh_lots()
        table = self.query_one("#lot-table", DataTable)
        table.move_cursor(row=table.get_row_index(result.new_ids[0]))
        self.show_genealogy(result.new_ids[0])

    def _request(self) -> TransformRequest:
        kind = self.query_one("#kind", Select).value
        if not isinstance(kind, TransformKind):
            raise ValueError("Pick a transformation kind")
        parents = []
        for part in self.query_one("#parents", Input).value.split(","):
            if not part.strip():
                continue
            lot_id, _, quantity = part.strip().rpartition(":")
            if not lot_id:
                raise ValueError(f"Parent {part.strip()!r}: write it as ID:QUANTITY")
            parents.append((lot_id, Decimal(quantity)))
        outputs = tuple(
            Decimal(q) for q in self.query_one("#outputs", Input).value.split(",") if q.strip()
        )
        loss = Decimal(self.query_one("#loss", Input).value.strip() or "0")
        return TransformRequest(kind, tuple(parents), outputs, loss)
