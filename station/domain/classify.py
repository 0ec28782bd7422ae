"""Scan classification: what a scanned text is, as one `Code` value.

Every scan passes through `classify` before a workflow sees it. It decides,
in this order:

1. Too long (over `MAX_TEXT_LENGTH`) or holding control characters other than
   GS: `InvalidCode`. Such text is never echoed raw.
2. A GS1 symbology identifier (``]C1``, ``]d2``, ``]Q3``, ``]e0``, ``]J1``),
   in the text or passed as `symbology`: the content must be a GS1 element
   string, else `InvalidCode`.
3. Explicit GS1 forms: a GS1 Digital Link URI (http/https with a primary key
   such as ``/01/...`` in its path, any host), the bracketed form
   ``(01)...(10)...``, or text containing GS. Each must be valid, else
   `InvalidCode`. (Text whose GS came from a substitute: see below.)
4. A station command, ``<prefix><COMMAND>``; the prefix with anything else is
   an `UnknownCode` naming the commands.
5. The site's configured patterns, first match wins: seals, badges, documents.
6. Bare GTIN (8, 12, 13, 14 digits) and bare SSCC (18 digits), check digit
   verified.
7. An element string without GS or symbology identifier, accepted only when it
   starts with a GS1 identification key (such as 00, 01, 02) and parses fully,
   so that a seal number that happens to start with ``10`` is not taken for a
   lot number.
8. Anything else: `UnknownCode`.

    >>> classify("]C10109521234543213\x1d10ABC").ais
    (('01', '09521234543213'), ('10', 'ABC'))
    >>> classify("376130321109103421").findings[0].message
    "Invalid SSCC check digit for '376130321109103421': Expected 0, got 1."
    >>> classify("#close").command
    <Command.CLOSE: 'CLOSE'>

GS substitutes (``~``, ``Alt029``, ...) stand for GS only where GS can mean
something: in GS1 element strings. A real GS makes a scan GS1 (step 3); a
substitute does so only when the substituted text parses as GS1, since ``~``
may as well be part of a seal number. Commands, patterns, bracketed data and
Digital Link URIs are matched against the text as scanned, substitutes
intact, so a site pattern is written against what the scanner sends. The
`text` of every result is the evidence form: trailing CR/LF removed and every
substitute replaced by GS (so a seal ``AB~12`` under substitute ``~`` has
number ``AB~12`` and text ``AB<GS>12``).

GS1 data is parsed with biip, plus the checks biip leaves out: check digits of
every GS1 key (biip only reports GTIN, SSCC and GLN ones as data), calendar
dates, repeated AIs that disagree, mutually exclusive AIs, the digital
signature's key rule, and the Digital Link path and query rules. Requisite AIs
(``(02)`` needs ``(37)``, ...) are not checked here: the GS1 syntax dictionary
evaluates them "over the combined data received from all GS1 carriers marking
a physical item", and a logistic label splits its AIs over several barcodes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from biip import ParseConfig, ParseError

# biip has no public lookup by exact AI; GS1ApplicationIdentifier.extract()
# matches by prefix, which would accept "(1234)" as AI (12).
from biip.gs1_application_identifiers import (
    _GS1_APPLICATION_IDENTIFIERS as GS1_AIS,
)
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString

from station.domain.codes import (
    BadgeCode,
    Code,
    Command,
    CommandCode,
    DocumentCode,
    DocumentKind,
    Gs1Code,
    Gs1Form,
    InvalidCode,
    SealCode,
    UnknownCode,
)
from station.domain.findings import Finding, FindingCode, Severity
from station.domain.printable import has_control, printable, quoted

__all__ = [
    "DEFAULT_RULES",
    "GS1_SYMBOLOGIES",
    "MAX_TEXT_LENGTH",
    "ClassifierRules",
    "CodePattern",
    "PatternKind",
    "classify",
]

MAX_TEXT_LENGTH = 4096
"""Longer scans are rejected unread: no barcode a dock sees carries more."""

GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
"""AIM symbology identifiers that announce GS1 element string content."""

GS = "\x1d"


class PatternKind(StrEnum):
    """What a site-configured pattern identifies."""

    SEAL = "seal"
    BADGE = "badge"
    SHIPMENT = "shipment"
    BILL_OF_LADING = "bill_of_lading"
    ASN = "asn"
    PURCHASE_ORDER = "purchase_order"


@dataclass(frozen=True, slots=True)
class CodePattern:
    """A site's pattern for one kind of non-GS1 code."""

    kind: PatternKind
    regex: re.Pattern[str]
    """Must match the whole text; a named group ``id`` picks the number out of it."""

    @classmethod
    def compile(cls, kind: PatternKind | str, pattern: str) -> CodePattern:
        """Build from configuration strings; raises `re.error` on a bad regex."""
        return cls(kind=PatternKind(kind), regex=re.compile(pattern))


