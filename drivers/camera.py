"""Cameras as scanners: frames in, debounced scans out, without ever stopping the station.

URLs (the ``camera`` scheme of `drivers.registry`)::

    camera://0                          V4L2 / OS camera by index
    camera:///dev/video2                camera by device path
    camera:rtsp://10.0.0.5/stream1      network stream (also rtsps, http, https)
    camera:file:///videos/dock.mp4      a video file, read once (loop=1: forever)
    camera:dir:///frames/               a folder of images, read in sorted name order

Parameters, in the query (``camera://0?decoder=zbar&formats=qr,datamatrix``):

- ``decoder=zxing|zbar`` (zxing): the back end, see `drivers.decoders`.
- ``formats=qr,datamatrix,code128,...`` (all the back end reads): fewer is faster.
- ``debounce_ms=1500``: a code seen again within this time of its last sighting
  is the same scan. The window slides: a label that stays in view, even if a
  few blurred frames miss it, is one scan; it scans again once it has been
  out of view for longer than the window. Time is the source's own: the
  camera clock for live cameras, the video's frame times for files, one
  frame per 1/``fps`` (default 1/10 s) for folders, so a file debounces the
  same however fast it is decoded.
- ``fps=N``: decode at most N frames per second (saves CPU on a live camera;
  plays a file or folder in real time when N is its frame rate). Default: as
  fast as decoding goes.
- ``loop=0|1`` (0): files and folders start again at the end instead of ending.
- ``retry=0|1`` (1): the pipeline's contrast-equalised second pass on frames
  where nothing was found (`drivers.decoders.pipeline`).

For network streams, parameters with other names stay in the stream URL for
the camera. Elsewhere an unknown parameter is a `DeviceError` naming the
nearest known one.

How it runs: `CameraScanner.start` starts two daemon threads. The capture thread
opens the `FrameSource` and reads frames; from a live camera it keeps only
the newest frame (older ones are dropped, so latency stays one frame however
slow decoding is), from a file or folder it hands every frame over. The
decode thread decodes, debounces and calls ``on_scan``. States
(`station.ports.DeviceState`): CONNECTING, CONNECTED (with ``fps``: frames
decoded per second, and ``decode_rate``: the share of them with a code, both
over the last two seconds, refreshed every second), RECONNECTING with a reason
and exponential backoff (0.5 s doubling to 30 s) when a live camera cannot be
opened or stops delivering, ENDED when a file or folder has been read to the
end, ERROR when a file or folder cannot be opened at all, STOPPED after
`CameraScanner.stop`. Nothing raises into the caller; errors in ``on_scan`` are
logged, and a decoder error on one frame is logged and counted (in the ENDED
detail, and `CameraScanner.decode_errors`), not fatal.

The seam for tests is `FrameSource` (``read() -> Frame | None``): capture and
decoding are separate, so only a physical camera ever needs replacing, and
files, folders and streams go through the real OpenCV capture.

OpenCV's log level is lowered to errors when a camera is opened: its warnings
(e.g. "can't open camera by index") are written from C straight to the
terminal, under the TUI; the reason is in the device status instead.
"""

from __future__ import annotations

import difflib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from drivers.decoders import DECODER_NAMES, get_decoder, parse_formats
from drivers.frames import (
    DIRECTORY_FPS,
    IMAGE_SUFFIXES,
    CaptureFrames,
    DirectoryFrames,
    Frame,
    FrameOpener,
    FrameSource,
)
from drivers.urls import DeviceURL
from station.domain.scanning.scan import Scan
from station.errors import DeviceError
from station.ports import Decoder, DeviceState, DeviceStatus

__all__ = [
    "IMAGE_SUFFIXES",
    "CameraScanner",
    "CaptureFrames",
    "Debouncer",
    "DirectoryFrames",
    "Frame",
    "FrameSource",
    "open_camera_scanner",
]

log = logging.getLogger(__name__)

PARAMETERS = ("decoder", "formats", "debounce_ms", "fps", "loop", "retry")
"""Query parameters this driver reads from a camera URL."""

STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0
STATS_WINDOW_S = 2.0
STATS_EVERY_S = 1.0


