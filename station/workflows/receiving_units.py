"""Units at receiving: each scanned unit checked against its shipment's manifest.

A unit the open receipt expects is checked (label against the manifest, required
moving data, origin against the risk rules, its shipment's seal hold) and received
as accepted or quarantined; a unit no manifest names, or one of another shipment,
is received on hold; a unit scanned again is only reported. ``#DAMAGED`` after a
unit puts it on hold for its packaging.
"""

from __future__ import annotations

from collections.abc import Sequence

from station.domain.checks.claims import LineClaim, check_claims
from station.domain.checks.receiving import (
    MovingDataField,
    check_label,
    check_moving_data,
    check_origin,
    duplicate_scan,
    packaging_damaged,
    unexpected_unit,
    wrong_shipment,
)
from station.domain.claims.settings import ClaimsSettings
from station.domain.events import EventKind
from station.domain.findings import Finding, FindingCode, Severity, Verdict, verdict_for
from station.domain.manifest.model import Manifest, Unit
from station.domain.risk import RiskPolicy
from station.domain.scanning.codes import Gs1Code
from station.ports import ReceiptRecord, ReceivingView, ShipmentRecord, UnitStatus
from station.workflows.outcome import Outcome
from station.workflows.session import Session, refuse
from station.workflows.unit_label import unit_named


