"""The release and gate screens through Pilot, hosted in a minimal app that routes scans."""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, Input, Static

from station.bootstrap import Station
from station.domain.scanning.scan import Scan
from station.tui.screens.gate import GateScreen
from station.tui.screens.release import ReleaseScreen
from station.tui.screens.summary import SummaryScreen
from station.tui.widgets.banner import VerdictBanner
from tests.workflows.release_support import (
    BOL,
    SEAL,
    import_order,
    label,
    lot_unit,
    make_stock,
    pallet_label,
    shipped_lots,
    sscc_unit,
)


class Host(App[None]):
    """Shows one screen and routes scans to it, as `StationApp` does."""

    def __init__(self, screen: ReleaseScreen | GateScreen) -> None:
        super().__init__()
        self.start = screen

    def on_mount(self) -> None:
        self.push_screen(self.start)


def cells(table: DataTable[Text], column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_release_screen_checks_units_and_refuses_then_completes(station: Station) -> None:
    stock = make_stock(station)
    import_order(station, "SHP-2001", [lot_unit(stock.l1, 15), sscc_unit(stock.pallet, 62)])
    screen = ReleaseScreen(station)
    async with Host(screen).run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        table = screen.query_one("#release-units", DataTable)
        screen.accept_scan(Scan("B-1002", device="wedge"))
        await pilot.pause()
        assert cells(table, 0) == ["SHP-2001", "SHP-2101"]  # orders to pick; Enter opens one
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert station.release.release() is not None
        assert cells(table, 2) == ["WAITING", "WAITING"]
        for text in (label(stock.l1), label(stock.l2), SEAL, BOL):
            screen.accept_scan(Scan(text, device="wedge"))
        await pilot.pause()
        assert cells(table, 0) == [stock.l1, stock.pallet, stock.l2]
        assert cells(table, 2) == ["OK", "WAITING", "BLOCKED"]
        assert cells(table, 3)[2] == "NOT_ON_ORDER"
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app_screen := pilot.app.screen, SummaryScreen)
        assert app_screen.outcome.verdict.value == "reject"
        await pilot.press("enter")
        await pilot.pause()
        assert shipped_lots(station) == []
        # Take the blocked unit off (Delete on its row), scan the pallet, complete.
        table.move_cursor(row=2)
        await pilot.press("delete")
        await pilot.pause()
        assert cells(table, 0) == [stock.l1, stock.pallet]
        entry = screen.query_one("#release-entry", Input)
        entry.focus()
        entry.value = pallet_label(stock.pallet)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        summary = pilot.app.screen
        assert isinstance(summary, SummaryScreen)
        assert summary.outcome.headline.startswith("RELEASED SHP-2001")
        await pilot.press("enter")
        await pilot.pause()
        banner = str(screen.query_one(VerdictBanner).render())
        assert "RELEASED SHP-2001" in banner
        assert shipped_lots(station) == sorted([stock.l1, stock.pallet])


async def test_gate_screen_answers_released_or_not(station: Station) -> None:
    stock = make_stock(station)
    import_order(station, "SHP-2001", [lot_unit(stock.l1, 15)])
    for text in ("B-1002", "SHP-2001", label(stock.l1), SEAL, BOL, "#CLOSE"):
        assert station.release_recorder.handle(Scan(text)).outcome.verdict.value != "reject"
    screen = GateScreen(station)
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen.accept_scan(Scan(label(stock.l1), device="wedge"))
        await pilot.pause()
        big = screen.query_one("#gate-answer", Static)
        assert big.has_class("released") and not big.has_class("not-released")
        assert str(big.render()).startswith("RELEASED")
        assert "SHP-2001" in str(screen.query_one("#gate-details", Static).render())
        screen.query_one("#gate-entry", Input).value = stock.l2
        await pilot.press("enter")
        await pilot.pause()
        assert big.has_class("not-released")
        assert str(big.render()).startswith("NOT RELEASED")
        assert screen.answer is not None and not screen.answer.released
        assert "no release of it" in str(screen.query_one("#gate-details", Static).render())
