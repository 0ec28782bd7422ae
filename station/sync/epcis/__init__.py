"""Station events as EPCIS 2.0: mapping, capture documents, the GS1 event hash.

Pure (no I/O): the hub and the sync worker call it with events read elsewhere.

- `build_capture_document` (``document``): the document a station pushes, its
  station log plus the EPCIS events;
- `map_event` (``mapping``): the EPCIS events of one station event;
- `event_hash` (``event_hash``): GS1's canonical event hash,
  ``ni:///sha-256;<hex>?ver=CBV2.0``.
"""

from station.sync.epcis.document import (
    EPCIS_CONTEXT,
    GENESIS_HASH,
    build_capture_document,
    document_context,
)
from station.sync.epcis.event_hash import event_hash, prehash
from station.sync.epcis.mapping import MAPPERS, NO_EPCIS, EpcisMappingError, map_event
from station.sync.epcis.settings import (
    DEFAULT_NAMESPACE,
    EpcisSettings,
    EpcisSettingsError,
    MappingContext,
    ShipmentDocuments,
)

__all__ = [
    "DEFAULT_NAMESPACE",
    "EPCIS_CONTEXT",
    "GENESIS_HASH",
    "MAPPERS",
    "NO_EPCIS",
    "EpcisMappingError",
    "EpcisSettings",
    "EpcisSettingsError",
    "MappingContext",
    "ShipmentDocuments",
    "build_capture_document",
    "document_context",
    "event_hash",
    "map_event",
    "prehash",
]
