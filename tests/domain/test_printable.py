"""printable() turns any scanned text into one safe line; has_control() spots what it escapes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.printable import has_control, printable, quoted


def _unsafe(text: str) -> list[str]:
    return [char for char in text if unicodedata.category(char)[0] == "C"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ABC-123", "ABC-123"),
        ("", ""),
        ("0109521234543213\x1d10ABC", "0109521234543213<GS>10ABC"),
        ("\x00", "\\x00"),
        ("A\tB\r\nC", "A\\x09B\\x0d\\x0aC"),
        ("\x7f", "\\x7f"),
        ("\x85\x9b", "\\x85\\x9b"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("\u202eevil\u202c", "\\u202eevil\\u202c"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("a\u200bb\ufeffc\u200d", "a\\u200bb\\ufeffc\\u200d"),
        ("line\u2028sep", "line\\u2028sep"),
        ("\U000e0001tag", "\\U000e0001tag"),
        ("\ue000", "\\ue000"),
        ("\ud800", "\\ud800"),
        ("Grüße 東京 \u00a0nbsp", "Grüße 東京 \u00a0nbsp"),
    ],
)
def test_printable_escapes(text: str, expected: str) -> None:
    assert printable(text) == expected


def test_printable_truncates_with_ellipsis() -> None:
    assert printable("A" * 10, limit=10) == "A" * 10
    assert printable("A" * 11, limit=10) == "A" * 9 + "…"
    assert printable("A" * 5000) == "A" * 199 + "…"
    assert printable("A" * 5000, limit=None) == "A" * 5000


def test_printable_never_cuts_inside_an_escape() -> None:
    assert printable("AB\x1bCD", limit=5) == "AB…"
    assert printable("AB\x1dCD", limit=7) == "AB<GS>…"
    assert printable("AB\x1dCD", limit=8) == "AB<GS>CD"


def test_printable_rejects_a_useless_limit() -> None:
    with pytest.raises(ValueError, match="limit must be at least 1"):
        printable("A", limit=0)


def test_quoted() -> None:
    assert quoted("AB\x1dC") == "'AB<GS>C'"
    assert quoted("X" * 100, limit=5) == "'XXXX…'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ABC 123", False),
        ("Grüße", False),
        ("\u00a0", False),
        ("\u2028", False),
        ("\x1d", True),
        ("\x1b[2J", True),
        ("\u202e", True),
        ("\u200b", True),
        ("\ud800", True),
        ("\ue000", True),
        ("\U000e0001", True),
    ],
)
def test_has_control(text: str, expected: bool) -> None:
    assert has_control(text) is expected


@given(st.text())
def test_printable_output_has_no_control_characters(text: str) -> None:
    result = printable(text, limit=None)
    assert not _unsafe(result)
    assert "\u2028" not in result
    assert "\u2029" not in result
    assert printable(result, limit=None) == result


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_printable_respects_limit(text: str, limit: int) -> None:
    result = printable(text, limit=limit)
    assert len(result) <= limit
    assert not _unsafe(result)


@given(st.text(st.characters(codec="utf-8")))
def test_has_control_matches_categories(text: str) -> None:
    assert has_control(text) is bool(_unsafe(text))
