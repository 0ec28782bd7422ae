"""Framing a scanner's byte stream into scans: suffixes, gaps, decoding, AIM, cut frames."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.framing import FramingProfile, ScanFramer, Suffix, check_encoding
from drivers.scan_assembly import DEFAULT_GAP_MS, DEFAULT_SAFETY_GAP_MS, split_aim
from station.domain.scanning.scan import Scan

GS = b"\x1d"
GS1_SCAN = b"]C1" + b"0100614141999996" + b"17261231" + b"10LOT-42" + GS + b"21SER9"


def framer(**changes: object) -> ScanFramer:
    return ScanFramer(FramingProfile(**changes))  # type: ignore[arg-type]


def texts(scans: Iterable[Scan]) -> list[str]:
    return [scan.text for scan in scans]


def feed_all(f: ScanFramer, chunks: Sequence[bytes], *, start: float = 10.0) -> list[Scan]:
    """Feed chunks 1 ms apart, then flush long after."""
    scans: list[Scan] = []
    at = start
    for chunk in chunks:
        scans += f.feed(chunk, at)
        at += 0.001
    return scans + f.flush(at + 10.0)


# -- suffixes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "end"),
    [
        (Suffix.CR, b"\r"),
        (Suffix.LF, b"\n"),
        (Suffix.CRLF, b"\r\n"),
        (Suffix.TAB, b"\t"),
        (Suffix.EOT, b"\x04"),
    ],
)
def test_each_suffix_ends_a_frame_and_is_not_part_of_the_text(suffix: Suffix, end: bytes) -> None:
    f = framer(suffix=suffix)
    scans = f.feed(b"ABC" + end + b"0100614141999996" + GS + b"10X" + end, now=1.0)
    assert texts(scans) == ["ABC", "0100614141999996\x1d10X"]
    assert not f.pending()


def test_a_frame_split_across_reads_is_joined() -> None:
    f = framer(suffix=Suffix.CRLF)
    assert f.feed(b"0100", 1.0) == []
    assert f.feed(b"6141\r", 1.001) == []
    assert texts(f.feed(b"\nNEXT", 1.002)) == ["01006141"]
    assert texts(f.feed(b"\r\n", 1.003)) == ["NEXT"]


def test_with_crlf_a_lone_cr_or_lf_is_data() -> None:
    f = framer(suffix=Suffix.CRLF)
    assert texts(f.feed(b"A\rB\nC\r\n", 1.0)) == ["A\rB\nC"]


def test_cr_and_lf_accept_a_scanner_that_sends_crlf() -> None:
    for suffix in (Suffix.CR, Suffix.LF):
        f = framer(suffix=suffix)
        assert texts(feed_all(f, [b"ONE\r", b"\nTWO\r\n", b"THREE\r\n"])) == [
            "ONE",
            "TWO",
            "THREE",
        ], suffix


def test_with_cr_an_lf_not_right_after_the_cr_is_data() -> None:
    f = framer(suffix=Suffix.CR)
    assert texts(f.feed(b"A\n\nB\r\n\nC\r", 1.0)) == ["A\n\nB", "\nC"]


def test_empty_frames_produce_no_scan() -> None:
    f = framer(suffix=Suffix.CR)
    assert texts(f.feed(b"\r\r\rX\r\r", 1.0)) == ["X"]


def test_suffix_names_parse_in_any_case_and_bad_ones_list_the_choices() -> None:
    assert Suffix.parse("crlf") is Suffix.CRLF
    assert Suffix.parse("None") is Suffix.NONE
    with pytest.raises(ValueError) as info:
        Suffix.parse("ETX")
    assert str(info.value) == "suffix='ETX': expected one of CR, LF, CRLF, TAB, EOT, none"


# -- gaps ------------------------------------------------------------------------


def test_without_a_suffix_a_gap_ends_the_frame() -> None:
    f = framer(suffix=Suffix.NONE, gap_ms=50)
    assert f.gap_s == 0.05
    assert f.feed(b"0100614141", 1.000) == []
    assert f.feed(b"999996", 1.010) == []
    assert f.flush(1.040) == []
    [scan] = f.flush(1.061)
    assert scan.text == "0100614141999996"
    assert scan.monotonic_ns == 1_010_000_000, "stamped with the last byte, not the flush"
    assert not f.pending()


def test_without_a_suffix_bytes_after_a_gap_start_the_next_frame() -> None:
    f = framer(suffix=Suffix.NONE)
    assert f.feed(b"FIRST", 1.0) == []
    assert texts(f.feed(b"SECOND", 1.0 + DEFAULT_GAP_MS / 1000)) == ["FIRST"]
    assert texts(f.flush(2.0)) == ["SECOND"]


def test_with_a_suffix_the_gap_is_a_safety_flush_of_a_partial_frame() -> None:
    f = framer(suffix=Suffix.CR)
    assert f.gap_s == DEFAULT_SAFETY_GAP_MS / 1000
    assert f.feed(b"LOST-SUFFIX", 1.0) == []
    assert f.flush(1.5) == []
    assert texts(f.flush(2.0)) == ["LOST-SUFFIX"]
    assert texts(f.feed(b"NEXT\r", 2.1)) == ["NEXT"]


def test_gap_zero_turns_the_safety_flush_off() -> None:
    f = framer(suffix=Suffix.CR, gap_ms=0)
    assert f.feed(b"PARTIAL", 1.0) == []
    assert f.flush(1e6) == []
    assert texts(f.feed(b"\r", 1e6)) == ["PARTIAL"]


def test_a_forced_flush_emits_the_pending_frame_when_the_port_goes_away() -> None:
    f = framer(suffix=Suffix.CR)
    f.feed(b"HALF", 1.0)
    assert texts(f.flush(1.0, force=True)) == ["HALF"]
    assert f.flush(1.0, force=True) == []


def test_reset_forgets_a_partial_frame() -> None:
    f = framer(suffix=Suffix.CR)
    f.feed(b"HALF", 1.0)
    f.reset()
    assert not f.pending()
    assert texts(f.feed(b"WHOLE\r", 1.1)) == ["WHOLE"]


def test_a_clock_stepping_back_or_nan_does_not_end_a_frame() -> None:
    f = framer(suffix=Suffix.NONE)
    f.feed(b"AB", 5.0)
    assert f.feed(b"CD", 4.0) == []
    assert f.flush(float("nan")) == []
    [scan] = f.flush(float("nan"), force=True)
    assert scan.text == "ABCD"


# -- decoding and AIM ----------------------------------------------------------------


def test_latin_1_maps_every_byte_and_keeps_gs() -> None:
    f = framer()
    everything = bytes(b for b in range(256) if b != 0x0D)
    [scan] = f.feed(everything + b"\r", 1.0)
    assert scan.text == everything.decode("latin-1")
    assert "\x1d" in scan.text


def test_utf_8_decodes_and_replaces_bad_bytes() -> None:
    f = framer(encoding="utf-8")
    assert texts(f.feed("Müller".encode() + b"\r" + b"\xff\xfeOK\r", 1.0)) == [
        "Müller",
        "\ufffd\ufffdOK",
    ]


def test_a_utf_8_character_split_across_reads_is_whole() -> None:
    f = framer(encoding="utf-8")
    data = "Ä".encode()
    assert f.feed(data[:1], 1.0) == []
    assert texts(f.feed(data[1:] + b"\r", 1.0)) == ["Ä"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "rot13", "base64", "no-such-codec"])
def test_encodings_that_are_not_ascii_compatible_are_refused(encoding: str) -> None:
    with pytest.raises(ValueError, match=f"encoding={encoding!r}"):
        check_encoding(encoding)


def test_encoding_names_are_canonical() -> None:
    assert check_encoding("UTF8") == "utf-8"
    assert check_encoding("latin1") == "iso8859-1"


def test_aim_prefix_is_split_into_the_symbology() -> None:
    f = framer(aim=True, device="serial:///dev/ttyACM0")
    first, second, third = f.feed(GS1_SCAN + b"\r]Q3HELLO\rNOAIM\r", 3.5)
    assert first == Scan(
        text="0100614141999996" + "17261231" + "10LOT-42\x1d21SER9",
        device="serial:///dev/ttyACM0",
        symbology="]C1",
        monotonic_ns=3_500_000_000,
    )
    assert (second.symbology, second.text) == ("]Q3", "HELLO")
    assert (third.symbology, third.text) == (None, "NOAIM")


def test_without_aim_the_prefix_stays_in_the_text() -> None:
    [scan] = framer().feed(GS1_SCAN + b"\r", 1.0)
    assert scan.text.startswith("]C1")
    assert scan.symbology is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("]C1010", ("]C1", "010")),
        ("]d2", ("]d2", "")),
        ("]E0", ("]E0", "")),
        ("]1C", (None, "]1C")),
        ("]C", (None, "]C")),
        ("]Cé", (None, "]Cé")),
        ("C1]", (None, "C1]")),
    ],
)
def test_split_aim(text: str, expected: tuple[str | None, str]) -> None:
    assert split_aim(text) == expected


# -- over-long frames ----------------------------------------------------------------


def test_an_over_long_frame_is_cut_emitted_once_and_its_tail_discarded() -> None:
    f = framer(suffix=Suffix.CR, max_length=8)
    scans = f.feed(b"0123456789ABCDEF", 1.0)
    assert texts(scans) == ["01234567"]
    assert f.feed(b"GHIJ", 1.001) == []
    assert texts(f.feed(b"KL\rNEXT\r", 1.002)) == ["NEXT"]
    assert f.cut_frames == 1
    assert f.discarded_bytes == len(b"89ABCDEF" + b"GHIJ" + b"KL")


def test_an_over_long_complete_frame_in_one_read_is_cut() -> None:
    f = framer(suffix=Suffix.CR, max_length=4)
    assert texts(f.feed(b"ABCDEFG\rOK\r", 1.0)) == ["ABCD", "OK"]
    assert (f.cut_frames, f.discarded_bytes) == (1, 3)


def test_without_a_suffix_an_over_long_stream_is_cut_until_a_gap() -> None:
    f = framer(suffix=Suffix.NONE, max_length=4)
    assert texts(f.feed(b"ABCDEF", 1.0)) == ["ABCD"]
    assert f.feed(b"GHIJ", 1.01) == []
    assert f.flush(2.0) == []
    assert texts(feed_all(f, [b"OK"], start=3.0)) == ["OK"]
    assert f.cut_frames == 1


def test_the_default_maximum_is_8_kib() -> None:
    f = framer()
    [scan] = f.feed(b"X" * 20_000 + b"\r", 1.0)
    assert len(scan.text) == 8192


# -- bad profiles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"suffix": Suffix.NONE, "gap_ms": 0}, "gap_ms=0: with suffix=none"),
        ({"gap_ms": -1}, "gap_ms=-1: expected a number of milliseconds"),
        ({"gap_ms": float("nan")}, "gap_ms=nan"),
        ({"max_length": 0}, "max_length=0: expected at least 1"),
        ({"encoding": "utf-16"}, "encoding='utf-16': expected an ASCII-compatible"),
    ],
)
def test_bad_profiles_are_refused_naming_the_setting(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        framer(**changes)


# -- properties ------------------------------------------------------------------------

SUFFIXES = [Suffix.CR, Suffix.LF, Suffix.CRLF, Suffix.TAB, Suffix.EOT]
SAFE_BYTES = st.binary(min_size=1, max_size=40).map(
    lambda b: bytes(c for c in b if c not in b"\r\n\t\x04")
)


@st.composite
def chunked(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """`data` cut at arbitrary places."""
    cuts = sorted(draw(st.sets(st.integers(0, len(data)), max_size=8)))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=200, deadline=None)
@given(
    chunks=st.lists(st.binary(max_size=64), max_size=20),
    times=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=20, max_size=20),
    profile=st.builds(
        FramingProfile,
        suffix=st.sampled_from(list(Suffix)),
        encoding=st.sampled_from(["latin-1", "utf-8", "cp1252", "ascii"]),
        aim=st.booleans(),
        max_length=st.integers(1, 32),
    ),
)
def test_no_bytes_and_no_times_make_it_raise(
    chunks: list[bytes], times: list[float], profile: FramingProfile
) -> None:
    f = ScanFramer(profile)
    scans: list[Scan] = []
    for chunk, at in zip(chunks, times, strict=False):
        scans += f.feed(chunk, at)
        scans += f.flush(at)
    scans += f.flush(times[-1], force=True)
    for scan in scans:
        assert isinstance(scan.text, str)
        assert len(scan.text) + len(scan.symbology or "") <= profile.max_length
        assert scan.text or scan.symbology
    assert not f.pending()


@settings(max_examples=200, deadline=None)
@given(
    frames=st.lists(SAFE_BYTES, min_size=1, max_size=6),
    suffix=st.sampled_from(SUFFIXES),
    data=st.data(),
)
def test_frames_come_back_exactly_however_the_reads_split_them(
    frames: list[bytes], suffix: Suffix, data: st.DataObject
) -> None:
    stream = b"".join(frame + suffix.separator for frame in frames)
    chunks = data.draw(chunked(stream))
    assert texts(feed_all(framer(suffix=suffix), chunks)) == [
        frame.decode("latin-1") for frame in frames if frame
    ]


@settings(max_examples=200, deadline=None)
@given(frames=st.lists(st.binary(min_size=1, max_size=30), min_size=1, max_size=6))
def test_without_a_suffix_frames_separated_by_gaps_come_back_exactly(
    frames: list[bytes],
) -> None:
    f = framer(suffix=Suffix.NONE, gap_ms=50)
    scans: list[Scan] = []
    at = 100.0
    for frame in frames:
        scans += f.feed(frame, at)
        at += 0.2
    scans += f.flush(at)
    assert texts(scans) == [frame.decode("latin-1") for frame in frames]