class Debouncer:
    """Decides whether a code sighting is a new scan: sliding window per (text, symbology).

    >>> debounce = Debouncer(window_ns=1_500_000_000)
    >>> [debounce.is_new(("A", None), t * 500_000_000) for t in range(4)]
    [True, False, False, False]
    >>> debounce.is_new(("A", None), 4 * 500_000_000 + 1_600_000_000)
    True
    """

    def __init__(self, window_ns: int) -> None:
        self.window_ns = window_ns
        self._last_seen: dict[tuple[str, str | None], int] = {}

    def is_new(self, key: tuple[str, str | None], t_ns: int) -> bool:
        last = self._last_seen.get(key)
        self._last_seen[key] = t_ns
        if len(self._last_seen) > 512:
            self._forget_before(t_ns - self.window_ns)
        return last is None or t_ns - last > self.window_ns or t_ns < last

    def _forget_before(self, t_ns: int) -> None:
        for key in [key for key, seen in self._last_seen.items() if seen < t_ns]:
            del self._last_seen[key]


_END = object()
"""Put on the frame hand-over by the capture thread when a finite source is done."""


@dataclass(frozen=True, slots=True)
class _Run:
    """One start..stop of a scanner: its threads share these and nothing else.

    A new `start` after `stop` gets a new run, so threads of the old one that are
    still blocked in a device read can only ever see their own stop signal.
    """

    stopping: threading.Event
    frames: queue.Queue[Any]


