"""Trace back ("where did this come from") and forward ("where did it go") over lots.

Back: the genealogy tree down to the received inputs, each with its moving data
(vendor, place and date of manufacture, and the lots upstream of that vendor when
another station's manifest named them), the shipment and bill of lading it came
in, its seals and who received it. Forward: every lot made from it. Either way, a
lot that has left names the shipment that took it (when given the release lookup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from station.domain.checks.release import ReleaseRecord
from station.domain.printable import printable, printable_lines
from station.store.views.lots import SqliteLotView
from station.store.views.receiving import SqliteReceivingView

ShippedIn: TypeAlias = Callable[[str], ReleaseRecord | None]
"""Lot id -> the completed release that shipped it (`SqliteReleaseView.shipped_in`)."""


@dataclass
class TraceNode:
    """One lot in a trace tree."""

    lot_id: str
    kind: str
    status: str
    quantity: str
    uom: str
    product: str | None
    made_at: str
    made_by: str | None
    taken: str | None = None
    """Quantity of this lot used by its parent in the tree (trace back) or child."""
    origin: dict[str, Any] | None = None
    receipt: dict[str, Any] | None = None
    shipped: dict[str, Any] | None = None
    """For a shipped lot: the outbound shipment, buyer, BOL and release that took it."""
    children: list[TraceNode] = field(default_factory=list)
    repeated: bool = False
    """Already shown elsewhere in this tree (merges make a DAG, not a tree)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        data: dict[str, Any] = {
            "lot_id": self.lot_id,
            "kind": self.kind,
            "status": self.status,
            "quantity": self.quantity,
            "uom": self.uom,
            "product": self.product,
            "made_at": self.made_at,
            "made_by": self.made_by,
        }
        if self.taken is not None:
            data["taken"] = self.taken
        if self.origin is not None:
            data["origin"] = self.origin
        if self.receipt is not None:
            data["receipt"] = self.receipt
        if self.shipped is not None:
            data["shipped"] = self.shipped
        if self.repeated:
            data["repeated"] = True
        data["links"] = [child.as_dict() for child in self.children]
        return data


def trace(
    lots: SqliteLotView,
    view: SqliteReceivingView,
    lot_id: str,
    *,
    forward: bool = False,
    shipped_in: ShippedIn | None = None,
) -> TraceNode | None:
    """The trace tree from `lot_id`, or None when no lot has that id.

    With `shipped_in` (the completed release that shipped a lot), shipped lots name
    the shipment that took them: where it went, past this site.
    """
    root = _node(lots, view, lot_id, None, shipped_in)
    if root is None:
        return None
    seen = {lot_id}
    stack = [root]
    while stack:
        node = stack.pop()
        nexts: list[tuple[str, str | None]]
        if forward:
            nexts = [(child, None) for child in lots.children(node.lot_id)]
        else:
            nexts = [
                (parent, str(q) if q is not None else None) for parent, q in lots.links(node.lot_id)
            ]
        for next_id, taken in nexts:
            child = _node(lots, view, next_id, taken, shipped_in)
            if child is None:
                child = TraceNode(next_id, "missing", "unknown", "?", "", None, "", None, taken)
                node.children.append(child)
                continue
            node.children.append(child)
            if next_id in seen:
                child.repeated = True
                continue
            seen.add(next_id)
            stack.append(child)
    return root


def _node(
    lots: SqliteLotView,
    view: SqliteReceivingView,
    lot_id: str,
    taken: str | None,
    shipped_in: ShippedIn | None = None,
) -> TraceNode | None:
    record = lots.lot(lot_id)
    if record is None:
        return None
    node = TraceNode(
        lot_id=record.lot_id,
        kind=record.kind,
        status=record.status,
        quantity=str(record.quantity),
        uom=record.uom,
        product=record.product,
        made_at=record.made_at,
        made_by=record.made_by,
        taken=taken,
        origin=record.origin,
    )
    release = shipped_in(lot_id) if shipped_in and record.status == "shipped" else None
    if release is not None:
        order = view.shipment(release.shipment_id)
        buyer = order.manifest.buyer if order else None
        node.shipped = {
            "shipment_id": release.shipment_id,
            "buyer": buyer.name if buyer else None,
            "purchase_orders": list(order.manifest.purchase_orders) if order else [],
            "bill_of_lading": release.bill_of_lading,
            "release_id": release.release_id,
            "shipped_at": release.completed_at,
            "released_by": release.completed_by,
        }
    if record.kind == "received":
        unit = view.unit(lot_id)
        shipment = view.shipment(record.shipment_id) if record.shipment_id else None
        if unit is not None and shipment is not None:
            manifest = shipment.manifest
            node.receipt = {
                "shipment_id": shipment.shipment_id,
                "bill_of_lading": manifest.bill_of_lading,
                "purchase_orders": list(manifest.purchase_orders),
                "seller": manifest.seller.name if manifest.seller else None,
                "seals": [
                    {"seal": s.seal, "status": s.status.value}
                    for s in view.seals(shipment.shipment_id)
                ],
                "received_at": unit.received_at,
                "received_by": record.made_by,
                "receipt_id": unit.receipt_id,
                "findings": [f.as_dict() for f in view.unit_findings(lot_id)],
            }
    return node


