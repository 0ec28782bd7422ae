"""Keyboard scanners through evdev: key events to text by layout, and the reader thread.

This machine has no /dev/input or /dev/uinput, so the decoder is tested with
event sequences as a HID scanner sends them (MSC_SCAN, EV_KEY press and
release, SYN_REPORT), written out below, and the reader thread with an input
device whose events come through a pipe and are parsed by python-evdev's own
reader. A real exclusive grab can only be checked on a real PC.
"""

from __future__ import annotations

import errno
import os
import queue
import re
import struct
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers import input_codes as ic
from drivers import keyboard_layouts as kl
from drivers.evdev_keymap import (
    EvdevDecoder,
    KeyboardProfile,
    KeySuffix,
)
from drivers.evdev_scanner import EvdevScanner, open_evdev_scanner
from drivers.input_codes import (
    EV_KEY,
    EV_MSC,
    EV_SYN,
    KEY_0,
    KEY_1,
    KEY_2,
    KEY_3,
    KEY_4,
    KEY_5,
    KEY_6,
    KEY_7,
    KEY_8,
    KEY_9,
    KEY_102ND,
    KEY_BACKSLASH,
    KEY_C,
    KEY_CAPSLOCK,
    KEY_D,
    KEY_DOT,
    KEY_E,
    KEY_ENTER,
    KEY_EQUAL,
    KEY_GRAVE,
    KEY_KP0,
    KEY_KP1,
    KEY_KP2,
    KEY_KP4,
    KEY_KP6,
    KEY_KP9,
    KEY_KPENTER,
    KEY_L,
    KEY_LEFTALT,
    KEY_LEFTCTRL,
    KEY_LEFTSHIFT,
    KEY_MINUS,
    KEY_O,
    KEY_Q,
    KEY_RIGHTALT,
    KEY_RIGHTBRACE,
    KEY_RIGHTSHIFT,
    KEY_SLASH,
    KEY_SPACE,
    KEY_T,
    KEY_TAB,
    KEY_X,
    KEY_Y,
    KEY_Z,
    MSC_SCAN,
    SYN_DROPPED,
    SYN_REPORT,
)
from drivers.keyboard_layouts import (
    DE,
    LAYOUTS,
    US,
)
from drivers.registry import open_scanner
from drivers.urls import parse_device_url
from station.domain.scanning.scan import Scan
from station.errors import DeviceError
from station.ports import DeviceState, DeviceStatus
from tests.drivers.polling import WAIT_S, wait_for

Event = tuple[int, int, int]
"""(type, code, value) as read from /dev/input/event*."""


