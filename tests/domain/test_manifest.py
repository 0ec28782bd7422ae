"""Manifest model and parsers: every rule with its exact message, schema agreement, round trips."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from station.domain.manifest.model import (
    CSV_COLUMNS,
    ContentLine,
    Direction,
    Manifest,
    ManifestProblem,
    ParsedManifests,
    Party,
    Place,
    Unit,
    item_key,
)
from station.domain.manifest.reading import parse_manifest, parse_manifest_csv, parse_manifest_json

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo"
SCHEMA = json.loads((REPO / "config" / "manifest.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

SSCC_A = "006141412610010016"
SSCC_B = "006141412610010023"
GTIN_13 = "0614141550012"
GTIN_14 = "00614141550012"
GTIN_B = "07350053182042"


def base() -> dict[str, Any]:
    """A small valid manifest in JSON form; tests mutate copies of it."""
    return {
        "manifest_version": 1,
        "shipment_id": "SHP-1",
        "direction": "inbound",
        "units": [
            {
                "sscc": SSCC_A,
                "packaging": "pallet",
                "contents": [
                    {
                        "gtin": GTIN_13,
                        "lot": "L1",
                        "quantity": 31,
                        "place_of_manufacture": {"country": "VN", "region": "VN-54"},
                        "date_of_manufacture": "2026-09-14",
                    }
                ],
            },
            {
                "packaging": "carton",
                "contents": [{"gtin": GTIN_B, "serial": "S1"}],
            },
        ],
    }


def json_problems(data: Any) -> list[tuple[str, str]]:
    result = parse_manifest_json(json.dumps(data), "test.json")
    assert not result.manifests
    return [(p.where, p.message) for p in result.problems]


def csv_problems(text: str) -> list[tuple[str, str]]:
    result = parse_manifest_csv(text, "test.csv")
    assert not result.manifests
    return [(p.where, p.message) for p in result.problems]


def one(result: ParsedManifests) -> Manifest:
    assert result.problems == ()
    (manifest,) = result.manifests
    return manifest


def demo_manifests() -> list[Manifest]:
    manifests: list[Manifest] = []
    for path in sorted(DEMO.iterdir()):
        if path.suffix in (".json", ".csv"):
            manifests.extend(parse_manifest(path.read_text(encoding="utf-8"), path.name).manifests)
    return manifests


# --- valid input ----------------------------------------------------------------------------


def test_base_parses_into_model() -> None:
    manifest = one(parse_manifest_json(json.dumps(base()), "test.json"))
    assert manifest == Manifest(
        manifest_version=1,
        shipment_id="SHP-1",
        direction=Direction.INBOUND,
        units=(
            Unit(
                sscc=SSCC_A,
                packaging="pallet",
                contents=(
                    ContentLine(
                        gtin=GTIN_14,
                        lot="L1",
                        quantity=Decimal(31),
                        place_of_manufacture=Place(country="VN", region="VN-54"),
                        date_of_manufacture=dt.date(2026, 9, 14),
                    ),
                ),
            ),
            Unit(sscc=None, packaging="carton", contents=(ContentLine(gtin=GTIN_B, serial="S1"),)),
        ),
    )
    assert manifest.unit_ids() == (SSCC_A, f"01:{GTIN_B}/21:S1")
    assert manifest.find_unit(f"01:{GTIN_B}/21:S1") is manifest.units[1]
    assert manifest.find_unit("nope") is None


def test_item_key_formats() -> None:
    assert item_key(GTIN_14, lot="A") == f"01:{GTIN_14}/10:A"
    assert item_key(GTIN_14, serial="7") == f"01:{GTIN_14}/21:7"
    assert item_key(GTIN_14, lot="A", serial="7") == f"01:{GTIN_14}/21:7"
    assert item_key(GTIN_14) is None
    lot_unit = Unit(None, "carton", (ContentLine(gtin=GTIN_14, lot="A"),))
    assert lot_unit.unit_id == f"01:{GTIN_14}/10:A"
    assert Unit(None, "carton", ()).unit_id is None


def test_normalises_gtin_country_region_and_strips_text() -> None:
    data = base()
    line = data["units"][0]["contents"][0]
    line["gtin"] = "96385074"  # GTIN-8
    line["place_of_manufacture"] = {"country": "cn", "region": "cn-xj", "city": "  Shihezi "}
    data["shipment_id"] = "  SHP-1 "
    manifest = one(parse_manifest_json(json.dumps(data), "t.json"))
    parsed = manifest.units[0].contents[0]
    assert parsed.gtin == "00000096385074"
    assert parsed.place_of_manufacture == Place(city="Shihezi", country="CN", region="CN-XJ")
    assert manifest.shipment_id == "SHP-1"


def test_optional_moving_data_may_be_missing_or_null() -> None:
    data = base()
    data["units"][0]["contents"][0] = {
        "gtin": GTIN_13,
        "vendor": None,
        "place_of_manufacture": {"country": None},
        "date_of_manufacture": None,
        "quantity": None,
    }
    line = one(parse_manifest_json(json.dumps(data), "t.json")).units[0].contents[0]
    assert line == ContentLine(gtin=GTIN_14)
    assert line.uom == "EA"


def test_a_list_of_manifests() -> None:
    second = base()
    second["shipment_id"] = "SHP-2"
    second["units"] = [{"sscc": SSCC_B, "packaging": "pallet"}]
    result = parse_manifest_json(json.dumps([base(), second]), "t.json")
    assert result.ok
    assert [m.shipment_id for m in result.manifests] == ["SHP-1", "SHP-2"]


def test_bom_and_fractional_quantity() -> None:
    data = base()
    data["units"][0]["contents"][0]["quantity"] = 12.125
    manifest = one(parse_manifest_json("\ufeff" + json.dumps(data), "t.json"))
    assert manifest.units[0].contents[0].quantity == Decimal("12.125")


JSON_EQUIVALENT = {
    "manifest_version": 1,
    "shipment_id": "SHP-7",
    "direction": "outbound",
    "bill_of_lading": "BOL-000007",
    "asn": "ASN-7",
    "purchase_orders": ["PO-00001", "PO-00002"],
    "seller": {"name": "Seller AB", "id": "7350053000070"},
    "buyer": {"name": "Buyer, Inc."},
    "carrier": "Carrier",
    "seals": ["SL0000001", "SL0000002"],
    "expected_arrival": "2026-12-01",
    "notes": "Two lines on the first pallet",
    "units": [
        {
            "sscc": SSCC_A,
            "packaging": "pallet",
            "contents": [
                {
                    "gtin": GTIN_14,
                    "lot": "L1",
                    "quantity": 10,
                    "uom": "EA",
                    "product": "Module, 550 W",
                    "vendor": "Maker",
                    "place_of_manufacture": {
                        "facility": "Plant 1",
                        "city": "Bac Giang",
                        "country": "VN",
                        "region": "VN-54",
                    },
                    "date_of_manufacture": "2026-09-01",
                },
                {"gtin": GTIN_B, "lot": "L2", "quantity": 2.5, "uom": "KGM"},
            ],
        },
        {"sscc": SSCC_B, "packaging": "pallet"},
        {
            "packaging": "item",
            "contents": [{"gtin": GTIN_B, "serial": "S9", "serials_required": True}],
        },
    ],
}

_SHIPMENT_CELLS = (
    'SHP-7,outbound,BOL-000007,ASN-7,PO-00001;PO-00002,Seller AB,7350053000070,"Buyer, Inc.",,'
    "Carrier,SL0000001; SL0000002,2026-12-01,Two lines on the first pallet"
)
CSV_EQUIVALENT = "\n".join(
    [
        "Shipment_ID,direction,bill_of_lading,asn,purchase_orders,seller,seller_id,buyer,"
        "buyer_id,carrier,seals,expected_arrival,notes,sscc,packaging,gtin,lot,serial,quantity,"
        "uom,product,vendor,facility,city,country,region,date_of_manufacture,serials_required",
        f"{_SHIPMENT_CELLS},{SSCC_A},pallet,{GTIN_13},L1,,10,,"
        '"Module, 550 W",Maker,Plant 1,Bac Giang,vn,VN-54,2026-09-01,',
        "",
        f"{_SHIPMENT_CELLS},{SSCC_A},pallet,{GTIN_B},L2,,2.50,KGM,,,,,,,,no",
        f"{_SHIPMENT_CELLS},{SSCC_B},pallet,,,,,,,,,,,,,",
        f"{_SHIPMENT_CELLS},,item,{GTIN_B},,S9,,,,,,,,,,yes",
    ]
)


def test_json_and_csv_give_equal_models() -> None:
    from_json = one(parse_manifest_json(json.dumps(JSON_EQUIVALENT), "t.json"))
    from_csv = one(parse_manifest_csv(CSV_EQUIVALENT, "t.csv"))
    assert from_csv == from_json
    assert from_json.units[0].contents[1].quantity == Decimal("2.5")
    assert from_json.units[2].contents[0].serials_required is True
    assert parse_manifest(CSV_EQUIVALENT, "T.CSV") == parse_manifest_csv(CSV_EQUIVALENT, "T.CSV")


def test_csv_several_shipments_bom_and_blank_lines() -> None:
    text = (
        "\ufeffshipment_id,direction,sscc,packaging\r\n"
        f"SHP-1,inbound,{SSCC_A},pallet\r\n\r\n"
        f"SHP-2,inbound,{SSCC_B},pallet\r\n"
    )
    result = parse_manifest_csv(text, "t.csv")
    assert result.ok
    assert [(m.shipment_id, m.unit_ids()) for m in result.manifests] == [
        ("SHP-1", (SSCC_A,)),
        ("SHP-2", (SSCC_B,)),
    ]
    assert result.manifests[0].units[0].contents == ()


# --- the rules, JSON ------------------------------------------------------------------------


def mutated(path: str, value: Any) -> dict[str, Any]:
    """`base()` with the dotted `path` (list indexes as numbers) set, or deleted for DELETE."""
    data = base()
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return data


DELETE = object()
LINE = "units.0.contents.0"
LINE_AT = "$.units[0].contents[0]"
PLACE = f"{LINE}.place_of_manufacture"
PLACE_AT = f"{LINE_AT}.place_of_manufacture"

JSON_RULES = [
    (
        "manifest_version",
        2,
        "$.manifest_version",
        "Unsupported manifest_version 2: expected one of the supported versions (1), found 2.",
    ),
    (
        "manifest_version",
        "1",
        "$.manifest_version",
        "Invalid manifest_version '1': expected one of the supported versions (1) as an "
        "integer, found a string.",
    ),
    (
        "manifest_version",
        DELETE,
        "$.manifest_version",
        "Missing manifest_version: expected one of the supported versions (1), found nothing.",
    ),
    (
        "shipment_id",
        " ",
        "$.shipment_id",
        "Invalid shipment_id ' ': expected a non-empty string, found none.",
    ),
    (
        "shipment_id",
        7,
        "$.shipment_id",
        "Invalid shipment_id 7: expected a string, found a number.",
    ),
    (
        "direction",
        "sideways",
        "$.direction",
        "Invalid direction 'sideways': expected 'inbound' or 'outbound'.",
    ),
    (
        "direction",
        DELETE,
        "$.direction",
        "Missing direction: expected 'inbound' or 'outbound', found nothing.",
    ),
    (
        "units.0.sscc",
        "00614141261001001",
        "$.units[0].sscc",
        "Invalid SSCC '00614141261001001': expected 18 digits, found 17.",
    ),
    (
        "units.0.sscc",
        "00614141261001001X",
        "$.units[0].sscc",
        "Invalid SSCC '00614141261001001X': expected 18 digits, found other characters.",
    ),
    (
        "units.0.sscc",
        "006141412610010017",
        "$.units[0].sscc",
        "Invalid SSCC check digit in '006141412610010017': expected 6, found 7.",
    ),
    (
        f"{LINE}.gtin",
        "061414155001",
        f"{LINE_AT}.gtin",
        "Invalid GTIN check digit in '061414155001': expected 7, found 1.",
    ),
    (
        f"{LINE}.gtin",
        "12345",
        f"{LINE_AT}.gtin",
        "Invalid GTIN '12345': expected 8, 12, 13 or 14 digits, found 5.",
    ),
    (
        f"{LINE}.gtin",
        "0614141-55001",
        f"{LINE_AT}.gtin",
        "Invalid GTIN '0614141-55001': expected 8, 12, 13 or 14 digits, found other characters.",
    ),
    (
        f"{LINE}.lot",
        "L 1",
        f"{LINE_AT}.lot",
        "Invalid lot 'L 1': expected 1 to 20 characters of the GS1 character set 82 "
        "(letters, digits and !\"%&'()*+,-./:;<=>?_), found other characters.",
    ),
    (
        f"{LINE}.lot",
        "L" * 21,
        f"{LINE_AT}.lot",
        f"Invalid lot '{'L' * 21}': expected 1 to 20 characters of the GS1 character set 82 "
        "(letters, digits and !\"%&'()*+,-./:;<=>?_), found 21 characters.",
    ),
    (
        f"{LINE}.date_of_manufacture",
        "14.09.2026",
        f"{LINE_AT}.date_of_manufacture",
        "Invalid date_of_manufacture '14.09.2026': expected a date as YYYY-MM-DD.",
    ),
    (
        f"{LINE}.date_of_manufacture",
        "2026-02-30",
        f"{LINE_AT}.date_of_manufacture",
        "Invalid date_of_manufacture '2026-02-30': expected a real calendar date, "
        "found day is out of range for month.",
    ),
    (
        "expected_arrival",
        "2026-13-01",
        "$.expected_arrival",
        "Invalid expected_arrival '2026-13-01': expected a real calendar date, "
        "found month must be in 1..12.",
    ),
    (
        f"{PLACE}.country",
        "VNM",
        f"{PLACE_AT}.country",
        "Invalid country 'VNM': expected an ISO 3166-1 alpha-2 code of two letters, such as 'VN'.",
    ),
    (
        f"{PLACE}.region",
        "XJ",
        f"{PLACE_AT}.region",
        "Invalid region 'XJ': expected an ISO 3166-2 code such as 'CN-XJ'.",
    ),
    (
        f"{PLACE}.region",
        "CN-XJ",
        f"{PLACE_AT}.region",
        "Region 'CN-XJ' is not in country 'VN': expected a region starting with 'VN-', found 'CN'.",
    ),
    (
        f"{PLACE}.country",
        DELETE,
        f"{PLACE_AT}.region",
        "Region 'VN-54' without a country: expected country 'VN', found none.",
    ),
    (
        f"{LINE}.quantity",
        0,
        f"{LINE_AT}.quantity",
        "Invalid quantity 0: expected a positive number.",
    ),
    (
        f"{LINE}.quantity",
        -3.5,
        f"{LINE_AT}.quantity",
        "Invalid quantity -3.5: expected a positive number.",
    ),
    (
        f"{LINE}.quantity",
        "31",
        f"{LINE_AT}.quantity",
        "Invalid quantity '31': expected a positive number, found a string.",
    ),
    (
        f"{LINE}.quantity",
        True,
        f"{LINE_AT}.quantity",
        "Invalid quantity true: expected a positive number, found a boolean.",
    ),
    (
        f"{LINE}.quantity",
        1_000_000_000,
        f"{LINE_AT}.quantity",
        "Invalid quantity 1000000000: expected a number below 1000000000.",
    ),
    (
        f"{LINE}.quantity",
        0.0000001,
        f"{LINE_AT}.quantity",
        "Invalid quantity 1E-7: expected at most 6 decimal places, found 7.",
    ),
    (
        f"{LINE}.serials_required",
        "yes",
        f"{LINE_AT}.serials_required",
        "Invalid serials_required 'yes': expected true or false, found a string.",
    ),
    (
        "units.0.packaging",
        DELETE,
        "$.units[0].packaging",
        "Missing packaging: expected a non-empty string, found nothing.",
    ),
    (
        "units",
        [],
        "$.units",
        "Empty units: expected at least one unit, found an empty list.",
    ),
    (
        "units",
        DELETE,
        "$.units",
        "Missing units: expected a list of at least one unit, found nothing.",
    ),
    (
        "units.0.contents",
        {},
        "$.units[0].contents",
        "Invalid contents {...}: expected a list of content lines, found an object.",
    ),
    (
        "units.1",
        "pallet",
        "$.units[1]",
        "Invalid unit 'pallet': expected an object, found a string.",
    ),
    (
        "seals",
        ["SL1", ""],
        "$.seals[1]",
        "Invalid seals entry '': expected a non-empty string, found an empty one.",
    ),
    (
        "purchase_orders",
        "PO-1",
        "$.purchase_orders",
        "Invalid purchase_orders 'PO-1': expected a list of strings, found a string.",
    ),
    (
        "seller",
        {"id": "7350053000070"},
        "$.seller.name",
        "Missing name: expected a non-empty string, found nothing.",
    ),
    (
        "seller",
        "Seller AB",
        "$.seller",
        "Invalid seller 'Seller AB': expected an object, found a string.",
    ),
    # A unit is found by its SSCC, or by GTIN and lot/serial of its single line.
    (
        "units.1.contents",
        [],
        "$.units[1].contents",
        "Unit without SSCC: expected exactly one content line with a GTIN and a lot or "
        "serial to identify it, found 0 content lines.",
    ),
    (
        "units.1.contents",
        [{"gtin": GTIN_B, "lot": "A"}, {"gtin": GTIN_B, "lot": "B"}],
        "$.units[1].contents",
        "Unit without SSCC: expected exactly one content line with a GTIN and a lot or "
        "serial to identify it, found 2 content lines.",
    ),
    (
        "units.1.contents.0.gtin",
        DELETE,
        "$.units[1].contents[0].gtin",
        "Unit without SSCC: expected a GTIN with a lot or serial to identify it, found no GTIN.",
    ),
    (
        "units.1.contents.0.serial",
        DELETE,
        "$.units[1].contents[0].lot",
        f"Unit without SSCC: expected a lot or serial with GTIN '{GTIN_B}' to identify it, "
        "found neither.",
    ),
    (
        "units.1.sscc",
        SSCC_A,
        "$.units[1].sscc",
        f"Duplicate SSCC '{SSCC_A}': expected each unit once, found it also at $.units[0].sscc.",
    ),
    (
        "units.0.contents.0",
        {"gtin": GTIN_B, "serial": "S1"},
        "$.units[1].contents[0].serial",
        f"Duplicate serial 'S1' of GTIN '{GTIN_B}': expected each serialised item once, "
        "found it also at $.units[0].contents[0].serial.",
    ),
    (
        "units.0.sscc",
        DELETE,
        "$.units[0].contents",
        # The base's first unit has one line with a lot, so it would be a loose item...
        None,
        # ...which is valid; see test_duplicate_loose_item for the duplicate case.
    ),
    (
        "units.0.sscs",
        SSCC_A,
        "$.units[0].sscs",
        "Unknown key 'sscs': expected one of sscc, packaging, contents; did you mean 'sscc'?",
    ),
    (
        f"{PLACE}.zip",
        "123",
        f"{PLACE_AT}.zip",
        "Unknown key 'zip': expected one of facility, city, country, region.",
    ),
    (
        "place of\nmanufacture",
        1,
        '$["place of\\\\x0amanufacture"]',
        "Unknown key 'place of\\\\x0amanufacture': expected one of manifest_version, "
        "shipment_id, direction, bill_of_lading, asn, purchase_orders, seller, buyer, "
        "carrier, seals, expected_arrival, notes, units.",
    ),
]


@pytest.mark.parametrize(("path", "value", "where", "message"), JSON_RULES)
def test_json_rule(path: str, value: Any, where: str, message: str | None) -> None:
    data = mutated(path, value)
    if message is None:
        assert parse_manifest_json(json.dumps(data), "t.json").ok
    else:
        assert json_problems(data) == [(where, message)]


def test_duplicate_loose_item() -> None:
    data = base()
    data["units"] = [
        {"packaging": "carton", "contents": [{"gtin": GTIN_B, "lot": "A"}]},
        {"packaging": "carton", "contents": [{"gtin": GTIN_B, "lot": "A"}]},
    ]
    assert json_problems(data) == [
        (
            "$.units[1].contents[0].lot",
            f"Duplicate loose item '01:{GTIN_B}/10:A': expected each unit without SSCC once "
            "(give the quantity instead), found it also at $.units[0].contents[0].lot.",
        )
    ]


def test_nan_and_infinity_are_refused() -> None:
    text = json.dumps(base()).replace('"quantity": 31', '"quantity": NaN')
    result = parse_manifest_json(text, "t.json")
    assert [(p.where, p.message) for p in result.problems] == [
        (f"{LINE_AT}.quantity", "Invalid quantity NaN: expected a positive number.")
    ]


def test_duplicate_json_key() -> None:
    twice = '"shipment_id": "A", "shipment_id": "B"'
    text = json.dumps(base()).replace('"shipment_id": "SHP-1"', twice)
    assert [(p.where, p.message) for p in parse_manifest_json(text, "t.json").problems] == [
        (
            "$.shipment_id",
            "Duplicate key 'shipment_id': expected each key once in an object, found it twice "
            "(one value would be silently lost).",
        )
    ]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            '{\n  "a": 1,\n}',
            "line 3, column 1",
            "Invalid JSON: expected property name enclosed in double quotes, found '}'.",
        ),
        ("[", "line 1, column 2", "Invalid JSON: expected value, found the end of the text."),
        (
            '{} {"x": 1}',
            "line 1, column 4",
            "Invalid JSON: expected the end of the text, found '{\"x\": 1}'.",
        ),
        ('"abc', "line 1, column 1", "Invalid JSON: expected a closing quote, found '\"abc'."),
        (
            '"\x1b[2J',
            "line 1, column 2",
            "Invalid JSON: invalid control character, found '\\\\x1b[2J'.",
        ),
        ("", "line 1, column 1", "Invalid JSON: expected value, found the end of the text."),
        ("[]", "$", "Empty manifest list: expected at least one manifest, found an empty list."),
        (
            "null",
            "$",
            "Invalid manifest null: expected an object or a list of objects, found null.",
        ),
        ("[5]", "$[0]", "Invalid manifest 5: expected an object, found a number."),
    ],
)
def test_json_document_level(text: str, where: str, message: str) -> None:
    result = parse_manifest_json(text, "t.json")
    assert [(p.where, p.message) for p in result.problems] == [(where, message)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("1" * 5000, "Exceeds the limit (4300 digits) for integer string conversion"),
        ("[" * 100_000 + "]" * 100_000, "maximum recursion depth exceeded"),
        ('{"quantity": 1e999999999999999999999}', "[<class 'decimal.InvalidOperation'>]"),
    ],
)
def test_json_beyond_limits(text: str, found: str) -> None:
    ((where, message),) = [(p.where, p.message) for p in parse_manifest_json(text, "t").problems]
    assert where == "$"
    # The tail is Python's own wording, cut to the message limit.
    assert message.startswith(
        f"Invalid JSON: expected numbers and nesting within limits, found {found}"
    )


def test_json_problems_across_a_list_of_manifests() -> None:
    second = base()
    second["units"][0]["sscc"] = SSCC_B
    second["units"][1]["contents"][0]["serial"] = "S2"
    third = base()
    third["shipment_id"] = "SHP-3"
    third["units"] = [{"sscc": SSCC_B, "packaging": "pallet"}]
    assert json_problems([base(), second, third]) == [
        (
            "$[1].shipment_id",
            "Duplicate shipment_id 'SHP-1': expected each shipment once in a file, "
            "found it also at $[0].shipment_id.",
        ),
        (
            "$[2].units[0].sscc",
            f"SSCC '{SSCC_B}' in two shipments: expected it only in shipment 'SHP-1', "
            "found it also in 'SHP-3' (first at $[1].units[0].sscc).",
        ),
    ]


def test_a_refused_file_reports_every_problem_and_no_manifest() -> None:
    data = [base(), mutated("units.0.sscc", "1"), mutated("direction", "up")]
    result = parse_manifest_json(json.dumps(data), "t.json")
    assert result.manifests == ()
    assert not result.ok
    assert [p.where for p in result.problems] == ["$[1].units[0].sscc", "$[2].direction"]
    assert str(result.problems[1]) == (
        "$[2].direction: Invalid direction 'up': expected 'inbound' or 'outbound'."
    )


def test_scanned_text_in_messages_is_printable() -> None:
    data = mutated("units.0.sscc", "\x1b[31m\x1d0061414126")
    ((where, message),) = json_problems(data)
    assert where == "$.units[0].sscc"
    assert message == (
        "Invalid SSCC '\\\\x1b[31m<GS>0061414126': expected 18 digits, found other characters."
    )


# --- the rules, CSV -------------------------------------------------------------------------

HEADER = (
    "shipment_id,direction,bill_of_lading,sscc,packaging,gtin,lot,serial,quantity,country,region"
)


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_ROW = f"SHP-1,inbound,BOL-1,{SSCC_A},pallet,{GTIN_13},L1,,31,VN,VN-54"

CSV_RULES = [
    (
        csv_of(GOOD_ROW, header=HEADER.replace("gtin", "gtn")),
        [
            (
                'line 1, column "gtn"',
                "Unknown column 'gtn': expected one of the documented columns; "
                "did you mean 'gtin'?",
            )
        ],
    ),
    (
        csv_of("SHP-1,inbound", header="shipment_id,direction,zzzz"),
        [
            (
                'line 1, column "zzzz"',
                "Unknown column 'zzzz': expected one of the documented columns ("
                + ", ".join(CSV_COLUMNS)
                + ").",
            )
        ],
    ),
    (
        csv_of("SHP-1", header="shipment_id"),
        [
            (
                "line 1",
                "Missing column 'direction': expected it in the header, found only 'shipment_id'.",
            )
        ],
    ),
    (
        csv_of("SHP-1,inbound,x", header="shipment_id,direction,Shipment_ID"),
        [("line 1, column 3", "Duplicate column 'Shipment_ID': expected each column once.")],
    ),
    (
        "shipment_id;direction;sscc\nSHP-1;inbound;x\n",
        [
            (
                "line 1",
                "Unreadable CSV header 'shipment_id;direction;sscc': expected comma-separated "
                "column names, found another separator.",
            )
        ],
    ),
    ("", [("line 1", "Empty CSV: expected a header row naming the columns, found no rows.")]),
    (
        csv_of(),
        [("line 2", "No rows: expected at least one row after the header, found none.")],
    ),
    (
        csv_of(GOOD_ROW, GOOD_ROW.replace("BOL-1", "BOL-2").replace(SSCC_A, SSCC_B)),
        [
            (
                'line 3, column "bill_of_lading"',
                "Value 'BOL-2' disagrees with line 2 of shipment 'SHP-1': expected 'BOL-1', "
                "found 'BOL-2'.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW, GOOD_ROW.replace("pallet", "crate").replace(",L1,", ",L2,")),
        [
            (
                'line 3, column "packaging"',
                f"Value 'crate' disagrees with line 2 of SSCC '{SSCC_A}': expected 'pallet', "
                "found 'crate'.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace(",31,", ",-31,")),
        [
            (
                'line 2, column "quantity"',
                "Invalid quantity '-31': expected a positive number such as 31 or 12.5.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace(",31,", ",1e3,")),
        [
            (
                'line 2, column "quantity"',
                "Invalid quantity '1e3': expected a positive number such as 31 or 12.5.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace(",31,", ",0.0000001,")),
        [
            (
                'line 2, column "quantity"',
                "Invalid quantity 0.0000001: expected at most 6 decimal places, found 7.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace(SSCC_A, SSCC_A[:-1] + "9")),
        [
            (
                'line 2, column "sscc"',
                f"Invalid SSCC check digit in '{SSCC_A[:-1]}9': expected 6, found 9.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace(",VN,VN-54", ",VN,CN-XJ")),
        [
            (
                'line 2, column "region"',
                "Region 'CN-XJ' is not in country 'VN': expected a region starting with 'VN-', "
                "found 'CN'.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace("inbound", "Inbound")),
        [
            (
                'line 2, column "direction"',
                "Invalid direction 'Inbound': expected 'inbound' or 'outbound'.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace("SHP-1,inbound", ",inbound")),
        [
            (
                'line 2, column "shipment_id"',
                "Missing shipment_id: expected a non-empty value, found an empty cell.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace("SHP-1,inbound", "SHP-1,")),
        [
            (
                'line 2, column "direction"',
                "Missing direction: expected 'inbound' or 'outbound', found an empty cell.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW.replace(",pallet,", ",,")),
        [
            (
                'line 2, column "packaging"',
                "Missing packaging: expected a packaging form such as 'pallet', "
                "found an empty cell.",
            )
        ],
    ),
    (
        csv_of(GOOD_ROW + ",extra"),
        [
            (
                "line 2, column 12",
                "Cell 'extra' outside the header: expected at most 11 cells, found 12.",
            )
        ],
    ),
    (
        csv_of(f"SHP-1,inbound,{SSCC_A},pallet,x", header="shipment_id,direction,sscc,packaging,"),
        [
            (
                "line 2, column 5",
                "Cell 'x' under an unnamed column: expected a column name in the header.",
            )
        ],
    ),
    (
        csv_of(f"SHP-1,inbound,BOL-1,,carton,{GTIN_13},,,1,,"),
        [
            (
                'line 2, column "lot"',
                f"Unit without SSCC: expected a lot or serial with GTIN '{GTIN_14}' to identify "
                "it, found neither.",
            )
        ],
    ),
    (
        csv_of("SHP-1,inbound,BOL-1,,carton,,,,,,"),
        [
            (
                'line 2, column "sscc"',
                "Unit without SSCC: expected exactly one content line with a GTIN and a lot or "
                "serial to identify it, found 0 content lines.",
            )
        ],
    ),
    (
        csv_of(
            f"SHP-1,inbound,BOL-1,,carton,{GTIN_13},,S1,1,,",
            f"SHP-1,inbound,BOL-1,{SSCC_A},pallet,{GTIN_13},,S1,1,,",
        ),
        [
            (
                'line 3, column "serial"',
                f"Duplicate serial 'S1' of GTIN '{GTIN_14}': expected each serialised item "
                'once, found it also at line 2, column "serial".',
            )
        ],
    ),
    (
        csv_of(
            f"SHP-1,inbound,BOL-1,{SSCC_A},pallet,,,,,,",
            f"SHP-2,inbound,BOL-1,{SSCC_A},pallet,,,,,,",
        ),
        [
            (
                'line 3, column "sscc"',
                f"SSCC '{SSCC_A}' in two shipments: expected it only in shipment 'SHP-1', "
                "found it also in 'SHP-2' (first at line 2, column \"sscc\").",
            )
        ],
    ),
    (
        csv_of(
            "SHP-1,inbound,,item,,7350053000070",
            header="shipment_id,direction,sscc,packaging,buyer,buyer_id",
        ),
        [
            (
                'line 2, column "buyer"',
                "Missing buyer: expected a name with buyer_id '7350053000070', found nothing.",
            ),
            (
                'line 2, column "sscc"',
                "Unit without SSCC: expected exactly one content line with a GTIN and a lot or "
                "serial to identify it, found 0 content lines.",
            ),
        ],
    ),
    (
        csv_of(
            f"SHP-1,inbound,{SSCC_A},pallet,maybe",
            header="shipment_id,direction,sscc,packaging,serials_required",
        ),
        [
            (
                'line 2, column "serials_required"',
                "Invalid serials_required 'maybe': expected true, false, yes, no, 1 or 0.",
            )
        ],
    ),
    (
        csv_of('SHP-1,"inbound"x'),
        [
            (
                "line 2",
                "Unreadable CSV: expected comma-separated cells, found ',' expected after '\"'.",
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CSV_RULES)
def test_csv_rule(text: str, expected: list[tuple[str, str]]) -> None:
    assert csv_problems(text) == expected


def test_csv_line_numbers_count_physical_lines() -> None:
    text = csv_of(
        f'SHP-1,inbound,BOL-1,{SSCC_A},pallet,,,,,,,"two\nlines"',
        f'SHP-1,inbound,BOL-1,{SSCC_B},pallet,{GTIN_13},,,0,,,"two\nlines"',
        header=HEADER + ",notes",
    )
    assert csv_problems(text) == [
        ('line 4, column "quantity"', "Invalid quantity 0: expected a positive number.")
    ]


# --- schema ---------------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", sorted(DEMO.glob("*.json")), ids=lambda p: p.name)
def test_schema_accepts_demo_json(path: Path) -> None:
    VALIDATOR.validate(json.loads(path.read_text(encoding="utf-8")))


def test_demo_files_parse_and_their_canonical_form_matches_the_schema() -> None:
    manifests = demo_manifests()
    assert sorted(m.shipment_id for m in manifests) == [
        *(f"SHP-100{i}" for i in range(1, 6)),
        "SHP-2101",
    ]
    for manifest in manifests:
        data = manifest.as_dict()
        VALIDATOR.validate(data)
        assert one(parse_manifest_json(json.dumps(data), "again.json")) == manifest
    VALIDATOR.validate([m.as_dict() for m in manifests])


def test_schema_accepts_the_test_fixtures() -> None:
    VALIDATOR.validate(base())
    VALIDATOR.validate(JSON_EQUIVALENT)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("units.0.sscc", "0061414126100100"),
        ("units.0.sscs", SSCC_A),
        ("manifest_version", 2),
        ("direction", "sideways"),
        ("units.1.contents.0.serial", DELETE),
        ("units.1.contents", []),
        (f"{PLACE}.region", "XJ"),
        (f"{LINE}.gtin", "12345"),
        (f"{LINE}.quantity", 0),
        (f"{LINE}.date_of_manufacture", "14.09.2026"),
        ("units", []),
        ("seller", {"id": "x"}),
    ],
)
def test_schema_rejects_broken_manifests(path: str, value: Any) -> None:
    assert not VALIDATOR.is_valid(mutated(path, value))
    assert not parse_manifest_json(json.dumps(mutated(path, value)), "t.json").ok


def test_schema_rejects_an_empty_list() -> None:
    assert not VALIDATOR.is_valid([])


# --- round trips ----------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12).filter(
    lambda s: s == s.strip() and s != ""
)
ID_TEXT = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
        include_characters=" ",
    ),
    min_size=1,
    max_size=12,
).filter(lambda s: s == s.strip() and s != "")
"""Identifiers hold only printable characters; free text (`TEXT`) holds anything."""
GS1_TEXT = st.text(
    st.sampled_from(
        "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    ),
    min_size=1,
    max_size=20,
)
DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
QUANTITIES = st.decimals(
    min_value=Decimal("0.000001"),
    max_value=Decimal("999999999.999999"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


def with_check_digit(payload: str) -> str:
    return payload + str(gs1_standard_check_digit(payload))


GTINS = st.text("0123456789", min_size=13, max_size=13).map(with_check_digit)
SSCCS = st.text("0123456789", min_size=17, max_size=17).map(with_check_digit)


@st.composite
def places(draw: st.DrawFn) -> Place:
    country = draw(st.none() | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2))
    region = None
    if country is not None and draw(st.booleans()):
        region = country + "-" + draw(st.text("ABCXYZ0123", min_size=1, max_size=3))
    place = Place(
        facility=draw(st.none() | TEXT),
        city=draw(st.none() | TEXT),
        country=country,
        region=region,
    )
    if place == Place():
        return Place(city="Somewhere")
    return place


def lines(**fixed: Any) -> st.SearchStrategy[ContentLine]:
    fields: dict[str, st.SearchStrategy[Any]] = {
        "gtin": st.none() | GTINS,
        "lot": st.none() | GS1_TEXT,
        "serial": st.none(),
        "quantity": st.none() | QUANTITIES,
        "uom": st.sampled_from(["EA", "KGM", "MTR"]),
        "vendor": st.none() | TEXT,
        "place_of_manufacture": st.none() | places(),
        "date_of_manufacture": st.none() | DATES,
        "product": st.none() | TEXT,
        "serials_required": st.booleans(),
    }
    fields.update({key: st.just(value) for key, value in fixed.items()})
    return st.builds(ContentLine, **fields)


@st.composite
def manifests(draw: st.DrawFn) -> Manifest:
    units: list[Unit] = []
    ssccs = draw(st.lists(SSCCS, max_size=4, unique=True))
    for sscc in ssccs:
        contents = draw(st.lists(lines(), max_size=3))
        units.append(Unit(sscc, draw(st.sampled_from(["pallet", "crate"])), tuple(contents)))
    # Loose items get distinct serials by position, so uniqueness holds.
    for i in range(draw(st.integers(0 if units else 1, 3))):
        gtin = draw(GTINS)
        line = draw(
            lines(gtin=gtin.zfill(14), serial=f"S{i}")
            | lines(gtin=gtin.zfill(14), lot=f"LOT{i}", serial=None)
        )
        units.append(Unit(None, "item", (line,)))
    parties = st.none() | st.builds(Party, name=TEXT, id=st.none() | ID_TEXT)
    lists = st.lists(ID_TEXT.filter(lambda s: ";" not in s), max_size=3).map(tuple)
    return Manifest(
        manifest_version=1,
        shipment_id=draw(ID_TEXT),
        direction=draw(st.sampled_from(Direction)),
        bill_of_lading=draw(st.none() | ID_TEXT),
        asn=draw(st.none() | ID_TEXT),
        purchase_orders=draw(lists),
        seller=draw(parties),
        buyer=draw(parties),
        carrier=draw(st.none() | TEXT),
        seals=draw(lists),
        units=tuple(draw(st.permutations(units))),
        expected_arrival=draw(st.none() | DATES),
        notes=draw(st.none() | TEXT),
    )


def to_csv(manifest: Manifest) -> str:
    """The CSV form of `manifest`, written the way an ERP export would be."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    shipment = {
        "shipment_id": manifest.shipment_id,
        "direction": manifest.direction.value,
        "bill_of_lading": manifest.bill_of_lading,
        "asn": manifest.asn,
        "purchase_orders": ";".join(manifest.purchase_orders),
        "seller": manifest.seller and manifest.seller.name,
        "seller_id": manifest.seller and manifest.seller.id,
        "buyer": manifest.buyer and manifest.buyer.name,
        "buyer_id": manifest.buyer and manifest.buyer.id,
        "carrier": manifest.carrier,
        "seals": ";".join(manifest.seals),
        "expected_arrival": manifest.expected_arrival and manifest.expected_arrival.isoformat(),
        "notes": manifest.notes,
    }
    for unit in manifest.units:
        unit_cells = {"sscc": unit.sscc, "packaging": unit.packaging}
        for line in unit.contents or (None,):
            cells: dict[str, Any] = {**shipment, **unit_cells}
            if line is not None:
                place = line.place_of_manufacture or Place()
                made = line.date_of_manufacture
                cells.update(
                    gtin=line.gtin,
                    lot=line.lot,
                    serial=line.serial,
                    quantity=None if line.quantity is None else format(line.quantity, "f"),
                    uom=line.uom,
                    product=line.product,
                    vendor=line.vendor,
                    facility=place.facility,
                    city=place.city,
                    country=place.country,
                    region=place.region,
                    date_of_manufacture=made and made.isoformat(),
                    serials_required="yes" if line.serials_required else "no",
                )
            writer.writerow([cells.get(column) or "" for column in CSV_COLUMNS])
    return buffer.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifests())
