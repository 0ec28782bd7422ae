"""Station events as EPCIS: steps, dispositions, identifiers, documents, extensions, ids."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest

from station.bootstrap import Station
from station.domain.events import EventKind, StoredEvent
from station.sync.epcis import (
    GENESIS_HASH,
    MAPPERS,
    NO_EPCIS,
    EpcisMappingError,
    EpcisSettings,
    EpcisSettingsError,
    build_capture_document,
    event_hash,
)
from tests.sync.epcis.support import RISKY, busy_log, settings_for
from tests.workflows.release_support import GTIN, P1

Json = dict[str, Any]


@pytest.fixture
def busy(station: Station) -> tuple[Station, list[StoredEvent]]:
    return station, busy_log(station)


def _doc(station: Station, events: list[StoredEvent]) -> Json:
    return build_capture_document(events, settings_for(station), resolve=station.log.event_by_id)


def _of(document: Json, kind: str) -> list[Json]:
    return [e for e in document["epcisBody"]["eventList"] if e["st:kind"] == kind]


def test_every_kind_is_either_mapped_or_named_as_having_no_epcis_meaning() -> None:
    covered = set(MAPPERS) | set(NO_EPCIS) | {EventKind.ACTION_UNDONE}
    assert covered == set(EventKind)
    assert not set(MAPPERS) & set(NO_EPCIS)


def test_receiving_is_an_object_event_with_cbv_names_documents_and_parties(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    document = _doc(station, events)
    received = [e for e in _of(document, "unit.received") if e["type"] == "ObjectEvent"]
    clean = next(
        e
        for e in received
        if e["epcList"] == [f"https://id.gs1.org/00/{P1}"] and "errorDeclaration" not in e
    )
    stored = next(s for s in events if s.seq == clean["st:seq"])
    assert clean["eventID"] == f"urn:uuid:{stored.event.id}"
    assert (clean["action"], clean["bizStep"], clean["disposition"]) == (
        "OBSERVE",
        "receiving",
        "in_progress",
    )
    assert clean["eventTimeZoneOffset"] == "+07:00"
    assert clean["eventTime"] == "2026-11-23T15:00:00.000+07:00"
    assert clean["readPoint"] == {"id": "https://id.gs1.org/414/8930000000019/254/DOCK-1"}
    assert clean["bizLocation"] == {"id": "https://id.gs1.org/414/8930000000019"}
    assert clean["bizTransactionList"] == [
        {"type": "bol", "bizTransaction": "urn:station:bol:BOL-778001"},
        {"type": "desadv", "bizTransaction": "urn:station:desadv:ASN-26-1001"},
        {"type": "po", "bizTransaction": "urn:station:po:PO-45001"},
    ]
    assert {"type": "owning_party", "source": "https://id.gs1.org/417/0614141000012"} in clean[
        "sourceList"
    ]
    assert clean["st:operator"] == "op-ana" and clean["st:status"] == "accepted"
    held = next(e for e in received if e["epcList"] == [f"https://id.gs1.org/00/{RISKY}"])
    assert held["disposition"] == "non_conformant"
    assert [f["st:code"] for f in held["st:findings"]] == ["HIGH_RISK_ORIGIN"]


def test_pallet_contents_are_an_aggregation_event_with_a_derived_id(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    stored = next(s for s in events if s.event.kind is EventKind.UNIT_RECEIVED)
    document = _doc(station, [s for s in events if s.seq <= stored.seq])
    (pallet, contents) = [
        e for e in document["epcisBody"]["eventList"] if e["st:seq"] == stored.seq
    ]
    assert contents["type"] == "AggregationEvent"
    assert contents["parentID"] == pallet["epcList"][0]
    assert contents["childQuantityList"] == [
        {
            "epcClass": f"https://id.gs1.org/01/{GTIN}/10/SM550-2609A",
            "quantity": 31,
            "uom": "EA",
        }
    ]
    derived = uuid.uuid5(uuid.UUID(stored.event.id), "1")
    assert contents["eventID"] == f"urn:uuid:{derived}"


def test_new_lots_are_transformation_events_with_ilmd_and_pallets_aggregations(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    split, merge, repack, pallet = _of(_doc(station, events), "lot.transformed")
    assert split["type"] == "TransformationEvent"
    assert split["bizStep"] == "creating_class_instance" and repack["bizStep"] == "repackaging"
    assert split["inputEPCList"] == [f"https://id.gs1.org/00/{P1}"]
    outputs = split["outputQuantityList"]
    assert [o["quantity"] for o in outputs] == [15, 16]
    assert all(o["epcClass"].startswith(f"https://id.gs1.org/01/{GTIN}/10/") for o in outputs)
    assert split["ilmd"] == {
        "st:dateOfManufacture": "2026-11-23",
        "st:placeOfManufacture": {
            "st:facility": "Example Solar Works",
            "st:city": "Ho Chi Minh City",
            "st:country": "VN",
        },
        "st:vendor": "Example Solar Works",
    }
    assert merge["inputQuantityList"][0]["epcClass"].startswith(f"https://id.gs1.org/01/{GTIN}/10/")
    assert (pallet["type"], pallet["action"], pallet["bizStep"]) == (
        "AggregationEvent",
        "ADD",
        "packing",
    )
    assert pallet["parentID"].startswith("https://id.gs1.org/00/")
    assert len(pallet["childEPCs"]) == 2


def test_quarantine_decisions_carry_the_disposition_and_the_reason(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    document = _doc(station, events)
    (released,) = _of(document, "hold.released")
    assert (released["bizStep"], released["disposition"]) == ("inspecting", "conformant")
    assert released["st:reason"].startswith("Mill certificate MC-88")
    assert released["st:evidence"] == "MC-88" and released["st:decision"] == "release"
    assert released["st:operator"] == "op-chen"
    (rejected,) = _of(document, "hold.rejected")
    assert rejected["disposition"] == "non_conformant"
    assert rejected["st:rejectDisposition"] == "return_to_vendor"
    assert _of(document, "hold.note_added") == []
    (seal,) = [e for e in _of(document, "seal.checked") if e["disposition"] == "non_conformant"]
    assert seal["epcList"] == ["urn:station:shipment:SHP-1002"]
    assert seal["st:seal"] == {"st:number": "SL0041913", "st:status": "mismatch"}
    (damaged,) = _of(document, "unit.marked_damaged")
    assert (damaged["bizStep"], damaged["disposition"]) == ("holding", "damaged")


def test_shipping_names_the_documents_seals_and_buyer(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    (shipped,) = _of(_doc(station, events), "release.completed")
    assert (shipped["bizStep"], shipped["disposition"]) == ("shipping", "in_transit")
    assert {"type": "bol", "bizTransaction": "urn:station:bol:BOL-880001"} in shipped[
        "bizTransactionList"
    ]
    assert {"type": "po", "bizTransaction": "urn:station:po:PO-56001"} in shipped[
        "bizTransactionList"
    ]
    assert {
        "type": "owning_party",
        "destination": "https://id.gs1.org/417/8930000000026",
    } in shipped["destinationList"]
    assert shipped["st:seals"] == ["SL0050001"]
    assert len(shipped["epcList"]) == 1 and len(shipped["quantityList"]) == 1


def test_an_undo_is_an_error_declaration_of_the_undone_event(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    undo = next(s for s in events if s.event.kind is EventKind.ACTION_UNDONE)
    undone_id = undo.event.payload["undone_event_id"]
    document = _doc(station, events)
    declared = [e for e in document["epcisBody"]["eventList"] if "errorDeclaration" in e]
    assert {e["eventID"] for e in declared} >= {f"urn:uuid:{undone_id}"}
    assert all(e["errorDeclaration"]["reason"] == "incorrect_data" for e in declared)
    assert all(e["errorDeclaration"]["st:seq"] == undo.seq for e in declared)
    # The undo alone, with nothing to find the undone event by, is refused loudly.
    with pytest.raises(EpcisMappingError, match=r"action\.undone"):
        build_capture_document([undo], settings_for(station))
    alone = build_capture_document([undo], settings_for(station), resolve=station.log.event_by_id)
    assert len(alone["epcisBody"]["eventList"]) == len(declared)


def test_the_station_log_lists_every_event_and_its_chain_links(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    document = _doc(station, events)
    log = document["epcisHeader"]["st:stationLog"]
    assert log["stationId"] == station.config.station_id
    assert [e["seq"] for e in log["entries"]] == list(range(1, len(events) + 1))
    assert log["entries"][0]["prevHash"] == GENESIS_HASH
    assert all(
        later["prevHash"] == earlier["hash"]
        for earlier, later in zip(log["entries"], log["entries"][1:], strict=False)
    )
    kinds = {e["kind"] for e in log["entries"]}
    assert {"operator.logged_in", "scan.recorded", "manifest.imported"} <= kinds
    mapped = {e["st:kind"] for e in document["epcisBody"]["eventList"]}
    assert not mapped & {k.value for k in NO_EPCIS}
    assert document["@context"][1] == {"st": "https://station.example/ns/epcis/"}


def test_a_document_is_a_function_of_its_events(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    assert _doc(station, events[10:30]) == _doc(station, events[10:30])
    listed = _doc(station, events)["epcisBody"]["eventList"]
    originals = [e for e in listed if "errorDeclaration" not in e]
    hashes = {e["eventID"]: event_hash(e, settings_for(station)) for e in originals}
    assert len({hashes[e["eventID"]] for e in originals}) == len(originals)
    # An error declaration repeats its event: the hash, which leaves the declaration out,
    # names the same content.
    declared = [e for e in listed if "errorDeclaration" in e]
    assert declared and all(
        event_hash(e, settings_for(station)) == hashes[e["eventID"]] for e in declared
    )


def test_a_batch_must_be_one_contiguous_run_of_this_station(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    with pytest.raises(EpcisMappingError, match="does not follow"):
        build_capture_document([events[0], events[2]], settings_for(station))
    other = dataclasses.replace(
        events[0], event=dataclasses.replace(events[0].event, station_id="DOCK-9")
    )
    with pytest.raises(EpcisMappingError, match="DOCK-9"):
        build_capture_document([other], settings_for(station))


def test_settings_default_to_urns_and_refuse_what_they_cannot_use(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    plain = EpcisSettings(station_id="DOCK-1", site="HCM", urn_namespace="acme-sc")
    document = build_capture_document(events, plain, resolve=station.log.event_by_id)
    first = document["epcisBody"]["eventList"][0]
    assert first["readPoint"] == {"id": "urn:acme-sc:station:DOCK-1"}
    assert first["bizLocation"] == {"id": "urn:acme-sc:site:HCM"}
    assert first["eventTime"].endswith("+00:00")
    for bad, field in (
        ({"namespace": "station"}, "namespace"),
        ({"urn_namespace": "a b"}, "urn_namespace"),
        ({"read_point": "8930000000018"}, "read_point"),
        ({"time_zone_offset": "+7"}, "time_zone_offset"),
    ):
        with pytest.raises(EpcisSettingsError, match=field):
            EpcisSettings(station_id="DOCK-1", **bad)
