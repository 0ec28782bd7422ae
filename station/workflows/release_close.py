"""Completing a release: check everything again, then ship it or refuse it.

``#CLOSE`` checks every unit again against the state at that moment (recording a
new RELEASE_UNIT_CHECKED where the result changed), and against the event log's own
record of holds (a targeted replay: edited tables cannot ship a held unit), plus
the order as a whole
(every ordered unit, quantities per product, seals, bill of lading). It completes
the release only when nothing blocks it: the RELEASE_COMPLETED event is the shipping
record, marks the units shipped and carries the outbound manifest, which
`station.workflows.outbound_file` writes once the event is committed. Otherwise it
records RELEASE_REFUSED naming every blocking unit and reason, and the release stays
open to be fixed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from station.domain.checks.release import ReleaseRecord, ReleaseUnit, cannot_describe
from station.domain.checks.release_order import (
    Blocking,
    check_bill_of_lading,
    check_order,
    check_seals,
)
from station.domain.claims.settings import ClaimsSettings
from station.domain.events import Event, EventKind
from station.domain.findings import Finding, FindingCode, Verdict
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.manifest.model import Manifest, Unit
from station.domain.manifest.outbound import outbound_manifest
from station.domain.printable import printable
from station.domain.scanning.classify import ClassifierRules, classify
from station.domain.scanning.codes import Gs1Code
from station.workflows.outbound_file import outbound_path
from station.workflows.outcome import Outcome
from station.workflows.release_checks import ReleaseChecks, unit_checked
from station.workflows.release_claims import claim_shipment
from station.workflows.release_hand_entry import HandEntry, hand_entry_finding
from station.workflows.session import Session
from station.workflows.shipped_units import describe_unit
from station.workflows.unit_label import unit_ordered


def close_release(
    checks: ReleaseChecks,
    session: Session,
    release: ReleaseRecord,
    *,
    rules: ClassifierRules,
    station_id: str,
    outbound_dir: Path,
    claims: ClaimsSettings | None = None,
    hand_entry: HandEntry = HandEntry.REFUSE,
) -> Outcome:
    """Complete `release` if nothing blocks it, else refuse it naming every reason."""
    order = checks.order(release)
    units = checks.view.units(release.release_id)
    blocking: list[Blocking] = []
    described: list[Unit] = []
    described_ids: list[str] = []
    rechecked: list[Event] = []
    packaging = {unit_ordered(u, checks.view): u.packaging for u in order.units}
    held = checks.held_by_log([u.unit_id for u in units])
    for unit in units:
        code = classify(unit.label, rules)
        findings = checks.check(release, unit.unit_id, code if isinstance(code, Gs1Code) else None)
        if not isinstance(code, Gs1Code):
            # No label was read: only an authorised hand entry may ship (`release_hand_entry`).
            typed = hand_entry_finding(unit.unit_id, hand_entry, unit.authorised_by)
            findings.extend([typed] if typed is not None else [])
        if unit.unit_id in held and not any(f.code in _HELD for f in findings):
            findings.append(held[unit.unit_id])
        if findings:
            blocking.append(Blocking(unit.unit_id, tuple(findings)))
        if [f.as_dict() for f in findings] != [f.as_dict() for f in unit.findings]:
            # State changed since the scan (a hold placed or lifted): record the new result.
            rechecked.append(
                unit_checked(session, release, unit.unit_id, unit.label, findings, recheck=True)
            )
        shipped = describe_unit(checks.view, unit.unit_id, checks.site, packaging.get(unit.unit_id))
        if isinstance(shipped, Unit):
            described.append(shipped)
            described_ids.append(unit.unit_id)
    seals = checks.view.seals(release.release_id)
    problems = [
        *check_order(
            release.shipment_id,
            ordered_units=[unit_ordered(u, checks.view) for u in order.units],
            released_units=[u.unit_id for u in units],
            ordered_lines=[line for u in order.units for line in u.contents],
            released_lines=[line for u in described for line in u.contents],
        ),
        *check_seals(release.shipment_id, order.seals, seals),
        *check_bill_of_lading(release.shipment_id, release.bill_of_lading),
    ]
    manifest: Manifest | None = None
    claims_out: list[dict[str, str]] = []
    if not blocking and not problems:
        assert release.bill_of_lading is not None
        manifest = outbound_manifest(
            order,
            units=described,
            seals=seals,
            bill_of_lading=release.bill_of_lading,
            site=checks.site,
            notes=(
                f"Released by {checks.site.name}, station {station_id}, "
                f"release {release.release_id}"
            ),
        )
        if claims is not None:
            # Each line's claim, only as far as its inputs (or the credit account) back it.
            claimed = claim_shipment(
                manifest, described_ids, checks.view, claims, checks.view.claim_aggregates
            )
            manifest, claims_out = claimed.manifest, claimed.out
            problems.extend(claimed.problems)
        # What this station ships, another must be able to receive as it is.
        again = parse_manifest_json(json.dumps(manifest.as_dict()), "outbound manifest")
        if again.problems:
            reason = "; ".join(str(p) for p in again.problems[:3])
            problems.append(
                cannot_describe(release.shipment_id, f"outbound manifest invalid: {reason}")
            )
    if blocking or problems or manifest is None:
        return _refused(session, release, blocking, problems, rechecked)
    return _completed(
        session,
        release,
        units,
        seals,
        manifest=manifest,
        rechecked=rechecked,
        outbound_dir=outbound_dir,
        claims_out=claims_out,
    )


_HELD = (FindingCode.NOT_RELEASABLE, FindingCode.QUARANTINED_INPUT)
"""Findings that already say a unit (or an input) is held: the log's word adds nothing."""


