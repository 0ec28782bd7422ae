"""What every driver that assembles scans from a stream of bytes or keystrokes shares.

A serial scanner (`drivers.framing`), an evdev keyboard scanner
(`drivers.evdev_keymap`) and a keyboard wedge (`drivers.wedge`) each decide
where one scan ends in their own way; once they have, the rest is the same:
the name of the suffix that ends a scan (`SuffixName`), the pause that ends
a scan or flushes a partial one (`scan_gap_s`), the length
at which a runaway scan is cut (`check_max_length`), and the `Scan` itself, with
a leading AIM symbology identifier split off and the time as whole
nanoseconds (`assembled_scan`).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Self

from station.domain.scanning.scan import Scan

DEFAULT_GAP_MS = 50.0
"""Gap that ends a scan when the scanner sends no suffix."""

DEFAULT_SAFETY_GAP_MS = 1000.0
"""Gap after which a partial scan is flushed although its suffix has not come."""

DEFAULT_MAX_LENGTH = 8192
"""Scans longer than this are cut; no real barcode comes near it."""


class SuffixName(StrEnum):
    """The names of the suffixes a kind of scanner may send, read from a URL in any case."""

    @classmethod
    def parse(cls, text: str) -> Self:
        """The suffix named `text`, in any letter case; `ValueError` naming the choices."""
        wanted = text.strip().lower()
        for suffix in cls:
            if suffix.value.lower() == wanted:
                return suffix
        choices = ", ".join(s.value for s in cls)
        raise ValueError(f"suffix={text!r}: expected one of {choices}")


def scan_gap_s(gap_ms: float | None, *, gap_ends_scans: bool) -> float:
    """The pause in seconds that ends a scan (no suffix) or flushes a partial one (0: never).

    ``None`` picks `DEFAULT_GAP_MS` or `DEFAULT_SAFETY_GAP_MS`; `ValueError` for a
    negative or non-finite gap, or 0 when the gap is all that ends a scan.

    >>> scan_gap_s(None, gap_ends_scans=True), scan_gap_s(None, gap_ends_scans=False)
    (0.05, 1.0)
    """
    if gap_ms is None:
        gap_ms = DEFAULT_GAP_MS if gap_ends_scans else DEFAULT_SAFETY_GAP_MS
    if not math.isfinite(gap_ms) or gap_ms < 0:
        raise ValueError(f"gap_ms={gap_ms!r}: expected a number of milliseconds, 0 or more")
    if gap_ends_scans and gap_ms == 0:
        raise ValueError("gap_ms=0: with suffix=none the gap is what ends a scan; expected > 0")
    return gap_ms / 1000.0


def check_max_length(max_length: int) -> None:
    """`ValueError` unless a scan may be at least one long."""
    if max_length < 1:
        raise ValueError(f"max_length={max_length!r}: expected at least 1")


def split_aim(text: str) -> tuple[str | None, str]:
    """Split a leading AIM symbology identifier (``]`` + letter + letter or digit) off `text`.

    >>> split_aim("]C1010061414199999")
    (']C1', '010061414199999')
    >>> split_aim("0100614141999996")
    (None, '0100614141999996')
    """
    if (
        len(text) >= 3
        and text[0] == "]"
        and text[1].isascii()
        and text[1].isalpha()
        and text[2].isascii()
        and text[2].isalnum()
    ):
        return text[:3], text[3:]
    return None, text


def nanoseconds(at: float) -> int:
    """`at` (monotonic seconds) as whole nanoseconds; 0 for a reading that is not finite.

    >>> nanoseconds(1.5), nanoseconds(float("nan")), nanoseconds(1e300)
    (1500000000, 0, 0)
    """
    ns = at * 1e9
    return int(ns) if math.isfinite(ns) else 0


def assembled_scan(text: str, *, device: str, aim: bool, at: float) -> Scan:
    """The scan of `text` read at `at` (monotonic seconds), with `aim` its AIM prefix split off."""
    symbology: str | None = None
    if aim:
        symbology, text = split_aim(text)
    return Scan(text=text, device=device, symbology=symbology, monotonic_ns=nanoseconds(at))
