"""A full disk is reported as a full disk, and nothing of the failed write is kept (issue 9 #7).

A real, small tmpfs is mounted for the data dir (the test must run as root to mount
it; otherwise it is skipped and says why), the running `station scan` is left
without space, and its verdicts must say "disk full", not SQLite's "cannot rollback -
no transaction is active" that a second ROLLBACK used to put in its place.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_crash import SHIPMENT, burst, manifest, scanning, station, verdicts


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs, unmounted at the end."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    point = tmp_path / "small"
    point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(path: Path) -> None:
    """Write `path` until the file system has no byte left."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_full_disk_says_disk_full_and_keeps_nothing_half_written(
    small_disk: Path, tmp_path: Path
) -> None:
    data = small_disk / "data"
    spec = manifest(40)
    source = tmp_path / f"{SHIPMENT}.json"
    source.write_text(json.dumps(spec), encoding="utf-8")
    assert station(data, "import", str(source)).returncode == 0
    scans = [f"]C100{unit['sscc']}" for unit in spec["units"]]
    filler = small_disk / "filler"
    with scanning(data) as proc:
        assert verdicts(proc, 1)[0]["recorded"]
        burst(proc, scans[:3], close=False).join()
        assert all(v["recorded"] for v in verdicts(proc, 3))
        before = (data / "station.sqlite3-wal").stat().st_size
        fill(filler)
        burst(proc, scans[3:40], close=False).join()
        full = verdicts(proc, 37)
        failed = [v for v in full if not v["recorded"]]
        assert failed, "the disk never filled"
        for verdict in failed:
            assert "disk full" in verdict["message"], verdict["message"]
            assert "cannot rollback" not in verdict["message"]
        filler.unlink()
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    assert before > 0
    logged = [json.loads(x) for x in station(data, "events", "--json").stdout.splitlines()]
    received = [e for e in logged if e["kind"] == "unit.received"]
    recorded = sum(1 for v in full if v["recorded"]) + 3
    assert len(received) == recorded  # every acknowledged scan, and no part of a failed one
    done = station(data, "verify-log")
    assert done.returncode == 0 and done.stdout.startswith("OK: "), done.stdout + done.stderr
