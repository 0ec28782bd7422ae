"""Printing through CUPS: the label's PDF handed to ``lp``.

``cups://LABELS`` prints to the local queue ``LABELS``; ``cups://server:631/LABELS``
to a queue on another CUPS server. Other query parameters go to ``lp`` as job
options, e.g. ``cups://LABELS?media=Custom.100x50mm&fit-to-page=true``; ``timeout``
(seconds, default 30) bounds each ``lp`` run. The PDF goes on ``lp``'s standard
input, so no temporary file is left behind; ``send`` returns once CUPS has
queued the job, and any refusal is a `DeviceError` carrying ``lp``'s own message
(an `lp` that times out may have queued the job: `UnconfirmedPrintError`).
``probe`` runs ``lpstat -p QUEUE``.

The queue name is taken from the URL as written: the URL parser lower-cases host
names, and CUPS queue names are shown as configured.
"""

from __future__ import annotations

import re
import subprocess

from drivers.printers.errors import UnconfirmedPrintError
from drivers.urls import DeviceURL
from station.errors import DeviceError
from station.ports import PrintDocument

__all__ = ["CupsPrinter", "open_cups_printer"]

DEFAULT_TIMEOUT = 30.0
_REQUEST_ID = re.compile(r"request id is (\S+)")
_QUEUE_NAME = re.compile(r"[^\s/#@\\\"']{1,127}")


class CupsPrinter:
    """A CUPS print queue, driven with the ``lp`` and ``lpstat`` commands."""

    def __init__(
        self,
        queue: str,
        *,
        server: str | None = None,
        options: dict[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        device_id: str | None = None,
    ) -> None:
        if not _QUEUE_NAME.fullmatch(queue):
            raise DeviceError(
                f"cups printer: {queue!r} is not a CUPS queue name (expected cups://QUEUE)"
            )
        self.queue = queue
        self.server = server
        self.options = dict(options or {})
        self.timeout = timeout
        self.device_id = device_id or f"cups://{queue}"
        self.last_request_id: str | None = None
        """CUPS's id of the last job sent, e.g. ``LABELS-42``."""

    def send(self, document: PrintDocument) -> None:
        """Queue the label's PDF; `DeviceError` with ``lp``'s message if CUPS refuses it."""
        command = ["lp", *self._server_args(), "-d", self.queue, "-t", document.name]
        command += ["-o", "document-format=application/pdf"]
        for name, value in self.options.items():
            command += ["-o", f"{name}={value}"]
        result = self._run(command, document.pdf(), "print")
        match = _REQUEST_ID.search(result.stdout.decode("utf-8", "replace"))
        self.last_request_id = match.group(1) if match else None

    def probe(self) -> str:
        """``printer LABELS is idle.`` ...; `DeviceError` if the queue is missing or disabled."""
        result = self._run(["lpstat", *self._server_args(), "-p", self.queue], None, "query")
        text = result.stdout.decode("utf-8", "replace").strip()
        first = text.splitlines()[0].strip() if text else ""
        if not first:
            raise DeviceError(f"CUPS queue {self.queue}: lpstat said nothing about it")
        if " disabled " in f" {first} ":
            raise DeviceError(f"CUPS queue {self.queue} is disabled: {first}")
        return first

    def _server_args(self) -> list[str]:
        return ["-h", self.server] if self.server else []

    def _run(
        self, command: list[str], data: bytes | None, doing: str
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(
                command,
                input=data,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError:
            raise DeviceError(
                f"CUPS queue {self.queue}: {command[0]!r} not found (install the CUPS client, "
                "e.g. the cups-client package)"
            ) from None
        except subprocess.TimeoutExpired:
            message = (
                f"CUPS queue {self.queue}: {command[0]} did not finish within {self.timeout:g} s "
                "(is the CUPS scheduler running?)"
            )
            if data is None:
                raise DeviceError(message) from None
            raise UnconfirmedPrintError(
                f"{message}; the job may have been queued", sent=None, total=len(data)
            ) from None
        except OSError as exc:
            raise DeviceError(
                f"CUPS queue {self.queue}: cannot run {command[0]}: {exc.strerror or exc}"
            ) from None
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip() or (
                f"exit status {result.returncode}"
            )
            raise DeviceError(f"CUPS queue {self.queue}: cannot {doing}: {_one_line(message)}")
        return result


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def open_cups_printer(url: DeviceURL) -> CupsPrinter:
    """The printer for ``cups://QUEUE`` or ``cups://SERVER[:PORT]/QUEUE``, options as parameters."""
    rest = url.text.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    authority, _, path = rest.partition("/")
    server: str | None
    if path.strip("/"):
        server, queue = authority or None, path.strip("/")
    else:
        server, queue = None, authority
    options = {name: value for name, value in url.params.items() if name != "timeout"}
    return CupsPrinter(
        queue,
        server=server,
        options=options,
        timeout=url.float_param("timeout", DEFAULT_TIMEOUT),
        device_id=url.text,
    )