@dataclass(frozen=True, slots=True)
class ClassifierRules:
    """The site-specific part of classification."""

    command_prefix: str = "#"
    gs_substitutes: tuple[str, ...] = ()
    """Strings that stand for GS in typed or wedge input, e.g. ``("~",)``, ``("Alt029",)``."""
    patterns: tuple[CodePattern, ...] = ()
    """Tried in order; the first full match wins."""

    def __post_init__(self) -> None:
        if any(not substitute for substitute in self.gs_substitutes):
            msg = "gs_substitutes must not contain an empty string."
            raise ValueError(msg)


DEFAULT_RULES = ClassifierRules()


def classify(
    text: str,
    rules: ClassifierRules = DEFAULT_RULES,
    symbology: str | None = None,
) -> Code:
    """Interpret one scanned text. Never raises: bad input is an `InvalidCode` or `UnknownCode`.

    `symbology` is the AIM identifier reported by the device, if any; it wins
    over one found at the start of the text (which is removed either way).
    """
    try:
        return _classify(text, rules, symbology)
    except Exception as exc:  # a scan must never take the station down
        message = (
            f"Could not classify {quoted(text)}: internal error {type(exc).__name__}; "
            "please report this scan."
        )
        return InvalidCode(text=text, findings=(_error(FindingCode.INVALID_CODE, message),))


# ---------------------------------------------------------------------------
# Top-level decision


_AIM_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_BRACKETED_START = re.compile(r"\(\d+\)")
_DL_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_ASCII_DIGITS = re.compile(r"[0-9]+")
_COMMANDS = {command.value.casefold(): command for command in Command}
_DOCUMENT_KINDS = {
    PatternKind.SHIPMENT: DocumentKind.SHIPMENT,
    PatternKind.BILL_OF_LADING: DocumentKind.BILL_OF_LADING,
    PatternKind.ASN: DocumentKind.ADVANCE_SHIP_NOTICE,
    PatternKind.PURCHASE_ORDER: DocumentKind.PURCHASE_ORDER,
}


def _classify(text: str, rules: ClassifierRules, symbology: str | None) -> Code:
    if len(text) > MAX_TEXT_LENGTH:
        message = (
            f"Scanned text is too long: {len(text)} characters, "
            f"at most {MAX_TEXT_LENGTH} are accepted."
        )
        return InvalidCode(text=text, findings=(_error(FindingCode.INVALID_CODE, message),))

    raw = text.rstrip("\r\n")
    match = _AIM_ID.match(raw)
    aim = match.group() if match else ""
    body = raw[len(aim) :]
    gs_body = _substitute_gs(body, rules.gs_substitutes)
    evidence = aim + gs_body
    sym = symbology if symbology is not None else (aim or None)

    if has_control(gs_body.replace(GS, "")):
        message = f"Scanned text {quoted(evidence)} contains control characters; it is not a code."
        return _invalid(evidence, message)

    if sym in GS1_SYMBOLOGIES:
        if not gs_body.strip(GS):
            return _invalid(
                evidence,
                f"Symbology {printable(sym or '')} announces GS1 data, but the scan holds none.",
            )
        return _element_string(gs_body, evidence, sym, Gs1Form.ELEMENT_STRING)

    digital_link = _digital_link(body, evidence, sym)
    if digital_link is not None:
        return digital_link
    if _BRACKETED_START.match(body):
        return _bracketed(body, evidence, sym)
    if GS in body:
        return _element_string(gs_body, evidence, sym, Gs1Form.ELEMENT_STRING)
    if GS in gs_body:
        substituted = _substituted_element_string(gs_body, evidence, sym)
        if substituted is not None:
            return substituted

    command = _command(body, evidence, rules.command_prefix)
    if command is not None:
        return command

    for pattern in rules.patterns:
        matched = pattern.regex.fullmatch(body)
        if matched is not None:
            return _pattern_code(pattern.kind, matched, body, evidence)

    if len(body) in (8, 12, 13, 14, 18) and _ASCII_DIGITS.fullmatch(body):
        return _bare_key(body, evidence, sym)

    if body[:2].isascii() and body[:2].isdigit():
        implicit = _implicit_element_string(body, evidence, sym)
        if implicit is not None:
            return implicit

    message = f"Unknown code {quoted(evidence)}: it matches no GS1 form and no configured pattern."
    return UnknownCode(text=evidence, findings=(_error(FindingCode.UNKNOWN_CODE, message),))


