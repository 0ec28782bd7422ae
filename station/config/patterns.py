"""The ``[codes]`` patterns checked at load: RE2 syntax, and no pattern that cannot work.

Every scan is tried against the site's patterns in a fixed order (seal, badge,
shipment, bill of lading, ASN, purchase order; see `station.domain.scanning.classify`),
after the GS1 forms and the station commands and before bare GTINs and SSCCs. So a
pattern that matches too much silently turns other codes into its own kind. The rule
(README, "Configuration"):

1. A pattern is RE2 syntax (no backreferences, no lookaround) and compiles; it is
   matched in time linear in the scan, so it cannot stall the scan path.
2. It may not match the empty string, nor every one of a set of unrelated probes
   (``x``, ``0``, ``~``, a long mixed text, ...): such a pattern matches anything.
3. It may not match an example of another kind of code the site uses: an example
   generated from every other configured pattern (each branch, the shortest and a
   longer repeat, the first and the last character of each class), a badge on the
   roster, or a station command (``<prefix>CLOSE``, ...). A match is refused,
   naming both sides.
4. A pattern that matches a bare GTIN-8/12/13/14, SSCC or GS1 element string (as
   a numeric seal pattern ``\\d{8}`` matches a GTIN-8) is warned about, not refused:
   such a scan is read as the pattern's kind, which a site may intend; GS1 codes
   with a symbology identifier, brackets or a Digital Link are not affected.

The examples are samples, not a proof of disjointness: two patterns that overlap
only on strings none of the examples reach are not caught. Examples are generated
from the pattern's parse by Python's own regular-expression parser; a construct it
does not know (RE2-only syntax such as ``\\pN``) just yields no examples.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import re2

from station.domain.scanning.classify import CodePattern, PatternKind, compile_pattern
from station.domain.scanning.codes import Command

__all__ = [
    "GS1_SAMPLES",
    "PROBES",
    "PatternProblem",
    "compile_code_pattern",
    "examples",
    "pattern_problems",
]

PROBES = ("x", "0", "~", "Zq", "hello world", "0123456789abcdefXYZ-./", "é漢")
"""Unrelated texts: a pattern that matches every one of them matches anything."""

GS1_SAMPLES = (
    ("GTIN-8", "96385074"),
    ("GTIN-12", "614141000036"),
    ("GTIN-13", "9506000134352"),
    ("GTIN-14", "09506000134352"),
    ("SSCC", "376130321109103420"),
    ("GS1 element string", "010950600013435210ABC123"),
)
"""What bare GS1 scans look like; patterns are tried before they are read as GS1."""

_MAX_EXAMPLE_REPEAT = 3
_NEGATED_CANDIDATES = "aZ0-_~ x#!"


@dataclass(frozen=True, slots=True)
class Example:
    """A text some code of another kind could be, and what it is."""

    text: str
    what: str


def compile_code_pattern(source: str) -> tuple[re2._Regexp[str] | None, str | None]:
    """The compiled pattern, or None and why RE2 refuses it."""
    try:
        return compile_pattern(source), None
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return None, f"not a valid RE2 pattern ({reason}); see README, 'Code patterns'"


@dataclass(frozen=True, slots=True)
class PatternProblem:
    """Why a configured pattern cannot work (`refused`) or may surprise (a warning)."""

    kind: PatternKind
    reason: str
    refused: bool = True


def pattern_problems(
    patterns: Sequence[CodePattern],
    *,
    prefix: str,
    badges: Sequence[tuple[str, str]],
) -> list[PatternProblem]:
    """Every pattern's problems by the rules above; empty when all can work.

    `badges` are the roster's (badge, where) pairs, such as ``("B-1001", "operators[0]")``.
    """
    problems: list[PatternProblem] = []
    others: list[tuple[PatternKind | None, Example]] = [
        (None, Example(f"{prefix}{command.value}", "station command")) for command in Command
    ]
    others += [(PatternKind.BADGE, Example(b, f"badge of {where}")) for b, where in badges]
    for pattern in patterns:
        others += [
            (pattern.kind, Example(text, f"{pattern.kind.value} example"))
            for text in examples(pattern.regex.pattern)
            if pattern.regex.fullmatch(text) is not None
        ]
    for pattern in patterns:
        regex, kind = pattern.regex, pattern.kind
        if regex.fullmatch("") is not None:
            problems.append(PatternProblem(kind, "matches the empty string: it matches too much"))
            continue
        if all(regex.fullmatch(probe) is not None for probe in PROBES):
            problems.append(PatternProblem(kind, "matches any text: every scan would be this kind"))
            continue
        clash = next(
            (e for k, e in others if k is not kind and regex.fullmatch(e.text) is not None), None
        )
        if clash is not None:
            problems.append(PatternProblem(kind, _reads_as(clash, kind)))
        gs1 = next((Example(t, w) for w, t in GS1_SAMPLES if regex.fullmatch(t)), None)
        if gs1 is not None:
            problems.append(PatternProblem(kind, _reads_as(gs1, kind), refused=False))
    return problems


def _reads_as(example: Example, kind: PatternKind) -> str:
    return (
        f"also matches {example.text!r}, a {example.what}: that scan would be read "
        f"as a {kind.value}"
    )


def examples(source: str) -> list[str]:
    """Texts `source` should match: each branch, the shortest and a longer repeat.

    Empty when Python's parser does not know a construct of the pattern.

    >>> examples(r"^SL\\d{7}$")
    ['SL0000000', 'SL9999999']
    >>> examples(r"B-(?:[A-Z]{2}|\\d+)")
    ['B-AA', 'B-0', 'B-ZZ', 'B-99']
    """
    try:
        tree = _parser().parse(source)
    except Exception:  # any syntax Python does not know: no examples
        return []
    found: list[str] = []
    for pick in (0, -1):
        for branch in range(_branch_count(tree)):
            text = "".join(_generate(tree, pick=pick, more=pick == -1, branch=branch))
            if text not in found:
                found.append(text)
    return found


def _parser() -> Any:
    # The parser behind `re`: a private module but stable since 3.11 (`sre_parse` before).
    return importlib.import_module("re._parser")


def _branch_count(tree: Any) -> int:
    for op, value in tree:
        if str(op) == "BRANCH":
            return len(value[1])
        if str(op) == "SUBPATTERN":
            return _branch_count(value[-1])
    return 1


def _generate(tree: Any, *, pick: int, more: bool, branch: int | None = None) -> Iterator[str]:
    for op, value in tree:
        name = str(op)
        if name == "LITERAL":
            yield chr(value)
        elif name == "NOT_LITERAL":
            yield next(c for c in _NEGATED_CANDIDATES if ord(c) != value)
        elif name == "ANY":
            yield "x" if pick == 0 else "0"
        elif name == "IN":
            yield _class_char(value, pick)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, inner = value
            count = low + 1 if more and high > low else low
            count = max(low, min(count, _MAX_EXAMPLE_REPEAT)) if high > low else low
            for _ in range(count):
                yield from _generate(inner, pick=pick, more=more)
        elif name == "SUBPATTERN":
            yield from _generate(value[-1], pick=pick, more=more, branch=branch)
        elif name == "BRANCH":
            options = value[1]
            chosen = options[branch % len(options)] if branch is not None else options[pick]
            yield from _generate(chosen, pick=pick, more=more)
        elif name == "ATOMIC_GROUP":
            yield from _generate(value, pick=pick, more=more)
        # AT (anchors) and anything else add no characters.


def _class_char(items: Any, pick: int) -> str:
    if items and str(items[0][0]) == "NEGATE":
        return _negated_char(items[1:])
    op, value = items[pick]
    name = str(op)
    if name == "LITERAL":
        return chr(value)
    if name == "RANGE":
        return chr(value[0] if pick == 0 else value[1])
    if name == "CATEGORY":
        return _category_char(str(value), pick)
    return "x"


def _category_char(category: str, pick: int) -> str:
    if category.endswith("NOT_DIGIT"):
        return "x"
    if category.endswith("DIGIT"):
        return "0" if pick == 0 else "9"
    if category.endswith("NOT_WORD") or category.endswith("NOT_SPACE"):
        return "-" if category.endswith("NOT_WORD") else "x"
    if category.endswith("WORD"):
        return "a" if pick == 0 else "Z"
    return " "


def _negated_char(items: Any) -> str:
    for candidate in _NEGATED_CANDIDATES:
        if not any(_in_item(candidate, op, value) for op, value in items):
            return candidate
    return "\u00e9"


def _in_item(char: str, op: Any, value: Any) -> bool:
    name = str(op)
    if name == "LITERAL":
        return bool(ord(char) == value)
    if name == "RANGE":
        return bool(value[0] <= ord(char) <= value[1])
    if name == "CATEGORY":
        category = str(value)
        if category.endswith("DIGIT"):
            return char.isdigit() != category.endswith("NOT_DIGIT")
        if category.endswith("WORD"):
            return (char.isalnum() or char == "_") != category.endswith("NOT_WORD")
        if category.endswith("SPACE"):
            return char.isspace() != category.endswith("NOT_SPACE")
    return False
