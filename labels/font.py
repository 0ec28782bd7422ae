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

__all__ = ["ELLIPSIS", "font", "fit_text", "text_width"]

ELLIPSIS = "..."
"""Marks a line cut to fit; ASCII, so every printer font has it."""

_MIN_SHRINK = 0.7
"""A line too long for its space shrinks to at most this share of its nominal size."""


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's default font at `size` pixels (em height)."""
    return ImageFont.load_default(size=max(size, 1))


def text_width(text: str, size: int) -> int:
    """Width of `text` in pixels at font `size`, rounded up."""
    length = font(size).getlength(text)
    return int(-(-length // 1))


def fit_text(text: str, size: int, width: int) -> tuple[str, int]:
    """`text` and a font size for it to fit `width` pixels: shrunk up to 30 %, then cut."""
    if width <= 0:
        return "", size
    if text_width(text, size) <= width:
        return text, size
    smallest = max(int(size * _MIN_SHRINK), 1)
    for candidate in range(size - 1, smallest - 1, -1):
        if text_width(text, candidate) <= width:
            return text, candidate
    cut = text
    while cut and text_width(cut + ELLIPSIS, smallest) > width:
        cut = cut[:-1]
    return (cut.rstrip() + ELLIPSIS if cut else ""), smallest