def _substitute_gs(body: str, substitutes: Iterable[str]) -> str:
    for substitute in substitutes:
        body = body.replace(substitute, GS)
    return body


def _command(body: str, evidence: str, prefix: str) -> Code | None:
    if not body.startswith(prefix):
        return None
    command = _COMMANDS.get(body[len(prefix) :].casefold())
    if command is not None:
        return CommandCode(text=evidence, command=command)
    if not prefix:
        return None
    names = ", ".join(printable(prefix + command.value) for command in Command)
    message = f"Unknown command {quoted(evidence)}: expected one of {names}."
    return UnknownCode(text=evidence, findings=(_error(FindingCode.UNKNOWN_CODE, message),))


def _pattern_code(kind: PatternKind, matched: re.Match[str], body: str, evidence: str) -> Code:
    number = body
    if "id" in matched.re.groupindex and matched.group("id") is not None:
        number = matched.group("id")
    if kind is PatternKind.SEAL:
        return SealCode(text=evidence, number=number)
    if kind is PatternKind.BADGE:
        return BadgeCode(text=evidence, badge=number)
    return DocumentCode(text=evidence, kind=_DOCUMENT_KINDS[kind], number=number)


def _bare_key(digits: str, evidence: str, sym: str | None) -> Code:
    """A GTIN-8/12/13/14 (stored as GTIN-14 in AI 01) or an 18-digit SSCC (AI 00)."""
    sscc = len(digits) == 18
    finding = _check_digit_finding("SSCC" if sscc else "GTIN", digits)
    if finding is not None:
        return InvalidCode(text=evidence, findings=(finding,))
    if sscc:
        return Gs1Code(text=evidence, form=Gs1Form.BARE_SSCC, ais=(("00", digits),), symbology=sym)
    ais = (("01", digits.zfill(14)),)
    return Gs1Code(text=evidence, form=Gs1Form.BARE_GTIN, ais=ais, symbology=sym)


# ---------------------------------------------------------------------------
# GS1 element strings


_BIIP_CONFIG = ParseConfig(
    # Dates are checked here, with the GS1 date rules per AI and a message
    # naming what is wrong; biip would also misread AI 7007's second date.
    gs1_element_strings_verify_date=False,
    separator_chars=(GS,),
)


@dataclass(frozen=True, slots=True)
class _Element:
    """One AI and its value as parsed by biip."""

    ai: GS1ApplicationIdentifier
    value: str
    parsed: GS1ElementString
    position: int | None
    """Where the AI starts in the scanned data (0-based); None inside a Digital Link URI."""


class _Gs1Error(Exception):
    """A structural GS1 error; carries the finding message. Never leaves this module."""


def _element_string(content: str, evidence: str, sym: str | None, form: Gs1Form) -> Code:
    try:
        elements = _parse_element_string(content)
    except _Gs1Error as exc:
        return _invalid(evidence, str(exc))
    return _gs1_result(elements, evidence, sym, form)


