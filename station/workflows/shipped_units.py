"""What a released unit holds, as moving data for the receiver.

`describe_unit` turns a lot into the manifest `Unit` the buyer's station will
receive: a received lot passes on the moving data it arrived with; a lot made here
names this site as vendor and place of manufacture and its production date; a
pallet made here lists what was put on it. Every content line carries the received
lots upstream of it (`ContentLine.provenance`), and, for a lot that came from another
station, the chain that station's manifest gave beyond it (`with_upstream`), so the
upstream vendors are never lost at a station boundary. What cannot be described truthfully
(a mixed pallet partly used, a lot without a GTIN and without an SSCC) comes back as
a reason, which the release turns into an INCOMPLETE_TRACE finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, Protocol

from station.domain.lots.provenance import Genealogy
from station.domain.manifest.model import ContentLine, Place, Unit, UpstreamLot
from station.domain.manifest.outbound import SiteIdentity
from station.domain.printable import printable
from station.store.views.lots import LotRecord


class LotLookup(Protocol):
    """The lot queries describing a unit needs."""

    def lot(self, lot_id: str) -> LotRecord | None: ...

    def links(self, lot_id: str) -> list[tuple[str, Decimal | None]]: ...

    def genealogy(self) -> Genealogy: ...


def place_from_json(data: Mapping[str, Any] | None) -> Place | None:
    """A `Place` from its JSON form, as lots store it."""
    if not data:
        return None
    return Place(
        facility=data.get("facility"),
        city=data.get("city"),
        country=data.get("country"),
        region=data.get("region"),
    )


def origin_line(record: LotRecord, quantity: Decimal | None = None) -> ContentLine | None:
    """The moving data a received lot arrived with, as a content line; None if not received."""
    origin = record.origin
    if origin is None:
        return None
    made = origin.get("date_of_manufacture")
    place = place_from_json(origin.get("place_of_manufacture"))
    date = dt.date.fromisoformat(made) if made else None
    upstream = UpstreamLot(
        lot_id=record.lot_id,
        gtin=origin.get("gtin") or record.gtin,
        lot=origin.get("lot"),
        vendor=origin.get("vendor"),
        place_of_manufacture=place,
        date_of_manufacture=date,
        shipment_id=origin.get("shipment_id"),
    )
    return ContentLine(
        gtin=origin.get("gtin") or record.gtin,
        lot=origin.get("lot"),
        serial=origin.get("serial"),
        quantity=record.quantity if quantity is None else quantity,
        uom=record.uom,
        product=record.product,
        vendor=origin.get("vendor"),
        place_of_manufacture=place,
        date_of_manufacture=date,
        provenance=with_upstream(upstream, origin.get("provenance")),
    )


def with_upstream(
    received: UpstreamLot, chain: Sequence[Mapping[str, Any]] | None
) -> tuple[UpstreamLot, ...]:
    """`received` followed by the chain its vendor's manifest gave upstream of it.

    Entries the vendor wrote without `via` (the vendor's own received lots) reached
    this site inside `received`; entries with one keep it.
    """
    entries = [UpstreamLot.from_dict(entry) for entry in chain or ()]
    return (
        received,
        *(entry if entry.via else replace(entry, via=received.lot_id) for entry in entries),
    )


def describe_unit(
    lots: LotLookup, lot_id: str, site: SiteIdentity, packaging: str | None = None
) -> Unit | str:
    """The manifest unit for lot `lot_id` as it ships, or why it cannot be described."""
    record = lots.lot(lot_id)
    if record is None:
        return f"lot {printable(lot_id)} is unknown here"
    lines = _lines(lots, record, None, site, frozenset())
    if isinstance(lines, str):
        return lines
    if not lines:
        return f"nothing is recorded on {printable(lot_id)}"
    sscc = record.sscc or (lot_id if len(lot_id) == 18 and lot_id.isdigit() else None)
    if sscc is None:
        if len(lines) != 1:
            return f"{printable(lot_id)} holds several lots but has no SSCC to identify it by"
        if lines[0].gtin is None or (lines[0].lot is None and lines[0].serial is None):
            return (
                f"{printable(lot_id)} has no SSCC and no GTIN with lot or serial: "
                "the receiver could not identify it"
            )
    return Unit(
        sscc=sscc, packaging=packaging or ("pallet" if sscc else "carton"), contents=tuple(lines)
    )


def _lines(
    lots: LotLookup,
    record: LotRecord,
    quantity: Decimal | None,
    site: SiteIdentity,
    seen: frozenset[str],
) -> list[ContentLine] | str:
    """Content lines of `record`, taking `quantity` of it (None: all that is left).

    `seen` holds the pallets on the path down to `record`, to stop at a cycle.
    """
    if record.lot_id in seen:
        return f"lot {printable(record.lot_id)} is among its own ancestors"
    remaining = record.quantity - record.consumed
    take = remaining if quantity is None else quantity
    name = printable(record.lot_id)
    if record.kind == "produced" and record.sscc is None:
        return [_made_line(lots, record, take, site)]
    if record.origin is not None:
        line = origin_line(record, take)
        assert line is not None
        return [line]
    # A mixed pallet (received with several lines, or palletised here): its parents are
    # what is on it, each with the quantity put on it.
    if take != record.quantity:
        return (
            f"pallet {name} is partly used ({take} of {record.quantity} {record.uom} left): "
            "what remains on it cannot be told per lot"
        )
    lines: list[ContentLine] = []
    path = seen | {record.lot_id}
    for parent_id, taken in lots.links(record.lot_id):
        parent = lots.lot(parent_id)
        if parent is None:
            return f"lot {printable(parent_id)} on pallet {name} is unknown here"
        sub = _lines(lots, parent, taken if taken is not None else parent.quantity, site, path)
        if isinstance(sub, str):
            return sub
        lines.extend(sub)
    return lines


def _made_line(
    lots: LotLookup, record: LotRecord, quantity: Decimal, site: SiteIdentity
) -> ContentLine:
    upstream: list[UpstreamLot] = []
    for origin in lots.genealogy().received_inputs(record.lot_id):
        received = lots.lot(origin.lot_id)
        data = received.origin if received and received.origin else {}
        entry = UpstreamLot(
            lot_id=origin.lot_id,
            gtin=data.get("gtin") or (received.gtin if received else None),
            lot=data.get("lot"),
            vendor=origin.vendor,
            place_of_manufacture=origin.place_of_manufacture,
            date_of_manufacture=origin.date_of_manufacture,
            shipment_id=origin.shipment_id,
        )
        upstream.extend(with_upstream(entry, data.get("provenance")))
    return ContentLine(
        gtin=record.gtin,
        lot=record.lot_id,
        quantity=quantity,
        uom=record.uom,
        product=record.product,
        vendor=site.name,
        place_of_manufacture=site.place,
        date_of_manufacture=dt.datetime.fromisoformat(record.made_at).date(),
        provenance=tuple(upstream),
    )
