"""One stored event of every kind: from a real, busy log, plus the kinds it lacks."""

from __future__ import annotations

import uuid
from typing import Any

from station.bootstrap import Station
from station.domain.events import Event, EventKind, StoredEvent
from tests.sync.epcis.support import busy_log

# Payloads as the workflows write them, for the kinds the busy log does not reach.
_MISSING: dict[EventKind, dict[str, Any]] = {
    EventKind.OPERATOR_REFUSED: {"operator_id": "op-x", "reason": "training expired"},
    EventKind.RECEIPT_SHIPMENT_ADDED: {"receipt_id": "R-1", "shipment_id": "SHP-1001"},
    EventKind.PRINT_QUEUED: {"job_id": "j1", "lot_id": "L1", "template": "t", "printer": "p"},
    EventKind.PRINT_SENDING: {"job_id": "j1"},
    EventKind.PRINT_SENT: {"job_id": "j1"},
    EventKind.PRINT_FAILED: {"job_id": "j1", "error": "offline", "uncertain": False},
    EventKind.PRINT_REPRINT: {"job_id": "j2", "lot_id": "L1", "reprint_of": "j1", "reason": "torn"},
    EventKind.PRINT_REFUSED: {"lot_id": "L1", "reason": "the lot is on hold", "operator": None},
    EventKind.PIN_REFUSED: {"badge": "B-2001", "reason": "wrong_pin", "decision": "release"},
    EventKind.RELEASE_SEAL_REMOVED: {"release_id": "RL-1", "seal": "S1", "reason": "damaged"},
    EventKind.RELEASE_REFUSED: {"release_id": "RL-1", "shipment_id": "SHP-2", "findings": []},
    EventKind.RELEASE_ABANDONED: {"release_id": "RL-1", "shipment_id": "SHP-2"},
    EventKind.SYNC_PULLED: {"resource": "roster", "cursor": "7", "etag": '"r7"', "changed": []},
    EventKind.SYNC_REFUSED: {"reason": "fork", "seq": 3, "detail": "the hub holds another #3"},
}


def every_kind(station: Station) -> list[StoredEvent]:
    """The first event of each kind in a busy log, then made-up ones for the rest."""
    events = busy_log(station)
    first: dict[EventKind, StoredEvent] = {}
    for stored in events:
        first.setdefault(stored.event.kind, stored)
    picked = list(first.values())
    # Keep the event an undo retracts, so the undo can be resolved.
    undo = first[EventKind.ACTION_UNDONE]
    undone = next(e for e in events if e.event.id == undo.event.payload["undone_event_id"])
    if undone not in picked:
        picked.append(undone)
    last = events[-1]
    for offset, (kind, payload) in enumerate(_MISSING.items(), start=1):
        event = Event(
            id=str(uuid.uuid4()),
            kind=kind,
            station_id=last.event.station_id,
            operator_id="op-ana",
            recorded_at=last.event.recorded_at,
            payload=payload,
        )
        picked.append(StoredEvent(last.seq + offset, event, "0" * 64, f"{offset:064x}"))
    return picked
