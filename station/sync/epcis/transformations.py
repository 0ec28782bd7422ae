"""New lots as TransformationEvents, new pallets as AggregationEvents.

A repack, split or merge (``lot.transformed``) takes quantities of parent lots and
makes new lots: a TransformationEvent with the parents in ``inputQuantityList`` (or
``inputEPCList`` for pallets and serialised items), the new lots in
``outputQuantityList``, and ILMD saying when and where they were made (the site of
``[station] site``: name, city, country). Palletising puts units on a new SSCC
without changing them: an AggregationEvent ``ADD`` with the SSCC as parent.
"""

from __future__ import annotations

from typing import Any

from station.domain.events import StoredEvent
from station.domain.manifest.outbound import SiteIdentity
from station.sync.epcis.common import (
    Json,
    base_event,
    event_time,
    finish,
    object_lists,
    split_objects,
)
from station.sync.epcis.identifiers import unit_object
from station.sync.epcis.settings import MappingContext

_STEPS = {
    "repack": "repackaging",
    "split": "creating_class_instance",
    "merge": "creating_class_instance",
}


def lot_transformed(stored: StoredEvent, context: MappingContext) -> list[Json]:
    """A transformation (repack, split, merge) or a new pallet (palletise)."""
    payload = dict(stored.event.payload)
    if payload.get("kind") == "palletise":
        return _palletised(stored, context, payload)
    step = _STEPS.get(str(payload.get("kind")))
    gtin = payload.get("gtin") if isinstance(payload.get("gtin"), str) else None
    uom = payload.get("uom")
    namespace = context.settings.urn_namespace
    inputs = [
        (unit_object(i["lot_id"], namespace=namespace, gtin=gtin), i.get("quantity"), uom)
        for i in payload.get("inputs") or ()
        if isinstance(i, dict) and isinstance(i.get("lot_id"), str)
    ]
    outputs = [
        (unit_object(o["lot_id"], namespace=namespace, gtin=gtin), o.get("quantity"), uom)
        for o in payload.get("outputs") or ()
        if isinstance(o, dict) and isinstance(o.get("lot_id"), str)
    ]
    event = base_event("TransformationEvent", stored, context)
    if not (
        object_lists(event, inputs, prefix="input")
        and object_lists(event, outputs, prefix="output")
    ):
        return []
    ext = context.settings.ext
    return [
        finish(
            event,
            stored,
            context,
            biz_step=step,
            disposition="active",
            ilmd=_ilmd(stored, context, payload),
            extensions={
                "transformKind": payload.get("kind"),
                "loss": payload.get("loss") if payload.get("loss") not in (None, "0") else None,
                "uom": uom,
                "product": payload.get("product"),
                "inputsRemaining": [
                    {ext("lot"): i.get("lot_id"), ext("remaining"): i.get("remaining_after")}
                    for i in payload.get("inputs") or ()
                    if isinstance(i, dict)
                ],
            },
        )
    ]


def _palletised(
    stored: StoredEvent, context: MappingContext, payload: dict[str, Any]
) -> list[Json]:
    outputs = [o for o in payload.get("outputs") or () if isinstance(o, dict)]
    if not outputs:
        return []
    namespace = context.settings.urn_namespace
    pallet_id = outputs[0].get("sscc") or outputs[0].get("lot_id")
    if not isinstance(pallet_id, str):
        return []
    uom = payload.get("uom")
    children = [
        (unit_object(i["lot_id"], namespace=namespace), i.get("quantity"), uom)
        for i in payload.get("inputs") or ()
        if isinstance(i, dict) and isinstance(i.get("lot_id"), str)
    ]
    epcs, classes = split_objects(children)
    if not (epcs or classes):
        return []
    event = base_event("AggregationEvent", stored, context)
    event["parentID"] = unit_object(pallet_id, namespace=namespace).uri
    if epcs:
        event["childEPCs"] = epcs
    if classes:
        event["childQuantityList"] = classes
    event["action"] = "ADD"
    return [
        finish(
            event,
            stored,
            context,
            biz_step="packing",
            disposition="in_progress",
            extensions={"transformKind": "palletise"},
        )
    ]


def _ilmd(stored: StoredEvent, context: MappingContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Date and place of manufacture of the new lots: here, now."""
    ext = context.settings.ext
    site = SiteIdentity.parse(str(payload.get("site") or ""))
    place = {
        ext("facility"): site.place.facility,
        ext("city"): site.place.city,
        ext("country"): site.place.country,
    }
    made = event_time(stored.event.recorded_at, context)[:10]
    return {
        ext("dateOfManufacture"): made,
        ext("placeOfManufacture"): {k: v for k, v in place.items() if v},
        ext("vendor"): site.name,
    }
