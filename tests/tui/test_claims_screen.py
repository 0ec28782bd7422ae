"""The claims and mass-balance board (Ctrl+B): figures per group and period, flags shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from station.bootstrap import Station, open_station
from station.config import load_config
from station.tui.screens.claims import ClaimsScreen
from tests.services.test_claims_reports import data  # noqa: F401 - the fixture
from tests.tui.test_app import make_app


async def test_the_board_shows_each_period_and_flags_the_leak(
    data: tuple[Path, Path],  # noqa: F811
    clock: Any,
) -> None:
    config, data_dir = data
    station = open_station(load_config(config), data_dir, clock)
    try:
        app = make_app(station)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+b")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ClaimsScreen)
            balance = screen.query_one("#balance-table", DataTable)
            claims = screen.query_one("#claims-table", DataTable)
            assert balance.row_count == 6 and claims.row_count == 6  # 2 groups x 3 months
            cells = [str(c) for row in range(claims.row_count) for c in claims.get_row_at(row)]
            assert "SFI 22% Certified Forest Content (below 70%: no label)" in cells
            assert "balance 0.00, 40.00 not covered" in cells
            note = str(screen.query_one("#claims-note", Static).render())
            assert "1 period(s) with an unexplained difference over 2%" in note
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, ClaimsScreen)
    finally:
        station.close()


async def test_without_product_groups_the_board_says_how_to_add_them(station: Station) -> None:
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        note = str(app.screen.query_one("#claims-note", Static).render())
        assert "No product groups are configured" in note
