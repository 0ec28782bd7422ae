"""The outbound manifest: the moving data a release hands to the next site in the chain.

When a release completes, the station writes what it shipped in the same manifest
format it receives, seen from the receiver's side (``"direction": "inbound"``), so
the buyer's station imports and receives it without edits. Seller, buyer, the
buyer's purchase orders and the carrier come from the order; the seals applied and
the bill of lading from the release; each unit's content lines carry the moving
data of what is on it and, in `ContentLine.provenance`, the received lots upstream.

Goods made here name this site as vendor and place of manufacture. The site is the
free-text ``[station] site`` of the configuration, read as ``name, city, country``
(the last part counts as the country when it is a two-letter code):

    >>> site = SiteIdentity.parse("Example Solar Works, Ho Chi Minh City, VN")
    >>> site.name, site.place.city, site.place.country
    ('Example Solar Works', 'Ho Chi Minh City', 'VN')
    >>> SiteIdentity.parse("Dock 7").place.country is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from station.domain.manifest.model import Direction, Manifest, Party, Place, Unit

_COUNTRY = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True, slots=True)
class SiteIdentity:
    """This site as vendor and place of manufacture of what it makes."""

    name: str
    place: Place

    @classmethod
    def parse(cls, site: str) -> SiteIdentity:
        """Read ``name[, city...][, CC]`` from the configured site text."""
        parts = [part.strip() for part in site.split(",") if part.strip()]
        if not parts:
            return cls(site.strip() or "unnamed site", Place())
        country = None
        if len(parts) > 1 and _COUNTRY.fullmatch(parts[-1]):
            country = parts.pop().upper()
        name = parts[0]
        city = ", ".join(parts[1:]) or None
        return cls(name, Place(facility=name, city=city, country=country))


def outbound_manifest(
    order: Manifest,
    *,
    units: Sequence[Unit],
    seals: Sequence[str],
    bill_of_lading: str,
    site: SiteIdentity,
    notes: str,
) -> Manifest:
    """The manifest the receiver of `order` imports: what was released, as it left."""
    return Manifest(
        manifest_version=order.manifest_version,
        shipment_id=order.shipment_id,
        direction=Direction.INBOUND,
        bill_of_lading=bill_of_lading,
        asn=order.asn,
        purchase_orders=order.purchase_orders,
        seller=order.seller or Party(site.name),
        buyer=order.buyer,
        carrier=order.carrier,
        seals=tuple(seals),
        units=tuple(units),
        expected_arrival=order.expected_arrival,
        notes=notes,
    )
