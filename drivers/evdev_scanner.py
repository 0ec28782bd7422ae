"""USB keyboard-wedge scanners read directly from Linux input devices, grabbed.

``evdev:///dev/input/by-id/usb-Honeywell_Scanner-event-kbd?layout=us&suffix=enter``

A scanner that identifies as a USB keyboard normally types into whatever has
focus. Read through evdev with an exclusive grab, its keystrokes reach only the
station: not the terminal, not a text field, and not the keyboard-wedge burst
detector. This module holds the device half: open the event device with
python-evdev, grab it, read events in a thread (`drivers.reader`'s
`ReconnectingSource`), hand them to `drivers.evdev_keymap.EvdevDecoder` (the
pure half that knows layouts), and release the grab on stop.

A device that is missing, busy (grabbed by another program) or unplugged
(``OSError`` ``ENODEV`` on read) is reported as ``RECONNECTING`` with the reason
and opened again with backoff. python-evdev is imported only when such a
scanner is configured; without it, or off Linux, `open_evdev_scanner` raises a
`DeviceError` that says so.

The user running the station must be able to read the device: add them to the
``input`` group, or give the scanner a udev rule. Use the stable
``/dev/input/by-id/...-event-kbd`` path, not ``/dev/input/eventN``, whose
number changes when devices are plugged in another order.

URL parameters (each optional; an unknown or bad one is a `DeviceError`):

``layout``
    The keyboard layout the scanner emulates: ``us`` (default) or ``de``.
``suffix``
    ``enter`` (default), ``tab``, ``eot`` (Ctrl+D) or ``none``.
``gap_ms``
    Pause that ends a scan with ``suffix=none`` (default 50), or that flushes
    a partial scan whose suffix never came (default 1000; 0 for never).
``aim``
    ``1`` when the scanner types the AIM symbology identifier first.
``grab``
    ``1`` (default) for an exclusive grab; ``0`` shares the keystrokes with
    the desktop, for trying a scanner out only (every scan is then typed twice).
``reconnect_max_s``
    Longest wait between attempts to reopen the device, default 5.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import select
import sys
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from drivers.evdev_keymap import EvdevDecoder, KeyboardProfile, KeySuffix
from drivers.keyboard_layouts import LAYOUTS
from drivers.reader import (
    READ_TIMEOUT_S,
    PathSettings,
    PathSource,
    Run,
    check_params,
    device_path,
    reconnect_param,
)
from drivers.urls import DeviceURL
from station.domain.scanning.scan import Scan
from station.errors import DeviceError

CLOCK_SKEW_LIMIT_S = 5.0
"""Events stamped further from now than this (the wall clock stepped) are taken as read now."""


class InputEventLike(Protocol):
    """What `EvdevScanner` uses of an ``evdev.InputEvent``."""

    @property
    def sec(self) -> int: ...

    @property
    def usec(self) -> int: ...

    @property
    def type(self) -> int: ...

    @property
    def code(self) -> int: ...

    @property
    def value(self) -> int: ...


class InputDeviceLike(Protocol):
    """What `EvdevScanner` uses of an ``evdev.InputDevice``."""

    @property
    def fd(self) -> int: ...

    def read(self) -> Iterable[InputEventLike]:
        """Pending events; `BlockingIOError` when there are none."""
        ...

    def grab(self) -> None: ...

    def ungrab(self) -> None: ...

    def close(self) -> None: ...


DeviceOpener = Callable[[str], InputDeviceLike]
"""Opens an input device by path; raises `OSError` when it cannot."""


def open_input_device(path: str) -> InputDeviceLike:
    """Open `path` with python-evdev."""
    import evdev  # noqa: PLC0415

    device: InputDeviceLike = evdev.InputDevice(path)
    return device


@dataclasses.dataclass(frozen=True, slots=True)
class EvdevSettings(PathSettings):
    """An evdev scanner's settings, as given by its URL."""

    keyboard: KeyboardProfile = dataclasses.field(default_factory=KeyboardProfile)
    grab: bool = True


_EVDEV_PARAMS = ("layout", "suffix", "gap_ms", "aim", "grab", "reconnect_max_s")


