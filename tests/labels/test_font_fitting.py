"""Fitting text skips sizes by a glyph-advance estimate; the result is what exact measuring gives."""

from __future__ import annotations

import random
import string

from labels import font as fonts
from labels.font import fit_lines


def exact_fit(text: str, size: int, width: int, max_lines: int) -> tuple[list[str], int]:
    """The same fitting with every candidate measured exactly (no estimate, no memo)."""
    saved = fonts._cannot_fit
    fonts._cannot_fit = lambda text, size, width: False  # type: ignore[assignment]
    fonts.text_width.cache_clear()
    try:
        return fit_lines(text, size, width, max_lines)
    finally:
        fonts._cannot_fit = saved  # type: ignore[assignment]


def test_fitting_matches_exact_measurement() -> None:
    rng = random.Random(6)
    words = [
        "".join(
            rng.choice(string.ascii_letters + "0123456789-/.,") for _ in range(rng.randrange(1, 14))
        )
        for _ in range(200)
    ]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 12)))
        size = rng.choice((18, 24, 30, 36, 48))
        width = rng.randrange(40, 700)
        lines = rng.choice((1, 2, 3))
        fonts.text_width.cache_clear()
        assert fit_lines(text, size, width, lines) == exact_fit(text, size, width, lines), text