def _implicit_element_string(body: str, evidence: str, sym: str | None) -> Code | None:
    try:
        elements = _parse_element_string(body)
    except _Gs1Error:
        return None
    if elements[0].ai.ai not in _IDENTIFICATION_KEYS:
        return None
    return _gs1_result(elements, evidence, sym, Gs1Form.ELEMENT_STRING)


def _substituted_element_string(gs_body: str, evidence: str, sym: str | None) -> Code | None:
    # A substitute is ordinary text that may also occur in a seal or document
    # number: it only makes the scan GS1 when the result parses as GS1.
    try:
        elements = _parse_element_string(gs_body)
    except _Gs1Error:
        return None
    return _gs1_result(elements, evidence, sym, Gs1Form.ELEMENT_STRING)


def _parse_element_string(content: str) -> list[_Element]:
    elements: list[_Element] = []
    length = len(content)
    position = 0
    while position < length and content[position] == GS:
        position += 1
    if position == length:
        raise _Gs1Error(f"No GS1 data in {quoted(content)}.")
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
            raise _Gs1Error(message) from None
        candidate = rest[len(ai.ai) :].split(GS, 1)[0]
        try:
            parsed = GS1ElementString.extract(rest, config=_BIIP_CONFIG)
        except ParseError:
            raise _Gs1Error(_format_message(ai, candidate, position)) from None
        if ai.separator_required and parsed.value != candidate:
            # Only predefined-length AIs may run into the next AI; any other
            # value ends at GS or at the end of the data. biip would instead
            # start a new AI wherever its pattern stops matching, turning
            # "7007" + "211225" + "211" into a harvest date and serial "1".
            raise _Gs1Error(_format_message(ai, candidate, position))
        elements.append(_Element(ai=ai, value=parsed.value, parsed=parsed, position=position))
        position += len(ai.ai) + len(parsed.value)
        while position < length and content[position] == GS:
            position += 1
    return elements


def _where(position: int | None) -> str:
    return f" at position {position + 1}" if position is not None else ""


def _format_message(ai: GS1ApplicationIdentifier, value: str, position: int | None) -> str:
    where = _where(position)
    date_format = _DATE_FORMATS.get(ai.ai)
    if date_format is not None:
        try:
            _parse_dates(ai.ai, value)
        except _NotADateError:
            pass
        except ValueError as exc:
            return f"Invalid date for AI ({ai.ai}){where}: {quoted(value, 40)} {exc}."
    shown = quoted(value, 40) if value else "nothing"
    return (
        f"Invalid value for AI ({ai.ai}) {ai.data_title}{where}: expected {ai.format}, "
        f"found {shown}."
    )


def _gs1_result(
    elements: Sequence[_Element], evidence: str, sym: str | None, form: Gs1Form
) -> Code:
    findings: list[Finding] = []
    dates: list[tuple[str, dt.date]] = []
    for element in elements:
        finding = _element_finding(element)
        if finding is not None:
            findings.append(finding)
            continue
        if element.ai.ai in _DATE_FORMATS:
            try:
                dates.append((element.ai.ai, _parse_dates(element.ai.ai, element.value)))
            except ValueError as exc:
                message = (
                    f"Invalid date for AI ({element.ai.ai}){_where(element.position)}: "
                    f"{quoted(element.value, 40)} {exc}."
                )
                findings.append(_error(FindingCode.INVALID_CODE, message))
    findings.extend(_association_findings(elements))
    if findings:
        return InvalidCode(text=evidence, findings=tuple(findings))
    return Gs1Code(
        text=evidence,
        form=form,
        ais=tuple((element.ai.ai, element.value) for element in elements),
        symbology=sym,
        dates=tuple(dates),
    )


