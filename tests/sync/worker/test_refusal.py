"""The off-box anchor: a station whose log was cut, emptied or replaced after a sync is
refused with the reason, shows it, and ``station sync --once`` exits non-zero."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from station.bootstrap import DATABASE_NAME
from station.domain.events import EventKind
from station.errors import StoreError
from station.services import sync
from station.sync.status import summary
from tests.sync.worker.conftest import Synced
from tests.sync.worker.support import (
    hub_head,
    open_synced,
    record_events,
    station_cli,
    station_config,
)


def backup(data_dir: Path, to: Path) -> None:
    to.mkdir()
    with (
        sqlite3.connect(data_dir / DATABASE_NAME) as src,
        sqlite3.connect(to / DATABASE_NAME) as dst,
    ):
        src.backup(dst)


def restore(copy: Path, data_dir: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (data_dir / (DATABASE_NAME + suffix)).unlink(missing_ok=True)
    shutil.copy(copy / DATABASE_NAME, data_dir / DATABASE_NAME)


def test_a_log_cut_after_a_sync_is_refused_with_the_reason(tmp_path: Path, synced: Synced) -> None:
    hub, config, data, sid = synced.hub, synced.config, synced.data, synced.station_id
    station = synced.open()
    record_events(station, 40)
    assert sync.sync_once(station).ok
    station.close()
    backup(data, tmp_path / "backup")
    station = synced.open()
    record_events(station, 20)
    assert sync.sync_once(station).ok
    station.close()
    acknowledged, _ = hub_head(hub, sid)

    # The log is cut back to the backup and re-anchored on the PC (the local anchor
    # then agrees with it): only the hub, which holds more, can tell.
    restore(tmp_path / "backup", data)
    (data / "station.anchor.json").unlink()
    anchored = station_cli(config, data, "check-db", "--new-anchor")
    assert anchored.returncode == 0, anchored.stdout + anchored.stderr
    done = station_cli(config, data, "sync", "--once")
    assert done.returncode == 1
    assert "sync failed" in done.stderr and f"up to #{acknowledged}" in done.stderr
    assert "cut" in done.stderr
    shown = station_cli(config, data, "sync", "--status", "--json")
    status = json.loads(shown.stdout)
    assert status["refused"]["reason"] == "cut" and status["online"] is True

    # The station goes on recording past the old head: the hub itself refuses the fork.
    station = synced.open()
    assert summary(sync.status(station), station.clock.now()).startswith("sync: REFUSED (cut)")
    record_events(station, 30)
    refused = list(station.log.events(kinds=[EventKind.SYNC_REFUSED]))
    assert [e.event.payload["reason"] for e in refused] == ["cut"]
    report = sync.sync_once(station)
    assert report.error is not None and "fork" in str(report.error)
    assert "the hub refused this station's log (fork)" in str(report.error)
    assert sync.status(station).refusal is not None
    station.close()
    assert hub_head(hub, sid)[0] == acknowledged


def test_an_emptied_log_is_refused(tmp_path: Path, synced: Synced) -> None:
    station = synced.open()
    record_events(station, 10)
    assert sync.sync_once(station).ok
    station.close()
    # A fresh data directory for the same station: a new log from seq 1.
    fresh = synced.open(data=tmp_path / "fresh")
    try:
        record_events(fresh, 3)
        report = sync.sync_once(fresh)
        assert report.error is not None and "cut, emptied or replaced" in str(report.error)
        assert sync.status(fresh).refusal is not None
    finally:
        fresh.close()


def test_the_local_anchor_catches_a_cut_tail_even_offline(tmp_path: Path, synced: Synced) -> None:
    station = synced.open()
    record_events(station, 20)
    assert sync.sync_once(station).ok
    acknowledged = station.log.count()
    station.close()
    # Someone removes the tail of the log behind the station's back (the append-only
    # trigger dropped), and the hub is out of reach.
    with sqlite3.connect(synced.data / DATABASE_NAME) as conn:
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute("DELETE FROM events WHERE seq > ?", (acknowledged - 5,))
    offline = station_config(
        tmp_path / "offline", "http://127.0.0.1:9", "t0ken", station_id=synced.station_id
    )
    # The local anchor refuses the cut log before any sync is tried.
    with pytest.raises(StoreError, match="its last 5 events were cut"):
        open_synced(offline, synced.data)
