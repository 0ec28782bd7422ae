"""classify(): every branch with exact results and messages, and properties over any text."""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.domain.findings import Finding, FindingCode, Severity
from station.domain.printable import printable
from station.domain.scanning.classify import (
    DEFAULT_RULES,
    MAX_TEXT_LENGTH,
    ClassifierRules,
    CodePattern,
    PatternKind,
    classify,
)
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

GS = "\x1d"
GTIN = "09521234543213"
SSCC = "376130321109103420"

SITE = ClassifierRules(
    patterns=(
        CodePattern.compile(PatternKind.SEAL, r"SL(?P<id>\d{7})"),
        CodePattern.compile("badge", r"EMP-(?P<id>\d{4})"),
        CodePattern.compile(PatternKind.SHIPMENT, r"SHP-\d{6}"),
        CodePattern.compile(PatternKind.BILL_OF_LADING, r"BOL(?P<id>\d{8})"),
        CodePattern.compile(PatternKind.ASN, r"ASN-(?P<id>\d+)"),
        CodePattern.compile(PatternKind.PURCHASE_ORDER, r"PO(?P<id>\d{6})"),
        CodePattern.compile(PatternKind.SEAL, r"\d{8}"),
    )
)


def _only(code: Code) -> Finding:
    assert isinstance(code, InvalidCode | UnknownCode)
    assert len(code.findings) == 1
    return code.findings[0]


def _invalid(text: str, message: str) -> InvalidCode:
    return InvalidCode(
        text=text,
        findings=(Finding(FindingCode.INVALID_CODE, Severity.ERROR, message),),
    )


def _bad_check_digit(text: str, name: str, key: str, expected: int, found: int) -> InvalidCode:
    message = f"Invalid {name} check digit for '{key}': Expected {expected}, got {found}."
    finding = Finding(
        FindingCode.INVALID_CHECK_DIGIT, Severity.ERROR, message, str(expected), str(found)
    )
    return InvalidCode(text=text, findings=(finding,))


def _unknown(text: str, shown: str | None = None) -> UnknownCode:
    message = (
        f"Unknown code '{shown if shown is not None else text}': "
        "it matches no GS1 form and no configured pattern."
    )
    return UnknownCode(
        text=text, findings=(Finding(FindingCode.UNKNOWN_CODE, Severity.ERROR, message),)
    )


# --- GS1 element strings ------------------------------------------------------------------


@pytest.mark.parametrize("aim", ["]C1", "]d2", "]Q3", "]e0", "]J1"])
def test_symbology_identifier_in_text_means_gs1(aim: str) -> None:
    text = f"{aim}01{GTIN}10ABC{GS}17251231"
    assert classify(text) == Gs1Code(
        text=text,
        form=Gs1Form.ELEMENT_STRING,
        ais=(("01", GTIN), ("10", "ABC"), ("17", "251231")),
        symbology=aim,
        dates=(("17", dt.date(2025, 12, 31)),),
    )


def test_symbology_argument_is_used_and_wins_over_the_text() -> None:
    assert classify(f"01{GTIN}", symbology="]d2") == Gs1Code(
        text=f"01{GTIN}", form=Gs1Form.ELEMENT_STRING, ais=(("01", GTIN),), symbology="]d2"
    )
    code = classify(f"]C101{GTIN}", symbology="]Q3")
    assert isinstance(code, Gs1Code)
    assert code.symbology == "]Q3"
    assert code.text == f"]C101{GTIN}"


def test_non_gs1_symbology_identifier_is_split_off() -> None:
    assert classify("]C0#CLOSE") == CommandCode(text="]C0#CLOSE", command=Command.CLOSE)
    assert classify("]E05901234123457") == Gs1Code(
        text="]E05901234123457",
        form=Gs1Form.BARE_GTIN,
        ais=(("01", "05901234123457"),),
        symbology="]E0",
    )


