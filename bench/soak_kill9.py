"""Soak: kill -9 a real `station scan` again and again; count what was acknowledged and lost.

Not part of the test run (``tests/cli/test_crash.py`` holds the short version). Each
cycle starts ``station scan --json --shipment SHP-9001`` on one data dir, writes a
burst of pallet scans nobody fed before into its stdin, reads verdict lines, and
sends SIGKILL at one of three moments, picked at random:

* ``random``: after a random number of verdict lines and a random pause;
* ``checkpoint``: right after this script checkpoints the WAL
  (``PRAGMA wal_checkpoint(PASSIVE)`` on a connection of its own) while the station
  writes;
* ``auto-checkpoint``: as soon as the WAL header's checkpoint counter moves, i.e.
  right after the station's own automatic checkpoint restarted the WAL (falls back to
  a random kill when none happens within the burst).

A scan is *acknowledged* when its verdict line was read with ``"recorded": true``.
At the end the log is read back: *lost* counts acknowledged scans whose
``scan.recorded`` (and, for an accepted pallet, ``unit.received``) is missing;
*duplicated* counts fed lines recorded more than once and pallets received more than
once. ``station verify-log`` must pass (hash chain and replayed state). It prints
cycles, acknowledged, lost, duplicated, and exits 1 if anything was lost or doubled.

    uv run python bench/soak_kill9.py                 # 200 cycles in a temp dir
    uv run python bench/soak_kill9.py --cycles 20     # quick
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from biip.checksums import gs1_standard_check_digit

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config" / "station.example.toml"
CLI = (sys.executable, "-m", "station.cli")
SHIPMENT = "SHP-9001"
MODES = ("random", "checkpoint", "auto-checkpoint")
BURST = (20, 120)


def sscc(serial: int) -> str:
    body = f"00614141{serial:09d}"
    return body + str(gs1_standard_check_digit(body))


def manifest(pallets: int) -> dict[str, Any]:
    line = {
        "gtin": "0614141550012",
        "lot": "SM550-2609A",
        "quantity": 31,
        "uom": "EA",
        "product": "Monocrystalline PV module 550 W",
        "vendor": "Sao Mai Solar Manufacturing JSC",
        "place_of_manufacture": {
            "facility": "Sao Mai Solar, Quang Chau plant",
            "city": "Bac Giang",
            "country": "VN",
            "region": "VN-54",
        },
        "date_of_manufacture": "2026-09-14",
    }
    return {
        "manifest_version": 1,
        "shipment_id": SHIPMENT,
        "direction": "inbound",
        "bill_of_lading": "BOL-900001",
        "purchase_orders": ["PO-90001"],
        "seals": ["SL9000001"],
        "units": [
            {"sscc": sscc(900_000 + i), "packaging": "pallet", "contents": [line]}
            for i in range(pallets)
        ],
    }


def station(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args, "--data-dir", str(data_dir), "--config", str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        check=False,
    )


def wal_counter(data_dir: Path) -> int | None:
    """The WAL header's checkpoint sequence number (moves when a checkpoint restarts it)."""
    try:
        with (data_dir / "station.sqlite3-wal").open("rb") as wal:
            header = wal.read(16)
    except OSError:
        return None
    return struct.unpack(">I", header[12:16])[0] if len(header) == 16 else None


