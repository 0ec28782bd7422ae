"""`station devices`: open each configured device briefly and report what it says.

Scanners are started and watched until they report connected or an error (or the
wait runs out); printers are asked for their status without printing anything.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station.errors import StationError
from station.ports import DeviceState, DeviceStatus

_SETTLED = (DeviceState.CONNECTED, DeviceState.ERROR, DeviceState.ENDED)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One device's answer."""

    role: str
    url: str
    state: str
    detail: str
    ok: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON form for ``--json``."""
        return {
            "role": self.role,
            "url": self.url,
            "state": self.state,
            "detail": self.detail,
            "ok": self.ok,
        }


def probe_scanner(url: str, wait: float) -> ProbeResult:
    """Start the scanner, wait for it to settle, stop it."""
    if url == "wedge":
        return ProbeResult("scanner", url, "connected", "the terminal's keyboard input", True)
    from drivers.registry import open_scanner  # noqa: PLC0415

    try:
        source = open_scanner(url)
    except StationError as exc:
        return ProbeResult("scanner", url, DeviceState.ERROR.value, str(exc), False)
    settled = threading.Event()
    last: list[DeviceStatus] = []

    def on_status(status: DeviceStatus) -> None:
        last.append(status)
        if status.state in _SETTLED:
            settled.set()

    source.start(lambda scan: None, on_status)
    settled.wait(wait)
    status = last[-1] if last else source.status()
    source.stop()
    ok = status.state in (DeviceState.CONNECTED, DeviceState.ENDED)
    return ProbeResult("scanner", url, status.state.value, status.detail, ok)


def probe_printer(url: str) -> ProbeResult:
    """Ask the printer for its status."""
    from drivers.registry import open_printer  # noqa: PLC0415

    try:
        printer = open_printer(url)
        detail = printer.probe()
    except StationError as exc:
        return ProbeResult("printer", url, DeviceState.ERROR.value, str(exc), False)
    return ProbeResult("printer", url, DeviceState.CONNECTED.value, detail, True)


def probe_all(scanners: Sequence[str], printers: Sequence[str], wait: float) -> list[ProbeResult]:
    """Every configured device, scanners first, in config order."""
    return [probe_scanner(url, wait) for url in scanners] + [probe_printer(u) for u in printers]
