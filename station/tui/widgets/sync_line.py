"""The sync line above the footer: online or offline, events waiting, the age of the oldest
unsent one, the last successful sync; red when the hub refused the log.

Shown only when the station has a ``[sync]`` table. It reads the status from the
station's database once a second (a few small queries), on the app's thread.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from station.domain.printable import printable
from station.services import sync
from station.sync.round import SyncSide
from station.sync.status import summary


class SyncLine(Static):
    """One line of sync state; Ctrl+Y opens the details."""

    DEFAULT_CSS = """
    SyncLine { height: 1; background: $panel; padding: 0 1; }
    SyncLine.-refused { background: $error; color: $text; text-style: bold; }
    SyncLine.-offline { background: $warning-darken-2; }
    """

    def __init__(self, station: SyncSide, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.station = station

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(1.0, self.refresh_status)

    def refresh_status(self) -> None:
        """Read the status again and show it."""
        found = sync.status(self.station)
        line = summary(found, self.station.clock.now())
        if found.refusal is not None:
            line += f" | {found.refusal.detail}"
        self.set_class(found.refusal is not None, "-refused")
        self.set_class(found.refusal is None and found.online is False, "-offline")
        self.update(Text(printable(line, 300) + "  (Ctrl+Y: sync)"))
