"""GS1 details from the conformance run (issue 10, item 9): the CPID the dictionary allows,
requisite AIs per symbol and per label, and the two forms of UPC-A after ``]E0``.

The requisite table is checked against the GS1 syntax dictionary's ``ai-table.json`` when
``../shared/corpus`` is present; everything else needs nothing outside the project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station.domain.gs1.requisites import REQUISITES, label_findings, missing_requisites
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code, Gs1Form, InvalidCode

AI_TABLE = (
    Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "gs1" / "ai-table.json"
)

SSCC = "106141412345678908"
GTIN = "09521234543213"


# -- (8010) CPID ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["(8010)0200", "(8010)0200(8011)12", "]C18010020012", "(8010)0614141AB#-/"]
)
def test_cpid_follows_the_dictionary(text: str) -> None:
    code = classify(text)
    assert isinstance(code, Gs1Code), getattr(code, "findings", None)
    assert code.get("8010") in ("0200", "020012", "0614141AB#-/")


@pytest.mark.parametrize("value", ["020", "A1234", "02a0", "0200" + "X" * 27])
def test_cpid_needs_a_company_prefix_and_at_most_30_characters(value: str) -> None:
    code = classify(f"(8010){value}")
    assert isinstance(code, InvalidCode)
    assert "expected Y..30 starting with a GS1 Company Prefix" in code.findings[0].message


# -- requisite AIs in one symbol ------------------------------------------------------


def test_a_serial_without_its_key_is_a_warning_naming_the_keys() -> None:
    code = classify("(21)ABC123")
    assert isinstance(code, Gs1Code)
    (finding,) = code.findings
    assert finding.code.value == "REQUISITE_AI_MISSING" and finding.severity.value == "warning"
    assert finding.message.startswith("AI (21) needs (01), (03) or (8006) on the same label")


def test_02_without_37_is_a_warning() -> None:
    code = classify(f"]C102{GTIN}")
    assert isinstance(code, Gs1Code)
    assert [f.message.split(" on ")[0] for f in code.findings] == ["AI (02) needs (37)"]
    together = classify(f"(00){SSCC}(02){GTIN}(37)24")
    assert isinstance(together, Gs1Code) and together.findings == ()


def test_a_complete_element_string_has_no_warning() -> None:
    code = classify(f"(01){GTIN}(10)L-1(11)261123(21)7")
    assert isinstance(code, Gs1Code) and code.findings == ()


def test_a_digital_link_is_one_carrier_so_a_missing_requisite_makes_it_invalid() -> None:
    code = classify(f"https://id.example.com/00/{SSCC}?11=261123")
    assert isinstance(code, InvalidCode)
    assert code.findings[0].message == (
        "AI (11) needs (01), (02), (03), (8006) or (8026) in the same Digital Link URI."
    )
    ok = classify(f"https://id.example.com/00/{SSCC}?02={GTIN}&37=25&10=ABC123")
    assert isinstance(ok, Gs1Code) and ok.form is Gs1Form.DIGITAL_LINK and ok.findings == ()


def test_the_dock_shows_the_warning_with_its_verdict(station: object) -> None:
    from station.bootstrap import Station
    from station.domain.scanning.scan import Scan

    assert isinstance(station, Station)
    station.recorder.handle(Scan("B-1001"))
    recorded = station.recorder.handle(Scan("]C121SN-1"))
    assert "REQUISITE_AI_MISSING" in [f.code.value for f in recorded.outcome.findings]
    (last,) = [
        s.event.payload for s in station.log.events() if s.event.kind.value == "scan.recorded"
    ][-1:]
    assert "REQUISITE_AI_MISSING" in [f["code"] for f in last["findings"]]


# -- requisite and exclusive AIs over a label's barcodes ------------------------------


def test_a_logistic_label_split_over_three_barcodes_is_one_item() -> None:
    symbols = [[("02", GTIN), ("37", "24")], [("10", "L-1"), ("15", "270101")], [("00", SSCC)]]
    assert label_findings(symbols) == []


def test_a_requisite_no_barcode_of_the_label_carries_is_an_error() -> None:
    (finding,) = label_findings([[("21", "SN-1")], [("00", SSCC)]])
    assert finding.severity.value == "error"
    assert finding.message == (
        "AI (21) needs (01), (03) or (8006), and none of the label's barcodes carries it."
    )


def test_exclusive_ais_and_disagreeing_repeats_across_barcodes_are_errors() -> None:
    messages = [
        f.message
        for f in label_findings([[("01", GTIN)], [("02", GTIN), ("37", "1"), ("00", SSCC)]])
    ]
    assert "AIs (01) and (02) must not appear together." in messages
    repeats = label_findings([[("00", SSCC)], [("00", "006141411234567890")]])
    assert "appears more than once with different values" in repeats[0].message


def test_patterns_and_joint_alternatives() -> None:
    assert missing_requisites(["3922", "01"]) == [
        ("3922", "AI (3922) needs (30), (31nn), (32nn), (35nn) or (36nn)")
    ]
    assert missing_requisites(["3922", "01", "3103"]) == []
    assert missing_requisites(["7004", "01"]) == [("7004", "AI (7004) needs (01)+(10)")]


@pytest.mark.skipif(not AI_TABLE.is_file(), reason=f"GS1 syntax dictionary not found at {AI_TABLE}")
def test_the_requisite_table_is_the_dictionarys() -> None:
    table = json.loads(AI_TABLE.read_text(encoding="utf-8"))["ais"]
    for entry in table:
        ai = entry["ai"]
        theirs = [[tuple(alt.split("+")) for alt in rule] for rule in entry["req"]]
        if ai == "8030":
            continue  # the digital-signature rule (associations) covers it
        ours = [
            [tuple(alt) for alt in rule]
            for pattern, rules in REQUISITES
            if len(pattern) == len(ai)
            and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))
            for rule in rules
        ]
        assert ours == theirs, ai


# -- UPC-A after ]E0 --------------------------------------------------------------------


def test_upc_a_after_e0_in_both_forms() -> None:
    """GS1: ]E0 carries 13 digits (UPC-A with a leading 0). Scanners set to transmit UPC-A
    as 12 digits still send ]E0; the station takes both (README, scan formats)."""
    thirteen = classify("]E00036000291452")
    twelve = classify("]E0036000291452")
    assert isinstance(thirteen, Gs1Code) and isinstance(twelve, Gs1Code)
    assert thirteen.gtin == twelve.gtin == "00036000291452"
    assert thirteen.symbology == twelve.symbology == "]E0"
    for broken in ("]E0036000291453", "]E00036000291453"):
        bad = classify(broken)
        assert isinstance(bad, InvalidCode) and "check digit" in bad.findings[0].message
