"""The event log: durable settings, migrations, hash chain, tamper detection."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from station.domain.events import Event, EventKind
from station.errors import StoreError
from station.store.eventlog import EventLog
from station.store.migrations import MIGRATIONS

WHEN = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def event(n: int) -> Event:
    return Event.new(
        EventKind.SCAN_RECORDED,
        station_id="DOCK-1",
        operator_id="op-ana",
        recorded_at=WHEN + dt.timedelta(seconds=n),
        payload={"input": f"scan {n}", "n": n, "text": "Ünïcode ✓"},
    )


def test_open_sets_wal_and_full_sync_and_migrates(tmp_path: Path) -> None:
    log = EventLog.open(tmp_path / "sub" / "station.sqlite3")
    conn = log.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    log.close()


def test_reopen_keeps_events_and_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    log = EventLog.open(path)
    log.append([event(1), event(2)])
    log.close()
    log = EventLog.open(path)
    assert log.count() == 2
    stored = log.append([event(3)])
    assert stored[0].seq == 3
    assert log.verify().ok
    log.close()


def test_append_chains_hashes_and_round_trips(tmp_path: Path) -> None:
    log = EventLog.open(tmp_path / "station.sqlite3")
    first, second = log.append([event(1), event(2)])
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    back = list(log.events())
    assert [s.event for s in back] == [first.event, second.event]
    assert log.event_by_id(second.event.id) == second
    report = log.verify()
    assert report.ok and report.events == 2
    assert report.message == "2 events, hash chain intact"


def test_log_is_append_only(tmp_path: Path) -> None:
    log = EventLog.open(tmp_path / "station.sqlite3")
    log.append([event(1)])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        log.connection.execute("UPDATE events SET payload = '{}'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        log.connection.execute("DELETE FROM events")


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_verify_detects_an_altered_payload(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    log = EventLog.open(path)
    stored = log.append([event(1), event(2), event(3)])
    log.close()
    _tamper(path, """UPDATE events SET payload = '{"input": "forged"}' WHERE seq = 2""")
    report = EventLog.open(path).verify()
    assert not report.ok
    assert report.first_bad_seq == 2
    assert report.message == f"event #2 ({stored[1].event.id}) was altered: its hash does not match"


def test_verify_detects_a_removed_event(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    log = EventLog.open(path)
    log.append([event(1), event(2), event(3)])
    log.close()
    _tamper(path, "DELETE FROM events WHERE seq = 2")
    report = EventLog.open(path).verify()
    assert not report.ok
    assert report.message == "event #2 is missing (next is #3)"


def test_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    log = EventLog.open(tmp_path / "station.sqlite3")
    good = event(1)
    log.append([good])
    with pytest.raises(sqlite3.IntegrityError):
        log.append([event(2), good])  # duplicate id: the whole batch rolls back
    assert log.count() == 1
    assert log.verify().ok


def test_unopenable_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    path.write_bytes(b"this is not a database, just junk" * 100)
    with pytest.raises(StoreError, match=r"station.sqlite3.* is damaged: file is not a database"):
        EventLog.open(path)
