"""What every ZPL back end is: one sink for the bytes of a job.

As in python-escpos, where every printer implements one ``_raw``, each ZPL
printer (`drivers.printers.zpl_socket`, `zpl_serial`, `zpl_file`) implements
only `ZPLByteSink.write`, sending raw bytes, and `probe`; sending a label is
the same for all of them: its ZPL, written. A write that failed before any
byte went out is a plain `DeviceError`, one that may have printed part of the
job an `UnconfirmedPrintError` (see `drivers.printers.errors`).
"""

from __future__ import annotations

from drivers.printers.errors import UnconfirmedPrintError
from station.errors import DeviceError
from station.ports import PrintDocument

__all__ = ["ZPLByteSink", "write_failure"]


class ZPLByteSink:
    """A `station.ports.LabelPrinter` that prints a label by writing its ZPL."""

    def __init__(self, device_id: str, *, timeout: float) -> None:
        self.device_id = device_id
        self.timeout = timeout
        """Seconds a job may take to be taken by the printer."""

    def send(self, document: PrintDocument) -> None:
        """Write the label's ZPL; `DeviceError` if the printer did not take all of it."""
        self.write(document.zpl())

    def write(self, data: bytes) -> None:
        """Send raw bytes as one job: all of them, or `DeviceError`."""
        raise NotImplementedError

    def probe(self) -> str:
        """A short status line; `DeviceError` when the printer cannot be reached."""
        raise NotImplementedError


def write_failure(message: str, *, sent: int, total: int) -> DeviceError:
    """The error for a write that stopped after `sent` of `total` bytes.

    Nothing sent: nothing can print, a plain `DeviceError`; anything sent may
    print, an `UnconfirmedPrintError`.
    """
    if sent == 0:
        return DeviceError(message)
    return UnconfirmedPrintError(message, sent=sent, total=total)
