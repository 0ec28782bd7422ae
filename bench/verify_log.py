"""How fast `station verify-log` checks the chain, against the floor of reading and hashing.

Builds (or reuses, with ``--keep DIR``) a station database of ``--events`` chained
events shaped like real scans, written in the station's own stored form, then times
in one run, on the same file, warm cache:

* **floor**: read every row (all nine columns) and SHA-256 the previous hash plus the
  row's text: what no verification can go below;
* **before**: the loop `verify-log` used before issue 9 (each payload parsed and
  re-serialised into the canonical body, one row object at a time);
* **verify**: `EventLog.verify`, the chain check `verify-log` runs now;
* **verify-log**: the whole command in process: open with SQLite's quick_check, the
  anchor comparison, the chain, the anchor rewrite;
* **--since-anchor**: after ``--append`` more events, the incremental check.

Each figure is the best of ``--repeat`` runs, also scaled to seconds per million
events; the ratio verify/floor is the one issue 9 asks to keep within 3.

    uv run python bench/verify_log.py                         # 1,000,000 events, temp dir
    uv run python bench/verify_log.py --events 200000         # quicker
    uv run python bench/verify_log.py --keep /tmp/bench-verify  # reuse the file next time
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from station.bootstrap import DATABASE_NAME
from station.config import load_config
from station.domain.events import Event, EventKind
from station.services.integrity import verify_log
from station.store.eventlog import EventLog
from station.store.hashchain import GENESIS, Chain, canonical_json, event_body

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config" / "station.example.toml"
BATCH = 20_000


def rows(count: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    """`count` chained rows in the stored form (canonical payload), like real scans."""
    chain, prev = Chain(), GENESIS
    start = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
    for i in range(count):
        unit = f"00614141{100_000_000 + i:09d}7"
        shipment = f"SHP-{9000 + i // 250}"
        payload = {
            "input": f"]C100{unit}",
            "symbology": None,
            "device": "wedge",
            "code_kind": "Gs1Code",
            "verdict": "accept",
            "headline": f"Accepted {unit} ({shipment} {1 + i % 250}/250)",
            "findings": [],
            "unit": unit,
            "shipment": shipment,
            "receipt_id": f"R-DOCK-1-{i // 250:05d}",
        }
        eid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        operator = ("op-ana", "op-ben", "op-chen")[(i // 250) % 3]
        when = (start + dt.timedelta(seconds=31 * i)).isoformat()
        body = event_body(
            event_id=eid,
            kind="scan.recorded",
            station_id="DOCK-1",
            operator_id=operator,
            recorded_at=when,
            payload=payload,
        )
        digest = chain.link(prev, body)
        text = canonical_json(payload)
        yield (i + 1, eid, "scan.recorded", "DOCK-1", operator, when, text, prev, digest)
        prev = digest


def build(path: Path, count: int) -> None:
    """A station database at `path` holding `count` events."""
    EventLog.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    source, done = rows(count, random.Random(9)), 0
    started = time.perf_counter()
    while done < count:
        batch = [next(source) for _ in range(min(BATCH, count - done))]
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        conn.execute("COMMIT")
        done += len(batch)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"built {count:,} events in {time.perf_counter() - started:.1f} s")


def floor(path: Path) -> int:
    """Read every row and hash it: the least any verification must do."""
    conn = sqlite3.connect(path)
    prev, n = GENESIS, 0
    sha = hashlib.sha256
    cursor = conn.execute(
        "SELECT seq, id, kind, station_id, operator_id, recorded_at, payload, prev_hash, hash"
        " FROM events ORDER BY seq"
    )
    while batch := cursor.fetchmany(4096):
        for _, eid, kind, station, operator, when, payload, _, digest in batch:
            sha((prev + eid + kind + station + (operator or "") + when + payload).encode())
            prev = digest
            n += 1
    conn.close()
    return n


def before(path: Path) -> int:
    """The pre-issue-9 verification loop, kept here as the baseline."""
    conn = sqlite3.connect(path)
    prev, n, expected = GENESIS, 0, 1
    for seq, eid, kind, station, operator, when, payload, prev_hash, digest in conn.execute(
        "SELECT seq, id, kind, station_id, operator_id, recorded_at, payload, prev_hash, hash"
        " FROM events ORDER BY seq"
    ):
        assert seq == expected and prev_hash == prev
        body = event_body(
            event_id=eid,
            kind=kind,
            station_id=station,
            operator_id=operator,
            recorded_at=when,
            payload=json.loads(payload),
        )
        assert hashlib.sha256((prev + body).encode("utf-8")).hexdigest() == digest
        prev, n, expected = digest, n + 1, expected + 1
    conn.close()
    return n


def best(label: str, run: Callable[[], object], repeat: int, events: int) -> float:
    """Best time of `repeat` runs of `run`, printed with seconds per million events."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    seconds = min(times)
    per_million = seconds / max(events, 1) * 1_000_000
    print(f"  {label:<24} {seconds:8.3f} s   {per_million:7.2f} s per million events")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--append", type=int, default=100, help="events added before --since")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="data dir to build in (and reuse)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-verify-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DATABASE_NAME
    if not path.exists():
        build(path, args.events)
    config = load_config(CONFIG)
    log = EventLog.open(path)
    events = log.count()
    print(f"{events:,} events, {path.stat().st_size / 1e6:,.0f} MB at {path}")
    try:
        t_floor = best("floor (read + hash)", lambda: floor(path), args.repeat, events)
        t_before = best("before (issue 9)", lambda: before(path), args.repeat, events)
        t_verify = best("verify (chain)", log.verify, args.repeat, events)
    finally:
        log.close()
    t_cli = best("verify-log (whole)", lambda: verify_log(config, path), 1, events)
    log = EventLog.open(path)
    try:
        start = log.head().seq
        log.append(
            [
                Event.new(
                    EventKind.SCAN_RECORDED,
                    station_id="DOCK-1",
                    operator_id="op-ana",
                    recorded_at=dt.datetime.now(dt.UTC),
                    payload={"input": f"bench {start + n}", "n": n},
                )
                for n in range(args.append)
            ]
        )
    finally:
        log.close()
    since = best(
        f"--since-anchor (+{args.append})",
        lambda: verify_log(config, path, since_anchor=True),
        1,
        args.append,
    )
    print(
        f"verify / floor = {t_verify / t_floor:.1f}x (target within 3x); "
        f"before / floor = {t_before / t_floor:.1f}x; whole command {t_cli:.1f} s; "
        f"--since-anchor {since * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
