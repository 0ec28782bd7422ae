"""The TUI with [sync]: the worker runs in the app's process, the line above the footer
shows the state (offline, waiting, refused, online with nothing waiting) and Ctrl+Y opens
the sync screen with the details."""

from __future__ import annotations

import time
from pathlib import Path

from textual.pilot import Pilot

from station.services import sync
from station.tui.screens.sync import SyncScreen
from station.tui.widgets.sync_line import SyncLine
from tests.hub.support import free_port
from tests.sync.worker.conftest import Synced
from tests.sync.worker.support import open_synced, record_events, station_config
from tests.tui.test_app import make_app


def line_text(app: object) -> str:
    return str(app.query_one(SyncLine).render())  # type: ignore[attr-defined]


async def until(pilot: Pilot[None], check: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the app did not get there"
        await pilot.pause(0.1)


async def test_the_footer_and_the_sync_screen_follow_the_worker(synced: Synced) -> None:
    station = synced.open()
    record_events(station, 80)
    app = make_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.sync_worker is not None and app.sync_worker.running
        await until(pilot, lambda: "sync: online | 0 waiting" in line_text(app))
        assert "last sync" in line_text(app) and "ago" in line_text(app)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        detail = str(app.screen.query_one("#sync-detail").render())
        assert synced.hub.url in detail
        assert f"Hub holds up to: #{station.log.count()}" in detail
        await pilot.press("enter")
        await pilot.press("escape")
        assert not isinstance(app.screen, SyncScreen)
    assert not app.sync_worker.running
    station.close()


async def test_offline_and_refused_are_shown(tmp_path: Path, synced: Synced) -> None:
    # Offline: nothing listens on the hub's port.
    config = station_config(tmp_path / "off", f"http://127.0.0.1:{free_port()}", "t0ken")
    station = open_synced(config, tmp_path / "off-data")
    app = make_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "sync: offline" in line_text(app))
        assert f"{station.log.count()} waiting (oldest" in line_text(app)
        assert app.query_one(SyncLine).has_class("-offline")
    station.close()

    # Refused: the hub holds more of this station's log than the station has.
    first = synced.open()
    record_events(first, 5)
    assert sync.sync_once(first).ok
    first.close()
    emptied = synced.open(demo=False, data=tmp_path / "emptied")
    app = make_app(emptied)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "REFUSED (cut)" in line_text(app))
        assert app.query_one(SyncLine).has_class("-refused")
        await pilot.press("ctrl+y")
        await pilot.pause()
        detail = str(app.screen.query_one("#sync-detail").render())
        assert "THE HUB REFUSED THIS STATION'S LOG (CUT)" in detail
        assert "cut, emptied or replaced" in detail
    emptied.close()
