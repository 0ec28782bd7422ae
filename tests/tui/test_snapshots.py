"""Snapshot tests of the station's screens at 80x24 (the smallest terminal it must serve)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station.bootstrap import Station
from station.domain.scanning.scan import Scan
from station.tui.app import StationApp

SIZE = (80, 24)


def feeder(app: StationApp, *texts: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        for text in texts:
            app.process(app.station.recorder.handle(Scan(text, device="test")))
        await pilot.pause()

    return run_before


def test_login_screen(snap_compare: Any, station: Station) -> None:
    app = StationApp(station)
    assert snap_compare(app, terminal_size=SIZE)


def test_shipment_list(snap_compare: Any, station: Station) -> None:
    app = StationApp(station)
    assert snap_compare(app, terminal_size=SIZE, run_before=feeder(app, "B-1001"))


def test_receiving_with_quarantine_banner(snap_compare: Any, station: Station) -> None:
    app = StationApp(station)
    scans = (
        "B-1001",
        "BOL-778004",
        "SL0042001",
        "]C100073500532610040019",
        "]C100073500532610040026",
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=feeder(app, *scans))


def test_wrong_seal_hold(snap_compare: Any, station: Station) -> None:
    app = StationApp(station)
    assert snap_compare(
        app, terminal_size=SIZE, run_before=feeder(app, "B-1001", "BOL-778002", "SL0041913")
    )


def test_close_summary(snap_compare: Any, station: Station) -> None:
    app = StationApp(station)
    scans = (
        "B-1001",
        "BOL-778003",
        "SL0041950",
        "]C100006141412610030014",
        "]C100006141412610030038",
        "#CLOSE",
    )
    assert snap_compare(app, terminal_size=SIZE, run_before=feeder(app, *scans))