def test_round_trip_through_json_and_csv(manifest: Manifest) -> None:
    again = parse_manifest_json(json.dumps(manifest.as_dict()), "t.json")
    assert again.problems == ()
    assert again.manifests == (manifest,)
    assert one(parse_manifest_csv(to_csv(manifest), "t.csv")) == manifest


def test_demo_csv_round_trip() -> None:
    for manifest in demo_manifests():
        assert one(parse_manifest_csv(to_csv(manifest), "t.csv")) == manifest


# --- never raises ---------------------------------------------------------------------------


def check_result(result: ParsedManifests) -> None:
    assert isinstance(result, ParsedManifests)
    assert bool(result.manifests) != bool(result.problems)
    for problem in result.problems:
        assert isinstance(problem, ManifestProblem)
        assert problem.where
        assert problem.message
        assert "\n" not in problem.message
        assert "\n" not in problem.where


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    check_result(parse_manifest_json(text, "t.json"))
    check_result(parse_manifest_csv(text, "t.csv"))


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_arbitrary_json_never_raises(value: Any) -> None:
    text = json.dumps(value)
    check_result(parse_manifest_json(text, "t.json"))
    check_result(parse_manifest_csv(text, "t.csv"))


def _mutations(data: Any) -> st.SearchStrategy[Any]:
    """`data` with one value somewhere inside replaced by an arbitrary JSON value."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, (*path, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, (*path, index))

    walk(data, ())

    def apply(path: tuple[Any, ...], value: Any) -> Any:
        if not path:
            return value
        copied = copy.deepcopy(data)
        node = copied
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
        return copied

    return st.builds(apply, st.sampled_from(paths), JSON_VALUES)


@settings(max_examples=300, deadline=None)
@given(_mutations(JSON_EQUIVALENT))
def test_manifest_shaped_json_never_raises(value: Any) -> None:
    check_result(parse_manifest_json(json.dumps(value), "t.json"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), max_size=len(CSV_COLUMNS) + 2), max_size=6))
def test_csv_shaped_text_never_raises(rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    check_result(parse_manifest_csv(buffer.getvalue(), "t.csv"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "shipment_id": st.sampled_from(["SHP-1", "SHP-2", "", " "]),
                "direction": st.sampled_from(["inbound", "outbound", "x", ""]),
                "sscc": st.sampled_from([SSCC_A, SSCC_B, "", "123"]),
                "packaging": st.sampled_from(["pallet", "", "item"]),
                "gtin": st.sampled_from([GTIN_13, GTIN_B, "", "1"]),
                "lot": st.sampled_from(["L1", "", "L 1"]),
                "serial": st.sampled_from(["S1", ""]),
                "quantity": st.sampled_from(["1", "0", "1.5", "x", ""]),
                "country": st.sampled_from(["VN", "cn", "", "X"]),
                "region": st.sampled_from(["CN-XJ", "VN-54", "", "XJ"]),
                "seller_id": st.sampled_from(["1", ""]),
                "date_of_manufacture": st.sampled_from(["2026-01-01", "2026-02-30", ""]),
                "serials_required": st.sampled_from(["yes", "no", "?", ""]),
            },
        ),
        min_size=1,
        max_size=6,
    )
)
def test_csv_rows_near_valid_never_raise(rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in CSV_COLUMNS])
    check_result(parse_manifest_csv(buffer.getvalue(), "t.csv"))
