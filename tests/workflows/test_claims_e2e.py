"""Claims end to end: two certified suppliers and an expired certificate, receipts over
four months, a merge that mixes them, a release that writes the claims the inputs back
(and refuses one the credit account cannot), and a second station that imports the
outbound manifest and starts its own claims from it. Real SQLite files throughout."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from biip.checksums import gs1_standard_check_digit

from station.bootstrap import Station, open_station
from station.config import load_config
from station.domain.claims.ledger import LEDGER_KINDS, build_ledger, ledger_of_events
from station.domain.claims.report import claims_rows
from station.domain.events import EventKind
from station.domain.lots.transform_plan import TransformKind
from station.domain.manifest.json_format import parse_manifest_json
from station.services.provenance_report import build_report, render_html
from station.services.trace import render_text, trace
from tests.workflows.release_support import (
    import_order,
    label,
    lot_unit,
    receive,
    release,
    transform,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "station.example.toml"
GTIN = "09506000134352"
SITE_A = "8930000000019"  # the seller id release_support's orders carry


def sscc(n: int) -> str:
    body = f"0376130321109{n:04d}"
    return body + str(gs1_standard_check_digit(body))


def eudr(n: int) -> dict[str, Any]:
    return {
        "country": "SE",
        "geolocation": {"type": "Point", "coordinates": [18.0 + n / 100, 59.3]},
        "species": {"scientific": "Picea abies", "common": "Norway spruce"},
        "production": f"2026-0{n}-01",
        "dds_references": [f"DDS-{n}"],
    }


def config(tmp: Path, *, method: str, certificate: str, register: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "certificates.csv").write_text(
        "code,holder,scope,valid_from,valid_to,status\n" + register, encoding="utf-8"
    )
    text = f"""
