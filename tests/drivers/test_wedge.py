"""Burst detection for keyboard-wedge scanners, by timing, with no UI framework."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from drivers.wedge import (
    GS,
    GS_KEY,
    GsMode,
    KeyStroke,
    Terminator,
    WedgeAssembler,
    WedgeProfile,
)
from station.domain.scanning.scan import Scan

FAR_FUTURE = 1e9

TERMINATOR_STROKES = {
    Terminator.ENTER: ("enter", "\r"),
    Terminator.TAB: ("tab", "\t"),
    Terminator.EOT: ("ctrl+d", "\x04"),
}


def typed(text: str, gaps_ms: float | Sequence[float], *, start: float = 100.0) -> list[KeyStroke]:
    """Keystrokes for ``text``; GS as Ctrl+]; gap before each key after the first."""
    gaps = [gaps_ms] * len(text) if isinstance(gaps_ms, int | float) else list(gaps_ms)
    strokes: list[KeyStroke] = []
    at = start
    for index, char in enumerate(text):
        if index:
            at += gaps[index - 1] / 1000
        key = GS_KEY if char == GS else char
        strokes.append(KeyStroke(key, char, at))
    return strokes


def then(
    strokes: list[KeyStroke], key: str, character: str | None, gap_ms: float
) -> list[KeyStroke]:
    return [*strokes, KeyStroke(key, character, strokes[-1].at + gap_ms / 1000)]


def run(
    assembler: WedgeAssembler, strokes: Iterable[KeyStroke]
) -> tuple[list[Scan], list[KeyStroke]]:
    """Feed every stroke, then flush; return the scans and what the widget would get."""
    scans: list[Scan] = []
    delivered: list[KeyStroke] = []
    for stroke in strokes:
        result = assembler.feed(stroke)
        delivered.extend(result.replay)
        if not result.consumed:
            delivered.append(stroke)
        if result.scan is not None:
            scans.append(result.scan)
    delivered.extend(assembler.flush(FAR_FUTURE))
    return scans, delivered


@pytest.mark.parametrize(
    ("terminator", "key", "character"),
    [
        (Terminator.ENTER, "enter", "\r"),
        (Terminator.ENTER, "enter", None),
        (Terminator.ENTER, "ctrl+j", "\n"),
        (Terminator.TAB, "tab", "\t"),
        (Terminator.EOT, "ctrl+d", "\x04"),
        (Terminator.EOT, "ctrl+d", None),
    ],
)
def test_fast_burst_with_each_terminator_is_one_scan(
    terminator: Terminator, key: str, character: str | None
) -> None:
    strokes = then(typed("(00)012345678901234567", 0.4), key, character, 0.4)

    scans, delivered = run(WedgeAssembler(WedgeProfile(terminator=terminator)), strokes)

    assert scans == [Scan("(00)012345678901234567", "wedge", None, int(strokes[-1].at * 1e9))]
    assert delivered == []


def test_scan_carries_profile_device_and_terminator_time() -> None:
    strokes = then(typed("ABC123", 0.5, start=12.5), "enter", "\r", 0.5)

    scans, _ = run(WedgeAssembler(WedgeProfile(device="dock-3")), strokes)

    assert scans[0].device == "dock-3"
    assert scans[0].monotonic_ns == int(strokes[-1].at * 1e9)


@pytest.mark.parametrize(
    ("profile", "burst", "expected"),
    [
        (WedgeProfile(), f"0109501101020917{GS}10ABC", f"0109501101020917{GS}10ABC"),
        (
            WedgeProfile(gs_mode=GsMode.SUBSTITUTE, gs_substitute="#"),
            "0109501101020917#10ABC",
            f"0109501101020917{GS}10ABC",
        ),
        (
            WedgeProfile(gs_mode=GsMode.SUBSTITUTE),
            "10AB~21X~17250101",
            f"10AB{GS}21X{GS}17250101",
        ),
        (
            WedgeProfile(gs_mode=GsMode.ALT029),
            "0109501101020917Alt02910ABC",
            f"0109501101020917{GS}10ABC",
        ),
        (
            WedgeProfile(gs_mode=GsMode.SUBSTITUTE, gs_substitute="#"),
            f"10AB{GS}21X",
            f"10AB{GS}21X",
        ),
        (WedgeProfile(gs_mode=GsMode.ALT029), f"10AB{GS}21X", f"10AB{GS}21X"),
        (WedgeProfile(), "10AB~21X", "10AB~21X"),
    ],
    ids=[
        "control",
        "substitute-hash",
        "substitute-tilde",
        "alt029",
        "real-gs-in-substitute",
        "real-gs-in-alt029",
        "control-keeps-tilde",
    ],
)
def test_gs_is_normalised_per_mode(profile: WedgeProfile, burst: str, expected: str) -> None:
    scans, delivered = run(WedgeAssembler(profile), then(typed(burst, 0.3), "enter", "\r", 0.3))

    assert [scan.text for scan in scans] == [expected]
    assert delivered == []


def test_gs_control_key_without_character_counts_as_gs() -> None:
    strokes = typed("10AB", 0.3)
    strokes = then(strokes, GS_KEY, None, 0.3)
    strokes = then(strokes, "2", "2", 0.3)
    strokes = then(strokes, "enter", "\r", 0.3)

    scans, _ = run(WedgeAssembler(WedgeProfile()), strokes)

    assert [scan.text for scan in scans] == [f"10AB{GS}2"]


@pytest.mark.parametrize(
    ("aim_prefix", "burst", "symbology", "text"),
    [
        (True, "]C1010950110102091710ABC", "]C1", "010950110102091710ABC"),
        (True, "]d2010950110102091710ABC", "]d2", "010950110102091710ABC"),
        (True, "010950110102091710ABC", None, "010950110102091710ABC"),
        (True, "]]1ABC", None, "]]1ABC"),
        (False, "]C1010950110102091710ABC", None, "]C1010950110102091710ABC"),
    ],
)
def test_aim_prefix_is_split_only_when_configured(
    aim_prefix: bool, burst: str, symbology: str | None, text: str
) -> None:
    profile = WedgeProfile(aim_prefix=aim_prefix)

    scans, _ = run(WedgeAssembler(profile), then(typed(burst, 0.3), "enter", "\r", 0.3))

    assert [(scan.symbology, scan.text) for scan in scans] == [(symbology, text)]


def test_human_typing_with_enter_is_delivered_in_order() -> None:
    strokes = then(typed("lot 42b", [120, 300, 140, 200, 125, 250]), "enter", "\r", 180)

    scans, delivered = run(WedgeAssembler(WedgeProfile()), strokes)

    assert scans == []
    assert delivered == strokes


def test_two_fast_keys_then_a_pause_are_replayed() -> None:
    assembler = WedgeAssembler(WedgeProfile())
    a, b, c = typed("abc", [20, 400])

    assert assembler.feed(a).consumed
    assert assembler.feed(b).consumed
    third = assembler.feed(c)

    assert third.replay == (a, b)
    assert third.consumed
    assert assembler.flush(c.at + 0.2) == [c]
    assert not assembler.pending()


def test_fast_typist_is_held_only_for_two_gaps_then_goes_through() -> None:
    assembler = WedgeAssembler(WedgeProfile())
    strokes = typed("receiving", [70, 90, 60, 100, 80, 75, 95, 85])

    results = [assembler.feed(stroke) for stroke in strokes]

    assert [r.consumed for r in results] == [True, True] + [False] * 7
    assert results[2].replay == (strokes[0], strokes[1])
    assert all(r.replay == () for r in results[3:])


def test_short_burst_before_terminator_is_typing() -> None:
    strokes = then(typed("ok", 1), "enter", "\r", 1)

    scans, delivered = run(WedgeAssembler(WedgeProfile()), strokes)

    assert scans == []
    assert delivered == strokes


def test_bluetooth_burst_with_one_90ms_stall_is_a_scan() -> None:
    gaps = [0.8] * 9 + [90] + [0.8] * 10
    strokes = then(typed("00012345678901234567X", gaps), "enter", "\r", 0.8)

    scans, delivered = run(WedgeAssembler(WedgeProfile()), strokes)

    assert [scan.text for scan in scans] == ["00012345678901234567X"]
    assert delivered == []


def test_55ms_timeout_splits_a_bluetooth_burst_that_the_default_keeps() -> None:
    gaps = [0.8] * 9 + [60] + [0.8] * 10
    strokes = then(typed("00012345678901234567X", gaps), "enter", "\r", 0.8)

    short_scans, short_delivered = run(
        WedgeAssembler(WedgeProfile(inter_key_timeout_ms=55)), strokes
    )
    default_scans, _ = run(WedgeAssembler(WedgeProfile()), strokes)

    # The stall splits the burst: its head is typed into the field and its
    # tail is taken for a whole, wrong scan.
    assert [scan.text for scan in short_scans] == ["8901234567X"]
    assert short_delivered == strokes[:10]
    assert [scan.text for scan in default_scans] == ["00012345678901234567X"]


def test_flush_releases_a_stale_key_only_after_the_timeout() -> None:
    assembler = WedgeAssembler(WedgeProfile())
    (x,) = typed("x", 0)

    assert assembler.feed(x).consumed
    assert assembler.pending()
    assert assembler.flush(x.at + 0.100) == []
    assert assembler.flush(x.at + 0.151) == [x]
    assert not assembler.pending()
    assert assembler.flush(x.at + 1) == []


def test_flush_does_not_break_a_burst_in_progress() -> None:
    assembler = WedgeAssembler(WedgeProfile())
    strokes = then(typed("ABC123", 0.5), "enter", "\r", 0.5)

    results = []
    for stroke in strokes:
        assert assembler.flush(stroke.at) == []
        results.append(assembler.feed(stroke))

    assert [r.scan.text for r in results if r.scan is not None] == ["ABC123"]


def test_paste_of_several_lines_gives_several_scans() -> None:
    assembler = WedgeAssembler(WedgeProfile(gs_mode=GsMode.SUBSTITUTE, aim_prefix=True))

    scans = assembler.paste("]C1010950110102091710A~21B\r\nSEAL-0042\n\nBOL 7\r", at=3.0)

    assert scans == [
        Scan(f"010950110102091710A{GS}21B", "wedge", "]C1", 3_000_000_000),
        Scan("SEAL-0042", "wedge", None, 3_000_000_000),
        Scan("BOL 7", "wedge", None, 3_000_000_000),
    ]


def test_paste_splits_on_the_configured_terminator() -> None:
    assembler = WedgeAssembler(WedgeProfile(terminator=Terminator.EOT))

    assert [s.text for s in assembler.paste("A1\x04B2\x04", at=0)] == ["A1", "B2"]
    assert assembler.paste("", at=0) == []


def test_non_character_key_mid_burst_cancels_it() -> None:
    assembler = WedgeAssembler(WedgeProfile())
    strokes = typed("ABC", 0.5)
    for stroke in strokes:
        assembler.feed(stroke)

    left = assembler.feed(KeyStroke("left", None, strokes[-1].at + 0.0005))

    assert left.replay == tuple(strokes)
    assert not left.consumed
    assert left.scan is None
    assert not assembler.pending()


def test_other_terminator_mid_burst_cancels_it() -> None:
    strokes = then(typed("ABC123", 0.5), "tab", "\t", 0.5)

    scans, delivered = run(WedgeAssembler(WedgeProfile()), strokes)

    assert scans == []
    assert delivered == strokes


def test_scan_is_recognised_after_typing_and_a_pause() -> None:
    typing = then(typed("note", [80, 90, 70]), "enter", "\r", 200)
    burst = then(typed("SEAL0042", 0.5, start=typing[-1].at + 0.3), "enter", "\r", 0.5)

    scans, delivered = run(WedgeAssembler(WedgeProfile()), typing + burst)

    assert [scan.text for scan in scans] == ["SEAL0042"]
    assert delivered == typing


# --- properties -------------------------------------------------------------

KEYS = st.one_of(
    st.characters(codec="utf-8").map(lambda c: (c, c)),
    st.sampled_from(
        [
            ("a", "a"),
            ("1", "1"),
            ("space", " "),
            ("enter", "\r"),
            ("enter", None),
            ("ctrl+j", "\n"),
            ("tab", "\t"),
            ("ctrl+d", "\x04"),
            ("ctrl+d", None),
            (GS_KEY, GS),
            (GS_KEY, None),
            ("left", None),
            ("f5", None),
            ("escape", "\x1b"),
            ("backspace", "\x7f"),
            ("weird", ""),
        ]
    ),
)
GAPS_MS = st.one_of(st.floats(0, 2), st.floats(0, 400), st.just(150.0), st.just(35.0))
# None stands for a call to flush instead of a keystroke.
ACTION = st.tuples(st.one_of(st.none(), KEYS, KEYS, KEYS), GAPS_MS)
# Scanner-like runs so that scans, not only typing, are exercised.
BURST = st.lists(st.tuples(KEYS, st.floats(0, 2)), min_size=3, max_size=12).map(
    lambda run: [*run, (("enter", "\r"), 0.5)]
)
ACTIONS = st.lists(st.one_of(ACTION.map(lambda a: [a]), BURST), max_size=20).map(
    lambda runs: [action for run in runs for action in run]
)
Actions = list[tuple[tuple[str, str] | None, float]]


def _apply(
    assembler: WedgeAssembler, actions: Actions
) -> tuple[list[KeyStroke], list[Scan], list[KeyStroke]]:
    """Feed the actions (some are flushes instead of keys); return fed, scans, delivered."""
    at = 1000.0
    fed: list[KeyStroke] = []
    scans: list[Scan] = []
    delivered: list[KeyStroke] = []
    for key, gap_ms in actions:
        at += gap_ms / 1000
        if key is None:
            delivered.extend(assembler.flush(at))
            continue
        stroke = KeyStroke(*key, at)
        fed.append(stroke)
        result = assembler.feed(stroke)
        delivered.extend(result.replay)
        if not result.consumed:
            delivered.append(stroke)
        if result.scan is not None:
            scans.append(result.scan)
    delivered.extend(assembler.flush(at + FAR_FUTURE))
    assert not assembler.pending()
    return fed, scans, delivered


def _burst_char(stroke: KeyStroke) -> str | None:
    if stroke.key == GS_KEY or stroke.character == GS:
        return GS
    char = stroke.character
    return char if char and char.isprintable() else None


@settings(max_examples=250, deadline=None)
@given(
    actions=ACTIONS,
    terminator=st.sampled_from(Terminator),
    timeout_ms=st.floats(1, 300),
    burst_gap_ms=st.floats(0, 100),
    min_length=st.integers(0, 5),
)
def test_nothing_typed_is_lost_duplicated_or_reordered(
    actions: Actions,
    terminator: Terminator,
    timeout_ms: float,
    burst_gap_ms: float,
    min_length: int,
) -> None:
    profile = WedgeProfile(
        terminator=terminator,
        inter_key_timeout_ms=timeout_ms,
        burst_gap_ms=burst_gap_ms,
        min_length=min_length,
    )

    fed, scans, delivered = _apply(WedgeAssembler(profile), actions)
    event(f"scans: {min(len(scans), 2)}")

    position = {id(stroke): index for index, stroke in enumerate(fed)}
    delivered_positions = [position[id(stroke)] for stroke in delivered]
    assert delivered_positions == sorted(set(delivered_positions)), "duplicated or reordered"
    kept = [stroke for stroke in fed if id(stroke) not in set(map(id, delivered))]
    kept_chars = [_burst_char(stroke) for stroke in kept]
    assert "".join(c for c in kept_chars if c is not None) == "".join(s.text for s in scans)
    assert len(kept) - sum(c is not None for c in kept_chars) == len(scans), (
        "only burst characters and one terminator per scan may be withheld"
    )


@settings(max_examples=150, deadline=None)
@given(
    actions=ACTIONS,
    profile=st.builds(
        WedgeProfile,
        terminator=st.sampled_from(Terminator),
        gs_mode=st.sampled_from(GsMode),
        gs_substitute=st.text(max_size=3),
        aim_prefix=st.booleans(),
        inter_key_timeout_ms=st.floats(0, 300),
        burst_gap_ms=st.floats(0, 100),
        min_length=st.integers(-1, 5),
    ),
    paste=st.text(max_size=40),
)
def test_any_profile_and_input_never_raises(
    actions: Actions, profile: WedgeProfile, paste: str
) -> None:
    assembler = WedgeAssembler(profile)

    _, scans, _ = _apply(assembler, actions)
    pasted = assembler.paste(paste, at=5.0)

    assert all(scan.device == "wedge" for scan in scans + pasted)
    assert all(piece for scan in pasted for piece in [scan.text or scan.symbology])


def test_non_finite_times_do_not_raise() -> None:
    assembler = WedgeAssembler(WedgeProfile(min_length=1))
    strokes = [KeyStroke("a", "a", float("nan")), KeyStroke("enter", "\r", float("inf"))]

    run(assembler, strokes)

    assert [s.monotonic_ns for s in assembler.paste("X", at=float("nan"))] == [0]