def test_gs1_symbology_requires_gs1_content() -> None:
    assert classify("]C1ABC") == _invalid(
        "]C1ABC", "Unknown GS1 Application Identifier at position 1 in 'ABC': no AI starts 'ABC'."
    )
    assert classify("]C1") == _invalid(
        "]C1", "Symbology ]C1 announces GS1 data, but the scan holds none."
    )
    assert classify("", symbology="]d2") == _invalid(
        "", "Symbology ]d2 announces GS1 data, but the scan holds none."
    )
    # A bare GTIN is not a GS1 element string: under ]C1 it needs AI (01).
    assert isinstance(classify("]C15901234123457"), InvalidCode)


def test_gs_as_group_separator() -> None:
    text = f"01{GTIN}21S123{GS}10LOT7{GS}"
    assert classify(text) == Gs1Code(
        text=text, form=Gs1Form.ELEMENT_STRING, ais=(("01", GTIN), ("21", "S123"), ("10", "LOT7"))
    )


@pytest.mark.parametrize("substitute", ["~", "Alt029", "\\x1d"])
def test_gs_substitutes(substitute: str) -> None:
    rules = ClassifierRules(gs_substitutes=(substitute,))
    scanned = f"01{GTIN}10ABC{substitute}17251231\r\n"
    assert classify(scanned, rules) == Gs1Code(
        text=f"01{GTIN}10ABC{GS}17251231",
        form=Gs1Form.ELEMENT_STRING,
        ais=(("01", GTIN), ("10", "ABC"), ("17", "251231")),
        dates=(("17", dt.date(2025, 12, 31)),),
    )


def test_substitute_in_non_gs1_text_stays_text() -> None:
    rules = ClassifierRules(
        gs_substitutes=("~",), patterns=(CodePattern.compile("seal", r"AB~\d+"),)
    )
    assert classify("AB~12", rules) == SealCode(text=f"AB{GS}12", number="AB~12")
    assert classify("X~Y", rules) == _unknown(f"X{GS}Y", "X<GS>Y")


def test_substituted_gs1_with_bad_check_digit_is_invalid() -> None:
    rules = ClassifierRules(gs_substitutes=("~",))
    code = classify("0109521234543210~10A", rules)
    assert code == _bad_check_digit(f"0109521234543210{GS}10A", "GTIN", "09521234543210", 3, 0)


def test_trailing_cr_lf_is_stripped() -> None:
    assert classify(f"]C101{GTIN}\r\n") == Gs1Code(
        text=f"]C101{GTIN}", form=Gs1Form.ELEMENT_STRING, ais=(("01", GTIN),), symbology="]C1"
    )


def test_element_string_without_gs_or_symbology_when_it_starts_with_a_key() -> None:
    text = f"00{SSCC}02{GTIN}3712"
    assert classify(text) == Gs1Code(
        text=text, form=Gs1Form.ELEMENT_STRING, ais=(("00", SSCC), ("02", GTIN), ("37", "12"))
    )
    assert classify(f"01{GTIN}") == Gs1Code(
        text=f"01{GTIN}", form=Gs1Form.ELEMENT_STRING, ais=(("01", GTIN),)
    )
    # Starts with a lot number, not a key: could as well be a seal; not GS1.
    assert classify("10ABC1234") == _unknown("10ABC1234")


def test_sscc_check_digit_inside_element_string() -> None:
    assert classify("]C100376130321109103421") == _bad_check_digit(
        "]C100376130321109103421", "SSCC", "376130321109103421", 0, 1
    )
    assert classify("00376130321109103421") == _bad_check_digit(
        "00376130321109103421", "SSCC", "376130321109103421", 0, 1
    )


