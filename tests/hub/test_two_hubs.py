"""Two hub processes on one PostgreSQL, four stations pushing at once: every event exactly once.

Each batch of each station is sent to both hubs at the same moment (as a station
retrying against a load balancer would), and an admin sends one document to both hubs
at once. Nothing is lost, nothing is doubled, every head ends where the station is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from tests.hub.support import (
    Hub,
    Postgres,
    StationChain,
    document,
    free_port,
    make_tokens,
    object_event,
    start_hub,
    write_config,
)

STATIONS = 4
EVENTS = 60
BATCH = 10


@pytest.fixture
def two_hubs(postgres: Postgres, tmp_path: Path) -> Iterator[tuple[Hub, Hub]]:
    database = postgres.new_database()
    first = write_config(tmp_path / "one.toml", database, free_port())
    second = write_config(tmp_path / "two.toml", database, free_port())
    tokens = make_tokens(first)
    hubs = (start_hub(first, tokens), start_hub(second, tokens))
    yield hubs
    for hub in hubs:
        hub.stop()


def test_two_hubs_four_stations_exactly_once(two_hubs: tuple[Hub, Hub]) -> None:
    chains = [StationChain(f"DOCK-{n}") for n in range(1, STATIONS + 1)]
    for chain in chains:
        chain.record(EVENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def push(hub: Hub, token: str, doc: dict, start: threading.Barrier) -> None:
        with hub.client(token) as client:
            start.wait()
            answer = client.post("/capture", json=doc)
        with lock:
            statuses.append(answer.status_code)
        assert answer.status_code == 202, answer.text
        assert answer.json()["success"], answer.text

    def station(n: int) -> None:
        chain = chains[n]
        for first in range(1, EVENTS + 1, BATCH):
            doc = chain.batch(first, first + BATCH - 1)
            start = threading.Barrier(2)
            with ThreadPoolExecutor(2) as both:
                done = [both.submit(push, hub, f"dock-{n + 1}", doc, start) for hub in two_hubs]
                for future in done:
                    future.result()

    shared = document([object_event() for _ in range(50)])

    def admin() -> None:
        start = threading.Barrier(2)
        with ThreadPoolExecutor(2) as both:
            for future in [both.submit(push, hub, "admin-a", shared, start) for hub in two_hubs]:
                future.result()

    with ThreadPoolExecutor(STATIONS + 1) as pool:
        futures = [pool.submit(station, n) for n in range(STATIONS)]
        futures.append(pool.submit(admin))
        for future in futures:
            future.result()

    assert len(statuses) == 2 * (STATIONS * EVENTS // BATCH + 1)
    with psycopg.connect(two_hubs[0].database) as conn:
        (total,) = conn.execute("SELECT count(*) FROM events").fetchone()
        (distinct,) = conn.execute("SELECT count(DISTINCT event_id) FROM events").fetchone()
        assert total == distinct == STATIONS * EVENTS + 50
        for chain in chains:
            rows = conn.execute(
                "SELECT event_id, station_seq FROM events WHERE station_id = %s "
                "ORDER BY record_time_us, id",
                (chain.station_id,),
            ).fetchall()
            assert [r[0] for r in rows] == [e["eventID"] for e in chain.events]
            assert [r[1] for r in rows] == list(range(1, EVENTS + 1))
            head = conn.execute(
                "SELECT head_seq, head_hash FROM station_heads WHERE station_id = %s",
                (chain.station_id,),
            ).fetchone()
            assert head == (EVENTS, chain.entries[-1]["hash"])
        (partitions,) = conn.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass"
        ).fetchone()
        assert partitions >= 2
