"""Physical separation: a lot made from inputs with different claims carries the lowest,
and the operator is told so when it is made (real SQLite file)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from station.bootstrap import Station, open_station
from station.config import load_config
from station.domain.claims.ledger import build_ledger
from station.domain.claims.report import balance_rows
from station.domain.lots.transform_plan import TransformKind
from station.domain.scanning.scan import Scan
from station.workflows.lot_claims import mixture_claim
from station.workflows.lots import TransformRequest
from tests.workflows.test_claims_receiving import EUDR, EXAMPLE, GTIN, PALLETS, _pallet

CONFIG = """
[claims]
certificate_register = "certificates.csv"
[[claims.product_groups]]
name = "spf"
input_material = "SPF sawlogs"
unit = "t"
inputs = ["{gtin}"]
method = "physical_separation"
[[claims.product_groups.outputs]]
product = "LUMBER-A"
ratio = "2/1"
"""
REGISTER = """code,holder,scope,valid_from,valid_to,status
SFI-100,V-NORTH,spf,2026-01-01,2026-12-31,active
SFI-60,V-NORTH,spf,2026-01-01,2026-12-31,active
"""


def _open(tmp_path: Path, clock: Any) -> Station:
    (tmp_path / "station.toml").write_text(
        EXAMPLE.read_text(encoding="utf-8") + CONFIG.format(gtin=GTIN), encoding="utf-8"
    )
    (tmp_path / "certificates.csv").write_text(REGISTER, encoding="utf-8")
    station = open_station(load_config(tmp_path / "station.toml"), tmp_path / "data", clock)
    full = {"claim": "SFI 100% Certified Forest Content", "certificate": "SFI-100", "eudr": EUDR}
    part = {"claim": "SFI 60% Certified Forest Content", "certificate": "SFI-60", "eudr": EUDR}
    manifest = {
        "manifest_version": 1,
        "shipment_id": "SHP-7002",
        "direction": "inbound",
        "bill_of_lading": "BOL-700002",
        "seller": {"name": "North Forest AB", "id": "V-NORTH"},
        "seals": ["SL7000002"],
        "units": [
            _pallet(PALLETS[0], "L-A", full),
            _pallet(PALLETS[1], "L-B", full),
            _pallet(PALLETS[2], "L-C", part),
        ],
    }
    (tmp_path / "m.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert station.import_files([tmp_path / "m.json"]).imported == ("SHP-7002",)
    for text in ("B-1001", "BOL-700002", "SL7000002", *(f"]C100{p}" for p in PALLETS[:3])):
        assert station.recorder.handle(Scan(text, device="test")).durable
    return station


def _merge(station: Station, *lots: str) -> Any:
    operator = station.config.operator_by_badge("B-1001")
    assert operator is not None
    request = TransformRequest(
        TransformKind.MERGE, tuple((lot, Decimal(10)) for lot in lots), (Decimal(20),)
    )
    return station.lot_desk.transform(request, operator)


def _carried(station: Station, lot_id: str) -> dict[str, Any] | None:
    """The claim a made lot carries: the lowest of what went into it."""
    return mixture_claim(station.lots, [lot_id], station.config.claims)[0]


def test_merging_equal_claims_keeps_the_claim(tmp_path: Path, clock: Any) -> None:
    station = _open(tmp_path, clock)
    try:
        result = _merge(station, PALLETS[0], PALLETS[1])
        assert result.ok, result.message
        assert "NOTE" not in result.message
        claim = _carried(station, result.new_ids[0])
        assert claim is not None and claim["certified_share"] == "1"
    finally:
        station.close()


def test_merging_different_claims_gives_the_lowest_and_says_so(tmp_path: Path, clock: Any) -> None:
    station = _open(tmp_path, clock)
    try:
        result = _merge(station, PALLETS[0], PALLETS[2])
        assert result.ok, result.message
        assert "NOTE: inputs with different claims were mixed" in result.message
        assert "SFI 60% Certified Forest Content" in result.message
        claim = _carried(station, result.new_ids[0])
        assert claim is not None
        assert claim["certified_share"] == "0.6" and claim["claim"] == (
            "SFI 60% Certified Forest Content"
        )
        # and it travels on: a lot made from that lot keeps it
        again = _merge(station, result.new_ids[0], PALLETS[1])
        assert again.ok and (_carried(station, again.new_ids[0]) or {})["certified_share"] == "0.6"
    finally:
        station.close()


def test_a_declared_loss_enters_the_mass_balance(tmp_path: Path, clock: Any) -> None:
    station = _open(tmp_path, clock)
    try:
        operator = station.config.operator_by_badge("B-1001")
        assert operator is not None
        request = TransformRequest(
            TransformKind.REPACK,
            ((PALLETS[0], Decimal(10)),),
            (Decimal("9.95"),),
            loss=Decimal("0.05"),
        )
        result = station.lot_desk.transform(request, operator)
        assert result.ok, result.message
        ledger = build_ledger(station.claims.aggregates(), station.config.claims)
        (row,) = balance_rows(ledger, dict(station.config.claims.product_groups), Decimal(0))
        assert row.balance.losses == Decimal("0.05") and row.balance.closing == Decimal("29.95")
        assert row.balance.unexplained == 0
    finally:
        station.close()
