"""A damaged database file is named, never a traceback, never written to (issue 9 #6).

Real files damaged the way disks and people damage them: the file header or a page
header overwritten, the database cut short, the WAL cut short under a running
station. `station events`, `verify-log`, `show` and `scan` then exit 2 with "the
station database ... is damaged: <SQLite's words>" and what to do; `scan` records
nothing (the file's bytes do not change); `station check-db` reports SQLite's
integrity check.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_crash import CLI, CONFIG, REPO, burst, data_dir, scanning, station, verdicts

__all__ = ["data_dir"]  # the fixture, used by name

DB = "station.sqlite3"
DAMAGED = "is damaged: "


def scan_once(data: Path, line: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *CLI,
            "scan",
            "--json",
            "--operator",
            "B-1001",
            "--data-dir",
            str(data),
            "--config",
            str(CONFIG),
        ],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as out:
        out.seek(offset)
        out.write(data)


def file_header(db: Path) -> None:
    _overwrite(db, 0, b"not SQLite, sorry")


def page_header(db: Path) -> None:
    """The b-tree page header of the events table's root page, overwritten."""
    conn = sqlite3.connect(db)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    _overwrite(db, (root - 1) * size, b"\xff" * 12)


def truncated(db: Path) -> None:
    with db.open("r+b") as out:
        out.truncate(db.stat().st_size // 2)


@pytest.mark.parametrize("damage", [file_header, page_header, truncated])
def test_a_damaged_database_is_named_and_never_written(
    data_dir: tuple[Path, list[str]], damage: Callable[[Path], None]
) -> None:
    data, scans = data_dir
    db = data / DB
    assert not (data / f"{DB}-wal").exists()  # every process closed: all in the main file
    damage(db)
    before = _digest(db)
    for args in (("events",), ("verify-log",), ("show", "SHP-7001"), ("events", "--json")):
        done = station(data, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert DAMAGED in done.stderr and "station check-db" in done.stderr, done.stderr
    scanned = scan_once(data, scans[0])
    assert scanned.returncode == 2, scanned.stdout + scanned.stderr
    assert DAMAGED in scanned.stderr and "Traceback" not in scanned.stderr
    assert _digest(db) == before  # nothing was recorded into it
    checked = station(data, "check-db")
    assert checked.returncode in (1, 2), checked.stdout + checked.stderr
    report = checked.stdout + checked.stderr
    assert "Traceback" not in report
    assert "SQLite integrity check" in report or DAMAGED in report, report


def test_a_wal_truncated_under_a_running_station(data_dir: tuple[Path, list[str]]) -> None:
    data, scans = data_dir
    wal = data / f"{DB}-wal"
    with scanning(data) as proc:
        assert verdicts(proc, 1)[0]["recorded"]
        burst(proc, scans[:30], close=False).join()
        assert all(v["recorded"] for v in verdicts(proc, 30))
        with wal.open("r+b") as out:
            out.truncate(wal.stat().st_size // 2 + 100)
        for args in (("events",), ("verify-log",)):
            done = station(data, *args)
            assert done.returncode == 2, (args, done.stdout, done.stderr)
            assert DAMAGED in done.stderr and "Traceback" not in done.stderr, done.stderr
        burst(proc, scans[30:35], close=True).join()
        later = verdicts(proc)
    assert len(later) == 5
    for verdict in later:
        assert verdict["recorded"] is False
        assert "write-ahead log" in verdict["message"] and "truncated" in verdict["message"]
    # Afterwards the lost commits show as a cut tail against the anchor, not as OK.
    done = station(data, "verify-log")
    assert done.returncode == 1 and done.stdout.startswith("BROKEN: "), done.stdout
    assert "were cut" in done.stdout


def test_check_db_reports_a_sound_file(data_dir: tuple[Path, list[str]]) -> None:
    data, _ = data_dir
    done = station(data, "check-db")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"OK: SQLite integrity check of {str(data / DB)!r}: ok"
    assert "hash chain intact" in lines[1] and json.loads(
        (data / "station.anchor.json").read_text()
    )
