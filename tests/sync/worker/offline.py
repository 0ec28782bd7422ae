"""The offline acceptance, for the test (1,000 events) and bench/sync.py --offline (10,000).

A station records events while its hub's port is closed, then while the port answers
503 with ``Retry-After: 1``, then while it accepts connections and never answers; then
the real hub comes back on that port. The worker (a thread, its own connection) must
show each outage, honour Retry-After, and catch up: afterwards the hub holds exactly the
station's events, once each, in order, and the station shows zero waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from station.bootstrap import open_station
from station.config import load_config
from station.services import sync
from tests.hub.support import free_port, make_tokens, start_hub, write_config
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


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def outage_then_back(where: Path, events: int) -> str:
    """Run the scenario; a line of figures. Fails (AssertionError) if anything is off."""
    port = free_port()
    (where / "hub").mkdir(parents=True)
    hub_config = write_config(where / "hub" / "hub.toml", f"sqlite:///{where / 'hub.db'}", port)
    tokens = make_tokens(hub_config)  # made in the hub's database before it ever runs
    config_path = station_config(
        where / "etc",
        f"http://127.0.0.1:{port}",
        tokens["dock-1"],
        batch_size=500,
        timeout_s=0.5,
        backoff_max_s=0.4,
    )
    data = where / "data"
    station = open_synced(config_path, data)
    worker = sync.start_worker(station, lambda: open_station(load_config(config_path), data))
    assert worker is not None
    status = lambda: sync.status(station)  # noqa: E731
    try:
        # 1. Port closed.
        record_events(station, events // 2)
        wait_for(lambda: status().online is False, 10, "offline (port closed)")
        assert "cannot reach the hub" in (status().state.last_error or "")
        # 2. The hub's port answers 503 with Retry-After: 1.
        app, seen = unavailable_app(503, "1")
        with ServerThread(app, port):
            record_events(station, events // 4)
            wait_for(lambda: len(seen) >= 2, 10, "two requests to the 503 hub")
            started = time.monotonic()
            time.sleep(1.6)
            assert len([t for t in seen if t >= started]) <= 3, "Retry-After was not honoured"
            assert "busy or failing (503)" in (status().state.last_error or "")
        # 3. Connections accepted, never answered: timeouts.
        with Blackhole(port) as hole:
            record_events(station, events - events // 2 - events // 4)
            wait_for(lambda: "did not answer" in (status().state.last_error or ""), 10, "a timeout")
            assert hole.accepted
        waiting = status()
        assert waiting.waiting == station.log.count() and waiting.oldest_unsent_at is not None
        # 4. The hub comes back.
        hub = start_hub(hub_config, tokens)
        try:
            started = time.monotonic()
            wait_for(
                lambda: status().waiting == 0 and status().state.last_error is None,
                300,
                "the backlog to drain and the round to end",
            )
            drained = time.monotonic() - started
            after = status()
            assert after.online is True and after.state.last_error is None
            assert hub_head(hub) == log_head(station)
            expected = expected_event_ids(station)
            held = hub_event_ids(hub)
            assert held == expected and len(set(held)) == len(held)
            assert len(held) >= events // 10
        finally:
            hub.stop()
    finally:
        worker.stop()
        station.close()
    assert not worker.running
    return (
        f"{waiting.waiting:,} station events waited through the outage; hub back -> drained "
        f"in {drained:.1f} s; the hub holds {len(held):,} EPCIS events, each once, in order; "
        "0 waiting"
    )
