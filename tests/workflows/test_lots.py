"""New lots through the real store: allocation, genealogy, holds, mass balance, restarts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from biip.sscc import Sscc

from station.bootstrap import Station, open_station
from station.config import StationConfig
from station.domain.lots.transform_plan import TransformKind
from station.domain.operators import Operator
from station.domain.scanning.scan import Scan
from station.workflows.lots import TransformRequest

P1, P2, P3 = "006141412610010016", "006141412610010023", "006141412610010030"
RISKY = "073500532610040026"


def receive(station: Station, *texts: str) -> None:
    for text in texts:
        assert station.recorder.handle(Scan(text)).durable


@pytest.fixture
def received(station: Station) -> Station:
    receive(station, "B-1001", "BOL-778001", "SL0041871", f"00{P1}", f"00{P2}", f"00{P3}")
    return station


def ana(station: Station) -> Operator:
    op = station.config.operator_by_badge("B-1001")
    assert op is not None
    return op


def test_received_pallets_are_available_lots_with_origin(received: Station) -> None:
    lot = received.lots.lot(P1)
    assert lot is not None and lot.status == "available" and lot.kind == "received"
    assert lot.quantity > 0
    origin = received.lots.origin(P1)
    assert origin is not None and origin.shipment_id == "SHP-1001"
    assert origin.place_of_manufacture is not None and origin.place_of_manufacture.country == "VN"


def test_split_allocates_lot_numbers_and_links_to_parent(received: Station) -> None:
    lot = received.lots.lot(P1)
    assert lot is not None
    half = lot.quantity // 2
    result = received.lot_desk.transform(
        TransformRequest(TransformKind.SPLIT, ((P1, lot.quantity),), (half, lot.quantity - half)),
        ana(received),
    )
    assert result.ok, result.message
    first, second = result.new_ids
    assert first.startswith("HCM26327-") and second != first  # site, yy, day of year 327
    assert received.lots.parents(first) == [P1]
    assert received.lots.lot(P1).status == "consumed"  # type: ignore[union-attr]
    summary = received.lots.genealogy().provenance_summary(first)
    assert summary.countries == ("VN",)
    (event,) = [s.event for s in received.log.events() if s.event.kind.value == "lot.transformed"]
    taken = sum(Decimal(i["quantity"]) for i in event.payload["inputs"])
    made = sum(Decimal(o["quantity"]) for o in event.payload["outputs"])
    assert taken == made + Decimal(event.payload["loss"])
    assert event.payload["provenance"][0]["shipment_id"] == "SHP-1001"


def test_merge_and_palletise_give_valid_new_sscc(received: Station) -> None:
    a, b = received.lots.lot(P2), received.lots.lot(P3)
    assert a is not None and b is not None
    result = received.lot_desk.transform(
        TransformRequest(TransformKind.PALLETISE, ((P2, a.quantity), (P3, b.quantity))),
        ana(received),
    )
    assert result.ok, result.message
    (sscc,) = result.new_ids
    assert Sscc.parse(sscc).value == sscc
    assert sscc.startswith("906141410")  # extension 9, company prefix 0614141
    assert sorted(received.lots.parents(sscc)) == [P2, P3]


def test_held_and_consumed_parents_are_refused_with_the_reason(station: Station) -> None:
    receive(station, "B-1001", "BOL-778004", "SL0042001", f"00{RISKY}")
    lot = station.lots.lot(RISKY)
    assert lot is not None and lot.status == "quarantined"
    result = station.lot_desk.transform(
        TransformRequest(TransformKind.REPACK, ((RISKY, lot.quantity),), (lot.quantity,)),
        ana(station),
    )
    assert not result.ok
    assert "quarantined" in result.message
    unknown = station.lot_desk.transform(
        TransformRequest(TransformKind.REPACK, (("NOPE", Decimal(1)),), (Decimal(1),)), ana(station)
    )
    assert not unknown.ok and "NOPE" in unknown.message


def test_unbalanced_split_is_refused(received: Station) -> None:
    lot = received.lots.lot(P1)
    assert lot is not None
    result = received.lot_desk.transform(
        TransformRequest(TransformKind.SPLIT, ((P1, lot.quantity),), (Decimal(1), Decimal(1))),
        ana(received),
    )
    assert not result.ok and "unaccounted" in result.message
    assert received.lots.lot(P1).status == "available"  # type: ignore[union-attr]


def test_numbers_are_never_reused_across_restarts(
    received: Station, tmp_path: Path, config: StationConfig, clock: Any
) -> None:
    lot = received.lots.lot(P1)
    assert lot is not None
    first = received.lot_desk.transform(
        TransformRequest(TransformKind.SPLIT, ((P1, Decimal(10)),), (Decimal(5), Decimal(5))),
        ana(received),
    )
    pallet = received.lot_desk.transform(
        TransformRequest(TransformKind.PALLETISE, ((P2, Decimal(1)),)), ana(received)
    )
    received.close()
    again = open_station(config, tmp_path / "data", clock)
    try:
        second = again.lot_desk.transform(
            TransformRequest(TransformKind.SPLIT, ((P1, Decimal(10)),), (Decimal(5), Decimal(5))),
            ana(again),
        )
        pallet2 = again.lot_desk.transform(
            TransformRequest(TransformKind.PALLETISE, ((P2, Decimal(1)),)), ana(again)
        )
        assert second.ok and pallet2.ok
        assert not set(first.new_ids) & set(second.new_ids)
        assert pallet.new_ids != pallet2.new_ids
        assert again.log.verify().ok
    finally:
        again.close()
