"""Identifiers holding control, bidi or zero-width characters refuse the manifest, named by place.

Free text (names, places, notes) is kept as given; the outputs escape it (see
tests/services/test_hostile_outputs.py). A restricted vendor is still found when its
name hides a zero-width or bidi character.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from station.domain.manifest.csv_format import parse_manifest_csv
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.printable import csv_cell, describe_unsafe, html_text, json_text, printable
from station.domain.risk import RestrictedVendor

SSCC = "376130321109103420"
GTIN = "09506000134352"


def base() -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "shipment_id": "SHP-1",
        "direction": "inbound",
        "units": [
            {
                "sscc": SSCC,
                "packaging": "pallet",
                "contents": [
                    {
                        "gtin": GTIN,
                        "lot": "L1",
                        "uom": "EA",
                        "provenance": [{"lot_id": "UP-1", "shipment_id": "SHP-0"}],
                    }
                ],
            }
        ],
    }


def where_refused(doc: dict[str, Any]) -> list[str]:
    result = parse_manifest_json(json.dumps(doc), "m.json")
    assert not result.manifests
    for problem in result.problems:
        assert "an identifier must hold only printable characters" in problem.message
    return [p.where for p in result.problems]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("$.shipment_id", "SHP-\x1b[2J\x1b]0;x\x07"),
        ("$.bill_of_lading", "BOL\u202e1"),
        ("$.asn", "ASN\u200b1"),
        ("$.purchase_orders[1]", ["PO-1", "PO\ufeff2"]),
        ("$.seals[0]", ["SL\u2066123"]),
        ("$.seller.id", {"name": "Seller", "id": "061\u200d4141"}),
        ("$.units[0].contents[0].uom", "E\x00A"),
        ("$.units[0].contents[0].provenance[0].lot_id", "UP\u061c1"),
        ("$.units[0].contents[0].provenance[0].shipment_id", "SHP\u200e0"),
    ],
)
def test_json_identifier_with_hidden_characters_is_refused_at_its_path(
    path: str, value: Any
) -> None:
    doc = base()
    parts = path.removeprefix("$.").replace("]", "").replace("[", ".").split(".")
    key = parts[0] if parts[0] in ("purchase_orders", "seals", "seller") else None
    if key is not None:
        doc[key] = value
    elif path.startswith("$.units"):
        line = doc["units"][0]["contents"][0]
        if "provenance" in path:
            line["provenance"][0][parts[-1]] = value
        else:
            line[parts[-1]] = value
    else:
        doc[parts[0]] = value
    assert where_refused(doc) == [path]


def test_json_free_text_is_stored_as_given() -> None:
    doc = base()
    doc["notes"] = "ring\x07 \u202eevil"
    doc["units"][0]["contents"][0]["vendor"] = "Evil\x1b[31mCorp"
    result = parse_manifest_json(json.dumps(doc), "m.json")
    assert result.ok
    manifest = result.manifests[0]
    assert manifest.notes == "ring\x07 \u202eevil"
    assert manifest.units[0].contents[0].vendor == "Evil\x1b[31mCorp"


CSV_HEADER = "shipment_id,direction,bill_of_lading,seals,purchase_orders,sscc,packaging,uom,notes"


def test_csv_identifier_with_hidden_characters_is_refused_at_its_line_and_column() -> None:
    rows = [
        f'"SHP-\x1b[2J",inbound,BOL-1,SL1,PO-1,{SSCC},pallet,EA,',
        "SHP-2,inbound,BOL\u202e2,SL2;SL\u200b3,PO-2,376130321109103437,pallet,E\x00A,",
    ]
    text = "\n".join([CSV_HEADER, *rows]) + "\n"
    result = parse_manifest_csv(text, "m.csv")
    assert not result.manifests
    assert [p.where for p in result.problems] == [
        'line 2, column "shipment_id"',
        'line 3, column "bill_of_lading"',
        'line 3, column "seals"',
        'line 3, column "uom"',
    ]
    assert "character U+001B (control) at position 5" in result.problems[0].message


def test_csv_free_text_is_stored_as_given() -> None:
    text = CSV_HEADER + f'\nSHP-1,inbound,BOL-1,SL1,PO-1,{SSCC},pallet,EA,"a\x07b\u202ec"\n'
    result = parse_manifest_csv(text, "m.csv")
    assert result.ok and result.manifests[0].notes == "a\x07b\u202ec"


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\x1b", "\u2066", "\ufeff"])
def test_a_restricted_vendor_hiding_a_character_is_still_matched(hidden: str) -> None:
    vendor = RestrictedVendor(name="Example Trading Ltd", reason="entity list")
    assert vendor.matches(f"Example{hidden} Trading Ltd")
    assert vendor.matches(f"EXAMPLE  TRADING{hidden} LTD")
    assert not vendor.matches("Example Trading Limited")


def test_the_output_family_shares_one_rule() -> None:
    text = "=A\x1b[2J<b>\u202e\u200b\x00&"
    assert printable(text) == "=A\\x1b[2J<b>\\u202e\\u200b\\x00&"
    assert html_text(text) == "=A\\x1b[2J&lt;b&gt;\\u202e\\u200b\\x00&amp;"
    assert csv_cell(text) == "'=A\\x1b[2J<b>\\u202e\\u200b\\x00&"
    assert csv_cell("-1") == "'-1" and csv_cell(None) == ""
    data = {"v": text, "é": "\U0001f600\u2028"}
    dumped = json_text(data, indent=1)
    assert json.loads(dumped) == data
    assert "\u202e" not in dumped and "\u2028" not in dumped and "é" in dumped
    assert "\\ud83d\\ude00" not in dumped  # an emoji is printable: kept as it is
    assert json_text("\ud800") == '"\\ud800"'  # a lone surrogate cannot stand raw either
    assert describe_unsafe("fine") is None
