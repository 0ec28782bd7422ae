"""How the station stands with its hub, as the footer, the sync screen and the CLI show it.

Read from the station's own database in a few small queries, so a front end can ask
every second: the outbox is the events after the acknowledged head, so "waiting" is a
subtraction and the oldest unsent event is one row.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from station.sync.state import Pulled, Refusal, SyncState, read_state

_RESOURCES = ("manifests", "roster", "risk")


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """Everything the station shows about sync."""

    hub: str | None
    """The hub's URL; None when this station does not sync (no ``[sync]``)."""
    state: SyncState
    log_seq: int
    """The last sequence number in the log."""
    oldest_unsent_at: dt.datetime | None
    pulls: tuple[Pulled, ...]

    @property
    def waiting(self) -> int:
        """Events not yet acknowledged by the hub."""
        return max(0, self.log_seq - self.state.acked_seq)

    @property
    def refusal(self) -> Refusal | None:
        """The hub's (or the local anchor's) refusal of the log, if any."""
        return self.state.refusal

    @property
    def online(self) -> bool | None:
        """Whether the last round reached the hub (None before the first)."""
        return self.state.online

    def oldest_age_s(self, now: dt.datetime) -> float | None:
        """Seconds since the oldest unsent event was recorded."""
        if self.oldest_unsent_at is None or self.waiting == 0:
            return None
        return max(0.0, (now - self.oldest_unsent_at).total_seconds())


def read_status(conn: sqlite3.Connection, hub: str | None) -> SyncStatus:
    """The status from the station's database."""
    state = read_state(conn)
    row = conn.execute("SELECT max(seq) FROM events").fetchone()
    log_seq = int(row[0] or 0)
    oldest = conn.execute(
        "SELECT recorded_at FROM events WHERE seq > ? ORDER BY seq LIMIT 1", (state.acked_seq,)
    ).fetchone()
    pulls = []
    for resource in _RESOURCES:
        found = conn.execute(
            "SELECT resource, etag, cursor, digest, pulled_at FROM sync_pulls WHERE resource = ?",
            (resource,),
        ).fetchone()
        if found:
            pulls.append(
                Pulled(
                    found[0],
                    found[1],
                    found[2],
                    found[3],
                    None,
                    dt.datetime.fromisoformat(found[4]),
                )
            )
    return SyncStatus(
        hub=hub,
        state=state,
        log_seq=log_seq,
        oldest_unsent_at=dt.datetime.fromisoformat(oldest[0]) if oldest else None,
        pulls=tuple(pulls),
    )


def age_text(seconds: float | None) -> str:
    """A short age: 42 s, 5 min, 3 h, 2 d."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86_400:.0f} d"


def summary(status: SyncStatus, now: dt.datetime) -> str:
    """One line: the footer's and ``station sync --status``'s first line."""
    if status.hub is None:
        return "sync: not configured"
    if status.refusal is not None:
        state = f"REFUSED ({status.refusal.reason})"
    elif status.online is None:
        state = "not yet tried"
    else:
        state = "online" if status.online else "offline"
    last = status.state.last_success_at
    since = age_text((now - last).total_seconds()) + " ago" if last else "never"
    oldest = status.oldest_age_s(now)
    waiting = f"{status.waiting} waiting" + (f" (oldest {age_text(oldest)})" if oldest else "")
    return f"sync: {state} | {waiting} | last sync {since}"
