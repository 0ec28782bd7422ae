"""Read-only queries for the release dock and the gate: releases, and the facts of lots.

`SqliteReleaseView` answers everything the release workflow and the gate check ask:
the open release and what is scanned into it, which order an id names, and for any
lot the `LotFacts` a release decision rests on (its status, its receiving status,
holds on it or on the shipment it came in, the release that shipped it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from station.domain.checks.release import LotFacts, ReleaseRecord, ReleaseStatus, ReleaseUnit
from station.domain.claims.entries import Aggregate
from station.domain.events import EventKind, StoredEvent
from station.domain.findings import Finding
from station.domain.lots.provenance import Genealogy
from station.domain.manifest.model import Direction
from station.domain.scanning.codes import DocumentKind
from station.ports import ShipmentRecord, ShipmentStatus
from station.store.eventlog import EventLog
from station.store.replay import held_by_log
from station.store.rows import Row, columns, many, one, record
from station.store.views.claims import SqliteClaimsView
from station.store.views.lots import LotRecord, SqliteLotView
from station.store.views.receiving import SqliteReceivingView, findings_from_json

_RELEASE_FIELDS = (
    "release_id",
    "station_id",
    "shipment_id",
    "status",
    "opened_by",
    "opened_at",
    "bill_of_lading",
    "refusals",
    "completed_at",
    "completed_by",
    "completed_event_id",
)
_UNIT_FIELDS = (
    "release_id",
    "unit_id",
    "label",
    "ok",
    "findings",
    "gtin",
    "product",
    "quantity",
    "uom",
    "checked_at",
    "checked_by",
    "seq",
)
_RELEASES = f"SELECT {columns(_RELEASE_FIELDS)} FROM releases"
# How a unit came in (``entry``: ``hand`` for a typed id) lives in its check's event.
_ENTRY_FIELDS = ("entry", "authorised_by")
_UNITS = (
    f"SELECT {columns(_UNIT_FIELDS)}, "
    + ", ".join(
        f"(SELECT json_extract(payload, '$.{name}') FROM events WHERE id = release_units.event_id)"
        for name in _ENTRY_FIELDS
    )
    + " FROM release_units"
)
_RELEASES_OF_UNIT = (
    f"SELECT {columns(_RELEASE_FIELDS, 'r')}"
    " FROM releases r JOIN release_units u ON u.release_id = r.release_id"
    " WHERE u.unit_id = ? AND r.status = ?"
)


class SqliteReleaseView:
    """Releases, orders and lot facts over the projection tables."""

    def __init__(self, log: EventLog, receiving: SqliteReceivingView, lots: SqliteLotView) -> None:
        self._log = log
        self._conn: sqlite3.Connection = log.connection
        self.receiving = receiving
        self.lots = lots

    # -- orders -----------------------------------------------------------------

    def shipment(self, shipment_id: str) -> ShipmentRecord | None:
        """Any imported shipment, inbound or outbound."""
        return self.receiving.shipment(shipment_id)

    def find_shipments(self, kind: DocumentKind, number: str) -> list[ShipmentRecord]:
        """Every imported shipment (inbound or outbound) a document number names."""
        return self.receiving.find_shipments(kind, number)

    def find_orders(self, kind: DocumentKind, number: str) -> list[ShipmentRecord]:
        """The outbound orders a document number names."""
        return [
            s
            for s in self.receiving.find_shipments(kind, number)
            if s.summary.direction is Direction.OUTBOUND
        ]

    def orders(self) -> list[ShipmentRecord]:
        """Every outbound order, newest import first."""
        return [s for s in self.receiving.shipments() if s.summary.direction is Direction.OUTBOUND]

    # -- releases ---------------------------------------------------------------

    def open_release(self, station_id: str) -> ReleaseRecord | None:
        """The release open at `station_id`, if any."""
        sql = f"{_RELEASES} WHERE station_id = ? AND status = ? ORDER BY opened_seq DESC LIMIT 1"
        return one(self._conn, sql, (station_id, ReleaseStatus.OPEN.value), _release)

    def release(self, release_id: str) -> ReleaseRecord | None:
        """One release by id."""
        return one(self._conn, f"{_RELEASES} WHERE release_id = ?", (release_id,), _release)

    def releases_of(self, shipment_id: str) -> list[ReleaseRecord]:
        """Every release of an order, oldest first."""
        sql = f"{_RELEASES} WHERE shipment_id = ? ORDER BY opened_seq"
        return many(self._conn, sql, (shipment_id,), _release)

    def release_count(self, station_id: str) -> int:
        """How many releases were ever opened at `station_id`."""
        (count,) = self._conn.execute(
            "SELECT count(*) FROM releases WHERE station_id = ?", (station_id,)
        ).fetchone()
        return int(count)

    def units(self, release_id: str) -> list[ReleaseUnit]:
        """Units scanned into a release, in scan order."""
        return many(self._conn, f"{_UNITS} WHERE release_id = ? ORDER BY seq", (release_id,), _unit)

    def unit(self, release_id: str, unit_id: str) -> ReleaseUnit | None:
        """One unit of a release."""
        sql = f"{_UNITS} WHERE release_id = ? AND unit_id = ?"
        return one(self._conn, sql, (release_id, unit_id), _unit)

    def seals(self, release_id: str) -> list[str]:
        """Seals applied in a release, in scan order."""
        rows = self._conn.execute(
            "SELECT seal FROM release_seals WHERE release_id = ? ORDER BY seq", (release_id,)
        )
        return [r[0] for r in rows]

    def last_action(self, release_id: str) -> tuple[str, str] | None:
        """The newest unit check or seal still in a release: (``unit`` or ``seal``, its id)."""
        row = self._conn.execute(
            "SELECT kind, subject FROM ("
            " SELECT 'unit' AS kind, unit_id AS subject, seq FROM release_units"
            " WHERE release_id = ?"
            " UNION ALL SELECT 'seal', seal, seq FROM release_seals WHERE release_id = ?"
            ") ORDER BY seq DESC LIMIT 1",
            (release_id, release_id),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def shipped_in(self, unit_id: str) -> ReleaseRecord | None:
        """The completed release that shipped `unit_id`, if any."""
        sql = f"{_RELEASES_OF_UNIT} ORDER BY r.completed_at DESC LIMIT 1"
        return one(self._conn, sql, (unit_id, ReleaseStatus.COMPLETED.value), _release)

    def open_release_of(self, unit_id: str) -> ReleaseRecord | None:
        """The open release `unit_id` is scanned into, if any."""
        sql = f"{_RELEASES_OF_UNIT} LIMIT 1"
        return one(self._conn, sql, (unit_id, ReleaseStatus.OPEN.value), _release)

    def completed_payload(self, release: ReleaseRecord) -> dict[str, Any] | None:
        """The RELEASE_COMPLETED event's payload (with the outbound manifest)."""
        if release.completed_event_id is None:
            return None
        stored: StoredEvent | None = self._log.event_by_id(release.completed_event_id)
        return dict(stored.event.payload) if stored else None

    # -- the log's own record ----------------------------------------------------

    def log_holds(self, lot_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        """Which of `lot_ids` the event log holds (on hold, rejected), whatever the tables say."""
        return held_by_log(self._log, lot_ids)

    def log_shipped(self, unit_id: str, release_id: str) -> bool:
        """Whether the log's RELEASE_COMPLETED of `release_id` ships `unit_id`."""
        row = self._conn.execute(
            "SELECT 1 FROM events WHERE kind = ? AND json_extract(payload, '$.release_id') = ?"
            " AND EXISTS (SELECT 1 FROM json_each(payload, '$.units')"
            " WHERE json_extract(value, '$.unit_id') = ?)",
            (EventKind.RELEASE_COMPLETED.value, release_id, unit_id),
        ).fetchone()
        return row is not None

    # -- lots -------------------------------------------------------------------

    def lot(self, lot_id: str) -> LotRecord | None:
        """One lot by id."""
        return self.lots.lot(lot_id)

    def links(self, lot_id: str) -> list[tuple[str, Decimal | None]]:
        """Parents of a lot with the quantity taken from each."""
        return self.lots.links(lot_id)

    def genealogy(self) -> Genealogy:
        """The site's genealogy, looked up as a walk needs it."""
        return self.lots.genealogy()

    def parents(self, lot_id: str) -> list[str]:
        """Direct parents of a lot."""
        return self.lots.parents(lot_id)

    def claim_of(self, lot_id: str) -> dict[str, Any] | None:
        """The claim a lot carries (physical separation)."""
        return self.lots.claim_of(lot_id)

    def received_eudr(self, lot_id: str) -> list[dict[str, Any] | None]:
        """The EUDR data of every received input of a lot."""
        return self.lots.received_eudr(lot_id)

    def claim_aggregates(self) -> list[Aggregate]:
        """Monthly sums of the claim entries (for the claims ledger)."""
        return SqliteClaimsView(self._conn).aggregates()

    def facts(self, lot_id: str, *, release_id: str | None = None) -> LotFacts:
        """What a release decision needs to know of `lot_id` (`release_id`: the one asking)."""
        lot = self.lots.lot(lot_id)
        unit = self.receiving.unit(lot_id)
        holds: list[str] = []
        unit_hold = self.receiving.hold("unit", lot_id)
        if unit_hold is not None:
            holds.append(f"unit on hold ({_codes(unit_hold.findings)})")
        shipment_id = lot.shipment_id if lot else None
        if shipment_id is not None:
            shipment_hold = self.receiving.hold("shipment", shipment_id)
            if shipment_hold is not None:
                holds.append(f"shipment {shipment_id} on hold ({_codes(shipment_hold.findings)})")
        receiving = None
        if lot is not None and lot.kind in ("received", "received-line") and shipment_id:
            shipment = self.receiving.shipment(shipment_id)
            if shipment is not None and shipment.status is not ShipmentStatus.RECEIVED:
                receiving = shipment_id
        shipped = self.shipped_in(lot_id) if lot and lot.status == "shipped" else None
        in_release = self.open_release_of(lot_id)
        return LotFacts(
            lot_id=lot_id,
            kind=lot.kind if lot else None,
            status=lot.status if lot else None,
            receiving_status=unit.status.value if unit else None,
            holds=tuple(holds),
            shipped_on=shipped.shipment_id if shipped else None,
            open_release=(
                in_release.release_id
                if in_release is not None and in_release.release_id != release_id
                else None
            ),
            receiving=receiving,
        )


def _codes(findings: tuple[Finding, ...]) -> str:
    return ", ".join(dict.fromkeys(f.code.value for f in findings)) or "no reason recorded"


def _release(row: Row) -> ReleaseRecord:
    return record(ReleaseRecord, _RELEASE_FIELDS, row, status=ReleaseStatus, refusals=int)


def _unit(row: Row) -> ReleaseUnit:
    return record(
        ReleaseUnit,
        _UNIT_FIELDS + _ENTRY_FIELDS,
        row,
        ok=bool,
        findings=findings_from_json,
        quantity=_decimal,
        seq=int,
        entry=lambda value: value or "scan",
    )


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None
