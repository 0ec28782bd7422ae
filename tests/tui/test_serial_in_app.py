"""A serial scanner on a real pseudo-terminal feeds the same workflow as the wedge."""

from __future__ import annotations

import os
import time

from station.bootstrap import Station
from station.ports import DeviceState, UnitStatus
from station.services.device_set import DeviceSet
from tests.tui.test_app import make_app


async def test_serial_scans_reach_the_workflow_and_unplug_is_reported(station: Station) -> None:
    master, slave = os.openpty()
    url = f"serial://{os.ttyname(slave)}?suffix=CR"
    station.devices = DeviceSet(["wedge", url])
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if {s.device: s for s in station.devices.statuses()}[
                url
            ].state is DeviceState.CONNECTED:
                break
            await pilot.pause(0.05)
        for line in (b"B-1001\r", b"BOL-778001\r", b"]C100006141412610010016\r"):
            os.write(master, line)
            deadline = time.monotonic() + 15
            before = app.last
            while app.last is before and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert app.last is not before, f"no verdict for {line!r}"
        unit = station.view.unit("006141412610010016")
        assert unit is not None and unit.status is UnitStatus.ACCEPTED
        events = [s.event for s in station.log.events() if s.event.kind.value == "scan.recorded"]
        assert events[-1].payload["device"] == url
        os.close(master)  # the "cable" is pulled
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            status = {s.device: s for s in station.devices.statuses()}[url]
            if status.state is DeviceState.RECONNECTING:
                break
            await pilot.pause(0.05)
        assert status.state is DeviceState.RECONNECTING
        # the wedge keeps working while the serial scanner is away
        assert {s.device: s for s in station.devices.statuses()}[
            "wedge"
        ].state is DeviceState.CONNECTED
    os.close(slave)
