"""The quarantine board through Pilot: a supervisor releases a hold with badge and PIN."""

from __future__ import annotations

from textual.widgets import Input, Static

from station.bootstrap import Station
from station.domain.scanning.scan import Scan
from station.ports import UnitStatus
from station.tui.screens.quarantine import DecisionScreen, QuarantineScreen
from station.workflows.quarantine import Credentials, Decision
from tests.tui.test_app import make_app, scan

RISKY = "073500532610040026"


async def test_supervisor_releases_from_the_board(station: Station) -> None:
    for text in ("B-1001", "BOL-778004", "SL0042001", f"00{RISKY}"):
        station.recorder.handle(Scan(text))
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, QuarantineScreen)
        assert [h.entity_id for h in board.holds] == [RISKY]
        detail = str(board.query_one("#hold-detail", Static).render())
        assert "HIGH_RISK_ORIGIN" in detail
        await pilot.press("f3")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionScreen)
        # the supervisor scans their badge: it fills the form, it does not log in at the dock
        await scan(pilot, "B-2001")
        assert form.query_one("#badge", Input).value == "B-2001"
        assert station.workflow.operator is not None and station.workflow.operator.id == "op-ana"
        form.query_one("#pin", Input).value = "1111"
        form.query_one("#text", Input).value = "Smelter audit SA-7 shows Norwegian polysilicon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # wrong PIN: refused, the form stays
        assert "wrong PIN" in str(form.query_one("#error", Static).render())
        form.query_one("#pin", Input).value = "2468"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is board
        assert board.holds == []
        assert station.view.unit(RISKY).status is UnitStatus.ACCEPTED  # type: ignore[union-attr]


async def test_the_board_shows_a_locked_out_badge(station: Station) -> None:
    for text in ("B-1001", "BOL-778004", "SL0042001", f"00{RISKY}"):
        station.recorder.handle(Scan(text))
    for attempt in range(5):
        result = station.quarantine.decide(
            Decision.NOTE, "unit", RISKY, Credentials("B-2001", f"99990{attempt}"), "a note"
        )
        assert "wrong PIN" in result.message
    app = make_app(station)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        title = str(app.screen.query_one("#board-title", Static).render())
        assert "PIN LOCKED: Chen Wei (B-2001) until 08:15 UTC" in title
