"""Make outside text safe to show: the one place every output of the station sanitises text.

A barcode, a manifest or a config file can carry any characters, and a hostile one
can carry terminal escape sequences (clear the screen, retitle the window), bidi
overrides that make a code read differently from what it is, or zero-width
characters that make two different codes look the same. Free text (a vendor name,
a city, a note) is stored as given, so every output spells such characters out
through this module: the terminal and the TUI, CSV, HTML, labels (ZPL, PDF, PNG,
SVG) and JSON. What is unsafe is decided once, by `unsafe_at`: every character
Python does not call printable (the C0 and C1 controls, DEL, format characters
such as U+202E and U+200B, surrogates, private-use and unassigned code points, line
and paragraph separators), except the space separators, which are harmless.

    >>> printable("0109521234543213\\x1d10ABC")
    '0109521234543213<GS>10ABC'
    >>> printable("\\x1b[2J")
    '\\\\x1b[2J'
    >>> printable("A" * 10, limit=5)
    'AAAA…'
    >>> printable("<b>\\u202e</b>", for_="html")
    '&lt;b&gt;\\\\u202e&lt;/b&gt;'
    >>> printable("=1+2", for_="csv")
    "'=1+2"
    >>> json_text({"vendor": "Évian\\u202e"})
    '{"vendor": "Évian\\\\u202e"}'

Identifiers (shipment ids, seal numbers, badges, a station id) are not escaped but
refused where they are read: `unsafe_at` names the first offending character.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any, Literal

__all__ = [
    "Output",
    "csv_cell",
    "describe_unsafe",
    "has_control",
    "html_text",
    "json_text",
    "not_utf8",
    "printable",
    "printable_lines",
    "quoted",
    "storable",
    "unsafe_at",
]

GS = "\x1d"
ELLIPSIS = "…"
Output = Literal["terminal", "html", "csv", "label"]
"""Where the text goes. ``terminal`` also serves the TUI and log lines; ``label`` is any
label renderer (ZPL, PDF, PNG, SVG), which then applies its own format's escaping."""

_FORMULA_START = ("=", "+", "-", "@")


def printable(text: str, limit: int | None = 200, *, for_: Output = "terminal") -> str:
    """`text` with every unsafe character escaped, made ready for the output `for_`.

    GS (0x1D) becomes ``<GS>``; other unsafe characters below U+0100 become
    ``\\xNN``, the rest ``\\uNNNN`` or ``\\UNNNNNNNN``. An escape sequence therefore
    loses its ESC and shows as plain text. Line and paragraph separators are escaped
    too, so the result is always one line. Past `limit` characters the result is cut
    (never inside an escape) and ends with ``…``; `limit` None keeps all.

    For ``html`` the sanitised text is then HTML-escaped (quotes too, so it may
    stand in an attribute); for ``csv`` a cell a spreadsheet would run as a formula
    (starting with ``= + - @``) gets a leading apostrophe.
    """
    safe = _sanitised(text, limit)
    if for_ == "html":
        return html.escape(safe, quote=True)
    if for_ == "csv" and safe.startswith(_FORMULA_START):
        return "'" + safe
    return safe


def printable_lines(text: str) -> str:
    """Text of several lines for a terminal: each line `printable` in full, the newlines kept."""
    return "\n".join(printable(line, None) for line in text.split("\n"))


def html_text(value: object) -> str:
    """Any value as HTML element or attribute text: ``printable(str(value), None, for_="html")``."""
    return printable("" if value is None else str(value), None, for_="html")


def csv_cell(value: object) -> str:
    """Any value as one CSV cell: ``printable(str(value), None, for_="csv")``; None is empty."""
    return printable("" if value is None else str(value), None, for_="csv")


_JSON_UNSAFE = re.compile(r"[^\n\x20-\x7e]")


def json_text(
    data: Any,
    *,
    indent: int | None = None,
    sort_keys: bool = False,
    ascii_only: bool = False,
    default: Any = None,
) -> str:
    """`data` as JSON text in which no unsafe character stands raw.

    The data itself is kept exactly (a JSON reader gets the vendor name as it was
    given): JSON escapes C0 controls itself, and every other unsafe character of a
    string is written as its ``\\uXXXX`` escape. Outside strings JSON text is ASCII,
    so the substitution cannot touch the structure. With `ascii_only` every
    non-ASCII character is escaped (``ensure_ascii``).
    """
    text = json.dumps(
        data, ensure_ascii=ascii_only, indent=indent, sort_keys=sort_keys, default=default
    )
    if ascii_only or _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)


