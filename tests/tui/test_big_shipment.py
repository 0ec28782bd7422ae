"""A container-sized shipment in the TUI: 200 scans into 20,000 expected pallets.

Each scan changes its own unit's row only: the table is filled once when the receipt
is shown, then rows keep their place and their identity, the view does not jump to
the unit scanned, and the counters come from the store's tallies. Speed is measured by
``bench/tui_scan.py``; this checks that the rows and counts stay right.
"""

from __future__ import annotations

import json
from pathlib import Path

from biip.checksums import gs1_standard_check_digit
from textual.widgets import Static

from drivers.wedge_textual import ScanReceived
from station.bootstrap import Station, open_station
from station.config import StationConfig
from station.domain.scanning.scan import Scan
from station.ports import UnitStatus
from station.tui.widgets.shipment_table import UnitTable
from tests.conftest import FrozenClock
from tests.tui.test_app import make_app, scan

UNITS = 20_000
LINE = {
    "gtin": "0614141550012",
    "lot": "SM550-2609A",
    "quantity": 31,
    "uom": "EA",
    "product": "Monocrystalline PV module 550 W",
    "vendor": "Sao Mai Solar Manufacturing JSC",
    "place_of_manufacture": {"facility": "Quang Chau plant", "country": "VN", "region": "VN-54"},
    "date_of_manufacture": "2026-09-14",
}


def sscc(serial: int) -> str:
    body = f"00614141{serial:09d}"
    return body + str(gs1_standard_check_digit(body))


def big_station(tmp_path: Path, config: StationConfig) -> Station:
    manifest = {
        "manifest_version": 1,
        "shipment_id": "SHP-9000",
        "direction": "inbound",
        "bill_of_lading": "BOL-900000",
        "purchase_orders": ["PO-90000"],
        "seller": {"name": "Sao Mai Solar Manufacturing JSC", "id": "0614141000012"},
        "seals": ["SL9000000"],
        "units": [
            {"sscc": sscc(n), "packaging": "pallet", "contents": [LINE]} for n in range(UNITS)
        ],
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    station = open_station(config, tmp_path / "data", FrozenClock())
    station.import_files([path])
    return station


def statuses(table: UnitTable) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in table.rows:
        status = str(table.get_cell(key, table.ordered_columns[2].key))
        counts[status] = counts.get(status, 0) + 1
    return counts


async def test_200_scans_into_a_20000_unit_shipment(tmp_path: Path, config: StationConfig) -> None:
    station = big_station(tmp_path, config)
    app = make_app(station)
    received = [sscc(n) for n in range(0, UNITS, UNITS // 190)][:190]
    strangers = [sscc(UNITS + 50 + n) for n in range(5)]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await scan(pilot, "B-1001")
            await scan(pilot, "BOL-900000")
            await scan(pilot, "SL9000000")
            table = app.query_one(UnitTable)
            assert table.row_count == UNITS
            untouched = table.rows[table.ordered_rows[1].key]
            # A few as key bursts through the wedge, the rest as the wedge's messages.
            for unit_id in received[:5]:
                await scan(pilot, f"]C100{unit_id}")
            for text in [*received[5:], *received[:5], *strangers]:
                app.post_message(ScanReceived(Scan(f"]C100{text}", device="wedge")))
            await pilot.pause()
            assert app.last is not None and app.last.outcome.unit == strangers[-1]

            assert table.row_count == UNITS + len(strangers)
            assert statuses(table) == {"expected": UNITS - 190, "accepted": 190, "quarantined": 5}
            # The rows were changed in place, not built again; the view did not jump.
            assert table.rows[table.ordered_rows[1].key] is untouched
            assert table.cursor_row == 0
            summary = str(app.query_one("#receipt-summary", Static).render())
            assert f"Received 190/{UNITS} expected units  on hold: 5  unexpected: 5" in summary
            # Every row says what the store says.
            store = {u.unit_id: u.status for u in station.view.units("SHP-9000")}
            for key in table.rows:
                status = str(table.get_cell(key, table.ordered_columns[2].key))
                assert store[str(key.value)] is UnitStatus(status)
            assert {str(table.get_cell(s, table.ordered_columns[3].key)) for s in strangers} == {
                "UNEXPECTED_UNIT"
            }
    finally:
        station.close()
