"""Read-only queries over the projections, in the shapes workflows and screens use."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from station.domain.events import EventKind
from station.domain.findings import Finding
from station.domain.lockout import REASON_WRONG_PIN
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.manifest.model import Direction, Manifest
from station.domain.scanning.codes import DocumentKind
from station.errors import StoreError
from station.ports import (
    ActionRecord,
    HoldAction,
    HoldRecord,
    ReceiptRecord,
    SealRecord,
    SealStatus,
    ShipmentRecord,
    ShipmentStatus,
    ShipmentSummary,
    UnitRecord,
    UnitStatus,
    UnitTally,
)
from station.store.rows import Row, columns, many, one, record

_UNIT_FIELDS = ("unit_id", "shipment_id", "expected", "status", "receipt_id", "received_at")
_HOLD_FIELDS = ("entity_kind", "entity_id", "shipment_id", "findings", "since", "placed_by")
_UNITS = f"SELECT {columns(_UNIT_FIELDS)} FROM units"
_RECEIPTS = "SELECT receipt_id, station_id, status, opened_by, opened_at FROM receipts"
_HOLDS = f"SELECT {columns(_HOLD_FIELDS)} FROM holds"
# Rows are selected without the manifest column: a scan must not copy megabytes of JSON.
_SHIPMENTS = (
    "SELECT s.shipment_id, s.status, s.receipt_id, s.direction, s.bill_of_lading,"
    " m.seller, m.units, m.seals FROM shipments s"
    " LEFT JOIN shipment_summaries m ON m.shipment_id = s.shipment_id"
)


class SqliteReceivingView:
    """Implements `station.ports.ReceivingView` over the projection tables."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._manifests: dict[str, Manifest] = {}

    def shipment(self, shipment_id: str) -> ShipmentRecord | None:
        row = self._conn.execute(f"{_SHIPMENTS} WHERE s.shipment_id = ?", (shipment_id,)).fetchone()
        return self._shipment(row) if row else None

    def shipments(self) -> list[ShipmentRecord]:
        """Every shipment, newest import first."""
        rows = self._conn.execute(f"{_SHIPMENTS} ORDER BY s.imported_seq DESC").fetchall()
        return [self._shipment(row) for row in rows]

    def find_shipments(self, kind: DocumentKind, number: str) -> list[ShipmentRecord]:
        if kind is DocumentKind.PURCHASE_ORDER:
            sql = (
                f"{_SHIPMENTS} JOIN shipment_orders o ON o.shipment_id = s.shipment_id"
                " WHERE o.purchase_order = ? ORDER BY s.shipment_id"
            )
        else:
            column = {
                DocumentKind.SHIPMENT: "shipment_id",
                DocumentKind.BILL_OF_LADING: "bill_of_lading",
                DocumentKind.ADVANCE_SHIP_NOTICE: "asn",
            }[kind]
            sql = f"{_SHIPMENTS} WHERE s.{column} = ? ORDER BY s.shipment_id"
        rows = self._conn.execute(sql, (number,)).fetchall()
        return [self._shipment(row) for row in rows]

    def unit(self, unit_id: str) -> UnitRecord | None:
        return one(self._conn, f"{_UNITS} WHERE unit_id = ?", (unit_id,), _unit)

    def units(self, shipment_id: str) -> list[UnitRecord]:
        return many(
            self._conn, f"{_UNITS} WHERE shipment_id = ? ORDER BY unit_id", (shipment_id,), _unit
        )

    def unit_counts(self, shipment_id: str) -> tuple[int, int]:
        """(expected units, expected units no longer waiting) of a shipment."""
        tally = self.unit_tally(shipment_id)
        return tally.expected, tally.done

    def unit_tally(self, shipment_id: str) -> UnitTally:
        """A shipment's unit counts, kept by triggers as units change (one row read)."""
        row = self._conn.execute(
            "SELECT expected, done, held, unexpected FROM unit_tallies WHERE shipment_id = ?",
            (shipment_id,),
        ).fetchone()
        return UnitTally(*row) if row else UnitTally(0, 0, 0, 0)

    def seals(self, shipment_id: str) -> list[SealRecord]:
        return many(
            self._conn,
            "SELECT shipment_id, seal, expected, status FROM seals WHERE shipment_id = ?"
            " ORDER BY expected DESC, seal",
            (shipment_id,),
            lambda r: SealRecord(r[0], r[1], bool(r[2]), SealStatus(r[3])),
        )

    def open_receipt(self, station_id: str) -> ReceiptRecord | None:
        sql = (
            f"{_RECEIPTS} WHERE station_id = ? AND status = 'open' ORDER BY opened_at DESC LIMIT 1"
        )
        return one(self._conn, sql, (station_id,), self._receipt)

    def receipt_count(self, station_id: str) -> int:
        (count,) = self._conn.execute(
            "SELECT count(*) FROM receipts WHERE station_id = ?", (station_id,)
        ).fetchone()
        return int(count)

    def receipt(self, receipt_id: str) -> ReceiptRecord | None:
        """One receipt with its shipments."""
        return one(self._conn, f"{_RECEIPTS} WHERE receipt_id = ?", (receipt_id,), self._receipt)

    def last_action(self, receipt_id: str, kinds: Sequence[str]) -> ActionRecord | None:
        marks = ",".join("?" * len(kinds))
        row = self._conn.execute(
            "SELECT event_id, kind, subject, receipt_id FROM receipt_actions"
            f" WHERE receipt_id = ? AND undone = 0 AND kind IN ({marks})"
            " ORDER BY seq DESC LIMIT 1",
            (receipt_id, *kinds),
        ).fetchone()
        return ActionRecord(*row) if row else None

    def holds(self) -> list[HoldRecord]:
        """Everything on hold, oldest first."""
        return many(self._conn, f"{_HOLDS} ORDER BY seq", (), _hold)

    def hold(self, entity_kind: str, entity_id: str) -> HoldRecord | None:
        """One hold, if `entity_id` is on hold."""
        sql = f"{_HOLDS} WHERE entity_kind = ? AND entity_id = ?"
        return one(self._conn, sql, (entity_kind, entity_id), _hold)

    def wrong_pins(self, badge: str, since: dt.datetime) -> list[dt.datetime]:
        """When wrong PINs were given for `badge` at or after `since` (from the event log)."""
        rows = self._conn.execute(
            "SELECT recorded_at FROM events WHERE kind = ?"
            " AND json_extract(payload, '$.badge') = ? AND json_extract(payload, '$.reason') = ?"
            " ORDER BY seq DESC LIMIT 1000",
            (EventKind.PIN_REFUSED.value, badge, REASON_WRONG_PIN),
        )
        times = (dt.datetime.fromisoformat(when) for (when,) in rows)
        return sorted(t for t in times if t >= since)

    def hold_actions(self, entity_kind: str, entity_id: str) -> list[HoldAction]:
        """Notes and decisions on an entity's holds, oldest first."""
        return many(
            self._conn,
            "SELECT action, operator_id, at, text, evidence FROM hold_actions"
            " WHERE entity_kind = ? AND entity_id = ? ORDER BY seq",
            (entity_kind, entity_id),
            lambda row: HoldAction(*row),
        )

    def is_held(self, entity_kind: str, entity_id: str) -> bool:
        """Whether a unit or shipment is on hold."""
        row = self._conn.execute(
            "SELECT 1 FROM holds WHERE entity_kind = ? AND entity_id = ?", (entity_kind, entity_id)
        ).fetchone()
        return row is not None

    def unit_findings(self, unit_id: str) -> list[Finding]:
        """Findings recorded when the unit was received (or marked damaged)."""
        found = one(
            self._conn, "SELECT findings FROM units WHERE unit_id = ?", (unit_id,), _findings
        )
        return list(found or ())

    def _receipt(self, row: Row) -> ReceiptRecord:
        shipment_ids = tuple(
            r[0]
            for r in self._conn.execute(
                "SELECT shipment_id FROM shipments WHERE receipt_id = ? ORDER BY shipment_id",
                (row[0],),
            )
        )
        return ReceiptRecord(row[0], row[1], row[2] == "open", shipment_ids, row[3], row[4])

    def _shipment(self, row: tuple[Any, ...]) -> ShipmentRecord:
        shipment_id, status, receipt_id, direction, bol, seller, units, seals = row
        orders = tuple(
            r[0]
            for r in self._conn.execute(
                "SELECT purchase_order FROM shipment_orders WHERE shipment_id = ? ORDER BY rowid",
                (shipment_id,),
            )
        )
        summary = ShipmentSummary(
            direction=Direction(direction),
            bill_of_lading=bol,
            purchase_orders=orders,
            seller=seller,
            units=int(units or 0),
            seals=tuple(json.loads(seals or "[]")),
        )
        return ShipmentRecord(
            shipment_id=shipment_id,
            status=ShipmentStatus(status),
            receipt_id=receipt_id,
            summary=summary,
            held=self.is_held("shipment", shipment_id),
            load_manifest=lambda: self.manifest(shipment_id),
        )

    def manifest(self, shipment_id: str) -> Manifest:
        """A stored manifest, parsed once per view: manifests never change once imported."""
        manifest = self._manifests.get(shipment_id)
        if manifest is None:
            (manifest_json,) = self._conn.execute(
                "SELECT manifest FROM shipment_manifests WHERE shipment_id = ?", (shipment_id,)
            ).fetchone()
            parsed = parse_manifest_json(manifest_json, f"stored shipment {shipment_id}")
            if not parsed.manifests:
                problems = "; ".join(f"{p.where}: {p.message}" for p in parsed.problems)
                raise StoreError(f"stored manifest of {shipment_id} is unreadable: {problems}")
            manifest = parsed.manifests[0]
            self._manifests[shipment_id] = manifest
        return manifest


def findings_from_json(text: str) -> tuple[Finding, ...]:
    """Findings as the projections store them (a JSON array of their dicts)."""
    return tuple(Finding.from_dict(f) for f in json.loads(text))


def _findings(row: Row) -> tuple[Finding, ...]:
    return findings_from_json(row[0])


def _hold(row: Row) -> HoldRecord:
    hold = record(HoldRecord, _HOLD_FIELDS, row, findings=findings_from_json)
    # Holds projected before findings carried their raiser: the placer raised them.
    raisers = tuple(f.get("raised_by", hold.placed_by) for f in json.loads(row[3]))
    return dataclasses.replace(hold, raisers=raisers)


def _unit(row: Row) -> UnitRecord:
    return record(UnitRecord, _UNIT_FIELDS, row, expected=bool, status=UnitStatus)
