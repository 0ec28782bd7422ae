"""TUI widgets show free text from a manifest spelled out, never raw (Pilot, real station)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from textual.widgets import DataTable, Static

from station.bootstrap import Station
from station.tui.screens.lots import LotsScreen
from station.tui.widgets.shipment_table import ShipmentTable
from tests.tui.test_app import make_app, scan

DEMO = Path(__file__).resolve().parents[2] / "config" / "demo"
HOSTILE = "Evil\x1b[2J\x1b]0;x\x07Co\u202egpj\u200b\x00\x9b"


def raw_unsafe(text: str) -> list[str]:
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


def cells(table: DataTable) -> str:  # type: ignore[type-arg]
    return "\n".join(str(cell) for row in range(table.row_count) for cell in table.get_row_at(row))


async def test_seller_product_and_vendor_are_shown_escaped(
    station: Station, tmp_path: Path
) -> None:
    doc = json.loads((DEMO / "clean.json").read_text(encoding="utf-8"))
    doc.update(shipment_id="SHP-7001", bill_of_lading="BOL-700001", seals=["SL7000001"])
    doc["seller"]["name"] = HOSTILE
    doc["units"] = doc["units"][:1]
    doc["units"][0]["sscc"] = "006141412610070010"
    line = doc["units"][0]["contents"][0]
    line.update(product=HOSTILE, vendor=HOSTILE)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    station.import_files([path])
    app = make_app(station)
    async with app.run_test(size=(120, 30)) as pilot:
        await scan(pilot, "B-1001")
        shown = cells(app.query_one(ShipmentTable))
        assert "Evil\\x1b[2J" in shown and not raw_unsafe(shown)
        for text in ("BOL-700001", "SL7000001", "]C100006141412610070010"):
            await scan(pilot, text)
        summary = str(app.query_one("#receipt-summary", Static).render())
        assert not raw_unsafe(summary)
        await scan(pilot, "#CLOSE")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LotsScreen)
        lots = cells(screen.query_one(DataTable))
        assert "Evil\\x1b[2J" in lots and not raw_unsafe(lots)