def _refused(
    session: Session,
    release: ReleaseRecord,
    blocking: list[Blocking],
    problems: list[Finding],
    rechecked: list[Event],
) -> Outcome:
    findings = [f for b in blocking for f in b.findings] + problems
    event = session.event(
        EventKind.RELEASE_REFUSED,
        {
            "release_id": release.release_id,
            "shipment_id": release.shipment_id,
            "findings": [f.as_dict() for f in findings],
            "blocking": [b.as_dict() for b in blocking],
        },
    )
    details = [
        f"{printable(b.unit_id)}: {f.code.value}: {f.message}" for b in blocking for f in b.findings
    ]
    details.extend(f"{f.code.value}: {f.message}" for f in problems)
    parts = []
    if blocking:
        parts.append(f"{len(blocking)} blocking unit(s)")
    if problems:
        parts.append(f"{len(problems)} problem(s) with the order")
    return Outcome(
        Verdict.REJECT,
        f"Release of {release.shipment_id} REFUSED: {', '.join(parts)}; nothing ships",
        findings=tuple(findings),
        events=(*rechecked, event),
        shipment=release.shipment_id,
        details=tuple(details),
    )


def _completed(
    session: Session,
    release: ReleaseRecord,
    units: Sequence[ReleaseUnit],
    seals: Sequence[str],
    *,
    manifest: Manifest,
    rechecked: list[Event],
    outbound_dir: Path,
    claims_out: list[dict[str, str]],
) -> Outcome:
    path = outbound_path(outbound_dir, release.shipment_id)
    shipped: list[dict[str, Any]] = [
        {
            "unit_id": u.unit_id,
            "gtin": u.gtin,
            "product": u.product,
            "quantity": str(u.quantity) if u.quantity is not None else None,
            "uom": u.uom,
        }
        for u in units
    ]
    event = session.event(
        EventKind.RELEASE_COMPLETED,
        {
            "release_id": release.release_id,
            "shipment_id": release.shipment_id,
            "buyer": manifest.buyer.as_dict() if manifest.buyer else None,
            "seller": manifest.seller.as_dict() if manifest.seller else None,
            "purchase_orders": list(manifest.purchase_orders),
            "bill_of_lading": release.bill_of_lading,
            "seals": list(seals),
            "units": shipped,
            "manifest": manifest.as_dict(),
            "file": path.name,
            # What each product group's line takes out, in input units (claims ledger).
            **({"claims": claims_out} if claims_out else {}),
        },
    )
    buyer = manifest.buyer.name if manifest.buyer else "the buyer"
    return Outcome(
        Verdict.ACCEPT,
        f"RELEASED {release.shipment_id} to {buyer}: {len(units)} unit(s), "
        f"seals {', '.join(seals)}, BOL {release.bill_of_lading}",
        events=(*rechecked, event),
        shipment=release.shipment_id,
        details=(
            f"Outbound manifest: {path}",
            *(f"{printable(u.unit_id)} shipped" for u in units),
        ),
    )


__all__: Sequence[str] = ("close_release",)