class Cycle:
    """One `station scan` process fed one burst and killed."""

    def __init__(self, data_dir: Path, lines: list[str]) -> None:
        self.data_dir = data_dir
        self.lines = lines
        self.proc = subprocess.Popen(
            [
                *CLI,
                "scan",
                "--json",
                "--operator",
                "B-1001",
                "--shipment",
                SHIPMENT,
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
        self.verdicts: list[dict[str, Any]] = []
        self.caught_checkpoint = False

    def read(self, limit: int | None = None) -> None:
        assert self.proc.stdout is not None
        while limit is None or len(self.verdicts) < limit:
            line = self.proc.stdout.readline()
            if not line.endswith("\n"):
                return
            data = json.loads(line)
            if data.get("type") == "scan":
                self.verdicts.append(data)

    def feed(self) -> threading.Thread:
        assert self.proc.stdin is not None
        stdin = self.proc.stdin

        def write() -> None:
            try:
                stdin.write("".join(f"{line}\n" for line in self.lines))
                stdin.flush()
            except (BrokenPipeError, ValueError):
                pass

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        return thread

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(60)
        self.read()  # what it wrote before dying is still in the pipe
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if pipe is not None:
                    pipe.close()
            except BrokenPipeError:
                pass


def run_cycle(data_dir: Path, lines: list[str], mode: str, rng: random.Random) -> Cycle:
    cycle = Cycle(data_dir, lines)
    assert cycle.proc.stdout is not None
    opened = cycle.proc.stdout.readline()  # the --shipment line, marked type=shipment
    if not opened:
        cycle.kill()
        return cycle
    writer = cycle.feed()
    if mode == "random":
        cycle.read(rng.randint(0, len(lines) - 1))
        time.sleep(rng.uniform(0, 0.02))
    elif mode == "checkpoint":
        cycle.read(rng.randint(1, len(lines) // 2))
        conn = sqlite3.connect(data_dir / "station.sqlite3", timeout=5)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()
    else:
        start = wal_counter(data_dir)
        deadline = time.monotonic() + 5
        while wal_counter(data_dir) == start and time.monotonic() < deadline:
            if cycle.proc.poll() is not None:
                break
            time.sleep(0.0005)
        cycle.caught_checkpoint = wal_counter(data_dir) != start
    cycle.kill()
    writer.join(10)
    return cycle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", type=Path, help="use this data dir (default: a temp dir)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="station-soak-") as tmp:
        data_dir = args.keep or Path(tmp) / "data"
        pallets = args.cycles * BURST[1]
        spec = manifest(pallets)
        path = Path(tmp) / f"{SHIPMENT}.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        started = time.monotonic()
        done = station(data_dir, "import", str(path))
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 2
        feed = [f"]C100{unit['sscc']}" for unit in spec["units"]]
        fed: list[str] = []
        acknowledged: list[str] = []
        modes: Counter[str] = Counter()
        for number in range(args.cycles):
            lines = feed[len(fed) : len(fed) + rng.randint(*BURST)]
            mode = rng.choice(MODES)
            cycle = run_cycle(data_dir, lines, mode, rng)
            modes[mode] += 1
            modes["auto-checkpoint caught"] += cycle.caught_checkpoint
            fed.extend(lines)
            acknowledged += [v["input"] for v in cycle.verdicts if v["recorded"]]
            if (number + 1) % 20 == 0:
                print(f"  {number + 1} cycles, {len(acknowledged)} acknowledged", flush=True)
        lost, duplicated = audit(data_dir, fed, acknowledged)
        verify = station(data_dir, "verify-log")
        elapsed = time.monotonic() - started
    print(f"seed {seed}; kill moments: {dict(modes)}; {elapsed:.0f} s")
    print(f"cycles {args.cycles}")
    print(f"fed {len(fed)}")
    print(f"acknowledged {len(acknowledged)}")
    print(f"lost {lost}")
    print(f"duplicated {duplicated}")
    print("verify-log: " + " / ".join(verify.stdout.strip().splitlines()[:2]))
    return 0 if lost == 0 and duplicated == 0 and verify.returncode == 0 else 1


def audit(data_dir: Path, fed: list[str], acknowledged: list[str]) -> tuple[int, int]:
    """Lost acknowledged scans and doubled records, read back from the log."""
    done = station(data_dir, "events", "--json")
    events = [json.loads(line) for line in done.stdout.splitlines()]
    recorded = Counter(e["payload"]["input"] for e in events if e["kind"] == "scan.recorded")
    received = Counter(e["payload"]["unit_id"] for e in events if e["kind"] == "unit.received")
    lost = sum(
        1
        for text in acknowledged
        if recorded[text] == 0 or received[text.removeprefix("]C100")] == 0
    )
    duplicated = sum(1 for text in set(fed) if recorded[text] > 1)
    duplicated += sum(1 for n in received.values() if n > 1)
    return lost, duplicated


if __name__ == "__main__":
    sys.exit(main())
