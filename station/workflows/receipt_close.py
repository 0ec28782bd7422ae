"""Closing a receipt: count what arrived, hold what is missing, summarise.

At close, every expected unit never scanned is MISSING_UNITS and every documented
seal never scanned is SEAL_MISSING; either puts its shipment on hold.
"""

from __future__ import annotations

from typing import Any

from station.domain.checks.receiving import check_seals_at_close, check_units_at_close
from station.domain.events import Event, EventKind
from station.domain.findings import Finding, verdict_for
from station.ports import ReceiptRecord, ReceivingView, SealStatus, UnitStatus
from station.workflows.outcome import Outcome
from station.workflows.session import Session


def hold_shipment(session: Session, shipment_id: str, finding: Finding) -> Event:
    """The event that puts a whole shipment on hold for `finding`."""
    return session.event(
        EventKind.SHIPMENT_HELD,
        {"shipment_id": shipment_id, "findings": [finding.as_dict()]},
    )


def close_receipt(view: ReceivingView, receipt: ReceiptRecord, session: Session) -> Outcome:
    """Close `receipt`: missing units and unscanned seals put their shipment on hold."""
    findings: list[Finding] = []
    events: list[Event] = []
    summary: dict[str, Any] = {}
    details: list[str] = []
    for shipment_id in receipt.shipment_ids:
        units = view.units(shipment_id)
        seals = view.seals(shipment_id)
        missing_units = [u.unit_id for u in units if u.expected and u.status is UnitStatus.EXPECTED]
        counts = {
            status.value: sum(1 for u in units if u.status is status)
            for status in (UnitStatus.ACCEPTED, UnitStatus.QUARANTINED)
        }
        expected_count = sum(1 for u in units if u.expected)
        shipment_findings = [
            f
            for f in (
                check_seals_at_close(
                    shipment_id,
                    [s.seal for s in seals if s.expected],
                    [s.seal for s in seals if s.status is not SealStatus.PENDING],
                ),
                check_units_at_close(shipment_id, missing_units),
            )
            if f is not None
        ]
        findings.extend(shipment_findings)
        events.extend(hold_shipment(session, shipment_id, f) for f in shipment_findings)
        summary[shipment_id] = {
            "expected": expected_count,
            "accepted": counts["accepted"],
            "quarantined": counts["quarantined"],
            "missing": len(missing_units),
            "findings": [f.code.value for f in shipment_findings],
        }
        details.append(
            f"{shipment_id}: {counts['accepted']} accepted, {counts['quarantined']} on hold, "
            f"{len(missing_units)} missing of {expected_count} expected"
        )
    events.append(
        session.event(
            EventKind.RECEIPT_CLOSED,
            {
                "receipt_id": receipt.receipt_id,
                "shipment_ids": list(receipt.shipment_ids),
                "summary": summary,
                "findings": [f.as_dict() for f in findings],
            },
        )
    )
    verdict = verdict_for(findings)
    totals = {
        key: sum(s[key] for s in summary.values())
        for key in ("expected", "accepted", "quarantined", "missing")
    }
    headline = (
        f"Receipt closed: {', '.join(receipt.shipment_ids)}: {totals['accepted']} accepted, "
        f"{totals['quarantined']} on hold, {totals['missing']} missing "
        f"of {totals['expected']} expected"
    )
    return Outcome(
        verdict,
        headline,
        findings=tuple(findings),
        events=tuple(events),
        shipment=receipt.shipment_ids[0],
        details=tuple(details),
    )
