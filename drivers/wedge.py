"""Tell keyboard-wedge scanner bursts from a person typing, by timing alone.

A keyboard-wedge scanner "types" each barcode into the terminal as a burst of
key events ending in a terminator (Enter, Tab or EOT). The station must hand
complete scans to the workflow whatever widget has focus, while a person
typing into a text field sees their keys, unchanged and in order. This module
decides which is which. It imports no UI framework, so it is tested in
microseconds and any front end can feed it (`drivers.wedge_textual` adapts
Textual key events).

How a keystroke is judged (`WedgeAssembler.feed`):

- A printable key, or a GS, with nothing pending starts a *candidate* burst
  and is held back (``consumed=True``): the focused widget must not get it
  yet. Later printable keys join the candidate and are held too.
- The configured terminator ends the candidate. It is a scan when the
  candidate has at least ``min_length`` characters, every gap (including the
  one before the terminator) is at most ``inter_key_timeout_ms``, and the
  *median* gap is at most ``burst_gap_ms``. The scan is emitted, the
  terminator is consumed and nothing is replayed.
- Otherwise held keys are given back as ``replay``, in order, for the caller
  to deliver before the current key: when the next key comes more than
  ``inter_key_timeout_ms`` after the previous one (the new key then starts a
  fresh candidate), when the terminator ends a candidate that is not a scan
  (the terminator then goes through, so Enter still submits the field), when
  a non-character key (arrow, F-key, a terminator other than the configured
  one) arrives (it goes through after the replay), or when `flush` finds the
  candidate stale. `flush` runs on a timer so that a single typed character
  shows up within about one timeout.
- Two consecutive gaps above ``burst_gap_ms`` mark the candidate as typing:
  it is replayed at once and later keys go straight through
  (``consumed=False``) until a pause longer than ``inter_key_timeout_ms``,
  a terminator or a non-character key. A fast typist is thus held up only
  for their first two gaps, not for a whole word. The price: a scan begun
  within ``inter_key_timeout_ms`` of a typed key is typed into the field
  too; nobody reaches for the scanner that fast.

Why two thresholds: USB scanners send keys well under 1 ms apart, but
Bluetooth scanners stall for up to ~100 ms mid-burst (radio packets), and a
55 ms timeout is known to split such bursts. So ``inter_key_timeout_ms``
(default 150) bounds any single gap generously, and ``burst_gap_ms``
(default 35) bounds the median gap: one stall does not break a scan, while
people rarely type five or more keys at a median under 35 ms.

GS (the GS1 separator, 0x1D) reaches a terminal in several forms, normalised
to ``"\\x1d"`` in the scan text according to `GsMode`: the real control
character (key ``ctrl+right_square_bracket``; accepted in every mode), a
configured substitute string, or the literal text ``Alt029`` typed by
Windows-style scanners. Replayed keystrokes are never rewritten: the text
field gets exactly what was typed.

Bracketed paste (`WedgeAssembler.paste`) is split on line breaks and the
configured terminator; every non-empty piece is a scan.

Nothing here raises on any keystroke sequence: input from a device is data.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from enum import StrEnum

from drivers.scan_assembly import nanoseconds, split_aim
from station.domain.scanning.scan import Scan

GS = "\x1d"
"""The GS1 group separator as it appears in normalised scan text."""

GS_KEY = "ctrl+right_square_bracket"
"""Textual's key name for a real GS (Ctrl+])."""

ALT029_TEXT = "Alt029"
"""What Windows-style scanners type for GS when the terminal has no Alt codes."""


class Terminator(StrEnum):
    """The key a scanner sends after each barcode."""

    ENTER = "enter"
    TAB = "tab"
    EOT = "eot"


class GsMode(StrEnum):
    """How the scanner conveys GS (0x1D) through the keyboard."""

    CONTROL = "control"
    """A real 0x1D, i.e. Ctrl+]."""

    SUBSTITUTE = "substitute"
    """A configured character or string such as ``#`` or ``~``."""

    ALT029 = "alt029"
    """The literal text ``Alt029``, as typed by Windows-style scanners."""


