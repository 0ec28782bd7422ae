"""The release dock screen: the order's units and their checks, seals, bill of lading.

While this screen is shown the app routes every scan to `ReleaseScreen.accept_scan`,
which runs it through the release recorder (commit, then show), as receiving does.
With no release open the table lists the outbound orders (Enter opens one); with a
release open it lists every ordered unit (waiting, ok, BLOCKED with the finding
codes) and any scanned unit the order lacks. F2 completes the release, or shows why
it is refused; Delete takes the selected unit off the release.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Input, Static

from station.bootstrap import Station
from station.domain.printable import printable
from station.domain.scanning.codes import Command
from station.domain.scanning.scan import Scan
from station.tui.screens.base import (
    EntryScreen,
    command_binding,
    command_scan,
    dock_command_bindings,
)
from station.tui.screens.summary import SummaryScreen
from station.tui.widgets.banner import VerdictBanner
from station.workflows.recorder import Recorded

_STATE_STYLE = {"waiting": "dim", "ok": "green", "blocked": "bold red"}


class ReleaseScreen(EntryScreen):
    """Release of outbound orders; nothing ships that has not passed."""

    DEFAULT_CSS = """
    ReleaseScreen { layout: vertical; }
    ReleaseScreen #release-status { height: 1; background: $primary-darken-2; }
    ReleaseScreen #release-summary { height: auto; max-height: 4; }
    ReleaseScreen #release-body { height: 1fr; }
    ReleaseScreen #release-entry { height: 3; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *dock_command_bindings("Complete release", show_marks=True),
        Binding("delete", "remove", "Take off selected"),
        command_binding("f9", Command.LOGOUT, "Log out"),
        Binding("escape,f11", "app.pop_screen", "Back"),
    ]

    def __init__(self, station: Station) -> None:
        super().__init__(station)
        self.last: Recorded | None = None
        self._rows: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="release-status")
        with Vertical(id="release-body"):
            yield Static(id="release-summary")
            yield DataTable[Text](id="release-units", cursor_type="row")
        yield VerdictBanner(id="release-banner")
        yield Input(placeholder="Type a code and press Enter", id="release-entry")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerdictBanner).show_text(
            "Release dock: scan your badge (release role), then the order."
        )
        self.refresh_board()
        self.query_one("#release-entry", Input).focus()

    # -- input ----------------------------------------------------------------

    def accept_scan(self, scan: Scan) -> None:
        """A scan from any device while this screen is shown."""
        self.show(self.station.release_recorder.handle(scan))

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        message.stop()
        if self.station.release.release() is None and message.row_key.value:
            self.show(self.station.release_recorder.select_shipment(message.row_key.value))

    def action_command(self, name: str) -> None:
        self.accept_scan(command_scan(self.station, name))

    def action_remove(self) -> None:
        table = self.query_one("#release-units", DataTable)
        if self.station.release.release() is None or not self._rows:
            self.app.bell()
            return
        unit_id = self._rows[min(table.cursor_row, len(self._rows) - 1)]
        recorder = self.station.release_recorder
        self.show(recorder.decide(lambda: self.station.release.remove_unit(unit_id)))

    # -- output ---------------------------------------------------------------

    def show(self, recorded: Recorded) -> None:
        """Show a recorded verdict (its events are committed) and refresh the board."""
        self.last = recorded
        outcome = recorded.outcome
        self.query_one(VerdictBanner).show_recorded(recorded)
        self.refresh_board()
        if outcome.details and outcome.headline.startswith(("RELEASED", "Release of")):
            self.app.push_screen(SummaryScreen(outcome))

    def refresh_board(self) -> None:
        """Follow the workflow's state: orders to pick, or the open release's units."""
        workflow = self.station.release
        operator = workflow.operator
        release = workflow.release()
        status = f" {self.station.config.station_id} RELEASE | "
        status += operator.name if operator else "nobody logged in"
        if release is not None:
            status += f" | {release.release_id}: {release.shipment_id}"
        self.query_one("#release-status", Static).update(Text(printable(status, None)))
        table = self.query_one("#release-units", DataTable)
        table.clear(columns=True)
        summary = self.query_one("#release-summary", Static)
        if release is None:
            self._show_orders(table)
            summary.update(
                Text("Scan the order (shipment id, PO or ASN), or pick one and press Enter")
            )
            return
        order = workflow.order(release)
        rows = workflow.board(release)
        ok = sum(1 for r in rows if r.ordered and r.state == "ok")
        blocked = sum(1 for r in rows if r.state == "blocked")
        seals = self.station.releases.seals(release.release_id)
        text = Text()
        text.append(f"Order {release.shipment_id}", style="bold")
        text.append(
            f"  buyer {printable(order.buyer.name if order.buyer else '-', 30)}"
            f"  PO {printable(', '.join(order.purchase_orders) or '-', 30)}\n"
        )
        text.append(f"Passed {ok}/{len(order.units)} ordered units", style="bold")
        if blocked:
            text.append(f"   BLOCKED: {blocked}", style="bold red")
        text.append(
            f"\nSeals: {printable(', '.join(seals), 60) or 'none yet'}"
            f"   BOL: {printable(release.bill_of_lading or 'not captured', 30)}"
        )
        summary.update(text)
        table.add_columns("Unit", "Ordered", "State", "Note")
        self._rows = []
        for row in rows:
            table.add_row(
                Text(printable(row.unit_id, 40)),
                Text("yes" if row.ordered else "NO", style="" if row.ordered else "bold red"),
                Text(row.state.upper(), style=_STATE_STYLE.get(row.state, "")),
                Text(printable(row.note, 40)),
                key=row.unit_id,
            )
            self._rows.append(row.unit_id)

    def _show_orders(self, table: DataTable[Text]) -> None:
        table.add_columns("Order", "Buyer", "PO", "Units", "State")
        self._rows = []
        for order in self.station.releases.orders():
            releases = self.station.releases.releases_of(order.shipment_id)
            state = releases[-1].status.value if releases else "to release"
            manifest = order.manifest
            table.add_row(
                Text(order.shipment_id),
                Text(printable(manifest.buyer.name if manifest.buyer else "-", 24)),
                Text(printable(", ".join(manifest.purchase_orders) or "-", 16)),
                Text(str(len(manifest.units))),
                Text(state, style="green" if state == "completed" else ""),
                key=order.shipment_id,
            )
