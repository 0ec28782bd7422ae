"""ZPL over raw TCP (port 9100): the usual way to reach a networked Zebra printer.

``zpl+tcp://10.0.0.7:9100?timeout=5`` sends each label as one connection:
connect, send the ZPL, half-close, and wait for the printer to close its end
(as CUPS's socket backend does; a Zebra closes only once the job is printed), so
`send` returns once the printer has confirmed the job. ``waiteof=0`` returns as
soon as the bytes are sent instead. Every failure (refused, unreachable, timed
out, reset) is a `DeviceError` naming ``host:port`` and the cause, an
`UnconfirmedPrintError` once any of the job went out. The printer sends once or
raises; retries belong to the print queue.

``probe`` connects and asks for the host status (``~HS``), reporting paper out,
pause and head open when the printer answers.
"""

from __future__ import annotations

import socket
import time

from drivers.printers.errors import UnconfirmedPrintError
from drivers.printers.zpl_sink import ZPLByteSink
from drivers.urls import DeviceURL
from station.errors import DeviceError

__all__ = ["DEFAULT_PORT", "ZPLSocketPrinter", "open_zpl_socket_printer", "parse_host_status"]

DEFAULT_PORT = 9100
DEFAULT_TIMEOUT = 10.0
_HOST_STATUS = b"~HS\r\n"
_STX, _ETX = b"\x02", b"\x03"


class ZPLSocketPrinter(ZPLByteSink):
    """A ZPL printer on a raw TCP port."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        wait_eof: bool = True,
        device_id: str | None = None,
    ) -> None:
        if not host:
            raise DeviceError("zpl+tcp printer: no host given (expected zpl+tcp://HOST:9100)")
        if timeout <= 0:
            raise DeviceError(f"zpl+tcp://{host}:{port}: timeout must be positive, found {timeout}")
        super().__init__(device_id or f"zpl+tcp://{host}:{port}", timeout=timeout)
        self.host = host
        self.port = port
        self.wait_eof = wait_eof
        """Wait for the printer to close the connection after the job (CUPS's ``waiteof``)."""

    @property
    def address(self) -> str:
        """``host:port`` (IPv6 hosts in brackets), as messages name the printer."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def write(self, data: bytes) -> None:
        """Send raw bytes as one job: the byte sink every ZPL back end has.

        `DeviceError` when nothing was sent; `UnconfirmedPrintError` when some or
        all of the job went out but the printer did not take it in time.
        """
        deadline = time.monotonic() + self.timeout
        with self._connect() as connection:
            sent = 0
            view = memoryview(data)
            try:
                while sent < len(data):
                    connection.settimeout(_remaining(deadline))
                    sent += connection.send(view[sent:])
            except OSError as exc:
                error = self._error("sending the label", exc)
                if sent == 0:
                    raise error from None
                raise UnconfirmedPrintError(
                    f"{error} (after {sent} of {len(data)} bytes; the printer may print them)",
                    sent=sent,
                    total=len(data),
                ) from None
            if not self.wait_eof:
                return
            try:
                connection.shutdown(socket.SHUT_WR)
                self._drain_until_closed(connection, deadline)
            except OSError as exc:
                error = self._error("waiting for the printer to take the label", exc)
                raise UnconfirmedPrintError(
                    f"{error} (the job was sent; the printer may still print it)",
                    sent=sent,
                    total=len(data),
                ) from None

    def probe(self) -> str:
        """A short status line; `DeviceError` when the printer cannot be reached."""
        with self._connect() as connection:
            try:
                connection.sendall(_HOST_STATUS)
                reply = self._read_status(connection, time.monotonic() + min(self.timeout, 2.0))
            except OSError as exc:
                raise self._error("asking for the printer status", exc) from None
        status = parse_host_status(reply)
        if status is None:
            return f"reachable at {self.address} (no status reply)"
        return f"{status} at {self.address}"

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise self._error("connecting", exc) from None

    def _drain_until_closed(self, connection: socket.socket, deadline: float) -> None:
        # A Zebra closes its end once the job is printed; anything it says
        # before that (status replies) is read and dropped.
        while True:
            connection.settimeout(_remaining(deadline))
            if not connection.recv(4096):
                return

    def _read_status(self, connection: socket.socket, deadline: float) -> bytes:
        reply = b""
        while reply.count(_ETX) < 3:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            connection.settimeout(remaining)
            try:
                chunk = connection.recv(4096)
            except TimeoutError:
                break
            if not chunk:
                break
            reply += chunk
        return reply

    def _error(self, doing: str, exc: OSError) -> DeviceError:
        return DeviceError(f"ZPL printer {self.address}: {_cause(exc, self.timeout)} while {doing}")


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("timed out")
    return remaining


def _cause(exc: OSError, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s (printer off, busy or unreachable)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (printer off, or nothing listens on that port)"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "the printer closed the connection"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    return exc.strerror or str(exc) or type(exc).__name__


def parse_host_status(reply: bytes) -> str | None:
    """``ready``, or the problems a ``~HS`` reply reports (paper out, paused, head open...).

    The reply is three ``<STX>...<ETX>`` strings of comma-separated flags; None when
    `reply` is not one.

    >>> parse_host_status(b"\\x02030,1,0,1245,000,0,0,0,000,0,0,0\\x03\\r\\n"
    ...                   b"\\x02001,0,1,0,1,2,6,0,00000000,1,000\\x03\\r\\n\\x021234,0\\x03\\r\\n")
    'paper out, head open'
    """
    strings = [part.split(_ETX, 1)[0] for part in reply.split(_STX)[1:]]
    if len(strings) < 2:
        return None
    first = strings[0].decode("ascii", "replace").split(",")
    second = strings[1].decode("ascii", "replace").split(",")
    if len(first) < 6 or len(second) < 4:
        return None
    problems = [
        name
        for name, flag in (
            ("paper out", first[1]),
            ("paused", first[2]),
            ("receive buffer full", first[5]),
            ("head open", second[2]),
            ("ribbon out", second[3]),
        )
        if flag.strip() == "1"
    ]
    return ", ".join(problems) if problems else "ready"


def open_zpl_socket_printer(url: DeviceURL) -> ZPLSocketPrinter:
    """The printer for ``zpl+tcp://HOST[:PORT][?timeout=SECONDS&waiteof=1]``."""
    wait_eof = url.param("waiteof", "1").strip().lower() not in ("0", "false", "no", "off")
    return ZPLSocketPrinter(
        url.host,
        url.port or DEFAULT_PORT,
        timeout=url.float_param("timeout", DEFAULT_TIMEOUT),
        wait_eof=wait_eof,
        device_id=url.text,
    )