_TERMINATOR_KEYS: dict[Terminator, str] = {
    Terminator.ENTER: "enter",
    Terminator.TAB: "tab",
    Terminator.EOT: "ctrl+d",
}
_TERMINATOR_CHARS: dict[Terminator, frozenset[str]] = {
    Terminator.ENTER: frozenset({"\r", "\n"}),
    Terminator.TAB: frozenset({"\t"}),
    Terminator.EOT: frozenset({"\x04"}),
}


@dataclass(frozen=True, slots=True)
class WedgeProfile:
    """How one keyboard-wedge scanner is configured, and how to time its bursts."""

    terminator: Terminator = Terminator.ENTER
    """The key the scanner sends after each barcode."""

    gs_mode: GsMode = GsMode.CONTROL
    """How GS reaches the terminal; a real 0x1D is accepted in every mode."""

    gs_substitute: str = "~"
    """The text standing for GS when `gs_mode` is `GsMode.SUBSTITUTE`."""

    aim_prefix: bool = False
    """The scanner sends the AIM symbology identifier (``]C1`` ...) first; split it off."""

    inter_key_timeout_ms: float = 150.0
    """No gap in a burst may be longer. Generous: Bluetooth scanners stall; 55 ms is too short."""

    burst_gap_ms: float = 35.0
    """The median gap of a burst must not be longer; people rarely type this fast for long."""

    min_length: int = 3
    """Bursts with fewer characters (before GS normalisation) are typing, not scans."""

    device: str = "wedge"
    """Device name put on each `Scan`."""


@dataclass(frozen=True, slots=True)
class KeyStroke:
    """One key event, independent of any UI framework."""

    key: str
    """Textual key name: ``a``, ``enter``, ``tab``, ``ctrl+d``, ``ctrl+right_square_bracket``."""

    character: str | None
    """The printable or control character, ``None`` for keys that produce none."""

    at: float
    """Monotonic clock reading, in seconds, when the key arrived."""


@dataclass(frozen=True, slots=True)
class WedgeResult:
    """What to do with one keystroke fed to `WedgeAssembler.feed`."""

    scan: Scan | None = None
    """A scan completed by this keystroke."""

    consumed: bool = False
    """The keystroke belongs to a (possible) scan: do not deliver it to the focused widget."""

    replay: tuple[KeyStroke, ...] = ()
    """Keystrokes held back earlier that turned out to be typing: deliver them, in
    order, before this keystroke (if it is not consumed)."""


@dataclass(slots=True)
class _Candidate:
    strokes: list[KeyStroke] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)


