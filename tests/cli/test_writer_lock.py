"""One writing process per data dir: a second writer is refused, readers run beside it.

Real processes: a `station scan` waiting on its stdin holds the data dir; every other
command that writes is refused at start (exit 2, one line naming the holder's pid,
command and start time, no traceback) while the read-only commands answer as usual.
Once the holder exits, by its own end or by SIGKILL, the next writer gets the lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.test_crash import SHIPMENT, manifest

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
DEMO = REPO / "config" / "demo"
CLI = (sys.executable, "-m", "station.cli")
PALLET = "]C100006141412610010016"


def station(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args, "--data-dir", str(data_dir), "--config", str(CONFIG)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    manifests = [str(p) for p in sorted(DEMO.iterdir()) if p.suffix in (".json", ".csv")]
    done = station(data, "import", *manifests)
    assert done.returncode == 0, done.stderr
    return data


@contextmanager
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """A `station scan` that has answered one scan, so it holds the lock, and waits."""
    proc = subprocess.Popen(
        [
            *CLI,
            "scan",
            "--json",
            "--operator",
            "B-1001",
            "--data-dir",
            str(data_dir),
            "--config",
            str(CONFIG),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("BOL-778001\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["verdict"] == "info"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None and not pipe.closed:
                pipe.close()


def assert_refused(done: subprocess.CompletedProcess[str], pid: int) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert f"pid {pid} (station scan)" in message, message
    assert "since 20" in message and "in use by another station process" in message


def test_second_writer_is_refused_naming_the_holder(data_dir: Path, tmp_path: Path) -> None:
    with holder(data_dir) as first:
        assert_refused(station(data_dir, "scan", "--operator", "B-1001", stdin=PALLET), first.pid)
        assert_refused(station(data_dir, "import", str(DEMO / "SHP-1001.json")), first.pid)
        assert_refused(station(data_dir, "print-queue", "--process"), first.pid)
        assert_refused(station(data_dir, "demo", "--no-tui"), first.pid)
        assert_refused(
            station(
                data_dir, "lots", "new", "--kind", "repack", "--operator", "B-1001", "--parent", "X"
            ),
            first.pid,
        )
        assert_refused(station(data_dir, "release", "export", "SHP-1"), first.pid)

        # Read-only commands work beside the writer.
        for args, codes in [
            (("show", "SHP-1001"), {0}),
            (("events",), {0}),
            (("verify-log",), {0}),
            (("gate", PALLET.removeprefix("]C100")), {1}),
            (("trace", "006141412610010016"), {0, 2}),
            (("report", "006141412610010016", "--format", "json"), {0, 2}),
            (("release", "list"), {0}),
            (("lots", "list"), {0}),
            (("print-queue",), {0}),
        ]:
            done = station(data_dir, *args)
            assert done.returncode in codes, (args, done.stdout, done.stderr)
            assert "in use by another station process" not in done.stderr, args

        assert first.stdin is not None and first.stdout is not None
        first.stdin.write(PALLET + "\n")
        first.stdin.flush()
        assert json.loads(first.stdout.readline())["verdict"] == "accept"
        first.stdin.close()
        assert first.wait(30) == 0

    done = station(data_dir, "scan", "--json", "--operator", "B-1001", stdin=PALLET + "\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["findings"][0]["code"] == "DUPLICATE_SCAN"


def test_the_lock_dies_with_its_holder(data_dir: Path) -> None:
    with holder(data_dir) as first:
        assert_refused(station(data_dir, "scan", "--operator", "B-1001"), first.pid)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    deadline = time.monotonic() + 10
    while True:
        done = station(data_dir, "scan", "--json", "--operator", "B-1001", stdin=PALLET + "\n")
        if done.returncode == 0 or time.monotonic() > deadline:
            break
    assert done.returncode == 0, done.stderr


def test_verify_log_beside_a_writer_sees_one_snapshot(tmp_path: Path) -> None:
    """Replaying while a scan process receives pallets finds no difference that is not there."""
    data = tmp_path / "data"
    spec = manifest(3000)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert station(data, "import", str(path)).returncode == 0
    proc = subprocess.Popen(
        [
            *CLI,
            "scan",
            "--json",
            "--operator",
            "B-1001",
            "--shipment",
            SHIPMENT,
            "--data-dir",
            str(data),
            "--config",
            str(CONFIG),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        done = threading.Event()

        def feed() -> None:  # a scan every few milliseconds until the checks are over
            for unit in spec["units"]:
                if done.is_set():
                    break
                stdin.write(f"]C100{unit['sscc']}\n")
                stdin.flush()
                time.sleep(0.01)
            stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        stdout.readline()  # the shipment line: it is writing now
        threading.Thread(target=stdout.read, daemon=True).start()
        checks = [station(data, "verify-log") for _ in range(3)]
        assert feeder.is_alive(), "the feed ended before the checks: give it more pallets"
        done.set()
        feeder.join(60)
        assert proc.wait(120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    for done in checks:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "OK: the stored state is what a replay" in done.stdout
