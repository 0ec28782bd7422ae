"""What the station's full screens share: the station they show, and scans routed to them.

`StationApp` hands every scan to the shown `ScanScreen`'s `accept_scan` instead of the
receiving recorder; an `EntryScreen` also takes a code typed into its entry line as a
scan from the keyboard. `dock_command_bindings` are the keys both docks give their
station commands (close, damaged unit or seal, undo); `table_with_detail` is the
layout of the boards (devices, holds).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from station.bootstrap import Station
from station.domain.scanning.codes import Command
from station.domain.scanning.scan import Scan


class StationScreen(Screen[None]):
    """A full screen over the open station."""

    def __init__(self, station: Station) -> None:
        super().__init__()
        self.station = station


class ScanScreen(StationScreen):
    """A screen that takes every scan while it is shown."""

    def accept_scan(self, scan: Scan) -> None:
        """A scan from any device while this screen is shown."""
        raise NotImplementedError


class EntryScreen(ScanScreen):
    """A scan screen with an entry line: Enter there scans the typed code."""

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        text = message.value.strip()
        message.input.value = ""
        if text:
            self.accept_scan(Scan(text, device="keyboard"))


def table_with_detail(title: str, title_id: str, table_id: str, detail_id: str) -> ComposeResult:
    """A board: a bold title, a table picked by row, the detail below it; the footer."""
    with Vertical():
        yield Static(Text(title, style="bold"), id=title_id)
        yield DataTable[Text](id=table_id, cursor_type="row")
        yield Static(id=detail_id)
    yield Footer()


def command_scan(station: Station, name: str) -> Scan:
    """The scan a command key stands for: the command's code, as if typed."""
    return Scan(station.config.rules.command_prefix + Command(name).value, device="keyboard")


def command_binding(key: str, command: Command, description: str, *, show: bool = True) -> Binding:
    """A key that runs a station command as if its command code were scanned."""
    return Binding(key, f"command('{command.value}')", description, show=show)


def dock_command_bindings(close: str, *, show_marks: bool) -> list[Binding]:
    """F2 close (named `close`), F3 damaged unit, F4 damaged seal, F5 undo."""
    return [
        command_binding("f2", Command.CLOSE, close),
        command_binding("f3", Command.DAMAGED, "Damaged", show=show_marks),
        command_binding("f4", Command.SEAL_DAMAGED, "Seal damaged", show=show_marks),
        command_binding("f5", Command.UNDO, "Undo"),
    ]
