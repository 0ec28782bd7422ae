"""The one file-name rule: safe names, and never one name for two ids."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from station.domain.file_names import MAX_STEM, file_stem

IDS = [
    "SHP/1",
    "SHP_1",
    "SHP%2F1",
    "SHP 1",
    "SHP-1",
    "shp-1",
    ".hidden",
    "%2Ehidden",
    "..",
    ".",
    "a.b",
    "Lô-7",
    "L\u00f4-7",
    "Lo\u0302-7",
    "x" * 300,
    "x" * 301,
    "é" * 100,
    "",
    "~",
    "\x1d01",
]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("SHP-2001", "SHP-2001"),
        ("SHP/1", "SHP%2F1"),
        ("SHP_1", "SHP_1"),
        ("lot 42%", "lot%2042%25"),
        (".hidden", "%2Ehidden"),
        ("a.b", "a.b"),
        ("~", "%7E"),
        ("Lô-7", "L%C3%B4-7"),
    ],
)
def test_file_stem(name: str, stem: str) -> None:
    assert file_stem(name) == stem


def test_no_two_ids_share_a_name() -> None:
    stems = [file_stem(name) for name in IDS]
    assert len(set(stems)) == len(set(IDS))


def test_names_are_safe_and_short() -> None:
    for name in IDS:
        stem = file_stem(name)
        assert re.fullmatch(r"[A-Za-z0-9._%~-]+", stem), stem
        assert not stem.startswith(".") and len(stem) <= MAX_STEM


def test_a_name_reads_back_to_its_id() -> None:
    for name in IDS:
        stem = file_stem(name)
        if "~" not in stem:
            assert urllib.parse.unquote(stem, errors="strict") == name


def test_a_long_id_keeps_its_start_and_never_cuts_an_escape() -> None:
    stem = file_stem("é" * 100)
    start, digest = stem.split("~")
    assert len(stem) <= MAX_STEM and len(digest) == 32
    assert re.fullmatch(r"(%[0-9A-F]{2})+", start), start
    assert ("é" * 100).encode().startswith(urllib.parse.unquote_to_bytes(start))
