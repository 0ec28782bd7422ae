"""Capture per the REST binding: limits, rollback and proceed, idempotency, conflicts,
error declarations, one event by POST /events, and clear refusals of bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.hub.conftest import BACKENDS, launch
from tests.hub.support import Hub, document, object_event

MAX_EVENTS = 5
MAX_BYTES = 40_000
JSONLD = {"Content-Type": "application/ld+json"}


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    limits = f"[hub.capture]\nmax_events = {MAX_EVENTS}\nmax_bytes = {MAX_BYTES}\n"
    yield from launch(request, request.param, tmp_path_factory.mktemp("hub"), limits)


def capture(client, doc: dict, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/capture", content=json.dumps(doc), headers={**JSONLD, **headers})


def stored(client, event_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    answer = client.get(f"/events/{quote(event_id, safe='')}")
    if answer.status_code == 404:
        return []
    assert answer.status_code == 200, answer.text
    return answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def test_the_limits_are_announced_on_options_and_post(hub: Hub) -> None:
    with hub.client("admin-a") as client:
        options = client.options("/capture")
        assert options.status_code == 204
        assert options.headers["GS1-EPCIS-Capture-Limit"] == str(MAX_EVENTS)
        assert options.headers["GS1-EPCIS-Capture-File-Size-Limit"] == str(MAX_BYTES)
        answer = capture(client, document([object_event()]))
        assert answer.status_code == 202
        assert answer.headers["GS1-EPCIS-Capture-Limit"] == str(MAX_EVENTS)


def test_one_event_over_the_count_limit_is_refused_with_413(hub: Hub) -> None:
    events = [object_event() for _ in range(MAX_EVENTS + 1)]
    with hub.client("admin-a") as client:
        answer = capture(client, document(events))
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "epcisException:CaptureLimitExceededException"
        assert answer.headers["GS1-EPCIS-Capture-Limit"] == str(MAX_EVENTS)
        assert all(stored(client, e["eventID"]) == [] for e in events)
        assert capture(client, document(events[:MAX_EVENTS])).status_code == 202


def test_a_body_over_the_size_limit_is_refused_with_413(hub: Hub) -> None:
    big = object_event(**{"st:note": "x" * MAX_BYTES})
    with hub.client("admin-a") as client:
        answer = capture(client, document([big]))
        assert answer.status_code == 413
        assert answer.json()["type"] == "epcisException:CaptureLimitExceededException"
        assert stored(client, big["eventID"]) == []


def test_rollback_stores_nothing_when_one_event_is_bad(hub: Hub) -> None:
    good, bad = object_event(), object_event(eventTime="yesterday")
    with hub.client("admin-a") as client:
        answer = capture(client, document([good, bad]))
        assert answer.status_code == 202
        job = answer.json()
        assert job["success"] is False and job["captureErrorBehaviour"] == "rollback"
        assert "eventList[1].eventTime" in job["errors"][0]["detail"]
        assert job["errors"][0]["type"] == "epcisException:ValidationException"
        assert stored(client, good["eventID"]) == []
        again = client.get(answer.headers["Location"]).json()
        assert again["success"] is False and again["errors"] == job["errors"]


def test_proceed_stores_the_good_events_and_reports_the_bad(hub: Hub) -> None:
    good, bad = object_event(), object_event(action="JUMP")
    with hub.client("admin-a") as client:
        answer = capture(
            client, document([bad, good]), **{"GS1-Capture-Error-Behaviour": "proceed"}
        )
        job = answer.json()
        assert job["success"] is False and job["captureErrorBehaviour"] == "proceed"
        assert job["st:storedCount"] == 1
        assert "eventList[0].action" in job["errors"][0]["detail"]
        assert [e["eventID"] for e in stored(client, good["eventID"])] == [good["eventID"]]
        assert stored(client, bad["eventID"]) == []


def test_the_same_event_again_is_acknowledged_and_stored_once(hub: Hub) -> None:
    event = object_event()
    with hub.client("admin-a") as client:
        first = capture(client, document([event])).json()
        second = capture(client, document([event])).json()
        assert first["success"] and second["success"]
        assert (first["st:storedCount"], second["st:storedCount"]) == (1, 0)
        assert len(stored(client, event["eventID"])) == 1


def test_the_same_event_id_with_other_content_is_refused_and_reported(hub: Hub) -> None:
    event = object_event()
    changed = {**event, "disposition": "damaged"}
    with hub.client("admin-a") as client:
        assert capture(client, document([event])).json()["success"]
        job = capture(client, document([changed])).json()
        assert job["success"] is False
        assert job["errors"][0]["type"] == "epcisException:ResourceAlreadyExistsException"
        assert event["eventID"] in job["errors"][0]["detail"]
        [kept] = stored(client, event["eventID"])
        assert kept["disposition"] == "in_progress"


def test_the_same_event_id_twice_in_one_document_with_other_content_is_refused(hub: Hub) -> None:
    event = object_event()
    with hub.client("admin-a") as client:
        job = capture(client, document([event, {**event, "bizStep": "shipping"}])).json()
        assert job["success"] is False
        assert "appears twice" in job["errors"][0]["detail"]
        assert stored(client, event["eventID"]) == []


def test_an_error_declaration_is_stored_beside_the_original(hub: Hub) -> None:
    event = object_event()
    declaration = {
        **event,
        "errorDeclaration": {"declarationTime": "2026-12-01T10:00:00Z", "reason": "incorrect_data"},
    }
    with hub.client("admin-a") as client:
        assert capture(client, document([event])).json()["success"]
        job = capture(client, document([declaration])).json()
        assert job["success"] and job["st:storedCount"] == 1
        both = stored(client, event["eventID"])
        assert len(both) == 2
        assert sum("errorDeclaration" in e for e in both) == 1
        assert capture(client, document([declaration])).json()["st:storedCount"] == 0


def test_post_events_answers_201_then_409(hub: Hub) -> None:
    event = {
        **object_event(),
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    }
    with hub.client("admin-a") as client:
        created = client.post("/events", json=event)
        assert created.status_code == 201, created.text
        assert created.headers["Location"] == f"/events/{quote(event['eventID'], safe='')}"
        assert client.get(created.headers["Location"]).status_code == 200
        again = client.post("/events", json=event)
        assert again.status_code == 409
        assert again.json()["type"] == "epcisException:ResourceAlreadyExistsException"
        other = client.post("/events", json={**event, "bizStep": "shipping"})
        assert other.status_code == 409
        assert len(stored(client, event["eventID"])) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "said"),
    [
        (b"{not json", "application/json", 400, "not JSON"),
        (b"\xff\xfe", "application/json", 400, "not UTF-8"),
        (b"[]", "application/json", 400, "JSON object"),
        (b'{"type": "EPCISDocument"}', "application/json", 400, "required property"),
        (b"<xml/>", "application/xml", 415, "application/json"),
    ],
)
def test_bad_bodies_get_a_clear_problem_and_no_traceback(
    hub: Hub, body: bytes, content_type: str, status: int, said: str
) -> None:
    with hub.client("admin-a") as client:
        answer = client.post("/capture", content=body, headers={"Content-Type": content_type})
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"
        assert said in answer.json()["detail"]
        assert "Traceback" not in answer.text


def test_an_unknown_behaviour_header_is_refused(hub: Hub) -> None:
    with hub.client("admin-a") as client:
        answer = capture(
            client, document([object_event()]), **{"GS1-Capture-Error-Behaviour": "sometimes"}
        )
        assert answer.status_code == 400
        assert "rollback or proceed" in answer.json()["detail"]


def test_control_characters_in_input_are_not_echoed_raw(hub: Hub) -> None:
    with hub.client("admin-a") as client:
        answer = client.get("/events", params={"EQ_bizStep\x1b[2J": "x"})
        assert answer.status_code == 400
        assert "\x1b" not in answer.text and "\\x1b" in answer.json()["detail"]


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_text_no_backend_can_store_is_refused_with_its_path(hub: Hub, text: str) -> None:
    """Found by the fuzz: PostgreSQL's jsonb refuses U+0000, UTF-8 has no lone surrogates."""
    bad, good = object_event(**{"st:note": text}), object_event()
    with hub.client("admin-a") as client:
        body = json.dumps(document([good, bad]))
        job = client.post(
            "/capture", content=body, headers={**JSONLD, "GS1-Capture-Error-Behaviour": "proceed"}
        ).json()
        assert job["st:storedCount"] == 1
        assert "eventList[1].st:note" in job["errors"][0]["detail"]
        single = {**bad, "@context": document([])["@context"]}
        answer = client.post("/events", content=json.dumps(single), headers=JSONLD)
        assert answer.status_code == 400 and "$.st:note" in answer.json()["detail"]