@pytest.mark.parametrize(
    ("text", "name", "key", "expected", "found"),
    [
        ("]C10109521234543210", "GTIN", "09521234543210", 3, 0),
        (f"]C100{SSCC}0209521234543214", "GTIN", "09521234543214", 3, 4),
        ("]C14145901234123450", "GLN", "5901234123450", 7, 0),
        ("]C1800301234567890127X", "GRAI", "1234567890127", 8, 7),
        ("]C12531234567890127", "GDTI", "1234567890127", 8, 7),
        ("]C18018123456789012345670", "GSRN", "123456789012345670", 5, 0),
    ],
)
def test_check_digits_of_gs1_keys(
    text: str, name: str, key: str, expected: int, found: int
) -> None:
    assert classify(text) == _bad_check_digit(text, name, key, expected, found)


def test_all_zero_keys_are_invalid() -> None:
    assert classify("000000000000000000") == _invalid(
        "000000000000000000", "Invalid SSCC '000000000000000000': all zeros identifies nothing."
    )
    assert classify("]C10100000000000000") == _invalid(
        "]C10100000000000000", "Invalid GTIN '00000000000000': all zeros identifies nothing."
    )


def test_dates_are_parsed() -> None:
    code = classify(f"]C101{GTIN}11240229{GS}7007211225211231{GS}17250200")
    assert isinstance(code, Gs1Code)
    assert code.dates == (
        ("11", dt.date(2024, 2, 29)),
        ("7007", dt.date(2021, 12, 25)),
        ("17", dt.date(2025, 2, 28)),
    )
    assert code.production_date == dt.date(2024, 2, 29)
    assert code.date("17") == dt.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"]C101{GTIN}17251301",
            "Invalid date for AI (17) at position 17: '251301' has month 13.",
        ),
        (
            f"]C101{GTIN}17250230",
            "Invalid date for AI (17) at position 17: '250230' has day 30, "
            "which month 02 of 2025 does not have.",
        ),
        ("]C17006251340", "Invalid date for AI (7006) at position 1: '251340' has month 13."),
        (
            "]C17007211225211331",
            "Invalid date for AI (7007) at position 1: '211225211331' has month 13.",
        ),
        ("(11)250000", "Invalid date for AI (11) at position 1: '250000' has month 00."),
        (
            "]C170032512312460",
            "Invalid date for AI (7003) at position 1: '2512312460' has an invalid time 2460.",
        ),
    ],
)
def test_invalid_dates(text: str, message: str) -> None:
    assert classify(text) == _invalid(text, message)


def test_unknown_delivery_time_is_allowed() -> None:
    code = classify(f"]C100{SSCC}43242512319999")
    assert isinstance(code, Gs1Code)
    assert code.dates == (("4324", dt.date(2025, 12, 31)),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"]C101{GTIN}{GS}89ABC",
            "Unknown GS1 Application Identifier at position 18 after AI (01) in "
            f"'01{GTIN}<GS>89ABC': no AI starts '89AB'.",
        ),
        (
            "]C1011234",
            "Invalid value for AI (01) GTIN at position 1: expected N2+N14, found '1234'.",
        ),
        (
            "]C1700721122521130",
            "Invalid value for AI (7007) HARVEST DATE at position 1: expected N4+N6[+N6], "
            "found '21122521130'.",
        ),
        (
            "]C12421234567",
            "Invalid value for AI (242) MTO VARIANT at position 1: expected N3+N..6, "
            "found '1234567'.",
        ),
        (
            "]C110ABC~DEF",
            "Invalid value for AI (10) BATCH/LOT at position 1: expected N2+X..20, found 'ABC~DEF'.",
        ),
    ],
)
def test_structural_errors_say_what_and_where(text: str, message: str) -> None:
    assert classify(text) == _invalid(text, message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(10)A(10)B", "AI (10) appears more than once with different values: 'A' and 'B'."),
        (f"(01){GTIN}(02){GTIN}", "AIs (01) and (02) must not appear together."),
        (f"(01){GTIN}(37)5", "AIs (01) and (37) must not appear together."),
        ("(3103)000100(3102)001000", "AIs (3103) and (3102) must not appear together."),
        (
            f"(8030)SIG(01){GTIN}",
            "AI (8030) digital signature needs one of these keys in the same symbol: (00), "
            "(01)+(21), (253), (255), (8003), (8004), (8006)+(21), (8010)+(8011), (8017), (8018).",
        ),
        (
            "(253)1234567890128(8030)SIG",
            "AI (253) must carry its serial component when a digital signature (8030) is present.",
        ),
        (
            "(8026)095212345432130302",
            "Invalid ITIP piece for AI (8026) at position 1: piece 3 of 2.",
        ),
    ],
)
def test_associations_within_one_symbol(text: str, message: str) -> None:
    assert classify(text) == _invalid(text, message)


