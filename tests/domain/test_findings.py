"""Findings: the shared ways a check lists ids and refuses."""

from __future__ import annotations

from station.domain.findings import FindingCode, Severity, listed, refusal


def test_listed_names_at_most_five_then_counts_the_rest() -> None:
    assert listed([]) == ""
    assert listed(["U1"]) == "U1"
    assert listed([f"U{i}" for i in range(5)]) == "U0, U1, U2, U3, U4"
    assert listed([f"U{i}" for i in range(7)]) == "U0, U1, U2, U3, U4 and 2 more"


def test_refusal_is_a_refusal() -> None:
    finding = refusal(FindingCode.NOT_ON_ORDER, "Unit U1 is not on order", "a unit", "U1")
    assert finding.severity is Severity.REFUSAL
    assert finding.as_dict() == {
        "code": "NOT_ON_ORDER",
        "severity": "refusal",
        "message": "Unit U1 is not on order",
        "expected": "a unit",
        "found": "U1",
    }
