"""Releases in the store: open releases, the units and seals scanned into them, completion.

A release lives in three tables (``releases``, ``release_units``, ``release_seals``)
kept in step with the event log, so a release interrupted by a crash or a logout
resumes where it stopped, as receipts do.

`RELEASE_COMPLETED` is the one event that marks lots ``shipped``; nothing else in the
store writes that status. Its projection checks once more, inside the write
transaction, that the release is open, that the event names exactly the units
checked into it, and that neither those lots nor anything upstream of them is held,
quarantined or rejected (or already gone). Otherwise it raises, the transaction rolls
back, and the event is never recorded: even an event built around the workflow
cannot ship what the release process did not pass. (Lots received in a shipment whose
receipt is not closed count as held: closing may still put the shipment on hold.)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from station.domain.checks.release import ReleaseStatus
from station.domain.events import EventKind, StoredEvent
from station.domain.lots.lot_state import LotStatus
from station.errors import StoreError

_UPSTREAM = """
    WITH RECURSIVE up(id) AS (
        SELECT ? UNION SELECT lot_links.parent FROM lot_links JOIN up ON lot_links.child = up.id
    )
"""
_BLOCKED_UPSTREAM = (
    _UPSTREAM
    + """
    SELECT up.id, 'lot ' || l.status FROM up JOIN lots l ON l.lot_id = up.id
        WHERE l.status IN ('quarantined', 'rejected')
    UNION ALL
    SELECT up.id, 'unit ' || u.status FROM up JOIN units u ON u.unit_id = up.id
        WHERE u.status IN ('quarantined', 'rejected')
    UNION ALL
    SELECT up.id, h.entity_kind || ' on hold' FROM up JOIN lots l ON l.lot_id = up.id
        JOIN holds h ON (h.entity_kind = 'unit' AND h.entity_id = up.id)
            OR (h.entity_kind = 'shipment' AND h.entity_id = l.shipment_id)
    UNION ALL
    SELECT up.id, 'receipt of ' || s.shipment_id || ' not closed' FROM up
        JOIN lots l ON l.lot_id = up.id
        JOIN shipments s ON s.shipment_id = l.shipment_id
        WHERE l.kind IN ('received', 'received-line') AND s.status != 'received'
    """
)


class ReleaseProjector:
    """Keeps the release tables (and shipped lots) in step with the event log."""

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        """Update release projections for one event (inside the append transaction)."""
        kind = stored.event.kind
        if kind is EventKind.RELEASE_OPENED:
            _open(conn, stored)
        elif kind in _CHANGES:
            # Every other release event changes a release, and only an open one may change.
            _require_open(conn, stored.event.payload["release_id"])
            _CHANGES[kind](conn, stored)


def _open(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    event = stored.event
    conn.execute(
        "INSERT INTO releases (release_id, station_id, shipment_id, status,"
        " opened_by, opened_at, opened_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            event.payload["release_id"],
            event.station_id,
            event.payload["shipment_id"],
            ReleaseStatus.OPEN.value,
            event.operator_id,
            event.recorded_at.isoformat(),
            stored.seq,
        ),
    )


def _unit_checked(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    event = stored.event
    payload = event.payload
    when = event.recorded_at.isoformat()
    if payload.get("recheck"):
        # Checked again at #CLOSE: the unit keeps its place in scan order.
        conn.execute(
            "UPDATE release_units SET ok = ?, findings = ?, checked_at = ?,"
            " checked_by = ? WHERE release_id = ? AND unit_id = ?",
            (
                int(bool(payload["ok"])),
                json.dumps(payload["findings"]),
                when,
                event.operator_id,
                payload["release_id"],
                payload["unit_id"],
            ),
        )
        return
    conn.execute(
        "INSERT OR REPLACE INTO release_units (release_id, unit_id, seq, event_id,"
        " label, ok, findings, gtin, product, quantity, uom, checked_at, checked_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            payload["release_id"],
            payload["unit_id"],
            stored.seq,
            event.id,
            payload["label"],
            int(bool(payload["ok"])),
            json.dumps(payload["findings"]),
            payload.get("gtin"),
            payload.get("product"),
            payload.get("quantity"),
            payload.get("uom"),
            when,
            event.operator_id,
        ),
    )


def _seal_applied(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    event = stored.event
    conn.execute(
        "INSERT OR IGNORE INTO release_seals (release_id, seal, seq, event_id,"
        " applied_at, applied_by) VALUES (?, ?, ?, ?, ?, ?)",
        (
            event.payload["release_id"],
            event.payload["seal"],
            stored.seq,
            event.id,
            event.recorded_at.isoformat(),
            event.operator_id,
        ),
    )


def _refusal(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    payload = stored.event.payload
    last = {"findings": payload["findings"], "blocking": payload["blocking"]}
    conn.execute(
        "UPDATE releases SET refusals = refusals + 1, last_refusal = ? WHERE release_id = ?",
        (json.dumps(last), payload["release_id"]),
    )


def _abandoned(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    event = stored.event
    release_id = event.payload["release_id"]
    if conn.execute(
        "SELECT 1 FROM release_units WHERE release_id = ? UNION ALL"
        " SELECT 1 FROM release_seals WHERE release_id = ?",
        (release_id, release_id),
    ).fetchone():
        raise StoreError(f"release {release_id!r} is not empty")
    conn.execute(
        "UPDATE releases SET status = ?, completed_at = ?, completed_by = ? WHERE release_id = ?",
        (
            ReleaseStatus.ABANDONED.value,
            event.recorded_at.isoformat(),
            event.operator_id,
            release_id,
        ),
    )


def _statement(sql: str, *keys: str) -> Callable[[sqlite3.Connection, StoredEvent], None]:
    """A change that is one statement over payload values, in the order of `keys`."""

    def change(conn: sqlite3.Connection, stored: StoredEvent) -> None:
        conn.execute(sql, tuple(stored.event.payload[key] for key in keys))

    return change


def _complete(conn: sqlite3.Connection, stored: StoredEvent) -> None:
    event = stored.event
    payload: Mapping[str, Any] = event.payload
    release_id = payload["release_id"]
    checked = {
        row[0]: bool(row[1])
        for row in conn.execute(
            "SELECT unit_id, ok FROM release_units WHERE release_id = ?", (release_id,)
        )
    }
    shipping = [unit["unit_id"] for unit in payload["units"]]
    if not shipping or set(shipping) != set(checked) or len(shipping) != len(checked):
        raise _refused(release_id, "the units to ship are not the units checked into it")
    for unit_id in shipping:
        if not checked[unit_id]:
            raise _refused(release_id, f"unit {unit_id!r} did not pass its check")
        row = conn.execute("SELECT status, kind FROM lots WHERE lot_id = ?", (unit_id,)).fetchone()
        if row is None or row[0] != LotStatus.AVAILABLE.value or row[1] == "received-line":
            state = "unknown" if row is None else f"{row[1]}, {row[0]}"
            raise _refused(release_id, f"lot {unit_id!r} is not available ({state})")
        unit = conn.execute("SELECT status FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
        if row[1] == "received" and (unit is None or unit[0] != "accepted"):
            raise _refused(release_id, f"unit {unit_id!r} was not accepted at receiving")
        blocked = conn.execute(_BLOCKED_UPSTREAM, (unit_id,)).fetchone()
        if blocked is not None:
            raise _refused(
                release_id, f"lot {blocked[0]!r} ({blocked[1]}) is upstream of {unit_id!r}"
            )
    conn.executemany(
        "UPDATE lots SET status = ? WHERE lot_id = ?",
        [(LotStatus.SHIPPED.value, unit_id) for unit_id in shipping],
    )
    conn.execute(
        "UPDATE releases SET status = ?, bill_of_lading = ?, completed_at = ?,"
        " completed_by = ?, completed_event_id = ? WHERE release_id = ?",
        (
            ReleaseStatus.COMPLETED.value,
            payload["bill_of_lading"],
            event.recorded_at.isoformat(),
            event.operator_id,
            event.id,
            release_id,
        ),
    )


_CHANGES: dict[EventKind, Callable[[sqlite3.Connection, StoredEvent], None]] = {
    EventKind.RELEASE_UNIT_CHECKED: _unit_checked,
    EventKind.RELEASE_UNIT_REMOVED: _statement(
        "DELETE FROM release_units WHERE release_id = ? AND unit_id = ?", "release_id", "unit_id"
    ),
    EventKind.RELEASE_SEAL_APPLIED: _seal_applied,
    EventKind.RELEASE_SEAL_REMOVED: _statement(
        "DELETE FROM release_seals WHERE release_id = ? AND seal = ?", "release_id", "seal"
    ),
    EventKind.RELEASE_BOL_CAPTURED: _statement(
        "UPDATE releases SET bill_of_lading = ? WHERE release_id = ?",
        "bill_of_lading",
        "release_id",
    ),
    EventKind.RELEASE_REFUSED: _refusal,
    EventKind.RELEASE_ABANDONED: _abandoned,
    EventKind.RELEASE_COMPLETED: _complete,
}
"""What each release event does to a release that must be open."""


def _require_open(conn: sqlite3.Connection, release_id: str) -> None:
    row = conn.execute("SELECT status FROM releases WHERE release_id = ?", (release_id,)).fetchone()
    if row is None:
        raise StoreError(f"release {release_id!r} does not exist")
    if row[0] != ReleaseStatus.OPEN.value:
        raise StoreError(f"release {release_id!r} is {row[0]}: it cannot change any more")


def _refused(release_id: str, reason: str) -> StoreError:
    return StoreError(f"release {release_id!r} cannot complete: {reason}")