def test_requisites_are_left_to_the_label() -> None:
    # (02) needs (37) and (00) on the item, but a logistic label carries them
    # in separate barcodes; each scan alone is fine.
    code = classify(f"(02){GTIN}")
    assert isinstance(code, Gs1Code)
    assert code.ais == (("02", GTIN),)
    assert classify(f"(01){GTIN}(10)A(10)A") == Gs1Code(
        text=f"(01){GTIN}(10)A(10)A",
        form=Gs1Form.BRACKETED,
        ais=(("01", GTIN), ("10", "A"), ("10", "A")),
    )


# --- Bracketed form -------------------------------------------------------------------------


def test_bracketed() -> None:
    text = f"(01){GTIN}(10)ABC(17)251231(21)S1"
    assert classify(text) == Gs1Code(
        text=text,
        form=Gs1Form.BRACKETED,
        ais=(("01", GTIN), ("10", "ABC"), ("17", "251231"), ("21", "S1")),
        dates=(("17", dt.date(2025, 12, 31)),),
    )
    escaped = classify("(10)AB\\(C)")
    assert isinstance(escaped, Gs1Code)
    assert escaped.ais == (("10", "AB(C)"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(1)123", "Unknown GS1 Application Identifier (1) at position 1 in '(1)123'."),
        ("(89)123", "Unknown GS1 Application Identifier (89) at position 1 in '(89)123'."),
        ("(10)", "Invalid bracketed GS1 data '(10)': AI (10) has no value."),
        ("(99)AB(", "Invalid bracketed GS1 data '(99)AB(': no AI in brackets at position 7."),
        (
            f"(01){GTIN}X",
            f"Invalid value for AI (01) GTIN at position 1: expected N2+N14, found '{GTIN}X'.",
        ),
        (
            "(17)9(90)217",
            "Invalid value for AI (17) USE BY or EXPIRY at position 1: expected N2+N6, found '9'.",
        ),
    ],
)
def test_bracketed_errors(text: str, message: str) -> None:
    assert classify(text) == _invalid(text, message)


def test_text_that_only_looks_bracketed_is_unknown() -> None:
    assert classify("(1A)12345") == _unknown("(1A)12345")


# --- Digital Link -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "ais"),
    [
        (f"https://id.gs1.org/01/{GTIN}", (("01", GTIN),)),
        (
            f"https://id.gs1.org/01/{GTIN}/10/ABC/21/S1?17=251231&3103=000195",
            (("01", GTIN), ("10", "ABC"), ("21", "S1"), ("17", "251231"), ("3103", "000195")),
        ),
        (
            f"https://resolver.example.com/dl/path/00/{SSCC}?02={GTIN}&37=25&utm=x&flag",
            (("00", SSCC), ("02", GTIN), ("37", "25")),
        ),
        (f"HTTP://EXAMPLE.COM/01/{GTIN}#fragment", (("01", GTIN),)),
        ("https://a/414/5901234123457/254/A%2FB", (("414", "5901234123457"), ("254", "A/B"))),
        ("https://a/01/9521234543213?99=A%2BB%21", (("01", GTIN), ("99", "A+B!"))),
    ],
)
def test_digital_link(uri: str, ais: tuple[tuple[str, str], ...]) -> None:
    code = classify(uri)
    assert isinstance(code, Gs1Code)
    assert code.form is Gs1Form.DIGITAL_LINK
    assert code.ais == ais
    assert code.text == uri