# HID usages (page 7) a scanner reports in MSC_SCAN before each key; the decoder
# ignores them, they are here so the sequences look like what evtest records.
HID_USAGE = {
    **{getattr(ic, f"KEY_{c}"): 0x70004 + i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")},
    **{getattr(ic, f"KEY_{d}"): 0x7001E + i for i, d in enumerate("123456789")},
    KEY_0: 0x70027,
    KEY_ENTER: 0x70028,
    KEY_TAB: 0x7002B,
    KEY_SPACE: 0x7002C,
    KEY_MINUS: 0x7002D,
    KEY_EQUAL: 0x7002E,
    KEY_RIGHTBRACE: 0x70030,
    KEY_BACKSLASH: 0x70032,
    KEY_GRAVE: 0x70035,
    KEY_DOT: 0x70037,
    KEY_SLASH: 0x70038,
    KEY_102ND: 0x70064,
    KEY_LEFTCTRL: 0x700E0,
    KEY_LEFTSHIFT: 0x700E1,
    KEY_LEFTALT: 0x700E2,
    KEY_RIGHTSHIFT: 0x700E5,
    KEY_RIGHTALT: 0x700E6,
}


def key(code: int, value: int) -> list[Event]:
    """One key event as a HID keyboard reports it: scan code, key, report."""
    return [
        (EV_MSC, MSC_SCAN, HID_USAGE.get(code, 0)),
        (EV_KEY, code, value),
        (EV_SYN, SYN_REPORT, 0),
    ]


def tap(code: int, *held: int) -> list[Event]:
    """Press `held` modifiers, press and release `code`, release the modifiers."""
    events: list[Event] = []
    for modifier in held:
        events += key(modifier, 1)
    events += key(code, 1) + key(code, 0)
    for modifier in reversed(held):
        events += key(modifier, 0)
    return events


DIGIT_KEYS = {
    "0": KEY_0,
    "1": KEY_1,
    "2": KEY_2,
    "3": KEY_3,
    "4": KEY_4,
    "5": KEY_5,
    "6": KEY_6,
    "7": KEY_7,
    "8": KEY_8,
    "9": KEY_9,
}


def digits(text: str) -> list[Event]:
    return [event for d in text for event in tap(DIGIT_KEYS[d])]


def decode(
    events: Iterable[Event], *, start: float = 100.0, step: float = 0.0005, **profile: object
) -> list[Scan]:
    """Feed events 0.5 ms apart (a USB scanner's pace), then flush long after."""
    decoder = EvdevDecoder(KeyboardProfile(**profile))  # type: ignore[arg-type]
    scans: list[Scan] = []
    at = start
    for type_, code, value in events:
        scans += decoder.feed(type_, code, value, at)
        at += step
    return scans + decoder.flush(at + 60)


def texts(scans: Iterable[Scan]) -> list[str]:
    return [scan.text for scan in scans]


# -- recorded sequences ----------------------------------------------------------------

US_GS1_SCAN: list[Event] = [
    # "]C1": the AIM identifier, C typed with left shift
    *tap(KEY_RIGHTBRACE),
    *tap(KEY_C, KEY_LEFTSHIFT),
    *tap(KEY_1),
    # (01) GTIN
    *digits("0100614141999996"),
    # GS: Ctrl+] by position
    *tap(KEY_RIGHTBRACE, KEY_LEFTCTRL),
    # (10) batch "LOT", upper case with the right shift held across the letters
    *digits("10"),
    *key(KEY_RIGHTSHIFT, 1),
    *tap(KEY_L),
    *tap(KEY_O),
    *tap(KEY_T),
    *key(KEY_RIGHTSHIFT, 0),
    *tap(KEY_ENTER),
]

# `evtest` output for GS typed as a Windows Alt code (Alt held, keypad 0 2 9).
ALT_029_EVTEST = """
Event: time 1732348800.100000, type 4 (EV_MSC), code 4 (MSC_SCAN), value 700e2
Event: time 1732348800.100000, type 1 (EV_KEY), code 56 (KEY_LEFTALT), value 1
Event: time 1732348800.100000, -------------- SYN_REPORT ------------
Event: time 1732348800.100900, type 4 (EV_MSC), code 4 (MSC_SCAN), value 70062
Event: time 1732348800.100900, type 1 (EV_KEY), code 82 (KEY_KP0), value 1
Event: time 1732348800.100900, -------------- SYN_REPORT ------------
Event: time 1732348800.101800, type 4 (EV_MSC), code 4 (MSC_SCAN), value 70062
Event: time 1732348800.101800, type 1 (EV_KEY), code 82 (KEY_KP0), value 0
Event: time 1732348800.101800, -------------- SYN_REPORT ------------
Event: time 1732348800.102700, type 4 (EV_MSC), code 4 (MSC_SCAN), value 7005a
Event: time 1732348800.102700, type 1 (EV_KEY), code 80 (KEY_KP2), value 1
Event: time 1732348800.102700, -------------- SYN_REPORT ------------
Event: time 1732348800.103600, type 4 (EV_MSC), code 4 (MSC_SCAN), value 7005a
Event: time 1732348800.103600, type 1 (EV_KEY), code 80 (KEY_KP2), value 0
Event: time 1732348800.103600, -------------- SYN_REPORT ------------
Event: time 1732348800.104500, type 4 (EV_MSC), code 4 (MSC_SCAN), value 70061
Event: time 1732348800.104500, type 1 (EV_KEY), code 73 (KEY_KP9), value 1
Event: time 1732348800.104500, -------------- SYN_REPORT ------------
Event: time 1732348800.105400, type 4 (EV_MSC), code 4 (MSC_SCAN), value 70061
Event: time 1732348800.105400, type 1 (EV_KEY), code 73 (KEY_KP9), value 0
Event: time 1732348800.105400, -------------- SYN_REPORT ------------
Event: time 1732348800.106300, type 4 (EV_MSC), code 4 (MSC_SCAN), value 700e2
Event: time 1732348800.106300, type 1 (EV_KEY), code 56 (KEY_LEFTALT), value 0
Event: time 1732348800.106300, -------------- SYN_REPORT ------------
"""

_EVTEST_LINE = re.compile(
    r"Event: time [\d.]+, (?:type (\d+) \(\w+\), code (\d+) \(\w+\), value (\w+)|-+ (SYN_REPORT) -+)"
)


def parse_evtest(text: str) -> list[Event]:
    """Events from `evtest` output (values of MSC_SCAN are hexadecimal)."""
    events: list[Event] = []
    for line in text.strip().splitlines():
        match = _EVTEST_LINE.fullmatch(line.strip())
        assert match, line
        if match[4]:
            events.append((EV_SYN, SYN_REPORT, 0))
        else:
            type_, code = int(match[1]), int(match[2])
            events.append((type_, code, int(match[3], 16 if type_ == EV_MSC else 10)))
    return events


def test_a_us_scanner_types_a_gs1_scan_with_aim_prefix_and_ctrl_bracket_gs() -> None:
    [scan] = decode(US_GS1_SCAN, aim=True, device="evdev:///dev/input/by-id/usb-scanner")
    assert scan.symbology == "]C1"
    assert scan.text == "0100614141999996\x1d10LOT"
    assert scan.device == "evdev:///dev/input/by-id/usb-scanner"
    assert scan.monotonic_ns > 100_000_000_000


def test_without_aim_the_identifier_stays_in_the_text() -> None:
    assert texts(decode(US_GS1_SCAN)) == ["]C10100614141999996\x1d10LOT"]


def test_the_alt_029_keypad_sequence_is_gs() -> None:
    alt_029 = parse_evtest(ALT_029_EVTEST)
    assert len(alt_029) == 24
    events = digits("0100614141999996") + alt_029 + digits("10") + tap(KEY_4) + tap(KEY_ENTER)
    assert texts(decode(events)) == ["0100614141999996\x1d104"]


def test_alt_codes_follow_windows_code_pages() -> None:
    def alt(*keypad: int, alt_key: int = KEY_LEFTALT) -> list[Event]:
        events = key(alt_key, 1)
        for code in keypad:
            events += tap(code)
        return events + key(alt_key, 0)

    events = [
        *alt(KEY_KP0, KEY_KP1, KEY_KP9, KEY_KP6),  # 0196: cp1252 0xC4
        *alt(KEY_KP1, KEY_KP4, KEY_KP2),  # 142: cp437 0x8E
        *alt(KEY_KP6, KEY_KP6),  # 66: ASCII
        *alt(KEY_KP2, KEY_KP9, alt_key=KEY_RIGHTALT),  # right Alt is Alt on us
        *tap(KEY_ENTER),
    ]
    assert texts(decode(events)) == ["ÄÄB\x1d"]
    # On de, right Alt is AltGr: AltGr with keypad keys types the keypad characters.
    assert texts(decode(events, layout=DE)) == ["ÄÄB29"]


def test_alt_with_other_keys_types_nothing() -> None:
    events = key(KEY_LEFTALT, 1) + tap(KEY_X) + key(KEY_LEFTALT, 0) + digits("12") + tap(KEY_ENTER)
    assert texts(decode(events)) == ["12"]


# -- layouts --------------------------------------------------------------------------

# A German-layout scanner typing "Zylinder-Y/Z_(7):#" then "a@b\\c<|>" and Enter.
DE_SCAN: list[Event] = [
    *tap(KEY_Y, KEY_LEFTSHIFT),  # Z
    *tap(KEY_Z),  # y
    *tap(KEY_L),
    *tap(ic.KEY_I),
    *tap(ic.KEY_N),
    *tap(KEY_D),
    *tap(KEY_E),
    *tap(ic.KEY_R),
    *tap(KEY_SLASH),  # -
    *tap(KEY_Z, KEY_LEFTSHIFT),  # Y
    *tap(KEY_7, KEY_LEFTSHIFT),  # /
    *tap(KEY_Y, KEY_RIGHTSHIFT),  # Z
    *tap(KEY_SLASH, KEY_LEFTSHIFT),  # _
    *tap(KEY_8, KEY_LEFTSHIFT),  # (
    *tap(KEY_7),
    *tap(KEY_9, KEY_LEFTSHIFT),  # )
    *tap(KEY_DOT, KEY_LEFTSHIFT),  # :
    *tap(KEY_BACKSLASH),  # #
    *tap(KEY_ENTER),
    *tap(ic.KEY_A),
    *tap(KEY_Q, KEY_RIGHTALT),  # @
    *tap(ic.KEY_B),
    *tap(KEY_MINUS, KEY_RIGHTALT),  # backslash
    *tap(KEY_C),
    *tap(KEY_102ND),  # <
    *tap(KEY_102ND, KEY_RIGHTALT),  # |
    *tap(KEY_102ND, KEY_LEFTSHIFT),  # >
    *tap(KEY_RIGHTBRACE, KEY_LEFTCTRL),  # GS: Ctrl and the key right of Ü ("+")
    *tap(KEY_RIGHTBRACE),  # +
    *tap(KEY_ENTER),
]


def test_a_de_scanner_swaps_y_and_z_and_moves_the_symbols() -> None:
    assert texts(decode(DE_SCAN, layout=DE)) == ["Zylinder-Y/Z_(7):#", "a@b\\c<|>\x1d+"]


def test_the_same_keys_read_as_us_give_other_text() -> None:
    assert texts(decode(DE_SCAN, layout=US)) == [
        "Yzlinder/Z&Y?*7(>\\",
        # right Alt is Alt on us: Alt+Q, Alt+- and Alt+< type nothing
        "abc<>\x1d]",
    ]


def test_de_dead_keys_type_their_accent_and_swallow_a_following_space() -> None:
    events = (
        tap(KEY_GRAVE)
        + tap(KEY_SPACE)  # ^ then space: "^"
        + tap(KEY_EQUAL)
        + tap(KEY_E)  # acute accent then e: both
        + tap(KEY_EQUAL, KEY_LEFTSHIFT)
        + tap(KEY_SPACE)  # ` then space
        + tap(KEY_SPACE)  # a second space is a space
        + tap(KEY_GRAVE, KEY_LEFTSHIFT)  # ° is not dead
        + tap(KEY_SPACE)
        + tap(KEY_ENTER)
    )
    assert texts(decode(events, layout=DE)) == ["^´e` ° "]


def test_the_de_keypad_decimal_key_is_a_comma() -> None:
    events = tap(ic.KEY_KPDOT) + tap(KEY_KP1) + tap(KEY_KPENTER)
    assert texts(decode(events, layout=DE)) == [",1"]
    assert texts(decode(events, layout=US)) == [".1"]


def test_layouts_cover_every_printing_key_on_both_levels() -> None:
    for layout in LAYOUTS.values():
        for row in kl.ROWS:
            for code in row:
                plain, shifted, _ = layout.levels[code]
                assert len(plain) == 1
                assert len(shifted) == 1
    assert LAYOUTS["us"] is US
    assert LAYOUTS["de"] is DE


def test_a_layout_with_a_short_row_is_refused() -> None:
    with pytest.raises(ValueError, match=r"layout 'xx': row 'abc' / 'ABC': expected 13 keys each"):
        kl.keyboard_layout("xx", (("abc", "ABC"), ("", ""), ("", ""), ("", "")))


# -- shift, caps lock, control keys --------------------------------------------------------


def test_shift_either_side_and_caps_lock() -> None:
    events = (
        tap(ic.KEY_A, KEY_LEFTSHIFT)
        + tap(ic.KEY_A, KEY_RIGHTSHIFT)
        + tap(ic.KEY_A)
        + tap(KEY_CAPSLOCK)
        + tap(ic.KEY_A)
        + tap(ic.KEY_A, KEY_LEFTSHIFT)
        + tap(KEY_1)  # caps lock does not shift digits
        + tap(KEY_CAPSLOCK)
        + tap(ic.KEY_A)
        + tap(KEY_ENTER)
    )
    assert texts(decode(events)) == ["AAaAa1a"]


def test_caps_lock_shifts_de_umlauts_too() -> None:
    events = tap(KEY_CAPSLOCK) + tap(ic.KEY_SEMICOLON) + tap(ic.KEY_APOSTROPHE) + tap(KEY_ENTER)
    assert texts(decode(events, layout=DE)) == ["ÖÄ"]


def test_auto_repeats_are_ignored_and_stray_releases_are_harmless() -> None:
    events = (
        key(KEY_1, 1)
        + key(KEY_1, 2)
        + key(KEY_1, 2)
        + key(KEY_1, 0)
        + key(KEY_LEFTSHIFT, 0)
        + key(KEY_2, 0)
        + tap(KEY_2)
        + tap(KEY_ENTER)
    )
    assert texts(decode(events)) == ["12"]


def test_ctrl_letters_are_control_characters_and_ctrl_d_is_eot() -> None:
    events = digits("12") + tap(KEY_D, KEY_LEFTCTRL) + digits("34") + tap(KEY_D, ic.KEY_RIGHTCTRL)
    assert texts(decode(events, suffix=KeySuffix.EOT)) == ["12", "34"]
    assert texts(decode(events + tap(KEY_ENTER))) == ["12\x0434\x04"]
    # On de, KEY_Y is Z: Ctrl+Z is SUB.
    assert texts(decode(tap(KEY_Y, KEY_LEFTCTRL) + tap(KEY_ENTER), layout=DE)) == ["\x1a"]


def test_ctrl_with_the_us_punctuation_positions_gives_esc_to_us() -> None:
    events = (
        tap(ic.KEY_LEFTBRACE, KEY_LEFTCTRL)
        + tap(KEY_BACKSLASH, KEY_LEFTCTRL)
        + tap(KEY_RIGHTBRACE, KEY_LEFTCTRL)
        + tap(KEY_6, KEY_LEFTCTRL, KEY_LEFTSHIFT)
        + tap(KEY_MINUS, KEY_LEFTCTRL)
        + tap(KEY_3, KEY_LEFTCTRL)  # nothing
        + tap(KEY_ENTER)
    )
    assert texts(decode(events)) == ["\x1b\x1c\x1d\x1e\x1f"]


# -- suffixes and gaps ------------------------------------------------------------------------


def test_suffixes() -> None:
    events = (
        digits("12")
        + tap(KEY_TAB)
        + digits("34")
        + tap(KEY_ENTER)
        + digits("56")
        + tap(KEY_KPENTER)
    )
    assert texts(decode(events)) == ["12\t34", "56"]
    assert texts(decode(events, suffix=KeySuffix.TAB)) == ["12", "34\r56\r"]


def test_without_a_suffix_a_pause_ends_a_scan() -> None:
    decoder = EvdevDecoder(KeyboardProfile(suffix=KeySuffix.NONE, gap_ms=50))
    at = 10.0
    scans: list[Scan] = []
    for type_, code, value in digits("123"):
        scans += decoder.feed(type_, code, value, at)
        at += 0.001
    assert scans == []
    assert decoder.pending()
    assert decoder.flush(at + 0.01) == []
    assert texts(decoder.flush(at + 0.06)) == ["123"]
    scans = []
    for type_, code, value in digits("45"):
        scans += decoder.feed(type_, code, value, at + 1)
    assert texts(scans + decoder.flush(at + 2)) == ["45"]


def test_a_partial_scan_is_flushed_after_the_safety_gap_and_on_force() -> None:
    decoder = EvdevDecoder(KeyboardProfile())
    for type_, code, value in digits("99"):
        decoder.feed(type_, code, value, 1.0)
    assert decoder.flush(1.5) == []
    assert texts(decoder.flush(2.0)) == ["99"]
    for type_, code, value in digits("88"):
        decoder.feed(type_, code, value, 3.0)
    assert texts(decoder.flush(3.0, force=True)) == ["88"]


def test_syn_dropped_discards_events_until_the_next_report() -> None:
    events = [
        *digits("12"),
        *key(KEY_LEFTSHIFT, 1),
        (EV_SYN, SYN_DROPPED, 0),
        (EV_KEY, KEY_3, 1),  # lost in the overflow: ignored
        (EV_KEY, KEY_3, 0),
        (EV_SYN, SYN_REPORT, 0),
        *tap(ic.KEY_A),  # shift was forgotten with the drop
        *tap(KEY_ENTER),
    ]
    decoder = EvdevDecoder(KeyboardProfile())
    scans = [s for t, c, v in events for s in decoder.feed(t, c, v, 1.0)]
    assert texts(scans) == ["12a"]
    assert decoder.dropped_reports == 1


def test_over_long_scans_are_cut_once() -> None:
    events = digits("1234567") + tap(KEY_ENTER) + digits("12") + tap(KEY_ENTER)
    decoder = EvdevDecoder(KeyboardProfile(max_length=4))
    scans = [s for t, c, v in events for s in decoder.feed(t, c, v, 1.0)]
    assert texts(scans) == ["1234", "12"]
    assert decoder.cut_scans == 1


def test_other_event_types_are_ignored() -> None:
    events = [
        (ic.EV_LED, 1, 1),
        (EV_MSC, MSC_SCAN, 0x70004),
        (99, 1, 1),
        *digits("7"),
        *tap(KEY_ENTER),
    ]
    assert texts(decode(events)) == ["7"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([EV_SYN, EV_KEY, EV_MSC, ic.EV_LED, 7]),
            st.integers(0, 0x2FF),
            st.integers(-3, 3),
            st.floats(allow_nan=True, allow_infinity=True),
        ),
        max_size=60,
    ),
    st.sampled_from(list(LAYOUTS.values())),
    st.sampled_from(list(KeySuffix)),
)
def test_no_event_sequence_makes_it_raise(
    events: list[tuple[int, int, int, float]], layout: kl.KeyboardLayout, suffix: KeySuffix
) -> None:
    decoder = EvdevDecoder(KeyboardProfile(layout=layout, suffix=suffix, aim=True, max_length=16))
    for type_, code, value, at in events:
        for scan in decoder.feed(type_, code, value, at) + decoder.flush(at):
            assert len(scan.text) <= 16
    decoder.flush(0.0, force=True)
    assert not decoder.pending()


