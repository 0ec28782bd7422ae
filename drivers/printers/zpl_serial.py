"""ZPL over a serial line (RS-232 or a USB serial adapter), through pyserial.

``zpl+serial:///dev/ttyUSB0?baud=9600&timeout=10`` opens the port for each job,
writes the ZPL, waits until it has left the output buffer, and closes the port,
so an unplugged adapter is found on the next label rather than held open. The
port is opened raw (pyserial turns off the terminal's output processing), so the
bytes on the wire are exactly the ZPL. Errors name the port and the cause.
Hardware flow control (``rtscts=1``) or XON/XOFF (``xonxoff=1``) as the printer
is set up.
"""

from __future__ import annotations

# No type stubs for pyserial in the lock file (types-pyserial would provide them).
import serial  # type: ignore[import-untyped]

from drivers.printers.errors import UnconfirmedPrintError
from drivers.printers.zpl_sink import ZPLByteSink
from drivers.urls import DeviceURL
from station.errors import DeviceError

__all__ = ["ZPLSerialPrinter", "open_zpl_serial_printer"]

DEFAULT_BAUD = 9600
DEFAULT_TIMEOUT = 10.0


class ZPLSerialPrinter(ZPLByteSink):
    """A ZPL printer on a serial port."""

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUD,
        timeout: float = DEFAULT_TIMEOUT,
        rtscts: bool = False,
        xonxoff: bool = False,
        device_id: str | None = None,
    ) -> None:
        if not port:
            raise DeviceError(
                "zpl+serial printer: no port given (expected zpl+serial:///dev/ttyUSB0)"
            )
        super().__init__(device_id or f"zpl+serial://{port}", timeout=timeout)
        self.port = port
        self.baudrate = baudrate
        self.rtscts = rtscts
        self.xonxoff = xonxoff

    def write(self, data: bytes) -> None:
        """Write raw bytes and wait until they have been sent."""
        connection = self._open()
        try:
            written = connection.write(data)
            connection.flush()
        except serial.SerialTimeoutException:
            raise UnconfirmedPrintError(
                f"ZPL printer on {self.port}: the job was not sent within {self.timeout:g} s "
                "(printer off, or flow control holding the line); part of it may print",
                sent=None,
                total=len(data),
            ) from None
        except (serial.SerialException, OSError) as exc:
            raise UnconfirmedPrintError(
                f"ZPL printer on {self.port}: write failed: {exc}; part of the job may print",
                sent=None,
                total=len(data),
            ) from None
        finally:
            connection.close()
        if written is not None and written != len(data):
            raise UnconfirmedPrintError(
                f"ZPL printer on {self.port}: only {written} of {len(data)} bytes were sent",
                sent=written,
                total=len(data),
            )

    def probe(self) -> str:
        """``open at 9600 baud`` or `DeviceError` when the port cannot be opened."""
        self._open().close()
        return f"{self.port} open at {self.baudrate} baud"

    def _open(self) -> serial.Serial:
        try:
            return serial.serial_for_url(
                self.port,
                baudrate=self.baudrate,
                timeout=self.timeout,
                write_timeout=self.timeout,
                rtscts=self.rtscts,
                xonxoff=self.xonxoff,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceError(
                f"ZPL printer on {self.port}: cannot open the port: {_reason(exc)}"
            ) from None


def _reason(exc: Exception) -> str:
    errno_text = getattr(exc, "strerror", None)
    if isinstance(errno_text, str) and errno_text:
        return errno_text
    return str(exc) or type(exc).__name__


def _flag(url: DeviceURL, name: str) -> bool:
    return url.param(name, "0").strip().lower() in ("1", "true", "yes", "on")


def open_zpl_serial_printer(url: DeviceURL) -> ZPLSerialPrinter:
    """The printer for ``zpl+serial:///dev/ttyUSB0[?baud=9600&timeout=10&rtscts=1]``."""
    return ZPLSerialPrinter(
        url.path or url.host,
        baudrate=url.int_param("baud", DEFAULT_BAUD),
        timeout=url.float_param("timeout", DEFAULT_TIMEOUT),
        rtscts=_flag(url, "rtscts"),
        xonxoff=_flag(url, "xonxoff"),
        device_id=url.text,
    )
