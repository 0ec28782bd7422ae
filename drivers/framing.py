"""Cut a scanner's byte stream into scans: the pure half of a serial scanner.

A serial (RS-232 or USB CDC-ACM) scanner sends each barcode as a run of bytes
followed by the suffix it is configured for, or by nothing at all. This module
decides where one scan ends and how its bytes become text. It does no I/O and
starts no threads, so it is tested in microseconds with any bytes, and the
reader thread in `drivers.serial_scanner` only moves bytes (the same split as
pyserial's ``serial.threaded.LineReader`` and its reader thread).

How frames end (`ScanFramer.feed`, `ScanFramer.flush`):

- With a suffix (``CR``, ``LF``, ``CRLF``, ``TAB``, ``EOT``) each suffix ends a
  frame and is not part of the text. A CRLF pair is taken as one line end by
  ``CR`` and ``LF`` too: with ``CR`` an LF right after the CR is dropped, with
  ``LF`` a CR that closes a frame is dropped, so a scanner sending CRLF works
  under any of the three. With ``CRLF``, a lone CR or LF is data.
- With ``none``, a frame ends when no byte has come for ``gap_ms`` (default
  50 ms). Bytes of two scans that reach the reader in one read with no gap
  between them are one frame: the timing is all there is.
- With a suffix, ``gap_ms`` is a safety flush: a partial frame with no byte for
  that long is emitted as it is (default 1000 ms, generous because Bluetooth
  scanners stall mid-burst; 0 turns it off). A lost suffix then costs one
  unusable scan, not the next scan too.
- A pending frame is never silently lost: `flush` with ``force=True`` (the port
  went away) emits it.
- Empty frames (two suffixes in a row) produce no scan.

Over-long frames: a frame longer than ``max_length`` bytes (default 8 KiB) is
cut. Its first ``max_length`` bytes are emitted as a scan, so the operator sees
that something unusable was scanned and the classifier refuses it with a
reason; the rest of that frame, up to the next suffix or gap, is discarded.
`ScanFramer.cut_frames` and `ScanFramer.discarded_bytes` count both, for the
driver to report. Memory stays bounded whatever the device sends (a wrong baud
rate produces endless noise).

Text: bytes are decoded with ``latin-1`` by default, so every byte maps to one
character and a GS (0x1D) stays ``"\\x1d"``. Another ASCII-compatible encoding
(``utf-8``) may be configured; undecodable bytes become U+FFFD. Encodings in
which the suffix bytes could occur inside a character (UTF-16) are refused.
With ``aim=True``, an AIM symbology identifier (``]C1``, ``]d2``, ``]Q3``) that
opens the text is moved to `Scan.symbology`.

Nothing here raises on any bytes or times: input from a device is data.

>>> framer = ScanFramer(FramingProfile(suffix=Suffix.CR, aim=True, device="serial:///dev/ttyACM0"))
>>> [(s.symbology, s.text) for s in framer.feed(b"]C1010061414199999\\x1d10LOT\\r", now=1.0)]
[(']C1', '010061414199999\\x1d10LOT')]
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from drivers.scan_assembly import (
    DEFAULT_MAX_LENGTH,
    SuffixName,
    assembled_scan,
    check_max_length,
    scan_gap_s,
)
from station.domain.scanning.scan import Scan

_ASCII_PROBE = "\r\n\t\x04\x1d]AZaz09 #"


class Suffix(SuffixName):
    """What a serial scanner sends after each barcode."""

    CR = "CR"
    LF = "LF"
    CRLF = "CRLF"
    TAB = "TAB"
    EOT = "EOT"
    NONE = "none"

    @property
    def separator(self) -> bytes:
        """The bytes that end a frame; empty for `NONE`."""
        return _SEPARATORS[self]


_SEPARATORS: dict[Suffix, bytes] = {
    Suffix.CR: b"\r",
    Suffix.LF: b"\n",
    Suffix.CRLF: b"\r\n",
    Suffix.TAB: b"\t",
    Suffix.EOT: b"\x04",
    Suffix.NONE: b"",
}


@dataclass(frozen=True, slots=True)
class FramingProfile:
    """How one byte-stream scanner ends and encodes its scans."""

    suffix: Suffix = Suffix.CR
    """What ends each frame; `Suffix.NONE` frames by `gap_ms` alone."""

    gap_ms: float | None = None
    """Silence that ends a frame (``none``) or flushes a partial one (a suffix).
    ``None`` picks the default (`drivers.scan_assembly.scan_gap_s`); 0 turns the
    safety flush off (not allowed with ``none``)."""

    encoding: str = "latin-1"
    """How frame bytes become text; must be ASCII-compatible."""

    aim: bool = False
    """The scanner sends an AIM symbology identifier first; split it off."""

    max_length: int = DEFAULT_MAX_LENGTH
    """Longest frame in bytes; longer ones are cut (see the module docstring)."""

    device: str = "serial"
    """Device id put on each `Scan`."""


def check_encoding(encoding: str) -> str:
    """The canonical name of `encoding`; `ValueError` unless it is an ASCII-compatible codec."""
    try:
        name = codecs.lookup(encoding).name
        ok = (
            _ASCII_PROBE.encode(name) == _ASCII_PROBE.encode("ascii")
            and _ASCII_PROBE.encode("ascii").decode(name) == _ASCII_PROBE
        )
    except (LookupError, ValueError, TypeError, UnicodeError):
        raise ValueError(f"encoding={encoding!r}: not a known text encoding") from None
    if not ok:
        raise ValueError(
            f"encoding={encoding!r}: expected an ASCII-compatible encoding "
            "(latin-1, utf-8, cp1252, ...), found one that encodes ASCII differently"
        )
    return name


class ScanFramer:
    """Turn chunks of bytes, as they arrive, into scans.

    Not thread-safe: feed it from the one thread that reads the port.
    """

    def __init__(self, profile: FramingProfile) -> None:
        self.profile = profile
        self.encoding = check_encoding(profile.encoding)
        check_max_length(profile.max_length)
        self.gap_s = scan_gap_s(profile.gap_ms, gap_ends_scans=profile.suffix is Suffix.NONE)
        """Silence, in seconds, that ends (or safety-flushes) a frame; 0 for never."""
        self.cut_frames = 0
        """Frames cut at `FramingProfile.max_length` so far."""
        self.discarded_bytes = 0
        """Bytes dropped from cut frames so far."""
        self._separator = profile.suffix.separator
        self._buffer = bytearray()
        self._discarding = False
        self._after_cr = False
        self._last_at: float | None = None

    def pending(self) -> bool:
        """Whether bytes of an unfinished frame are held (or an over-long one is being skipped)."""
        return bool(self._buffer) or self._discarding

    def feed(self, data: bytes, now: float) -> list[Scan]:
        """Take bytes read at `now` (monotonic seconds); return the scans they complete."""
        scans = self._flush_if_stale(now)
        if not data:
            return scans
        self._last_at = now
        separator = self._separator
        if not separator:
            self._take_partial(data, scans)
            return scans
        continues_after_cr = self._after_cr and not self._buffer
        self._buffer += data
        *complete, rest = bytes(self._buffer).split(separator)
        self._buffer.clear()
        suffix = self.profile.suffix
        if suffix is Suffix.CR:
            # The LF of a CRLF pair opens the piece after each CR.
            self._after_cr = bool(complete) and not rest
            pieces = [*complete, rest]
            for index, piece in enumerate(pieces):
                if (index > 0 or continues_after_cr) and piece.startswith(b"\n"):
                    pieces[index] = piece[1:]
            *complete, rest = pieces
        elif suffix is Suffix.LF:
            complete = [raw.removesuffix(b"\r") for raw in complete]
        for raw in complete:
            if self._discarding:
                # The tail of a cut frame ends here.
                self._discarding = False
                self.discarded_bytes += len(raw)
                continue
            self._emit(raw, now, scans)
        self._take_partial(rest, scans)
        return scans

    def flush(self, now: float, *, force: bool = False) -> list[Scan]:
        """Emit the pending frame if no byte came for the gap, or at once with `force`.

        Call it whenever a read returns nothing, and with ``force=True`` when the
        port goes away.
        """
        if force:
            return self._end_frame(self._last_at if self._last_at is not None else now)
        return self._flush_if_stale(now)

    def reset(self) -> None:
        """Forget any partial frame, e.g. after reopening a port."""
        self._buffer.clear()
        self._discarding = False
        self._after_cr = False
        self._last_at = None

    def _flush_if_stale(self, now: float) -> list[Scan]:
        last = self._last_at
        # A clock that steps backwards must not end a frame; NaN never does either.
        if last is None or self.gap_s <= 0 or not now - last >= self.gap_s:
            return []
        self._after_cr = False
        return self._end_frame(last)

    def _end_frame(self, at: float) -> list[Scan]:
        scans: list[Scan] = []
        if self._discarding:
            self._discarding = False
        elif self._buffer:
            self._emit(bytes(self._buffer), at, scans)
        self._buffer.clear()
        return scans

    def _take_partial(self, data: bytes, scans: list[Scan]) -> None:
        """Hold `data` as (more of) the unfinished frame, cutting it at the maximum length."""
        if self._discarding:
            self.discarded_bytes += len(data)
            return
        self._buffer += data
        limit = self.profile.max_length
        if len(self._buffer) > limit:
            at = self._last_at if self._last_at is not None else 0.0
            self._emit(bytes(self._buffer), at, scans)
            self._buffer.clear()
            self._discarding = True

    def _emit(self, raw: bytes, at: float, scans: list[Scan]) -> None:
        if not raw:
            return
        limit = self.profile.max_length
        if len(raw) > limit:
            self.cut_frames += 1
            self.discarded_bytes += len(raw) - limit
            raw = raw[:limit]
        text = raw.decode(self.encoding, errors="replace")
        scans.append(assembled_scan(text, device=self.profile.device, aim=self.profile.aim, at=at))
