"""The hub's schema check (jsonschema-rs, formats on): the corpus examples pass, its stale
examples fail, a bad ``uri`` or ``date-time`` fails with its path, and it is fast enough
that validation no longer holds capture to about 1,000 events a second."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest

from station.hub.schema import document_errors, event_errors
from tests.hub.support import object_event
from tests.hub.test_corpus import CORPUS, EXAMPLES, events_of

MANIFEST = CORPUS.parent / "MANIFEST.json"
STALE = (
    json.loads(MANIFEST.read_text(encoding="utf-8"))["_about"]["summary"]["examples_invalid"]
    if MANIFEST.is_file()
    else []
)
needs_corpus = pytest.mark.skipif(not EXAMPLES, reason="../shared/corpus/epcis/JSON is absent")


def all_errors(document: Any) -> list[str]:
    found = document_errors(document)
    for i, event in enumerate(events_of(document)):
        found += event_errors(event, f"$.epcisBody.eventList[{i}]")
    return found


@needs_corpus
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_corpus_example_passes(path: Path) -> None:
    assert all_errors(json.loads(path.read_text(encoding="utf-8"))) == []


@needs_corpus
def test_the_corpus_names_five_stale_examples() -> None:
    assert len(STALE) == 5 and len(EXAMPLES) >= 40


@needs_corpus
@pytest.mark.parametrize("name", STALE)
def test_the_stale_examples_fail(name: str) -> None:
    document = json.loads((CORPUS.parent / name).read_text(encoding="utf-8"))
    assert all_errors(document) != []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("readPoint", {"id": "not a uri"}, '$.readPoint.id: "not a uri" is not a "uri"'),
        ("eventID", "urn:uuid:has space", '$.eventID: "urn:uuid:has space" is not a "uri"'),
        ("eventTime", "2026-13-01T00:00:00Z", "$.eventTime: "),
    ],
)
def test_formats_are_really_checked(field: str, value: Any, message: str) -> None:
    event = object_event()
    assert event_errors(event, "$") == []
    broken = {**copy.deepcopy(event), field: value}
    found = event_errors(broken, "$")
    assert any(e.startswith(message) for e in found), found


def test_an_any_of_error_names_the_field_not_the_alternatives() -> None:
    found = event_errors({**object_event(), "bizStep": 5}, "$.epcisBody.eventList[2]")
    assert found == ['$.epcisBody.eventList[2].bizStep: 5 is not of type "string"']


def test_a_document_is_checked_around_its_events() -> None:
    assert document_errors([]) == ["$: an EPCIS document is a JSON object"]
    found = document_errors({"type": "EPCISDocument", "epcisBody": {"eventList": []}})
    assert '$: "schemaVersion" is a required property' in found


def test_two_thousand_events_validate_well_under_a_second() -> None:
    """The Python validator took about 1 ms an event (2 s here, more on a loaded machine);
    jsonschema-rs takes about 10 µs. The bound leaves a factor of fifty for load."""
    events = [object_event() for _ in range(2000)]
    started = time.perf_counter()
    for i, event in enumerate(events):
        assert event_errors(event, f"$[{i}]") == []
    assert time.perf_counter() - started < 1.0
