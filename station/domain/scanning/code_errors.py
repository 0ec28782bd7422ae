"""Error findings for scanned codes: the one shape every classification failure takes.

Whatever rejects a scan, be it the classifier, GS1 syntax, a check digit or a
Digital Link rule, says so with a finding of severity ERROR, and a scan that
is malformed becomes an `InvalidCode` carrying one. Building both here keeps
that uniform across the modules `station.domain.scanning.classify` draws on.
"""

from __future__ import annotations

from station.domain.findings import Finding, FindingCode, Severity
from station.domain.scanning.codes import InvalidCode

__all__ = ["error_finding", "invalid_code"]


def error_finding(code: FindingCode, message: str) -> Finding:
    """A finding of severity ERROR; `message` must already quote scanned text printably."""
    return Finding(code=code, severity=Severity.ERROR, message=message)


def invalid_code(evidence: str, message: str) -> InvalidCode:
    """`evidence` as an `InvalidCode` with one INVALID_CODE error saying why."""
    return InvalidCode(text=evidence, findings=(error_finding(FindingCode.INVALID_CODE, message),))
