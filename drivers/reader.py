"""The reader-thread machinery every scanner that reads a device in a thread shares.

`ReconnectingSource` owns the thread, the status reports and the reconnect backoff;
a driver (`drivers.serial_scanner`, `drivers.evdev_scanner`) supplies only how to
connect, read once and disconnect. The URL helpers check the query parameters
these drivers have in common.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Callable

from drivers.urls import DeviceURL
from station.domain.scanning.scan import Scan
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