def _element_finding(element: _Element) -> Finding | None:
    check = _CHECK_DIGITS.get(element.ai.ai)
    if check is not None:
        name, start, end = check
        key = element.value[start:end]
        if len(key) == end - start and key.isascii() and key.isdigit():
            finding = _check_digit_finding(name, key)
            if finding is not None:
                return finding
    if element.ai.ai in ("8006", "8026"):
        piece, total = int(element.value[14:16]), int(element.value[16:18])
        if not 0 < piece <= total:
            message = (
                f"Invalid ITIP piece for AI ({element.ai.ai}){_where(element.position)}: "
                f"piece {piece} of {total}."
            )
            return _error(FindingCode.INVALID_CODE, message)
    parsed = element.parsed
    for error in (parsed.gtin_error, parsed.sscc_error, parsed.gln_error):
        if error is not None:
            return _error(FindingCode.INVALID_CODE, printable(error, 300))
    return None


# ---------------------------------------------------------------------------
# Check digits


_CHECK_DIGITS: dict[str, tuple[str, int, int]] = {
    "00": ("SSCC", 0, 18),
    "01": ("GTIN", 0, 14),
    "02": ("GTIN", 0, 14),
    "03": ("GTIN", 0, 14),
    "253": ("GDTI", 0, 13),
    "255": ("GCN", 0, 13),
    "402": ("GSIN", 0, 17),
    **{f"41{digit}": ("GLN", 0, 13) for digit in "01234567"},
    "8003": ("GRAI", 1, 14),
    "8006": ("GTIN", 0, 14),
    "8017": ("GSRN", 0, 18),
    "8018": ("GSRN", 0, 18),
    "8026": ("GTIN", 0, 14),
}
"""AI -> (key name, slice) of the digits that end in a GS1 mod-10 check digit."""


def _gs1_check_digit(payload: str) -> int:
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(payload))
    )
    return (10 - total % 10) % 10


def _check_digit_finding(name: str, key: str) -> Finding | None:
    """INVALID_CHECK_DIGIT, or INVALID_CODE for an all-zero key, or None when `key` is fine."""
    expected = _gs1_check_digit(key[:-1])
    found = int(key[-1])
    if expected == found:
        if key.strip("0"):
            return None
        # All zeros passes the check digit but identifies nothing: it is what
        # a label template prints when its data is missing.
        message = f"Invalid {name} {quoted(key)}: all zeros identifies nothing."
        return _error(FindingCode.INVALID_CODE, message)
    return Finding(
        code=FindingCode.INVALID_CHECK_DIGIT,
        severity=Severity.ERROR,
        message=(
            f"Invalid {name} check digit for {quoted(key)}: Expected {expected!r}, got {found!r}."
        ),
        expected=str(expected),
        found=str(found),
    )


# ---------------------------------------------------------------------------
# Dates


@dataclass(frozen=True, slots=True)
class _DateFormat:
    year_digits: int  # 2: YYMMDD with the GS1 century window; 4: YYYYMMDD
    day_zero: bool  # day 00 means the last day of the month
    rest: str  # what follows the date: "", "hhmi", "[hhmi]", "hh[mi[ss]]", "[yymmdd]"


_DATE_FORMATS: dict[str, _DateFormat] = {
    **{ai: _DateFormat(2, True, "") for ai in ("11", "12", "13", "15", "16", "17")},
    "4324": _DateFormat(2, True, "hhmi"),
    "4325": _DateFormat(2, True, "hhmi"),
    "4326": _DateFormat(2, False, ""),
    "7003": _DateFormat(2, False, "hhmi"),
    "7006": _DateFormat(2, False, ""),
    "7007": _DateFormat(2, False, "[yymmdd]"),
    "7011": _DateFormat(2, False, "[hhmi]"),
    "8008": _DateFormat(2, False, "hh[mi[ss]]"),
    "7250": _DateFormat(4, False, ""),
    "7251": _DateFormat(4, False, "hhmi"),
}


class _NotADateError(ValueError):
    """The digits do not even have the shape of a date: a format error, not a date error."""


def _parse_dates(ai: str, value: str) -> dt.date:
    """The (first) date in `value` for `ai`; ValueError says what is wrong."""
    spec = _DATE_FORMATS[ai]
    size = spec.year_digits + 4
    date = _parse_date(value[:size], spec.year_digits, spec.day_zero)
    rest = value[size:]
    if spec.rest == "[yymmdd]" and rest:
        _parse_date(rest, 2, day_zero=False)
    elif spec.rest and rest and not (ai in ("4324", "4325") and rest == "9999"):
        _check_time(rest)
    return date


