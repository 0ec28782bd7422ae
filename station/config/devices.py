"""The ``[devices]`` table: scanner and printer URLs (see `drivers.urls`).

A URL is checked as far as it can be without opening the device: its scheme must be
one a driver handles for that role, and it must name a device (``serial://`` names
none). Whether the device is there is the device screen's question, not the
config's: a scanner unplugged at load is reconnected when it comes back.
"""

from __future__ import annotations

from station.config.reader import TableReader
from station.errors import DeviceError

DEVICES_KEYS = ("scanners", "printers")
_EXAMPLES = {
    "scanners": "'serial:///dev/ttyACM0', 'evdev:///dev/input/event3' or 'camera://0'",
    "printers": "'zpl+tcp://10.0.0.7:9100', 'cups://LABELS' or 'dir:///var/labels'",
}
_BY_HOST = frozenset({"zpl+tcp", "cups", "camera"})
"""Schemes whose device is the URL's host part (an address, a queue, a camera index)."""


def read_devices(reader: TableReader, value: object) -> dict[str, tuple[str, ...]]:
    """The device URLs by role, only for the roles the table lists."""
    table = reader.table(value, "devices", DEVICES_KEYS)
    found: dict[str, tuple[str, ...]] = {}
    for name in DEVICES_KEYS:
        if name not in table:
            continue
        urls = reader.strings(table, "devices", name)
        for i, url in enumerate(urls):
            problem = _url_problem(name, url)
            if problem is not None:
                raise reader.fail(f"devices.{name}[{i}]", f"{url!r}: {problem}")
        if len(set(urls)) != len(urls):
            raise reader.fail(f"devices.{name}", "the same device is listed twice")
        found[name] = urls
    return found


def _url_problem(role: str, url: str) -> str | None:
    # The drivers package loads only when a config lists a device, as `labels` does.
    from drivers.registry import PRINTER_FACTORIES, SCANNER_FACTORIES  # noqa: PLC0415
    from drivers.urls import parse_device_url  # noqa: PLC0415

    if role == "scanners" and url == "wedge":
        return None
    try:
        parsed = parse_device_url(url)
    except DeviceError:
        return f"expected a device URL such as {_EXAMPLES[role]}"
    schemes = SCANNER_FACTORIES if role == "scanners" else PRINTER_FACTORIES
    if parsed.scheme not in schemes:
        known = ", ".join(sorted(schemes) + (["wedge"] if role == "scanners" else []))
        return f"unknown scheme {parsed.scheme!r} for {role} (known: {known})"
    if parsed.inner is not None:
        named = parsed.scheme == "camera" and bool(parsed.inner.partition(":")[2].strip("/"))
    elif parsed.scheme in _BY_HOST:
        named = bool(parsed.host)
    else:
        named = bool(parsed.path.strip("/"))
    if not named:
        return f"names no device: expected a URL such as {_EXAMPLES[role]}"
    return None
