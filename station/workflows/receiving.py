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
from dataclasses import dataclass, field
from typing import Any

from station.domain.checks.receiving import MovingDataField
from station.domain.claims.settings import ClaimsSettings
from station.domain.events import EventKind
from station.domain.findings import FindingCode, Verdict
from station.domain.operators import Role
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
from station.workflows.dock import Dock, DockSettings, DockWords, one_shipment
from station.workflows.outcome import Outcome
from station.workflows.receipt_close import close_receipt
from station.workflows.receiving_seals import seal_reported_damaged, seal_scanned
from station.workflows.receiving_units import UnitReceiver
from station.workflows.session import refuse


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivingSettings(DockSettings):
    """What the receiving workflow needs from the station's configuration."""

    required_fields: tuple[MovingDataField, ...]
    risk: RiskPolicy
    claims: ClaimsSettings = field(default_factory=ClaimsSettings)
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
        shipment="inbound shipment",
        shipments="shipments",
        pick_one="scan the bill of lading or shipment id",
    )

    def __init__(self, settings: ReceivingSettings, view: ReceivingView, clock: Clock) -> None:
        super().__init__(settings, clock)
        self.settings = settings
        self.view = view
        self.clock = clock
        self.units = UnitReceiver(
            view, self.session, settings.required_fields, settings.risk, settings.claims
        )

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
                return self.units.damaged(work)
            case Command.SEAL_DAMAGED:
                return seal_reported_damaged(self.view, self.session, work)
            case Command.UNDO:
                return self._undo(work)
        raise AssertionError(command)  # pragma: no cover - Command is closed

    def _seal(self, work: ReceiptRecord, seal: str) -> Outcome:
        return seal_scanned(self.view, self.session, work, seal)

    def _unit(self, work: ReceiptRecord, code: Gs1Code | None, text: str) -> Outcome:
        assert code is not None, "receiving takes no typed unit ids"
        return self.units.scanned(work, code)

    # -- shipment documents -------------------------------------------------

    def _document(self, code: DocumentCode) -> Outcome:
        found = self.view.find_shipments(code.kind, code.number)
        inbound = [s for s in found if s.summary.direction.value == "inbound"]
        shipment = one_shipment(self.words, code, inbound)
        if isinstance(shipment, Outcome):
            return shipment
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
            return self.session.outcome(
                Verdict.INFO,
                f"Receiving {shipment.shipment_id}: {summary}",
                EventKind.RECEIPT_OPENED,
                {"receipt_id": receipt_id, "shipment_id": shipment.shipment_id},
                shipment=shipment.shipment_id,
            )
        return self.session.outcome(
            Verdict.INFO,
            f"Added {shipment.shipment_id} to this receipt (same trailer): {summary}",
            EventKind.RECEIPT_SHIPMENT_ADDED,
            {"receipt_id": receipt.receipt_id, "shipment_id": shipment.shipment_id},
            shipment=shipment.shipment_id,
        )

    # -- undo ---------------------------------------------------------------

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
        return self.session.outcome(
            Verdict.INFO, f"Undone: {what}", EventKind.ACTION_UNDONE, payload, unit=action.subject
        )


def _shipment_summary(shipment: ShipmentRecord) -> str:
    summary = shipment.summary
    seals = ", ".join(summary.seals) or "none"
    return f"{summary.units} units expected, seals {seals}"


__all__: Sequence[str] = ("ReceivingSettings", "ReceivingWorkflow")