def test_digital_link_dates_and_symbology() -> None:
    uri = f"https://example.com/01/{GTIN}?17=251231"
    assert classify(uri, symbology="]Q1") == Gs1Code(
        text=uri,
        form=Gs1Form.DIGITAL_LINK,
        ais=(("01", GTIN), ("17", "251231")),
        symbology="]Q1",
        dates=(("17", dt.date(2025, 12, 31)),),
    )


def test_digital_link_zero_suppressed_gtin_is_padded() -> None:
    code = classify("https://brand.example.com/01/9521234543213")
    assert isinstance(code, Gs1Code)
    assert code.gtin == GTIN


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        (
            f"https://example.com/01/{GTIN}?10=ABC",
            "AI (10) is a key qualifier and belongs in the path",
        ),
        (f"https://example.com/01/{GTIN}?21=A", "AI (21) is not allowed as a query parameter"),
        (f"https://example.com/01/{GTIN}?99=A&99=B", "AI (99) appears more than once"),
        (f"https://example.com/01/{GTIN}?99=", "AI (99) has an empty value in the query"),
        (f"https://example.com/01/{GTIN}?999=1", "unknown AI (999) in the query"),
        (
            f"https://example.com/01/{GTIN}/21/C/10/B",
            "the path AIs (01)(21)(10) are not a valid key and qualifier sequence",
        ),
        (f"HtTps://example.com/01/{GTIN}", "the scheme must be all lower or all upper case"),
        (f"https://ex ample.com/01/{GTIN}", "' ' at position 11 is not allowed in a URI"),
        (
            f"https://[fe80::1%25lo]/01/{GTIN}",
            "the domain '[fe80::1%25lo]' holds characters not allowed in a host name",
        ),
        (f"https://a/01/{GTIN}/", "its path does not end in AI/value pairs after a primary key"),
        (f"https://a/01/{GTIN}?99=A%00B", "the value of AI (99) decodes to a NUL character"),
    ],
)
def test_digital_link_errors(uri: str, reason: str) -> None:
    assert classify(uri) == _invalid(uri, f"Invalid GS1 Digital Link URI '{uri}': {reason}.")


def test_digital_link_check_digit() -> None:
    uri = "https://example.com/01/09521234543210"
    assert classify(uri) == _bad_check_digit(uri, "GTIN", "09521234543210", 3, 0)


@pytest.mark.parametrize(
    "url", ["https://example.com/", "https://example.com/about/us", "http://a"]
)
def test_plain_url_is_unknown(url: str) -> None:
    assert classify(url) == _unknown(url)


# --- Bare GTIN and SSCC -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "gtin14"),
    [
        ("96385074", "00000096385074"),
        ("036000291452", "00036000291452"),
        ("5901234123457", "05901234123457"),
        (GTIN, GTIN),
    ],
)
def test_bare_gtin(digits: str, gtin14: str) -> None:
    assert classify(digits) == Gs1Code(text=digits, form=Gs1Form.BARE_GTIN, ais=(("01", gtin14),))


@pytest.mark.parametrize(
    ("digits", "expected", "found"),
    [
        ("96385075", 4, 5),
        ("036000291453", 2, 3),
        ("5901234123458", 7, 8),
        ("09521234543210", 3, 0),
    ],
)
def test_bare_gtin_bad_check_digit(digits: str, expected: int, found: int) -> None:
    assert classify(digits) == _bad_check_digit(digits, "GTIN", digits, expected, found)