def _parse_date(digits: str, year_digits: int, day_zero: bool) -> dt.date:
    if len(digits) != year_digits + 4 or not digits.isascii() or not digits.isdigit():
        msg = "is not a date"
        raise _NotADateError(msg)
    year = int(digits[:year_digits])
    month = int(digits[year_digits : year_digits + 2])
    day = int(digits[year_digits + 2 :])
    if year_digits == 2:
        year = _gs1_century(year)
    if not 1 <= month <= 12:
        msg = f"has month {month:02d}"
        raise ValueError(msg)
    if day == 0 and day_zero:
        next_month = dt.date(year + month // 12, month % 12 + 1, 1)
        return next_month - dt.timedelta(days=1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        msg = f"has day {day:02d}, which month {month:02d} of {year} does not have"
        raise ValueError(msg) from None


def _gs1_century(two_digit_year: int) -> int:
    # GS1 General Specifications 7.12: the year lies from 49 years before
    # to 50 years after the current year.
    this_year = dt.datetime.now(tz=dt.UTC).year
    year = this_year - this_year % 100 + two_digit_year
    if year - this_year > 50:
        year -= 100
    elif this_year - year > 49:
        year += 100
    return year


def _check_time(digits: str) -> None:
    if len(digits) % 2 or len(digits) > 6 or not digits.isascii() or not digits.isdigit():
        msg = "is not a date and time"
        raise _NotADateError(msg)
    parts = [int(digits[index : index + 2]) for index in range(0, len(digits), 2)]
    if any(part > limit for part, limit in zip(parts, (23, 59, 59), strict=False)):
        msg = f"has an invalid time {digits}"
        raise ValueError(msg)


# ---------------------------------------------------------------------------
# AI associations that hold within one symbol


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


def _ai_matches(pattern: str, ai: str) -> bool:
    return len(pattern) == len(ai) and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))


def _excludes(ai: str, other: str) -> bool:
    return any(
        _ai_matches(pattern, ai) and any(_ai_matches(ex, other) for ex in excluded)
        for pattern, excluded in _EXCLUSIVE
    )


def _association_findings(elements: Sequence[_Element]) -> list[Finding]:
    findings: list[Finding] = []
    first: dict[str, _Element] = {}
    for element in elements:
        seen = first.setdefault(element.ai.ai, element)
        if seen.value != element.value:
            message = (
                f"AI ({element.ai.ai}) appears more than once with different values: "
                f"{quoted(seen.value, 40)} and {quoted(element.value, 40)}."
            )
            findings.append(_error(FindingCode.INVALID_CODE, message))
    present = list(first)
    for index, ai in enumerate(present):
        for other in present[index + 1 :]:
            if _excludes(ai, other) or _excludes(other, ai):
                message = f"AIs ({ai}) and ({other}) must not appear together."
                findings.append(_error(FindingCode.INVALID_CODE, message))
    if "8030" in first:
        if not any(all(ai in first for ai in group) for group in _DIGSIG_KEYS):
            keys = ", ".join("+".join(f"({ai})" for ai in group) for group in _DIGSIG_KEYS)
            message = (
                f"AI (8030) digital signature needs one of these keys in the same symbol: {keys}."
            )
            findings.append(_error(FindingCode.INVALID_CODE, message))
        for ai, minimum in _SERIAL_MIN_LENGTH.items():
            keyed = first.get(ai)
            if keyed is not None and len(keyed.value) < minimum:
                message = (
                    f"AI ({ai}) must carry its serial component when a digital signature "
                    "(8030) is present."
                )
                findings.append(_error(FindingCode.INVALID_CODE, message))
    return findings


_IDENTIFICATION_KEYS = frozenset(
    {"00", "01", "02", "03", "253", "255", "401", "402", "414", "415", "417"}
    | {"8003", "8004", "8006", "8010", "8013", "8017", "8018", "8026"}
)


