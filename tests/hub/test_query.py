"""GET /events: the binding's filters, and keyset pages that stay right while events arrive."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.hub.support import Hub, document, object_event


def loc() -> str:
    """A bizLocation no other test uses: it keeps each test's events apart."""
    return f"urn:epc:id:sgln:0614141.{uuid.uuid4().int % 10**5:05d}.0"


def ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    events = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [e["eventID"] for e in events]


def capture(client: httpx.Client, events: list[dict]) -> None:
    job = client.post("/capture", json=document(events)).json()
    assert job["success"], job


def test_filters_select_what_the_binding_says(hub: Hub) -> None:
    where = loc()
    epc, child, made = (
        f"urn:epc:id:sgtin:0614141.107346.{uuid.uuid4().int % 10**9}" for _ in range(3)
    )
    seen = object_event(
        epc,
        bizLocation={"id": where},
        eventTime="2026-01-10T08:00:00+01:00",
        eventTimeZoneOffset="+01:00",
    )
    held = object_event(
        bizLocation={"id": where},
        bizStep="https://ref.gs1.org/cbv/BizStep-holding",
        disposition="https://ref.gs1.org/cbv/Disp-non_conformant",
        readPoint={"id": "urn:epc:id:sgln:0614141.07346.9999"},
        eventTime="2026-02-10T08:00:00Z",
    )
    packed = {
        "type": "AggregationEvent",
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": "2026-03-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "parentID": "urn:epc:id:sscc:0614141.1234567890",
        "childEPCs": [child],
        "bizStep": "packing",
        "bizLocation": {"id": where},
    }
    transformed = {
        "type": "TransformationEvent",
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": "2026-04-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "inputEPCList": [epc],
        "outputEPCList": [made],
        "bizStep": "commissioning",
        "bizLocation": {"id": where},
    }
    with hub.client("admin-a") as client:
        capture(client, [seen, held, packed, transformed])

        def query(**params: str) -> list[str]:
            return ids(client.get("/events", params={"EQ_bizLocation": where, **params}))

        assert query() == [e["eventID"] for e in (seen, held, packed, transformed)]
        assert query(EQ_bizStep="holding") == [held["eventID"]]
        assert query(EQ_bizStep="holding|packing") == [held["eventID"], packed["eventID"]]
        assert query(EQ_disposition="non_conformant") == [held["eventID"]]
        assert query(EQ_readPoint="urn:epc:id:sgln:0614141.07346.9999") == [held["eventID"]]
        assert query(MATCH_epc=epc) == [seen["eventID"]]
        assert query(MATCH_anyEPC=epc) == [seen["eventID"], transformed["eventID"]]
        assert query(MATCH_epc=child) == [packed["eventID"]]
        assert query(MATCH_epc="urn:epc:id:sscc:0614141.1234567890") == []
        assert query(MATCH_anyEPC="urn:epc:id:sscc:0614141.1234567890") == [packed["eventID"]]
        assert query(MATCH_anyEPC=made) == [transformed["eventID"]]
        assert query(eventType="TransformationEvent|AggregationEvent") == [
            packed["eventID"],
            transformed["eventID"],
        ]
        assert query(GE_eventTime="2026-02-10T08:00:00Z", LT_eventTime="2026-04-01T00:00:00Z") == [
            held["eventID"],
            packed["eventID"],
        ]
        # 08:00+01:00 is 07:00Z: before 07:30Z.
        assert query(LT_eventTime="2026-01-10T07:30:00Z") == [seen["eventID"]]
        later = object_event(bizLocation={"id": where})
        capture(client, [later])
        listed = client.get("/events", params={"EQ_bizLocation": where}).json()
        times = [
            e["recordTime"] for e in listed["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        ]
        assert len(set(times[:4])) == 1 and times[4] > times[0]
        assert query(GE_recordTime=times[4]) == [later["eventID"]]
        assert len(query(GE_recordTime=times[0])) == 5
        assert query(GE_recordTime="2999-01-01T00:00:00Z") == []


def test_pages_stay_correct_while_events_arrive(hub: Hub) -> None:
    where = loc()
    with hub.client("admin-a") as client, hub.client("admin-a") as writer:
        first = [object_event(bizLocation={"id": where}) for _ in range(10)]
        capture(writer, first)
        expected = [e["eventID"] for e in first]
        seen: list[str] = []
        answer = client.get("/events", params={"EQ_bizLocation": where, "perPage": 3})
        pages = 0
        while True:
            seen += ids(answer)
            pages += 1
            if pages <= 3:
                more = [object_event(bizLocation={"id": where}) for _ in range(2)]
                capture(writer, more)
                expected += [e["eventID"] for e in more]
            link = answer.headers.get("Link")
            if link is None:
                break
            url = link.split(";")[0].strip("<>")
            assert link.endswith('; rel="next"') and url.startswith("/events?")
            answer = client.get(url)
        assert seen == expected
        assert len(seen) == len(set(seen)) == 16


def test_page_tokens_are_tied_to_their_filters(hub: Hub) -> None:
    where = loc()
    with hub.client("admin-a") as client:
        capture(client, [object_event(bizLocation={"id": where}) for _ in range(3)])
        answer = client.get("/events", params={"EQ_bizLocation": where, "perPage": 1})
        token = dict(parse_qsl(urlsplit(answer.headers["Link"].split(";")[0].strip("<>")).query))[
            "nextPageToken"
        ]
        other = client.get("/events", params={"EQ_bizLocation": loc(), "nextPageToken": token})
        assert other.status_code == 400
        assert other.json()["type"] == "epcisException:QueryParameterException"
        for params in (
            {"nextPageToken": "garbage!"},
            {"perPage": "0"},
            {"perPage": "100000"},
            {"perPage": "ten"},
            {"perPage": "\u00b2"},
            {"GE_eventTime": "yesterday"},
            {"GE_eventTime": "2026-01-01T00:00:00"},
            {"EQ_bizStep": "a||b"},
            {"NOT_aParameter": "x"},
        ):
            answer = client.get("/events", params=params)
            assert answer.status_code == 400, params
            assert answer.json()["type"] == "epcisException:QueryParameterException"


def test_lots_are_matched_by_class(hub: Hub) -> None:
    """MATCH_epcClass: quantityList and childQuantityList; MATCH_anyEPCClass also the
    inputs and outputs of a transformation (the binding's rule for classes)."""
    lot = f"https://id.gs1.org/01/09506000134352/10/Q{uuid.uuid4().hex[:8]}"
    made = f"urn:station:lot:M{uuid.uuid4().hex[:8]}"
    seen = object_event(epcList=[], quantityList=[{"epcClass": lot, "quantity": 5}])
    transformed = {
        "type": "TransformationEvent",
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": seen["eventTime"],
        "eventTimeZoneOffset": "+00:00",
        "inputQuantityList": [{"epcClass": lot, "quantity": 5}],
        "outputQuantityList": [{"epcClass": made, "quantity": 5}],
    }
    with hub.client("admin-a") as client:
        assert client.post("/capture", json=document([seen, transformed])).json()["success"]

        def found(**params: str) -> set[str]:
            answer = client.get("/events", params=params)
            assert answer.status_code == 200, answer.text
            body = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            return {e["eventID"] for e in body}

        assert found(MATCH_epcClass=lot) == {seen["eventID"]}
        assert found(MATCH_anyEPCClass=lot) == {seen["eventID"], transformed["eventID"]}
        assert found(MATCH_anyEPCClass=made) == {transformed["eventID"]}
        assert found(MATCH_epc=lot) == set()
