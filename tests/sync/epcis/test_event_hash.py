"""GS1's canonical event hash: the reference generator's published hashes, invariance
under rewriting, sensitivity to content, and the station's own events."""

from __future__ import annotations

import copy
import doctest
import importlib
from typing import Any

import pytest

from station.sync.epcis import event_hash, prehash
from station.sync.epcis.canonical import canonical_time
from station.sync.epcis.dl_canonical import canonical_dl
from tests.sync.epcis.reference_vectors import VECTORS, reference_event

HEX = "ni:///sha-256;{}?ver=CBV2.0"


@pytest.mark.parametrize(
    ("name", "context", "event", "digest"), VECTORS, ids=[v[0] for v in VECTORS]
)
def test_the_reference_generators_published_hashes(
    name: str, context: Any, event: dict[str, Any], digest: str
) -> None:
    assert event_hash(event, context) == HEX.format(digest), prehash(event, context)


def test_the_reference_pre_hash_string() -> None:
    ns = "{https://ns.example.com/epcis/}"
    assert prehash(reference_event(), [{"example": "https://ns.example.com/epcis/"}]) == (
        "eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00"
        "epcListepc=https://id.gs1.org/00/040123450000001112"
        "epc=https://id.gs1.org/00/040123450000002225epc=https://id.gs1.org/00/040123450000003338"
        "action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departing"
        "readPointid=https://id.gs1.org/414/4012345000115/254/987"
        f"{ns}myField1{ns}mySubField1=2{ns}mySubField2=5{ns}myField2=0"
        f"{ns}myField3{ns}mySubField3=1{ns}mySubField3=3"
    )


def _station_event() -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventTime": "2026-11-23T15:00:00.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "eventID": "urn:uuid:6f630255-cf07-4fdb-8b75-5e57fa03833a",
        "epcList": ["https://id.gs1.org/00/006141412610010016"],
        "quantityList": [
            {"epcClass": "https://id.gs1.org/01/00614141550012/10/SM550-2609A", "quantity": 31}
        ],
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "readPoint": {"id": "https://id.gs1.org/414/8930000000019/254/DOCK-1"},
        "bizTransactionList": [
            {"type": "po", "bizTransaction": "urn:station:po:PO-1"},
            {"type": "bol", "bizTransaction": "urn:station:bol:B-1"},
        ],
        "st:seq": 14,
        "st:findings": [{"st:code": "SEAL_MISMATCH"}],
    }


def test_the_same_event_written_differently_has_the_same_hash() -> None:
    event = _station_event()
    base = event_hash(event, {"st": "https://station.example/ns/epcis/"})
    rewritten = {k: event[k] for k in reversed(list(event))}
    rewritten["eventTime"] = "2026-11-23T08:00:00Z"  # the same instant in UTC
    rewritten["epcList"] = ["urn:epc:id:sscc:0614141.0261001001"]  # its EPC URI
    rewritten["quantityList"] = [
        {"epcClass": "urn:epc:class:lgtin:0614141.055001.SM550-2609A", "quantity": 31.0}
    ]
    rewritten["bizStep"] = "urn:epcglobal:cbv:bizstep:receiving"
    rewritten["bizTransactionList"] = list(reversed(event["bizTransactionList"]))
    rewritten["eventID"] = "urn:uuid:00000000-0000-4000-8000-000000000000"  # not hashed
    rewritten["recordTime"] = "2030-01-01T00:00:00Z"  # not hashed
    assert event_hash(rewritten, [{"st": "https://station.example/ns/epcis/"}]) == base


@pytest.mark.parametrize(
    "change",
    [
        ("eventTime", "2026-11-23T15:00:00.001+07:00"),
        ("disposition", "non_conformant"),
        ("st:seq", 15),
        ("st:findings", [{"st:code": "SEAL_DAMAGED"}]),
        ("readPoint", {"id": "https://id.gs1.org/414/8930000000019"}),
    ],
)
def test_any_change_of_content_changes_the_hash(change: tuple[str, Any]) -> None:
    event = _station_event()
    changed = copy.deepcopy(event)
    changed[change[0]] = change[1]
    assert event_hash(changed) != event_hash(event)


def test_an_added_field_changes_the_hash() -> None:
    event = _station_event()
    assert event_hash({**event, "st:operator": "op-ana"}) != event_hash(event)


def test_timestamps_round_to_the_millisecond_half_up() -> None:
    assert canonical_time("2023-02-02T11:04:03.1415Z") == "2023-02-02T11:04:03.142Z"
    assert canonical_time("2023-02-02T11:04:03.1414Z") == "2023-02-02T11:04:03.141Z"
    assert canonical_time("2023-12-31T23:59:59.9995+00:00") == "2024-01-01T00:00:00.000Z"
    assert canonical_time("2020-09-29T14:00:00+02:00") == "2020-09-29T12:00:00.000Z"


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("urn:epc:id:sgtin:0614141.107346.2018", "https://id.gs1.org/01/10614141073464/21/2018"),
        (
            "urn:epc:class:lgtin:4012345.012345.998877",
            "https://id.gs1.org/01/04012345123456/10/998877",
        ),
        ("urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"),
        ("urn:epc:id:pgln:4012345.00225", "https://id.gs1.org/417/4012345002256"),
        ("urn:epc:id:gdti:0614141.00001.1618034", "https://id.gs1.org/253/06141410000121618034"),
        ("urn:epc:id:gsrn:0614141.0000010253", "https://id.gs1.org/8018/061414100000102534"),
        ("urn:epc:id:giai:4012345.ABC", "https://id.gs1.org/8004/4012345ABC"),
        ("https://id.gs1.de/00/040123451111111110", "https://id.gs1.org/00/040123451111111110"),
        (
            "https://example.org/01/9506000134352/10/L1/21/S1",
            "https://id.gs1.org/01/09506000134352/21/S1",
        ),
        ("https://example.com/253/4012345000054987", "https://id.gs1.org/253/4012345000054987"),
    ],
)
def test_identifiers_become_constrained_canonical_digital_links(value: str, canonical: str) -> None:
    assert canonical_dl(value) == canonical


@pytest.mark.parametrize(
    "value", ["urn:station:lot:L1", "geo:50.9,6.9", "https://example.com/about"]
)
def test_other_uris_are_left_alone(value: str) -> None:
    assert canonical_dl(value) is None


@pytest.mark.parametrize(
    "module",
    ["canonical", "dl_canonical", "identifiers", "vocabulary"],
)
def test_module_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"station.sync.epcis.{module}"))
    assert result.attempted > 0 and result.failed == 0
