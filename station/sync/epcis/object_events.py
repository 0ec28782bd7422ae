"""Receiving, holds, quarantine decisions, release checks and shipping as ObjectEvents.

Each function maps one kind of station event (its payload as the workflows write
it) to its EPCIS events. Business steps and dispositions are bare CBV names:

============================  =========  ==========================================
station event                 bizStep    disposition
============================  =========  ==========================================
unit.received (accepted)      receiving  in_progress
unit.received (on hold)       receiving  non_conformant
unit.marked_damaged           holding    damaged
seal.checked                  inspecting conformant (verified) / non_conformant
shipment.held                 holding    non_conformant
hold.released                 inspecting conformant, with the supervisor's reason
hold.rejected                 inspecting non_conformant, with reason and disposition
release.unit_checked          inspecting conformant / non_conformant
release.completed             shipping   in_transit
============================  =========  ==========================================

A received pallet (SSCC) with known contents also gets an AggregationEvent of what
is on it. Seals, findings, receipt and release ids go in ``st:`` extension fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from station.domain.events import StoredEvent
from station.sync.epcis.common import (
    Json,
    base_event,
    documents_of,
    findings,
    finish,
    object_lists,
    parties,
    shipment_transactions,
    shipment_urn,
    split_objects,
    transactions,
)
from station.sync.epcis.identifiers import ObjectId, line_class, unit_object
from station.sync.epcis.settings import MappingContext


def _unit(context: MappingContext, unit_id: object, gtin: object = None) -> ObjectId | None:
    if not isinstance(unit_id, str) or not unit_id:
        return None
    known = gtin if isinstance(gtin, str) else None
    return unit_object(unit_id, namespace=context.settings.urn_namespace, gtin=known)


def _contents(payload: dict[str, Any]) -> list[dict[str, Any]]:
    lines = payload.get("contents")
    return [line for line in lines if isinstance(line, dict)] if isinstance(lines, list) else []


def unit_received(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """A unit received at the dock: accepted (in progress) or on hold (non conformant)."""
    payload = dict(stored.event.payload)
    obj = _unit(context, payload.get("unit_id"))
    if obj is None:
        return []
    lines = _contents(payload)
    quantity = uom = None
    if not obj.instance and len(lines) == 1:
        quantity, uom = lines[0].get("quantity"), lines[0].get("uom")
    event = base_event("ObjectEvent", stored, context)
    object_lists(event, [(obj, quantity, uom)])
    event["action"] = "OBSERVE"
    held = payload.get("status") == "quarantined"
    shipment_id = payload.get("shipment_id")
    docs = documents_of(context, shipment_id)
    common: dict[str, Any] = {
        "transactions": shipment_transactions(context, shipment_id),
        "sources": parties(context, docs.seller, "source") if docs else [],
        "destinations": parties(context, docs.buyer, "destination") if docs else [],
    }
    ext = {
        "receipt": payload.get("receipt_id"),
        "shipment": shipment_id,
        "expected": payload.get("expected"),
        "status": payload.get("status"),
        "findings": findings(context, payload.get("findings")),
        "claims": _prefixed(context, payload.get("claims")),
    }
    events = [
        finish(
            event,
            stored,
            context,
            biz_step="receiving",
            disposition="non_conformant" if held else "in_progress",
            extensions=ext,
            **common,
        )
    ]
    if obj.instance and lines:
        children = [
            (child, line.get("quantity"), line.get("uom"))
            for line in lines
            if (child := line_class(line, namespace=context.settings.urn_namespace)) is not None
        ]
        epcs, classes = split_objects(children)
        if epcs or classes:
            aggregation = base_event("AggregationEvent", stored, context, index=1)
            aggregation["parentID"] = obj.uri
            if epcs:
                aggregation["childEPCs"] = epcs
            if classes:
                aggregation["childQuantityList"] = classes
            aggregation["action"] = "OBSERVE"
            events.append(
                finish(
                    aggregation,
                    stored,
                    context,
                    biz_step="receiving",
                    extensions={"receipt": payload.get("receipt_id"), "shipment": shipment_id},
                    **common,
                )
            )
    return events


def unit_marked_damaged(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """Damaged packaging: the unit is held."""
    payload = dict(stored.event.payload)
    return _observe(
        stored,
        context,
        [_unit(context, payload.get("unit_id"))],
        biz_step="holding",
        disposition="damaged",
        shipment_id=payload.get("shipment_id"),
        ext={
            "receipt": payload.get("receipt_id"),
            "release": payload.get("release_id"),
            "shipment": payload.get("shipment_id"),
            "findings": findings(context, payload.get("findings")),
        },
    )


def seal_checked(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """A transport seal checked at receiving, against the shipments' documents."""
    payload = dict(stored.event.payload)
    shipment_ids = [s for s in payload.get("shipment_ids") or () if isinstance(s, str)]
    if not shipment_ids:
        return []
    verified = payload.get("status") == "verified"
    event = base_event("ObjectEvent", stored, context)
    event["epcList"] = [shipment_urn(context, s) for s in shipment_ids]
    event["action"] = "OBSERVE"
    ext = context.settings.ext
    return [
        finish(
            event,
            stored,
            context,
            biz_step="inspecting",
            disposition="conformant" if verified else "non_conformant",
            transactions=[t for s in shipment_ids for t in shipment_transactions(context, s)],
            extensions={
                "receipt": payload.get("receipt_id"),
                "seal": {ext("number"): payload.get("seal"), ext("status"): payload.get("status")},
            },
        )
    ]


