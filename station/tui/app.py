"""The station's Textual app: login, pick a shipment, receive it, close it.

Scans arrive from the keyboard-wedge filter whatever widget has focus, or typed
into the entry line. Each goes through the same `ScanRecorder` as headless mode:
the verdict is shown only after its events are committed. The screen follows the
workflow's state (nobody logged in / no receipt / receipt open), so a restart
resumes exactly where the last session stopped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

from drivers.sound import SoundCues
from drivers.wedge import GsMode, Terminator, WedgeProfile
from drivers.wedge_textual import ScanReceived, WedgeKeyFilter
from station.bootstrap import Station, open_station
from station.config import ScannerSettings
from station.domain.printable import printable
from station.domain.scanning.codes import Command
from station.domain.scanning.scan import Scan
from station.errors import DeviceError
from station.ports import (
    DeviceState,
    DeviceStatus,
    ReceiptRecord,
    SealStatus,
    UnitRecord,
    UnitStatus,
)
from station.services.device_set import WEDGE
from station.services.print_queue import PrintJob, PrintOutcome
from station.services.sync import start_worker
from station.sync.round import RoundReport
from station.sync.worker import SyncWorker
from station.tui.messages import DeviceStatusChanged, SitePulled
from station.tui.screens.base import (
    ScanScreen,
    StationScreen,
    command_binding,
    command_scan,
    dock_command_bindings,
)
from station.tui.screens.claims import ClaimsScreen
from station.tui.screens.devices import DevicesScreen
from station.tui.screens.gate import GateScreen
from station.tui.screens.lots import LotsScreen
from station.tui.screens.quarantine import DecisionScreen, QuarantineScreen
from station.tui.screens.release import ReleaseScreen
from station.tui.screens.summary import SummaryScreen
from station.tui.screens.sync import SyncScreen
from station.tui.widgets.banner import VerdictBanner
from station.tui.widgets.shipment_table import ShipmentTable, UnitTable
from station.tui.widgets.sync_line import SyncLine
from station.workflows.recorder import Recorded

if TYPE_CHECKING:
    from labels.document import RenderedLabel  # the renderers load when a label is printed


def wedge_profile(settings: ScannerSettings) -> WedgeProfile:
    """The driver's profile for the configured scanner."""
    gs = settings.gs
    if gs == "control":
        mode, substitute = GsMode.CONTROL, "~"
    elif gs == "alt029":
        mode, substitute = GsMode.ALT029, "~"
    else:
        mode, substitute = GsMode.SUBSTITUTE, gs
    return WedgeProfile(
        terminator=Terminator(settings.terminator),
        gs_mode=mode,
        gs_substitute=substitute,
        aim_prefix=settings.aim_prefix,
        inter_key_timeout_ms=settings.inter_key_timeout_ms,
        burst_gap_ms=settings.burst_gap_ms,
        min_length=settings.min_length,
    )