class EvdevScanner(PathSource[InputDeviceLike]):
    """A keyboard scanner read from a Linux input device, grabbed, in its own thread."""

    def __init__(
        self,
        device_id: str,
        settings: EvdevSettings,
        *,
        open_device: DeviceOpener = open_input_device,
    ) -> None:
        self.settings = settings
        self.decoder = EvdevDecoder(settings.keyboard)
        self._open_device = open_device
        super().__init__(device_id, settings, self.decoder)

    def _connect(self, run: Run) -> tuple[InputDeviceLike, str]:
        path = self.path
        device = self._open_device(path)
        if self.settings.grab:
            try:
                device.grab()
            except OSError as exc:
                with contextlib.suppress(OSError):
                    device.close()
                if exc.errno == errno.EBUSY:
                    raise OSError(
                        exc.errno, "another program holds an exclusive grab on the device"
                    ) from None
                raise
        self._opened()
        layout = self.settings.keyboard.layout.name
        how = "grabbed" if self.settings.grab else "NOT grabbed: keystrokes also reach the desktop"
        return device, f"{path}, layout {layout}, {how}"

    def _poll(self, run: Run, device: InputDeviceLike) -> list[Scan]:
        readable, _, _ = select.select([device.fd], [], [], READ_TIMEOUT_S)
        now = time.monotonic()
        scans: list[Scan] = []
        if readable:
            try:
                events = list(device.read())
            except BlockingIOError:
                events = []
            else:
                if not events:
                    # Readable with nothing to read: the device is gone.
                    raise OSError(errno.ENODEV, "the device returned no data (unplugged?)")
            wall = time.time()
            for event in events:
                at = _event_time(event, now, wall)
                scans.extend(self.decoder.feed(event.type, event.code, event.value, at))
        scans.extend(self.decoder.flush(now))
        return scans

    def _disconnect(self, device: InputDeviceLike) -> None:
        try:
            if self.settings.grab:
                with contextlib.suppress(OSError):
                    device.ungrab()
        finally:
            device.close()

    def _notice(self) -> str | None:
        decoder = self.decoder
        notes = []
        if decoder.cut_scans:
            notes.append(
                f"{decoder.cut_scans} over-long scan(s) cut at "
                f"{decoder.profile.max_length} characters"
            )
        if decoder.dropped_reports:
            notes.append(f"the kernel dropped events {decoder.dropped_reports} time(s)")
        if not notes:
            return None
        return f"{self.path}: " + "; ".join(notes)


def _event_time(event: InputEventLike, now: float, wall: float) -> float:
    """Monotonic seconds of `event`, from its wall-clock stamp; `now` if that is implausible."""
    age = wall - (event.sec + event.usec / 1_000_000)
    if not 0 <= age <= CLOCK_SKEW_LIMIT_S:
        return now
    return now - age


def open_evdev_scanner(url: DeviceURL, *, open_device: DeviceOpener | None = None) -> EvdevScanner:
    """The scanner for an ``evdev://`` URL; `DeviceError` if the URL is bad or evdev unusable.

    The device is not opened here: `EvdevScanner.start` opens it in its thread,
    so a scanner that is unplugged at start-up is reported and waited for.
    """
    settings = evdev_settings(url)
    if open_device is None:
        if not sys.platform.startswith("linux"):
            raise DeviceError(
                f"{url.text}: evdev scanners need Linux, found {sys.platform!r}; "
                "use the keyboard wedge or a serial:// scanner"
            )
        try:
            import evdev  # noqa: F401, PLC0415
        except ImportError as exc:
            raise DeviceError(
                f"{url.text}: the python-evdev package cannot be loaded ({exc}); "
                "install it, or use the keyboard wedge"
            ) from None
        open_device = open_input_device
    return EvdevScanner(url.text, settings, open_device=open_device)


def evdev_settings(url: DeviceURL) -> EvdevSettings:
    """Validate an ``evdev://`` URL into settings."""
    check_params(url, _EVDEV_PARAMS)
    path = device_path(
        url, "evdev:///dev/input/by-id/usb-...-event-kbd", "evdev:///dev/input/by-id/..."
    )
    layout_name = url.param("layout", "us").strip().lower()
    layout = LAYOUTS.get(layout_name)
    if layout is None:
        raise DeviceError(
            f"{url.text}: layout={url.params['layout']!r}: expected one of "
            f"{', '.join(sorted(LAYOUTS))}"
        )
    try:
        keyboard = KeyboardProfile(
            layout=layout,
            suffix=KeySuffix.parse(url.param("suffix", KeySuffix.ENTER.value)),
            gap_ms=url.float_param("gap_ms", 0.0) if "gap_ms" in url.params else None,
            aim=url.flag_param("aim", default=False),
            device=url.text,
        )
        EvdevDecoder(keyboard)
    except ValueError as exc:
        raise DeviceError(f"{url.text}: {exc}") from None
    return EvdevSettings(
        path=path,
        keyboard=keyboard,
        grab=url.flag_param("grab", default=True),
        reconnect_max_s=reconnect_param(url),
    )