def shipment_held(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """A whole shipment put on hold (seal problem, missing units)."""
    payload = dict(stored.event.payload)
    shipment_id = payload.get("shipment_id")
    if not isinstance(shipment_id, str):
        return []
    event = base_event("ObjectEvent", stored, context)
    event["epcList"] = [shipment_urn(context, shipment_id)]
    event["action"] = "OBSERVE"
    return [
        finish(
            event,
            stored,
            context,
            biz_step="holding",
            disposition="non_conformant",
            transactions=shipment_transactions(context, shipment_id),
            extensions={"findings": findings(context, payload.get("findings"))},
        )
    ]


def hold_decided(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """A supervisor's release (conformant) or rejection (non conformant) of a hold."""
    payload = dict(stored.event.payload)
    released = stored.event.kind.value == "hold.released"
    entity_id = payload.get("entity_id")
    targets: list[ObjectId | None] = []
    if payload.get("entity_kind") == "shipment" and isinstance(entity_id, str):
        targets.append(ObjectId(shipment_urn(context, entity_id), instance=True))
    else:
        targets.append(_unit(context, entity_id))
    targets.extend(_unit(context, unit_id) for unit_id in payload.get("cascade") or ())
    return _observe(
        stored,
        context,
        targets,
        biz_step="inspecting",
        disposition="conformant" if released else "non_conformant",
        shipment_id=payload.get("shipment_id"),
        ext={
            "decision": "release" if released else "reject",
            "reason": payload.get("text"),
            "evidence": payload.get("evidence"),
            "rejectDisposition": payload.get("disposition"),
            "placedBy": payload.get("placed_by"),
            "shipment": payload.get("shipment_id"),
            "findings": findings(context, payload.get("findings")),
        },
    )


def release_unit_checked(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """A unit checked at the release dock: it passed or it is blocked."""
    payload = dict(stored.event.payload)
    return _observe(
        stored,
        context,
        [_unit(context, payload.get("unit_id"), payload.get("gtin"))],
        biz_step="inspecting",
        disposition="conformant" if payload.get("ok") else "non_conformant",
        shipment_id=payload.get("shipment_id"),
        ext={
            "release": payload.get("release_id"),
            "shipment": payload.get("shipment_id"),
            "recheck": payload.get("recheck"),
            "findings": findings(context, payload.get("findings")),
        },
    )


def release_completed(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """The shipping record: every unit released, its documents, seals and buyer."""
    payload = dict(stored.event.payload)
    units = [u for u in payload.get("units") or () if isinstance(u, dict)]
    objects = [
        (obj, unit.get("quantity"), unit.get("uom"))
        for unit in units
        if (obj := _unit(context, unit.get("unit_id"), unit.get("gtin"))) is not None
    ]
    event = base_event("ObjectEvent", stored, context)
    if not object_lists(event, objects):
        return []
    event["action"] = "OBSERVE"
    raw_manifest = payload.get("manifest")
    manifest: dict[str, Any] = raw_manifest if isinstance(raw_manifest, dict) else {}
    return [
        finish(
            event,
            stored,
            context,
            biz_step="shipping",
            disposition="in_transit",
            transactions=transactions(
                context,
                bill_of_lading=payload.get("bill_of_lading"),
                asn=manifest.get("asn"),
                purchase_orders=payload.get("purchase_orders") or (),
            ),
            sources=parties(context, payload.get("seller"), "source"),
            destinations=parties(context, payload.get("buyer"), "destination"),
            extensions={
                "release": payload.get("release_id"),
                "shipment": payload.get("shipment_id"),
                "seals": [s for s in payload.get("seals") or () if isinstance(s, str)],
            },
        )
    ]


def _observe(
    stored: StoredEvent,
    context: MappingContext,
    targets: Iterable[ObjectId | None],
    *,
    biz_step: str,
    disposition: str,
    shipment_id: object,
    ext: dict[str, Any],
) -> list[Json]:
    event = base_event("ObjectEvent", stored, context)
    if not object_lists(event, [(t, None, None) for t in targets if t is not None]):
        return []
    event["action"] = "OBSERVE"
    return [
        finish(
            event,
            stored,
            context,
            biz_step=biz_step,
            disposition=disposition,
            transactions=shipment_transactions(context, shipment_id),
            extensions=ext,
        )
    ]


def _prefixed(context: MappingContext, value: object) -> object:
    """Nested payload objects with their keys in the extension namespace."""
    if isinstance(value, dict):
        return {
            context.settings.ext(str(k)): _prefixed(context, v)
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, list):
        return [_prefixed(context, v) for v in value]
    return value
