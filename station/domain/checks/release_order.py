"""Release rules for the whole order: it ships only whole, sealed, with its bill of lading.

Every ordered unit released and nothing more, the quantities per product as ordered,
at least one seal applied (and every seal the order names), and the bill of lading
number captured: until all of that holds, completion is refused and the units that
stop it are recorded (`Blocking`). The rules for each unit are in
`station.domain.checks.release`.

    >>> [f.message for f in check_seals("SHP-9", expected=["SL1"], applied=[])]
    ['Order SHP-9: no seal applied to the trailer: seal it and scan the seal']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from station.domain.findings import Finding, FindingCode, listed, refusal
from station.domain.manifest.model import ContentLine
from station.domain.printable import printable
from station.domain.quantities import format_quantity

__all__ = ["Blocking", "check_bill_of_lading", "check_order", "check_seals", "product_totals"]


def product_totals(lines: Iterable[ContentLine]) -> tuple[dict[tuple[str, str], Decimal], set[str]]:
    """Quantities per (product, uom), and the products some line gives no quantity for."""
    totals: dict[tuple[str, str], Decimal] = {}
    unknown: set[str] = set()
    for line in lines:
        product = _product(line)
        if line.quantity is None:
            unknown.add(product)
            continue
        key = (product, line.uom)
        totals[key] = totals.get(key, Decimal(0)) + line.quantity
    return totals, unknown


def check_order(
    shipment_id: str,
    *,
    ordered_units: Sequence[str],
    released_units: Sequence[str],
    ordered_lines: Sequence[ContentLine],
    released_lines: Sequence[ContentLine],
) -> list[Finding]:
    """QUANTITY_MISMATCH for missing or extra units and for each product whose quantity differs.

    Units compare by id. Quantities compare per product and unit of measure, where
    the order gives a quantity for every line of that product; a product the order
    does not name at all is a mismatch whenever the order names any product.
    """
    units = _unit_findings(shipment_id, ordered_units, released_units)
    return units + _product_findings(shipment_id, ordered_lines, released_lines)


def _unit_findings(
    shipment_id: str, ordered_units: Sequence[str], released_units: Sequence[str]
) -> list[Finding]:
    findings: list[Finding] = []
    released = set(released_units)
    ordered = set(ordered_units)
    expected = f"{len(ordered)} units"
    missing = [u for u in ordered_units if u not in released]
    if missing:
        message = (
            f"Order {shipment_id}: {len(missing)} of {len(ordered)} ordered unit(s) not "
            f"released: {_listed(missing)}"
        )
        findings.append(
            refusal(
                FindingCode.QUANTITY_MISMATCH,
                message,
                expected,
                f"{len(ordered) - len(missing)} of them",
            )
        )
    extra = [u for u in released_units if u not in ordered]
    if extra:
        message = f"Order {shipment_id}: {len(extra)} unit(s) more than ordered: {_listed(extra)}"
        findings.append(
            refusal(
                FindingCode.QUANTITY_MISMATCH,
                message,
                expected,
                f"{len(ordered) + len(extra)} units",
            )
        )
    return findings


def _product_findings(
    shipment_id: str, ordered_lines: Sequence[ContentLine], released_lines: Sequence[ContentLine]
) -> list[Finding]:
    findings: list[Finding] = []
    want, unknown = product_totals(ordered_lines)
    have, _ = product_totals(released_lines)
    named = {product for product, _ in want} | unknown
    for key in sorted(set(want) | set(have)):
        product, uom = key
        if product in unknown:
            continue
        if key not in want and not named:
            continue
        expected, found = want.get(key, Decimal(0)), have.get(key, Decimal(0))
        if expected != found:
            on_order = f"{format_quantity(expected)} {printable(uom)}"
            releasing = f"{format_quantity(found)} {printable(uom)}"
            message = (
                f"Order {shipment_id}: product {printable(product)} ordered {on_order}, "
                f"releasing {releasing}"
            )
            findings.append(refusal(FindingCode.QUANTITY_MISMATCH, message, on_order, releasing))
    return findings


def _listed(ids: Sequence[str]) -> str:
    return listed([printable(i, 40) for i in ids])


def check_seals(shipment_id: str, expected: Sequence[str], applied: Sequence[str]) -> list[Finding]:
    """SEAL_MISSING when no seal was applied, or a seal the order names was not."""
    if not applied:
        message = f"Order {shipment_id}: no seal applied to the trailer: seal it and scan the seal"
        return [refusal(FindingCode.SEAL_MISSING, message, "at least one seal", "none")]
    missing = [s for s in expected if s not in applied]
    if not missing:
        return []
    message = f"Order {shipment_id}: seal {', '.join(missing)} named on the order was not applied"
    return [refusal(FindingCode.SEAL_MISSING, message, ", ".join(expected), ", ".join(applied))]


def check_bill_of_lading(shipment_id: str, bill_of_lading: str | None) -> list[Finding]:
    """MISSING_MOVING_DATA while the bill of lading number has not been captured."""
    if bill_of_lading:
        return []
    message = f"Order {shipment_id}: the bill of lading number was not captured: scan the BOL"
    return [refusal(FindingCode.MISSING_MOVING_DATA, message, "bill of lading", "missing")]


@dataclass(frozen=True, slots=True)
class Blocking:
    """One unit that stops a release, and why."""

    unit_id: str
    findings: tuple[Finding, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """JSON form, for the RELEASE_REFUSED event."""
        return {"unit_id": self.unit_id, "findings": [f.as_dict() for f in self.findings]}


def _product(line: ContentLine) -> str:
    if line.gtin:
        return f"GTIN {line.gtin}"
    return line.product or "without GTIN or description"
