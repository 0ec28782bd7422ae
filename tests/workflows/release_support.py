"""Helpers for release tests: a received and transformed stock, outbound orders, scans."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from station.bootstrap import Station
from station.domain.lots.transform_plan import TransformKind
from station.domain.operators import Operator
from station.domain.scanning.scan import Scan
from station.workflows.lots import TransformRequest
from station.workflows.recorder import Recorded

P1, P2, P3 = "006141412610010016", "006141412610010023", "006141412610010030"
GTIN = "00614141550012"
"""GTIN of the 550 W modules on SHP-1001's pallets (31 per pallet)."""
GTIN_580 = "00614141580026"
RISKY = "073500532610040026"
"""SHP-1004's pallet made in CN-XJ: quarantined at receiving."""
MIXED = "073500532610050025"
"""SHP-1005's pallet of two lots, one without vendor and date of manufacture."""
NOT_ARRIVED = "006141412610020015"
"""A pallet of SHP-1002 that is expected but never received."""
SEAL, BOL = "SL0050001", "BOL-880001"


def receive(station: Station, *texts: str) -> list[Recorded]:
    results = [station.recorder.handle(Scan(text)) for text in texts]
    assert all(r.durable for r in results)
    return results


def release(station: Station, *texts: str) -> list[Recorded]:
    results = [station.release_recorder.handle(Scan(text)) for text in texts]
    assert all(r.durable for r in results), [r.outcome.headline for r in results]
    return results


def verdicts(results: list[Recorded]) -> list[str]:
    return [r.outcome.verdict.value for r in results]


def codes(result: Recorded) -> list[str]:
    return [f.code.value for f in result.outcome.findings]


def ana(station: Station) -> Operator:
    operator = station.config.operator_by_badge("B-1001")
    assert operator is not None
    return operator


def transform(
    station: Station,
    kind: TransformKind,
    parents: tuple[tuple[str, int], ...],
    outputs: tuple[int, ...] = (),
) -> tuple[str, ...]:
    result = station.lot_desk.transform(
        TransformRequest(
            kind,
            tuple((lot, Decimal(q)) for lot, q in parents),
            tuple(Decimal(q) for q in outputs),
        ),
        ana(station),
    )
    assert result.ok, result.message
    return result.new_ids


def label(lot: str, gtin: str = GTIN) -> str:
    """GS1-128 label of a lot: GTIN and lot."""
    return f"]C101{gtin}10{lot}"


def pallet_label(sscc: str) -> str:
    return f"]C100{sscc}"


def lot_unit(lot: str, quantity: int, gtin: str = GTIN, **line: Any) -> dict[str, Any]:
    return {
        "packaging": "carton",
        "contents": [{"gtin": gtin, "lot": lot, "quantity": quantity, **line}],
    }


def sscc_unit(sscc: str, quantity: int, gtin: str = GTIN) -> dict[str, Any]:
    return {"sscc": sscc, "packaging": "pallet", "contents": [{"gtin": gtin, "quantity": quantity}]}


def order_manifest(shipment_id: str, units: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "shipment_id": shipment_id,
        "direction": "outbound",
        "purchase_orders": ["PO-56001"],
        "seller": {"name": "Example Solar Works", "id": "8930000000019"},
        "buyer": {"name": "Delta Solar Farms", "id": "8930000000026"},
        "carrier": "Mekong Haulage",
        "units": units,
        **fields,
    }


def import_order(
    station: Station, shipment_id: str, units: list[dict[str, Any]], **fields: Any
) -> Path:
    path = station.data_dir.parent / f"order-{shipment_id}.json"
    path.write_text(json.dumps(order_manifest(shipment_id, units, **fields)), encoding="utf-8")
    result = station.import_files([path])
    assert result.imported == (shipment_id,), result
    return path


@dataclass(frozen=True)
class Stock:
    """SHP-1001 received clean; P1 split into L1 (15) and L2 (16); P2 and P3 palletised."""

    station: Station
    l1: str
    l2: str
    pallet: str


def make_stock(station: Station) -> Stock:
    receive(station, "B-1001", "BOL-778001", "SL0041871", f"00{P1}", f"00{P2}", f"00{P3}")
    receive(station, "#CLOSE", "#LOGOUT")
    l1, l2 = transform(station, TransformKind.SPLIT, ((P1, 31),), (15, 16))
    (pallet,) = transform(station, TransformKind.PALLETISE, ((P2, 31), (P3, 31)))
    return Stock(station, l1, l2, pallet)


def shipped_lots(station: Station) -> list[str]:
    rows = station.log.connection.execute("SELECT lot_id FROM lots WHERE status = 'shipped'")
    return sorted(r[0] for r in rows)
