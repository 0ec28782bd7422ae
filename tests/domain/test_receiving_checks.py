"""Receiving checks as pure functions: exact codes, messages, expected and found values."""

from __future__ import annotations

import datetime as dt

from station.domain.checks.receiving import (
    DEFAULT_REQUIRED_FIELDS,
    MovingDataField,
    check_label,
    check_moving_data,
    check_origin,
    check_seal,
    check_seals_at_close,
    check_units_at_close,
    missing_fields,
)
from station.domain.findings import FindingCode, Severity, Verdict, verdict_for
from station.domain.manifest.model import ContentLine, Place, Unit
from station.domain.operators import Operator, Role, Training, hash_pin, qualification, verify_pin
from station.domain.risk import RestrictedVendor, RiskPolicy, RiskRule
from station.domain.scanning.codes import Gs1Code, Gs1Form

GTIN = "09506000134352"
LINE = ContentLine(
    gtin=GTIN,
    lot="L-1",
    vendor="Sunrise Modules JSC",
    place_of_manufacture=Place(facility="P2", city="Bac Ninh", country="VN", region="VN-56"),
    date_of_manufacture=dt.date(2026, 10, 1),
)
UNIT = Unit(sscc="037613032110910348", packaging="pallet", contents=(LINE,))


def label(*ais: tuple[str, str], dates: tuple[tuple[str, dt.date], ...] = ()) -> Gs1Code:
    return Gs1Code(text="", form=Gs1Form.ELEMENT_STRING, ais=ais, dates=dates)


def test_label_agreeing_with_manifest_has_no_findings() -> None:
    code = label(
        ("00", UNIT.sscc or ""),
        ("01", GTIN),
        ("10", "L-1"),
        ("11", "261001"),
        dates=(("11", dt.date(2026, 10, 1)),),
    )
    assert check_label(code, UNIT) == []


def test_label_gtin_mismatch() -> None:
    (finding,) = check_label(label(("01", "09506000134369"), ("10", "L-1")), UNIT)
    assert finding.code is FindingCode.LABEL_MISMATCH
    assert (
        finding.message
        == "Label GTIN (01) is '09506000134369' but the manifest says '09506000134352'"
    )
    assert (finding.expected, finding.found) == (GTIN, "09506000134369")


def test_label_production_date_mismatch() -> None:
    code = label(("01", GTIN), ("11", "261002"), dates=(("11", dt.date(2026, 10, 2)),))
    (finding,) = check_label(code, UNIT)
    assert finding.expected == "2026-10-01" and finding.found == "2026-10-02"


def test_missing_moving_data_is_configurable() -> None:
    bare = Unit(
        sscc="037613032110910348", packaging="pallet", contents=(ContentLine(gtin=GTIN, lot="L-1"),)
    )
    assert missing_fields(bare, DEFAULT_REQUIRED_FIELDS) == [
        "vendor",
        "place_of_manufacture",
        "place_of_manufacture.country",
        "date_of_manufacture",
    ]
    assert missing_fields(bare, (MovingDataField.UNIQUE_ID, MovingDataField.LOT)) == []
    finding = check_moving_data(bare, (MovingDataField.VENDOR,))
    assert finding is not None and finding.message == (
        "Unit 037613032110910348 lacks moving data: vendor"
    )
    assert check_moving_data(UNIT, DEFAULT_REQUIRED_FIELDS) is None


def test_high_risk_by_country_region_and_vendor() -> None:
    assert check_origin(UNIT, RiskPolicy(rules=(RiskRule("test", region="CN-XJ"),))) == []
    (by_country,) = check_origin(UNIT, RiskPolicy(rules=(RiskRule("sanctions", country="VN"),)))
    assert by_country.code is FindingCode.HIGH_RISK_ORIGIN
    assert "country VN: sanctions" in by_country.message
    policy = RiskPolicy(
        restricted_vendors=(RestrictedVendor("sunrise  modules jsc", "entity list"),)
    )
    (by_vendor,) = check_origin(UNIT, policy)
    assert by_vendor.message.startswith("Vendor 'Sunrise Modules JSC' is restricted (entity list)")


def test_seal_checks() -> None:
    assert check_seal("SL1", ["SL1"]) is None
    finding = check_seal("SL9", ["SL1", "SL2"])
    assert finding is not None and finding.code is FindingCode.SEAL_MISMATCH
    assert (finding.expected, finding.found) == ("SL1, SL2", "SL9")
    missing = check_seals_at_close("SHP-1", ["SL1", "SL2"], ["SL1"])
    assert missing is not None and missing.code is FindingCode.SEAL_MISSING
    assert missing.expected == "SL2"


def test_missing_units_lists_at_most_five() -> None:
    finding = check_units_at_close("SHP-1", [f"U{i}" for i in range(7)])
    assert finding is not None and finding.message.endswith("U0, U1, U2, U3, U4 and 2 more")


def test_verdict_follows_the_worst_finding() -> None:
    info = check_units_at_close("S", ["U"])
    assert info is not None and info.severity is Severity.NONCONFORMITY
    assert verdict_for([]) is Verdict.ACCEPT
    assert verdict_for([info]) is Verdict.QUARANTINE


def test_qualification_and_pin() -> None:
    op = Operator(
        "a",
        "Ana",
        "B-1",
        frozenset({Role.RECEIVE}),
        (Training("supply-chain-security", dt.date(2026, 12, 31)),),
    )
    today = dt.date(2026, 11, 23)
    assert qualification(op, Role.RECEIVE, "supply-chain-security", today).ok
    assert qualification(op, Role.RELEASE, "supply-chain-security", today).reason == (
        "Ana does not hold the 'release' role (roles: receive)"
    )
    later = dt.date(2027, 1, 1)
    assert qualification(op, Role.RECEIVE, "supply-chain-security", later).reason == (
        "Ana's 'supply-chain-security' training expired on 2026-12-31"
    )
    stored = hash_pin("2468", iterations=100_000)
    assert verify_pin("2468", stored) and not verify_pin("2469", stored)
    assert not verify_pin("2468", "garbage")
    # a hash too weak to load is not trusted either
    assert not verify_pin("2468", hash_pin("2468", iterations=1000))
