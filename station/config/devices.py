"""The ``[devices]`` table: scanner and printer URLs (see `drivers.urls`)."""

from __future__ import annotations

from station.config.reader import TableReader

DEVICES_KEYS = ("scanners", "printers")


def read_devices(reader: TableReader, value: object) -> dict[str, tuple[str, ...]]:
    """The device URLs by role, only for the roles the table lists."""
    table = reader.table(value, "devices", DEVICES_KEYS)
    found: dict[str, tuple[str, ...]] = {}
    for name in DEVICES_KEYS:
        if name not in table:
            continue
        urls = reader.strings(table, "devices", name)
        for i, url in enumerate(urls):
            scheme = url.partition(":")[0]
            if url != "wedge" and (not scheme or ":" not in url):
                raise reader.fail(
                    f"devices.{name}[{i}]",
                    f"expected a device URL such as 'serial:///dev/ttyACM0', found {url!r}",
                )
        if len(set(urls)) != len(urls):
            raise reader.fail(f"devices.{name}", "the same device is listed twice")
        found[name] = urls
    return found
