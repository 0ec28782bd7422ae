"""The quarantine board: supervisors note, release or reject what is on hold.

Every decision needs the deciding supervisor's own badge and PIN at that moment, even
if a clerk is logged in at the dock; too many wrong PINs lock the badge out for a
while (`station.domain.lockout`), and every PIN refusal is an event. Releasing
from quarantine needs a reason stating how provenance was determined, and must be
made by someone who raised none of its findings, nor any finding of a unit hold the
release lifts with it (four eyes); rejecting is the conservative decision and anyone
qualified may reject, even a hold they raised. Each decision is one event naming the
supervisor and who raised each finding, committed before it is reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from station.domain.events import Event, EventKind
from station.domain.findings import FindingCode, Verdict
from station.domain.lockout import (
    REASON_LOCKED_OUT,
    REASON_MISSING_PIN,
    REASON_WRONG_PIN,
    LockoutPolicy,
    locked_until,
)
from station.domain.operators import Operator, Role, qualification, verify_pin
from station.domain.printable import printable
from station.ports import Clock, EventStore, HoldRecord, QuarantineView

MIN_REASON_LENGTH = 15
SEAL_CODES = frozenset(
    {FindingCode.SEAL_MISMATCH, FindingCode.SEAL_DAMAGED, FindingCode.SEAL_MISSING}
)


class Decision(StrEnum):
    """What a supervisor does with a hold."""

    NOTE = "note"
    RELEASE = "release"
    REJECT = "reject"


class Disposition(StrEnum):
    """What happens to rejected material."""

    RETURN_TO_VENDOR = "return_to_vendor"
    SCRAP = "scrap"


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a supervisor presents at the moment of a decision."""

    badge: str
    pin: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionResult:
    """The outcome of a decision: events to commit, or why it was refused."""

    verdict: Verdict
    message: str
    events: tuple[Event, ...] = ()


_KINDS = {
    Decision.NOTE: EventKind.HOLD_NOTE_ADDED,
    Decision.RELEASE: EventKind.HOLD_RELEASED,
    Decision.REJECT: EventKind.HOLD_REJECTED,
}