def test_key_codes_match_python_evdev() -> None:
    ecodes = pytest.importorskip("evdev.ecodes")
    names = [n for n in dir(ic) if re.fullmatch(r"(KEY|EV|SYN|MSC)_[A-Z0-9]+", n)]
    names = [n for n in names if n not in ("KEY_RELEASE", "KEY_PRESS", "KEY_REPEAT")]
    assert len(names) > 80
    assert {n: getattr(ic, n) for n in names} == {n: getattr(ecodes, n) for n in names}


# -- the scanner: URLs ---------------------------------------------------------------------------


def test_the_registry_opens_evdev_urls() -> None:
    text = "evdev:///dev/input/by-id/usb-Honeywell-event-kbd?layout=de&suffix=tab&aim=1"
    scanner = open_scanner(text)
    assert isinstance(scanner, EvdevScanner)
    assert scanner.device_id == text
    settings = scanner.settings
    assert settings.path == "/dev/input/by-id/usb-Honeywell-event-kbd"
    assert settings.keyboard.layout is DE
    assert settings.keyboard.suffix is KeySuffix.TAB
    assert settings.keyboard.aim
    assert settings.keyboard.device == text
    assert settings.grab


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "evdev:///dev/input/event3?layout=fr",
            "evdev:///dev/input/event3?layout=fr: layout='fr': expected one of de, us",
        ),
        (
            "evdev:///dev/input/event3?suffix=CR",
            "evdev:///dev/input/event3?suffix=CR: suffix='CR': expected one of enter, tab, eot, none",
        ),
        (
            "evdev:///dev/input/event3?grab=sure",
            "evdev:///dev/input/event3?grab=sure: grab='sure': expected 0 or 1",
        ),
        (
            "evdev:///dev/input/event3?keymap=us",
            "evdev:///dev/input/event3?keymap=us: unknown parameter 'keymap' "
            "(known: layout, suffix, gap_ms, aim, grab, reconnect_max_s)",
        ),
        (
            "evdev://dev/input/event3",
            "evdev://dev/input/event3: expected an absolute device path after evdev:// "
            "(evdev:///dev/input/by-id/..., three slashes), found host 'dev'",
        ),
    ],
)
def test_bad_urls_are_refused_naming_url_and_parameter(url: str, message: str) -> None:
    with pytest.raises(DeviceError) as info:
        open_evdev_scanner(parse_device_url(url))
    assert str(info.value) == message


