"""What the mapping needs to know about the station, and what it may look up.

`EpcisSettings` is the station's identity in EPCIS terms: its id, the namespace of
the project's extension fields (JSON-LD prefix ``st``), the URN namespace for ids
with no GS1 key, where events happen (read point and business location) and the
local UTC offset written as ``eventTimeZoneOffset``. `MappingContext` adds what a
single event does not carry: the documents of each shipment (from its manifest) and
a way to find an earlier event (for an undo, which EPCIS writes as an error
declaration of that event).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from station.domain.events import StoredEvent
from station.sync.epcis.identifiers import location_uri, urn, valid_urn_namespace

EXTENSION_PREFIX: Final = "st"
DEFAULT_NAMESPACE: Final = "https://station.example/ns/epcis/"
DEFAULT_URN_NAMESPACE: Final = "station"
_OFFSET: Final = re.compile(r"[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)")


class EpcisSettingsError(ValueError):
    """A setting the mapping cannot use; the message names it."""


@dataclass(frozen=True, slots=True)
class EpcisSettings:
    """How this station's events are written as EPCIS."""

    station_id: str
    site: str = "SITE"
    """Site code: the default business location is ``urn:<urn_namespace>:site:<site>``."""
    namespace: str = DEFAULT_NAMESPACE
    """Namespace IRI of the extension fields (prefix ``st``); ends in ``/`` or ``#``."""
    urn_namespace: str = DEFAULT_URN_NAMESPACE
    read_point: str | None = None
    """A GLN, ``<GLN>/<extension>`` or URI; default ``urn:<ns>:station:<station id>``."""
    biz_location: str | None = None
    """A GLN, ``<GLN>/<extension>`` or URI; default ``urn:<ns>:site:<site>``."""
    time_zone_offset: str = "+00:00"

    def __post_init__(self) -> None:
        if not self.station_id:
            raise EpcisSettingsError("station id: must not be empty")
        if not re.fullmatch(r"https?://[^\s]+[/#]", self.namespace):
            raise EpcisSettingsError(
                f"namespace: expected an http(s) IRI ending in '/' or '#', found {self.namespace!r}"
            )
        if not valid_urn_namespace(self.urn_namespace):
            raise EpcisSettingsError(
                "urn_namespace: expected letters, digits and hyphens (at most 32), "
                f"found {self.urn_namespace!r}"
            )
        for name in ("read_point", "biz_location"):
            value = getattr(self, name)
            if value is not None and location_uri(value) is None:
                raise EpcisSettingsError(
                    f"{name}: expected a GLN (13 digits), '<GLN>/<extension>' or a URI, "
                    f"found {value!r}"
                )
        if not _OFFSET.fullmatch(self.time_zone_offset):
            raise EpcisSettingsError(
                f"time_zone_offset: expected +HH:MM or -HH:MM, found {self.time_zone_offset!r}"
            )

    @property
    def read_point_uri(self) -> str:
        """The readPoint id of every event."""
        if self.read_point is not None:
            return location_uri(self.read_point) or self.read_point
        return urn(self.urn_namespace, "station", self.station_id)

    @property
    def biz_location_uri(self) -> str:
        """The bizLocation id of every event."""
        if self.biz_location is not None:
            return location_uri(self.biz_location) or self.biz_location
        return urn(self.urn_namespace, "site", self.site)

    @property
    def tzinfo(self) -> dt.timezone:
        """The station's UTC offset as a time zone."""
        sign = -1 if self.time_zone_offset[0] == "-" else 1
        hours, minutes = int(self.time_zone_offset[1:3]), int(self.time_zone_offset[4:6])
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))

    def ext(self, name: str) -> str:
        """The JSON key of the extension field `name` (``st:<name>``)."""
        return f"{EXTENSION_PREFIX}:{name}"


@dataclass(frozen=True, slots=True)
class ShipmentDocuments:
    """The documents of one shipment, as its manifest names them."""

    bill_of_lading: str | None = None
    asn: str | None = None
    purchase_orders: tuple[str, ...] = ()
    seller: Mapping[str, Any] | None = None
    buyer: Mapping[str, Any] | None = None

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> ShipmentDocuments:
        """The documents of a manifest in its JSON form (`Manifest.as_dict`)."""
        return cls(
            bill_of_lading=_text(manifest.get("bill_of_lading")),
            asn=_text(manifest.get("asn")),
            purchase_orders=tuple(
                po for po in manifest.get("purchase_orders") or () if isinstance(po, str) and po
            ),
            seller=manifest.get("seller") if isinstance(manifest.get("seller"), dict) else None,
            buyer=manifest.get("buyer") if isinstance(manifest.get("buyer"), dict) else None,
        )


@dataclass(frozen=True, slots=True)
class MappingContext:
    """Settings plus what the mapping may look up beyond the event at hand."""

    settings: EpcisSettings
    shipments: Mapping[str, ShipmentDocuments] = field(default_factory=dict)
    """Shipment id -> its documents (bill of lading, ASN, purchase orders, parties)."""
    resolve: Callable[[str], StoredEvent | None] | None = None
    """Station event UUID -> the stored event, for undo (error declarations)."""


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
