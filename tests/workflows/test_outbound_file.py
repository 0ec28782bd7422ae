"""The outbound manifest file: one file per order, named so two orders never share one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from station.bootstrap import Station
from station.errors import FileConflictError
from tests.workflows.release_support import (
    Stock,
    label,
    lot_unit,
    make_stock,
    order_manifest,
    pallet_label,
    release,
    sscc_unit,
    verdicts,
)


def import_orders(station: Station, orders: dict[str, list[dict[str, Any]]]) -> None:
    paths = []
    for number, (shipment_id, units) in enumerate(orders.items()):
        path = station.data_dir.parent / f"order-{number}.json"
        path.write_text(json.dumps(order_manifest(shipment_id, units)), encoding="utf-8")
        paths.append(path)
    assert station.import_files(paths).imported == tuple(orders)


def ship(station: Station, shipment_id: str, unit: str, seal: str, bol: str) -> None:
    opened = station.release_recorder.select_shipment(shipment_id)
    assert opened.durable and opened.outcome.verdict.value == "info", opened.outcome.headline
    results = release(station, unit, seal, bol, "#CLOSE")
    assert verdicts(results) == ["accept", "accept", "accept", "accept"], [
        r.outcome.headline for r in results
    ]


def test_orders_whose_ids_differ_only_in_unsafe_characters_get_two_files(station: Station) -> None:
    stock: Stock = make_stock(station)
    import_orders(
        station, {"SHP/1": [lot_unit(stock.l1, 15)], "SHP_1": [sscc_unit(stock.pallet, 62)]}
    )
    release(station, "B-1002")
    ship(station, "SHP/1", label(stock.l1), "SL0050001", "BOL-880001")
    ship(station, "SHP_1", pallet_label(stock.pallet), "SL0050002", "BOL-880002")
    written = sorted((station.data_dir / "outbound").iterdir())
    assert len(written) == 2, written
    shipped = {json.loads(p.read_text(encoding="utf-8"))["shipment_id"] for p in written}
    assert shipped == {"SHP/1", "SHP_1"}


def test_an_outbound_file_in_the_way_is_never_replaced(station: Station, tmp_path: Path) -> None:
    stock = make_stock(station)
    import_orders(station, {"SHP-2001": [lot_unit(stock.l1, 15)]})
    in_the_way = station.data_dir / "outbound" / "SHP-2001.json"
    in_the_way.parent.mkdir(parents=True)
    in_the_way.write_text('{"written": "by someone else"}\n', encoding="utf-8")
    release(station, "B-1002", "SHP-2001", label(stock.l1), "SL0050001", "BOL-880001")
    (done,) = release(station, "#CLOSE")
    assert done.outcome.verdict.value == "error"
    assert done.outcome.headline.startswith("RELEASED SHP-2001")
    assert "exists already with other content: it is never replaced" in done.outcome.headline
    assert "station release export SHP-2001 --out FILE" in done.outcome.headline
    assert in_the_way.read_text(encoding="utf-8") == '{"written": "by someone else"}\n'
    with pytest.raises(FileConflictError, match="never replaced"):
        station.release.export("SHP-2001")
    copy = station.release.export("SHP-2001", tmp_path / "copy.json")
    assert json.loads(copy.read_text(encoding="utf-8"))["shipment_id"] == "SHP-2001"
    assert station.release.export("SHP-2001", copy) == copy  # the same bytes: nothing to do
