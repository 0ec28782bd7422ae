"""Scan classification: what a scanned text is, as one `Code` value.

Every scan passes through `classify` before a workflow sees it. It decides,
in this order:

1. Too long (over `MAX_TEXT_LENGTH`), holding bytes that were not UTF-8 (read
   with ``surrogateescape``) or control characters other than GS: `InvalidCode`.
   Such text is never echoed raw.
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
   They are RE2 patterns (`compile_pattern`), so no pattern can stall a scan.
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
(``(02)`` needs ``(37)``, ...) hold "over the combined data received from all GS1
carriers marking a physical item" (GS1 syntax dictionary), and a logistic label splits
its AIs over several barcodes: a missing one makes a Digital Link URI invalid but is
only a warning on one element string (`station.domain.gs1.requisites`).

This module holds the decision order and the site's rules; the GS1 parts sit in
`station.domain.gs1`: `element_string` (element strings on top of biip),
`bracketed` and `digital_link` (the other two written forms), `checks` (the checks
above, drawing on `check_digits`, `dates` and `associations`); beside it,
`code_errors` holds the error findings all of them give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import re2

from station.domain.findings import FindingCode
from station.domain.gs1.bracketed import bracketed_code
from station.domain.gs1.check_digits import check_digit_finding
from station.domain.gs1.checks import gs1_code
from station.domain.gs1.digital_link import digital_link_code
from station.domain.gs1.element_string import (
    ASCII_DIGITS,
    GS,
    IDENTIFICATION_KEYS,
    Gs1Error,
    parse_element_string,
)
from station.domain.printable import has_control, not_utf8, printable, quoted
from station.domain.scanning.code_errors import error_finding, invalid_code
from station.domain.scanning.codes import (
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

__all__ = [
    "DEFAULT_RULES",
    "GS1_SYMBOLOGIES",
    "MAX_TEXT_LENGTH",
    "ClassifierRules",
    "CodePattern",
    "PatternKind",
    "classify",
    "compile_pattern",
]

MAX_TEXT_LENGTH = 4096
"""Longer scans are rejected unread: no barcode a dock sees carries more."""

GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
"""AIM symbology identifiers that announce GS1 element string content."""


class PatternKind(StrEnum):
    """What a site-configured pattern identifies."""

    SEAL = "seal"
    BADGE = "badge"
    SHIPMENT = "shipment"
    BILL_OF_LADING = "bill_of_lading"
    ASN = "asn"
    PURCHASE_ORDER = "purchase_order"


def compile_pattern(pattern: str) -> re2._Regexp[str]:
    """`pattern` compiled by RE2, whose matching time is linear in the text.

    A site pattern runs on every scan, and a backtracking engine can take seconds on a
    pattern such as ``^(a+)+$`` and a 30-character scan; RE2 cannot (it has no
    backreferences or lookaround, so it refuses them). Raises `re2.error`, whose text
    says why, and logs nothing itself.
    """
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


@dataclass(frozen=True, slots=True)
class CodePattern:
    """A site's pattern for one kind of non-GS1 code."""

    kind: PatternKind
    regex: re2._Regexp[str]
    """Must match the whole text; a named group ``id`` picks the number out of it."""

    @classmethod
    def compile(cls, kind: PatternKind | str, pattern: str) -> CodePattern:
        """Build from configuration strings; raises `re2.error` on a bad pattern."""
        return cls(kind=PatternKind(kind), regex=compile_pattern(pattern))


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
        return invalid_code(text, message)


# ---------------------------------------------------------------------------
# Top-level decision


_AIM_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_BRACKETED_START = re.compile(r"\(\d+\)")
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
        return invalid_code(text, message)

    raw = text.rstrip("\r\n")
    match = _AIM_ID.match(raw)
    aim = match.group() if match else ""
    body = raw[len(aim) :]
    gs_body = _substitute_gs(body, rules.gs_substitutes)
    evidence = aim + gs_body
    sym = symbology if symbology is not None else (aim or None)

    if not_utf8(raw):
        message = f"Scanned bytes {quoted(evidence)} are not valid UTF-8; it is not a code."
        return invalid_code(evidence, message)
    if has_control(gs_body.replace(GS, "")):
        message = f"Scanned text {quoted(evidence)} contains control characters; it is not a code."
        return invalid_code(evidence, message)

    if sym in GS1_SYMBOLOGIES:
        if not gs_body.strip(GS):
            return invalid_code(
                evidence,
                f"Symbology {printable(sym or '')} announces GS1 data, but the scan holds none.",
            )
        return _element_string(gs_body, evidence, sym, Gs1Form.ELEMENT_STRING)

    digital_link = digital_link_code(body, evidence, sym)
    if digital_link is not None:
        return digital_link
    if _BRACKETED_START.match(body):
        return bracketed_code(body, evidence, sym)
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

    if len(body) in (8, 12, 13, 14, 18) and ASCII_DIGITS.fullmatch(body):
        return _bare_key(body, evidence, sym)

    if body[:2].isascii() and body[:2].isdigit():
        implicit = _implicit_element_string(body, evidence, sym)
        if implicit is not None:
            return implicit

    message = f"Unknown code {quoted(evidence)}: it matches no GS1 form and no configured pattern."
    return UnknownCode(text=evidence, findings=(error_finding(FindingCode.UNKNOWN_CODE, message),))


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
    return UnknownCode(text=evidence, findings=(error_finding(FindingCode.UNKNOWN_CODE, message),))


def _pattern_code(kind: PatternKind, matched: re2._Match[str], body: str, evidence: str) -> Code:
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
    finding = check_digit_finding("SSCC" if sscc else "GTIN", digits)
    if finding is not None:
        return InvalidCode(text=evidence, findings=(finding,))
    if sscc:
        return Gs1Code(text=evidence, form=Gs1Form.BARE_SSCC, ais=(("00", digits),), symbology=sym)
    ais = (("01", digits.zfill(14)),)
    return Gs1Code(text=evidence, form=Gs1Form.BARE_GTIN, ais=ais, symbology=sym)


# ---------------------------------------------------------------------------
# Element strings: when GS1 is announced, and when it is only a candidate


def _element_string(content: str, evidence: str, sym: str | None, form: Gs1Form) -> Code:
    try:
        elements = parse_element_string(content)
    except Gs1Error as exc:
        return invalid_code(evidence, str(exc))
    return gs1_code(elements, evidence, sym, form)


def _implicit_element_string(body: str, evidence: str, sym: str | None) -> Code | None:
    try:
        elements = parse_element_string(body)
    except Gs1Error:
        return None
    if elements[0].ai.ai not in IDENTIFICATION_KEYS:
        return None
    return gs1_code(elements, evidence, sym, Gs1Form.ELEMENT_STRING)


def _substituted_element_string(gs_body: str, evidence: str, sym: str | None) -> Code | None:
    # A substitute is ordinary text that may also occur in a seal or document
    # number: it only makes the scan GS1 when the result parses as GS1.
    try:
        elements = parse_element_string(gs_body)
    except Gs1Error:
        return None
    return gs1_code(elements, evidence, sym, Gs1Form.ELEMENT_STRING)
