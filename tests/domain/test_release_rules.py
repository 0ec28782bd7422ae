"""Release rules as pure functions, the outbound manifest's provenance, and the site identity."""

from __future__ import annotations

import datetime as dt
import doctest
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import station.workflows.gate
from station.domain.checks.release import (
    LabelRecord,
    LotFacts,
    check_label,
    lot_problem,
    unit_findings,
)
from station.domain.checks.release_order import check_bill_of_lading, check_order, check_seals
from station.domain.lots.provenance import ProvenanceProblem, ProvenanceProblemCode
from station.domain.manifest.model import (
    ContentLine,
    Direction,
    Manifest,
    Place,
    Unit,
    UpstreamLot,
)
from station.domain.manifest.outbound import SiteIdentity, outbound_manifest
from station.domain.manifest.reading import parse_manifest_csv, parse_manifest_json
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "config" / "manifest.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
GTIN = "00614141550012"
OK = LotFacts("L1", kind="produced", status="available")


def test_gate_doctests() -> None:
    # The domain modules' examples run in test_doctests.py.
    result = doctest.testmod(station.workflows.gate)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        (LotFacts("X"), "unknown here: never received or made at this site"),
        (LotFacts("X", receiving_status="expected"), "expected: expected in a shipment but never received"),
        (LotFacts("X", kind="received", status="quarantined"), "quarantined"),
        (LotFacts("X", kind="received", status="rejected"), "rejected"),
        (LotFacts("X", kind="produced", status="consumed"), "consumed"),
        (LotFacts("X", kind="received", status="available", receiving_status="quarantined"), "quarantined"),
        (LotFacts("X", kind="produced", status="available", holds=("unit on hold (X)",)), "on hold: unit on hold (X)"),
        (LotFacts("X", kind="produced", status="available", open_release="RL-1"), "already scanned into release RL-1, which is still open"),
        (LotFacts("X", kind="received-line", status="consumed"), "one content line of a received pallet, not a unit: scan the pallet"),
        (LotFacts("X", kind="received", status="available", receiving_status="accepted"), None),
        (OK, None),
    ],
)  # fmt: skip
def test_lot_problem_names_the_state(facts: LotFacts, state: str | None) -> None:
    assert lot_problem(facts) == state
    found = unit_findings("X", facts)
    assert [f.code.value for f in found] == ([] if state is None else ["NOT_RELEASABLE"])
    if state is not None:
        assert found[0].found == state and found[0].severity.value == "refusal"


def test_already_shipped_says_where_and_nothing_else() -> None:
    facts = LotFacts("X", kind="produced", status="shipped", shipped_on="SHP-2001")
    (finding,) = unit_findings("X", facts, inputs=[LotFacts("P", status="quarantined")])
    assert finding.code.value == "ALREADY_SHIPPED"
    assert finding.message == "Unit X was already shipped on SHP-2001: it cannot ship twice"


def test_every_held_input_is_named_once_with_its_state() -> None:
    inputs = [
        LotFacts("B", kind="received", status="consumed", receiving_status="rejected"),
        LotFacts("A", kind="received", status="consumed", holds=("shipment S on hold (SEAL_MISMATCH)",)),
        LotFacts("C", kind="produced", status="consumed"),
        LotFacts("D", kind="produced", status="quarantined"),
    ]  # fmt: skip
    found = unit_findings("L1", OK, inputs=inputs)
    assert [(f.code.value, f.found) for f in found] == [
        ("QUARANTINED_INPUT", "A: on hold: shipment S on hold (SEAL_MISMATCH)"),
        ("QUARANTINED_INPUT", "B: rejected"),
        ("QUARANTINED_INPUT", "D: quarantined"),
    ]


def test_incomplete_trace_names_the_missing_link_and_the_fields() -> None:
    link = ProvenanceProblem(ProvenanceProblemCode.MISSING_LINK, "Lot 'P' is neither ...", "P")
    found = unit_findings(
        "L1", OK, trace_problems=[link], data_gaps=[("R1", ["vendor", "date_of_manufacture"]), ("R2", [])]
    )  # fmt: skip
    assert [f.code.value for f in found] == ["INCOMPLETE_TRACE", "INCOMPLETE_TRACE"]
    assert found[0].found == "MISSING_LINK at P"
    assert found[1].message == (
        "Unit L1 was made from received lot R1, which lacks moving data: vendor, date_of_manufacture"
    )


def line(gtin: str | None = GTIN, quantity: int | None = 10, uom: str = "EA") -> ContentLine:
    return ContentLine(gtin=gtin, quantity=None if quantity is None else Decimal(quantity), uom=uom)


def test_check_order_units_and_quantities() -> None:
    assert (
        check_order(
            "O",
            ordered_units=["A", "B"],
            released_units=["B", "A"],
            ordered_lines=[line(quantity=5), line(quantity=5)],
            released_lines=[line(quantity=10)],
        )
        == []
    )
    found = check_order(
        "O",
        ordered_units=["A", "B"],
        released_units=["A", "C"],
        ordered_lines=[line(quantity=10), line("00614141580026", 3)],
        released_lines=[line(quantity=7), line("09506000134352", 1)],
    )
    assert [f.message for f in found] == [
        "Order O: 1 of 2 ordered unit(s) not released: B",
        "Order O: 1 unit(s) more than ordered: C",
        f"Order O: product GTIN {GTIN} ordered 10 EA, releasing 7 EA",
        "Order O: product GTIN 00614141580026 ordered 3 EA, releasing 0 EA",
        "Order O: product GTIN 09506000134352 ordered 0 EA, releasing 1 EA",
    ]
    assert {f.code.value for f in found} == {"QUANTITY_MISMATCH"}


