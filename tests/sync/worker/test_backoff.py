"""Backoff with full jitter, Retry-After in seconds or as a date, and the client's reading
of a real server's 429 and 503."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from station.config import load_config
from station.sync.backoff import Backoff, parse_retry_after
from station.sync.client import HubClient
from station.sync.errors import HubBusy
from tests.hub.support import free_port
from tests.sync.worker.servers import ServerThread, unavailable_app
from tests.sync.worker.support import station_config

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


def test_waits_grow_to_the_cap_with_jitter_and_reset() -> None:
    backoff = Backoff(1.0, 8.0, random.Random(3))
    ceilings = [1, 2, 4, 8, 8, 8]
    waits = [backoff.failed() for _ in ceilings]
    assert all(0 <= w <= c for w, c in zip(waits, ceilings, strict=True))
    assert len(set(waits)) == len(waits), "jitter: no two waits alike"
    backoff.reset()
    assert backoff.failed() <= 1.0


def test_retry_after_is_a_floor() -> None:
    backoff = Backoff(0.1, 0.5, random.Random(1))
    assert all(5.0 <= backoff.failed(5.0) <= 5.5 for _ in range(20))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("Thu, 03 Dec 2026 08:00:30 GMT", 30.0), ("soon", None), (None, None)],
)
def test_retry_after_forms(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


@pytest.mark.parametrize("status", [429, 503])
def test_the_client_reads_busy_answers(tmp_path: Path, status: int) -> None:
    port = free_port()
    config = load_config(station_config(tmp_path, f"http://127.0.0.1:{port}", "tok-1"))
    assert config.sync is not None
    app, seen = unavailable_app(status, "2")
    with (
        ServerThread(app, port),
        HubClient(config.sync, "DOCK-1") as client,
        pytest.raises(HubBusy) as caught,
    ):
        client.head()
    assert (caught.value.status, caught.value.retry_after_s) == (status, 2.0)
    assert "the hub is in maintenance" in str(caught.value) and len(seen) == 1
