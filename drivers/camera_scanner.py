"""A camera as a scan source: frames in, debounced scans out, without ever stopping the station.

`CameraScanner` is a `drivers.reader.ReconnectingSource`: its reader thread
(the capture thread) opens the `FrameSource`, reads frames and reconnects with
backoff exactly as a serial or evdev scanner does; a second thread decodes.
From a live camera the capture thread keeps only the newest frame (older ones
are dropped, so latency stays one frame however slow decoding is), from a file
or folder it hands every frame over. The decode thread decodes, debounces
(`drivers.debounce.Debouncer`) and calls ``on_scan``.

States (`station.ports.DeviceState`): CONNECTING; CONNECTED once the first
frame came, with ``fps`` (frames decoded per second) and ``decode_rate`` (the
share of them with a code), both over the last two seconds and refreshed every
second; RECONNECTING with a reason and exponential backoff (0.5 s doubling to
30 s) when a live camera cannot be opened or stops delivering; ENDED when a
file or folder has been read to the end; ERROR when a file or folder cannot be
opened at all; STOPPED after `CameraScanner.stop`. Nothing raises into the
caller; an error in ``on_scan`` goes in the status detail, and a decoder error
on one frame is logged and counted (in the ENDED detail, and
`CameraScanner.decode_errors`), not fatal.

The seam for tests is `FrameSource` (``read() -> Frame | None``): capture and
decoding are separate, so only a physical camera ever needs replacing, and
files, folders and streams go through the real OpenCV capture.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from dataclasses import replace

from drivers.debounce import Debouncer
from drivers.frames import Frame, FrameOpener, FrameSource
from drivers.reader import ReconnectingSource, Run
from station.domain.scanning.scan import Scan
from station.errors import DeviceError
from station.ports import Decoder, DeviceState, DeviceStatus

log = logging.getLogger(__name__)

BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0
STATS_WINDOW_S = 2.0
STATS_EVERY_S = 1.0

_END = object()
"""Put on the frame hand-over by the capture thread when a finite source is done."""


class _Ended(DeviceError):
    """A file or folder was read to its end: not a failure."""


class _CameraRun(Run):
    """A run of a camera: the reader's, plus the hand-over from capture to decoding."""

    def __init__(self, first_wait_s: float) -> None:
        super().__init__(first_wait_s)
        self.frames: queue.Queue[object] = queue.Queue(maxsize=1)


def _frames(run: Run) -> queue.Queue[object]:
    assert isinstance(run, _CameraRun)  # `CameraScanner._new_run` makes every run
    return run.frames


class _Capture:
    """An opened frame source and where this pass over it stands."""

    def __init__(self, source: FrameSource, offset_ns: int = 0) -> None:
        self.source = source
        self.offset_ns = offset_ns
        """Added to frame times: a looped file's later passes come after its first."""
        self.last_t: int | None = None
        self.first = True

    def next_pass(self, source: FrameSource) -> None:
        """Read `source` (the same file or folder, opened again) after the last frame so far."""
        self.offset_ns = (self.last_t or 0) + 1
        self.source = source
        self.last_t = None
        self.first = True


