"""`station show`: what the station knows about one shipment, unit or receipt.

Text for a person, JSON for scripts; both from the same projections the workflow
uses, so what is shown is what the workflow decided on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station.domain.printable import printable, printable_lines
from station.domain.scanning.codes import DocumentKind
from station.ports import ShipmentRecord
from station.store.views.receiving import SqliteReceivingView


@dataclass(frozen=True, slots=True)
class Description:
    """One answer to `station show`."""

    text: str
    data: dict[str, Any]


def describe(view: SqliteReceivingView, ident: str) -> Description | None:
    """Describe whatever `ident` names, trying shipment documents, units, then receipts."""
    for kind in DocumentKind:
        found = view.find_shipments(kind, ident)
        if len(found) == 1:
            return describe_shipment(view, found[0])
    unit = view.unit(ident)
    if unit is not None:
        findings = view.unit_findings(ident)
        held = view.is_held("unit", ident)
        data = {
            "type": "unit",
            "unit_id": unit.unit_id,
            "shipment_id": unit.shipment_id,
            "expected": unit.expected,
            "status": unit.status.value,
            "on_hold": held,
            "receipt_id": unit.receipt_id,
            "received_at": unit.received_at,
            "findings": [f.as_dict() for f in findings],
        }
        lines = [
            f"Unit {unit.unit_id}",
            f"  shipment: {unit.shipment_id}{'' if unit.expected else ' (not on its manifest)'}",
            f"  status: {unit.status.value}{' - ON HOLD' if held else ''}",
        ]
        if unit.received_at:
            lines.append(f"  received: {unit.received_at} in receipt {unit.receipt_id}")
        lines.extend(f"  {f.code.value}: {f.message}" for f in findings)
        return Description(printable_lines("\n".join(lines)), data)
    receipt = view.receipt(ident)
    if receipt is not None:
        data = {
            "type": "receipt",
            "receipt_id": receipt.receipt_id,
            "station_id": receipt.station_id,
            "open": receipt.open,
            "shipment_ids": list(receipt.shipment_ids),
            "opened_by": receipt.opened_by,
            "opened_at": receipt.opened_at,
        }
        text = (
            f"Receipt {receipt.receipt_id} at {receipt.station_id} "
            f"({'open' if receipt.open else 'closed'}), opened {receipt.opened_at} by "
            f"{receipt.opened_by}\n  shipments: {', '.join(receipt.shipment_ids)}"
        )
        return Description(printable_lines(text), data)
    return None


def describe_shipment(view: SqliteReceivingView, shipment: ShipmentRecord) -> Description:
    """A shipment with its seals and units."""
    manifest = shipment.manifest
    units = view.units(shipment.shipment_id)
    seals = view.seals(shipment.shipment_id)
    data: dict[str, Any] = {
        "type": "shipment",
        "shipment_id": shipment.shipment_id,
        "status": shipment.status.value,
        "on_hold": shipment.held,
        "receipt_id": shipment.receipt_id,
        "manifest": manifest.as_dict(),
        "seals": [
            {"seal": s.seal, "expected": s.expected, "status": s.status.value} for s in seals
        ],
        "units": [
            {
                "unit_id": u.unit_id,
                "expected": u.expected,
                "status": u.status.value,
                "on_hold": view.is_held("unit", u.unit_id),
                "received_at": u.received_at,
            }
            for u in units
        ],
    }
    lines = [
        f"Shipment {shipment.shipment_id} ({manifest.direction.value}) - {shipment.status.value}"
        + (" - ON HOLD" if shipment.held else ""),
        f"  BOL {manifest.bill_of_lading or '-'}  PO {', '.join(manifest.purchase_orders) or '-'}"
        f"  seller {manifest.seller.name if manifest.seller else '-'}",
        "  seals: "
        + (
            ", ".join(
                f"{s.seal} {s.status.value}" + ("" if s.expected else " (not on documents)")
                for s in seals
            )
            or "none"
        ),
        "  units:",
    ]
    lines.extend(
        f"    {printable(u.unit_id)}  {u.status.value}{'' if u.expected else '  (unexpected)'}"
        for u in units
    )
    return Description(printable_lines("\n".join(lines)), data)
