"""The devices screen: every configured device's health, and a test-scan mode.

Test-scan mode is the clerk's first stop when a scanner "does not work": whatever
is scanned is interpreted and shown in full (kind, symbology, AIs, findings)
without touching any workflow or the event log.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from station.domain.printable import printable
from station.domain.scanning.classify import ClassifierRules, classify
from station.domain.scanning.codes import Gs1Code
from station.domain.scanning.scan import Scan
from station.ports import DeviceState, DeviceStatus
from station.services.device_set import DeviceSet
from station.tui.screens.base import StationScreen, table_with_detail

_STATE_STYLE = {
    DeviceState.CONNECTED: "green",
    DeviceState.CONNECTING: "yellow",
    DeviceState.RECONNECTING: "bold yellow",
    DeviceState.ERROR: "bold red",
    DeviceState.ENDED: "dim",
    DeviceState.STOPPED: "dim",
}


def describe_scan(scan: Scan, rules: ClassifierRules) -> Text:
    """What a test scan is, in full, as plain text (scanned text made printable)."""
    code = classify(scan.text, rules, scan.symbology)
    text = Text()
    text.append(f"{type(code).__name__}", style="bold")
    text.append(f" from {printable(scan.device, 40)}")
    if scan.symbology:
        text.append(f", symbology {printable(scan.symbology)}")
    text.append(f"\n{printable(scan.text, 300)}\n")
    if isinstance(code, Gs1Code):
        text.append(f"GS1 {code.form.value}: ")
        text.append("  ".join(f"({ai}) {printable(value, 40)}" for ai, value in code.ais))
    for attr in ("number", "badge", "command", "kind"):
        value = getattr(code, attr, None)
        if value is not None:
            text.append(f"{attr}: {printable(str(getattr(value, 'value', value)))}  ")
    for finding in getattr(code, "findings", ()):
        text.append(f"\n{finding.code.value}: {finding.message}", style="bold red")
    return text


class DevicesScreen(StationScreen):
    """Device states, scan rates, camera figures; F7 toggles test-scan mode."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f7", "toggle_test", "Test scan on/off"),
        Binding("escape,f6", "app.pop_screen", "Back"),
    ]
    test_mode = False
    """Scans are shown here, interpreted, and not recorded."""

    @property
    def devices(self) -> DeviceSet:
        """The station's devices."""
        return self.station.devices

    @property
    def rules(self) -> ClassifierRules:
        """How the station interprets codes."""
        return self.station.config.rules

    def compose(self) -> ComposeResult:
        yield from table_with_detail("Devices", "devices-title", "device-table", "test-scan")

    def on_mount(self) -> None:
        table = self.query_one("#device-table", DataTable)
        table.add_columns("Device", "State", "Detail", "Scans/min", "Last scan", "FPS", "Decode")
        self.refresh_devices()
        self.set_interval(1.0, self.refresh_devices)
        self._show_mode()

    def refresh_devices(self) -> None:
        """Redraw the table from the latest statuses."""
        table = self.query_one("#device-table", DataTable)
        table.clear()
        now = time.monotonic()
        for status in self.devices.statuses():
            table.add_row(*self._row(status, now), key=status.device)

    def _row(self, status: DeviceStatus, now: float) -> list[Text]:
        last = "-" if status.last_scan_at is None else f"{now - status.last_scan_at:.0f} s ago"
        return [
            Text(printable(status.device, 32)),
            Text(status.state.value, style=_STATE_STYLE[status.state]),
            Text(printable(status.detail, 40)),
            Text(str(self.devices.scans_per_minute(status.device))),
            Text(last),
            Text("-" if status.fps is None else f"{status.fps:.1f}"),
            Text("-" if status.decode_rate is None else f"{status.decode_rate:.0%}"),
        ]

    def action_toggle_test(self) -> None:
        self.test_mode = not self.test_mode
        self._show_mode()

    def _show_mode(self) -> None:
        message = (
            "TEST SCAN: scans are shown here and not recorded. Press F7 to end."
            if self.test_mode
            else "Press F7 for test-scan mode: see exactly what a scanner sends."
        )
        self.query_one("#test-scan", Static).update(Text(message))

    def show_test_scan(self, scan: Scan) -> None:
        """Show an interpreted scan (called by the app while test mode is on)."""
        text = Text()
        text.append("TEST SCAN (not recorded)\n", style="bold")
        text.append_text(describe_scan(scan, self.rules))
        self.query_one("#test-scan", Static).update(text)
