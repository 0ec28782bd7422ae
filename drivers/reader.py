"""The reconnect loop every scan source that reads a device in a thread shares.

`ReconnectingSource` owns the thread, the status reports and the reconnect
backoff; a driver (`drivers.serial_scanner`, `drivers.evdev_scanner`,
`drivers.camera_scanner`) supplies only how to open its device, read from it
once, give up what a lost device left pending and close it, and what to say
while it waits to try again. `PathSource` adds what the serial and evdev
scanners share: a device path and an `Assembler` that cuts their input into
scans; the helpers at the end check the URL parameters they have in common.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from drivers.urls import DeviceURL
from station.domain.scanning.scan import Scan
from station.errors import DeviceError
from station.ports import DeviceState, DeviceStatus

RECONNECT_MIN_S = 0.2
"""Default first wait before reopening a device; it doubles on each failure."""

RECONNECT_MAX_S = 5.0
"""Default longest wait between attempts to reopen a device."""

READ_TIMEOUT_S = 0.1
"""How long one read may block: bounds how long `stop` takes."""

JOIN_TIMEOUT_S = 2.0
"""How long `stop` waits for the threads of a source before giving up on them."""

DeviceT = TypeVar("DeviceT")


def describe(exc: BaseException) -> str:
    """A one-line plain-text reason for `exc`, for a status line."""
    text = str(exc).strip()
    return text or type(exc).__name__


class Run:
    """One start..stop of a source: its threads share this and nothing else.

    A new `ReconnectingSource.start` after `stop` gets a new run, so a thread
    of the old one still blocked in a device read only ever sees its own stop
    signal and can no longer change the status.
    """

    def __init__(self, first_wait_s: float) -> None:
        self.stopping = threading.Event()
        self.wait_s = first_wait_s
        """The wait before the next attempt to reopen the device."""


class ReconnectingSource(Generic[DeviceT]):
    """A scan source that reads a device in a daemon thread and reconnects with backoff.

    Subclasses say how to open the device (`_connect`), read from it once
    (`_poll`, blocking at most about `READ_TIMEOUT_S`), give up what a lost
    device left pending (`_drain`) and close it (`_disconnect`). This class
    runs them in a thread, keeps the `DeviceStatus`, calls the callbacks, and
    makes sure nothing a device or a callback does can end the thread or raise
    into the caller.

    The backoff: the first wait is ``reconnect_min_s``, each wait doubles the
    next one up to ``reconnect_max_s``, and reaching ``CONNECTED`` starts it
    afresh. `_cannot_open` and `_lost` say what ``RECONNECTING`` reports while
    waiting, or end the run (a file read to its end).

    ``on_status`` is called from the reader thread whenever the state or its
    detail changes (not for each scan: `status` always has the current count),
    and with ``STOPPED`` from `stop`. An exception raised by ``on_scan`` or
    ``on_status`` is caught; the one from ``on_scan`` is put in the status detail.
    """

    join_timeout_s = JOIN_TIMEOUT_S

    def __init__(
        self,
        device_id: str,
        *,
        reconnect_max_s: float = RECONNECT_MAX_S,
        reconnect_min_s: float = RECONNECT_MIN_S,
    ) -> None:
        self.device_id = device_id
        self.reconnect_max_s = reconnect_max_s
        self.reconnect_min_s = min(reconnect_min_s, reconnect_max_s)
        self._lock = threading.Lock()
        self._status = DeviceStatus(
            device=device_id, state=DeviceState.STOPPED, detail="not started"
        )
        self._run = self._new_run()
        self._run.stopping.set()
        self._threads: list[threading.Thread] = []
        self._on_scan: Callable[[Scan], None] = _ignore
        self._on_status: Callable[[DeviceStatus], None] = _ignore

    # -- the ScanSource protocol ------------------------------------------------

    def start(
        self,
        on_scan: Callable[[Scan], None],
        on_status: Callable[[DeviceStatus], None],
    ) -> None:
        """Start reading in a daemon thread and return at once; ignored until `stop`."""
        if not self._run.stopping.is_set():
            return
        self._on_scan = on_scan
        self._on_status = on_status
        run = self._run = self._new_run()
        self._starting(run)
        with self._lock:
            # Posted from the thread: callbacks never run on the caller's thread.
            self._status = dataclasses.replace(
                self._status, state=DeviceState.CONNECTING, detail=self._connecting_detail()
            )
        name = f"scanner {self.device_id}"
        self._threads = [
            threading.Thread(target=self._read, args=(run,), name=name, daemon=True),
            *self._more_threads(run, name),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop reading, close the device and wait (briefly) for the threads to end."""
        run = self._run
        run.stopping.set()
        deadline = time.monotonic() + self.join_timeout_s
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        self._update(run, state=DeviceState.STOPPED, detail="stopped", force=True)

    def status(self) -> DeviceStatus:
        """The current status snapshot."""
        with self._lock:
            return self._status

    # -- what subclasses provide ------------------------------------------------

    def _new_run(self) -> Run:
        return Run(self.reconnect_min_s)

    def _starting(self, run: Run) -> None:
        """Reset what one run must not inherit from the last (called by `start`)."""

    def _more_threads(self, run: Run, name: str) -> list[threading.Thread]:
        """Threads to start beside the reader thread."""
        return []

    def _connecting_detail(self) -> str:
        return f"opening {self.device_id}"

    def _connect(self, run: Run) -> tuple[DeviceT, str | None]:
        """Open the device, or raise with the reason.

        Returns the device and the detail for ``CONNECTED``; ``None`` when the
        source reports ``CONNECTED`` itself (a camera, once a frame came).
        """
        raise NotImplementedError

    def _poll(self, run: Run, device: DeviceT) -> list[Scan]:
        """Read once, waiting at most about `READ_TIMEOUT_S`; raise when the device is lost."""
        raise NotImplementedError

    def _drain(self) -> list[Scan]:
        """Scans still pending when the device was lost or the source stopped."""
        return []

    def _disconnect(self, device: DeviceT) -> None:
        """Close the device; may raise (ignored)."""

    def _notice(self) -> str | None:
        """A note for the status detail after a poll (e.g. cut frames), or ``None``."""
        return None

    def _cannot_open(self, run: Run, exc: Exception, wait_s: float) -> str | None:
        """The ``RECONNECTING`` detail after `_connect` raised `exc`; ``None`` ends the run."""
        return f"cannot open: {describe(exc)}; next try in {wait_s:g} s"

    def _lost(self, run: Run, exc: Exception, wait_s: float) -> str | None:
        """The ``RECONNECTING`` detail after `_poll` raised `exc`; ``None`` ends the run."""
        return f"disconnected: {describe(exc)}"

    def _figures(self, status: DeviceStatus) -> DeviceStatus:
        """`status` with the source's own rolling figures (a camera's fps), refreshed."""
        return status

    # -- the thread -------------------------------------------------------------

    def _read(self, run: Run) -> None:
        """Open, read until lost, wait and open again, until stopped."""
        self._post(self.status())
        stop = run.stopping
        while not stop.is_set():
            detail: str | None
            try:
                device, connected = self._connect(run)
            except Exception as exc:
                detail = self._cannot_open(run, exc, run.wait_s)
            else:
                if connected is not None:
                    self._update(run, state=DeviceState.CONNECTED, detail=connected)
                lost = self._read_until_lost(run, device)
                self._deliver(run, self._safely(self._drain))
                with contextlib.suppress(Exception):
                    self._disconnect(device)
                if lost is None:
                    return
                detail = self._lost(run, lost, run.wait_s)
            if detail is None:
                return
            self._update(run, state=DeviceState.RECONNECTING, detail=detail)
            if stop.wait(run.wait_s):
                return
            run.wait_s = min(run.wait_s * 2, self.reconnect_max_s)

    def _read_until_lost(self, run: Run, device: DeviceT) -> Exception | None:
        """Poll until stopped (``None``) or the device fails (the exception)."""
        noticed: str | None = None
        while not run.stopping.is_set():
            try:
                scans = self._poll(run, device)
            except Exception as exc:
                return exc
            self._deliver(run, scans)
            notice = self._notice()
            if notice is not None and notice != noticed:
                noticed = notice
                self._update(run, state=DeviceState.CONNECTED, detail=notice)
        return None

    def _safely(self, step: Callable[[], list[Scan]]) -> list[Scan]:
        try:
            return step()
        except Exception:
            return []

    def _deliver(self, run: Run, scans: list[Scan]) -> None:
        """Count each scan and hand it to ``on_scan``; a failure there goes in the detail."""
        for scan in scans:
            with self._lock:
                self._status = dataclasses.replace(
                    self._status, scans=self._status.scans + 1, last_scan_at=time.monotonic()
                )
            try:
                self._on_scan(scan)
            except Exception as exc:
                self._update(run, detail=f"on_scan failed: {exc!r}; the scan was not handled")

    def _update(
        self,
        run: Run,
        *,
        state: DeviceState | None = None,
        detail: str | None = None,
        force: bool = False,
    ) -> None:
        """Change state and/or detail, refresh the figures, and tell the listener of a change."""
        with self._lock:
            if (run.stopping.is_set() or run is not self._run) and not force:
                return  # a thread finishing after stop() must not revive the status
            if state is DeviceState.CONNECTED:
                run.wait_s = self.reconnect_min_s
            current = self._status
            new = self._figures(
                dataclasses.replace(
                    current,
                    state=state if state is not None else current.state,
                    detail=detail if detail is not None else current.detail,
                )
            )
            if new == current:
                return
            self._status = new
        self._post(new)

    def _post(self, snapshot: DeviceStatus) -> None:
        # A failing status callback has nowhere to be reported but `status()`.
        with contextlib.suppress(Exception):
            self._on_status(snapshot)


