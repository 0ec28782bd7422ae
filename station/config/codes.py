"""The ``[codes]`` table: the command prefix, GS substitutes and non-GS1 code patterns."""

from __future__ import annotations

import re

from station.config.reader import TableReader
from station.domain.scanning.classify import ClassifierRules, CodePattern, PatternKind

CODES_KEYS = ("command_prefix", "gs_substitutes", *(k.value for k in PatternKind))


def read_codes(reader: TableReader, value: object) -> ClassifierRules:
    """The classifier's rules; every pattern must compile."""
    table = reader.table(value, "codes", CODES_KEYS)
    prefix = reader.get(table, "codes", "command_prefix", str, "#")
    if not prefix or not prefix.isprintable():
        raise reader.fail("codes.command_prefix", f"expected printable text, found {prefix!r}")
    patterns: list[CodePattern] = []
    for kind in PatternKind:
        if kind.value not in table:
            continue
        source = reader.get(table, "codes", kind.value, str)
        try:
            compiled = re.compile(source)
        except re.error as exc:
            raise reader.fail(
                f"codes.{kind.value}", f"not a valid regular expression: {exc}"
            ) from None
        patterns.append(CodePattern(kind=kind, regex=compiled))
    substitutes = reader.strings(table, "codes", "gs_substitutes")
    for i, substitute in enumerate(substitutes):
        if not substitute or not substitute.isprintable():
            raise reader.fail(
                f"codes.gs_substitutes[{i}]",
                f"expected printable text such as '~', found {substitute!r}",
            )
    return ClassifierRules(
        command_prefix=prefix, gs_substitutes=substitutes, patterns=tuple(patterns)
    )
