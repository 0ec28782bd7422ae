"""Lot numbers a site makes, from a template such as ``{site}{yy}{doy}-{seq:04}``.

A mixed or repacked lot needs a new batch id (protocol 5.5.2); a site writes its
own in a fixed form. `LotTemplate` checks the form once, at configuration, so that
every number it can make is a valid GS1 lot number (AI 10), and renders one for a
day and a counter. The counter lives in the store (see
`station.domain.lots.allocation` for how it must be kept).

    >>> LotTemplate("{site}{yy}{doy}-{seq:04}").render("HN", "dock-1", dt.date(2026, 3, 7), 12)
    'HN26066-0012'
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from typing import Final

from station.domain.gs1.character_set import gs1_text_problem
from station.domain.lots.allocation import AllocationError, is_counter
from station.domain.printable import printable, quoted
from station.domain.suggestions import nearest

__all__ = ["DEFAULT_MAX_SEQ", "LOT_TEMPLATE_FIELDS", "LotTemplate"]

DEFAULT_MAX_SEQ: Final = 9999
"""Highest lot sequence number a template is checked with, unless configured."""

LOT_TEMPLATE_FIELDS: Final = ("site", "station", "yy", "yyyy", "mm", "dd", "doy", "seq", "gtin")
"""The fields a lot template may use, in the order error messages list them."""

_SEQ_SPEC = re.compile(r"(0[0-9]+)?d?")
_EXAMPLE_DATE: Final = dt.date(2028, 12, 31)
_EXAMPLE_GTIN: Final = "09506000134352"


@dataclass(frozen=True, slots=True)
class LotTemplate:
    """How a site writes the lot numbers it makes, e.g. ``{site}{yy}{doy}-{seq:04}``.

    Fields (`LOT_TEMPLATE_FIELDS`): ``site`` and ``station`` (the station's codes, as
    configured), ``yy``, ``yyyy``, ``mm``, ``dd``, ``doy`` (the day, zero-padded to 2, 4,
    2, 2 and 3 digits), ``seq`` (the counter the store passes in; may take a zero-pad
    spec such as ``:04``), and ``gtin`` (14 digits, when the lot has one). Everything
    else is literal text. ``{seq}`` is required, since without it every lot of a day
    would get the same number.

    Construction raises `AllocationError` for an unknown field, a bad spec, or a
    template whose numbers could not be GS1 lot numbers (AI 10: 1 to 20 characters of
    set 82) even with an empty site and station code; `example` makes the full check
    with the station's own codes, and configuration calls it at start.

    Uniqueness is the store's part: if `day_scoped` the counter may restart each day,
    otherwise it must never restart; if several stations share a site and the template
    lacks ``{station}``, they must share one counter.
    """

    template: str
    """The template text."""

    max_seq: int = DEFAULT_MAX_SEQ
    """Highest `seq` the counter may reach; `render` refuses more, `example` uses it."""

    fields: frozenset[str] = field(init=False, repr=False, compare=False)
    """Field names the template uses."""

    def __post_init__(self) -> None:
        if not is_counter(self.max_seq) or self.max_seq < 1:
            msg = f"Invalid max_seq {self.max_seq!r}: expected a whole number, 1 or more."
            raise AllocationError(msg)
        names = _template_fields(self.template)
        object.__setattr__(self, "fields", frozenset(names))
        self.example("", "")

    @property
    def day_scoped(self) -> bool:
        """Whether the numbers name the day (year and day), so `seq` may restart daily."""
        has_year = bool({"yy", "yyyy"} & self.fields)
        has_day = "doy" in self.fields or {"mm", "dd"} <= self.fields
        return has_year and has_day

    def example(self, site: str, station: str, gtin: str | None = None) -> str:
        """The longest number this template makes for a station: `max_seq` on 31 December.

        Raises `AllocationError` when that is no valid GS1 lot number. Every date field
        has a fixed width, so the day chosen does not change the length.
        """
        if gtin is None and "gtin" in self.fields:
            gtin = _EXAMPLE_GTIN
        return self.render(site, station, _EXAMPLE_DATE, self.max_seq, gtin)

    def render(
        self, site: str, station: str, date: dt.date, seq: int, gtin: str | None = None
    ) -> str:
        """The lot number for `date` and counter `seq`.

        Raises `AllocationError` when `seq` is not 0 to `max_seq`, when the template
        uses ``{gtin}`` and none is given, or when the result is no valid GS1 lot number
        (a site code with a space, say): the caller's configuration or counter is wrong.
        """
        if not is_counter(seq) or not 0 <= seq <= self.max_seq:
            msg = (
                f"Lot sequence {seq!r} is outside 0 to {self.max_seq} for lot template "
                f"{quoted(self.template)}: raise max_seq or change the template."
            )
            raise AllocationError(msg)
        if gtin is None and "gtin" in self.fields:
            msg = f"Lot template {quoted(self.template)} uses {{gtin}}, but no GTIN was given."
            raise AllocationError(msg)
        values: dict[str, str | int] = {
            "site": site,
            "station": station,
            "yy": f"{date.year % 100:02d}",
            "yyyy": f"{date.year:04d}",
            "mm": f"{date.month:02d}",
            "dd": f"{date.day:02d}",
            "doy": f"{date.timetuple().tm_yday:03d}",
            "seq": seq,
            "gtin": gtin or "",
        }
        text = self.template.format_map(values)
        problem = gs1_text_problem(text)
        if problem is not None:
            msg = f"Lot template {quoted(self.template)} makes {quoted(text)}: {problem}."
            raise AllocationError(msg)
        return text


def _template_fields(template: str) -> list[str]:
    shown = quoted(template)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        msg = f"Invalid lot template {shown}: {exc}."
        raise AllocationError(msg) from None
    allowed = ", ".join(f"{{{name}}}" for name in LOT_TEMPLATE_FIELDS)
    names: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in LOT_TEMPLATE_FIELDS:
            near = nearest(name, LOT_TEMPLATE_FIELDS)
            hint = f" Did you mean {{{near}}}?" if near else ""
            what = f"Unknown field {{{printable(name)}}}" if name else "Unnamed field {}"
            msg = f"{what} in lot template {shown}: expected one of {allowed}.{hint}"
            raise AllocationError(msg)
        if conversion is not None:
            msg = (
                f"Invalid field {{{name}!{conversion}}} in lot template {shown}: "
                "conversions (!r, !s, !a) are not allowed."
            )
            raise AllocationError(msg)
        if spec and (name != "seq" or not _SEQ_SPEC.fullmatch(spec)):
            msg = f"Invalid format {quoted(spec)} for {{{name}}} in lot template {shown}: " + (
                "only {seq} takes a format, a zero-padded width such as {seq:04}."
                if name != "seq"
                else "expected a zero-padded width such as {seq:04}."
            )
            raise AllocationError(msg)
        names.append(name)
    if "seq" not in names:
        msg = (
            f"Lot template {shown} has no {{seq}} field: every lot it made on one day "
            "would get the same number."
        )
        raise AllocationError(msg)
    return names
