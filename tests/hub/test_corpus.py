"""Every EPCIS 2.0 JSON example of the GS1 corpus is accepted by capture and read back by id."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.hub.support import REPO, Hub

CORPUS = REPO.parent.parent / "shared" / "corpus" / "epcis" / "JSON"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/epcis/JSON")
EXAMPLES = sorted(CORPUS.rglob("*.jsonld")) if CORPUS.is_dir() else []


def events_of(doc: dict) -> list[dict]:
    body = doc["epcisBody"]
    if doc["type"] == "EPCISQueryDocument":
        return body["queryResults"]["resultsBody"]["eventList"]
    return body["eventList"]


def reused_ids() -> set[str]:
    """eventIDs that more than one corpus example uses (some of them for other content)."""
    files: dict[str, set[str]] = {}
    for path in EXAMPLES:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for event in events_of(doc):
            if "eventID" in event:
                files.setdefault(event["eventID"], set()).add(path.name)
    return {event_id for event_id, names in files.items() if len(names) > 1}


@pytest.mark.skipif(not EXAMPLES, reason="../shared/corpus/epcis/JSON is absent")
def test_every_corpus_example_is_captured_and_read_back_by_event_id(hub: Hub) -> None:
    """GS1's examples re-use a few eventIDs for other content: the hub refuses that re-use
    within a site (as it must), so those examples are captured into the second site."""
    reused = reused_ids()
    placed: list[tuple[str, str, list[str]]] = []
    refused = 0
    with hub.client("admin-a") as site_a, hub.client("admin-b") as site_b:
        for path in EXAMPLES:
            doc = json.loads(path.read_text(encoding="utf-8"))
            ids = [e["eventID"] for e in events_of(doc) if "eventID" in e]
            for token, client in (("admin-a", site_a), ("admin-b", site_b)):
                answer = client.post(
                    "/capture",
                    content=path.read_bytes(),
                    headers={"Content-Type": "application/ld+json"},
                )
                assert answer.status_code == 202, (path.name, answer.text)
                job = answer.json()
                if job["success"]:
                    assert job["st:storedCount"] <= len(events_of(doc))
                    job_again = client.get(answer.headers["Location"]).json()
                    assert job_again["captureID"] == job["captureID"]
                    placed.append((token, path.name, ids))
                    break
                refused += 1
                assert token == "admin-a", (path.name, job["errors"])
                for error in job["errors"]:
                    assert error["type"] == "epcisException:ResourceAlreadyExistsException"
                    assert any(event_id in error["detail"] for event_id in reused), error
                assert job["st:storedCount"] == 0
        assert refused == 3
        assert len(placed) == len(EXAMPLES)
        assert sum(len(ids) for _, _, ids in placed) >= 45
        for token, name, ids in placed:
            client = site_a if token == "admin-a" else site_b
            for event_id in ids:
                found = client.get(f"/events/{quote(event_id, safe='')}")
                assert found.status_code == 200, (name, event_id, found.text)
                listed = found.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                assert {e["eventID"] for e in listed} == {event_id}, name
