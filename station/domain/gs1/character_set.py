"""What a GS1 lot or serial number can hold: 1 to 20 characters of the AI character set 82.

A batch/lot (AI 10) or serial (AI 21) outside this set cannot be put in a GS1
barcode, so a manifest that names one could never match a scan, and a lot template
that makes one could never be labelled. Manifest rules and lot templates judge it
here and say it in the same words.

    >>> is_gs1_text("HN26066-0012"), is_gs1_text("HN 26066"), is_gs1_text("X" * 21)
    (True, False, False)
    >>> gs1_text_problem("X" * 21).split("), ")[-1]
    'found 21 characters'
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["GS1_TEXT_EXPECTED", "gs1_text_problem", "is_gs1_text"]

# GS1 General Specifications, figure 7.11-1: the characters AI 10 and AI 21 may hold.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")

GS1_TEXT_EXPECTED: Final = (
    "1 to 20 characters of the GS1 character set 82 (letters, digits and !\"%&'()*+,-./:;<=>?_)"
)
"""What a lot or serial must be, in words, for messages."""


def is_gs1_text(text: str) -> bool:
    """Whether `text` can be a GS1 batch/lot (AI 10) or serial (AI 21) number."""
    return _CSET82.fullmatch(text) is not None


def gs1_text_problem(text: str) -> str | None:
    """Why `text` cannot be a GS1 lot or serial (``expected ..., found ...``), or None."""
    if is_gs1_text(text):
        return None
    if not text:
        found = "nothing"
    elif len(text) > 20:
        found = f"{len(text)} characters"
    else:
        found = "other characters"
    return f"expected {GS1_TEXT_EXPECTED}, found {found}"
