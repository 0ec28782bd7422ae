"""A deleted, emptied, replaced or cut log is noticed, never silently started afresh (issue 9 #3, #4).

Real `python -m station.cli` processes on real data dirs: the files are deleted,
truncated, swapped or cut by the test as an operator or an intruder would, and
the station must refuse to record (NOT_RECORDED, saying why), refuse to start
(exit 2, saying what to do) and `verify-log` must say BROKEN, never OK.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_crash import burst, data_dir, scanning, station, verdicts

__all__ = ["data_dir"]  # the fixture, used by name

DB = "station.sqlite3"


def _files(data: Path) -> list[Path]:
    return [data / DB, data / f"{DB}-wal", data / f"{DB}-shm"]


@pytest.mark.parametrize("which", ["database", "all three files"])
def test_a_database_deleted_under_a_running_scan_is_not_recorded_into(
    data_dir: tuple[Path, list[str]], which: str
) -> None:
    data, scans = data_dir
    with scanning(data) as proc:
        assert verdicts(proc, 1)[0]["recorded"]
        burst(proc, scans[:5], close=False).join()
        first = verdicts(proc, 5)
        assert all(v["recorded"] for v in first), first
        for path in _files(data)[: 1 if which == "database" else 3]:
            path.unlink()
        burst(proc, scans[5:25], close=True).join()
        later = verdicts(proc)
    assert len(later) == 20
    for verdict in later:
        assert verdict["recorded"] is False, verdict
        assert [f["code"] for f in verdict["findings"]] == ["NOT_RECORDED"]
        assert "was deleted or replaced while the station was running" in verdict["message"]
    # Started again, the station refuses: it never begins a new, empty log there.
    for command in ("events", "verify-log", "show"):
        args = (command, "SHP-7001") if command == "show" else (command,)
        done = station(data, *args)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "does not start a new log in its place" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not (data / DB).exists()


def test_a_truncated_database_is_refused_at_start(data_dir: tuple[Path, list[str]]) -> None:
    data, _ = data_dir
    for path in _files(data):
        if path.exists():
            path.write_bytes(b"")
    done = station(data, "events")
    assert done.returncode == 2
    assert "is empty (0 bytes)" in done.stderr and "Restore the data directory" in done.stderr
    assert (data / DB).stat().st_size == 0


def test_another_database_put_in_place_is_refused(
    data_dir: tuple[Path, list[str]], tmp_path: Path
) -> None:
    data, _ = data_dir
    other = tmp_path / "other"
    assert station(other, "events").returncode == 0  # a fresh station: its own database
    for path in _files(data):
        path.unlink(missing_ok=True)
    shutil.copy(other / DB, data / DB)
    done = station(data, "events")
    assert done.returncode == 2
    assert "is not the one the anchor file" in done.stderr, done.stderr
    checked = station(data, "verify-log")
    assert checked.returncode == 1 and checked.stdout.startswith("BROKEN: the database is not")


def _edit(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


_EVENTS_TABLE = (
    "CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT "
    "NULL, station_id TEXT NOT NULL, operator_id TEXT, recorded_at TEXT NOT NULL, payload "
    "TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (("DELETE FROM events WHERE seq > (SELECT max(seq) - 1 FROM events)",), "last 1 events"),
        (("DELETE FROM events WHERE seq > (SELECT max(seq) - 10 FROM events)",), "last 10 events"),
        (("DELETE FROM events",), "the event log is empty"),
        (("DROP TABLE events", _EVENTS_TABLE), "the event log is empty"),
    ],
    ids=["cut-1", "cut-10", "delete-all", "drop-recreate"],
)
def test_a_cut_or_emptied_log_fails_verify_log(
    data_dir: tuple[Path, list[str]], tamper: tuple[str, ...], expected: str
) -> None:
    data, scans = data_dir
    with scanning(data) as proc:
        burst(proc, scans[:30], close=True).join()
        assert all(v["recorded"] for v in verdicts(proc))
    assert station(data, "verify-log").returncode == 0
    _edit(data / DB, *tamper)
    done = station(data, "verify-log")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("BROKEN: ") and expected in done.stdout, done.stdout
    # The station refuses to write into it, so the cut is never papered over.
    refused = station(data, "import", str(data.parent / "SHP-7001.json"))
    assert refused.returncode == 2 and "does not match its anchor" in refused.stderr
    assert station(data, "verify-log").stdout.startswith("BROKEN: ")


def test_the_anchor_follows_the_log_every_few_events_and_at_close(
    data_dir: tuple[Path, list[str]],
) -> None:
    data, scans = data_dir
    anchor = data / "station.anchor.json"
    with scanning(data) as proc:
        verdicts(proc, 1)
        before = json.loads(anchor.read_text())["head"]["seq"]
        burst(proc, scans[:40], close=False).join()
        verdicts(proc, 40)
        during = json.loads(anchor.read_text())["head"]["seq"]
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    after = json.loads(anchor.read_text())
    logged = [json.loads(line) for line in station(data, "events", "--json").stdout.splitlines()]
    assert before < during <= logged[-1]["seq"]
    assert logged[-1]["seq"] - during < 16  # [integrity] anchor_every's default
    assert after["head"] == {"seq": logged[-1]["seq"], "hash": logged[-1]["hash"]}
