"""The sync screen: how this station stands with its hub, in full.

The hub, whether the last round reached it, what waits to be sent and since when, the
head the hub acknowledged next to the log's own, the last error, a refusal of the log
(fork, gap or cut) with the hub's reason, and the site data last pulled. Enter asks the
worker for a round now; the screen reads the status again every second.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

from station.domain.printable import printable
from station.services import sync
from station.sync.status import SyncStatus, age_text, summary
from station.tui.screens.base import StationScreen


def status_text(found: SyncStatus, now_text: str, age_of: float | None) -> Text:
    """The details, one fact a line."""
    state = found.state
    text = Text()
    if found.refusal is not None:
        text.append(
            f"THE HUB REFUSED THIS STATION'S LOG ({found.refusal.reason.upper()})\n",
            style="bold red",
        )
        text.append(printable(found.refusal.detail, 500) + "\n", style="red")
        text.append("Call a supervisor: the log must be checked (station verify-log).\n\n")
    rows = [
        ("Hub", printable(found.hub or "not configured", 200)),
        (
            "State",
            "never tried" if found.online is None else "online" if found.online else "offline",
        ),
        ("Waiting", f"{found.waiting} events (oldest {age_text(age_of)})"),
        ("Log", f"#{found.log_seq}"),
        ("Hub holds up to", f"#{state.acked_seq} {state.acked_hash[:16]}..."),
        (
            "Last success",
            state.last_success_at.isoformat(timespec="seconds")
            if state.last_success_at
            else "never",
        ),
        (
            "Last attempt",
            state.last_attempt_at.isoformat(timespec="seconds")
            if state.last_attempt_at
            else "never",
        ),
        ("Last error", printable(state.last_error or "-", 300)),
    ]
    for pulled in found.pulls:
        rows.append(
            (
                f"Pulled {pulled.resource}",
                f"{pulled.pulled_at.isoformat(timespec='seconds')} "
                f"(cursor {printable(pulled.cursor or '-', 40)})",
            )
        )
    for label, value in rows:
        text.append(f"{label:>16}: ", style="bold")
        text.append(value + "\n")
    text.append(f"\nAs of {now_text}.")
    return text


class SyncScreen(StationScreen):
    """The station's sync state in full."""

    DEFAULT_CSS = """
    SyncScreen #sync-title { height: 1; background: $primary-darken-2; }
    SyncScreen #sync-detail { height: 1fr; padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+y", "app.pop_screen", "Back"),
        Binding("enter", "sync_now", "Sync now"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(" SYNC WITH THE HUB", style="bold"), id="sync-title")
            yield Static(id="sync-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(1.0, self.refresh_status)

    def refresh_status(self) -> None:
        """Read the status again and show it."""
        found = sync.status(self.station)
        now = self.station.clock.now()
        detail = status_text(found, now.isoformat(timespec="seconds"), found.oldest_age_s(now))
        self.query_one("#sync-title", Static).update(
            Text(f" SYNC WITH THE HUB   {summary(found, now)}", style="bold")
        )
        self.query_one("#sync-detail", Static).update(detail)

    def action_sync_now(self) -> None:
        worker = getattr(self.app, "sync_worker", None)
        if worker is None:
            self.notify("This station does not sync (no [sync] table in its config)", markup=False)
            return
        worker.wake()
        self.notify("Sync round started", markup=False)
