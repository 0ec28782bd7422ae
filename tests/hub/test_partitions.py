"""PostgreSQL: events go to monthly partitions, and the eventID guard holds across them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from station.hub.storage.postgres import month_partition
from tests.hub.support import (
    Hub,
    Postgres,
    document,
    free_port,
    make_tokens,
    object_event,
    start_hub,
    write_config,
)


@pytest.fixture
def pg_hub(postgres: Postgres, tmp_path: Path) -> Iterator[Hub]:
    config = write_config(tmp_path / "hub.toml", postgres.new_database(), free_port())
    hub = start_hub(config, make_tokens(config))
    yield hub
    hub.stop()


def test_the_event_id_guard_holds_across_monthly_partitions(pg_hub: Hub) -> None:
    event = object_event()
    with pg_hub.client("admin-a") as client:
        assert client.post("/capture", json=document([event])).json()["st:storedCount"] == 1
        # Move the hub's clock three months on: the next capture lands in a new partition.
        now = dt.datetime.now(dt.UTC)
        ahead = int((now + dt.timedelta(days=92)).timestamp() * 1_000_000)
        with psycopg.connect(pg_hub.database, autocommit=True) as conn:
            conn.execute("UPDATE hub_clock SET last_us = %s", (ahead,))
        again = client.post("/capture", json=document([event, object_event()])).json()
        assert again["success"] and again["st:storedCount"] == 1
        changed = client.post("/capture", json=document([{**event, "bizStep": "shipping"}]))
        assert changed.json()["success"] is False
        assert "already stored" in changed.json()["errors"][0]["detail"]
    with psycopg.connect(pg_hub.database) as conn:
        rows = conn.execute(
            "SELECT tableoid::regclass::text, event_id FROM events ORDER BY record_time_us"
        ).fetchall()
        assert [r[1] for r in rows].count(event["eventID"]) == 1
        assert rows[0][0] == month_partition(int(now.timestamp() * 1_000_000))[0]
        assert rows[-1][0] == month_partition(ahead + 1)[0] != rows[0][0]
        (listed,) = conn.execute("SELECT count(*) FROM event_ids").fetchone()
        assert listed == 2
