"""Receiving checks a line's declared origin: claims against the certificate register,
EUDR data for EUDR-relevant products, controversial sources (real SQLite file)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from biip.checksums import gs1_standard_check_digit

from station.bootstrap import Station, open_station
from station.config import load_config
from station.domain.events import EventKind
from station.domain.findings import FindingCode, Verdict
from station.domain.scanning.scan import Scan

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "station.example.toml"
GTIN = "09506000134352"
PALLETS = [
    body + str(gs1_standard_check_digit(body))
    for body in (f"0376130321109{n:04d}" for n in range(5))
]

CLAIMS = """
[claims]
certificate_register = "certificates.csv"
quarantine_unverified = {quarantine}
controversial_sources = ["Shady Timber Ltd"]
[claims.eudr]
product_groups = ["spf"]
[[claims.product_groups]]
name = "spf"
input_material = "SPF sawlogs"
unit = "t"
inputs = ["{gtin}"]
method = "percentage"
[[claims.product_groups.outputs]]
product = "LUMBER-A"
ratio = "2/1"
"""

REGISTER = """code,holder,scope,valid_from,valid_to,status
SFI-100,V-NORTH,spf,2026-01-01,2026-12-31,active
SFI-OLD,V-NORTH,spf,2024-01-01,2025-12-31,active
SFI-SUS,V-NORTH,spf,2026-01-01,2026-12-31,suspended
SFI-OTH,V-OTHER,spf,2026-01-01,2026-12-31,active
"""

EUDR = {
    "country": "SE",
    "geolocation": {"type": "Point", "coordinates": [18.06, 59.33]},
    "species": {"scientific": "Picea abies", "common": "Norway spruce"},
    "production": "2026-09-01",
    "dds_references": ["DDS-2026-0001"],
}


def _pallet(sscc: str, lot: str, origin: dict[str, Any] | None) -> dict[str, Any]:
    line: dict[str, Any] = {
        "gtin": GTIN,
        "lot": lot,
        "quantity": 10,
        "uom": "TNE",
        "vendor": "North Forest AB",
        "place_of_manufacture": {"city": "Umea", "country": "SE"},
        "date_of_manufacture": "2026-09-01",
    }
    if origin is not None:
        line["origin"] = origin
    return {"sscc": sscc, "packaging": "pallet", "contents": [line]}


def _manifest() -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "shipment_id": "SHP-7001",
        "direction": "inbound",
        "bill_of_lading": "BOL-700001",
        "seller": {"name": "North Forest AB", "id": "V-NORTH"},
        "seals": ["SL7000001"],
        "units": [
            _pallet(
                PALLETS[0],
                "L-OK",
                {
                    "claim": "SFI 100% Certified Forest Content",
                    "certificate": "SFI-100",
                    "eudr": EUDR,
                },
            ),
            _pallet(
                PALLETS[1],
                "L-EXP",
                {
                    "claim": "SFI 60% Certified Forest Content",
                    "certificate": "SFI-OLD",
                    "eudr": EUDR,
                },
            ),
            _pallet(
                PALLETS[2],
                "L-SUS",
                {
                    "claim": "SFI 100% Certified Forest Content",
                    "certificate": "SFI-SUS",
                    "eudr": EUDR,
                },
            ),
            _pallet(
                PALLETS[3],
                "L-NOEUDR",
                {
                    "claim": "SFI 100% Certified Forest Content",
                    "certificate": "SFI-100",
                    "eudr": {
                        "country": "SE",
                        "geolocation": {"type": "Point", "coordinates": [18, 99]},
                    },
                },
            ),
            _pallet(
                PALLETS[4],
                "L-OTH",
                {
                    "claim": "SFI 100% Certified Forest Content",
                    "certificate": "SFI-OTH",
                    "eudr": EUDR,
                },
            ),
        ],
    }


def _station(tmp_path: Path, clock: Any, *, quarantine: bool) -> Station:
    config_path = tmp_path / "station.toml"
    config_path.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + CLAIMS.format(quarantine=str(quarantine).lower(), gtin=GTIN),
        encoding="utf-8",
    )
    (tmp_path / "certificates.csv").write_text(REGISTER, encoding="utf-8")
    station = open_station(load_config(config_path), tmp_path / "data", clock)
    manifest = tmp_path / "logs.json"
    manifest.write_text(json.dumps(_manifest()), encoding="utf-8")
    assert station.import_files([manifest]).imported == ("SHP-7001",)
    for text in ("B-1001", "BOL-700001", "SL7000001"):
        recorded = station.recorder.handle(Scan(text, device="test"))
        assert recorded.durable and recorded.outcome.verdict is not Verdict.REJECT, recorded
    return station


@pytest.fixture(params=[False, True], ids=["warn", "quarantine"])
def st(request: pytest.FixtureRequest, tmp_path: Path, clock: Any) -> Iterator[Station]:
    station = _station(tmp_path, clock, quarantine=request.param)
    yield station
    station.close()


def _scan(st: Station, sscc: str) -> tuple[Verdict, list[FindingCode], str]:
    recorded = st.recorder.handle(Scan(f"]C100{sscc}", device="test"))
    assert recorded.durable
    outcome = recorded.outcome
    text = " ".join(f.message for f in outcome.findings)
    return outcome.verdict, [f.code for f in outcome.findings], text


def _claims_of(st: Station, sscc: str) -> list[dict[str, Any]]:
    for stored in st.log.events(kinds=[EventKind.UNIT_RECEIVED]):
        if stored.event.payload["unit_id"] == sscc:
            return list(stored.event.payload["claims"])
    raise AssertionError(sscc)


def test_a_verified_claim_with_complete_eudr_data_is_accepted_as_certified(st: Station) -> None:
    verdict, codes, _ = _scan(st, PALLETS[0])
    assert verdict is Verdict.ACCEPT and codes == []
    [claim] = _claims_of(st, PALLETS[0])
    assert claim["verified"] and claim["category"] == "certified"
    assert claim["certified_share"] == "1" and claim["group"] == "spf"


@pytest.mark.parametrize(
    ("index", "reason"),
    [(1, "certificate SFI-OLD expired on 2025-12-31"), (2, "certificate SFI-SUS is suspended")],
)
def test_an_unverified_claim_counts_as_other_material_and_holds_if_configured(
    st: Station, index: int, reason: str
) -> None:
    verdict, codes, text = _scan(st, PALLETS[index])
    assert codes == [FindingCode.CLAIM_NOT_VERIFIED]
    assert reason in text and "counted as other raw material" in text
    quarantines = st.workflow.settings.claims.quarantine_unverified
    assert verdict is (Verdict.QUARANTINE if quarantines else Verdict.ACCEPT)
    [claim] = _claims_of(st, PALLETS[index])
    assert not claim["verified"] and claim["category"] == "other"
    assert claim["certified_share"] == "0"


def test_missing_or_malformed_eudr_data_holds_the_unit_naming_what_is_missing(
    st: Station,
) -> None:
    verdict, codes, text = _scan(st, PALLETS[3])
    assert verdict is Verdict.QUARANTINE and codes == [FindingCode.MISSING_EUDR_DATA]
    assert "latitude 99 is out of range" in text
    assert "species is missing its scientific name" in text
    assert "production date or period is missing" in text


def test_a_certificate_held_by_another_supplier_is_not_verified(st: Station) -> None:
    _, codes, text = _scan(st, PALLETS[4])
    assert codes == [FindingCode.CLAIM_NOT_VERIFIED]
    assert "held by 'V-OTHER', not by the supplier" in text
