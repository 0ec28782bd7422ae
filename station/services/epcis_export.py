"""EPCIS capture documents of a run of the station's log, read from the store.

The mapping itself is pure (`station.sync.epcis`); this adds what it needs from the
store: the events of the range, the documents of every shipment the station knows
(from its manifests) and the events an undo in the range retracts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from station.errors import StationError
from station.store.eventlog import EventLog
from station.store.views.receiving import SqliteReceivingView
from station.sync.epcis import (
    EpcisMappingError,
    EpcisSettings,
    ShipmentDocuments,
    build_capture_document,
    event_hash,
)


def capture_documents(
    log: EventLog,
    view: SqliteReceivingView,
    settings: EpcisSettings,
    *,
    first: int = 1,
    last: int | None = None,
    batch: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The capture documents of events `first`..`last`, `batch` events each (all in one)."""
    if first < 1 or (last is not None and last < first) or (batch is not None and batch < 1):
        raise StationError(
            f"bad range: --from {first} --to {last} --batch {batch} "
            "(sequence numbers start at 1, --to is not before --from, --batch is at least 1)"
        )
    events = [s for s in log.events(after_seq=first - 1) if last is None or s.seq <= last]
    if not events:
        raise StationError(f"no events from #{first}" + (f" to #{last}" if last else ""))
    shipments = {
        record.shipment_id: ShipmentDocuments.from_manifest(record.manifest.as_dict())
        for record in view.shipments()
    }
    size = batch or len(events)
    for start in range(0, len(events), size):
        try:
            yield build_capture_document(
                events[start : start + size],
                settings,
                shipments=shipments,
                resolve=log.event_by_id,
            )
        except EpcisMappingError as exc:
            raise StationError(f"cannot write EPCIS: {exc}") from None


def document_hashes(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(eventID, canonical event hash) of every EPCIS event in a document."""
    context = document["@context"]
    return [(e["eventID"], event_hash(e, context)) for e in document["epcisBody"]["eventList"]]
