"""`station report` on a long event log: time per report against reading the whole log.

Builds a station file with the demo shipments, receives the demo's held pallet
(``073500532610040026``, the one reported on), then grows the log in steps to each
size of ``--events`` with synthetic history of other shipments: pairs of
``scan.recorded`` and ``unit.received`` events, shaped like the real ones, inserted
with ``executemany`` in big transactions. The rows are not hash-chained (the report
never reads the chain, and chaining millions of rows in Python would take most of
the build); ``event_subjects`` is kept by its trigger as in real use.

At each size it times, in process:

* the report: `build_report` for the held pallet (best and median of ``--repeat``);
* baseline, same run: reading the whole log through `EventLog.events`, which is what
  every report did before issue 13 (skipped above ``--baseline-max`` events).

Target: under 1 s at 10,000,000 events.

    uv run python bench/report_long_log.py                            # 1M and 3M
    uv run python bench/report_long_log.py --events 1000000,10000000  # takes long
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from station.bootstrap import DATABASE_NAME, open_station
from station.config import load_config
from station.domain.scanning.scan import Scan
from station.services.provenance_report import build_report

REPO = Path(__file__).resolve().parents[1]
HELD = "073500532610040026"
BATCH = 100_000


def history(first_seq: int, count: int) -> Iterator[tuple[Any, ...]]:
    """`count` rows of other shipments' receiving, alternating scan and unit events."""
    for i in range(count):
        seq = first_seq + i
        pallet = f"00{390_000_000_000_000 + seq // 2:016d}"
        shipment = f"SHP-H{seq // 1000:06d}"
        when = f"2025-{1 + seq % 12:02d}-{1 + seq % 28:02d}T08:00:00+00:00"
        if seq % 2:
            kind = "scan.recorded"
            payload: dict[str, Any] = {
                "input": f"]C1{pallet}",
                "device": "wedge",
                "verdict": "accept",
                "headline": f"Accepted {pallet} ({shipment})",
                "findings": [],
                "unit": pallet,
                "shipment": shipment,
            }
        else:
            kind = "unit.received"
            payload = {
                "receipt_id": f"R-DOCK-1-{seq // 1000:06d}",
                "unit_id": pallet,
                "shipment_id": shipment,
                "expected": True,
                "status": "accepted",
                "findings": [],
                "contents": [{"gtin": "06141415500129", "lot": f"L{seq % 997}", "quantity": 31}],
            }
        text = json.dumps(payload, sort_keys=True)
        yield (seq, str(uuid.UUID(int=seq)), kind, "DOCK-1", "op-ben", when, text, "-", "-")


def grow(path: Path, target: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # setup only
    conn.execute("PRAGMA cache_size=-400000")
    started = time.perf_counter()
    (last,) = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
    rows = history(last + 1, max(target - last, 0))
    while True:
        batch = [row for _, row in zip(range(BATCH), rows, strict=False)]
        if not batch:
            break
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events (seq, id, kind, station_id, operator_id, recorded_at,"
            " payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        conn.execute("COMMIT")
        done = batch[-1][0]
        print(f"  log at {done:>11,} events", end="\r", flush=True)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", default="1000000,3000000", help="log sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-max", type=int, default=3_000_000)
    parser.add_argument("--keep", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    sizes = sorted(int(n) for n in args.events.split(","))
    config = load_config(REPO / "config" / "station.example.toml")
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="station-report-bench-"))
    results: list[tuple[int, list[float], float | None]] = []
    try:
        if not (data_dir / DATABASE_NAME).exists():
            station = open_station(config, data_dir)
            demo = REPO / "config" / "demo"
            station.import_files(sorted(p for p in demo.iterdir() if p.suffix in (".json", ".csv")))
            for text in ("B-1001", "BOL-778004", "SL0042001", f"]C100{HELD}"):
                station.recorder.handle(Scan(text, device="bench"))
            station.close()
        for size in sizes:
            took = grow(data_dir / DATABASE_NAME, size)
            print(f"log grown to {size:,} events in {took:.0f} s" + " " * 20)
            station = open_station(config, data_dir)
            try:
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    report = build_report(station, HELD)
                    times.append(time.perf_counter() - started)
                    assert report is not None and report["receiving_and_holds"]
                baseline = None
                if size <= args.baseline_max:
                    started = time.perf_counter()
                    for _ in station.log.events():
                        pass
                    baseline = time.perf_counter() - started
            finally:
                station.close()
            results.append((size, times, baseline))
    finally:
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\n{'events':>12} {'report best':>12} {'median':>8} {'baseline: read whole log':>26}")
    for size, times, baseline in results:
        base = f"{baseline:.2f} s" if baseline is not None else "(skipped)"
        print(f"{size:>12,} {min(times):>10.3f} s {statistics.median(times):>6.3f} s {base:>26}")
    print("target: report under 1 s at 10,000,000 events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
