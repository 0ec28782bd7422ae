"""The ``[codes]`` table: the command prefix, GS substitutes and non-GS1 code patterns.

Patterns are RE2 (`station.config.patterns` says what is refused and why); the
prefix and the substitutes may not be text that occurs in the codes they must be
told apart from. Whether the patterns and the prefix clash with the roster's badges
is checked once the roster is read (`check_codes`).
"""

from __future__ import annotations

from collections.abc import Sequence

from station.config.patterns import GS1_SAMPLES, compile_code_pattern, examples, pattern_problems
from station.config.reader import TableReader
from station.domain.gs1.character_set import is_gs1_text
from station.domain.operators import Operator
from station.domain.scanning.classify import ClassifierRules, CodePattern, PatternKind

CODES_KEYS = ("command_prefix", "gs_substitutes", *(k.value for k in PatternKind))


def gs_substitute_problem(text: str) -> str | None:
    """Why `text` cannot stand for GS in a scan, or None.

    A substitute is replaced by GS wherever it occurs, so one that GS1 data itself
    holds would cut a lot or serial in two: digits, and any single character of the
    GS1 character set 82 (letters, digits, ``!"%&'()*+,-./:;<=>?_``). Longer texts
    such as ``Alt029`` are a scanner's convention and are accepted.

    >>> gs_substitute_problem("~") is None, gs_substitute_problem("Alt029") is None
    (True, True)
    >>> gs_substitute_problem("1")
    'digits occur in every GS1 element string'
    """
    if not text or not text.isprintable():
        return "expected printable text such as '~'"
    if text.isdigit():
        return "digits occur in every GS1 element string"
    if len(text) == 1 and is_gs1_text(text):
        return "a character GS1 lots and serials may hold (character set 82)"
    return None


def read_codes(reader: TableReader, value: object) -> ClassifierRules:
    """The classifier's rules; every pattern must compile with RE2."""
    table = reader.table(value, "codes", CODES_KEYS)
    prefix = reader.get(table, "codes", "command_prefix", str, "#")
    if not prefix or not prefix.isprintable() or prefix != prefix.strip():
        raise reader.fail("codes.command_prefix", f"expected printable text, found {prefix!r}")
    if prefix[0].isdigit():
        raise reader.fail(
            "codes.command_prefix",
            f"{prefix!r} starts with a digit, as GS1 codes do: GTINs, SSCCs and element "
            "strings would be read as unknown commands",
        )
    patterns: list[CodePattern] = []
    for kind in PatternKind:
        if kind.value not in table:
            continue
        source = reader.get(table, "codes", kind.value, str)
        compiled, problem = compile_code_pattern(source)
        if compiled is None:
            raise reader.fail(f"codes.{kind.value}", f"{source!r}: {problem}")
        patterns.append(CodePattern(kind=kind, regex=compiled))
    substitutes = reader.strings(table, "codes", "gs_substitutes")
    for i, substitute in enumerate(substitutes):
        problem = gs_substitute_problem(substitute)
        if problem is not None:
            raise reader.fail(f"codes.gs_substitutes[{i}]", f"{substitute!r}: {problem}")
    return ClassifierRules(
        command_prefix=prefix, gs_substitutes=substitutes, patterns=tuple(patterns)
    )


def check_codes(
    reader: TableReader, rules: ClassifierRules, operators: Sequence[Operator]
) -> list[str]:
    """Refuse patterns and a prefix that clash with each other or the roster; warnings.

    Warnings: a pattern that also matches a bare GS1 key, and a roster badge the
    ``badge`` pattern does not match (it can be typed, never scanned).
    """
    badges = [(op.badge, f"operators[{i}]") for i, op in enumerate(operators)]
    warnings: list[str] = []
    for problem in pattern_problems(rules.patterns, prefix=rules.command_prefix, badges=badges):
        source = next(p.regex.pattern for p in rules.patterns if p.kind is problem.kind)
        key, message = f"codes.{problem.kind.value}", f"{source!r} {problem.reason}"
        if problem.refused:
            raise reader.fail(key, message)
        warnings.append(reader.where(key, message))
    prefix = rules.command_prefix
    samples = [(text, f"badge of {where}") for text, where in badges]
    samples += [(text, what) for what, text in GS1_SAMPLES]
    samples += [
        (text, f"{p.kind.value} example")
        for p in rules.patterns
        for text in examples(p.regex.pattern)
        if p.regex.fullmatch(text) is not None
    ]
    for text, what in samples:
        if text.startswith(prefix):
            raise reader.fail(
                "codes.command_prefix",
                f"{prefix!r} begins {text!r}, a {what}: that scan would be read as an "
                "unknown command",
            )
    badge_pattern = next((p for p in rules.patterns if p.kind is PatternKind.BADGE), None)
    if badge_pattern is None:
        return warnings
    return warnings + [
        reader.where(
            f"{where}.badge",
            f"{badge!r} does not match codes.badge {badge_pattern.regex.pattern!r}: "
            "this operator can type the badge but not scan it",
        )
        for badge, where in badges
        if badge_pattern.regex.fullmatch(badge) is None
    ]