class Assembler(Protocol):
    """What cuts a device's bytes or key events into scans: a `ScanFramer`, an `EvdevDecoder`.

    The driver feeds it; `PathSource` resets it on connect and flushes it on loss.
    """

    def reset(self) -> None: ...

    def flush(self, now: float, *, force: bool = False) -> list[Scan]: ...


@dataclasses.dataclass(frozen=True, slots=True)
class PathSettings:
    """What every `PathSource` is configured with; each driver's settings add their own."""

    path: str
    """The device, e.g. ``/dev/ttyACM0`` or ``/dev/input/by-id/...-event-kbd``."""
    reconnect_max_s: float = RECONNECT_MAX_S
    """Longest wait between attempts to reopen the device."""


class PathSource(ReconnectingSource[DeviceT]):
    """A scanner at a device path (``/dev/...``) whose input an `Assembler` cuts into scans.

    The subclass opens the path in `_connect` and calls `_opened` once it has;
    what a lost or stopped device left half-assembled is flushed as a scan.
    """

    def __init__(self, device_id: str, settings: PathSettings, assembler: Assembler) -> None:
        super().__init__(device_id, reconnect_max_s=settings.reconnect_max_s)
        self.path = settings.path
        self._assembler = assembler

    def _connecting_detail(self) -> str:
        return f"opening {self.path}"

    def _opened(self) -> None:
        """Forget what a previous connection left: a new device starts afresh."""
        self._assembler.reset()

    def _drain(self) -> list[Scan]:
        return self._assembler.flush(time.monotonic(), force=True)