class UnitReceiver:
    """Receives scanned units into the open receipt, read from `view` at each call."""

    def __init__(
        self,
        view: ReceivingView,
        session: Session,
        required_fields: Sequence[MovingDataField],
        risk: RiskPolicy,
        claims: ClaimsSettings | None = None,
    ) -> None:
        self.view = view
        self.session = session
        self.required_fields = tuple(required_fields)
        self.risk = risk
        self.claims = claims or ClaimsSettings()
        self._unit_index: dict[str, tuple[Manifest, dict[str, Unit]]] = {}

    def scanned(self, receipt: ReceiptRecord, code: Gs1Code) -> Outcome:
        """Check and receive the unit `code` names."""
        unit_id = unit_named(code)
        if unit_id is None:
            return refuse(
                FindingCode.NOT_APPLICABLE,
                "This label identifies a product, not a unit: scan the pallet's SSCC label "
                "(or a label with GTIN and lot or serial)",
            )
        record = self.view.unit(unit_id)
        active = receipt.shipment_ids
        if record is None:
            finding = unexpected_unit(unit_id, active)
            return self._receive(receipt, unit_id, active[0], expected=False, findings=[finding])
        if record.status in (UnitStatus.ACCEPTED, UnitStatus.QUARANTINED, UnitStatus.REJECTED):
            finding = duplicate_scan(unit_id, record.received_at)
            return Outcome.found(Verdict.INFO, finding, unit=unit_id, shipment=record.shipment_id)
        shipment = self.view.shipment(record.shipment_id)
        assert shipment is not None
        unit = self._unit_of(shipment, unit_id)
        if record.shipment_id not in active:
            finding = wrong_shipment(unit_id, record.shipment_id, active)
            return self._receive(
                receipt,
                unit_id,
                record.shipment_id,
                expected=record.expected,
                findings=[finding],
                unit=unit,
            )
        findings: list[Finding] = []
        line_claims: list[LineClaim] = []
        if unit is not None:
            findings.extend(check_label(code, unit))
            missing = check_moving_data(unit, self.required_fields)
            if missing is not None:
                findings.append(missing)
            findings.extend(check_origin(unit, self.risk))
            line_claims = self._claims(shipment, unit, findings)
        if shipment.held:
            findings.append(
                Finding(
                    FindingCode.SEAL_MISMATCH,
                    Severity.NONCONFORMITY,
                    f"Shipment {shipment.shipment_id} is on hold (seal problem): "
                    "put this unit in the quarantine area",
                )
            )
        return self._receive(
            receipt,
            unit_id,
            record.shipment_id,
            expected=True,
            findings=findings,
            unit=unit,
            claims=line_claims,
        )

    def _claims(
        self, shipment: ShipmentRecord, unit: Unit, findings: list[Finding]
    ) -> list[LineClaim]:
        """Check the unit's declared origin if the site makes claims; what its lines count as."""
        settings = self.claims
        if not (settings.enabled or settings.eudr.gtins or settings.eudr.hs_codes):
            return []
        found, claims = check_claims(
            unit,
            shipment.manifest,
            settings=settings,
            register=settings.register,
            risk=self.risk,
            on=self.session.today(),
        )
        findings.extend(found)
        return claims

    def damaged(self, receipt: ReceiptRecord) -> Outcome:
        """``#DAMAGED``: the unit received last has damaged packaging; hold it."""
        action = self.view.last_action(receipt.receipt_id, [EventKind.UNIT_RECEIVED.value])
        if action is None:
            return refuse(FindingCode.NOT_APPLICABLE, "Scan the unit first, then #DAMAGED")
        record = self.view.unit(action.subject)
        assert record is not None
        finding = packaging_damaged(action.subject)
        event = self.session.event(
            EventKind.UNIT_MARKED_DAMAGED,
            {
                "receipt_id": receipt.receipt_id,
                "unit_id": action.subject,
                "shipment_id": record.shipment_id,
                "findings": [finding.as_dict()],
            },
        )
        return Outcome.found(
            Verdict.QUARANTINE,
            finding,
            events=(event,),
            unit=action.subject,
            shipment=record.shipment_id,
        )

    def _receive(
        self,
        receipt: ReceiptRecord,
        unit_id: str,
        shipment_id: str,
        *,
        expected: bool,
        findings: list[Finding],
        unit: Unit | None = None,
        claims: Sequence[LineClaim] = (),
    ) -> Outcome:
        verdict = verdict_for(findings)
        status = UnitStatus.QUARANTINED if verdict is Verdict.QUARANTINE else UnitStatus.ACCEPTED
        event = self.session.event(
            EventKind.UNIT_RECEIVED,
            {
                "receipt_id": receipt.receipt_id,
                "unit_id": unit_id,
                "shipment_id": shipment_id,
                "expected": expected,
                "status": status.value,
                "findings": [f.as_dict() for f in findings],
                # What the manifest says this unit holds: the received lot's moving data.
                "contents": [line.as_dict() for line in unit.contents] if unit else [],
                # What each line counts as for the site's claims (category, verified).
                **({"claims": [c.as_dict() for c in claims]} if claims else {}),
            },
        )
        progress = self._progress(shipment_id)
        if status is UnitStatus.ACCEPTED:
            headline = f"Accepted {unit_id} ({shipment_id} {progress})"
        else:
            headline = f"Hold {unit_id} ({shipment_id}): {findings[0].message}"
        return Outcome(
            verdict,
            headline,
            findings=tuple(findings),
            events=(event,),
            unit=unit_id,
            shipment=shipment_id,
        )

    def _progress(self, shipment_id: str) -> str:
        # Counted in SQL: loading every unit of a 10,000-pallet shipment per scan is too slow.
        expected, done = self.view.unit_counts(shipment_id)
        # The unit being received now is not in the projection yet.
        return f"{min(done + 1, expected)}/{expected}"

    def _unit_of(self, shipment: ShipmentRecord, unit_id: str) -> Unit | None:
        """The manifest's unit `unit_id`, from an index built once per manifest."""
        manifest = shipment.manifest
        cached = self._unit_index.get(shipment.shipment_id)
        if cached is None or cached[0] is not manifest:
            index: dict[str, Unit] = {}
            for unit in manifest.units:
                if unit.unit_id is not None:
                    index.setdefault(unit.unit_id, unit)
            cached = (manifest, index)
            self._unit_index[shipment.shipment_id] = cached
        return cached[1].get(unit_id)


__all__: Sequence[str] = ("UnitReceiver",)
