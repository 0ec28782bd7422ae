"""Whether a scanned label agrees with what is expected of it: one rule for both docks.

Receiving compares a pallet's label with the manifest, release compares a unit's
label with the lot's record. Both compare each AI the label carries with the values
expected of it, leave out an AI the label lacks or nothing is expected of, and name
a disagreement in the same words; only who says otherwise, how much it matters and
what to do about it differ.

    >>> finding, = label_findings([("lot (10)", "L2", {"L1"}), ("serial (21)", None, {"S1"})],
    ...                           says="manifest", severity=Severity.NONCONFORMITY)
    >>> finding.message
    "Label lot (10) is 'L2' but the manifest says 'L1'"
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from station.domain.findings import Finding, FindingCode, Severity
from station.domain.printable import printable

__all__ = ["label_findings"]


def label_findings(
    comparisons: Iterable[tuple[str, str | None, Collection[str]]],
    *,
    says: str,
    severity: Severity,
    advice: str = "",
) -> list[Finding]:
    """LABEL_MISMATCH for each ``(what, found, expected)`` whose label value is not expected.

    `says` names the source of the expected values (``manifest``, ``record``); `advice`
    ends the message (``": relabel before release"``).
    """
    return [
        _mismatch(what, expected, found, says=says, severity=severity, advice=advice)
        for what, found, expected in comparisons
        if found is not None and expected and found not in expected
    ]


def _mismatch(
    what: str, expected: Iterable[str], found: str, *, says: str, severity: Severity, advice: str
) -> Finding:
    listed = ", ".join(sorted(expected))
    return Finding(
        FindingCode.LABEL_MISMATCH,
        severity,
        f"Label {what} is {printable(found)!r} but the {says} says {printable(listed)!r}{advice}",
        expected=printable(listed),
        found=printable(found),
    )
