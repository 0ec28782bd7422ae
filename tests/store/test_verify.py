"""Chain verification: fast on the stored canonical payload, still right on older rows,
and incremental from the head the last check recorded in the anchor (issue 9)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from station.config import load_config
from station.domain.events import Event, EventKind
from station.services.integrity import verify_log
from station.store.anchor import Head
from station.store.eventlog import EventLog
from station.store.hashchain import chain_hash, event_body
from tests.conftest import EXAMPLE_CONFIG, REPO

WHEN = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def event(n: int) -> Event:
    return Event.new(
        EventKind.SCAN_RECORDED,
        station_id="DOCK-1",
        operator_id=None if n % 3 else "op-ana",
        recorded_at=WHEN + dt.timedelta(seconds=n),
        payload={"input": f"scan {n}", "n": n, "text": 'Ünïcode ✓ "q" \u2028', "x": [1.5, None]},
    )


def legacy_rows(path: Path, first: int, count: int) -> None:
    """Rows as the station stored them before issue 9: payload with ", " and ": "."""
    conn = sqlite3.connect(path)
    (prev,) = conn.execute("SELECT hash FROM events WHERE seq = ?", (first - 1,)).fetchone()
    for seq in range(first, first + count):
        e = event(seq)
        body = event_body(
            event_id=e.id,
            kind=e.kind.value,
            station_id=e.station_id,
            operator_id=e.operator_id,
            recorded_at=e.recorded_at,
            payload=e.payload,
        )
        digest = chain_hash(prev, body)
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                e.id,
                e.kind.value,
                e.station_id,
                e.operator_id,
                e.recorded_at.isoformat(),
                json.dumps(e.payload, sort_keys=True, ensure_ascii=False),
                prev,
                digest,
            ),
        )
        prev = digest
    conn.commit()
    conn.close()


def test_payload_is_stored_canonical_and_verifies(tmp_path: Path) -> None:
    log = EventLog.open(tmp_path / "station.sqlite3")
    log.append([event(n) for n in range(1, 6)])
    (text,) = log.connection.execute("SELECT payload FROM events WHERE seq = 2").fetchone()
    assert ", " not in text and ": " not in text
    assert [s.event for s in log.events()][1].payload == event(2).payload
    report = log.verify()
    assert report.ok and report.head == log.head()
    log.close()


def test_rows_stored_the_older_way_still_verify_and_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    log = EventLog.open(path)
    log.append([event(1)])
    log.close()
    legacy_rows(path, 2, 5)
    log = EventLog.open(path)
    log.append([event(7)])
    assert log.verify().ok and log.verify().events == 7
    log.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET payload = replace(payload, 'scan 4', 'scan 9') WHERE seq = 4")
    conn.commit()
    conn.close()
    report = EventLog.open(path).verify()
    assert not report.ok and report.first_bad_seq == 4 and report.head == Head(3, report.head.hash)


def test_since_anchor_checks_only_what_was_added(tmp_path: Path) -> None:
    config = load_config(EXAMPLE_CONFIG)
    path = tmp_path / "data" / "station.sqlite3"
    log = EventLog.open(path)
    log.append([event(n) for n in range(1, 51)])
    log.close()
    assert verify_log(config, path).ok
    log = EventLog.open(path)
    log.append([event(n) for n in range(51, 56)])
    log.close()
    check = verify_log(config, path, since_anchor=True)
    assert check.ok and check.lines[0].startswith("OK: 5 events after #50 checked"), check.lines
    anchor = json.loads((path.parent / "station.anchor.json").read_text())
    assert anchor["verified"]["seq"] == 55
    # An edit before the verified head is for the full check; a re-chain is caught by both.
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET hash = 'f' || substr(hash, 2) WHERE seq = 55")
    conn.commit()
    conn.close()
    incremental = verify_log(config, path, since_anchor=True)
    assert incremental.status == "BROKEN"
    assert any("not the one the last check verified" in p for p in incremental.problems)


def test_verify_log_since_anchor_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    log = EventLog.open(data / "station.sqlite3")
    log.append([event(n) for n in range(1, 21)])
    log.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "station.cli", "verify-log", "--data-dir", str(data), *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )

    first = run("--since-anchor")
    assert first.returncode == 0 and "no verified head in the anchor yet" in first.stdout
    again = run("--since-anchor")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith("OK: 0 events after #20 checked, hash chain intact")
