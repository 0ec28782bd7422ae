"""Seals at receiving: each scanned seal checked against the documents of the receipt.

A seal the documents name is verified, for every shipment of the receipt that names
it. A seal they do not name puts the receipt's shipments still waiting for a verified
seal on hold (SEAL_MISMATCH), and ``#SEAL-DAMAGED`` after a seal puts the shipments
that seal belongs to on hold: what travelled under a seal that cannot be trusted
stays in quarantine until a supervisor has determined its provenance.
"""

from __future__ import annotations

from collections.abc import Sequence

from station.domain.checks.receiving import check_seal, seal_damaged
from station.domain.events import EventKind
from station.domain.findings import Finding, FindingCode, Verdict
from station.ports import ReceiptRecord, ReceivingView, SealStatus
from station.workflows.outcome import Outcome
from station.workflows.receipt_close import hold_shipment
from station.workflows.session import Session, refuse


def seal_scanned(
    view: ReceivingView, session: Session, receipt: ReceiptRecord, seal: str
) -> Outcome:
    """Verify `seal` against the receipt's documents, or hold what it should have sealed."""
    owners = []
    unverified = []
    for shipment_id in receipt.shipment_ids:
        seals = view.seals(shipment_id)
        if any(s.seal == seal and s.expected for s in seals):
            owners.append(shipment_id)
        if any(s.expected and s.status is not SealStatus.VERIFIED for s in seals):
            unverified.append(shipment_id)
    if owners:
        already = all(
            any(s.seal == seal and s.status is SealStatus.VERIFIED for s in view.seals(sid))
            for sid in owners
        )
        if already:
            return Outcome(Verdict.INFO, f"Seal {seal} was already verified", shipment=owners[0])
        return session.outcome(
            Verdict.ACCEPT,
            f"Seal {seal} matches the documents",
            EventKind.SEAL_CHECKED,
            _checked(receipt, owners, seal, SealStatus.VERIFIED),
            shipment=owners[0],
        )
    expected = [s.seal for sid in receipt.shipment_ids for s in view.seals(sid) if s.expected]
    finding = check_seal(seal, expected)
    assert finding is not None
    held = unverified or list(receipt.shipment_ids)
    return _hold(session, receipt, held, seal, status=SealStatus.MISMATCH, finding=finding)


def seal_reported_damaged(view: ReceivingView, session: Session, receipt: ReceiptRecord) -> Outcome:
    """``#SEAL-DAMAGED``: the seal scanned last is damaged; hold what it sealed."""
    action = view.last_action(receipt.receipt_id, [EventKind.SEAL_CHECKED.value])
    if action is None:
        return refuse(FindingCode.NOT_APPLICABLE, "Scan the seal first, then #SEAL-DAMAGED")
    seal = action.subject
    shipment_ids = [
        sid for sid in receipt.shipment_ids if any(s.seal == seal for s in view.seals(sid))
    ]
    return _hold(
        session, receipt, shipment_ids, seal, status=SealStatus.DAMAGED, finding=seal_damaged(seal)
    )


def _hold(
    session: Session,
    receipt: ReceiptRecord,
    shipment_ids: Sequence[str],
    seal: str,
    *,
    status: SealStatus,
    finding: Finding,
) -> Outcome:
    """Record the seal's problem and put every shipment it concerns on hold."""
    checked = session.event(EventKind.SEAL_CHECKED, _checked(receipt, shipment_ids, seal, status))
    held = [hold_shipment(session, sid, finding) for sid in shipment_ids]
    return Outcome.found(
        Verdict.QUARANTINE,
        finding,
        events=(checked, *held),
        shipment=shipment_ids[0] if shipment_ids else None,
    )


def _checked(
    receipt: ReceiptRecord, shipment_ids: Sequence[str], seal: str, status: SealStatus
) -> dict[str, object]:
    return {
        "receipt_id": receipt.receipt_id,
        "shipment_ids": list(shipment_ids),
        "seal": seal,
        "status": status.value,
    }


__all__: Sequence[str] = ("seal_reported_damaged", "seal_scanned")
