"""The receiving dock: a state machine from scans to verdicts and events.

One `handle` call per scan. It classifies the text, applies it to the open receipt
(login, pick shipment, seals, units, commands) and returns an `Outcome` whose events
the caller commits before showing the verdict. State lives in the projections
(reached through `ReceivingView`), so a receipt interrupted by a crash or a logout
resumes exactly where it stopped; only the logged-in operator is held in memory.
The order in which a scan is read (badge, login, commands, documents) is every
dock's (`station.workflows.dock`); this module says what each scan means here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station.domain.checks.receiving import (
    MovingDataField,
    check_label,
    check_moving_data,
    check_origin,
    check_seal,
    duplicate_scan,
    packaging_damaged,
    seal_damaged,
    unexpected_unit,
    wrong_shipment,
)
from station.domain.events import EventKind
from station.domain.findings import Finding, FindingCode, Severity, Verdict, verdict_for
from station.domain.manifest.model import Manifest, Unit
from station.domain.operators import Role
from station.domain.printable import printable
from station.domain.risk import RiskPolicy
from station.domain.scanning.codes import Command, DocumentCode, Gs1Code
from station.ports import (
    Clock,
    ReceiptRecord,
    ReceivingView,
    SealStatus,
    ShipmentRecord,
    ShipmentStatus,
    UnitStatus,
)
from station.workflows.dock import Dock, DockSettings, DockWords
from station.workflows.outcome import Outcome
from station.workflows.receipt_close import close_receipt, hold_shipment
from station.workflows.session import refuse
from station.workflows.unit_label import unit_named


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivingSettings(DockSettings):
    """What the receiving workflow needs from the station's configuration."""

    required_fields: tuple[MovingDataField, ...]
    risk: RiskPolicy
    role: Role = Role.RECEIVE