# ---------------------------------------------------------------------------
# Bracketed form: (01)09521234543213(10)ABC


def _bracketed(body: str, evidence: str, sym: str | None) -> Code:
    try:
        pairs = _split_bracketed(body)
        elements = [_parse_one(ai, value, position) for ai, value, position in pairs]
    except _Gs1Error as exc:
        return _invalid(evidence, str(exc))
    return _gs1_result(elements, evidence, sym, Gs1Form.BRACKETED)


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
            raise _Gs1Error(message)
        close = body.find(")", position)
        ai = body[position + 1 : close] if close > 0 else ""
        if close < 0 or not _ASCII_DIGITS.fullmatch(ai):
            message = (
                f"Invalid bracketed GS1 data {quoted(body)}: "
                f"no AI in brackets at position {position + 1}."
            )
            raise _Gs1Error(message)
        if ai not in GS1_AIS:
            message = (
                f"Unknown GS1 Application Identifier ({ai}) at position {position + 1} "
                f"in {quoted(body)}."
            )
            raise _Gs1Error(message)
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
            raise _Gs1Error(message)
        pairs.append((ai, "".join(value), position))
        position = index
    return pairs


def _parse_one(ai_code: str, value: str, position: int | None) -> _Element:
    ai = GS1_AIS[ai_code]
    try:
        parsed = GS1ElementString.parse(ai_code + value, config=_BIIP_CONFIG)
    except ParseError:
        raise _Gs1Error(_format_message(ai, value, position)) from None
    return _Element(ai=ai, value=parsed.value, parsed=parsed, position=position)


# ---------------------------------------------------------------------------
# GS1 Digital Link URIs


_URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_BAD_DOMAIN_CHARACTERS = frozenset("_~?#@!$&'()*+,;=%")
_DL_SCHEMES = frozenset({"http://", "https://", "HTTP://", "HTTPS://"})
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")

_DL_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "00": ((),),
    "01": (("22", "10", "21"), ("235",)),
    "253": ((),),
    "255": ((),),
    "401": ((),),
    "402": ((),),
    "414": (("254",), ("7040",)),
    "415": (("8020",),),
    "417": (("7040",),),
    "8003": ((),),
    "8004": (("7040",),),
    "8006": (("22", "10", "21"),),
    "8010": (("8011",),),
    "8013": ((),),
    "8017": (("8019",),),
    "8018": (("8019",),),
}
"""Digital Link primary keys and their alternative ordered qualifier sequences."""

_NOT_DL_ATTRIBUTES = frozenset(
    {"03", "21", "22", "235", "254", "7040", "7041", "8011", "8014", "8019", "8020"}
    | {"8040", "8041", "8042", "8043", "8200"}
)
"""AIs the syntax dictionary does not permit as Digital Link query parameters."""


def _digital_link(body: str, evidence: str, sym: str | None) -> Code | None:
    """A `Code` if `body` is a URL with a GS1 key in its path, else None (just a URL)."""
    scheme = _DL_SCHEME.match(body)
    if scheme is None:
        return None
    rest = body[scheme.end() :]
    slash = rest.find("/")
    if slash < 0:
        return None
    domain = rest[:slash]
    path, _, query = rest[slash:].split("#", 1)[0].partition("?")
    segments = path[1:].split("/")
    key_index = _find_dl_key(segments)
    if key_index is None:
        if any(segment in _DL_KEYS for segment in segments[:-1]):
            return _invalid_dl(
                evidence, body, "its path does not end in AI/value pairs after a primary key"
            )
        return None

    def fail(reason: str) -> Code:
        return _invalid_dl(evidence, body, reason)

    if body[: scheme.end()] not in _DL_SCHEMES:
        return fail("the scheme must be all lower or all upper case")
    for position, char in enumerate(body):
        if char not in _URI_CHARACTERS:
            return fail(f"{quoted(char)} at position {position + 1} is not allowed in a URI")
    if not domain:
        return fail("it has no domain")
    if any(char in _BAD_DOMAIN_CHARACTERS for char in domain):
        return fail(f"the domain {quoted(domain)} holds characters not allowed in a host name")

    try:
        path_elements = [
            _dl_element(segments[index], segments[index + 1], "path")
            for index in range(key_index, len(segments), 2)
        ]
        query_elements = _dl_query_elements(query)
    except _Gs1Error as exc:
        return fail(str(exc))

    sequence = [element.ai.ai for element in path_elements]
    if not _valid_dl_path(sequence):
        return fail(f"the path AIs {_ai_list(sequence)} are not a valid key and qualifier sequence")
    seen = set(sequence)
    for element in query_elements:
        ai = element.ai.ai
        if ai in seen:
            return fail(f"AI ({ai}) appears more than once")
        seen.add(ai)
        if ai in _NOT_DL_ATTRIBUTES:
            return fail(f"AI ({ai}) is not allowed as a query parameter")
        for index in range(1, len(sequence) + 1):
            if _valid_dl_path([*sequence[:index], ai, *sequence[index:]]):
                return fail(f"AI ({ai}) is a key qualifier and belongs in the path")
    return _gs1_result([*path_elements, *query_elements], evidence, sym, Gs1Form.DIGITAL_LINK)


