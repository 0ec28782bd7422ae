"""The one font labels are measured and previewed with: Pillow's bundled default.

`ImageFont.load_default(size=...)` gives a scalable FreeType font (Aileron
Regular) with no font file to install, the same on every station. The layout
measures every line with it, the PNG and PDF renderers draw with it, and the SVG
renderer stretches its text to the measured width; a Zebra prints with its
built-in font 0, which is condensed and so never wider than what was measured.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

__all__ = ["ELLIPSIS", "fit_lines", "fit_text", "font", "text_width"]

ELLIPSIS = "..."
"""Marks a line cut to fit; ASCII, so every printer font has it."""

_MIN_SHRINK = 0.7
"""Text too long for its space shrinks to at most this share of its nominal size."""

_MIN_SHRINK_ONE_LINE = 0.85
"""A line is kept whole down to this share of its size; below, wrapping reads better."""


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's default font at `size` pixels (em height)."""
    return ImageFont.load_default(size=max(size, 1))


@lru_cache(maxsize=16384)
def text_width(text: str, size: int) -> int:
    """Width of `text` in pixels at font `size`, rounded up.

    Remembered: a batch of labels measures the same product names, places and
    headings at the same few sizes, and each FreeType measurement costs ~0.1 ms.
    """
    length = font(size).getlength(text)
    return int(-(-length // 1))


@lru_cache(maxsize=64)
def _advances(size: int) -> dict[str, float]:
    """Advance widths of single characters at `size`, filled as they are met."""
    return {}


def _cannot_fit(text: str, size: int, width: int) -> bool:
    """True when `text` surely does not fit `width` at `size`: a cheap test before measuring.

    The sum of the characters' own advances differs from the measured width only by
    kerning, which the margin here more than covers; a text this says may fit is
    measured exactly, so the result is the same as measuring every candidate.
    """
    advances = _advances(size)
    total = 0.0
    for char in text:
        advance = advances.get(char)
        if advance is None:
            advance = advances[char] = font(size).getlength(char)
        total += advance
    return total > width * 1.1 + 2


def fit_text(text: str, size: int, width: int) -> tuple[str, int]:
    """`text` and a font size for it to fit `width` pixels on one line, cut if need be."""
    lines, fitted = fit_lines(text, size, width, max_lines=1)
    return (lines[0] if lines else ""), fitted


def fit_lines(text: str, size: int, width: int, max_lines: int = 2) -> tuple[list[str], int]:
    """`text` in at most `max_lines` lines of `width` pixels, and the font size for them.

    One line at the nominal `size` if it fits, else one line shrunk by up to 15 %,
    else wrapped at spaces (again from the nominal size down), and as a last
    resort wrapped at the smallest size with the last line cut with "...".
    """
    if width <= 0 or not text:
        return [], size
    smallest = max(int(size * _MIN_SHRINK), 1)
    step = max(size // 16, 1)
    sizes = [*range(size, smallest, -step), smallest]
    for candidate in sizes:
        if candidate < size * _MIN_SHRINK_ONE_LINE:
            break
        if not _cannot_fit(text, candidate, width) and text_width(text, candidate) <= width:
            return [text], candidate
    for candidate in sizes:
        lines, rest = _wrap(text, candidate, width, max_lines)
        if not rest:
            return lines, candidate
    lines, rest = _wrap(text, smallest, width, max_lines - 1)
    lines.append(_cut(rest, smallest, width))
    return [line for line in lines if line], smallest


def _wrap(text: str, size: int, width: int, max_lines: int) -> tuple[list[str], str]:
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        head, rest = _wrap_once(rest, size, width)
        lines.append(head)
    return lines, rest


def _wrap_once(text: str, size: int, width: int) -> tuple[str, str]:
    """The longest head of `text` ending at a space that fits, and the rest."""
    if not _cannot_fit(text, size, width) and text_width(text, size) <= width:
        return text, ""
    words = text.split(" ")
    head = words[0]
    count = 1
    for word in words[1:]:
        candidate = f"{head} {word}"
        if _cannot_fit(candidate, size, width) or text_width(candidate, size) > width:
            break
        head, count = candidate, count + 1
    if text_width(head, size) > width:  # one word longer than the line: cut it
        cut = _longest_prefix(text, size, width, suffix="")
        return cut, text[len(cut) :].lstrip()
    return head, " ".join(words[count:]).lstrip()


def _cut(text: str, size: int, width: int) -> str:
    if text_width(text, size) <= width:
        return text
    head = _longest_prefix(text, size, width, suffix=ELLIPSIS)
    return head.rstrip() + ELLIPSIS if head.strip() else ""


def _longest_prefix(text: str, size: int, width: int, suffix: str) -> str:
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        head = text[:middle] + suffix
        if not _cannot_fit(head, size, width) and text_width(head, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low]
