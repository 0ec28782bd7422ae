"""kill -9 of the hub during captures: after a restart nothing acknowledged is lost and
nothing is doubled; the station resumes from the head the hub reports."""

from __future__ import annotations

import random
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hub.conftest import BACKENDS, database_url
from tests.hub.support import Hub, StationChain, free_port, make_tokens, start_hub, write_config

KILLS = 2
EVENTS = 1000
"""Enough that a round cannot finish before its kill, however fast the hub captures."""
BATCH = 40


@pytest.fixture(params=BACKENDS)
def config(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, dict]]:
    path = write_config(
        tmp_path / "hub.toml", database_url(request, request.param, tmp_path), free_port()
    )
    yield path, make_tokens(path)


def push(hub: Hub, chain: StationChain, acknowledged: list[int]) -> bool:
    """Push from the hub's head until every event is in; False when the hub went away."""
    try:
        with hub.client("dock-1") as client:
            while True:
                head = client.get("/stations/DOCK-1/head").json()["seq"]
                if head >= EVENTS:
                    return True
                last = min(head + BATCH, EVENTS)
                answer = client.post("/capture", json=chain.batch(head + 1, last))
                assert answer.status_code == 202, answer.text
                assert answer.headers["ST-Head"].startswith(f"{last}:")
                acknowledged.append(last)
    except httpx.TransportError:
        return False


def test_kill_9_during_captures_loses_and_doubles_nothing(config: tuple[Path, dict]) -> None:
    path, tokens = config
    chain = StationChain("DOCK-1")
    chain.record(EVENTS)
    acknowledged: list[int] = []
    rng = random.Random(11)
    interrupted = 0
    for _ in range(KILLS):
        hub = start_hub(path, tokens)
        before = len(acknowledged)

        def kill(hub: Hub = hub, before: int = before) -> None:
            # Once a batch of this round is in, kill within the next capture or two.
            while len(acknowledged) == before and hub.process.poll() is None:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.1))
            hub.process.send_signal(signal.SIGKILL)

        killer = threading.Thread(target=kill)
        killer.start()
        interrupted += not push(hub, chain, acknowledged)
        killer.join()
        hub.process.wait()
    assert interrupted == KILLS
    hub = start_hub(path, tokens)
    try:
        assert push(hub, chain, acknowledged)
        with hub.client("dock-1") as client:
            listed = client.get("/events", params={"EQ_stationId": "DOCK-1", "perPage": 1000})
            events = listed.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            assert [e["eventID"] for e in events] == [e["eventID"] for e in chain.events]
            head = client.get("/stations/DOCK-1/head").json()
            assert (head["seq"], head["hash"]) == (EVENTS, chain.entries[-1]["hash"])
    finally:
        hub.stop()
    assert acknowledged == sorted(acknowledged)