def _upstream_line(entry: dict[str, Any]) -> str:
    """One lot upstream of a vendor, as their manifest named it."""
    place = entry.get("place_of_manufacture") or {}
    where = ", ".join(str(place[k]) for k in ("city", "region", "country") if place.get(k))
    lot = f" (lot {printable(str(entry['lot']))})" if entry.get("lot") else ""
    via = f", inside {printable(str(entry['via']))}" if entry.get("via") else ""
    return (
        f"{printable(str(entry.get('lot_id')))}{lot} made by "
        f"{printable(str(entry.get('vendor') or '?'))} at {printable(where or '?')} on "
        f"{entry.get('date_of_manufacture') or '?'}, shipped in "
        f"{printable(str(entry.get('shipment_id') or '?'))}{via}"
    )


def origin_claim_lines(origin: dict[str, Any]) -> list[str]:
    """What a received lot counts as for the site's claims, and its EUDR data, in words."""
    lines = []
    claim = origin.get("claim")
    if isinstance(claim, dict):
        said = printable(str(claim.get("claim") or "no claim"), 60)
        verdict = "verified" if claim.get("verified") else "NOT verified: counted as other"
        lines.append(f"claim: {said} ({verdict}; group {printable(str(claim.get('group')), 20)})")
    eudr = origin.get("eudr")
    if isinstance(eudr, dict):
        refs = ", ".join(printable(str(r), 30) for r in eudr.get("dds_references") or ()) or "none"
        country = printable(str(eudr.get("country") or "?"), 8)
        lines.append(f"EUDR: produced in {country}, due-diligence statements {refs}")
    return lines


def render_text(node: TraceNode, *, forward: bool = False) -> str:
    """The tree as indented plain text, every line made printable."""
    lines: list[str] = []

    def walk(n: TraceNode, depth: int) -> None:
        pad = "  " * depth + ("- " if depth else "")
        taken = f" (took {n.taken})" if n.taken else ""
        lines.append(
            f"{pad}{printable(n.lot_id)} [{n.kind}, {n.status}] {n.quantity} {n.uom}{taken}"
            + (f" {printable(n.product, 40)}" if n.product else "")
            + (" (shown above)" if n.repeated else "")
        )
        inner = "  " * (depth + 1) + "  "
        if n.origin:
            place = n.origin.get("place_of_manufacture") or {}
            where = ", ".join(
                str(place[k]) for k in ("facility", "city", "region", "country") if place.get(k)
            )
            lines.append(
                f"{inner}made by {printable(str(n.origin.get('vendor') or '?'))} at "
                f"{printable(where or '?')} on {n.origin.get('date_of_manufacture') or '?'}"
            )
            lines.extend(
                f"{inner}upstream: {_upstream_line(u)}" for u in n.origin.get("provenance") or ()
            )
            lines.extend(f"{inner}{line}" for line in origin_claim_lines(n.origin))
        if n.receipt:
            r = n.receipt
            seals = ", ".join(f"{s['seal']} {s['status']}" for s in r["seals"]) or "none"
            lines.append(
                f"{inner}received {str(r['received_at'] or '?')[:16]} by {r['received_by'] or '?'}"
                f" in {r['shipment_id']} (BOL {r['bill_of_lading'] or '-'}, seals {seals})"
            )
        elif n.kind == "produced":
            lines.append(f"{inner}made here {n.made_at[:16]} by {n.made_by or '?'}")
        if n.shipped:
            s = n.shipped
            lines.append(
                f"{inner}shipped {str(s['shipped_at'] or '?')[:16]} on {s['shipment_id']} to "
                f"{printable(s['buyer'] or '?', 40)} (BOL {s['bill_of_lading'] or '-'}, "
                f"release {s['release_id']})"
            )
        if not n.repeated:
            for child in n.children:
                walk(child, depth + 1)

    walk(node, 0)
    return printable_lines("\n".join(lines))
