"""Pushing the log to a real hub: in order, once, idempotent after lost state, and the status."""

from __future__ import annotations

from station.services import sync
from tests.sync.epcis.support import busy_log
from tests.sync.worker.conftest import Synced
from tests.sync.worker.support import (
    expected_event_ids,
    hub_event_ids,
    hub_head,
    log_head,
    record_events,
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
