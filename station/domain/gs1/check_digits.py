"""GS1 mod-10 check digits of identification keys, and the finding when one is wrong.

biip reports check digit errors only for GTIN, SSCC and GLN; the station checks
every GS1 key that ends in a check digit (GDTI, GCN, GSIN, GRAI, GSRN, ...) and
also rejects the all-zero key a label template prints when its data is missing.

    >>> check_digit_finding("SSCC", "376130321109103421").message
    "Invalid SSCC check digit for '376130321109103421': Expected 0, got 1."
    >>> ai_check_digit_finding("414", "9521234543214").message
    "Invalid GLN check digit for '9521234543214': Expected 3, got 4."
    >>> ai_check_digit_finding("10", "ABC") is None
    True
"""

from __future__ import annotations

from station.domain.findings import Finding, FindingCode, Severity
from station.domain.gs1.mod10 import gs1_check_digit as gs1_standard_check_digit
from station.domain.printable import quoted
from station.domain.scanning.code_errors import error_finding

__all__ = ["KEY_CHECK_DIGITS", "ai_check_digit_finding", "check_digit_finding"]

KEY_CHECK_DIGITS: dict[str, tuple[str, int, int]] = {
    "00": ("SSCC", 0, 18),
    **dict.fromkeys(("01", "02", "03", "8006", "8026"), ("GTIN", 0, 14)),
    "253": ("GDTI", 0, 13),
    "255": ("GCN", 0, 13),
    "402": ("GSIN", 0, 17),
    **dict.fromkeys((f"41{digit}" for digit in "01234567"), ("GLN", 0, 13)),
    "8003": ("GRAI", 1, 14),
    **dict.fromkeys(("8017", "8018"), ("GSRN", 0, 18)),
}
"""AI -> (key name, slice) of the digits that end in a GS1 mod-10 check digit."""


def ai_check_digit_finding(ai: str, value: str) -> Finding | None:
    """The check digit finding for the key in `value` of `ai`, if `ai` carries one.

    A value too short or not all digits where the key should be is left to the
    format check, which has already reported it.
    """
    check = KEY_CHECK_DIGITS.get(ai)
    if check is None:
        return None
    name, start, end = check
    key = value[start:end]
    if len(key) == end - start and key.isascii() and key.isdigit():
        return check_digit_finding(name, key)
    return None


def check_digit_finding(name: str, key: str) -> Finding | None:
    """INVALID_CHECK_DIGIT, or INVALID_CODE for an all-zero key, or None when `key` is fine."""
    expected = gs1_standard_check_digit(key[:-1])
    found = int(key[-1])
    if expected == found:
        if key.strip("0"):
            return None
        # All zeros passes the check digit but identifies nothing: it is what
        # a label template prints when its data is missing.
        message = f"Invalid {name} {quoted(key)}: all zeros identifies nothing."
        return error_finding(FindingCode.INVALID_CODE, message)
    return Finding(
        code=FindingCode.INVALID_CHECK_DIGIT,
        severity=Severity.ERROR,
        message=(
            f"Invalid {name} check digit for {quoted(key)}: Expected {expected!r}, got {found!r}."
        ),
        expected=str(expected),
        found=str(found),
    )
