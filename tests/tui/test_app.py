"""The station app through Textual's Pilot: scans typed as fast key bursts, like a wedge scanner."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher, Input

from drivers.wedge_textual import WedgeKeyFilter
from station.bootstrap import Station
from station.domain.findings import Verdict
from station.ports import UnitStatus
from station.tui.app import StationApp, wedge_profile
from station.tui.screens.summary import SummaryScreen
from station.tui.widgets.banner import VerdictBanner

DEMO_SCANS = Path(__file__).resolve().parents[2] / "config" / "demo" / "scans"

DEMO_VERDICTS = {
    "clean": ["info", "accept", "accept", "accept", "accept"],
    "wrong-seal": ["info", "quarantine", "quarantine", "quarantine"],
    "unexpected-pallet": ["info", "accept", "accept", "accept", "quarantine"],
    "high-risk": ["info", "accept", "accept", "quarantine"],
    "missing-data": ["info", "accept", "accept", "quarantine"],
}


class BurstClock:
    """Monotonic time that advances 0.1 ms per reading: Pilot's keys then look like a scanner."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        self.t += 0.0001
        return self.t


def make_app(station: Station) -> StationApp:
    app = StationApp.__new__(StationApp)
    wedge = WedgeKeyFilter(app, wedge_profile(station.config.scanner), clock=BurstClock())
    StationApp.__init__(app, station, wedge=wedge)
    return app


def burst_keys(text: str) -> list[str]:
    keys = []
    for ch in text:
        keys.append(
            {
                "\x1d": "ctrl+right_square_bracket",
                "]": "right_square_bracket",
                "#": "number_sign",
                "-": "minus",
            }.get(ch, ch)
        )
    return [*keys, "enter"]


async def scan(pilot: object, text: str) -> None:
    await pilot.press(*burst_keys(text))  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def verdict_of(app: StationApp) -> str:
    assert app.last is not None
    return app.last.outcome.verdict.value


async def test_login_pick_and_receive_with_bursts(station: Station) -> None:
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        switcher = app.query_one(ContentSwitcher)
        assert switcher.current == "login"
        await scan(pilot, "B-1001")
        assert station.workflow.operator is not None
        assert switcher.current == "shipments"
        await scan(pilot, "BOL-778001")
        assert switcher.current == "receiving"
        await scan(pilot, "SL0041871")
        assert verdict_of(app) == "accept"
        await scan(pilot, "]C100006141412610010016")
        assert verdict_of(app) == "accept"
        assert app.query_one(VerdictBanner).has_class("accept")
        # the burst went to the workflow, not into the focused entry field
        assert app.query_one("#entry", Input).value == ""
        assert station.view.unit("006141412610010016").status is UnitStatus.ACCEPTED  # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(DEMO_VERDICTS))
async def test_demo_shipment_verdicts_through_the_tui(station: Station, name: str) -> None:
    app = make_app(station)
    lines = (DEMO_SCANS / f"{name}.txt").read_text(encoding="utf-8").split()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "B-1001")
        verdicts = []
        for line in lines:
            await scan(pilot, line.replace("\\x1d", "\x1d"))
            verdicts.append(verdict_of(app))
        assert verdicts == DEMO_VERDICTS[name]


async def test_gs_key_and_typed_entry(station: Station) -> None:
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "B-1001")
        await scan(pilot, "BOL-778001")
        # a GS1-128 label with GS typed as Ctrl+] by the scanner
        await scan(pilot, "]C100006141412610010016\x1d10NOPE")
        assert verdict_of(app) == "quarantine"
        # (10) without (02) in this barcode: the label's other barcodes must carry it
        assert [f.code.value for f in app.last.outcome.findings] == [  # type: ignore[union-attr]
            "LABEL_MISMATCH",
            "REQUISITE_AI_MISSING",
        ]
        # a clerk types a code by hand into the entry line
        entry = app.query_one("#entry", Input)
        entry.focus()
        entry.value = "00006141412610010023"
        await pilot.press("enter")
        await pilot.pause()
        assert verdict_of(app) == "accept"


async def test_close_shows_summary_and_returns_to_shipments(station: Station) -> None:
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "B-1001")
        await scan(pilot, "BOL-778003")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.last is not None and app.last.outcome.verdict is Verdict.QUARANTINE
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SummaryScreen)
        assert app.query_one(ContentSwitcher).current == "shipments"


async def test_pick_shipment_from_the_list_with_keys(station: Station) -> None:
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "B-1001")
        table = app.query_one("#shipment-table")
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(ContentSwitcher).current == "receiving"


async def test_hostile_scan_is_shown_escaped(station: Station) -> None:
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "B-1001")
        entry = app.query_one("#entry", Input)
        entry.value = "\x1b]0;pwned\x07 hello"
        entry.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert verdict_of(app) == "error"
        rendered = str(app.query_one(VerdictBanner).render())
        assert "\x1b" not in rendered and "\x07" not in rendered
        assert "\\x1b" in rendered