@dataclass
class QuarantineDesk:
    """Decisions on holds, checked against the roster and the hold's history."""

    station_id: str
    operators: tuple[Operator, ...]
    required_training: str
    view: QuarantineView
    clock: Clock
    store: EventStore
    pin_lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    _badges: dict[str, Operator] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._badges = {op.badge: op for op in self.operators}

    def decide(
        self,
        decision: Decision,
        entity_kind: str,
        entity_id: str,
        credentials: Credentials,
        text: str,
        *,
        evidence: str | None = None,
        disposition: Disposition | None = None,
    ) -> DecisionResult:
        """Check one decision and commit its event before reporting it.

        The hold is read and the event built inside the write transaction: two
        decisions on one hold (two stations, two windows) cannot both be recorded.
        """
        hold = self.view.hold(entity_kind, entity_id)
        if hold is None:
            return _refused(f"{entity_kind} {printable(entity_id)} is not on hold")
        # The slow PIN check (and its refusals and lock-out) outside the write transaction.
        supervisor, problem = self._supervisor(credentials, decision, hold)
        if supervisor is None:
            return _refused(problem)
        decided: list[DecisionResult] = []

        def build(_conn: object) -> tuple[Event, ...]:
            decided[:] = [
                self._decision(
                    decision,
                    entity_kind,
                    entity_id,
                    supervisor=supervisor,
                    text=text,
                    evidence=evidence,
                    disposition=disposition,
                )
            ]
            return decided[0].events

        self.store.append_built(build)
        return decided[0]

    def _decision(
        self,
        decision: Decision,
        entity_kind: str,
        entity_id: str,
        *,
        supervisor: Operator,
        text: str,
        evidence: str | None,
        disposition: Disposition | None,
    ) -> DecisionResult:
        hold = self.view.hold(entity_kind, entity_id)
        if hold is None:
            return _refused(f"{entity_kind} {printable(entity_id)} is not on hold")
        text = text.strip()
        if decision is Decision.NOTE and not (text or evidence):
            return _refused("A note needs text or an evidence reference")
        cascade = self._cascade(hold, decision) if entity_kind == "shipment" else []
        if decision is Decision.RELEASE:
            problem = _four_eyes(supervisor, hold, cascade)
            if problem:
                return _refused(problem)
            if len(text) < MIN_REASON_LENGTH:
                return _refused(
                    "A release needs a reason stating how provenance was determined "
                    f"(at least {MIN_REASON_LENGTH} characters)"
                )
        if decision is Decision.REJECT:
            if disposition is None:
                return _refused("A rejection needs a disposition: return to vendor or scrap")
            if not text:
                return _refused("A rejection needs a reason")
        payload: dict[str, Any] = {
            "entity_kind": entity_kind,
            "entity_id": entity_id,
            "shipment_id": hold.shipment_id,
            "text": text,
            "evidence": evidence,
            "placed_by": hold.placed_by,
            "raised_by": sorted(hold.raised_by),
            "findings": [
                {**f.as_dict(), "raised_by": who}
                for f, who in zip(hold.findings, hold.raisers, strict=False)
            ],
        }
        if disposition is not None:
            payload["disposition"] = disposition.value
        if entity_kind == "shipment" and decision is not Decision.NOTE:
            payload["cascade"] = [h.entity_id for h in cascade]
        event = Event.new(
            _KINDS[decision],
            station_id=self.station_id,
            operator_id=supervisor.id,
            recorded_at=self.clock.now(),
            payload=payload,
        )
        done = {
            Decision.NOTE: "Note added to",
            Decision.RELEASE: "Released from quarantine:",
            Decision.REJECT: f"Rejected ({disposition.value if disposition else ''}):",
        }[decision]
        return DecisionResult(
            Verdict.ACCEPT if decision is not Decision.NOTE else Verdict.INFO,
            f"{done} {entity_kind} {printable(entity_id)} by {supervisor.name}",
            (event,),
        )

    def _supervisor(
        self, credentials: Credentials, decision: Decision, hold: HoldRecord
    ) -> tuple[Operator | None, str]:
        operator = self._badges.get(credentials.badge.strip())
        if operator is None:
            return None, f"Badge {printable(credentials.badge)!r} is not on this station's roster"
        check = qualification(
            operator, Role.SUPERVISE, self.required_training, self.clock.now().date()
        )
        if not check.ok:
            return None, f"Decision refused: {check.reason}"
        if operator.pin_hash is None:
            # The config refuses such a supervisor; a roster built otherwise must not
            # let a badge alone decide.
            return None, f"Decision refused: {operator.name} has no PIN on the roster"
        until = self.locked_until(operator)
        if until is not None:
            self._pin_refused(operator, REASON_LOCKED_OUT, decision, hold, until)
            return None, (
                f"Decision refused: {operator.name}'s badge is locked after "
                f"{self.pin_lockout.attempts} wrong PINs until {_clock_time(until)}; "
                "another supervisor may decide"
            )
        if not credentials.pin:
            self._pin_refused(operator, REASON_MISSING_PIN, decision, hold, None)
            return None, f"Decision refused: enter the PIN for {operator.name}"
        if not verify_pin(credentials.pin, operator.pin_hash):
            until = self._pin_refused(operator, REASON_WRONG_PIN, decision, hold, None)
            if until is not None:
                return None, (
                    f"Decision refused: wrong PIN for {operator.name}; "
                    f"{self.pin_lockout.attempts} wrong PINs lock the badge until "
                    f"{_clock_time(until)}"
                )
            return None, f"Decision refused: wrong PIN for {operator.name}"
        return operator, ""

    def locked_until(self, operator: Operator) -> dt.datetime | None:
        """When `operator`'s badge may decide again, if it is locked out now."""
        now = self.clock.now()
        failures = self.view.wrong_pins(operator.badge, now - self.pin_lockout.history)
        return locked_until(failures, now, self.pin_lockout)

    def lockouts(self) -> list[tuple[Operator, dt.datetime]]:
        """Supervisors whose badge is locked out now, with when the lock ends."""
        locked = []
        for operator in self.operators:
            if Role.SUPERVISE in operator.roles and operator.pin_hash is not None:
                until = self.locked_until(operator)
                if until is not None:
                    locked.append((operator, until))
        return locked

    def _pin_refused(
        self,
        operator: Operator,
        reason: str,
        decision: Decision,
        hold: HoldRecord,
        until: dt.datetime | None,
    ) -> dt.datetime | None:
        """Record a PIN refusal (never the PIN); return the lock-out it starts, if any."""
        payload: dict[str, Any] = {
            "badge": operator.badge,
            "operator": operator.id,
            "reason": reason,
            "decision": decision.value,
            "entity_kind": hold.entity_kind,
            "entity_id": hold.entity_id,
        }
        if until is not None:
            payload["locked_until"] = until.isoformat()
        event = Event.new(
            EventKind.PIN_REFUSED,
            station_id=self.station_id,
            operator_id=None,
            recorded_at=self.clock.now(),
            payload=payload,
        )
        self.store.append((event,))
        return self.locked_until(operator) if reason == REASON_WRONG_PIN else None

    def _cascade(self, hold: HoldRecord, decision: Decision) -> list[HoldRecord]:
        """Unit holds decided together with their shipment's hold."""
        if decision is Decision.NOTE:
            return []
        held_units = [
            h
            for h in self.view.holds()
            if h.entity_kind == "unit" and h.shipment_id == hold.entity_id
        ]
        if decision is Decision.REJECT:
            return held_units
        # A released seal hold also lifts unit holds that had no reason of their own.
        return [
            h for h in held_units if h.findings and all(f.code in SEAL_CODES for f in h.findings)
        ]


def _four_eyes(supervisor: Operator, hold: HoldRecord, cascade: list[HoldRecord]) -> str:
    """Why `supervisor` may not release `hold` (and the unit holds it lifts), or ``""``.

    Nobody lifts a finding they raised themselves: not on the hold itself, not on a
    unit hold its release would lift. The whole release is refused rather than
    leaving some unit holds behind, so one decision lifts exactly what it names.
    """
    name = supervisor.name
    if hold.placed_by == supervisor.id:
        return (
            f"Four eyes: {name} placed this hold and cannot release it; "
            "another supervisor must decide"
        )
    own = [
        f.code.value
        for f, who in zip(hold.findings, hold.raisers, strict=False)
        if who == supervisor.id
    ]
    if own:
        return (
            f"Four eyes: {name} raised a finding on this hold ({', '.join(own)}) "
            "and cannot release it; another supervisor must decide"
        )
    units = [printable(h.entity_id) for h in cascade if supervisor.id in h.raised_by]
    if units:
        return (
            f"Four eyes: releasing this shipment would also release unit holds {name} "
            f"raised ({', '.join(units)}); another supervisor must release the shipment"
        )
    return ""


def _clock_time(when: dt.datetime) -> str:
    return when.strftime("%H:%M %Z").strip()


def _refused(message: str) -> DecisionResult:
    return DecisionResult(Verdict.REJECT, message)
