"""Which module handles which device URL scheme.

Adding a device kind is one new module and one line here. Modules are imported
only when a device of their kind is configured, so a station without cameras never
loads OpenCV.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, cast

from drivers.urls import DeviceURL, parse_device_url
from station.errors import DeviceError
from station.ports import LabelPrinter, ScanSource

SCANNER_FACTORIES: dict[str, str] = {
    "serial": "drivers.serial_scanner:open_serial_scanner",
    "evdev": "drivers.evdev_scanner:open_evdev_scanner",
    "camera": "drivers.camera:open_camera_scanner",
}
"""Scanner scheme -> ``module:function`` taking a `DeviceURL` and returning a `ScanSource`.
The keyboard wedge (``wedge``) is built into the TUI and needs no entry."""

PRINTER_FACTORIES: dict[str, str] = {
    "zpl+tcp": "drivers.printers.zpl_socket:open_zpl_socket_printer",
    "zpl+serial": "drivers.printers.zpl_serial:open_zpl_serial_printer",
    "zpl+file": "drivers.printers.zpl_file:open_zpl_file_printer",
    "cups": "drivers.printers.cups:open_cups_printer",
    "dir": "drivers.printers.directory:open_directory_printer",
}
"""Printer scheme -> ``module:function`` taking a `DeviceURL` and returning a `LabelPrinter`."""


def _factory(table: dict[str, str], url: DeviceURL, kind: str) -> Callable[[DeviceURL], Any]:
    target = table.get(url.scheme)
    if target is None:
        known = ", ".join(sorted(table))
        raise DeviceError(f"{url.text!r}: unknown {kind} scheme {url.scheme!r} (known: {known})")
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DeviceError(f"{url.text!r}: the {url.scheme} driver cannot load: {exc}") from None
    return cast(Callable[[DeviceURL], Any], getattr(module, attribute))


def open_scanner(text: str) -> ScanSource:
    """The scan source for a configured scanner URL (not ``wedge``)."""
    url = parse_device_url(text)
    return cast(ScanSource, _factory(SCANNER_FACTORIES, url, "scanner")(url))


def open_printer(text: str) -> LabelPrinter:
    """The printer for a configured printer URL."""
    url = parse_device_url(text)
    return cast(LabelPrinter, _factory(PRINTER_FACTORIES, url, "printer")(url))
