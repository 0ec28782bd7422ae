"""Scanners on a serial port (RS-232, or USB in CDC-ACM / virtual COM mode).

``serial:///dev/ttyACM0?baud=9600&suffix=CR&gap_ms=50&aim=0&encoding=latin-1``

This module holds the thread half of a serial scanner: open the port, read
bytes, hand them to `drivers.framing.ScanFramer` (the pure half that decides
where scans end), and survive the port going away. It also holds
`ReconnectingSource`, the thread, status and backoff machinery that every
scanner reading a device in a thread shares (`drivers.evdev_scanner` uses it
too).

A port that cannot be opened, or that fails mid-read (a USB scanner unplugged:
`serial.SerialException` or `OSError`), is reported as ``RECONNECTING`` with the
reason, and opened again with exponential backoff (0.2 s doubling to
``reconnect_max_s``, default 5 s) until it comes back, when ``CONNECTED`` is
reported again. Nothing raises into the caller once the URL has been accepted.

URL parameters (each optional; an unknown or bad one is a `DeviceError` at open
time naming the URL and the parameter):

``baud``
    Bits per second, default 9600 (8 data bits, no parity, 1 stop bit).
``suffix``
    ``CR`` (default), ``LF``, ``CRLF``, ``TAB``, ``EOT`` or ``none``.
``gap_ms``
    Silence that ends a scan with ``suffix=none`` (default 50), or that flushes
    a partial scan whose suffix never came (default 1000; 0 for never).
``aim``
    ``1`` when the scanner sends the AIM symbology identifier first.
``encoding``
    How bytes become text, default ``latin-1`` (every byte one character).
``reconnect_max_s``
    Longest wait between attempts to reopen the port, default 5.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Callable
from typing import Protocol, cast

from drivers.framing import FramingProfile, ScanFramer, Suffix
from drivers.urls import DeviceURL
from station.domain.scan import Scan
from station.errors import DeviceError
from station.ports import DeviceState, DeviceStatus

RECONNECT_MIN_S = 0.2
"""First wait before reopening a device; it doubles on each failure."""

RECONNECT_MAX_S = 5.0
"""Default longest wait between attempts to reopen a device."""

READ_TIMEOUT_S = 0.1
"""How long one read may block: bounds how long `stop` takes."""

JOIN_TIMEOUT_S = 2.0
"""How long `stop` waits for the reader thread before giving up on it."""


def describe(exc: BaseException) -> str:
    """A one-line plain-text reason for `exc`, for a status line."""
    text = str(exc).strip()
    return text or type(exc).__name__


class ReconnectingSource:
    """A scan source that reads a device in a daemon thread and reconnects with backoff.

    Subclasses say how to open the device (`_connect`), read from it once
    (`_poll`, blocking at most about `READ_TIMEOUT_S`), give up what a lost
    device left pending (`_drain`) and close it (`_disconnect`). This class
    runs them in a thread, keeps the `DeviceStatus`, calls the callbacks, and
    makes sure nothing a device or a callback does can end the thread or raise
    into the caller.

    ``on_status`` is called from the reader thread whenever the state or its
    detail changes (not for each scan: `status` always has the current count).
    An exception raised by ``on_scan`` or ``on_status`` is caught; the one from
    ``on_scan`` is put in the status detail.
    """

    def __init__(self, device_id: str, *, reconnect_max_s: float = RECONNECT_MAX_S) -> None:
        self.device_id = device_id
        self.reconnect_max_s = reconnect_max_s
        self.reconnect_min_s = min(RECONNECT_MIN_S, reconnect_max_s)
        self._lock = threading.Lock()
        self._status = DeviceStatus(
            device=device_id, state=DeviceState.STOPPED, detail="not started"
        )
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_scan: Callable[[Scan], None] = _ignore
        self._on_status: Callable[[DeviceStatus], None] = _ignore

    # -- the ScanSource protocol ------------------------------------------------

    def start(
        self,
        on_scan: Callable[[Scan], None],
        on_status: Callable[[DeviceStatus], None],
    ) -> None:
        """Start reading in a daemon thread and return at once; ignored while running."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._on_scan = on_scan
        self._on_status = on_status
        self._stop_event = threading.Event()
        with self._lock:
            # Posted from the thread: callbacks never run on the caller's thread.
            self._status = dataclasses.replace(
                self._status, state=DeviceState.CONNECTING, detail=self._connecting_detail()
            )
        self._thread = threading.Thread(
            target=self._run, name=f"scanner {self.device_id}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop reading, close the device and wait (briefly) for the thread to end."""
        self._stop_event.set()
        thread = self._thread
        if thread is None:
            self._set(DeviceState.STOPPED, "stopped")
            return
        if thread is not threading.current_thread():
            thread.join(JOIN_TIMEOUT_S)

    def status(self) -> DeviceStatus:
        """The current status snapshot."""
        with self._lock:
            return self._status

    # -- what subclasses provide ------------------------------------------------

    def _connecting_detail(self) -> str:
        return f"opening {self.device_id}"

    def _connect(self) -> str:
        """Open the device, or raise with the reason; return the detail for ``CONNECTED``."""
        raise NotImplementedError

    def _poll(self) -> list[Scan]:
        """Read once, waiting at most about `READ_TIMEOUT_S`; raise when the device is lost."""
        raise NotImplementedError

    def _drain(self) -> list[Scan]:
        """Scans still pending when the device was lost or the source stopped."""
        return []

    def _disconnect(self) -> None:
        """Close the device; may raise (ignored)."""

    def _notice(self) -> str | None:
        """A note for the status detail after a poll (e.g. cut frames), or ``None``."""
        return None

    # -- the thread -------------------------------------------------------------

    def _run(self) -> None:
        self._post(self.status())
        delay = self.reconnect_min_s
        stop = self._stop_event
        while not stop.is_set():
            try:
                connected = self._connect()
            except Exception as exc:
                self._set(
                    DeviceState.RECONNECTING,
                    f"cannot open: {describe(exc)}; next try in {delay:g} s",
                )
                if stop.wait(delay):
                    break
                delay = min(delay * 2, self.reconnect_max_s)
                continue
            delay = self.reconnect_min_s
            self._set(DeviceState.CONNECTED, connected)
            lost = self._read_until_lost(stop)
            self._deliver(self._safely(self._drain))
            with contextlib.suppress(Exception):
                self._disconnect()
            if lost is not None:
                self._set(DeviceState.RECONNECTING, f"disconnected: {lost}")
                if stop.wait(delay):
                    break
        self._set(DeviceState.STOPPED, "stopped")

    def _read_until_lost(self, stop: threading.Event) -> str | None:
        """Poll until stopped (``None``) or the device fails (the reason)."""
        noticed: str | None = None
        while not stop.is_set():
            try:
                scans = self._poll()
            except Exception as exc:
                return describe(exc)
            self._deliver(scans)
            notice = self._notice()
            if notice is not None and notice != noticed:
                noticed = notice
                self._set(DeviceState.CONNECTED, notice)
        return None

    def _safely(self, step: Callable[[], list[Scan]]) -> list[Scan]:
        try:
            return step()
        except Exception:
            return []

    def _deliver(self, scans: list[Scan]) -> None:
        for scan in scans:
            with self._lock:
                self._status = dataclasses.replace(
                    self._status, scans=self._status.scans + 1, last_scan_at=time.monotonic()
                )
            try:
                self._on_scan(scan)
            except Exception as exc:
                state = self.status().state
                self._set(state, f"on_scan failed: {exc!r}; the scan was not handled")

    def _set(self, state: DeviceState, detail: str) -> None:
        with self._lock:
            current = self._status
            if current.state is state and current.detail == detail:
                return
            self._status = snapshot = dataclasses.replace(current, state=state, detail=detail)
        self._post(snapshot)

    def _post(self, snapshot: DeviceStatus) -> None:
        # A failing status callback has nowhere to be reported but `status()`.
        with contextlib.suppress(Exception):
            self._on_status(snapshot)


def _ignore(_: object) -> None:
    return None


class SerialPort(Protocol):
    """What `SerialScanner` uses of a ``serial.Serial``."""

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def close(self) -> None: ...


PortOpener = Callable[[str, int, float], SerialPort]
"""Opens a port: ``(path, baud, read timeout in seconds) -> port``; raises when it cannot."""


def open_pyserial_port(path: str, baud: int, timeout: float) -> SerialPort:
    """Open `path` with pyserial, 8N1, locked against other openers."""
    import serial  # type: ignore[import-untyped]  # noqa: PLC0415

    return cast(
        SerialPort, serial.Serial(port=path, baudrate=baud, timeout=timeout, exclusive=True)
    )


@dataclasses.dataclass(frozen=True, slots=True)
class SerialSettings:
    """A serial scanner's settings, as given by its URL."""

    path: str
    baud: int = 9600
    framing: FramingProfile = dataclasses.field(default_factory=FramingProfile)
    reconnect_max_s: float = RECONNECT_MAX_S


_SERIAL_PARAMS = ("baud", "suffix", "gap_ms", "aim", "encoding", "reconnect_max_s")


class SerialScanner(ReconnectingSource):
    """A scanner on a serial port, read in its own thread."""

    def __init__(
        self,
        device_id: str,
        settings: SerialSettings,
        *,
        open_port: PortOpener = open_pyserial_port,
    ) -> None:
        super().__init__(device_id, reconnect_max_s=settings.reconnect_max_s)
        self.settings = settings
        self.framer = ScanFramer(settings.framing)
        self._open_port = open_port
        self._port: SerialPort | None = None

    def _connecting_detail(self) -> str:
        return f"opening {self.settings.path}"

    def _connect(self) -> str:
        settings = self.settings
        self._port = self._open_port(settings.path, settings.baud, READ_TIMEOUT_S)
        self.framer.reset()
        return f"{settings.path} at {settings.baud} baud"

    def _poll(self) -> list[Scan]:
        port = self._port
        if port is None:
            raise OSError("port is closed")
        data = port.read(port.in_waiting or 1)
        now = time.monotonic()
        return self.framer.feed(data, now) if data else self.framer.flush(now)

    def _drain(self) -> list[Scan]:
        return self.framer.flush(time.monotonic(), force=True)

    def _disconnect(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()

    def _notice(self) -> str | None:
        framer = self.framer
        if not framer.cut_frames:
            return None
        return (
            f"{self.settings.path} at {self.settings.baud} baud; "
            f"{framer.cut_frames} over-long scan(s) cut at {framer.profile.max_length} bytes "
            "(wrong baud rate or suffix?)"
        )


def open_serial_scanner(
    url: DeviceURL, *, open_port: PortOpener = open_pyserial_port
) -> SerialScanner:
    """The scanner for a ``serial://`` URL; `DeviceError` naming the URL and parameter if it is bad.

    The port is not opened here: `SerialScanner.start` opens it in its thread,
    so a scanner that is unplugged at start-up is reported and waited for.
    """
    return SerialScanner(url.text, serial_settings(url), open_port=open_port)


def serial_settings(url: DeviceURL) -> SerialSettings:
    """Validate a ``serial://`` URL into settings."""
    check_params(url, _SERIAL_PARAMS)
    if url.host:
        raise DeviceError(
            f"{url.text}: expected an absolute device path after serial:// "
            f"(serial:///dev/ttyACM0, three slashes), found host {url.host!r}"
        )
    if not url.path or url.path == "/":
        raise DeviceError(f"{url.text}: expected a device path, e.g. serial:///dev/ttyACM0")
    baud = url.int_param("baud", 9600)
    if baud <= 0:
        raise DeviceError(
            f"{url.text}: baud={baud!r}: expected a positive number of bits per second"
        )
    try:
        framing = FramingProfile(
            suffix=Suffix.parse(url.param("suffix", Suffix.CR.value)),
            gap_ms=url.float_param("gap_ms", 0.0) if "gap_ms" in url.params else None,
            encoding=url.param("encoding", "latin-1"),
            aim=flag_param(url, "aim", default=False),
            device=url.text,
        )
        ScanFramer(framing)
    except ValueError as exc:
        raise DeviceError(f"{url.text}: {exc}") from None
    return SerialSettings(
        path=url.path,
        baud=baud,
        framing=framing,
        reconnect_max_s=reconnect_param(url),
    )


def check_params(url: DeviceURL, known: tuple[str, ...]) -> None:
    """`DeviceError` for a query parameter the driver does not know."""
    for name in url.params:
        if name not in known:
            raise DeviceError(f"{url.text}: unknown parameter {name!r} (known: {', '.join(known)})")


def flag_param(url: DeviceURL, name: str, *, default: bool) -> bool:
    """A ``0``/``1`` (or ``false``/``true``, ``no``/``yes``) parameter."""
    raw = url.params.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise DeviceError(f"{url.text}: {name}={raw!r}: expected 0 or 1")


def reconnect_param(url: DeviceURL) -> float:
    """The ``reconnect_max_s`` parameter: a positive number of seconds."""
    value = url.float_param("reconnect_max_s", RECONNECT_MAX_S)
    if not value > 0 or value == float("inf"):
        raise DeviceError(
            f"{url.text}: reconnect_max_s={url.params.get('reconnect_max_s')!r}: "
            "expected a positive number of seconds"
        )
    return value