class ReceivingWorkflow(Dock[ReceiptRecord]):
    """Receiving at one station: login, shipment, seals, units, close."""

    words = DockWords(
        work="receipt",
        start="scan a shipment document first",
        nothing_open=(
            "No shipment is being received: scan the bill of lading, PO or shipment id first"
        ),
        work_key="receipt_id",
    )

    def __init__(self, settings: ReceivingSettings, view: ReceivingView, clock: Clock) -> None:
        super().__init__(settings, clock)
        self.settings = settings
        self.view = view
        self.clock = clock
        self._unit_index: dict[str, tuple[Manifest, dict[str, Unit]]] = {}

    def receipt(self) -> ReceiptRecord | None:
        """The receipt open at this station, if any."""
        return self.view.open_receipt(self.settings.station_id)

    # -- what receiving decides ------------------------------------------------

    def _open_work(self) -> ReceiptRecord | None:
        return self.receipt()

    def _work_id(self, work: ReceiptRecord) -> str:
        return work.receipt_id

    def _resume_note(self, work: ReceiptRecord) -> str:
        return f"; resuming receipt of {', '.join(work.shipment_ids)}"

    def _command(self, work: ReceiptRecord, command: Command) -> Outcome:
        match command:
            case Command.CLOSE:
                return close_receipt(self.view, work, self.session)
            case Command.DAMAGED:
                return self._damaged(work)
            case Command.SEAL_DAMAGED:
                return self._seal_damaged(work)
            case Command.UNDO:
                return self._undo(work)
        raise AssertionError(command)  # pragma: no cover - Command is closed

    def _unit(self, work: ReceiptRecord, code: Gs1Code | None, text: str) -> Outcome:
        assert code is not None, "receiving takes no typed unit ids"
        return self._gs1(work, code)

    # -- shipment documents -------------------------------------------------

    def _document(self, code: DocumentCode) -> Outcome:
        found = self.view.find_shipments(code.kind, code.number)
        inbound = [s for s in found if s.manifest.direction.value == "inbound"]
        label = f"{code.kind.value.replace('_', ' ')} {printable(code.number)!r}"
        if not inbound:
            return refuse(FindingCode.UNKNOWN_SHIPMENT, f"No inbound shipment has {label}")
        if len(inbound) > 1:
            ids = ", ".join(s.shipment_id for s in inbound)
            return refuse(
                FindingCode.UNKNOWN_SHIPMENT,
                f"{label} matches several shipments ({ids}): "
                "scan the bill of lading or shipment id",
            )
        shipment = inbound[0]
        receipt = self.receipt()
        if shipment.status is ShipmentStatus.RECEIVED:
            return refuse(
                FindingCode.NOT_APPLICABLE, f"Shipment {shipment.shipment_id} was already received"
            )
        if receipt is not None and shipment.shipment_id in receipt.shipment_ids:
            return Outcome(
                Verdict.INFO,
                f"Shipment {shipment.shipment_id} is already in this receipt",
                shipment=shipment.shipment_id,
            )
        if shipment.receipt_id is not None and (
            receipt is None or shipment.receipt_id != receipt.receipt_id
        ):
            return refuse(
                FindingCode.NOT_APPLICABLE,
                f"Shipment {shipment.shipment_id} is being received in receipt "
                f"{shipment.receipt_id} "
                "at another station",
            )
        summary = _shipment_summary(shipment)
        if receipt is None:
            number = self.view.receipt_count(self.settings.station_id) + 1
            receipt_id = f"R-{self.settings.station_id}-{number:05d}"
            event = self.session.event(
                EventKind.RECEIPT_OPENED,
                {"receipt_id": receipt_id, "shipment_id": shipment.shipment_id},
            )
            return Outcome(
                Verdict.INFO,
                f"Receiving {shipment.shipment_id}: {summary}",
                events=(event,),
                shipment=shipment.shipment_id,
            )
        event = self.session.event(
            EventKind.RECEIPT_SHIPMENT_ADDED,
            {"receipt_id": receipt.receipt_id, "shipment_id": shipment.shipment_id},
        )
        return Outcome(
            Verdict.INFO,
            f"Added {shipment.shipment_id} to this receipt (same trailer): {summary}",
            events=(event,),
            shipment=shipment.shipment_id,
        )

    # -- seals --------------------------------------------------------------

    def _seal(self, receipt: ReceiptRecord, seal: str) -> Outcome:
        owners = []
        unverified = []
        for shipment_id in receipt.shipment_ids:
            seals = self.view.seals(shipment_id)
            if any(s.seal == seal and s.expected for s in seals):
                owners.append(shipment_id)
            if any(s.expected and s.status is not SealStatus.VERIFIED for s in seals):
                unverified.append(shipment_id)
        if owners:
            already = all(
                any(
                    s.seal == seal and s.status is SealStatus.VERIFIED for s in self.view.seals(sid)
                )
                for sid in owners
            )
            if already:
                return Outcome(
                    Verdict.INFO, f"Seal {seal} was already verified", shipment=owners[0]
                )
            event = self.session.event(
                EventKind.SEAL_CHECKED,
                {
                    "receipt_id": receipt.receipt_id,
                    "shipment_ids": owners,
                    "seal": seal,
                    "status": SealStatus.VERIFIED.value,
                },
            )
            return Outcome(
                Verdict.ACCEPT,
                f"Seal {seal} matches the documents",
                events=(event,),
                shipment=owners[0],
            )
        expected = [
            s.seal for sid in receipt.shipment_ids for s in self.view.seals(sid) if s.expected
        ]
        finding = check_seal(seal, expected)
        assert finding is not None
        held = unverified or list(receipt.shipment_ids)
        events = [
            self.session.event(
                EventKind.SEAL_CHECKED,
                {
                    "receipt_id": receipt.receipt_id,
                    "shipment_ids": held,
                    "seal": seal,
                    "status": SealStatus.MISMATCH.value,
                },
            )
        ]
        events.extend(hold_shipment(self.session, sid, finding) for sid in held)
        return Outcome(
            Verdict.QUARANTINE,
            finding.message,
            findings=(finding,),
            events=tuple(events),
            shipment=held[0],
        )

    def _seal_damaged(self, receipt: ReceiptRecord) -> Outcome:
        action = self.view.last_action(receipt.receipt_id, [EventKind.SEAL_CHECKED.value])
        if action is None:
            return refuse(FindingCode.NOT_APPLICABLE, "Scan the seal first, then #SEAL-DAMAGED")
        seal = action.subject
        shipment_ids = [
            sid for sid in receipt.shipment_ids if any(s.seal == seal for s in self.view.seals(sid))
        ]
        finding = seal_damaged(seal)
        events = [
            self.session.event(
                EventKind.SEAL_CHECKED,
                {
                    "receipt_id": receipt.receipt_id,
                    "shipment_ids": shipment_ids,
                    "seal": seal,
                    "status": SealStatus.DAMAGED.value,
                },
            )
        ]
        events.extend(hold_shipment(self.session, sid, finding) for sid in shipment_ids)
        return Outcome(
            Verdict.QUARANTINE,
            finding.message,
            findings=(finding,),
            events=tuple(events),
            shipment=shipment_ids[0] if shipment_ids else None,
        )

    # -- units --------------------------------------------------------------

    def _gs1(self, receipt: ReceiptRecord, code: Gs1Code) -> Outcome:
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
            return Outcome(
                Verdict.INFO,
                finding.message,
                findings=(finding,),
                unit=unit_id,
                shipment=record.shipment_id,
            )
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
        if unit is not None:
            findings.extend(check_label(code, unit))
            missing = check_moving_data(unit, self.settings.required_fields)
            if missing is not None:
                findings.append(missing)
            findings.extend(check_origin(unit, self.settings.risk))
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
            receipt, unit_id, record.shipment_id, expected=True, findings=findings, unit=unit
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

    def _damaged(self, receipt: ReceiptRecord) -> Outcome:
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
        return Outcome(
            Verdict.QUARANTINE,
            finding.message,
            findings=(finding,),
            events=(event,),
            unit=action.subject,
            shipment=record.shipment_id,
        )

    def _undo(self, receipt: ReceiptRecord) -> Outcome:
        action = self.view.last_action(
            receipt.receipt_id, [EventKind.UNIT_RECEIVED.value, EventKind.SEAL_CHECKED.value]
        )
        if action is None:
            return refuse(FindingCode.NOTHING_TO_UNDO, "Nothing to undo in this receipt")
        payload: dict[str, Any] = {
            "receipt_id": receipt.receipt_id,
            "undone_event_id": action.event_id,
            "undone_kind": action.kind,
            "subject": action.subject,
        }
        if action.kind == EventKind.UNIT_RECEIVED.value:
            record = self.view.unit(action.subject)
            assert record is not None
            if record.status is not UnitStatus.ACCEPTED:
                return refuse(
                    FindingCode.NOTHING_TO_UNDO,
                    f"{action.subject} is on hold; only a supervisor can lift a hold",
                )
            payload["expected"] = record.expected
            what = f"receipt of {action.subject}"
        else:
            shipment_ids = [
                sid
                for sid in receipt.shipment_ids
                if any(
                    s.seal == action.subject and s.status is SealStatus.VERIFIED
                    for s in self.view.seals(sid)
                )
            ]
            if not shipment_ids:
                return refuse(
                    FindingCode.NOTHING_TO_UNDO,
                    f"Seal {action.subject} put the shipment on hold; "
                    "only a supervisor can lift it",
                )
            payload["shipment_ids"] = shipment_ids
            what = f"check of seal {action.subject}"
        event = self.session.event(EventKind.ACTION_UNDONE, payload)
        return Outcome(Verdict.INFO, f"Undone: {what}", events=(event,), unit=action.subject)

    # -- helpers ------------------------------------------------------------

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


def _shipment_summary(shipment: ShipmentRecord) -> str:
    manifest = shipment.manifest
    seals = ", ".join(manifest.seals) or "none"
    return f"{len(manifest.units)} units expected, seals {seals}"


__all__: Sequence[str] = ("ReceivingSettings", "ReceivingWorkflow")
