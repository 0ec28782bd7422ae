"""GS1 AI associations that must hold within one symbol: repeats, exclusions, signatures.

Parsing checks each AI on its own; these rules look at the AIs of one scan
together: an AI repeated with a different value, pairs of AIs the GS1 Barcode
Syntax Dictionary declares mutually exclusive, and what a digital signature
(8030) requires of the keys beside it. Requisite AIs hold over all the barcodes of
a label rather than per scan: they are `station.domain.gs1.requisites`, which also
applies these rules across one label's barcodes.

    >>> [f.message for f in association_findings([("01", "09521234543213"), ("37", "5")])]
    ['AIs (01) and (37) must not appear together.']
"""

from __future__ import annotations

from collections.abc import Sequence

from station.domain.findings import Finding, FindingCode
from station.domain.gs1.element_string import GS1_AIS
from station.domain.printable import quoted
from station.domain.scanning.code_errors import error_finding

__all__ = ["association_findings"]


def _exclusive_rules() -> tuple[tuple[str, tuple[str, ...]], ...]:
    # From the GS1 Barcode Syntax Dictionary "ex=" attributes; "n" is any digit.
    rules: list[tuple[str, tuple[str, ...]]] = [
        ("01", ("255", "37")),
        ("02", ("01", "03")),
        ("03", ("01", "02", "37")),
        ("21", ("235",)),
        ("255", ("01", "02", "415", "8006", "8020", "8026")),
        ("390n", ("390n", "391n", "394n", "8111")),
        ("391n", ("391n",)),
        ("392n", ("392n", "393n")),
        ("393n", ("393n",)),
        ("394n", ("394n", "8111")),
        ("395n", ("392n", "393n", "395n", "8005")),
        ("420", ("421",)),
        ("421", ("4307",)),
        ("422", ("426",)),
        ("423", ("426",)),
        ("424", ("426",)),
        ("425", ("426",)),
        ("4330", ("4331",)),
        ("4331", ("4330",)),
        ("4332", ("4333",)),
        ("4333", ("4332",)),
        ("7250", ("7251",)),
        ("7251", ("7250",)),
        ("7253", ("7256", "7259")),
        ("7254", ("7256", "7259")),
        ("7255", ("7256", "7259")),
        ("7259", ("7256",)),
        ("8006", ("01", "37")),
        ("8017", ("8018",)),
        ("8018", ("8017",)),
        ("8026", ("02", "8006")),
    ]
    # Each measure AI (31nn..36nn) excludes the others of its 3-digit group:
    # one net weight per item, with one decimal position.
    groups = sorted({ai[:3] for ai in GS1_AIS if len(ai) == 4 and ai[:2] in _MEASURE_PREFIXES})
    rules.extend((f"{group}n", (f"{group}n",)) for group in groups)
    return tuple(rules)


_MEASURE_PREFIXES = frozenset({"31", "32", "33", "34", "35", "36"})
_EXCLUSIVE = _exclusive_rules()

_DIGSIG_KEYS: tuple[tuple[str, ...], ...] = (
    ("00",),
    ("01", "21"),
    ("253",),
    ("255",),
    ("8003",),
    ("8004",),
    ("8006", "21"),
    ("8010", "8011"),
    ("8017",),
    ("8018",),
)
"""Keys a digital signature (8030) can sign; it signs its own symbol, so one must be there."""

_SERIAL_MIN_LENGTH = {"253": 14, "255": 14, "8003": 15}
"""Keys that identify a class unless their optional serial component is present."""


def association_findings(ais: Sequence[tuple[str, str]]) -> list[Finding]:
    """Errors for the (AI, value) pairs of one symbol taken together; empty when they agree."""
    findings: list[Finding] = []
    first: dict[str, str] = {}
    for ai, value in ais:
        seen = first.setdefault(ai, value)
        if seen != value:
            message = (
                f"AI ({ai}) appears more than once with different values: "
                f"{quoted(seen, 40)} and {quoted(value, 40)}."
            )
            findings.append(error_finding(FindingCode.INVALID_CODE, message))
    present = list(first)
    for index, ai in enumerate(present):
        for other in present[index + 1 :]:
            if _excludes(ai, other) or _excludes(other, ai):
                message = f"AIs ({ai}) and ({other}) must not appear together."
                findings.append(error_finding(FindingCode.INVALID_CODE, message))
    if "8030" in first:
        if not any(all(ai in first for ai in group) for group in _DIGSIG_KEYS):
            keys = ", ".join("+".join(f"({ai})" for ai in group) for group in _DIGSIG_KEYS)
            message = (
                f"AI (8030) digital signature needs one of these keys in the same symbol: {keys}."
            )
            findings.append(error_finding(FindingCode.INVALID_CODE, message))
        for ai, minimum in _SERIAL_MIN_LENGTH.items():
            keyed = first.get(ai)
            if keyed is not None and len(keyed) < minimum:
                message = (
                    f"AI ({ai}) must carry its serial component when a digital signature "
                    "(8030) is present."
                )
                findings.append(error_finding(FindingCode.INVALID_CODE, message))
    return findings


def _ai_matches(pattern: str, ai: str) -> bool:
    return len(pattern) == len(ai) and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))


def _excludes(ai: str, other: str) -> bool:
    return any(
        _ai_matches(pattern, ai) and any(_ai_matches(ex, other) for ex in excluded)
        for pattern, excluded in _EXCLUSIVE
    )