def _find_dl_key(segments: Sequence[str]) -> int | None:
    # Like the GS1 syntax engine: walk back over AI/value pairs from the end;
    # the rightmost primary key starts the GS1 part, the rest is the stem.
    index = len(segments) - 2
    while index >= 0:
        segment = segments[index]
        if segment not in GS1_AIS:
            return None
        if segment in _DL_KEYS:
            return index
        index -= 2
    return None


def _dl_element(ai_code: str, raw_value: str, where: str) -> _Element:
    if not raw_value:
        raise _Gs1Error(f"AI ({ai_code}) has an empty value in the {where}")
    decoded = _percent_decode(raw_value, plus_is_space=where == "query")
    if "\x00" in decoded:
        raise _Gs1Error(f"the value of AI ({ai_code}) decodes to a NUL character")
    if ai_code == "01" and len(decoded) in (8, 12, 13) and _ASCII_DIGITS.fullmatch(decoded):
        # GTIN-8/12/13 written without the padding zeros (accepted by biip and
        # by the GS1 syntax engine's permitZeroSuppressedGTINinDLuris mode).
        decoded = decoded.zfill(14)
    try:
        return _parse_one(ai_code, decoded, None)
    except _Gs1Error as exc:
        raise _Gs1Error(str(exc).rstrip(".")) from None


def _dl_query_elements(query: str) -> list[_Element]:
    elements: list[_Element] = []
    for parameter in query.split("&"):
        key, equals, value = parameter.partition("=")
        if not equals or not _ASCII_DIGITS.fullmatch(key):
            continue  # other query parameters are the resolver's business
        if key not in GS1_AIS:
            raise _Gs1Error(f"unknown AI ({key}) in the query")
        elements.append(_dl_element(key, value, "query"))
    return elements


def _percent_decode(text: str, *, plus_is_space: bool) -> str:
    if plus_is_space:
        text = text.replace("+", " ")
    return _PERCENT_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _valid_dl_path(sequence: Sequence[str]) -> bool:
    alternatives = _DL_KEYS.get(sequence[0])
    if alternatives is None:
        return False
    qualifiers = sequence[1:]
    return any(_is_ordered_subset(qualifiers, alternative) for alternative in alternatives)


def _is_ordered_subset(items: Sequence[str], allowed: Sequence[str]) -> bool:
    remaining = iter(allowed)
    return all(item in remaining for item in items)


def _ai_list(ais: Sequence[str]) -> str:
    return "".join(f"({ai})" for ai in ais)


def _invalid_dl(evidence: str, uri: str, reason: str) -> Code:
    return _invalid(evidence, f"Invalid GS1 Digital Link URI {quoted(uri)}: {reason}.")


# ---------------------------------------------------------------------------
# Findings


def _error(code: FindingCode, message: str) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, message=message)


def _invalid(evidence: str, message: str) -> InvalidCode:
    return InvalidCode(text=evidence, findings=(_error(FindingCode.INVALID_CODE, message),))
