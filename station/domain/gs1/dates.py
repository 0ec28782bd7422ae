"""GS1 dates per AI: which AIs hold dates, in what layout, and whether a value is one.

biip's own date check is switched off (`element_string` says why); these
rules follow the GS1 General Specifications per AI instead: two-digit years
in the GS1 century window, day 00 meaning the last day of the month where
the AI allows it, and the time or second date some AIs append.

    >>> parse_dates("17", "250200")
    datetime.date(2025, 2, 28)
    >>> parse_dates("7007", "250230")
    Traceback (most recent call last):
    ...
    ValueError: has day 30, which month 02 of 2025 does not have
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["DATE_FORMATS", "DateFormat", "NotADateError", "parse_dates"]


@dataclass(frozen=True, slots=True)
class DateFormat:
    """How one AI lays out its date."""

    year_digits: int  # 2: YYMMDD with the GS1 century window; 4: YYYYMMDD
    day_zero: bool  # day 00 means the last day of the month
    rest: str  # what follows the date: "", "hhmi", "[hhmi]", "hh[mi[ss]]", "[yymmdd]"


DATE_FORMATS: dict[str, DateFormat] = {
    **{ai: DateFormat(2, True, "") for ai in ("11", "12", "13", "15", "16", "17")},
    "4324": DateFormat(2, True, "hhmi"),
    "4325": DateFormat(2, True, "hhmi"),
    "4326": DateFormat(2, False, ""),
    "7003": DateFormat(2, False, "hhmi"),
    "7006": DateFormat(2, False, ""),
    "7007": DateFormat(2, False, "[yymmdd]"),
    "7011": DateFormat(2, False, "[hhmi]"),
    "8008": DateFormat(2, False, "hh[mi[ss]]"),
    "7250": DateFormat(4, False, ""),
    "7251": DateFormat(4, False, "hhmi"),
}
"""The AIs whose values start with a date."""


class NotADateError(ValueError):
    """The digits do not even have the shape of a date: a format error, not a date error."""


def parse_dates(ai: str, value: str) -> dt.date:
    """The (first) date in `value` for `ai`, one of `DATE_FORMATS`; ValueError says what is wrong.

    The message completes a sentence about the value ("has month 13").
    """
    spec = DATE_FORMATS[ai]
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
        raise NotADateError(msg)
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
        raise NotADateError(msg)
    parts = [int(digits[index : index + 2]) for index in range(0, len(digits), 2)]
    if any(part > limit for part, limit in zip(parts, (23, 59, 59), strict=False)):
        msg = f"has an invalid time {digits}"
        raise ValueError(msg)