def test_off_linux_evdev_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(DeviceError) as info:
        open_evdev_scanner(parse_device_url("evdev:///dev/input/event3"))
    assert str(info.value) == (
        "evdev:///dev/input/event3: evdev scanners need Linux, found 'darwin'; "
        "use the keyboard wedge or a serial:// scanner"
    )


def test_without_python_evdev_the_error_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "evdev", None)
    with pytest.raises(
        DeviceError, match=r"the python-evdev package cannot be loaded \(.*\); install it"
    ):
        open_evdev_scanner(parse_device_url("evdev:///dev/input/event3"))


# -- the scanner: reading -----------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.scans: queue.Queue[Scan] = queue.Queue()
        self.statuses: list[DeviceStatus] = []

    def on_scan(self, scan: Scan) -> None:
        self.scans.put(scan)

    def on_status(self, status: DeviceStatus) -> None:
        self.statuses.append(status)

    def next_scan(self) -> Scan:
        try:
            return self.scans.get(timeout=WAIT_S)
        except queue.Empty:
            raise AssertionError(f"no scan within {WAIT_S} s") from None


def test_a_missing_device_is_reported_as_reconnecting_without_raising(tmp_path: Path) -> None:
    missing = tmp_path / "usb-Scanner-event-kbd"
    scanner = open_evdev_scanner(parse_device_url(f"evdev://{missing}?reconnect_max_s=0.1"))
    recorder = Recorder()
    scanner.start(recorder.on_scan, recorder.on_status)
    try:
        wait_for(lambda: scanner.status().state is DeviceState.RECONNECTING, "RECONNECTING")
        detail = scanner.status().detail
        assert detail.startswith("cannot open: [Errno 2] No such file or directory")
        assert str(missing) in detail
    finally:
        began = time.monotonic()
        scanner.stop()
        assert time.monotonic() - began < 1.0
    assert scanner.status().state is DeviceState.STOPPED
    assert recorder.scans.empty()


