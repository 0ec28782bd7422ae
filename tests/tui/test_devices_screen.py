"""The devices screen: states and reasons, and test-scan mode that records nothing."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from station.bootstrap import Station
from station.ports import DeviceState
from station.services.device_set import DeviceSet
from station.tui.screens.devices import DevicesScreen
from tests.tui.test_app import make_app, scan


async def test_devices_screen_lists_states_and_test_scan_records_nothing(station: Station) -> None:
    station.devices = DeviceSet(["wedge", "bogus://nowhere"])
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DevicesScreen)
        statuses = {s.device: s for s in station.devices.statuses()}
        assert statuses["wedge"].state is DeviceState.CONNECTED
        assert statuses["bogus://nowhere"].state is DeviceState.ERROR
        assert "unknown scanner scheme 'bogus'" in statuses["bogus://nowhere"].detail
        table = screen.query_one("#device-table", DataTable)
        assert table.row_count == 2
        await pilot.press("f7")
        before = station.log.count()
        await scan(pilot, "]C100006141412610010016")
        assert station.log.count() == before
        shown = str(screen.query_one("#test-scan", Static).render())
        assert "Gs1Code" in shown and "(00) 006141412610010016" in shown
        assert "not recorded" in shown
        assert statuses["wedge"].scans == 0
        assert station.devices.statuses()[0].scans == 1
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DevicesScreen)
