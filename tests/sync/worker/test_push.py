"""Pushing the log to a real hub: in order, once, idempotent after lost state, and the status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from station.bootstrap import Station
from station.services import sync
from tests.hub.support import Hub
from tests.sync.epcis.support import busy_log
from tests.sync.worker.support import (
    expected_event_ids,
    hub_event_ids,
    hub_head,
    launch_hub,
    log_head,
    open_synced,
    record_events,
    station_config,
)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    hub = launch_hub(tmp_path / "hub")
    yield hub
    hub.stop()


@pytest.fixture
def station(tmp_path: Path, hub: Hub) -> Iterator[Station]:
    config = station_config(tmp_path / "etc", hub.url, hub.tokens["dock-1"], batch_size=50)
    st = open_synced(config, tmp_path / "data")
    yield st
    st.close()


def test_a_busy_log_reaches_the_hub_once_in_order(station: Station, hub: Hub) -> None:
    busy_log(station)
    record_events(station, 120)
    before = sync.status(station)
    assert before.waiting == station.log.count() and before.online is None
    report = sync.sync_once(station)
    assert report.ok, report.error
    assert report.pushed is not None and report.pushed.batches == -(-station.log.count() // 50)
    assert hub_head(hub) == log_head(station)
    expected = expected_event_ids(station)
    assert hub_event_ids(hub) == expected and len(expected) > 20
    after = sync.status(station)
    assert (after.waiting, after.online, after.state.acked_seq) == (0, True, station.log.count())
    assert after.state.last_success_at is not None


def test_lost_local_state_resends_nothing_twice(station: Station, hub: Hub) -> None:
    record_events(station, 60)
    assert sync.sync_once(station).ok
    # The station forgets what the hub acknowledged (killed before it wrote it down).
    station.log.connection.execute(
        "UPDATE sync_state SET acked_seq = 0, acked_hash = ?", ("0" * 64,)
    )
    record_events(station, 30)
    report = sync.sync_once(station)
    assert report.ok, report.error
    assert report.pushed is not None and report.pushed.events == 30
    assert hub_head(hub) == log_head(station)
    assert hub_event_ids(hub) == expected_event_ids(station)