EVENT = struct.Struct("llHHi")
"""struct input_event on 64-bit Linux: timeval, type, code, value."""


class PipeInputDevice:
    """An input device whose events come through a pipe, read by python-evdev's own reader."""

    def __init__(self, fd: int, grab_error: OSError | None = None) -> None:
        from evdev.eventio import EventIO

        self._io = EventIO()
        self._io.fd = fd  # type: ignore[attr-defined]
        self.fd = fd
        self.grab_error = grab_error
        self.calls: list[str] = []

    def read(self) -> Iterator[object]:
        return self._io.read()

    def grab(self) -> None:
        if self.grab_error is not None:
            raise self.grab_error
        self.calls.append("grab")

    def ungrab(self) -> None:
        self.calls.append("ungrab")

    def close(self) -> None:
        self.calls.append("close")
        os.close(self.fd)


class PluggableScanner:
    """Plays a USB scanner that can be unplugged: opening fails while it is out.

    Each open makes a new pipe; unplugging closes its writing end, so the
    reader sees end-of-file, as a removed device reads with ENODEV.
    """

    def __init__(self) -> None:
        pytest.importorskip("evdev")
        self.plugged = False
        self.grab_error: OSError | None = None
        self.devices: list[PipeInputDevice] = []
        self._writer: int | None = None

    def open(self, path: str) -> PipeInputDevice:
        if not self.plugged:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        self.close()
        reader, self._writer = os.pipe()
        os.set_blocking(reader, False)
        device = PipeInputDevice(reader, self.grab_error)
        self.devices.append(device)
        return device

    def plug(self) -> None:
        self.plugged = True

    def unplug(self) -> None:
        self.plugged = False
        self.close()

    def close(self) -> None:
        if self._writer is not None:
            os.close(self._writer)
            self._writer = None

    def send(self, events: Iterable[Event]) -> None:
        assert self._writer is not None, "the scanner has not opened the device"
        now = time.time()
        sec, usec = int(now), int((now % 1) * 1_000_000)
        os.write(self._writer, b"".join(EVENT.pack(sec, usec, t, c, v) for t, c, v in events))