def test_bare_sscc() -> None:
    assert classify(SSCC) == Gs1Code(text=SSCC, form=Gs1Form.BARE_SSCC, ais=(("00", SSCC),))
    assert classify("376130321109103421") == _bad_check_digit(
        "376130321109103421", "SSCC", "376130321109103421", 0, 1
    )


def test_other_digit_counts_are_unknown() -> None:
    assert classify("1234567") == _unknown("1234567")
    assert classify("1234567890") == _unknown("1234567890")


# --- Commands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("#CLOSE", Command.CLOSE),
        ("#close", Command.CLOSE),
        ("#Seal-Damaged", Command.SEAL_DAMAGED),
        ("#UNDO\r\n", Command.UNDO),
        ("#LOGOUT", Command.LOGOUT),
        ("#DAMAGED", Command.DAMAGED),
    ],
)
def test_commands(text: str, command: Command) -> None:
    assert classify(text) == CommandCode(text=text.rstrip("\r\n"), command=command)


def test_unknown_command_names_the_commands() -> None:
    message = (
        "Unknown command '#FOO': expected one of #CLOSE, #DAMAGED, #SEAL-DAMAGED, #UNDO, #LOGOUT."
    )
    assert classify("#FOO") == UnknownCode(
        text="#FOO", findings=(Finding(FindingCode.UNKNOWN_CODE, Severity.ERROR, message),)
    )


def test_custom_command_prefix() -> None:
    rules = ClassifierRules(command_prefix="CMD:")
    assert classify("CMD:undo", rules) == CommandCode(text="CMD:undo", command=Command.UNDO)
    assert classify("#UNDO", rules) == _unknown("#UNDO")
    assert _only(classify("CMD:NOPE", rules)).message == (
        "Unknown command 'CMD:NOPE': expected one of CMD:CLOSE, CMD:DAMAGED, "
        "CMD:SEAL-DAMAGED, CMD:UNDO, CMD:LOGOUT."
    )
    bare = ClassifierRules(command_prefix="")
    assert classify("LOGOUT", bare) == CommandCode(text="LOGOUT", command=Command.LOGOUT)
    assert classify("NOPE", bare) == _unknown("NOPE")


# --- Patterns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SL0012345", SealCode(text="SL0012345", number="0012345")),
        ("EMP-0042", BadgeCode(text="EMP-0042", badge="0042")),
        (
            "SHP-000123",
            DocumentCode(text="SHP-000123", kind=DocumentKind.SHIPMENT, number="SHP-000123"),
        ),
        (
            "BOL12345678",
            DocumentCode(text="BOL12345678", kind=DocumentKind.BILL_OF_LADING, number="12345678"),
        ),
        ("ASN-77", DocumentCode(text="ASN-77", kind=DocumentKind.ADVANCE_SHIP_NOTICE, number="77")),
        (
            "PO123456",
            DocumentCode(text="PO123456", kind=DocumentKind.PURCHASE_ORDER, number="123456"),
        ),
    ],
)
def test_patterns(text: str, expected: Code) -> None:
    assert classify(text, SITE) == expected


def test_patterns_come_before_bare_digits_and_after_explicit_gs1() -> None:
    # Eight digits would be a GTIN-8; this site says they are seals.
    assert classify("96385074", SITE) == SealCode(text="96385074", number="96385074")
    assert classify("96385074") == Gs1Code(
        text="96385074", form=Gs1Form.BARE_GTIN, ais=(("01", "00000096385074"),)
    )
    everything = ClassifierRules(patterns=(CodePattern.compile("seal", r".*"),))
    assert isinstance(classify(f"]C101{GTIN}", everything), Gs1Code)
    assert isinstance(classify(f"(01){GTIN}", everything), Gs1Code)
    assert isinstance(classify(f"https://a/01/{GTIN}", everything), Gs1Code)
    assert isinstance(classify(f"01{GTIN}{GS}10A", everything), Gs1Code)
    assert classify("#CLOSE", everything) == CommandCode(text="#CLOSE", command=Command.CLOSE)


