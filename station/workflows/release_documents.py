"""Documents scanned at the release dock: an order opens a release, a bill of lading joins it.

With no release open, the order's shipment id, PO or ASN opens a release of it,
unless the order was already shipped or is being released elsewhere. With a release
open, its bill of lading is captured (it must be the one the order names, if any,
and no other shipment's), its own order is acknowledged, and another order is
refused until this release is completed.
"""

from __future__ import annotations

from collections.abc import Sequence

from station.domain.checks.release import ReleaseRecord, ReleaseStatus
from station.domain.events import EventKind
from station.domain.findings import FindingCode, Verdict
from station.domain.printable import printable
from station.domain.scanning.codes import DocumentCode, DocumentKind
from station.ports import ShipmentRecord
from station.workflows.dock import DockWords, one_shipment
from station.workflows.outcome import Outcome
from station.workflows.release_checks import ReleaseChecks, ReleaseView
from station.workflows.session import Session, refuse


def release_document(
    checks: ReleaseChecks,
    session: Session,
    station_id: str,
    release: ReleaseRecord | None,
    code: DocumentCode,
    *,
    words: DockWords,
) -> Outcome:
    """What document `code` means with `release` open (or none)."""
    if release is None:
        order = one_shipment(words, code, checks.view.find_orders(code.kind, code.number))
        if isinstance(order, Outcome):
            return order
        return _open_release(checks.view, session, station_id, order)
    if code.kind is DocumentKind.BILL_OF_LADING:
        return _bill_of_lading(checks, session, release, code.number)
    orders = checks.view.find_orders(code.kind, code.number)
    if any(o.shipment_id == release.shipment_id for o in orders):
        return Outcome(
            Verdict.INFO,
            f"Order {release.shipment_id} is already being released ({release.release_id})",
            shipment=release.shipment_id,
        )
    return refuse(
        FindingCode.NOT_APPLICABLE,
        f"Release {release.release_id} of order {release.shipment_id} is open: "
        "complete it (#CLOSE) before starting another order",
    )


def _open_release(
    view: ReleaseView, session: Session, station_id: str, order: ShipmentRecord
) -> Outcome:
    for earlier in view.releases_of(order.shipment_id):
        if earlier.status is ReleaseStatus.COMPLETED:
            return refuse(
                FindingCode.NOT_APPLICABLE,
                f"Order {order.shipment_id} was already shipped "
                f"(release {earlier.release_id}, {earlier.completed_at})",
            )
        if earlier.status is ReleaseStatus.ABANDONED:
            continue
        return refuse(
            FindingCode.NOT_APPLICABLE,
            f"Order {order.shipment_id} is being released in {earlier.release_id} "
            f"at station {earlier.station_id}",
        )
    number = view.release_count(station_id) + 1
    release_id = f"RL-{station_id}-{number:05d}"
    manifest = order.manifest
    buyer = manifest.buyer.name if manifest.buyer else "no buyer named"
    po = ", ".join(manifest.purchase_orders) or "no PO"
    return session.outcome(
        Verdict.INFO,
        f"Releasing {order.shipment_id} to {buyer} ({po}): {len(manifest.units)} units ordered",
        EventKind.RELEASE_OPENED,
        {"release_id": release_id, "shipment_id": order.shipment_id},
        shipment=order.shipment_id,
    )


def _bill_of_lading(
    checks: ReleaseChecks, session: Session, release: ReleaseRecord, number: str
) -> Outcome:
    on_order = checks.order(release).bill_of_lading
    if on_order is not None and number != on_order:
        return refuse(
            FindingCode.NOT_APPLICABLE,
            f"Bill of lading {printable(number)!r} is not the one on order "
            f"{release.shipment_id} ({on_order})",
        )
    others = [
        s.shipment_id
        for s in checks.view.find_shipments(DocumentKind.BILL_OF_LADING, number)
        if s.shipment_id != release.shipment_id
    ]
    if others:
        return refuse(
            FindingCode.NOT_APPLICABLE,
            f"Bill of lading {printable(number)!r} belongs to shipment {others[0]}",
        )
    if release.bill_of_lading == number:
        return Outcome(
            Verdict.INFO,
            f"Bill of lading {printable(number)} is already captured",
            shipment=release.shipment_id,
        )
    replaced = f" (replaces {release.bill_of_lading})" if release.bill_of_lading else ""
    return session.outcome(
        Verdict.ACCEPT,
        f"Bill of lading {printable(number)} captured for {release.shipment_id}{replaced}",
        EventKind.RELEASE_BOL_CAPTURED,
        {
            "release_id": release.release_id,
            "shipment_id": release.shipment_id,
            "bill_of_lading": number,
            "replaces": release.bill_of_lading,
        },
        shipment=release.shipment_id,
    )


__all__: Sequence[str] = ("release_document",)