class StationApp(App[None]):
    """The receiving station."""

    TITLE = "station"
    # Ctrl+P prints labels here; the palette is not a tool for the dock.
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = "station.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # F3/F4 are shown in the receiving panel's hint instead of the footer, to fit 80 columns.
        *dock_command_bindings("Close", show_marks=False),
        command_binding("f9", Command.LOGOUT, "Logout"),
        Binding("f6", "devices", "Devices"),
        Binding("f8", "quarantine", "Holds"),
        Binding("f10", "lots", "Lots"),
        Binding("f11", "release", "Release"),
        Binding("f12", "gate", "Gate"),
        Binding("ctrl+b", "claims", "Claims", show=False),
        Binding("ctrl+y", "sync", "Sync", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    def __init__(self, station: Station, *, wedge: WedgeKeyFilter | None = None) -> None:
        super().__init__()
        self.station = station
        self.wedge = wedge or WedgeKeyFilter(self, wedge_profile(station.config.scanner))
        self.last: Recorded | None = None
        self._printing = False
        self.sound = SoundCues(station.config.sound, self._ring, self.set_timer)
        """Every recorded verdict's sound (the banner plays it)."""

    def _ring(self) -> None:
        """The terminal bell, looked up at each ring (a test may listen in)."""
        self.bell()
        self.sync_worker: SyncWorker | None = None

    # -- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="status-line")
        with ContentSwitcher(initial="login", id="panels"):
            with Vertical(id="login"):
                yield Static(
                    Text(
                        "Scan your badge to log in\n\n"
                        "(or type the badge number below and press Enter)",
                        justify="center",
                    ),
                    id="login-prompt",
                )
            with Vertical(id="shipments"):
                yield Static(
                    "Scan the bill of lading, PO or shipment id, or pick one and press Enter",
                    classes="hint",
                )
                yield ShipmentTable(id="shipment-table")
            with Vertical(id="receiving"):
                yield Static(id="receipt-summary")
                yield UnitTable(id="unit-table")
        yield VerdictBanner(id="banner")
        yield Input(placeholder="Type a code and press Enter", id="entry")
        if self.station.config.sync is not None:
            yield SyncLine(self.station, id="sync-line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.wedge.start()
        # Device threads post messages; Textual's post_message is thread-safe.
        self.station.devices.start(on_scan=self._device_scan, on_status=self._device_status)
        for job_id in self.station.printing.recover():
            self.notify(
                f"Print job {job_id} may not have printed: check the printer, then reprint",
                severity="warning",
                markup=False,
            )
        self.set_interval(2.0, self._print_tick)
        # The sync worker opens its own connection: it never shares the scan path's.
        station = self.station
        self.sync_worker = start_worker(
            station,
            lambda: open_station(station.config, station.data_dir, station.clock),
            on_round=self._sync_round,
        )
        self.query_one(VerdictBanner).show_text("Ready. Scan a badge to start.")
        self.refresh_view()
        self.query_one("#entry", Input).focus()

    async def on_event(self, event: events.Event) -> None:
        if await self.wedge.filter(event):
            return
        await super().on_event(event)

    # -- input --------------------------------------------------------------

    def _print_tick(self) -> None:
        """Send the next due label; the database work stays on this thread."""
        if self._printing:
            return
        queue = self.station.printing
        for job in queue.due():
            begun = queue.begin(job)
            if isinstance(begun, PrintOutcome):
                self.notify(begun.message, severity="error", markup=False)
                continue
            self._printing = True
            document = begun

            def send(job: PrintJob = job, document: RenderedLabel = document) -> None:
                error = queue.send(job, document)
                self.call_from_thread(self._print_done, job, error)

            self.run_worker(send, thread=True, group="printing")
            return

    def _print_done(self, job: PrintJob, error: DeviceError | None) -> None:
        self._printing = False
        outcome = self.station.printing.finish(job, error)
        if error is not None:
            self.notify(f"Label not printed: {outcome.message}", severity="warning", markup=False)

    def _device_scan(self, scan: Scan) -> None:
        self.post_message(ScanReceived(scan))

    def _device_status(self, status: DeviceStatus) -> None:
        self.post_message(DeviceStatusChanged(status))

    def _sync_round(self, report: RoundReport) -> None:
        """Called on the sync worker's thread: post, never wait for the app."""
        if report.pulled:
            self.post_message(SitePulled(tuple(report.pulled)))

    def on_site_pulled(self, message: SitePulled) -> None:
        for line in message.lines:
            later = (
                " (applies when the station next starts)"
                if line.startswith(("roster", "risk"))
                else ""
            )
            self.notify(f"From the hub: {printable(line, 200)}{later}", markup=False)
        self.refresh_view()

    def on_unmount(self) -> None:
        self.station.devices.stop()
        if self.sync_worker is not None:
            self.sync_worker.stop()

    def on_scan_received(self, message: ScanReceived) -> None:
        scan = message.scan
        if scan.device == WEDGE:
            self.station.devices.count_scan(WEDGE)
        screen = self.screen
        if isinstance(screen, DecisionScreen):
            screen.accept_badge(scan)
            return
        if isinstance(screen, ScanScreen):
            screen.accept_scan(scan)
            return
        if isinstance(screen, DevicesScreen) and screen.test_mode:
            screen.show_test_scan(scan)
            return
        if any(isinstance(s, StationScreen) for s in self.screen_stack):
            # A board (holds, claims, devices) or a dialog over one: the dock's verdict
            # would land unseen behind it, so nothing is recorded.
            self.bell()
            self.notify(
                "Scan not taken here: press Esc to go back to the dock, then scan again",
                severity="warning",
                markup=False,
            )
            return
        self.process(self.station.recorder.handle(scan))

    def on_device_status_changed(self, message: DeviceStatusChanged) -> None:
        status = message.status
        if status.state in (DeviceState.ERROR, DeviceState.RECONNECTING):
            device, detail = printable(status.device, 40), printable(status.detail, 80)
            self.notify(
                f"{device}: {status.state.value} {detail}",
                severity="warning",
                markup=False,
            )
        if isinstance(self.screen, DevicesScreen):
            self.screen.refresh_devices()

    def action_release(self) -> None:
        self._open(ReleaseScreen)

    def action_gate(self) -> None:
        self._open(GateScreen)

    def action_lots(self) -> None:
        self._open(LotsScreen)

    def action_quarantine(self) -> None:
        self._open(QuarantineScreen)

    def action_devices(self) -> None:
        self._open(DevicesScreen)

    def action_claims(self) -> None:
        self._open(ClaimsScreen)

    def action_sync(self) -> None:
        self._open(SyncScreen)

    def _open(self, screen: type[StationScreen]) -> None:
        """Show a screen of the station, unless it is the one shown."""
        if not isinstance(self.screen, screen):
            # The screen may change units (holds lifted, lots made): refill the table after.
            self.query_one(UnitTable).shown = None
            self.push_screen(screen(self.station))

    def on_input_submitted(self, message: Input.Submitted) -> None:
        # Only the entry line scans: a form field's text (a PIN, a reason, a quantity)
        # must never reach a workflow, even when its screen lets the message bubble up.
        if message.input.id != "entry":
            return
        text = message.value.strip()
        message.input.value = ""
        if text:
            self.process(self.station.recorder.handle(Scan(text, device="keyboard")))

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        if isinstance(message.data_table, ShipmentTable) and message.row_key.value:
            self.process(self.station.recorder.select_shipment(message.row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The receiving dock's command keys act on the dock only, not from a board or form
        # shown over it (those screens give the keys their own meaning, or none).
        if action == "command":
            return not any(isinstance(s, StationScreen) for s in self.screen_stack)
        return True

    def action_command(self, name: str) -> None:
        self.process(self.station.recorder.handle(command_scan(self.station, name)))

    def process(self, recorded: Recorded) -> None:
        """Show a recorded verdict (its events are already committed) and follow the state."""
        self.last = recorded
        outcome = recorded.outcome
        self.query_one(VerdictBanner).show_recorded(recorded)
        self.refresh_view(outcome.unit)
        if outcome.details and outcome.headline.startswith("Receipt closed"):
            self.push_screen(SummaryScreen(outcome))

    # -- state -> screen ----------------------------------------------------

    def refresh_view(self, changed: str | None = None) -> None:
        """Show the panel that matches the workflow's state; `changed` names the unit scanned."""
        workflow = self.station.workflow
        switcher = self.query_one(ContentSwitcher)
        operator = workflow.operator
        receipt = workflow.receipt() if operator else None
        status = f" {self.station.config.station_id} | "
        status += operator.name if operator else "nobody logged in"
        if receipt:
            status += f" | receipt {receipt.receipt_id}: {', '.join(receipt.shipment_ids)}"
        self.query_one("#status-line", Static).update(Text(printable(status, None)))
        if operator is None:
            switcher.current = "login"
        elif receipt is None:
            switcher.current = "shipments"
            self.query_one(ShipmentTable).show(
                [s for s in self.station.view.shipments() if s.summary.direction.value == "inbound"]
            )
        else:
            switcher.current = "receiving"
            self._show_receipt(receipt, changed)

    def _show_receipt(self, receipt: ReceiptRecord, changed: str | None) -> None:
        """The receipt's counters and units; only the `changed` unit's row when it can."""
        view = self.station.view
        shipment_ids = receipt.shipment_ids
        tallies = [view.unit_tally(sid) for sid in shipment_ids]
        expected = sum(t.expected for t in tallies)
        done = sum(t.done for t in tallies)
        held = sum(t.held for t in tallies)
        unexpected = sum(t.unexpected for t in tallies)
        seal_parts = []
        for sid in shipment_ids:
            for seal in view.seals(sid):
                mark = {
                    SealStatus.PENDING: "not scanned",
                    SealStatus.VERIFIED: "OK",
                    SealStatus.MISMATCH: "NOT ON DOCUMENTS",
                    SealStatus.DAMAGED: "DAMAGED",
                }[seal.status]
                seal_parts.append(f"{printable(seal.seal, 20)} {mark}")
        on_hold = [sid for sid in shipment_ids if view.is_held("shipment", sid)]
        summary = Text()
        summary.append(f"Received {done}/{expected} expected units", style="bold")
        summary.append(f"  on hold: {held}  unexpected: {unexpected}")
        summary.append("  F3/F4 damaged unit/seal", style="dim")
        summary.append(f"\nSeals: {'; '.join(seal_parts) or 'none on the documents'}")
        if on_hold:
            held_text = printable(", ".join(on_hold), 80)
            summary.append(f"\nSHIPMENT ON HOLD: {held_text}", style="bold yellow")
        self.query_one("#receipt-summary", Static).update(summary)
        table = self.query_one(UnitTable)
        shown = (receipt.receipt_id, *shipment_ids)
        if table.shown == shown:
            if changed is not None:
                unit = view.unit(changed)
                table.show_unit(changed, unit, self._note(unit))
            return
        units = [u for sid in shipment_ids for u in view.units(sid)]
        notes = {
            u.unit_id: self._note(u) or "" for u in units if u.status is UnitStatus.QUARANTINED
        }
        table.show(shown, units, notes)

    def _note(self, unit: UnitRecord | None) -> str | None:
        """What a unit on hold was held for; None for the others."""
        if unit is None or unit.status is not UnitStatus.QUARANTINED:
            return None
        return "; ".join(f.code.value for f in self.station.view.unit_findings(unit.unit_id))