class CameraScanner:
    """A `station.ports.ScanSource` reading codes from camera frames."""

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
        self.device_id = device_id
        self.target = target
        """What is read, e.g. ``file /videos/dock.mp4`` or ``stream rtsp://...``."""
        self._backoff_s = backoff_s
        self._opener = opener
        self._decoder = decoder
        self._live = live
        self._debouncer = Debouncer(debounce_ms * 1_000_000)
        self._min_interval = 1.0 / fps if fps else 0.0
        self._loop = loop
        self._lock = threading.Lock()
        self._status = DeviceStatus(device=device_id, state=DeviceState.STOPPED)
        self._run = _Run(threading.Event(), queue.Queue(maxsize=1))
        self._run.stopping.set()
        self._threads: list[threading.Thread] = []
        self._on_scan: Callable[[Scan], None] = _ignore
        self._on_status: Callable[[DeviceStatus], None] = _ignore
        self._recent: deque[tuple[float, bool]] = deque()
        self.frames_decoded = 0
        self.frames_dropped = 0
        self.decode_errors = 0

    # -- ScanSource ----------------------------------------------------------

    def start(
        self,
        on_scan: Callable[[Scan], None],
        on_status: Callable[[DeviceStatus], None],
    ) -> None:
        """Start reading in the background; returns at once. Until `stop`, a new call is ignored."""
        if not self._run.stopping.is_set():
            return
        self._on_scan, self._on_status = on_scan, on_status
        # Each run has its own source clock (a file starts again at 0): sightings
        # from an earlier run say nothing about this one.
        self._debouncer = Debouncer(self._debouncer.window_ns)
        self._recent.clear()
        self.frames_decoded = self.frames_dropped = self.decode_errors = 0
        run = self._run = _Run(threading.Event(), queue.Queue(maxsize=1))
        self._update(run, state=DeviceState.CONNECTING, detail="")
        name = f"camera {self.device_id}"
        self._threads = [
            threading.Thread(
                target=self._capture_loop, args=(run,), name=f"{name} capture", daemon=True
            ),
            threading.Thread(
                target=self._decode_loop, args=(run,), name=f"{name} decode", daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop both threads; returns within about a second even if the device hangs."""
        run = self._run
        run.stopping.set()
        deadline = time.monotonic() + 1.0
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        self._update(run, state=DeviceState.STOPPED, detail="", force=True)

    def status(self) -> DeviceStatus:
        with self._lock:
            return self._status

    # -- threads --------------------------------------------------------------

    def _capture_loop(self, run: _Run) -> None:
        first_backoff, max_backoff = self._backoff_s
        backoff = first_backoff
        offset_ns = 0
        while not run.stopping.is_set():
            try:
                source = self._opener()
            except Exception as exc:
                reason = str(exc) if isinstance(exc, DeviceError) else _describe(exc)
                if not self._live:
                    self._update(run, state=DeviceState.ERROR, detail=reason)
                    self._hand_over(run, _END)
                    return
                self._update(
                    run,
                    state=DeviceState.RECONNECTING,
                    detail=f"{reason} Retrying in {backoff:g} s.",
                )
                run.stopping.wait(backoff)
                backoff = min(backoff * 2, max_backoff)
                continue
            try:
                last_t = self._pump(run, source, offset_ns)
            finally:
                source.close()
            if run.stopping.is_set():
                return
            if self._live:
                if last_t is not None:  # it worked for a while: start the backoff afresh
                    backoff = first_backoff
                self._update(
                    run,
                    state=DeviceState.RECONNECTING,
                    detail=f"The camera stopped sending frames. Retrying in {backoff:g} s.",
                )
                run.stopping.wait(backoff)
                backoff = min(backoff * 2, max_backoff)
                continue
            if self._loop and last_t is not None:
                offset_ns = last_t + 1
                continue
            if self._loop:  # an empty file or folder: nothing to loop over
                self._update(
                    run, state=DeviceState.ERROR, detail="The source has no frames to loop."
                )
            self._hand_over(run, _END)
            return

    def _pump(self, run: _Run, source: FrameSource, offset_ns: int) -> int | None:
        """Read frames from `source` until it ends or fails; the last frame time, if any."""
        last_t: int | None = None
        first = True
        while not run.stopping.is_set():
            try:
                frame = source.read()
            except Exception as exc:
                log.warning("%s: frame read failed: %s", self.device_id, _describe(exc))
                frame = None
            if frame is None:
                return last_t
            if offset_ns:
                frame = replace(frame, t_ns=frame.t_ns + offset_ns)
            last_t = frame.t_ns
            if first:
                first = False
                shape: tuple[int, ...] = tuple(getattr(frame.image, "shape", ()))
                size = f"{shape[1]}x{shape[0]}" if len(shape) >= 2 else ""
                self._update(run, state=DeviceState.CONNECTED, detail=size)
            self._hand_over(run, frame)
        return last_t

    def _hand_over(self, run: _Run, item: object) -> None:
        if self._live and item is not _END:
            try:  # keep only the newest frame: latency over completeness
                run.frames.get_nowait()
                self.frames_dropped += 1
            except queue.Empty:
                pass
        while not run.stopping.is_set():
            try:
                run.frames.put(item, timeout=0.1)
                return
            except queue.Full:
                if self._live and item is not _END:
                    return  # the decoder took nothing yet; this frame is already stale

    def _decode_loop(self, run: _Run) -> None:
        next_slot = 0.0
        last_report = time.monotonic()
        while not run.stopping.is_set():
            try:
                item = run.frames.get(timeout=0.1)
            except queue.Empty:
                continue
            if item is _END:
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

    def _decode(self, run: _Run, frame: Frame) -> None:
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
            with self._lock:
                self._status = replace(self._status, scans=self._status.scans + 1, last_scan_at=now)
            try:
                self._on_scan(scan)
            except Exception:
                log.exception("%s: on_scan failed", self.device_id)

    # -- status ---------------------------------------------------------------

    def _ended_detail(self) -> str:
        parts = [f"{self.frames_decoded} frames decoded"]
        if self.decode_errors:
            parts.append(f"{self.decode_errors} decoder errors")
        return ", ".join(parts) + "."

    def _update(
        self,
        run: _Run,
        *,
        state: DeviceState | None = None,
        detail: str | None = None,
        force: bool = False,
    ) -> None:
        """Change state and/or refresh the rolling figures, then tell the listener."""
        with self._lock:
            current = self._status
            if (run.stopping.is_set() or run is not self._run) and not force:
                return  # a thread finishing after stop() must not revive the status
            fps, rate = self._rates()
            new = replace(
                current,
                state=state if state is not None else current.state,
                detail=detail if detail is not None else current.detail,
                fps=fps,
                decode_rate=rate,
            )
            if new == current:
                return
            self._status = new
        try:
            self._on_status(new)
        except Exception:
            log.exception("%s: on_status failed", self.device_id)

    def _rates(self) -> tuple[float | None, float | None]:
        recent = list(self._recent)
        if len(recent) < 2:
            return None, None
        span = recent[-1][0] - recent[0][0]
        fps = (len(recent) - 1) / span if span > 0 else None
        rate = sum(hit for _, hit in recent) / len(recent)
        return (round(fps, 1) if fps is not None else None), round(rate, 2)


# ---------------------------------------------------------------------------
# URL -> scanner


def open_camera_scanner(url: DeviceURL) -> CameraScanner:
    """The scanner for a ``camera`` URL; `DeviceError` for a malformed one (nothing opened yet)."""
    target, params = _target(url)
    decoder_name = params.get("decoder", "zxing")
    if decoder_name not in DECODER_NAMES:
        known = ", ".join(DECODER_NAMES)
        raise DeviceError(f"{url.text}: decoder={decoder_name!r}: expected one of {known}.")
    try:
        formats = parse_formats(params.get("formats"))
    except DeviceError as exc:
        raise DeviceError(f"{url.text}: {exc}") from None
    retry = _flag(url, params, "retry", default=True)
    loop = _flag(url, params, "loop", default=False)
    debounce_ms = _number(url, params, "debounce_ms", 1500, minimum=0)
    fps = _number(url, params, "fps", 0, minimum=0) or None
    decoder = get_decoder(decoder_name, formats, retry=retry)

    kind, where = target
    opener: FrameOpener
    live = kind in ("index", "device", "stream")
    if kind == "index":
        index = int(where)
        opener = lambda: CaptureFrames(index, live=True)  # noqa: E731
    elif kind == "device":
        opener = lambda: CaptureFrames(where, live=True)  # noqa: E731
    elif kind == "stream":
        opener = lambda: CaptureFrames(where, live=True, stream=True)  # noqa: E731
    elif kind == "file":
        path = where

        def open_file() -> FrameSource:
            if not Path(path).is_file():
                raise DeviceError(f"Cannot open video file {path!r}: no such file.")
            return CaptureFrames(path, live=False)

        opener = open_file
    else:
        folder = Path(where)
        rate = fps or DIRECTORY_FPS
        opener = lambda: DirectoryFrames(folder, fps=rate)  # noqa: E731
    if loop and live:
        raise DeviceError(f"{url.text}: loop=1 applies to files and folders, not to cameras.")
    return CameraScanner(
        url.text,
        opener,
        decoder,
        live=live,
        debounce_ms=debounce_ms,
        fps=fps,
        loop=loop,
        target=f"{kind} {where}",
    )


def _target(url: DeviceURL) -> tuple[tuple[str, str], dict[str, str]]:
    """(kind, where) and the driver's parameters, from either URL form."""
    if url.inner is None:  # camera://0, camera:///dev/video2
        params = dict(url.params)
        _reject_unknown(url, params)
        if url.host and not url.path.strip("/"):
            if not url.host.isdigit():
                raise DeviceError(
                    f"{url.text}: {url.host!r} is not a camera index (expected e.g. camera://0)."
                )
            return ("index", url.host), params
        if url.path and not url.host:
            return ("device", url.path), params
        raise DeviceError(
            f"{url.text}: expected camera://INDEX, camera:///dev/videoN, camera:rtsp://..., "
            "camera:file:///video.mp4 or camera:dir:///folder/."
        )
    parts = urlsplit(url.inner)
    scheme = parts.scheme.lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = {key: value for key, value in query if key in PARAMETERS}
    if scheme in STREAM_SCHEMES:
        rest = urlencode([(key, value) for key, value in query if key not in PARAMETERS])
        stream = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment))
        return ("stream", stream), params
    _reject_unknown(url, dict(query))
    if scheme in ("file", "dir"):
        path = parts.path
        if parts.netloc and parts.netloc != "localhost":
            path = parts.netloc + path  # camera:file://relative/x.mp4
        if not path:
            raise DeviceError(f"{url.text}: no path after {scheme}:.")
        return (scheme, path), params
    raise DeviceError(
        f"{url.text}: unknown camera source {scheme!r} "
        f"(expected one of file, dir, {', '.join(STREAM_SCHEMES)})."
    )


def _reject_unknown(url: DeviceURL, params: dict[str, str]) -> None:
    for key in params:
        if key not in PARAMETERS:
            near = difflib.get_close_matches(key, PARAMETERS, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else "."
            raise DeviceError(
                f"{url.text}: unknown parameter {key!r}: expected one of "
                f"{', '.join(PARAMETERS)}{hint}"
            )


def _flag(url: DeviceURL, params: dict[str, str], name: str, *, default: bool) -> bool:
    raw = params.get(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise DeviceError(f"{url.text}: {name}={raw!r}: expected 0 or 1.")


def _number(
    url: DeviceURL, params: dict[str, str], name: str, default: int, *, minimum: float
) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise DeviceError(f"{url.text}: {name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise DeviceError(f"{url.text}: {name}={raw!r}: expected at least {minimum:g}.")
    return value


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _ignore(_: object) -> None:
    pass
