"""Pushing the log to a real hub: in order, once, idempotent after lost state, and the status."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.services import sync
from tests.hub.conftest import NO_POSTGRES
from tests.hub.support import Hub, Postgres, pg_bin
from tests.sync.epcis.support import busy_log
from tests.sync.worker.conftest import Synced
from tests.sync.worker.support import (
    expected_event_ids,
    hub_event_ids,
    hub_head,
    launch_hub,
    log_head,
    new_station_id,
    open_synced,
    record_events,
    station_config,
    station_token,
)


def test_a_busy_log_reaches_the_hub_once_in_order(synced: Synced) -> None:
    station = synced.open()
    busy_log(station)
    record_events(station, 120)
    before = sync.status(station)
    assert before.waiting == station.log.count() and before.online is None
    report = sync.sync_once(station)
    assert report.ok, report.error
    assert report.pushed is not None and report.pushed.batches == -(-station.log.count() // 50)
    assert hub_head(synced.hub, synced.station_id) == log_head(station)
    expected = expected_event_ids(station)
    assert hub_event_ids(synced.hub, synced.station_id) == expected and len(expected) > 20
    after = sync.status(station)
    assert (after.waiting, after.online, after.state.acked_seq) == (0, True, station.log.count())
    assert after.state.last_success_at is not None
    station.close()


def test_lost_local_state_resends_nothing_twice(synced: Synced) -> None:
    station = synced.open()
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
    assert hub_head(synced.hub, synced.station_id) == log_head(station)
    assert hub_event_ids(synced.hub, synced.station_id) == expected_event_ids(station)
    station.close()


@pytest.fixture(scope="module")
def pg_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    bindir = pg_bin()
    if bindir is None:
        warnings.warn(NO_POSTGRES, stacklevel=1)
        pytest.skip(NO_POSTGRES)
    server = Postgres(bindir)
    server.start()
    hub = launch_hub(tmp_path_factory.mktemp("pg-hub"), database=server.new_database())
    yield hub
    hub.stop()
    server.stop()


def test_the_same_on_a_postgresql_hub(pg_hub: Hub, tmp_path: Path) -> None:
    station_id = new_station_id()
    config = station_config(
        tmp_path / "etc",
        pg_hub.url,
        station_token(pg_hub, station_id),
        station_id=station_id,
        batch_size=40,
    )
    station = open_synced(config, tmp_path / "data")
    busy_log(station)
    record_events(station, 100)
    assert sync.sync_once(station).ok
    station.log.connection.execute(
        "UPDATE sync_state SET acked_seq = 0, acked_hash = ?", ("0" * 64,)
    )
    record_events(station, 10)
    assert sync.sync_once(station).ok
    assert hub_head(pg_hub, station_id) == log_head(station)
    assert hub_event_ids(pg_hub, station_id) == expected_event_ids(station)
    station.close()