class WedgeAssembler:
    """Turn a stream of keystrokes into scans and keystrokes for the focused widget.

    Not thread-safe: feed it from the one place that receives key events.
    """

    def __init__(self, profile: WedgeProfile) -> None:
        self.profile = profile
        self._timeout = profile.inter_key_timeout_ms / 1000.0
        self._burst_gap = profile.burst_gap_ms / 1000.0
        self._candidate: _Candidate | None = None
        self._typing = False
        self._last_at: float | None = None

    def pending(self) -> bool:
        """Whether keystrokes are held back, waiting for a terminator or a timeout."""
        return self._candidate is not None

    def feed(self, stroke: KeyStroke) -> WedgeResult:
        """Judge one keystroke; see the module docstring for the rules."""
        gap = self._gap(stroke.at)
        self._last_at = stroke.at if self._last_at is None else max(self._last_at, stroke.at)
        stale: tuple[KeyStroke, ...] = ()
        if gap is not None and gap > self._timeout:
            stale = self._release()
            gap = None

        if self._is_terminator(stroke):
            return self._on_terminator(stroke, gap, stale)
        if self._is_burst_char(stroke):
            return self._on_char(stroke, gap, stale)
        # A non-character key: scanners do not send these inside a burst.
        return WedgeResult(replay=stale + self._release())

    def flush(self, now: float) -> list[KeyStroke]:
        """Give back held keystrokes if no key came for longer than the timeout.

        Call it periodically (every ~50 ms); deliver what it returns, in order.
        """
        if self._last_at is None or now - self._last_at <= self._timeout:
            return []
        return list(self._release())

    def paste(self, text: str, at: float) -> list[Scan]:
        """Split a bracketed paste into scans, one per non-empty line or terminated piece."""
        for breaker in ("\r\n", "\r", *sorted(_TERMINATOR_CHARS[self.profile.terminator])):
            text = text.replace(breaker, "\n")
        return [self._make_scan(piece, at) for piece in text.split("\n") if piece]

    def _gap(self, at: float) -> float | None:
        if self._last_at is None or (self._candidate is None and not self._typing):
            return None
        # A clock that steps backwards must not make a burst look slow.
        return max(0.0, at - self._last_at)

    def _release(self) -> tuple[KeyStroke, ...]:
        held = tuple(self._candidate.strokes) if self._candidate is not None else ()
        self._candidate = None
        self._typing = False
        return held

    def _is_terminator(self, stroke: KeyStroke) -> bool:
        terminator = self.profile.terminator
        return (
            stroke.key == _TERMINATOR_KEYS[terminator]
            or stroke.character in _TERMINATOR_CHARS[terminator]
        )

    @staticmethod
    def _is_burst_char(stroke: KeyStroke) -> bool:
        if stroke.key == GS_KEY or stroke.character == GS:
            return True
        char = stroke.character
        return char is not None and char != "" and char.isprintable()

    def _on_char(
        self, stroke: KeyStroke, gap: float | None, stale: tuple[KeyStroke, ...]
    ) -> WedgeResult:
        if self._typing:
            return WedgeResult(replay=stale)
        candidate = self._candidate
        if candidate is None:
            self._candidate = _Candidate(strokes=[stroke])
            return WedgeResult(consumed=True, replay=stale)
        if gap is not None:
            candidate.gaps.append(gap)
        gaps = candidate.gaps
        if len(gaps) >= 2 and gaps[-1] > self._burst_gap and gaps[-2] > self._burst_gap:
            held = self._release()
            self._typing = True
            return WedgeResult(replay=stale + held)
        candidate.strokes.append(stroke)
        return WedgeResult(consumed=True, replay=stale)

    def _on_terminator(
        self, stroke: KeyStroke, gap: float | None, stale: tuple[KeyStroke, ...]
    ) -> WedgeResult:
        candidate = self._candidate
        if candidate is None or gap is None:
            return WedgeResult(replay=stale + self._release())
        gaps = [*candidate.gaps, gap]
        text = "".join(self._char_of(s) for s in candidate.strokes)
        if len(text) < self.profile.min_length or statistics.median(gaps) > self._burst_gap:
            return WedgeResult(replay=stale + self._release())
        self._release()
        return WedgeResult(scan=self._make_scan(text, stroke.at), consumed=True, replay=stale)

    @staticmethod
    def _char_of(stroke: KeyStroke) -> str:
        if stroke.key == GS_KEY or stroke.character is None:
            return GS
        return stroke.character

    def _make_scan(self, text: str, at: float) -> Scan:
        symbology: str | None = None
        if self.profile.aim_prefix:
            symbology, text = split_aim(text)
        return Scan(
            text=self._normalise_gs(text),
            device=self.profile.device,
            symbology=symbology,
            monotonic_ns=nanoseconds(at),
        )

    def _normalise_gs(self, text: str) -> str:
        profile = self.profile
        if profile.gs_mode is GsMode.SUBSTITUTE and profile.gs_substitute:
            return text.replace(profile.gs_substitute, GS)
        if profile.gs_mode is GsMode.ALT029:
            return text.replace(ALT029_TEXT, GS)
        return text
