"""Printer failures the print queue must tell apart: "not printed" from "may have printed".

A plain `DeviceError` from a printer means nothing reached it (refused, missing
device, port will not open): sending again cannot print the label twice. An
`UnconfirmedPrintError` means some or all of the job went out but the printer
did not confirm it (a Zebra on port 9100 closes the connection only once the job
is printed; a paused or out-of-paper printer holds it and may print it later).
Resending then risks a second label, so the queue should ask a person or check
the printer rather than retry blindly.
"""

from __future__ import annotations

from station.errors import DeviceError

__all__ = ["UnconfirmedPrintError"]


class UnconfirmedPrintError(DeviceError):
    """The job was sent, in whole or in part, but the printer did not confirm it."""

    def __init__(self, message: str, *, sent: int | None, total: int) -> None:
        super().__init__(message)
        self.sent = sent
        """Bytes handed to the device (or the network stack); None when unknown."""
        self.total = total
        """Bytes in the job."""
