"""Keyboard layouts: what each key position types, at each level, in ``us`` and ``de``.

A HID scanner sends key *positions*; the layout it was told to emulate says
what they mean. `drivers.evdev_keymap` reads keys through one of these. Each
layout is written as its printing rows (plain and Shift) in `ROWS` order, plus
its AltGr characters, dead keys and keypad differences; `keyboard_layout` turns
that into a `KeyboardLayout`.

Adding a layout: write its two rows per keyboard row (plain and Shift, in
the order of the ``_ROW_*`` key tuples), its AltGr characters and dead keys,
call `keyboard_layout`, and add it to `LAYOUTS`. Check it against
``xkbcli compile-keymap --layout XX`` or the layout's chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from drivers.input_codes import (
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
    KEY_A,
    KEY_APOSTROPHE,
    KEY_B,
    KEY_BACKSLASH,
    KEY_C,
    KEY_COMMA,
    KEY_D,
    KEY_DOT,
    KEY_E,
    KEY_EQUAL,
    KEY_F,
    KEY_G,
    KEY_GRAVE,
    KEY_H,
    KEY_I,
    KEY_J,
    KEY_K,
    KEY_KP0,
    KEY_KP1,
    KEY_KP2,
    KEY_KP3,
    KEY_KP4,
    KEY_KP5,
    KEY_KP6,
    KEY_KP7,
    KEY_KP8,
    KEY_KP9,
    KEY_KPASTERISK,
    KEY_KPCOMMA,
    KEY_KPDOT,
    KEY_KPEQUAL,
    KEY_KPMINUS,
    KEY_KPPLUS,
    KEY_KPSLASH,
    KEY_L,
    KEY_LEFTBRACE,
    KEY_M,
    KEY_MINUS,
    KEY_N,
    KEY_O,
    KEY_P,
    KEY_Q,
    KEY_R,
    KEY_RIGHTBRACE,
    KEY_S,
    KEY_SEMICOLON,
    KEY_SLASH,
    KEY_T,
    KEY_U,
    KEY_V,
    KEY_W,
    KEY_X,
    KEY_Y,
    KEY_Z,
)

KEYPAD_DIGITS: Mapping[int, str] = MappingProxyType(
    {
        KEY_KP0: "0",
        KEY_KP1: "1",
        KEY_KP2: "2",
        KEY_KP3: "3",
        KEY_KP4: "4",
        KEY_KP5: "5",
        KEY_KP6: "6",
        KEY_KP7: "7",
        KEY_KP8: "8",
        KEY_KP9: "9",
    }
)
"""Keypad key -> the digit it types (Num Lock on): also how Alt codes are typed."""

_KEYPAD: Mapping[int, str] = MappingProxyType(
    {
        **KEYPAD_DIGITS,
        KEY_KPDOT: ".",
        KEY_KPSLASH: "/",
        KEY_KPASTERISK: "*",
        KEY_KPMINUS: "-",
        KEY_KPPLUS: "+",
        KEY_KPEQUAL: "=",
        KEY_KPCOMMA: ",",
    }
)

# The printing keys of an ISO (105-key) keyboard, row by row, in the order a
# layout's row strings list their characters.
_ROW_E = (
    *(KEY_GRAVE, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0),
    *(KEY_MINUS, KEY_EQUAL),
)
_ROW_D = (
    *(KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P),
    *(KEY_LEFTBRACE, KEY_RIGHTBRACE),
)
_ROW_C = (
    *(KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L),
    *(KEY_SEMICOLON, KEY_APOSTROPHE, KEY_BACKSLASH),
)
_ROW_B = (
    *(KEY_102ND, KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M),
    *(KEY_COMMA, KEY_DOT, KEY_SLASH),
)
ROWS = (_ROW_E, _ROW_D, _ROW_C, _ROW_B)
"""Key codes of the four printing rows (number row first), as a layout lists them."""


@dataclass(frozen=True, slots=True)
class KeyboardLayout:
    """What each key position types, per level, in one keyboard layout."""

    name: str
    levels: Mapping[int, tuple[str, str, str]]
    """Key code -> characters (plain, Shift, AltGr); ``""`` where the level types nothing."""
    dead: frozenset[tuple[int, int]] = frozenset()
    """(key code, level) pairs that are dead keys."""
    altgr: bool = False
    """Whether right Alt is AltGr (the third level) rather than Alt."""


def keyboard_layout(
    name: str,
    rows: tuple[tuple[str, str], ...],
    *,
    altgr: Mapping[int, str] | None = None,
    dead: frozenset[tuple[int, int]] = frozenset(),
    keypad: Mapping[int, str] | None = None,
) -> KeyboardLayout:
    """Build a layout from its rows (plain, Shift) in `ROWS` order, AltGr characters and keypad.

    Giving `altgr` (even empty) makes right Alt the AltGr key of the layout.
    """
    if len(rows) != len(ROWS):
        raise ValueError(f"layout {name!r}: expected {len(ROWS)} rows, found {len(rows)}")
    levels: dict[int, tuple[str, str, str]] = {}
    for codes, (plain, shifted) in zip(ROWS, rows, strict=True):
        if not len(codes) == len(plain) == len(shifted):
            raise ValueError(
                f"layout {name!r}: row {plain!r} / {shifted!r}: expected {len(codes)} keys each"
            )
        for code, low, high in zip(codes, plain, shifted, strict=True):
            levels[code] = (low, high, "")
    for code, char in {**_KEYPAD, **(keypad or {})}.items():
        # One character on every level, as xkb's two-level keypad type ignores AltGr.
        levels[code] = (char, char, char)
    for code, char in (altgr or {}).items():
        low, high, _ = levels.get(code, ("", "", ""))
        levels[code] = (low, high, char)
    return KeyboardLayout(
        name=name, levels=MappingProxyType(levels), dead=dead, altgr=altgr is not None
    )


US = keyboard_layout(
    "us",
    (
        ("`1234567890-=", "~!@#$%^&*()_+"),
        ("qwertyuiop[]", "QWERTYUIOP{}"),
        ("asdfghjkl;'\\", 'ASDFGHJKL:"|'),
        ("<zxcvbnm,./", ">ZXCVBNM<>?"),
    ),
)
"""US English (the ``<>`` key of ISO keyboards types ``<`` and ``>`` as in xkb's pc105)."""

DE = keyboard_layout(
    "de",
    (
        ("^1234567890ß´", '°!"§$%&/()=?`'),
        ("qwertzuiopü+", "QWERTZUIOPÜ*"),
        ("asdfghjklöä#", "ASDFGHJKLÖÄ'"),
        ("<yxcvbnm,.-", ">YXCVBNM;:_"),
    ),
    altgr={
        KEY_2: "²",
        KEY_3: "³",
        KEY_7: "{",
        KEY_8: "[",
        KEY_9: "]",
        KEY_0: "}",
        KEY_MINUS: "\\",
        KEY_Q: "@",
        KEY_E: "€",
        KEY_RIGHTBRACE: "~",
        KEY_102ND: "|",
        KEY_M: "µ",
    },
    dead=frozenset({(KEY_GRAVE, 0), (KEY_EQUAL, 0), (KEY_EQUAL, 1)}),
    keypad={KEY_KPDOT: ","},
)
"""German (QWERTZ, xkb ``de`` with its dead keys)."""

LAYOUTS: Mapping[str, KeyboardLayout] = MappingProxyType({"us": US, "de": DE})
"""Layouts by the name used in ``evdev://...?layout=``."""
