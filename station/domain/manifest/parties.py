"""Where goods were made and who made, sold or bought them: the manifest's places and parties.

`Place` and `Party` are parts of a manifest line and of its shipment; `UpstreamLot` is
one received lot upstream of a line, as a shipping station writes it. The manifest
model (`station.domain.manifest.model`) re-exports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Party", "Place", "UpstreamLot"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where something was made: the place of manufacture in the moving data."""

    facility: str | None = None
    """Name of the factory or site."""

    city: str | None = None
    """City or town."""

    country: str | None = None
    """ISO 3166-1 alpha-2 country code, upper case, e.g. ``VN``."""

    region: str | None = None
    """ISO 3166-2 subdivision code whose prefix is `country`, e.g. ``CN-XJ``."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        return {
            "facility": self.facility,
            "city": self.city,
            "country": self.country,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True)
class Party:
    """A trading party: seller or buyer."""

    name: str
    """Legal or trading name."""

    id: str | None = None
    """Identifier such as a GLN, when known."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        return {"name": self.name, "id": self.id}


@dataclass(frozen=True, slots=True)
class UpstreamLot:
    """One received lot an item was made from, with the moving data it arrived with.

    A station that ships what it made writes these on each content line of its
    outbound manifest (`ContentLine.provenance`), so the next site in the chain can
    trace an item past the seller to the specific upstream lots.
    """

    lot_id: str
    """The shipping site's identifier of the received lot (an SSCC, lot or item key)."""

    gtin: str | None = None
    """GTIN of the received lot, 14 digits."""

    lot: str | None = None
    """The vendor's batch or lot number."""

    vendor: str | None = None
    place_of_manufacture: Place | None = None
    date_of_manufacture: dt.date | None = None

    shipment_id: str | None = None
    """The inbound shipment the lot arrived in at the shipping site."""

    via: str | None = None
    """For a lot further upstream: the `lot_id` of the entry it reached the shipping site
    inside (that lot's own manifest named it in its provenance). None for the shipping
    site's own received lots. Following `via` from any entry walks the chain down to the
    shipping site: the whole upstream chain, however many stations it crossed."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        place = self.place_of_manufacture
        made = self.date_of_manufacture
        return {
            "lot_id": self.lot_id,
            "gtin": self.gtin,
            "lot": self.lot,
            "vendor": self.vendor,
            "place_of_manufacture": None if place is None else place.as_dict(),
            "date_of_manufacture": None if made is None else made.isoformat(),
            "shipment_id": self.shipment_id,
            "via": self.via,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UpstreamLot:
        """An entry back from `as_dict`'s form, as the event log keeps it (already checked)."""
        place = data.get("place_of_manufacture")
        made = data.get("date_of_manufacture")
        return cls(
            lot_id=str(data.get("lot_id") or ""),
            gtin=data.get("gtin"),
            lot=data.get("lot"),
            vendor=data.get("vendor"),
            place_of_manufacture=Place(
                facility=place.get("facility"),
                city=place.get("city"),
                country=place.get("country"),
                region=place.get("region"),
            )
            if place
            else None,
            date_of_manufacture=dt.date.fromisoformat(made) if made else None,
            shipment_id=data.get("shipment_id"),
            via=data.get("via"),
        )