def test_first_pattern_wins_and_id_group_is_optional() -> None:
    rules = ClassifierRules(
        patterns=(
            CodePattern.compile("asn", r"(?:X(?P<id>\d+))|Y\d+"),
            CodePattern.compile("seal", r"X\d+"),
        )
    )
    assert classify("X12", rules) == DocumentCode(
        text="X12", kind=DocumentKind.ADVANCE_SHIP_NOTICE, number="12"
    )
    assert classify("Y34", rules) == DocumentCode(
        text="Y34", kind=DocumentKind.ADVANCE_SHIP_NOTICE, number="Y34"
    )


def test_patterns_must_match_the_whole_text() -> None:
    assert classify("SL0012345X", SITE) == _unknown("SL0012345X")


def test_empty_substitute_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        ClassifierRules(gs_substitutes=("",))


# --- Unknown and hostile input ----------------------------------------------------------------


def test_unknown() -> None:
    assert classify("HELLO WORLD") == _unknown("HELLO WORLD")
    assert classify("") == _unknown("")
    assert classify("\r\n") == _unknown("")
    assert classify("line\u2028break") == _unknown("line\u2028break", "line\\u2028break")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("AB\x00C", "AB\\x00C"),
        ("\u202eABC\u202c", "\\u202eABC\\u202c"),
        ("SEAL\u200b42", "SEAL\\u200b42"),
        ("#CLOSE\x1b[0m", "#CLOSE\\x1b[0m"),
        ("\x9b31m", "\\x9b31m"),
        (f"]C101{GTIN}\x1b[2J", f"]C101{GTIN}\\x1b[2J"),
        (f"https://a/01/{GTIN}\x07", f"https://a/01/{GTIN}\\x07"),
        ("A\rB", "A\\x0dB"),
    ],
)
def test_control_characters_are_invalid_and_never_echoed(text: str, shown: str) -> None:
    assert classify(text, SITE) == _invalid(
        text, f"Scanned text '{shown}' contains control characters; it is not a code."
    )


def test_an_internal_error_is_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    import station.domain.scanning.classify as module

    def broken(text: str, rules: ClassifierRules, symbology: str | None) -> Code:
        raise RuntimeError(text)

    monkeypatch.setattr(module, "_classify", broken)
    assert classify("\x1b[2JX") == _invalid(
        "\x1b[2JX",
        "Could not classify '\\x1b[2JX': internal error RuntimeError; please report this scan.",
    )


def test_too_long() -> None:
    text = "A" * (MAX_TEXT_LENGTH + 1)
    assert classify(text) == _invalid(
        text, "Scanned text is too long: 4097 characters, at most 4096 are accepted."
    )
    longest = classify("A" * MAX_TEXT_LENGTH)
    assert isinstance(longest, UnknownCode)
    assert len(_only(longest).message) < 200


def test_all_findings_are_errors() -> None:
    for text in ("HELLO", "#NOPE", "96385075", "\x1b", "(10)", f"https://a/01/{GTIN}?10=A"):
        assert _only(classify(text)).severity is Severity.ERROR


def test_typical_scan_is_fast() -> None:
    texts = [
        f"]C101{GTIN}10ABC{GS}17251231",
        f"https://id.gs1.org/01/{GTIN}/10/A",
        SSCC,
        "SL0012345",
    ]
    for text in texts:
        classify(text, SITE)
    start = time.perf_counter()
    for _ in range(100):
        for text in texts:
            classify(text, SITE)
    assert (time.perf_counter() - start) / 400 < 0.001


# --- Properties -------------------------------------------------------------------------------

