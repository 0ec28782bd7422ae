"""Which station events mean something in EPCIS, and the EPCIS events each one becomes.

Every kind of station event is named here: either with the function that maps it,
or in `NO_EPCIS` (logins, scans as typed, print jobs, imports, documents captured on
the way to a release...), which still travel to the hub in the station log of the
capture document but are not EPCIS events. An undo (``action.undone``) is written as
EPCIS writes a retraction: the undone event again, with the same eventID and an
``errorDeclaration`` (reason ``incorrect_data``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from station.domain.events import EventKind, StoredEvent
from station.sync.epcis.common import Json, event_id, event_time
from station.sync.epcis.object_events import (
    hold_decided,
    release_completed,
    release_unit_checked,
    seal_checked,
    shipment_held,
    unit_marked_damaged,
    unit_received,
)
from station.sync.epcis.settings import MappingContext
from station.sync.epcis.transformations import lot_transformed


class EpcisMappingError(ValueError):
    """A station event that cannot be written as EPCIS; the message says which and why."""


Mapper = Callable[[StoredEvent, MappingContext], list[Json]]

NO_EPCIS: Final = frozenset(
    {
        EventKind.OPERATOR_LOGGED_IN,
        EventKind.OPERATOR_REFUSED,
        EventKind.OPERATOR_LOGGED_OUT,
        EventKind.MANIFEST_IMPORTED,
        EventKind.RECEIPT_OPENED,
        EventKind.RECEIPT_SHIPMENT_ADDED,
        EventKind.RECEIPT_CLOSED,
        EventKind.SCAN_RECORDED,
        EventKind.HOLD_NOTE_ADDED,
        EventKind.PRINT_QUEUED,
        EventKind.PRINT_SENDING,
        EventKind.PRINT_SENT,
        EventKind.PRINT_FAILED,
        EventKind.PRINT_REPRINT,
        EventKind.PRINT_REFUSED,
        EventKind.RELEASE_OPENED,
        EventKind.RELEASE_UNIT_REMOVED,
        EventKind.RELEASE_SEAL_APPLIED,
        EventKind.RELEASE_SEAL_REMOVED,
        EventKind.RELEASE_BOL_CAPTURED,
        EventKind.RELEASE_REFUSED,
        EventKind.RELEASE_ABANDONED,
        EventKind.SYNC_PULLED,
        EventKind.SYNC_REFUSED,
        EventKind.PIN_REFUSED,
    }
)
"""Station events with no EPCIS meaning of their own (their facts reach EPCIS elsewhere:
seals and the bill of lading in the shipping event, the release's verdict in the
unit checks; what the station pulled from the hub or the hub refused is its own record)."""

MAPPERS: Final[dict[EventKind, Mapper]] = {
    EventKind.UNIT_RECEIVED: unit_received,
    EventKind.UNIT_MARKED_DAMAGED: unit_marked_damaged,
    EventKind.SEAL_CHECKED: seal_checked,
    EventKind.SHIPMENT_HELD: shipment_held,
    EventKind.HOLD_RELEASED: hold_decided,
    EventKind.HOLD_REJECTED: hold_decided,
    EventKind.LOT_TRANSFORMED: lot_transformed,
    EventKind.RELEASE_UNIT_CHECKED: release_unit_checked,
    EventKind.RELEASE_COMPLETED: release_completed,
}


def map_event(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """The EPCIS events of one station event (none for a kind in `NO_EPCIS`).

    Raises `EpcisMappingError` for an undo whose undone event `context` cannot find.
    """
    kind = stored.event.kind
    if kind is EventKind.ACTION_UNDONE:
        return _undone(stored, context)
    mapper = MAPPERS.get(kind)
    if mapper is None:
        return []
    return mapper(stored, context)


def _undone(stored: StoredEvent, context: MappingContext) -> list[Json]:
    undone_id = stored.event.payload.get("undone_event_id")
    original = (
        context.resolve(undone_id) if context.resolve and isinstance(undone_id, str) else None
    )
    if original is None:
        raise EpcisMappingError(
            f"event #{stored.seq} (action.undone) retracts event {undone_id!r}, "
            "which is neither in this batch nor found by the resolver"
        )
    ext = context.settings.ext
    declared = []
    for event in map_event(original, context):
        declared.append(
            {
                **event,
                "errorDeclaration": {
                    "declarationTime": event_time(stored.event.recorded_at, context),
                    "reason": "incorrect_data",
                    ext("declaredBy"): event_id(stored),
                    ext("seq"): stored.seq,
                },
            }
        )
    return declared
