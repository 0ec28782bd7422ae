"""Projections: current state (shipments, units, seals, receipts, holds) from events.

Applied inside the same transaction that appends each event, so state and log
never disagree. Rebuilding means replaying the log through `ReceivingProjector`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from station.domain.events import EventKind, StoredEvent
from station.domain.printable import printable
from station.errors import ConflictError
from station.ports import SealStatus, ShipmentStatus, UnitStatus
from station.store.eventlog import Projector

UNDOABLE_KINDS = (EventKind.UNIT_RECEIVED.value, EventKind.SEAL_CHECKED.value)


class Projectors:
    """Several projectors applied in order to each event, in the same transaction."""

    def __init__(self, *projectors: Projector) -> None:
        self.projectors = projectors

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        """Apply every projector to `stored`."""
        for projector in self.projectors:
            projector.apply(conn, stored)


class ReceivingProjector:
    """Keeps the receiving projection tables in step with the event log."""

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        """Update projections for one event (called inside the append transaction)."""
        event = stored.event
        payload = event.payload
        when = event.recorded_at.isoformat()
        match event.kind:
            case EventKind.MANIFEST_IMPORTED:
                self._import(conn, payload["manifest"], payload["unit_ids"], stored.seq)
            case EventKind.RECEIPT_OPENED:
                conn.execute(
                    "INSERT INTO receipts (receipt_id, station_id, status, opened_by, opened_at)"
                    " VALUES (?, ?, 'open', ?, ?)",
                    (payload["receipt_id"], event.station_id, event.operator_id, when),
                )
                self._join(conn, payload["receipt_id"], payload["shipment_id"])
            case EventKind.RECEIPT_SHIPMENT_ADDED:
                self._join(conn, payload["receipt_id"], payload["shipment_id"])
            case EventKind.SEAL_CHECKED:
                for shipment_id in payload["shipment_ids"]:
                    conn.execute(
                        "INSERT INTO seals (shipment_id, seal, expected, status, checked_seq)"
                        " VALUES (?, ?, 0, ?, ?) ON CONFLICT (shipment_id, seal) DO UPDATE SET"
                        " status = excluded.status, checked_seq = excluded.checked_seq",
                        (shipment_id, payload["seal"], payload["status"], stored.seq),
                    )
                self._action(conn, stored, payload["seal"])
            case EventKind.SHIPMENT_HELD:
                self._hold(conn, "shipment", payload["shipment_id"], payload, stored)
            case EventKind.UNIT_RECEIVED:
                self._receive(conn, stored)
            case EventKind.UNIT_MARKED_DAMAGED:
                conn.execute(
                    "UPDATE units SET status = ?, findings = ? WHERE unit_id = ?",
                    (
                        UnitStatus.QUARANTINED.value,
                        json.dumps(payload["findings"]),
                        payload["unit_id"],
                    ),
                )
                self._hold(conn, "unit", payload["unit_id"], payload, stored)
            case EventKind.ACTION_UNDONE:
                self._undo(conn, payload)
            case EventKind.HOLD_NOTE_ADDED | EventKind.HOLD_RELEASED | EventKind.HOLD_REJECTED:
                self._decide(conn, stored)
            case EventKind.RECEIPT_CLOSED:
                conn.execute(
                    "UPDATE receipts SET status = 'closed', closed_at = ?, summary = ?"
                    " WHERE receipt_id = ?",
                    (when, json.dumps(payload["summary"]), payload["receipt_id"]),
                )
                for shipment_id in payload["shipment_ids"]:
                    conn.execute(
                        "UPDATE shipments SET status = ? WHERE shipment_id = ?",
                        (ShipmentStatus.RECEIVED.value, shipment_id),
                    )
                    conn.execute(
                        "UPDATE units SET status = ? WHERE shipment_id = ? AND status = ?",
                        (UnitStatus.MISSING.value, shipment_id, UnitStatus.EXPECTED.value),
                    )
            case _:
                pass

    def _import(
        self, conn: sqlite3.Connection, manifest: Mapping[str, Any], unit_ids: list[str], seq: int
    ) -> None:
        shipment_id = manifest["shipment_id"]
        conn.execute(
            "INSERT INTO shipments (shipment_id, direction, bill_of_lading, asn, manifest,"
            " status, imported_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                shipment_id,
                manifest["direction"],
                manifest.get("bill_of_lading"),
                manifest.get("asn"),
                json.dumps(manifest, sort_keys=True),
                ShipmentStatus.EXPECTED.value,
                seq,
            ),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO shipment_orders (shipment_id, purchase_order) VALUES (?, ?)",
            [(shipment_id, po) for po in manifest.get("purchase_orders", [])],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO seals (shipment_id, seal, expected, status) VALUES (?, ?, 1, ?)",
            [(shipment_id, seal, SealStatus.PENDING.value) for seal in manifest.get("seals", [])],
        )
        conn.executemany(
            "INSERT INTO units (unit_id, shipment_id, expected, status) VALUES (?, ?, 1, ?)",
            [(uid, shipment_id, UnitStatus.EXPECTED.value) for uid in unit_ids],
        )

    def _join(self, conn: sqlite3.Connection, receipt_id: str, shipment_id: str) -> None:
        conn.execute(
            "UPDATE shipments SET status = ?, receipt_id = ? WHERE shipment_id = ?",
            (ShipmentStatus.RECEIVING.value, receipt_id, shipment_id),
        )

    def _receive(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        payload = stored.event.payload
        status = UnitStatus(payload["status"])
        row = conn.execute(
            "SELECT received_seq FROM units WHERE unit_id = ?", (payload["unit_id"],)
        ).fetchone()
        if row is not None and row[0] is not None:
            # Whatever decided this receive read a state that is gone: never count it twice.
            raise ConflictError(
                f"unit {printable(payload['unit_id'])} was already received (event #{row[0]}): "
                "a second receive is refused"
            )
        conn.execute(
            "INSERT INTO units (unit_id, shipment_id, expected, status, receipt_id, received_seq,"
            " received_at, received_by, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (unit_id) DO UPDATE SET status = excluded.status,"
            " receipt_id = excluded.receipt_id, received_seq = excluded.received_seq,"
            " received_at = excluded.received_at, received_by = excluded.received_by,"
            " findings = excluded.findings",
            (
                payload["unit_id"],
                payload["shipment_id"],
                int(payload["expected"]),
                status.value,
                payload["receipt_id"],
                stored.seq,
                stored.event.recorded_at.isoformat(),
                stored.event.operator_id,
                json.dumps(payload["findings"]),
            ),
        )
        if status is UnitStatus.QUARANTINED:
            self._hold(conn, "unit", payload["unit_id"], payload, stored)
        self._action(conn, stored, payload["unit_id"])

    def _action(self, conn: sqlite3.Connection, stored: StoredEvent, subject: str) -> None:
        conn.execute(
            "INSERT INTO receipt_actions (seq, receipt_id, event_id, kind, subject)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                stored.seq,
                stored.event.payload["receipt_id"],
                stored.event.id,
                stored.event.kind.value,
                subject,
            ),
        )

    def _hold(
        self,
        conn: sqlite3.Connection,
        entity_kind: str,
        entity_id: str,
        payload: Mapping[str, Any],
        stored: StoredEvent,
    ) -> None:
        row = conn.execute(
            "SELECT findings FROM holds WHERE entity_kind = ? AND entity_id = ?",
            (entity_kind, entity_id),
        ).fetchone()
        # Each finding remembers who raised it, so nobody releases a hold they added to.
        raised = [{**f, "raised_by": stored.event.operator_id} for f in payload["findings"]]
        findings = (json.loads(row[0]) if row else []) + raised
        conn.execute(
            "INSERT INTO holds (entity_kind, entity_id, shipment_id, findings, since, placed_by,"
            " seq) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity_kind, entity_id)"
            " DO UPDATE SET findings = excluded.findings",
            (
                entity_kind,
                entity_id,
                payload.get("shipment_id"),
                json.dumps(findings),
                stored.event.recorded_at.isoformat(),
                stored.event.operator_id,
                stored.seq,
            ),
        )

    def _decide(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        event = stored.event
        payload = event.payload
        kind, entity_id = payload["entity_kind"], payload["entity_id"]
        conn.execute(
            "INSERT INTO hold_actions (seq, entity_kind, entity_id, action, operator_id, at, text,"
            " evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                stored.seq,
                kind,
                entity_id,
                event.kind.value,
                event.operator_id,
                event.recorded_at.isoformat(),
                payload["text"],
                payload.get("evidence"),
            ),
        )
        if event.kind is EventKind.HOLD_NOTE_ADDED:
            return
        conn.execute("DELETE FROM holds WHERE entity_kind = ? AND entity_id = ?", (kind, entity_id))
        released = event.kind is EventKind.HOLD_RELEASED
        status = UnitStatus.ACCEPTED if released else UnitStatus.REJECTED
        if kind == "unit":
            conn.execute("UPDATE units SET status = ? WHERE unit_id = ?", (status.value, entity_id))
        elif not released:
            conn.execute(
                "UPDATE units SET status = ? WHERE shipment_id = ? AND status IN (?, ?)",
                (
                    status.value,
                    entity_id,
                    UnitStatus.ACCEPTED.value,
                    UnitStatus.QUARANTINED.value,
                ),
            )
        for unit_id in payload.get("cascade", []):
            conn.execute(
                "DELETE FROM holds WHERE entity_kind = 'unit' AND entity_id = ?", (unit_id,)
            )
            conn.execute("UPDATE units SET status = ? WHERE unit_id = ?", (status.value, unit_id))

    def _undo(self, conn: sqlite3.Connection, payload: Mapping[str, Any]) -> None:
        conn.execute(
            "UPDATE receipt_actions SET undone = 1 WHERE event_id = ?",
            (payload["undone_event_id"],),
        )
        if payload["undone_kind"] == EventKind.UNIT_RECEIVED.value:
            unit_id = payload["subject"]
            if payload["expected"]:
                conn.execute(
                    "UPDATE units SET status = ?, receipt_id = NULL, received_seq = NULL,"
                    " received_at = NULL, received_by = NULL, findings = '[]' WHERE unit_id = ?",
                    (UnitStatus.EXPECTED.value, unit_id),
                )
            else:
                conn.execute("DELETE FROM units WHERE unit_id = ?", (unit_id,))
        else:
            for shipment_id in payload["shipment_ids"]:
                conn.execute(
                    "UPDATE seals SET status = ?, checked_seq = NULL"
                    " WHERE shipment_id = ? AND seal = ? AND expected = 1",
                    (SealStatus.PENDING.value, shipment_id, payload["subject"]),
                )
                conn.execute(
                    "DELETE FROM seals WHERE shipment_id = ? AND seal = ? AND expected = 0",
                    (shipment_id, payload["subject"]),
                )