def test_check_order_skips_products_without_ordered_quantities() -> None:
    found = check_order(
        "O",
        ordered_units=["A"],
        released_units=["A"],
        ordered_lines=[line(quantity=None)],
        released_lines=[line(quantity=99)],
    )
    assert found == []


def test_seals_and_bill_of_lading() -> None:
    assert [f.code.value for f in check_seals("O", [], [])] == ["SEAL_MISSING"]
    assert check_seals("O", [], ["S1"]) == []
    (missing,) = check_seals("O", ["S1", "S2"], ["S1"])
    assert missing.message == "Order O: seal S2 named on the order was not applied"
    assert [f.code.value for f in check_bill_of_lading("O", None)] == ["MISSING_MOVING_DATA"]
    assert check_bill_of_lading("O", "BOL-1") == []


def gs1(text: str) -> Gs1Code:
    code = classify(text)
    assert isinstance(code, Gs1Code)
    return code


def test_check_label_compares_only_what_the_record_knows() -> None:
    record = LabelRecord(gtins=frozenset({GTIN}), lots=frozenset({"L1"}))
    assert check_label(gs1(f"]C101{GTIN}10L1"), record) == []
    assert check_label(gs1(f"]C101{GTIN}21S9"), record) == []  # no serial on record
    (wrong,) = check_label(gs1(f"]C101{GTIN}10L2"), record)
    assert wrong.code.value == "LABEL_MISMATCH" and (wrong.expected, wrong.found) == ("L1", "L2")


@pytest.mark.parametrize(
    ("site", "name", "city", "country"),
    [
        ("Example Solar Works, Ho Chi Minh City, VN", "Example Solar Works", "Ho Chi Minh City", "VN"),
        ("Works, Plant 2, Kulim, my", "Works", "Plant 2, Kulim", "MY"),
        ("Works, Somewhere", "Works", "Somewhere", None),
        ("  ", "unnamed site", None, None),
    ],
)  # fmt: skip
def test_site_identity(site: str, name: str, city: str | None, country: str | None) -> None:
    identity = SiteIdentity.parse(site)
    assert (identity.name, identity.place.city, identity.place.country) == (name, city, country)


UPSTREAM = UpstreamLot(
    lot_id="006141412610010016",
    gtin=GTIN,
    lot="SM550-2609A",
    vendor="Sao Mai Solar Manufacturing JSC",
    place_of_manufacture=Place(city="Bac Giang", country="VN", region="VN-54"),
    date_of_manufacture=dt.date(2026, 9, 14),
    shipment_id="SHP-1001",
)


def shipped() -> Manifest:
    order = Manifest(1, "SHP-2001", Direction.OUTBOUND, purchase_orders=("PO-56001",))
    made = ContentLine(
        gtin=GTIN,
        lot="HCM26327-0001",
        quantity=Decimal(15),
        vendor="Example Solar Works",
        place_of_manufacture=Place(facility="Example Solar Works", country="VN"),
        date_of_manufacture=dt.date(2026, 11, 23),
        provenance=(UPSTREAM,),
    )
    return outbound_manifest(
        order,
        units=(Unit(None, "carton", (made,)),),
        seals=("SL0050001",),
        bill_of_lading="BOL-880001",
        site=SiteIdentity.parse("Example Solar Works, Ho Chi Minh City, VN"),
        notes="test",
    )


def test_outbound_manifest_round_trips_with_provenance_and_matches_the_schema() -> None:
    manifest = shipped()
    assert manifest.direction is Direction.INBOUND
    assert manifest.seller is not None and manifest.seller.name == "Example Solar Works"
    data = manifest.as_dict()
    VALIDATOR.validate(data)
    (again,) = parse_manifest_json(json.dumps(data), "out.json").manifests
    assert again == manifest
    assert again.units[0].contents[0].provenance == (UPSTREAM,)


def test_provenance_problems_are_reported_with_their_path() -> None:
    data: dict[str, Any] = shipped().as_dict()
    entry = data["units"][0]["contents"][0]["provenance"][0]
    entry["lot_id"] = None
    entry["gtin"] = "0614141550013"
    entry["vendr"] = "x"
    parsed = parse_manifest_json(json.dumps(data), "bad.json")
    assert not parsed.manifests
    at = "$.units[0].contents[0].provenance[0]"
    assert [p.where for p in parsed.problems] == [f"{at}.vendr", f"{at}.lot_id", f"{at}.gtin"]
    assert "did you mean 'vendor'?" in parsed.problems[0].message
    data["units"][0]["contents"][0]["provenance"] = "SHP-1001"
    (problem,) = parse_manifest_json(json.dumps(data), "bad.json").problems
    assert problem.message.startswith("Invalid provenance 'SHP-1001': expected a list")


def test_csv_manifests_carry_no_provenance() -> None:
    text = "shipment_id,direction,sscc,packaging,gtin,lot\nS,inbound,,carton,0614141550012,L1\n"
    (manifest,) = parse_manifest_csv(text, "m.csv").manifests
    assert manifest.units[0].contents[0].provenance == ()