@pytest.fixture
def pluggable() -> Iterator[PluggableScanner]:
    device = PluggableScanner()
    yield device
    device.close()


def test_events_become_scans_and_an_unplugged_device_is_reopened(
    pluggable: PluggableScanner,
) -> None:
    url = parse_device_url(
        "evdev:///dev/input/by-id/usb-Scanner-event-kbd?aim=1&reconnect_max_s=0.1"
    )
    scanner = open_evdev_scanner(url, open_device=pluggable.open)
    recorder = Recorder()
    pluggable.plug()
    scanner.start(recorder.on_scan, recorder.on_status)
    try:
        wait_for(lambda: scanner.status().state is DeviceState.CONNECTED, "CONNECTED")
        assert (
            scanner.status().detail == "/dev/input/by-id/usb-Scanner-event-kbd, layout us, grabbed"
        )
        pluggable.send(US_GS1_SCAN)
        scan = recorder.next_scan()
        assert (scan.symbology, scan.text) == ("]C1", "0100614141999996\x1d10LOT")
        assert scan.device == url.text

        pluggable.unplug()
        wait_for(lambda: scanner.status().state is DeviceState.RECONNECTING, "RECONNECTING")
        assert pluggable.devices[0].calls == ["grab", "ungrab", "close"]
        wait_for(lambda: "No such file or directory" in scanner.status().detail, "a failed reopen")

        pluggable.plug()
        wait_for(lambda: scanner.status().state is DeviceState.CONNECTED, "CONNECTED again")
        pluggable.send(digits("42") + tap(KEY_ENTER))
        assert recorder.next_scan().text == "42"
        assert scanner.status().scans == 2
    finally:
        scanner.stop()
    assert pluggable.devices[-1].calls == ["grab", "ungrab", "close"]
    assert [s.state for s in recorder.statuses][-1] is DeviceState.STOPPED


def test_a_device_grabbed_by_another_program_is_reported(pluggable: PluggableScanner) -> None:
    url = parse_device_url("evdev:///dev/input/event7?reconnect_max_s=0.1")
    scanner = open_evdev_scanner(url, open_device=pluggable.open)
    pluggable.plug()
    pluggable.grab_error = OSError(errno.EBUSY, "Device or resource busy")
    scanner.start(lambda scan: None, lambda status: None)
    try:
        wait_for(lambda: scanner.status().state is DeviceState.RECONNECTING, "RECONNECTING")
        assert scanner.status().detail == (
            "cannot open: [Errno 16] another program holds an exclusive grab on the device; "
            "next try in 0.1 s"
        )
        assert pluggable.devices[0].calls == ["close"]
    finally:
        scanner.stop()