_PREFIXES = st.sampled_from(
    [
        *("", "]C1", "]d2", "]Q3", "]e0", "]E0", "]C0", "#", "(", "(01)", "(10)", "01", "00", "10"),
        *("https://a/01/", "https://id.gs1.org/00/", "http://x/8004/", "HTTP://x/01/"),
        "]Q1https://a/",
    ]
)
_SYMBOLOGIES = st.sampled_from([None, None, "]C1", "]d2", "]Q3", "]e0", "]E0", "]Q1", "]\x1b", ""])
_RULES = st.sampled_from(
    [
        DEFAULT_RULES,
        SITE,
        ClassifierRules(gs_substitutes=("~", "Alt029", "\\x1d"), command_prefix=""),
    ]
)
_ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8")),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF)),
    st.binary().map(lambda raw: raw.decode("latin-1")),
    st.text(st.sampled_from("0123456789\x1d()~/?&=%+#]ABCdeQ \x1b\x00\u202e\u200b")),
)
_AI_VALUES = st.text(st.sampled_from("0123456789ABCXYZ-/"), min_size=1, max_size=20)
_ELEMENT_STRINGS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                *("00", "01", "02", "10", "11", "17", "21", "37", "253", "3103", "414"),
                *("7007", "8003", "8006", "8008", "8030", "99", "7250", "4324", "3925"),
            ]
        ),
        _AI_VALUES,
        st.sampled_from(["", GS, "~"]),
    ),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(ai + value + sep for ai, value, sep in parts))


def _has_unsafe(text: str | None) -> bool:
    return text is not None and any(unicodedata.category(char)[0] == "C" for char in text)


def _check_result(code: Code) -> None:
    assert isinstance(
        code,
        Gs1Code | SealCode | BadgeCode | DocumentCode | CommandCode | UnknownCode | InvalidCode,
    )
    assert not _has_unsafe(printable(code.text))
    if isinstance(code, InvalidCode | UnknownCode):
        if isinstance(code, InvalidCode):
            assert code.findings
        for finding in code.findings:
            assert not _has_unsafe(finding.message)
            assert not _has_unsafe(finding.expected)
            assert not _has_unsafe(finding.found)
            assert "internal error" not in finding.message
            assert finding.severity is Severity.ERROR


def _evidence(text: str, rules: ClassifierRules) -> str:
    raw = text.rstrip("\r\n")
    aim = match.group() if (match := re.match(r"\][A-Za-z][0-9A-Za-z]", raw)) else ""
    body = raw[len(aim) :]
    for substitute in rules.gs_substitutes:
        body = body.replace(substitute, GS)
    return aim + body


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_PREFIXES, _ANY_TEXT, _SYMBOLOGIES, _RULES, st.booleans())
def test_classify_never_raises_and_never_echoes_controls(
    prefix: str, body: str, symbology: str | None, rules: ClassifierRules, with_gs: bool
) -> None:
    text = prefix + (body.replace("A", GS) if with_gs else body)
    code = classify(text, rules, symbology)
    _check_result(code)
    assert code.text == _evidence(text, rules)


@settings(max_examples=300)
@given(_PREFIXES, _ELEMENT_STRINGS, _SYMBOLOGIES, _RULES)
def test_classify_gs1_shaped_input(
    prefix: str, data: str, symbology: str | None, rules: ClassifierRules
) -> None:
    text = prefix + data
    code = classify(text, rules, symbology)
    _check_result(code)
    assert code.text == _evidence(text, rules)


@settings(max_examples=25, deadline=None)
@given(st.characters(), st.integers(min_value=0, max_value=10_000), _ANY_TEXT)
def test_classify_huge_input(char: str, count: int, tail: str) -> None:
    text = char * count + tail
    code = classify(text)
    _check_result(code)
    if len(text) > MAX_TEXT_LENGTH:
        assert isinstance(code, InvalidCode)
        assert "too long" in code.findings[0].message


@given(st.text(st.characters(codec="utf-8")))
def test_evidence_text_is_input_without_trailing_newlines(text: str) -> None:
    code = classify(text)
    if len(text) <= MAX_TEXT_LENGTH:
        assert code.text == text.rstrip("\r\n")
