"""Shared by the EPCIS tests: the corpus schema's validator and a busy, real event log."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from station.bootstrap import Station
from station.domain.events import StoredEvent
from station.domain.lots.transform_plan import TransformKind
from station.sync.epcis import EpcisSettings
from station.workflows.quarantine import Credentials, Decision, Disposition
from tests.workflows.release_support import (
    BOL,
    P1,
    P2,
    P3,
    SEAL,
    import_order,
    label,
    lot_unit,
    pallet_label,
    receive,
    release,
    sscc_unit,
    transform,
)

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("STATION_SHARED") or REPO.parent / "shared")
EPCIS_CORPUS = SHARED / "corpus" / "epcis"
SCHEMA = EPCIS_CORPUS / "EPCIS-JSON-Schema.json"
needs_corpus = pytest.mark.skipif(
    not SCHEMA.is_file(),
    reason=f"EPCIS corpus not found at {EPCIS_CORPUS} (set STATION_SHARED to the shared dir)",
)

SUPERVISOR = Credentials("B-2001", "2468")
RISKY = "073500532610040026"
WRONG_SEAL_PALLETS = ("006141412610020015", "006141412610020022")


@cache
def validator() -> Draft7Validator:
    """Draft 7 with the format checker that really checks ``uri`` (rfc3986-validator)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def errors(document: Any) -> list[str]:
    """Every schema error of `document`, as ``path: message``."""
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator().iter_errors(document)
    ]


def settings_for(station: Station) -> EpcisSettings:
    return EpcisSettings(
        station_id=station.config.station_id,
        site=station.config.identifiers.site_code,
        read_point="8930000000019/DOCK-1",
        biz_location="8930000000019",
        time_zone_offset="+07:00",
    )


def busy_log(station: Station) -> list[StoredEvent]:
    """Drive the real workflows through every kind of thing the docks record."""
    # Receiving: a clean shipment with a unit undone and scanned again.
    receive(station, "B-1001", "BOL-778001", "SL0041871", f"00{P1}", "#UNDO", f"00{P1}")
    receive(station, f"00{P2}", f"00{P3}", "#CLOSE")
    # A wrong seal holds the shipment; a damaged pallet; a seal undo is refused but recorded.
    receive(station, "BOL-778002", "SL0041913", f"00{WRONG_SEAL_PALLETS[0]}", "#DAMAGED")
    receive(station, "#CLOSE")
    # A risky origin, held and then released by a supervisor; an unexpected pallet rejected.
    receive(station, "BOL-778004", "SL0042001", f"00{RISKY}", "#CLOSE")
    receive(station, "BOL-778003", "SL0041950", "00006141412610030038", "#CLOSE", "#LOGOUT")
    desk = station.quarantine
    desk.decide(Decision.NOTE, "unit", RISKY, SUPERVISOR, "asked the mill for its certificate")
    desk.decide(
        Decision.RELEASE,
        "unit",
        RISKY,
        SUPERVISOR,
        "Mill certificate MC-88 shows the wafers came from Norway",
        evidence="MC-88",
    )
    desk.decide(
        Decision.REJECT,
        "unit",
        "006141412610030038",
        SUPERVISOR,
        "not ordered, no papers",
        disposition=Disposition.RETURN_TO_VENDOR,
    )
    # New lots: a split, a merge back, a repack, a pallet.
    l1, l2 = transform(station, TransformKind.SPLIT, ((P1, 31),), (15, 16))
    (merged,) = transform(station, TransformKind.MERGE, ((l1, 5), (l2, 6)), (11,))
    (repacked,) = transform(station, TransformKind.REPACK, ((merged, 11),), (11,))
    (pallet,) = transform(station, TransformKind.PALLETISE, ((P2, 31), (P3, 31)))
    # A release: order, a unit taken off, seals, bill of lading, completed.
    import_order(station, "SHP-2001", [lot_unit(l1, 10), sscc_unit(pallet, 62)])
    release(station, "B-1002", "SHP-2001", label(l1), label(l2), "#UNDO", pallet_label(pallet))
    release(station, SEAL, BOL, "#CLOSE", "#LOGOUT")
    assert repacked and Decimal(1)
    return list(station.log.events())
