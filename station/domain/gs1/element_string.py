"""GS1 element strings parsed into AIs and values, on top of biip, with GS1's own limits.

biip finds each AI and checks its value's format; this module adds what it
gets wrong or leaves open for scanned data: an AI written out (bracketed,
Digital Link) must be known by its exact code, a variable-length value ends
only at GS or at the end of the data (never where biip's pattern happens to
stop matching), and every error names the AI, the position and what was
expected. Date rules are in `dates`, the checks over parsed values in
`checks`.

    >>> [(e.ai.ai, e.value) for e in parse_element_string("0109521234543213\\x1d10ABC")]
    [('01', '09521234543213'), ('10', 'ABC')]
    >>> try:
    ...     parse_element_string("7007211225211")
    ... except Gs1Error as exc:
    ...     print(exc)
    Invalid value for AI (7007) HARVEST DATE at position 1: expected N4+N6[+N6], found '211225211'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biip import ParseConfig, ParseError

# biip has no public lookup by exact AI; GS1ApplicationIdentifier.extract()
# matches by prefix, which would accept "(1234)" as AI (12).
from biip.gs1_application_identifiers import (
    _GS1_APPLICATION_IDENTIFIERS as GS1_AIS,
)
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString

from station.domain.gs1.dates import DATE_FORMATS, NotADateError, parse_dates
from station.domain.printable import quoted

__all__ = [
    "ASCII_DIGITS",
    "GS",
    "GS1_AIS",
    "IDENTIFICATION_KEYS",
    "Element",
    "Gs1Error",
    "at_position",
    "parse_ai_value",
    "parse_element_string",
]

GS = "\x1d"

ASCII_DIGITS = re.compile(r"[0-9]+")
"""Digits as GS1 means them; `str.isdigit` also takes other scripts' digits."""

IDENTIFICATION_KEYS = frozenset(
    {"00", "01", "02", "03", "253", "255", "401", "402", "414", "415", "417"}
    | {"8003", "8004", "8006", "8010", "8013", "8017", "8018", "8026"}
)
"""AIs of the GS1 identification keys."""

_DICTIONARY_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    # (8010) CPID is "Y..30,gcppos1" in the GS1 syntax dictionary: 1 to 30 CSET 39
    # characters starting with a GS1 Company Prefix (at least 4 digits). biip's table
    # asks for 5 to 30 characters of any CSET 39 kind, so it refuses "0200" and takes
    # "A1234"; the dictionary decides.
    "8010": (re.compile(r"[0-9]{4}[#\-/0-9A-Z]{0,26}"), "Y..30 starting with a GS1 Company Prefix"),
}
"""AIs whose value the dictionary defines differently from biip: (pattern, format shown)."""

_BIIP_CONFIG = ParseConfig(
    # Dates are checked in `dates`, with the GS1 date rules per AI and a
    # message naming what is wrong; biip would also misread AI 7007's second date.
    gs1_element_strings_verify_date=False,
    separator_chars=(GS,),
)


@dataclass(frozen=True, slots=True)
class Element:
    """One AI and its value as parsed by biip."""

    ai: GS1ApplicationIdentifier
    value: str
    parsed: GS1ElementString
    position: int | None
    """Where the AI starts in the scanned data (0-based); None inside a Digital Link URI."""


class Gs1Error(Exception):
    """A structural GS1 error; carries the finding message. Never escapes `classify`."""


def parse_element_string(content: str) -> list[Element]:
    """The elements of `content`, GS separated; GS before, between or after them is skipped.

    Raises `Gs1Error` on the first AI that is unknown or whose value is malformed.
    """
    elements: list[Element] = []
    length = len(content)
    position = 0
    while position < length and content[position] == GS:
        position += 1
    if position == length:
        raise Gs1Error(f"No GS1 data in {quoted(content)}.")
    while position < length:
        rest = content[position:]
        try:
            ai = GS1ApplicationIdentifier.extract(rest)
        except ParseError:
            after = f" after AI ({elements[-1].ai.ai})" if elements else ""
            message = (
                f"Unknown GS1 Application Identifier at position {position + 1}{after} "
                f"in {quoted(content)}: no AI starts {quoted(rest[:4])}."
            )
            raise Gs1Error(message) from None
        candidate = rest[len(ai.ai) :].split(GS, 1)[0]
        if ai.ai in _DICTIONARY_FORMATS:
            parsed = _by_dictionary(ai, candidate, position)
        else:
            try:
                parsed = GS1ElementString.extract(rest, config=_BIIP_CONFIG)
            except ParseError:
                raise Gs1Error(_value_error(ai, candidate, position)) from None
        if ai.separator_required and parsed.value != candidate:
            # Only predefined-length AIs may run into the next AI; any other
            # value ends at GS or at the end of the data. biip would instead
            # start a new AI wherever its pattern stops matching, turning
            # "7007" + "211225" + "211" into a harvest date and serial "1".
            raise Gs1Error(_value_error(ai, candidate, position))
        elements.append(Element(ai=ai, value=parsed.value, parsed=parsed, position=position))
        position += len(ai.ai) + len(parsed.value)
        while position < length and content[position] == GS:
            position += 1
    return elements


def parse_ai_value(ai_code: str, value: str, position: int | None) -> Element:
    """The element for a known AI (a key of `GS1_AIS`) and its whole value; else `Gs1Error`."""
    ai = GS1_AIS[ai_code]
    if ai_code in _DICTIONARY_FORMATS:
        parsed = _by_dictionary(ai, value, position)
        return Element(ai=ai, value=parsed.value, parsed=parsed, position=position)
    try:
        parsed = GS1ElementString.parse(ai_code + value, config=_BIIP_CONFIG)
    except ParseError:
        raise Gs1Error(_value_error(ai, value, position)) from None
    return Element(ai=ai, value=parsed.value, parsed=parsed, position=position)


def _by_dictionary(
    ai: GS1ApplicationIdentifier, value: str, position: int | None
) -> GS1ElementString:
    """The element for an AI whose format `_DICTIONARY_FORMATS` gives, or `Gs1Error`."""
    pattern, shown = _DICTIONARY_FORMATS[ai.ai]
    if not pattern.fullmatch(value):
        found = quoted(value, 40) if value else "nothing"
        raise Gs1Error(
            f"Invalid value for AI ({ai.ai}) {ai.data_title}{at_position(position)}: "
            f"expected {shown}, found {found}."
        )
    return GS1ElementString(ai=ai, value=value, pattern_groups=[value])


def at_position(position: int | None) -> str:
    """`` at position N`` (1-based) for a message, or nothing when the position is unknown."""
    return f" at position {position + 1}" if position is not None else ""


def _value_error(ai: GS1ApplicationIdentifier, value: str, position: int | None) -> str:
    where = at_position(position)
    date_format = DATE_FORMATS.get(ai.ai)
    if date_format is not None:
        try:
            parse_dates(ai.ai, value)
        except NotADateError:
            pass
        except ValueError as exc:
            return f"Invalid date for AI ({ai.ai}){where}: {quoted(value, 40)} {exc}."
    shown = quoted(value, 40) if value else "nothing"
    return (
        f"Invalid value for AI ({ai.ai}) {ai.data_title}{where}: expected {ai.format}, "
        f"found {shown}."
    )
