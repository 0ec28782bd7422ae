"""Turn Linux input key events from a USB keyboard-wedge scanner into scans.

A HID scanner read through evdev (`drivers.evdev_scanner`, exclusive grab)
delivers key *positions* (``KEY_Q`` pressed, ``KEY_Q`` released), not
characters: the keyboard layout that the scanner was told to emulate decides
what they mean. This module holds that translation and nothing else: no I/O,
no threads, and no dependency on the ``evdev`` package (the key codes below are
copied from ``linux/input-event-codes.h``), so it is tested with recorded event
sequences on any machine.

How events are read (`EvdevDecoder.feed`):

- Only ``EV_KEY`` presses (value 1) type. Releases (0) matter for modifiers;
  auto-repeats (2) are ignored, because a repeat from a scanner means a release
  was delayed (Bluetooth stalls), not that a character was meant twice.
  ``EV_SYN``/``SYN_DROPPED`` (the kernel's buffer overflowed) drops events up
  to the next ``SYN_REPORT`` and forgets held modifiers, as the kernel's
  documentation asks; the scan in progress is then likely damaged and the
  classifier will refuse it. ``EV_MSC`` and the rest are ignored.
- Shift (left or right) picks the second level; Caps Lock (tracked from the
  scanner's own presses) inverts it for letters. On layouts with AltGr (``de``)
  the right Alt picks the third level.
- Dead keys (circumflex, acute and grave accent on ``de``) type their
  character at once; a space right after one is swallowed, as a terminal
  would.
- Ctrl with a letter types the control character (Ctrl+D is EOT, 0x04). Ctrl
  with the keys at the US positions of ``[ \\ ] 6 -`` types 0x1B to 0x1F
  whatever the layout, because HID scanners send GS as Ctrl+] by *position*
  (``KEY_RIGHTBRACE``, which is ``+`` on a German keyboard).
- Left Alt (and right Alt where it is not AltGr) held while keypad digits are
  typed enters a Windows Alt code, typed when Alt is released: Alt+0+2+9 is
  GS (0x1D). With a leading 0 the code is a cp1252 byte, without it a cp437
  byte, as on Windows; only the low byte of larger codes counts. Alt with any
  other key types nothing (it is a shortcut, not text).
- Enter and keypad Enter type ``"\\r"``, Tab ``"\\t"``.

How scans end: the configured suffix (``enter``: CR or LF; ``tab``; ``eot``:
Ctrl+D) ends a scan and is not part of it; other control characters stay in
the text. With ``none`` a scan ends after ``gap_ms`` (default 50 ms) without a
key; with a suffix the same gap (default 1000 ms) flushes a partial scan whose
suffix never came. Over-long scans are cut at ``max_length`` characters, as in
`drivers.framing`. With ``aim=True`` a leading AIM identifier goes to
`Scan.symbology`.

The layouts themselves are in `drivers.keyboard_layouts`, the key codes in
`drivers.input_codes`.

Nothing here raises on any event sequence: input from a device is data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from drivers.input_codes import (
    EV_KEY,
    EV_SYN,
    KEY_6,
    KEY_BACKSLASH,
    KEY_CAPSLOCK,
    KEY_ENTER,
    KEY_KPENTER,
    KEY_LEFTALT,
    KEY_LEFTBRACE,
    KEY_LEFTCTRL,
    KEY_LEFTSHIFT,
    KEY_MINUS,
    KEY_PRESS,
    KEY_RELEASE,
    KEY_REPEAT,
    KEY_RIGHTALT,
    KEY_RIGHTBRACE,
    KEY_RIGHTCTRL,
    KEY_RIGHTSHIFT,
    KEY_SPACE,
    KEY_TAB,
    SYN_DROPPED,
    SYN_REPORT,
)
from drivers.keyboard_layouts import KEYPAD_DIGITS, US, KeyboardLayout
from drivers.scan_assembly import (
    DEFAULT_MAX_LENGTH,
    SuffixName,
    assembled_scan,
    check_max_length,
    scan_gap_s,
)
from station.domain.scanning.scan import Scan

GS = "\x1d"
"""The GS1 group separator."""

_SHIFTS = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
_CTRLS = frozenset({KEY_LEFTCTRL, KEY_RIGHTCTRL})
_ALTS = frozenset({KEY_LEFTALT, KEY_RIGHTALT})
_MODIFIERS = _SHIFTS | _CTRLS | _ALTS

_LAYOUT_FREE: Mapping[int, str] = MappingProxyType(
    {KEY_ENTER: "\r", KEY_KPENTER: "\r", KEY_TAB: "\t", KEY_SPACE: " "}
)
"""Keys that type the same in every layout and at every level."""

_CTRL_BY_POSITION: Mapping[int, str] = MappingProxyType(
    {
        KEY_LEFTBRACE: "\x1b",
        KEY_BACKSLASH: "\x1c",
        KEY_RIGHTBRACE: GS,
        KEY_6: "\x1e",
        KEY_MINUS: "\x1f",
    }
)
"""Ctrl with the US keys ``[ \\ ] 6 -``: what HID scanners send for ESC, FS, GS, RS, US."""


class KeySuffix(SuffixName):
    """The key a keyboard scanner sends after each barcode."""

    ENTER = "enter"
    TAB = "tab"
    EOT = "eot"
    """Ctrl+D."""
    NONE = "none"
    """No suffix: scans end after a pause (``gap_ms``)."""


_SUFFIX_CHARS: Mapping[KeySuffix, frozenset[str]] = MappingProxyType(
    {
        KeySuffix.ENTER: frozenset({"\r", "\n"}),
        KeySuffix.TAB: frozenset({"\t"}),
        KeySuffix.EOT: frozenset({"\x04"}),
        KeySuffix.NONE: frozenset(),
    }
)


@dataclass(frozen=True, slots=True)
class KeyboardProfile:
    """How one evdev keyboard scanner types and ends its scans."""

    layout: KeyboardLayout = US
    """The keyboard layout the scanner is set to emulate."""

    suffix: KeySuffix = KeySuffix.ENTER
    """The key that ends each scan."""

    gap_ms: float | None = None
    """Silence that ends a scan (``none``) or flushes a partial one (a suffix); ``None``
    picks the default, 0 turns the safety flush off (not allowed with ``none``)."""

    aim: bool = False
    """The scanner types an AIM symbology identifier first; split it off."""

    max_length: int = DEFAULT_MAX_LENGTH
    """Longest scan in characters; longer ones are cut."""

    device: str = "evdev"
    """Device id put on each `Scan`."""


@dataclass(slots=True)
class _Keys:
    """What the decoder remembers about keys between events."""

    held: set[int] = field(default_factory=set)
    caps: bool = False
    dead: bool = False
    alt_digits: str = ""


class EvdevDecoder:
    """Feed it input events, in order; it returns the scans they complete.

    Not thread-safe: feed it from the one thread that reads the device.
    """

    def __init__(self, profile: KeyboardProfile) -> None:
        self.profile = profile
        check_max_length(profile.max_length)
        self.gap_s = scan_gap_s(profile.gap_ms, gap_ends_scans=profile.suffix is KeySuffix.NONE)
        self.cut_scans = 0
        """Scans cut at `KeyboardProfile.max_length` so far."""
        self.dropped_reports = 0
        """``SYN_DROPPED`` events seen: the kernel lost events, a scan may be damaged."""
        self._terminators = _SUFFIX_CHARS[profile.suffix]
        self._keys = _Keys()
        self._text: list[str] = []
        self._discarding = False
        self._syncing = False
        self._last_at: float | None = None

    def pending(self) -> bool:
        """Whether characters of an unfinished scan are held."""
        return bool(self._text) or self._discarding

    def reset(self) -> None:
        """Forget held keys and any partial scan, e.g. after the device was reopened."""
        self._keys = _Keys()
        self._text.clear()
        self._discarding = False
        self._syncing = False
        self._last_at = None

    def feed(self, type: int, code: int, value: int, at: float) -> list[Scan]:
        """Take one input event read at `at` (monotonic seconds)."""
        if type == EV_SYN:
            if code == SYN_DROPPED:
                self.dropped_reports += 1
                self._syncing = True
                self._keys.held.clear()
                self._keys.alt_digits = ""
            elif code == SYN_REPORT:
                self._syncing = False
            return []
        if type != EV_KEY or self._syncing or value == KEY_REPEAT:
            return []
        scans = self._flush_if_stale(at)
        self._last_at = at
        keys = self._keys
        if code in _MODIFIERS:
            if value == KEY_PRESS:
                keys.held.add(code)
            elif value == KEY_RELEASE:
                keys.held.discard(code)
                if code in _ALTS and keys.alt_digits and not self._alt_code_held():
                    digits, keys.alt_digits = keys.alt_digits, ""
                    self._type(_alt_code_char(digits), at, scans)
            return scans
        if value != KEY_PRESS:
            return scans
        if code == KEY_CAPSLOCK:
            keys.caps = not keys.caps
            return scans
        typed = self._char(code)
        if typed is not None:
            self._type(typed, at, scans)
        return scans

    def flush(self, now: float, *, force: bool = False) -> list[Scan]:
        """Emit a partial scan if no key came for the gap, or at once with `force`."""
        if force:
            return self._end_scan(self._last_at if self._last_at is not None else now)
        return self._flush_if_stale(now)

    def _char(self, code: int) -> str | None:
        """What pressing `code` types now, or ``None``; handles modifiers and dead keys."""
        keys = self._keys
        layout = self.profile.layout
        if self._alt_code_held():
            if code in KEYPAD_DIGITS:
                keys.alt_digits = (keys.alt_digits + KEYPAD_DIGITS[code])[-8:]
            return None
        if keys.held & _CTRLS:
            return _ctrl_char(layout, code)
        free = _LAYOUT_FREE.get(code)
        if free is not None:
            char = free
        else:
            levels = layout.levels.get(code)
            if levels is None:
                return None
            level = self._level(levels)
            char = levels[level]
            if not char:
                return None
            if (code, level) in layout.dead:
                keys.dead = True
                return char
        if keys.dead:
            keys.dead = False
            if char == " ":
                return None
        return char

    def _level(self, levels: tuple[str, str, str]) -> int:
        keys = self._keys
        if self.profile.layout.altgr and KEY_RIGHTALT in keys.held:
            return 2
        shift = bool(keys.held & _SHIFTS)
        plain, shifted, _ = levels
        if keys.caps and plain.isalpha() and plain != shifted:
            shift = not shift
        return 1 if shift else 0

    def _alt_code_held(self) -> bool:
        held = self._keys.held
        return KEY_LEFTALT in held or (KEY_RIGHTALT in held and not self.profile.layout.altgr)

    def _type(self, char: str, at: float, scans: list[Scan]) -> None:
        if char in self._terminators:
            scans.extend(self._end_scan(at))
            return
        if self._discarding:
            return
        self._text.append(char)
        if len(self._text) > self.profile.max_length:
            self.cut_scans += 1
            del self._text[self.profile.max_length :]
            scans.extend(self._end_scan(at))
            self._discarding = True

    def _flush_if_stale(self, now: float) -> list[Scan]:
        last = self._last_at
        # A clock that steps backwards must not end a scan; NaN never does either.
        if last is None or self.gap_s <= 0 or not self.pending() or not now - last >= self.gap_s:
            return []
        return self._end_scan(last)

    def _end_scan(self, at: float) -> list[Scan]:
        self._discarding = False
        text = "".join(self._text)
        self._text.clear()
        if not text:
            return []
        profile = self.profile
        return [assembled_scan(text, device=profile.device, aim=profile.aim, at=at)]


def _ctrl_char(layout: KeyboardLayout, code: int) -> str | None:
    levels = layout.levels.get(code)
    plain = levels[0] if levels is not None else ""
    if len(plain) == 1 and plain.isascii() and plain.isalpha():
        return chr(ord(plain.upper()) - 0x40)
    if code in _LAYOUT_FREE:
        return _LAYOUT_FREE[code]
    return _CTRL_BY_POSITION.get(code)


def _alt_code_char(digits: str) -> str:
    """The character of a Windows Alt code: cp1252 with a leading 0, else cp437."""
    byte = int(digits) % 256
    codepage = "cp1252" if digits.startswith("0") else "cp437"
    return bytes([byte]).decode(codepage, errors="replace")
