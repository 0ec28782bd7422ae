"""The bracketed GS1 form, ``(01)09521234543213(10)ABC``, as typed or printed under a barcode.

Each AI is written in parentheses, so no value needs a GS to end it; a literal
``(`` inside a value is escaped as ``\\(``. The AIs must be known exactly:
``(1234)`` is not AI (12) followed by ``34``.

    >>> bracketed_code("(01)09521234543213(10)ABC", "(01)09521234543213(10)ABC", None).ais
    (('01', '09521234543213'), ('10', 'ABC'))
"""

from __future__ import annotations

from station.domain.gs1.checks import gs1_code
from station.domain.gs1.element_string import (
    ASCII_DIGITS,
    GS1_AIS,
    Gs1Error,
    parse_ai_value,
)
from station.domain.printable import quoted
from station.domain.scanning.code_errors import invalid_code
from station.domain.scanning.codes import Code, Gs1Form

__all__ = ["bracketed_code"]


def bracketed_code(body: str, evidence: str, sym: str | None) -> Code:
    """`body`, starting ``(<digits>)``, as a `Gs1Code`, else an `InvalidCode` saying why."""
    try:
        pairs = _split_bracketed(body)
        elements = [parse_ai_value(ai, value, position) for ai, value, position in pairs]
    except Gs1Error as exc:
        return invalid_code(evidence, str(exc))
    return gs1_code(elements, evidence, sym, Gs1Form.BRACKETED)


def _split_bracketed(body: str) -> list[tuple[str, str, int]]:
    """(AI, value, position of the AI) triples; ``\\(`` is a literal ``(`` in a value."""
    pairs: list[tuple[str, str, int]] = []
    position = 0
    length = len(body)
    while position < length:
        if body[position] != "(":
            message = (
                f"Invalid bracketed GS1 data {quoted(body)}: "
                f"expected '(' at position {position + 1}."
            )
            raise Gs1Error(message)
        close = body.find(")", position)
        ai = body[position + 1 : close] if close > 0 else ""
        if close < 0 or not ASCII_DIGITS.fullmatch(ai):
            message = (
                f"Invalid bracketed GS1 data {quoted(body)}: "
                f"no AI in brackets at position {position + 1}."
            )
            raise Gs1Error(message)
        if ai not in GS1_AIS:
            message = (
                f"Unknown GS1 Application Identifier ({ai}) at position {position + 1} "
                f"in {quoted(body)}."
            )
            raise Gs1Error(message)
        value: list[str] = []
        index = close + 1
        while index < length and body[index] != "(":
            if body.startswith("\\(", index):
                value.append("(")
                index += 2
            else:
                value.append(body[index])
                index += 1
        if not value:
            message = f"Invalid bracketed GS1 data {quoted(body)}: AI ({ai}) has no value."
            raise Gs1Error(message)
        pairs.append((ai, "".join(value), position))
        position = index
    return pairs