def quoted(text: str, limit: int = 80) -> str:
    """`printable(text)` in single quotes, the way messages name a scanned value."""
    return f"'{printable(text, limit)}'"


def has_control(text: str) -> bool:
    """Whether `text` holds any character of Unicode category C* (GS included)."""
    if text.isprintable():
        return False
    return any(unicodedata.category(char)[0] == "C" for char in text)


def unsafe_at(text: str) -> int | None:
    """Index of the first character `printable` would escape, or None when there is none.

    The rule for identifiers: a key that is matched against scans or looked up must
    be exactly what it looks like, so one holding such a character is refused.
    """
    if text.isprintable():
        return None
    return next((i for i, char in enumerate(text) if not _is_safe(char)), None)


def describe_unsafe(text: str) -> str | None:
    """What the first unsafe character of `text` is and where, for a refusal; None if none.

    >>> describe_unsafe("SHP-\\x1b[2J")
    'character U+001B (control) at position 5'
    >>> describe_unsafe("A\\u202eB")
    'character U+202E (RIGHT-TO-LEFT OVERRIDE, bidi control) at position 2'
    """
    index = unsafe_at(text)
    if index is None:
        return None
    char = text[index]
    name = unicodedata.name(char, "")
    what = _KINDS.get(char) or _CATEGORY_KINDS.get(unicodedata.category(char), "unprintable")
    label = f"{name}, {what}" if name else what
    return f"character U+{ord(char):04X} ({label}) at position {index + 1}"


_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_KINDS = {
    **dict.fromkeys(_BIDI, "bidi control"),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", "zero-width"),
}
_CATEGORY_KINDS = {
    "Cc": "control",
    "Cf": "format",
    "Cs": "surrogate",
    "Co": "private use",
    "Cn": "unassigned",
    "Zl": "line separator",
    "Zp": "paragraph separator",
}


def _sanitised(text: str, limit: int | None) -> str:
    if limit is not None and limit < 1:
        msg = f"limit must be at least 1, got {limit!r}."
        raise ValueError(msg)
    if text.isprintable():
        if limit is None or len(text) <= limit:
            return text
        return text[: limit - 1] + ELLIPSIS

    pieces: list[str] = []
    size = 0
    for char in text:
        piece = char if _is_safe(char) else _escape(char)
        pieces.append(piece)
        size += len(piece)
        if limit is not None and size > limit:
            break
    if limit is None or size <= limit:
        return "".join(pieces)

    kept: list[str] = []
    used = 0
    for piece in pieces:
        if used + len(piece) > limit - 1:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept) + ELLIPSIS


def _is_safe(char: str) -> bool:
    # isprintable() is False for every space separator but the ASCII space;
    # those (no-break space, ideographic space) are harmless to show.
    return char.isprintable() or unicodedata.category(char) == "Zs"


def not_utf8(text: str) -> bool:
    """Whether `text` holds bytes that were not UTF-8 (decoded with ``surrogateescape``)."""
    return any(_SURROGATE_BYTE_MIN <= ord(char) <= _SURROGATE_BYTE_MAX for char in text)


def storable(text: str) -> str:
    """`text` fit for JSON and UTF-8 storage: each lone surrogate written as an escape.

    Bytes that were not UTF-8 (decoded with ``surrogateescape``) become a backslash,
    ``x`` and two hex digits; any other lone surrogate ``\\udNNN``. Every other
    character is kept as it is.

        >>> storable("]C100\\udcff") == "]C100" + chr(92) + "xff"
        True
    """
    if text.isprintable() or not any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        return text
    return "".join(_escape(char) if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)


_SURROGATE_BYTE_MIN, _SURROGATE_BYTE_MAX = 0xDC80, 0xDCFF
"""Where ``surrogateescape`` puts the bytes 0x80-0xFF it could not decode."""


def _escape(char: str) -> str:
    if char == GS:
        return "<GS>"
    code = ord(char)
    if _SURROGATE_BYTE_MIN <= code <= _SURROGATE_BYTE_MAX:
        # A byte that was not UTF-8: show the byte itself, as it arrived.
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if _is_safe(char):
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
