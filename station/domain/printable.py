"""Make scanned text safe to show: on a terminal, in a log line, in a Textual widget.

A barcode can carry any bytes, and a hostile one can carry terminal escape
sequences (clear the screen, retitle the window), bidi overrides that make a
code read differently from what it is, or zero-width characters that make two
different codes look the same. Every message that quotes scanned text goes
through `printable`, so what the clerk sees is what was scanned, spelled out.

    >>> printable("0109521234543213\\x1d10ABC")
    '0109521234543213<GS>10ABC'
    >>> printable("\\x1b[2J")
    '\\\\x1b[2J'
    >>> printable("A" * 10, limit=5)
    'AAAA…'
"""

from __future__ import annotations

import unicodedata

__all__ = ["has_control", "not_utf8", "printable", "quoted", "storable"]

GS = "\x1d"
ELLIPSIS = "…"


def printable(text: str, limit: int | None = 200) -> str:
    """`text` with every control, format, surrogate, private-use or unassigned character escaped.

    GS (0x1D) becomes ``<GS>``; other characters below U+0100 become ``\\xNN``,
    the rest ``\\uNNNN`` or ``\\UNNNNNNNN``. An escape sequence therefore loses
    its ESC and shows as plain text. Line and paragraph separators are escaped
    too, so the result is always one line. Past `limit` characters the result
    is cut (never inside an escape) and ends with ``…``; `limit` None keeps all.
    """
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


def quoted(text: str, limit: int = 80) -> str:
    """`printable(text)` in single quotes, the way messages name a scanned value."""
    return f"'{printable(text, limit)}'"


def has_control(text: str) -> bool:
    """Whether `text` holds any character of Unicode category C* (GS included)."""
    if text.isprintable():
        return False
    return any(unicodedata.category(char)[0] == "C" for char in text)


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
