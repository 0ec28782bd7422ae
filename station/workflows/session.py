"""Who is at the station: badge login, logout, and the events every workflow stamps.

Every dock (receiving today, release later) logs operators in the same way and
records every scan as evidence; this module holds that shared part so a workflow
only decides what a scan means for its own dock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from station.domain.events import Event, EventKind
from station.domain.findings import Finding, FindingCode, Severity, Verdict
from station.domain.operators import Operator, Role, qualification
from station.domain.printable import not_utf8, printable, storable
from station.domain.scanning.codes import BadgeCode, Code, InvalidCode, UnknownCode
from station.domain.scanning.scan import Scan
from station.ports import Clock
from station.workflows.outcome import Outcome


def refuse(code: FindingCode, message: str) -> Outcome:
    """A `reject` outcome with one refusal finding."""
    return Outcome.found(Verdict.REJECT, Finding(code, Severity.REFUSAL, message))


def unreadable(code: InvalidCode | UnknownCode) -> Outcome:
    """An `error` outcome for a code the station cannot use, with its findings."""
    findings = code.findings or (
        Finding(
            FindingCode.UNKNOWN_CODE,
            Severity.ERROR,
            f"{printable(code.text)!r} is not a code this station knows",
        ),
    )
    return Outcome(Verdict.ERROR, findings[0].message, findings=tuple(findings))


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionSettings:
    """The part of the configuration that governs who may work at a dock."""

    station_id: str
    operators: tuple[Operator, ...]
    role: Role
    """The role a dock's operators must hold (each dock's settings give its own)."""
    required_training: str = "supply-chain-security"


class Session:
    """The operator logged in at one dock, and the event factory that stamps them."""

    def __init__(self, settings: SessionSettings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.operator: Operator | None = None
        self._badges = {op.badge: op for op in settings.operators}

    def today(self) -> dt.date:
        """The date training expiry is judged by."""
        return self.clock.now().date()

    def event(
        self, kind: EventKind, payload: Mapping[str, Any], *, operator_id: str | None = None
    ) -> Event:
        """A new event from this station, by the logged-in operator unless told otherwise."""
        return Event.new(
            kind,
            station_id=self.settings.station_id,
            operator_id=operator_id or (self.operator.id if self.operator else None),
            recorded_at=self.clock.now(),
            payload=payload,
        )

    def outcome(
        self,
        verdict: Verdict,
        headline: str,
        kind: EventKind,
        payload: Mapping[str, Any],
        *,
        unit: str | None = None,
        shipment: str | None = None,
    ) -> Outcome:
        """An outcome that records one event by the logged-in operator."""
        event = self.event(kind, payload)
        return Outcome(verdict, headline, events=(event,), unit=unit, shipment=shipment)

    def badge(self, code: BadgeCode, resume_note: str = "") -> Outcome:
        """Log in (or switch to) the operator with this badge, if qualified for the dock."""
        operator = self._badges.get(code.badge)
        if operator is None:
            return refuse(
                FindingCode.UNKNOWN_OPERATOR,
                f"Badge {printable(code.badge)!r} is not on this station's roster",
            )
        if self.operator is not None and self.operator.id == operator.id:
            return Outcome(Verdict.INFO, f"{operator.name} is already logged in")
        settings = self.settings
        check = qualification(operator, settings.role, settings.required_training, self.today())
        if not check.ok:
            message = f"Login refused: {check.reason}"
            refused = self.event(
                EventKind.OPERATOR_REFUSED,
                {"operator_id": operator.id, "reason": check.reason},
                operator_id=operator.id,
            )
            finding = Finding(FindingCode.NOT_QUALIFIED, Severity.REFUSAL, message)
            return Outcome.found(Verdict.REJECT, finding, events=(refused,))
        events = []
        if self.operator is not None:
            events.append(self.event(EventKind.OPERATOR_LOGGED_OUT, {"reason": "badge change"}))
        events.append(
            self.event(
                EventKind.OPERATOR_LOGGED_IN,
                {"operator_id": operator.id, "name": operator.name, "role": settings.role.value},
                operator_id=operator.id,
            )
        )
        return Outcome(
            Verdict.INFO,
            f"Logged in: {operator.name}{resume_note}",
            events=tuple(events),
            login=operator,
        )

    def logout(self, note: str) -> Outcome:
        """Log the current operator out."""
        name = self.operator.name if self.operator else "nobody"
        return Outcome(
            Verdict.INFO,
            f"Logged out: {name}{note}",
            events=(self.event(EventKind.OPERATOR_LOGGED_OUT, {"reason": "command"}),),
            logout=True,
        )

    def settle(self, outcome: Outcome) -> None:
        """Apply the outcome's session change; called only once its events are committed."""
        if outcome.logout:
            self.operator = None
        if outcome.login is not None:
            self.operator = outcome.login

    def record(
        self, scan: Scan, code: Code, outcome: Outcome, context: Mapping[str, Any]
    ) -> Outcome:
        """Prefix the outcome's events with the scan itself: every scan is evidence.

        Bytes that were not UTF-8 are stored escaped (`storable`), with the exact
        bytes in hex beside them: a lone surrogate can be neither JSON nor hashed.
        """
        raw = (
            {"input_hex": scan.text.encode("utf-8", "surrogateescape").hex()}
            if not_utf8(scan.text)
            else {}
        )
        recorded = self.event(
            EventKind.SCAN_RECORDED,
            {
                "input": storable(scan.text),
                **raw,
                "symbology": scan.symbology,
                "device": scan.device,
                "code_kind": type(code).__name__,
                "verdict": outcome.verdict.value,
                "headline": outcome.headline,
                "findings": [f.as_dict() for f in outcome.findings],
                "unit": outcome.unit,
                "shipment": outcome.shipment,
                **context,
            },
            operator_id=outcome.login.id if outcome.login else None,
        )
        return replace(
            outcome, events=(recorded, *outcome.events), input_display=printable(scan.text)
        )
