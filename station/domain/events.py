"""Events: the append-only record of truth.

Every scan, decision, login and supervisor action becomes an `Event`. Workflows
create them; the store chains and commits them; projections derive current state
from them. Payloads are plain JSON values so the log is readable without this code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    """Every kind of event the station records."""

    OPERATOR_LOGGED_IN = "operator.logged_in"
    OPERATOR_REFUSED = "operator.refused"
    OPERATOR_LOGGED_OUT = "operator.logged_out"
    MANIFEST_IMPORTED = "manifest.imported"
    RECEIPT_OPENED = "receipt.opened"
    RECEIPT_SHIPMENT_ADDED = "receipt.shipment_added"
    RECEIPT_CLOSED = "receipt.closed"
    SCAN_RECORDED = "scan.recorded"
    SEAL_CHECKED = "seal.checked"
    UNIT_RECEIVED = "unit.received"
    UNIT_MARKED_DAMAGED = "unit.marked_damaged"
    SHIPMENT_HELD = "shipment.held"
    ACTION_UNDONE = "action.undone"
    HOLD_NOTE_ADDED = "hold.note_added"
    HOLD_RELEASED = "hold.released"
    HOLD_REJECTED = "hold.rejected"
    PIN_REFUSED = "pin.refused"
    """A supervisor's badge was refused for a wrong or missing PIN, or while locked out."""
    LOT_TRANSFORMED = "lot.transformed"
    PRINT_QUEUED = "print.queued"
    PRINT_SENDING = "print.sending"
    PRINT_SENT = "print.sent"
    PRINT_FAILED = "print.failed"
    PRINT_REPRINT = "print.reprint"
    PRINT_REFUSED = "print.refused"
    RELEASE_OPENED = "release.opened"
    RELEASE_UNIT_CHECKED = "release.unit_checked"
    RELEASE_UNIT_REMOVED = "release.unit_removed"
    RELEASE_SEAL_APPLIED = "release.seal_applied"
    RELEASE_SEAL_REMOVED = "release.seal_removed"
    RELEASE_BOL_CAPTURED = "release.bol_captured"
    RELEASE_COMPLETED = "release.completed"
    RELEASE_REFUSED = "release.refused"
    RELEASE_ABANDONED = "release.abandoned"
    SYNC_PULLED = "sync.pulled"
    """Site data from the hub (manifests, roster, risk rules): what changed."""
    SYNC_REFUSED = "sync.refused"
    """The hub (or the local anchor) refused this station's log: a fork, a gap or a cut."""


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened at a station, before it is chained and stored."""

    id: str
    """UUID; the EPCIS eventID derives from it, so a resend is harmless."""
    kind: EventKind
    station_id: str
    operator_id: str | None
    recorded_at: dt.datetime
    """Wall time, timezone-aware UTC."""
    payload: Mapping[str, Any]

    @classmethod
    def new(
        cls,
        kind: EventKind,
        *,
        station_id: str,
        operator_id: str | None,
        recorded_at: dt.datetime,
        payload: Mapping[str, Any],
    ) -> Event:
        """A fresh event with a random UUID."""
        return cls(
            id=str(uuid.uuid4()),
            kind=kind,
            station_id=station_id,
            operator_id=operator_id,
            recorded_at=recorded_at,
            payload=payload,
        )


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as committed: its place in the log and its link in the hash chain."""

    seq: int
    event: Event
    prev_hash: str
    hash: str
