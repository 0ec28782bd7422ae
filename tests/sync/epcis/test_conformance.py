"""Every document the station produces is valid EPCIS 2.0 (the corpus schema, Draft 7,
``uri`` really checked); the corpus examples are the positive control, its stale
examples the negative one. Skipped, with the reason, when ../shared is absent."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from station.bootstrap import Station
from station.domain.events import EventKind, StoredEvent
from station.sync.epcis import build_capture_document
from tests.sync.epcis.support import EPCIS_CORPUS, busy_log, errors, needs_corpus, settings_for
from tests.sync.epcis.synthetic import every_kind

pytestmark = needs_corpus


def _examples() -> list[Path]:
    return sorted((EPCIS_CORPUS / "JSON").rglob("*.json*")) if EPCIS_CORPUS.is_dir() else []


def _stale() -> list[str]:
    manifest = EPCIS_CORPUS / "MANIFEST.json"
    if not manifest.is_file():
        return []
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return list(data["_about"]["summary"]["examples_invalid"])


@pytest.fixture
def busy(station: Station) -> tuple[Station, list[StoredEvent]]:
    return station, busy_log(station)


def _document(station: Station, events: list[StoredEvent]) -> dict[str, Any]:
    return build_capture_document(events, settings_for(station), resolve=station.log.event_by_id)


def test_documents_from_a_real_log_validate_whole_and_in_batches(
    busy: tuple[Station, list[StoredEvent]],
) -> None:
    station, events = busy
    whole = _document(station, events)
    assert errors(whole) == []
    assert len(whole["epcisBody"]["eventList"]) >= 30
    for start in range(0, len(events), 7):
        batch = _document(station, events[start : start + 7])
        assert errors(batch) == [], f"batch from #{events[start].seq}"


def test_every_kind_of_station_event_maps_to_a_valid_document(station: Station) -> None:
    events = every_kind(station)
    assert {s.event.kind for s in events} == set(EventKind)
    for stored in events:
        document = build_capture_document(
            [stored], settings_for(station), resolve={e.event.id: e for e in events}.get
        )
        assert errors(document) == [], stored.event.kind.value


def test_a_bad_uri_fails_the_format_checker(busy: tuple[Station, list[StoredEvent]]) -> None:
    station, events = busy
    document = _document(station, events)
    assert errors(document) == []
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][0]["readPoint"]["id"] = "not a uri"
    assert any("is not a 'uri'" in e for e in errors(broken))
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][0]["eventID"] = "urn:uuid:has space"
    assert any("is not a 'uri'" in e for e in errors(broken))


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.name)
def test_every_corpus_example_validates(path: Path) -> None:
    assert errors(json.loads(path.read_text(encoding="utf-8"))) == []


def test_the_corpus_has_examples() -> None:
    assert len(_examples()) >= 40 and len(_stale()) == 5


@pytest.mark.parametrize("name", _stale())
def test_the_stale_examples_the_corpus_names_fail(name: str) -> None:
    document = json.loads((EPCIS_CORPUS / name).read_text(encoding="utf-8"))
    assert errors(document) != []