def _ignore(_: object) -> None:
    return None


def check_params(url: DeviceURL, known: tuple[str, ...]) -> None:
    """`DeviceError` for a query parameter the driver does not know."""
    for name in url.params:
        if name not in known:
            raise DeviceError(f"{url.text}: unknown parameter {name!r} (known: {', '.join(known)})")


def device_path(url: DeviceURL, example: str, short: str) -> str:
    """The device path of a ``scheme:///dev/...`` URL; `DeviceError` showing `example` if none.

    `short` is how the message writes the three-slash form, e.g.
    ``serial:///dev/ttyACM0`` or ``evdev:///dev/input/by-id/...``.
    """
    if url.host:
        raise DeviceError(
            f"{url.text}: expected an absolute device path after {url.scheme}:// "
            f"({short}, three slashes), found host {url.host!r}"
        )
    if not url.path or url.path == "/":
        raise DeviceError(f"{url.text}: expected a device path, e.g. {example}")
    return url.path


def reconnect_param(url: DeviceURL) -> float:
    """The ``reconnect_max_s`` parameter: a positive number of seconds."""
    value = url.float_param("reconnect_max_s", RECONNECT_MAX_S)
    if not value > 0 or value == float("inf"):
        raise DeviceError(
            f"{url.text}: reconnect_max_s={url.params.get('reconnect_max_s')!r}: "
            "expected a positive number of seconds"
        )
    return value
