"""What every EPCIS event of the station has: identity, time, place, objects, extensions.

One station event may map to several EPCIS events (a received pallet is an
ObjectEvent and the AggregationEvent of its contents); the first takes the station
event's UUID as ``eventID``, the others a UUID derived from it (uuid5 with their
index), so the same station event always maps to the same EPCIS events.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from station.domain.events import StoredEvent
from station.sync.epcis.identifiers import ObjectId, party_uri, urn
from station.sync.epcis.settings import MappingContext, ShipmentDocuments

_UOM = re.compile(r"[A-Z0-9]{2,3}")

Json = dict[str, Any]


def event_id(stored: StoredEvent, index: int = 0) -> str:
    """``urn:uuid:<uuid>`` of the `index`-th EPCIS event of a station event."""
    try:
        base = uuid.UUID(stored.event.id)
    except ValueError:
        base = uuid.uuid5(uuid.NAMESPACE_URL, f"station-event:{stored.event.id}")
    return f"urn:uuid:{base if index == 0 else uuid.uuid5(base, str(index))}"


def event_time(moment: dt.datetime, context: MappingContext) -> str:
    """`moment` in the station's offset, to the millisecond (ISO 8601)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(context.settings.tzinfo).isoformat(timespec="milliseconds")


def base_event(kind: str, stored: StoredEvent, context: MappingContext, *, index: int = 0) -> Json:
    """The start of an event: type, time, offset and eventID."""
    return {
        "type": kind,
        "eventTime": event_time(stored.event.recorded_at, context),
        "eventTimeZoneOffset": context.settings.time_zone_offset,
        "eventID": event_id(stored, index),
    }


def finish(
    event: Json,
    stored: StoredEvent,
    context: MappingContext,
    *,
    biz_step: str | None,
    disposition: str | None = None,
    transactions: Sequence[Json] = (),
    sources: Sequence[Json] = (),
    destinations: Sequence[Json] = (),
    ilmd: Mapping[str, Any] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Json:
    """Add the step, disposition, place, documents and the station's extension fields."""
    settings = context.settings
    if biz_step is not None:
        event["bizStep"] = biz_step
    if disposition is not None:
        event["disposition"] = disposition
    event["readPoint"] = {"id": settings.read_point_uri}
    event["bizLocation"] = {"id": settings.biz_location_uri}
    if transactions:
        event["bizTransactionList"] = list(transactions)
    if sources:
        event["sourceList"] = list(sources)
    if destinations:
        event["destinationList"] = list(destinations)
    if ilmd:
        event["ilmd"] = dict(ilmd)
    event[settings.ext("stationId")] = stored.event.station_id
    event[settings.ext("seq")] = stored.seq
    event[settings.ext("kind")] = stored.event.kind.value
    if stored.event.operator_id:
        event[settings.ext("operator")] = stored.event.operator_id
    for name, value in (extensions or {}).items():
        if value is not None and value not in ([], {}):
            event[settings.ext(name)] = value
    return event


def quantity_number(value: object) -> int | float | None:
    """A quantity as a JSON number (exact decimals from the log), or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def quantity_element(epc_class: str, quantity: object = None, uom: object = None) -> Json:
    """A quantityElement; quantity and uom only when the schema can hold them."""
    element: Json = {"epcClass": epc_class}
    number = quantity_number(quantity)
    if number is not None and (uom is None or (isinstance(uom, str) and _UOM.fullmatch(uom))):
        element["quantity"] = number
        if uom is not None:
            element["uom"] = uom
    return element


def split_objects(
    objects: Iterable[tuple[ObjectId, object, object]],
) -> tuple[list[str], list[Json]]:
    """Instances for an EPC list, classes (with quantity and uom) for a quantity list."""
    epcs: list[str] = []
    classes: list[Json] = []
    for obj, quantity, uom in objects:
        if obj.instance:
            if obj.uri not in epcs:
                epcs.append(obj.uri)
        else:
            classes.append(quantity_element(obj.uri, quantity, uom))
    return epcs, classes


def object_lists(
    event: Json, objects: Iterable[tuple[ObjectId, object, object]], *, prefix: str = ""
) -> bool:
    """Put the objects in ``epcList``/``quantityList`` (or prefixed: ``input...``)."""
    epcs, classes = split_objects(objects)
    if epcs:
        event[f"{prefix}EPCList" if prefix else "epcList"] = epcs
    if classes:
        event[f"{prefix}QuantityList" if prefix else "quantityList"] = classes
    return bool(epcs or classes)


def shipment_urn(context: MappingContext, shipment_id: str) -> str:
    """A shipment, which has no GS1 key here: ``urn:<ns>:shipment:<id>``."""
    return urn(context.settings.urn_namespace, "shipment", shipment_id)


def documents_of(context: MappingContext, shipment_id: object) -> ShipmentDocuments | None:
    """The documents the manifest of `shipment_id` names, when known."""
    if isinstance(shipment_id, str):
        return context.shipments.get(shipment_id)
    return None


def transactions(
    context: MappingContext,
    *,
    bill_of_lading: object = None,
    asn: object = None,
    purchase_orders: Iterable[object] = (),
) -> list[Json]:
    """The documents as a bizTransactionList with CBV types (bol, desadv, po)."""
    namespace = context.settings.urn_namespace
    found: list[Json] = []
    for kind, number in (
        ("bol", bill_of_lading),
        ("desadv", asn),
        *(("po", po) for po in purchase_orders),
    ):
        if isinstance(number, str) and number:
            entry = {"type": kind, "bizTransaction": urn(namespace, kind, number)}
            if entry not in found:
                found.append(entry)
    return found


def shipment_transactions(context: MappingContext, shipment_id: object) -> list[Json]:
    """The bizTransactionList of the shipment's documents (empty when unknown)."""
    docs = documents_of(context, shipment_id)
    if docs is None:
        return []
    return transactions(
        context,
        bill_of_lading=docs.bill_of_lading,
        asn=docs.asn,
        purchase_orders=docs.purchase_orders,
    )


def parties(context: MappingContext, party: object, key: str) -> list[Json]:
    """A seller (``source``) or buyer (``destination``) as owning and possessing party."""
    uri = party_uri(party, namespace=context.settings.urn_namespace)
    if uri is None:
        return []
    return [{"type": "owning_party", key: uri}, {"type": "possessing_party", key: uri}]


def findings(context: MappingContext, raw: object) -> list[Json]:
    """Findings from a payload as extension objects (``st:code``, ``st:severity``...)."""
    if not isinstance(raw, list):
        return []
    ext = context.settings.ext
    return [
        {ext(key): str(value) for key, value in item.items() if value is not None}
        for item in raw
        if isinstance(item, dict)
    ]
