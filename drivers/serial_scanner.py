"""Scanners on a serial port (RS-232, or USB in CDC-ACM / virtual COM mode).

``serial:///dev/ttyACM0?baud=9600&suffix=CR&gap_ms=50&aim=0&encoding=latin-1``

This module holds the thread half of a serial scanner: open the port, read
bytes, hand them to `drivers.framing.ScanFramer` (the pure half that decides
where scans end), and survive the port going away, through the thread, status
and backoff machinery of `drivers.reader.ReconnectingSource`.

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

import dataclasses
import time
from collections.abc import Callable
from typing import Protocol, cast

from drivers.framing import FramingProfile, ScanFramer, Suffix
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
class SerialSettings(PathSettings):
    """A serial scanner's settings, as given by its URL."""

    baud: int = 9600
    framing: FramingProfile = dataclasses.field(default_factory=FramingProfile)


_SERIAL_PARAMS = ("baud", "suffix", "gap_ms", "aim", "encoding", "reconnect_max_s")


class SerialScanner(PathSource[SerialPort]):
    """A scanner on a serial port, read in its own thread."""

    def __init__(
        self,
        device_id: str,
        settings: SerialSettings,
        *,
        open_port: PortOpener = open_pyserial_port,
    ) -> None:
        self.settings = settings
        self.framer = ScanFramer(settings.framing)
        self._open_port = open_port
        super().__init__(device_id, settings, self.framer)

    def _connect(self, run: Run) -> tuple[SerialPort, str]:
        port = self._open_port(self.path, self.settings.baud, READ_TIMEOUT_S)
        self._opened()
        return port, f"{self.path} at {self.settings.baud} baud"

    def _poll(self, run: Run, port: SerialPort) -> list[Scan]:
        data = port.read(port.in_waiting or 1)
        now = time.monotonic()
        return self.framer.feed(data, now) if data else self.framer.flush(now)

    def _disconnect(self, port: SerialPort) -> None:
        port.close()

    def _notice(self) -> str | None:
        framer = self.framer
        if not framer.cut_frames:
            return None
        return (
            f"{self.path} at {self.settings.baud} baud; "
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
    path = device_path(url, "serial:///dev/ttyACM0", "serial:///dev/ttyACM0")
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
            aim=url.flag_param("aim", default=False),
            device=url.text,
        )
        ScanFramer(framing)
    except ValueError as exc:
        raise DeviceError(f"{url.text}: {exc}") from None
    return SerialSettings(
        path=path,
        baud=baud,
        framing=framing,
        reconnect_max_s=reconnect_param(url),
    )
