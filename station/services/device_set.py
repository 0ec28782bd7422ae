"""The station's scan sources, running side by side, each in its own thread.

`DeviceSet` opens every configured scanner URL through the driver registry,
starts them, and forwards their scans and status changes to one callback each.
A device that fails to open is kept in the set with an ERROR status and its
reason, so the clerk sees it on the devices screen; it never stops the others.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from station.domain.scanning.scan import Scan
from station.errors import StationError
from station.ports import DeviceState, DeviceStatus, ScanSource

ScanCallback = Callable[[Scan], None]
StatusCallback = Callable[[DeviceStatus], None]
SourceOpener = Callable[[str], ScanSource]

WEDGE = "wedge"
_RATE_WINDOW_S = 60.0


class DeviceSet:
    """All non-wedge scan sources of a station, plus the wedge's own counters."""

    def __init__(self, urls: Sequence[str], opener: SourceOpener | None = None) -> None:
        self.urls = tuple(urls)
        self._opener = opener
        self._sources: dict[str, ScanSource] = {}
        self._statuses: dict[str, DeviceStatus] = {}
        self._recent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        for url in self.urls:
            state = DeviceState.CONNECTED if url == WEDGE else DeviceState.STOPPED
            self._statuses[url] = DeviceStatus(url, state, "keyboard" if url == WEDGE else "")
            self._recent[url] = deque()

    def start(self, on_scan: ScanCallback, on_status: StatusCallback) -> None:
        """Open and start every device; failures become ERROR statuses, never exceptions."""
        opener = self._opener or _registry_opener()
        for url in self.urls:
            if url == WEDGE:
                continue
            try:
                source = opener(url)
            except StationError as exc:
                self._update(DeviceStatus(url, DeviceState.ERROR, str(exc)), on_status)
                continue
            self._sources[url] = source

            def scan_cb(scan: Scan, url: str = url) -> None:
                self.count_scan(url)
                on_scan(scan)

            def status_cb(status: DeviceStatus, url: str = url) -> None:
                self._update(status, on_status)

            try:
                source.start(scan_cb, status_cb)
            except StationError as exc:
                self._update(DeviceStatus(url, DeviceState.ERROR, str(exc)), on_status)

    def stop(self) -> None:
        """Stop every source; each returns promptly."""
        for source in self._sources.values():
            source.stop()

    def count_scan(self, url: str) -> None:
        """Note a scan from `url` for the scans-per-minute figure."""
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault(url, deque())
            recent.append(now)
            while recent and now - recent[0] > _RATE_WINDOW_S:
                recent.popleft()
            if url == WEDGE and url in self._statuses:
                wedge = self._statuses[url]
                self._statuses[url] = DeviceStatus(
                    url, wedge.state, wedge.detail, scans=wedge.scans + 1, last_scan_at=now
                )

    def scans_per_minute(self, url: str) -> int:
        """Scans from `url` in the last minute."""
        now = time.monotonic()
        with self._lock:
            return sum(1 for t in self._recent.get(url, ()) if now - t <= _RATE_WINDOW_S)

    def statuses(self) -> list[DeviceStatus]:
        """The latest status of every configured device, in config order."""
        with self._lock:
            return [self._statuses[url] for url in self.urls if url in self._statuses]

    def _update(self, status: DeviceStatus, on_status: StatusCallback) -> None:
        with self._lock:
            self._statuses[status.device] = status
        on_status(status)


def _registry_opener() -> SourceOpener:
    from drivers.registry import open_scanner  # noqa: PLC0415 - drivers load only when used

    return open_scanner