[claims]
certificate = "{certificate}"
certificate_register = "certificates.csv"
[claims.eudr]
product_groups = ["spf"]
[[claims.product_groups]]
name = "spf"
input_material = "SPF sawlogs"
unit = "t"
inputs = ["{GTIN}"]
method = "{method}"
rolling_periods = 3
[[claims.product_groups.outputs]]
product = "{GTIN}"
ratio = "1/1"
"""
    path = tmp / "station.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def inbound(shipment: str, bol: str, seal: str, seller: tuple[str, str], units: list[Any]) -> Any:
    return {
        "manifest_version": 1,
        "shipment_id": shipment,
        "direction": "inbound",
        "bill_of_lading": bol,
        "seller": {"name": seller[0], "id": seller[1]},
        "seals": [seal],
        "units": units,
    }


def pallet(n: int, lot: str, vendor: str, origin: dict[str, Any]) -> dict[str, Any]:
    return {
        "sscc": sscc(n),
        "packaging": "pallet",
        "contents": [
            {
                "gtin": GTIN,
                "lot": lot,
                "quantity": 10,
                "uom": "TNE",
                "vendor": vendor,
                "place_of_manufacture": {"city": "Umea", "country": "SE"},
                "date_of_manufacture": "2026-07-01",
                "origin": origin,
            }
        ],
    }


REGISTER_A = (
    "SFI-N,V-NORTH,spf,2026-01-01,2027-12-31,active\n"
    "SFI-S,V-SOUTH,spf,2026-01-01,2027-12-31,active\n"
    "SFI-X,V-SOUTH,spf,2025-01-01,2025-12-31,active\n"
)


def _claim(text: str, certificate: str) -> Any:
    def origin(n: int) -> dict[str, Any]:
        return {"claim": text, "certificate": certificate, "eudr": eudr(n)}

    return origin


def station_a(tmp: Path, clock: Any, method: str) -> Station:
    st = open_station(
        load_config(config(tmp, method=method, certificate="SFI-SITE-A", register=REGISTER_A)),
        tmp / "data",
        clock,
    )
    north = ("North Forest AB", "V-NORTH")
    south = ("South Woods AB", "V-SOUTH")
    full = _claim("SFI 100% Certified Forest Content", "SFI-N")
    part = _claim("SFI 60% Certified Forest Content", "SFI-S")
    expired = {
        "claim": "SFI 100% Certified Forest Content",
        "certificate": "SFI-X",
        "eudr": eudr(9),
    }
    deliveries = [
        (8, inbound("SHP-8001", "BOL-800001", "SL8000001", north, [pallet(1, "N-1", north[0], full(1))])),
        (9, inbound("SHP-8002", "BOL-800002", "SL8000002", south, [pallet(2, "S-1", south[0], part(2))])),
        (10, inbound("SHP-8003", "BOL-800003", "SL8000003", south, [pallet(3, "X-1", south[0], expired)])),
        (11, inbound("SHP-8004", "BOL-800004", "SL8000004", north, [pallet(4, "N-2", north[0], full(4))])),
    ]  # fmt: skip
    for month, manifest in deliveries:
        clock.current = dt.datetime(2026, month, 10, 8, 0, tzinfo=dt.UTC)
        path = tmp / f"{manifest['shipment_id']}.json"
        path.write_text(json.dumps(manifest), encoding="utf-8")
        assert st.import_files([path]).imported == (manifest["shipment_id"],)
        unit = manifest["units"][0]["sscc"]
        results = receive(st, "B-1001", manifest["bill_of_lading"], manifest["seals"][0],
                          f"]C100{unit}", "#CLOSE", "#LOGOUT")  # fmt: skip
        assert results[3].outcome.verdict.value == "accept", results[3].outcome.headline
    return st


def test_a_mixed_lot_ships_with_the_lowest_claim_and_a_second_station_starts_from_it(
    tmp_path: Path, clock: Any
) -> None:
    a = station_a(tmp_path / "a", clock, "physical_separation")
    try:
        (mixed,) = transform(a, TransformKind.MERGE, ((sscc(1), 10), (sscc(2), 10)), (20,))
        import_order(a, "SHP-2001", [lot_unit(mixed, 20, gtin=GTIN, uom="TNE")])
        done = release(
            a, "B-1002", "SHP-2001", label(mixed, GTIN), "SL0050001", "BOL-880001", "#CLOSE"
        )
        assert done[-1].outcome.headline.startswith("RELEASED"), done[-1].outcome.details
        outbound = a.data_dir / "outbound" / "SHP-2001.json"
        report = build_report(a, mixed)
        assert report is not None
        claims = report["claims"]
        assert claims["carried"]["claim"] == "SFI 60% Certified Forest Content"
        assert {i["lot_id"]: i["claim"] for i in claims["inputs"]} == {
            sscc(1): "SFI 100% Certified Forest Content",
            sscc(2): "SFI 60% Certified Forest Content",
        }
        assert [i["eudr"]["dds_references"] for i in claims["inputs"]] == [["DDS-1"], ["DDS-2"]]
        page = render_html(report)
        assert "Category of origin and EUDR data" in page and "DDS-2" in page
        tree = trace(a.lots, a.view, mixed)
        assert tree is not None
        text = render_text(tree)
        assert "claim: SFI 60% Certified Forest Content (verified; group spf)" in text
        assert "EUDR: produced in SE, due-diligence statements DDS-1" in text
    finally:
        a.close()
    (shipped,) = parse_manifest_json(outbound.read_text(encoding="utf-8"), "out").manifests
    (line,) = shipped.units[0].contents
    assert line.origin is not None
    assert line.origin.claim == "SFI 60% Certified Forest Content"  # the lowest of 100% and 60%
    assert line.origin.certificate == "SFI-SITE-A"
    data = line.origin.eudr or {}
    assert data["claim"] == "Supporting EUDR Information Collection"
    assert data["dds_references"] == ["DDS-1", "DDS-2"]
    assert len(data["geolocation"]["features"]) == 2
    assert data["production"] == {"from": "2026-01-01", "to": "2026-02-01"}

    # Station B: A's certificate in its register, A's outbound manifest as its delivery.
    register_b = f"SFI-SITE-A,{SITE_A},spf,2026-01-01,2027-12-31,active\n"
    b = open_station(
        load_config(config(tmp_path / "b", method="percentage", certificate="SFI-B",
                           register=register_b)),
        tmp_path / "b" / "data",
        clock,
    )  # fmt: skip
    try:
        assert b.import_files([outbound]).imported == ("SHP-2001",)
        results = receive(b, "B-1001", "SHP-2001", "SL0050001", label(mixed, GTIN))
        assert results[-1].outcome.verdict.value == "accept", results[-1].outcome.headline
        ledger = build_ledger(b.claims.aggregates(with_events=True), b.config.claims)
        # The projection and the rule applied to the log directly agree.
        assert ledger == ledger_of_events(b.log.events(kinds=LEDGER_KINDS), b.config.claims)
        (row,) = claims_rows(ledger, dict(b.config.claims.product_groups))
        assert (row.certified, row.other) == (12, 8)  # 60% of 20 t
        assert row.percent is not None and str(row.percent) == "60.00"
    finally:
        b.close()


def test_a_percentage_group_ships_its_period_percentage(tmp_path: Path, clock: Any) -> None:
    a = station_a(tmp_path, clock, "percentage")
    try:
        import_order(a, "SHP-2002", [{"sscc": sscc(4), "packaging": "pallet",
                                      "contents": [{"gtin": GTIN, "quantity": 10, "uom": "TNE"}]}])  # fmt: skip
        done = release(
            a, "B-1002", "SHP-2002", f"]C100{sscc(4)}", "SL0050001", "BOL-880001", "#CLOSE"
        )
        assert done[-1].outcome.headline.startswith("RELEASED"), done[-1].outcome.details
        (event,) = [s.event for s in a.log.events(kinds=[EventKind.RELEASE_COMPLETED])]
        assert event.payload["claims"] == [{"group": "spf", "input_quantity": "10"}]
    finally:
        a.close()
    (line,) = event.payload["manifest"]["units"][0]["contents"]
    # Rolling three months to November: Sept 6 + Oct 0 + Nov 10 certified of 30 t = 53.33%
    assert line["origin"]["claim"] == "SFI 53% Certified Forest Content"


def test_a_credit_release_the_account_cannot_cover_is_refused(tmp_path: Path, clock: Any) -> None:
    a = station_a(tmp_path, clock, "credit")
    try:
        (p1, p2, p3, p4) = (sscc(n) for n in (1, 2, 3, 4))
        units = [{"sscc": s, "packaging": "pallet", "contents": [{"gtin": GTIN, "quantity": 10, "uom": "TNE"}]}
                 for s in (p1, p2, p3, p4)]  # fmt: skip
        import_order(a, "SHP-2003", units)
        done = release(a, "B-1002", "SHP-2003", *(f"]C100{s}" for s in (p1, p2, p3, p4)),
                       "SL0050001", "BOL-880001", "#CLOSE")  # fmt: skip
        refused = done[-1].outcome
        assert refused.verdict.value == "reject"
        # Credits: 10 + 6 + 0 (expired) + 10 = 26 t; 40 t asked.
        assert [f.code.value for f in refused.findings] == ["INSUFFICIENT_CREDITS"]
        assert "claims 40 t" in refused.findings[0].message
        assert "which holds 26" in refused.findings[0].message
    finally:
        a.close()
