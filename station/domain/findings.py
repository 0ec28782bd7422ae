"""Findings and verdicts: what a check concluded about a scan or a shipment.

Checks never raise on bad input; they return findings. A finding names its code,
its severity, a message in words for the clerk, and expected vs found values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """The station's answer to one scan or command."""

    ACCEPT = "accept"
    QUARANTINE = "quarantine"
    REJECT = "reject"
    INFO = "info"
    ERROR = "error"


class Severity(StrEnum):
    """How much a finding matters; decides the verdict it leads to."""

    INFO = "info"
    WARNING = "warning"
    NONCONFORMITY = "nonconformity"
    REFUSAL = "refusal"
    ERROR = "error"


class FindingCode(StrEnum):
    """Every finding code the station can emit."""

    SEAL_MISMATCH = "SEAL_MISMATCH"
    SEAL_DAMAGED = "SEAL_DAMAGED"
    SEAL_MISSING = "SEAL_MISSING"
    UNEXPECTED_UNIT = "UNEXPECTED_UNIT"
    LABEL_MISMATCH = "LABEL_MISMATCH"
    MISSING_MOVING_DATA = "MISSING_MOVING_DATA"
    HIGH_RISK_ORIGIN = "HIGH_RISK_ORIGIN"
    PACKAGING_DAMAGED = "PACKAGING_DAMAGED"
    DUPLICATE_SCAN = "DUPLICATE_SCAN"
    INVALID_CHECK_DIGIT = "INVALID_CHECK_DIGIT"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    MISSING_UNITS = "MISSING_UNITS"
    WRONG_SHIPMENT = "WRONG_SHIPMENT"
    INVALID_CODE = "INVALID_CODE"
    NO_ACTIVE_SHIPMENT = "NO_ACTIVE_SHIPMENT"
    NOT_LOGGED_IN = "NOT_LOGGED_IN"
    NOT_QUALIFIED = "NOT_QUALIFIED"
    UNKNOWN_OPERATOR = "UNKNOWN_OPERATOR"
    UNKNOWN_SHIPMENT = "UNKNOWN_SHIPMENT"
    NOTHING_TO_UNDO = "NOTHING_TO_UNDO"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    NOT_RECORDED = "NOT_RECORDED"
    STATUS = "STATUS"
    NOT_RELEASABLE = "NOT_RELEASABLE"
    INCOMPLETE_TRACE = "INCOMPLETE_TRACE"
    QUARANTINED_INPUT = "QUARANTINED_INPUT"
    ALREADY_SHIPPED = "ALREADY_SHIPPED"
    NOT_ON_ORDER = "NOT_ON_ORDER"
    QUANTITY_MISMATCH = "QUANTITY_MISMATCH"
    CLAIM_NOT_VERIFIED = "CLAIM_NOT_VERIFIED"
    MISSING_EUDR_DATA = "MISSING_EUDR_DATA"
    INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS"
    HAND_ENTRY = "HAND_ENTRY"
    REQUISITE_AI_MISSING = "REQUISITE_AI_MISSING"


_SEVERITY_VERDICT: Mapping[Severity, Verdict] = {
    Severity.INFO: Verdict.INFO,
    Severity.WARNING: Verdict.ACCEPT,
    Severity.NONCONFORMITY: Verdict.QUARANTINE,
    Severity.REFUSAL: Verdict.REJECT,
    Severity.ERROR: Verdict.ERROR,
}
_VERDICT_RANK: Mapping[Verdict, int] = {
    Verdict.ACCEPT: 0,
    Verdict.INFO: 1,
    Verdict.QUARANTINE: 2,
    Verdict.REJECT: 3,
    Verdict.ERROR: 4,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found, in words a clerk understands."""

    code: FindingCode
    severity: Severity
    message: str
    """Plain text; may contain scanned values, already made printable."""
    expected: str | None = None
    found: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form used in events and in headless output."""
        data: dict[str, Any] = {
            "code": self.code.value,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.expected is not None:
            data["expected"] = self.expected
        if self.found is not None:
            data["found"] = self.found
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Inverse of `as_dict`, for findings read back from the event log."""
        return cls(
            code=FindingCode(data["code"]),
            severity=Severity(data["severity"]),
            message=str(data["message"]),
            expected=data.get("expected"),
            found=data.get("found"),
        )


def verdict_for(findings: Iterable[Finding], default: Verdict = Verdict.ACCEPT) -> Verdict:
    """The verdict the worst finding leads to; `default` when there are none."""
    verdict = default
    for finding in findings:
        candidate = _SEVERITY_VERDICT[finding.severity]
        if _VERDICT_RANK[candidate] > _VERDICT_RANK[verdict]:
            verdict = candidate
    return verdict


def nonconformity(
    code: FindingCode, message: str, expected: str | None, found: str | None
) -> Finding:
    """A finding of severity NONCONFORMITY: what it is about goes to quarantine or on hold."""
    return Finding(code, Severity.NONCONFORMITY, message, expected=expected, found=found)


def refusal(code: FindingCode, message: str, expected: str | None, found: str | None) -> Finding:
    """A finding of severity REFUSAL: what it is about may not go on (ship, complete)."""
    return Finding(code, Severity.REFUSAL, message, expected=expected, found=found)


def listed(ids: Sequence[str], most: int = 5) -> str:
    """`ids` as a message lists them: the first `most`, then how many more there are.

    >>> listed(["U1", "U2", "U3"], most=2)
    'U1, U2 and 1 more'
    """
    shown = ", ".join(ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")
