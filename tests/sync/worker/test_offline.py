"""Offline for a while, then back: a station records events while its hub's port is
closed, then answers 503, then accepts connections and never answers; when the hub comes
back the worker catches up, and the hub holds exactly those events, once each, in order.
(bench/sync.py --offline does the same with 10,000 events.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from station.bootstrap import Station, open_station
from station.config import load_config
from station.services import sync
from tests.hub.support import free_port
from tests.sync.worker.servers import Blackhole, ServerThread, unavailable_app
from tests.sync.worker.support import (
    expected_event_ids,
    hub_event_ids,
    hub_head,
    log_head,
    open_synced,
    record_events,
    station_config,
)

EVENTS = 1_000


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_station_offline_through_every_kind_of_outage_catches_up(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    hub_dir = tmp_path / "hub"
    # Tokens are made with the hub's database before the hub ever runs.
    from tests.hub.support import make_tokens, write_config

    hub_dir.mkdir()
    hub_config = write_config(hub_dir / "hub.toml", f"sqlite:///{hub_dir / 'hub.db'}", port)
    tokens = make_tokens(hub_config)
    config_path = station_config(
        tmp_path / "etc", url, tokens["dock-1"], batch_size=200, timeout_s=0.5, backoff_max_s=0.4
    )
    data = tmp_path / "data"
    station: Station = open_synced(config_path, data)
    worker = sync.start_worker(station, lambda: open_station(load_config(config_path), data))
    assert worker is not None
    try:
        # 1. Port closed.
        record_events(station, EVENTS // 2)
        wait_for(lambda: sync.status(station).online is False, 10, "offline (port closed)")
        assert "cannot reach the hub" in (sync.status(station).state.last_error or "")
        # 2. The hub answers 503 with Retry-After: 1.
        app, seen = unavailable_app(503, "1")
        with ServerThread(app, port):
            record_events(station, EVENTS // 4)
            wait_for(lambda: len(seen) >= 2, 10, "two requests to the 503 hub")
            started = time.monotonic()
            time.sleep(1.6)
            in_window = [t for t in seen if t >= started]
            assert len(in_window) <= 3, "Retry-After: 1 was not honoured"
            assert "busy or failing (503)" in (sync.status(station).state.last_error or "")
        # 3. Connections accepted, never answered: timeouts.
        with Blackhole(port) as hole:
            record_events(station, EVENTS // 4)
            wait_for(
                lambda: "did not answer" in (sync.status(station).state.last_error or ""),
                10,
                "a timeout",
            )
            assert hole.accepted
        waiting = sync.status(station)
        assert waiting.waiting == station.log.count() and waiting.oldest_unsent_at is not None
        # 4. The hub comes back.
        from tests.hub.support import start_hub

        hub = start_hub(hub_config, tokens)
        try:
            wait_for(lambda: sync.status(station).waiting == 0, 60, "the backlog to drain")
            status = sync.status(station)
            assert status.online is True and status.state.last_error is None
            assert hub_head(hub) == log_head(station)
            expected = expected_event_ids(station)
            held = hub_event_ids(hub)
            assert held == expected and len(set(held)) == len(held)
            assert len(held) >= EVENTS // 10
        finally:
            hub.stop()
    finally:
        worker.stop()
        station.close()
    assert not worker.running