class CameraScanner(ReconnectingSource[_Capture]):
    """A `station.ports.ScanSource` reading codes from camera frames."""

    join_timeout_s = 1.0

    def __init__(
        self,
        device_id: str,
        opener: FrameOpener,
        decoder: Decoder,
        *,
        live: bool,
        debounce_ms: int = 1500,
        fps: float | None = None,
        loop: bool = False,
        target: str = "",
        backoff_s: tuple[float, float] = (BACKOFF_FIRST_S, BACKOFF_MAX_S),
    ) -> None:
        first_s, max_s = backoff_s
        super().__init__(device_id, reconnect_max_s=max_s, reconnect_min_s=first_s)
        self.target = target
        """What is read, e.g. ``file /videos/dock.mp4`` or ``stream rtsp://...``."""
        self._opener = opener
        self._decoder = decoder
        self._live = live
        self._debouncer = Debouncer(debounce_ms * 1_000_000)
        self._min_interval = 1.0 / fps if fps else 0.0
        self._loop = loop
        self._recent: deque[tuple[float, bool]] = deque()
        self.frames_decoded = 0
        self.frames_dropped = 0
        self.decode_errors = 0

    # -- the run ----------------------------------------------------------------

    def _new_run(self) -> Run:
        return _CameraRun(self.reconnect_min_s)

    def _starting(self, run: Run) -> None:
        # Each run has its own source clock (a file starts again at 0): sightings
        # from an earlier run say nothing about this one.
        self._debouncer = Debouncer(self._debouncer.window_ns)
        self._recent.clear()
        self.frames_decoded = self.frames_dropped = self.decode_errors = 0

    def _more_threads(self, run: Run, name: str) -> list[threading.Thread]:
        return [
            threading.Thread(
                target=self._decode_loop, args=(run,), name=f"{name} decode", daemon=True
            )
        ]

    def _connecting_detail(self) -> str:
        return ""

    # -- the capture thread -----------------------------------------------------

    def _connect(self, run: Run) -> tuple[_Capture, None]:
        return _Capture(self._opener()), None

    def _poll(self, run: Run, capture: _Capture) -> list[Scan]:
        """Hand the next frame over to the decode thread; raise at the end of the source."""
        frame = self._read_frame(capture.source)
        if frame is None:
            self._end_of(capture)
            return []
        if capture.offset_ns:
            frame = replace(frame, t_ns=frame.t_ns + capture.offset_ns)
        capture.last_t = frame.t_ns
        if capture.first:
            capture.first = False
            shape: tuple[int, ...] = tuple(getattr(frame.image, "shape", ()))
            size = f"{shape[1]}x{shape[0]}" if len(shape) >= 2 else ""
            self._update(run, state=DeviceState.CONNECTED, detail=size)
        self._hand_over(run, frame)
        return []

    def _end_of(self, capture: _Capture) -> None:
        """A source gave no frame: raise why, or start a looped file or folder again."""
        if self._live:
            raise DeviceError("The camera stopped sending frames.")
        if not self._loop:
            raise _Ended("The source has been read to its end.")
        if capture.last_t is None:  # an empty file or folder: nothing to loop over
            raise DeviceError("The source has no frames to loop.")
        source = self._opener()
        capture.source.close()
        capture.next_pass(source)

    def _read_frame(self, source: FrameSource) -> Frame | None:
        try:
            return source.read()
        except Exception as exc:
            log.warning("%s: frame read failed: %s", self.device_id, _describe(exc))
            return None

    def _disconnect(self, capture: _Capture) -> None:
        capture.source.close()

    def _cannot_open(self, run: Run, exc: Exception, wait_s: float) -> str | None:
        return self._retry_or_end(run, exc, wait_s)

    def _lost(self, run: Run, exc: Exception, wait_s: float) -> str | None:
        return self._retry_or_end(run, exc, wait_s)

    def _retry_or_end(self, run: Run, exc: Exception, wait_s: float) -> str | None:
        """A live camera is tried again; a file or folder ends, with ERROR unless it was read."""
        reason = str(exc) if isinstance(exc, DeviceError) else _describe(exc)
        if self._live:
            return f"{reason} Retrying in {wait_s:g} s."
        if not isinstance(exc, _Ended):
            self._update(run, state=DeviceState.ERROR, detail=reason)
        self._hand_over(run, _END)
        return None

    def _hand_over(self, run: Run, item: object) -> None:
        frames = _frames(run)
        if self._live and item is not _END:
            try:  # keep only the newest frame: latency over completeness
                frames.get_nowait()
                self.frames_dropped += 1
            except queue.Empty:
                pass
        while not run.stopping.is_set():
            try:
                frames.put(item, timeout=0.1)
                return
            except queue.Full:
                if self._live and item is not _END:
                    return  # the decoder took nothing yet; this frame is already stale

    # -- the decode thread ------------------------------------------------------

    def _decode_loop(self, run: Run) -> None:
        frames = _frames(run)
        next_slot = 0.0
        last_report = time.monotonic()
        while not run.stopping.is_set():
            try:
                item = frames.get(timeout=0.1)
            except queue.Empty:
                continue
            if not isinstance(item, Frame):  # _END
                if self.status().state != DeviceState.ERROR:
                    self._update(run, state=DeviceState.ENDED, detail=self._ended_detail())
                return
            if self._min_interval:
                wait = next_slot - time.monotonic()
                if wait > 0 and run.stopping.wait(wait):
                    return
                next_slot = max(next_slot, time.monotonic()) + self._min_interval
            self._decode(run, item)
            now = time.monotonic()
            if now - last_report >= STATS_EVERY_S:
                last_report = now
                self._update(run)

    def _decode(self, run: Run, frame: Frame) -> None:
        try:
            found = self._decoder.decode(frame.image)
        except Exception as exc:
            self.decode_errors += 1
            log.warning("%s: decoder failed on a frame: %s", self.device_id, _describe(exc))
            found = []
        now = time.monotonic()
        self.frames_decoded += 1
        self._recent.append((now, bool(found)))
        while self._recent and now - self._recent[0][0] > STATS_WINDOW_S:
            self._recent.popleft()
        for decoded in found:
            if not self._debouncer.is_new((decoded.text, decoded.symbology), frame.t_ns):
                continue
            if run.stopping.is_set():
                return
            scan = Scan(
                text=decoded.text,
                device=self.device_id,
                symbology=decoded.symbology,
                monotonic_ns=time.monotonic_ns(),
            )
            self._deliver(run, [scan])

    # -- status -----------------------------------------------------------------

    def _ended_detail(self) -> str:
        parts = [f"{self.frames_decoded} frames decoded"]
        if self.decode_errors:
            parts.append(f"{self.decode_errors} decoder errors")
        return ", ".join(parts) + "."

    def _figures(self, status: DeviceStatus) -> DeviceStatus:
        fps, rate = self._rates()
        return replace(status, fps=fps, decode_rate=rate)

    def _rates(self) -> tuple[float | None, float | None]:
        recent = list(self._recent)
        if len(recent) < 2:
            return None, None
        span = recent[-1][0] - recent[0][0]
        fps = (len(recent) - 1) / span if span > 0 else None
        rate = sum(hit for _, hit in recent) / len(recent)
        return (round(fps, 1) if fps is not None else None), round(rate, 2)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
