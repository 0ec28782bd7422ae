"""The capture document a station pushes: its station log and its EPCIS events.

``epcisHeader`` carries ``st:stationLog``: every station event of the batch, in
sequence order and contiguous, with its link in the hash chain (the hub checks the
chain against the head it holds); ``epcisBody.eventList`` carries the EPCIS events of
those station events that have one (`map_event`). The document is a function of the
events: built twice from the same batch it is the same, byte for byte, so a resend
after a lost answer is harmless (``creationDate`` is the last event's time unless
given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from station.domain.events import EventKind, StoredEvent
from station.sync.epcis.common import Json, event_time
from station.sync.epcis.mapping import EpcisMappingError, map_event
from station.sync.epcis.settings import (
    EXTENSION_PREFIX,
    EpcisSettings,
    MappingContext,
    ShipmentDocuments,
)

EPCIS_CONTEXT: Final = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
GENESIS_HASH: Final = "0" * 64


def document_context(settings: EpcisSettings) -> list[Any]:
    """The ``@context`` of the station's documents: EPCIS 2.0 and the ``st`` prefix."""
    return [EPCIS_CONTEXT, {EXTENSION_PREFIX: settings.namespace}]


def build_capture_document(
    stored_events: Sequence[StoredEvent],
    settings: EpcisSettings,
    *,
    shipments: Mapping[str, ShipmentDocuments] | None = None,
    resolve: Callable[[str], StoredEvent | None] | None = None,
    created: dt.datetime | None = None,
) -> Json:
    """The EPCIS 2.0 capture document of a contiguous run of this station's events.

    `shipments` gives the documents of shipments imported before the batch (those
    imported in it are read from their ``manifest.imported`` events); `resolve` finds
    an event undone in the batch but recorded before it. Raises `EpcisMappingError`
    when the events are not one contiguous run of this station's log.
    """
    _check_run(stored_events, settings)
    known = dict(shipments or {})
    by_id = {stored.event.id: stored for stored in stored_events}

    def find(event_id: str) -> StoredEvent | None:
        return by_id.get(event_id) or (resolve(event_id) if resolve else None)

    context = MappingContext(settings, known, find)
    entries: list[Json] = []
    events: list[Json] = []
    for stored in stored_events:
        if stored.event.kind is EventKind.MANIFEST_IMPORTED:
            manifest = stored.event.payload.get("manifest")
            if isinstance(manifest, dict) and isinstance(manifest.get("shipment_id"), str):
                known[manifest["shipment_id"]] = ShipmentDocuments.from_manifest(manifest)
        entries.append(
            {
                "seq": stored.seq,
                "eventId": stored.event.id,
                "kind": stored.event.kind.value,
                "prevHash": stored.prev_hash,
                "hash": stored.hash,
            }
        )
        events.extend(map_event(stored, context))
    moment = created or (stored_events[-1].event.recorded_at if stored_events else None)
    return {
        "@context": document_context(settings),
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": event_time(moment, context) if moment else "1970-01-01T00:00:00.000Z",
        "epcisHeader": {
            settings.ext("stationLog"): {"stationId": settings.station_id, "entries": entries}
        },
        "epcisBody": {"eventList": events},
    }


def _check_run(stored_events: Sequence[StoredEvent], settings: EpcisSettings) -> None:
    previous: StoredEvent | None = None
    for stored in stored_events:
        if stored.event.station_id != settings.station_id:
            raise EpcisMappingError(
                f"event #{stored.seq} is from station {stored.event.station_id!r}, "
                f"not {settings.station_id!r}"
            )
        if previous is not None and (
            stored.seq != previous.seq + 1 or stored.prev_hash != previous.hash
        ):
            raise EpcisMappingError(
                f"event #{stored.seq} does not follow event #{previous.seq}: "
                "a capture document holds one contiguous run of the log"
            )
        previous = stored
