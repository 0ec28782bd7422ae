"""The receiving workflow end to end on a real SQLite file: every finding code and verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.bootstrap import Station, open_station
from station.config import StationConfig
from station.domain.findings import FindingCode, Verdict
from station.domain.scanning.scan import Scan
from station.ports import SealStatus, UnitStatus
from station.workflows.recorder import Recorded

P1, P2, P3, EXTRA, OTHER = (
    "037613032110910348",
    "037613032110910355",
    "037613032110910362",
    "037613032110910379",
    "037613032110910386",
)
GTIN = "09506000134352"
GTIN_B = "09506000134369"


def content(lot: str, **overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "gtin": GTIN,
        "lot": lot,
        "quantity": 720,
        "uom": "EA",
        "vendor": "Sunrise Modules JSC",
        "place_of_manufacture": {"facility": "Plant 2", "city": "Bac Ninh", "country": "VN"},
        "date_of_manufacture": "2026-10-01",
    }
    line.update(overrides)
    return line


def manifest(shipment_id: str, bol: str, seal: str, units: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "shipment_id": shipment_id,
        "direction": "inbound",
        "bill_of_lading": bol,
        "purchase_orders": ["PO-" + shipment_id[-5:]],
        "seller": {"name": "Sunrise Modules JSC"},
        "buyer": {"name": "Example Solar Works"},
        "seals": [seal],
        "units": units,
    }


@pytest.fixture
def st(tmp_path: Path, config: StationConfig, clock: Any) -> Iterator[Station]:
    station = open_station(config, tmp_path / "data", clock)
    docs = [
        manifest(
            "SHP-2001",
            "BOL-900001",
            "SL1000001",
            [
                {"sscc": P1, "packaging": "pallet", "contents": [content("L-1")]},
                {"sscc": P2, "packaging": "pallet", "contents": [content("L-2")]},
                {"sscc": P3, "packaging": "pallet", "contents": [content("L-3", vendor=None)]},
                {"packaging": "box", "contents": [content("L-9", gtin=GTIN_B, serial="SN-1")]},
            ],
        ),
        manifest(
            "SHP-2002",
            "BOL-900002",
            "SL1000002",
            [
                {
                    "sscc": OTHER,
                    "packaging": "pallet",
                    "contents": [
                        content(
                            "L-7",
                            place_of_manufacture={
                                "city": "Hotan",
                                "country": "CN",
                                "region": "CN-XJ",
                            },
                        )
                    ],
                }
            ],
        ),
    ]
    for doc in docs:
        for unit in doc["units"]:
            for line in unit["contents"]:
                for key in [k for k, v in line.items() if v is None]:
                    del line[key]
    path = tmp_path / "manifests.json"
    path.write_text(json.dumps(docs), encoding="utf-8")
    result = station.import_files([path])
    assert result.imported == ("SHP-2001", "SHP-2002")
    yield station
    station.close()


def scan(st: Station, text: str) -> Recorded:
    recorded = st.recorder.handle(Scan(text, device="test"))
    assert recorded.durable
    return recorded


def codes(recorded: Recorded) -> list[FindingCode]:
    return [f.code for f in recorded.outcome.findings]


def start(st: Station, document: str = "BOL-900001") -> None:
    assert scan(st, "B-1001").outcome.verdict is Verdict.INFO
    assert scan(st, document).outcome.verdict is Verdict.INFO


def test_scans_before_login_are_refused_and_recorded(st: Station) -> None:
    before = st.log.count()
    r = scan(st, "BOL-900001")
    assert r.outcome.verdict is Verdict.REJECT
    assert codes(r) == [FindingCode.NOT_LOGGED_IN]
    assert st.log.count() == before + 1  # the scan itself is evidence


def test_unknown_badge_and_expired_training_are_refused_with_reason(st: Station) -> None:
    r = scan(st, "B-9999")
    assert codes(r) == [FindingCode.UNKNOWN_OPERATOR]
    r = scan(st, "B-1003")
    assert r.outcome.verdict is Verdict.REJECT
    assert codes(r) == [FindingCode.NOT_QUALIFIED]
    assert "training expired on 2025-05-01" in r.outcome.headline
    assert st.workflow.operator is None


def test_clean_receipt_accepts_every_unit_and_closes_clean(st: Station) -> None:
    start(st)
    r = scan(st, "SL1000001")
    assert r.outcome.verdict is Verdict.ACCEPT
    for sscc in (P1, P2):
        r = scan(st, f"]C100{sscc}")
        assert r.outcome.verdict is Verdict.ACCEPT, r.outcome.headline
    assert r.outcome.headline == f"Accepted {P2} (SHP-2001 2/4)"
    r = scan(st, f"]d201{GTIN_B}21SN-1\x1d10L-9")
    assert r.outcome.verdict is Verdict.ACCEPT, r.outcome.headline
    assert st.view.unit(f"01:{GTIN_B}/21:SN-1").status is UnitStatus.ACCEPTED  # type: ignore[union-attr]


def test_every_event_carries_the_operator(st: Station) -> None:
    start(st)
    scan(st, f"00{P1}")
    events = [s.event for s in st.log.events()]
    after_login = [e for e in events if e.kind.value != "manifest.imported"][1:]
    assert after_login and all(e.operator_id == "op-ana" for e in after_login)


def test_seal_mismatch_holds_the_shipment_and_its_units(st: Station) -> None:
    start(st)
    r = scan(st, "SL7777777")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.SEAL_MISMATCH]
    assert r.outcome.findings[0].expected == "SL1000001"
    assert st.view.is_held("shipment", "SHP-2001")
    r = scan(st, f"00{P1}")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert st.view.unit(P1).status is UnitStatus.QUARANTINED  # type: ignore[union-attr]


def test_seal_damaged_command(st: Station) -> None:
    start(st)
    assert codes(scan(st, "#SEAL-DAMAGED")) == [FindingCode.NOT_APPLICABLE]
    scan(st, "SL1000001")
    r = scan(st, "#SEAL-DAMAGED")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.SEAL_DAMAGED]
    seals = st.view.seals("SHP-2001")
    assert seals[0].status is SealStatus.DAMAGED
    assert st.view.is_held("shipment", "SHP-2001")


def test_unexpected_unit_is_quarantined(st: Station) -> None:
    start(st)
    r = scan(st, f"00{EXTRA}")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.UNEXPECTED_UNIT]
    unit = st.view.unit(EXTRA)
    assert unit is not None and not unit.expected and unit.status is UnitStatus.QUARANTINED


def test_wrong_shipment(st: Station) -> None:
    start(st)
    r = scan(st, f"00{OTHER}")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.WRONG_SHIPMENT]
    assert r.outcome.findings[0].found == "SHP-2002"


def test_label_mismatch_on_lot(st: Station) -> None:
    start(st)
    r = scan(st, f"]C100{P1}\x1d01{GTIN}10L-WRONG")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.LABEL_MISMATCH]
    assert r.outcome.findings[0].expected == "L-1"
    assert r.outcome.findings[0].found == "L-WRONG"


def test_missing_moving_data_names_the_field(st: Station) -> None:
    start(st)
    r = scan(st, f"00{P3}")
    assert codes(r) == [FindingCode.MISSING_MOVING_DATA]
    assert "vendor" in r.outcome.findings[0].message


def test_high_risk_origin(st: Station) -> None:
    start(st, "BOL-900002")
    r = scan(st, f"00{OTHER}")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.HIGH_RISK_ORIGIN]
    assert "CN-XJ" in r.outcome.findings[0].message


def test_damaged_packaging_command_applies_to_last_unit(st: Station) -> None:
    start(st)
    scan(st, f"00{P1}")
    r = scan(st, "#DAMAGED")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.PACKAGING_DAMAGED]
    assert st.view.unit(P1).status is UnitStatus.QUARANTINED  # type: ignore[union-attr]
    assert st.view.is_held("unit", P1)


def test_duplicate_scan_is_info_and_not_counted_again(st: Station) -> None:
    start(st)
    scan(st, f"00{P1}")
    received_seq = st.log.count()
    r = scan(st, f"]C100{P1}")
    assert r.outcome.verdict is Verdict.INFO
    assert codes(r) == [FindingCode.DUPLICATE_SCAN]
    assert "already received" in r.outcome.headline
    # only the scan itself was recorded, no second receipt of the unit
    kinds = [s.event.kind.value for s in st.log.events(after_seq=received_seq)]
    assert kinds == ["scan.recorded"]


def test_invalid_check_digit_and_unknown_code_are_errors(st: Station) -> None:
    start(st)
    r = scan(st, "00037613032110910349")
    assert r.outcome.verdict is Verdict.ERROR
    assert codes(r) == [FindingCode.INVALID_CHECK_DIGIT]
    r = scan(st, "hello \x1b[2J world")
    assert r.outcome.verdict is Verdict.ERROR
    assert "\x1b" not in r.outcome.headline


def test_unit_without_receipt_is_refused(st: Station) -> None:
    scan(st, "B-1001")
    r = scan(st, f"00{P1}")
    assert r.outcome.verdict is Verdict.REJECT
    assert codes(r) == [FindingCode.NO_ACTIVE_SHIPMENT]


def test_close_reports_missing_units_and_seal(st: Station) -> None:
    start(st)
    scan(st, f"00{P1}")
    r = scan(st, "#CLOSE")
    assert r.outcome.verdict is Verdict.QUARANTINE
    assert codes(r) == [FindingCode.SEAL_MISSING, FindingCode.MISSING_UNITS]
    assert "3 expected unit(s) not received" in r.outcome.findings[1].message
    assert st.workflow.receipt() is None
    assert st.view.unit(P2).status is UnitStatus.MISSING  # type: ignore[union-attr]
    assert st.view.is_held("shipment", "SHP-2001")


def test_clean_close(st: Station) -> None:
    start(st)
    scan(st, "SL1000001")
    for text in (f"00{P1}", f"00{P2}", f"00{P3}", f"01{GTIN_B}21SN-1"):
        scan(st, text)
    r = scan(st, "#CLOSE")
    assert codes(r) == []
    assert r.outcome.verdict is Verdict.ACCEPT
    assert r.outcome.details == ("SHP-2001: 3 accepted, 1 on hold, 0 missing of 4 expected",)


def test_undo_reverts_the_last_accepted_unit_but_never_a_hold(st: Station) -> None:
    start(st)
    scan(st, f"00{P1}")
    r = scan(st, "#UNDO")
    assert r.outcome.verdict is Verdict.INFO
    assert st.view.unit(P1).status is UnitStatus.EXPECTED  # type: ignore[union-attr]
    assert codes(scan(st, "#UNDO")) == [FindingCode.NOTHING_TO_UNDO]
    scan(st, f"00{EXTRA}")
    r = scan(st, "#UNDO")
    assert r.outcome.verdict is Verdict.REJECT
    assert "only a supervisor" in r.outcome.headline


def test_one_receipt_covers_two_manifests_on_one_trailer(st: Station) -> None:
    start(st)
    r = scan(st, "BOL-900002")
    assert "Added SHP-2002 to this receipt" in r.outcome.headline
    r = scan(st, f"00{OTHER}")
    assert codes(r) == [FindingCode.HIGH_RISK_ORIGIN]  # not WRONG_SHIPMENT any more


def test_receipt_resumes_after_restart_and_logout(
    st: Station, tmp_path: Path, config: StationConfig, clock: Any
) -> None:
    start(st)
    scan(st, f"00{P1}")
    scan(st, "#LOGOUT")
    assert st.workflow.operator is None
    st.close()
    again = open_station(config, tmp_path / "data", clock)
    try:
        r = again.recorder.handle(Scan("B-1002"))
        assert "resuming receipt of SHP-2001" in r.outcome.headline
        r = again.recorder.handle(Scan(f"00{P1}"))
        assert codes(r) == [FindingCode.DUPLICATE_SCAN]
        r = again.recorder.handle(Scan(f"00{P2}"))
        assert r.outcome.headline == f"Accepted {P2} (SHP-2001 2/4)"
        assert again.log.verify().ok
    finally:
        again.close()


def test_received_shipment_cannot_be_opened_again(st: Station) -> None:
    start(st)
    scan(st, "#CLOSE")
    r = scan(st, "BOL-900001")
    assert r.outcome.verdict is Verdict.REJECT
    assert "already received" in r.outcome.headline


def test_unknown_document(st: Station) -> None:
    scan(st, "B-1001")
    r = scan(st, "BOL-123456")
    assert codes(r) == [FindingCode.UNKNOWN_SHIPMENT]


def test_shipment_picked_by_purchase_order(station: Station) -> None:
    scan(station, "B-1001")
    r = scan(station, "PO-45001")
    assert r.outcome.shipment == "SHP-1001"
    receipt = station.workflow.receipt()
    assert receipt is not None and receipt.shipment_ids == ("SHP-1001",)


def test_unknown_code_is_an_error_with_its_text_escaped(st: Station) -> None:
    start(st)
    r = scan(st, "hello world")
    assert r.outcome.verdict is Verdict.ERROR
    assert codes(r) == [FindingCode.UNKNOWN_CODE]
    r = scan(st, "#EXPLODE")
    assert codes(r) == [FindingCode.UNKNOWN_CODE]
