"""ZPL to a device file, such as a USB printer's ``/dev/usb/lp0``.

``zpl+file:///dev/usb/lp0?timeout=10`` writes each job to the file opened for
writing only, appending, and never creating it: a missing ``/dev/usb/lp0`` means
the printer is unplugged or off, and creating a plain file of that name would
swallow every label in silence. The file is opened non-blocking and each write
waits at most ``timeout`` seconds for the device to accept more, so a stalled
printer is an error, not a hung station (an `UnconfirmedPrintError` once part
of the job went out).
"""

from __future__ import annotations

import errno
import os
import select
import stat
import time

from drivers.printers.zpl_sink import ZPLByteSink, write_failure
from drivers.urls import DeviceURL
from station.errors import DeviceError

__all__ = ["ZPLFilePrinter", "open_zpl_file_printer"]

DEFAULT_TIMEOUT = 10.0


class ZPLFilePrinter(ZPLByteSink):
    """A ZPL printer reached by writing to a device file."""

    def __init__(
        self, path: str, *, timeout: float = DEFAULT_TIMEOUT, device_id: str | None = None
    ) -> None:
        if not path:
            raise DeviceError("zpl+file printer: no path given (expected zpl+file:///dev/usb/lp0)")
        super().__init__(device_id or f"zpl+file://{path}", timeout=timeout)
        self.path = path

    def write(self, data: bytes) -> None:
        """Write raw bytes to the device file, all of them or `DeviceError`."""
        fd = self._open()
        try:
            self._write_all(fd, data)
        finally:
            os.close(fd)

    def probe(self) -> str:
        """A short status, or `DeviceError` when the file is missing or not writable."""
        try:
            info = os.stat(self.path)
        except OSError as exc:
            raise self._open_error(exc) from None
        if not os.access(self.path, os.W_OK):
            raise self._open_error(OSError(errno.EACCES, os.strerror(errno.EACCES)))
        kind = "character device" if stat.S_ISCHR(info.st_mode) else "file"
        return f"{kind} {self.path} writable"

    def _open(self) -> int:
        flags = (
            os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
        )
        try:
            return os.open(self.path, flags)
        except OSError as exc:
            raise self._open_error(exc) from None

    def _write_all(self, fd: int, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + self.timeout
        while view:
            sent = len(data) - len(view)
            try:
                view = view[os.write(fd, view) :]
                continue
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    select.select([], [fd], [], remaining)
                    continue
                problem = (
                    f"the device took {sent} of {len(data)} bytes "
                    f"and then nothing for {self.timeout:g} s (printer off or jammed?)"
                )
            except OSError as exc:
                problem = f"write failed after {sent} of {len(data)} bytes: {exc.strerror or exc}"
            raise write_failure(
                f"ZPL printer {self.path}: {problem}", sent=sent, total=len(data)
            ) from None

    def _open_error(self, exc: OSError) -> DeviceError:
        if exc.errno == errno.ENOENT:
            reason = "does not exist (printer unplugged or off?)"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            reason = "is not writable by this user (add it to the 'lp' group?)"
        elif exc.errno in (errno.ENXIO, errno.ENODEV):
            reason = "has no device behind it (printer unplugged or off?)"
        else:
            reason = f"cannot be opened: {exc.strerror or exc}"
        return DeviceError(f"ZPL printer {self.path} {reason}")


def open_zpl_file_printer(url: DeviceURL) -> ZPLFilePrinter:
    """The printer for ``zpl+file:///dev/usb/lp0[?timeout=SECONDS]``."""
    return ZPLFilePrinter(
        url.path, timeout=url.float_param("timeout", DEFAULT_TIMEOUT), device_id=url.text
    )
