"""Sync bench: the hub's capture rate, raw-load baselines, and query and trace latency.

The hub's half of the issue's sync bench (``bench/sync.py`` is the station's: the push
rate and the backlog drain of a real sync worker), from one run on loopback:

- events per second captured over HTTP (``POST /capture``, station documents of 1,000
  events, four stations pushing at once) into a hub on PostgreSQL and one on SQLite;
- next to it, in the same run and the same database, a raw load of exactly the rows
  the hub stored (events, their EPC index rows, eventID guard, station log): ``COPY``
  on PostgreSQL, ``executemany`` on SQLite, into tables of the same shape and indexes;
- ``GET /events?MATCH_epc=`` and ``GET /trace`` p50/p99 with 1,000,000 events stored,
  the rows bulk-loaded through the storage layer (``HubStore.ingest``), not by HTTP.

Targets (issue 11): >= 10,000 events/s into PostgreSQL and >= 1/3 of the raw COPY rate
in the same run; query and trace p99 under 50 ms at 1,000,000 events.

    uv run python bench/sync_hub.py [--capture 40000] [--stored 1000000] [--samples 400]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from station.hub.events import record  # noqa: E402
from station.hub.storage import CaptureJob, IngestBatch, open_store  # noqa: E402
from tests.hub.support import (  # noqa: E402
    CONTEXT,
    Hub,
    Postgres,
    StationChain,
    free_port,
    make_tokens,
    pg_bin,
    start_hub,
    write_config,
)

STATIONS = 4
BATCH = 1000
RAW_TABLES = ("events", "event_epcs", "event_ids", "station_log")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start(where: Path, database: str) -> Hub:
    where.mkdir(parents=True, exist_ok=True)
    config = write_config(where / "hub.toml", database, free_port())
    return start_hub(config, make_tokens(config))


# --- capture over HTTP ----------------------------------------------------------------


def capture_rate(hub: Hub, events: int) -> float:
    """Events/s captured from `STATIONS` stations pushing batches of `BATCH` at once."""
    per_station = events // STATIONS
    bodies: dict[int, list[bytes]] = {}
    for n in range(1, STATIONS + 1):
        chain = StationChain(f"DOCK-{n}")
        chain.record(per_station)
        bodies[n] = [
            json.dumps(chain.batch(first, min(first + BATCH - 1, per_station))).encode()
            for first in range(1, per_station + 1, BATCH)
        ]

    def push(n: int) -> None:
        with hub.client(f"dock-{n}") as client:
            for body in bodies[n]:
                answer = client.post(
                    "/capture", content=body, headers={"Content-Type": "application/ld+json"}
                )
                if answer.status_code != 202 or not answer.json()["success"]:
                    raise RuntimeError(f"capture refused: {answer.text[:500]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(STATIONS) as pool:
        list(pool.map(push, range(1, STATIONS + 1)))
    return per_station * STATIONS / (time.perf_counter() - started)


def raw_postgres(url: str) -> float:
    """Rows/s (counted in events) of a COPY of the hub's own rows into same-shaped tables."""
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        dumped: dict[str, bytes] = {}
        for table in RAW_TABLES:
            source = "events_" + time.strftime("%Y_%m") if table == "events" else table
            conn.execute(f"DROP TABLE IF EXISTS raw_{table}".encode())
            conn.execute(f"CREATE TABLE raw_{table} (LIKE {source} INCLUDING ALL)".encode())
            with cursor.copy(f"COPY (SELECT * FROM {table}) TO STDOUT".encode()) as out:
                dumped[table] = b"".join(bytes(chunk) for chunk in out)
        (events,) = conn.execute("SELECT count(*) FROM events").fetchone() or (0,)
        started = time.perf_counter()
        with conn.transaction():
            for table, data in dumped.items():
                with cursor.copy(f"COPY raw_{table} FROM STDIN".encode()) as copy:
                    copy.write(data)
        return int(events) / (time.perf_counter() - started)


def raw_sqlite(path: Path) -> float:
    """As `raw_postgres`, with executemany in one transaction (SQLite has no COPY)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    dumped: dict[str, list[tuple[Any, ...]]] = {}
    for table in RAW_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS raw_{table}")
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        conn.execute(sql.replace(f"CREATE TABLE {table}", f"CREATE TABLE raw_{table}", 1))
        for (index_sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall():
            conn.execute(
                index_sql.replace("INDEX ", "INDEX raw_", 1).replace(
                    f" ON {table} ", f" ON raw_{table} "
                )
            )
        dumped[table] = conn.execute(f"SELECT * FROM {table}").fetchall()
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, rows in dumped.items():
        if rows:
            marks = ", ".join("?" for _ in rows[0])
            conn.executemany(f"INSERT INTO raw_{table} VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(dumped["events"]) / elapsed


# --- a million stored events: a genealogy to query and trace ------------------------------


def dl(kind: str, value: str) -> str:
    return f"https://id.gs1.org/{kind}/{value}"


def flow(rng: random.Random, n: int, when: str) -> list[dict[str, Any]]:
    """Ten events: a pallet received with four units, two lots made of them, one shipped."""
    pallet = dl("00", f"3{n:016d}0")
    units = [dl("01", f"0950600013435{k}/21/S{n}-{k}") for k in range(4)]
    lots = [dl("01", f"09506000134369/10/L{n}-{k}") for k in range(2)]
    out_pallet = dl("00", f"4{n:016d}0")

    def event(kind: str, station: str, **fields: Any) -> dict[str, Any]:
        return {
            "type": kind,
            "eventID": f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}",
            "eventTime": when,
            "eventTimeZoneOffset": "+00:00",
            "readPoint": {"id": f"urn:epc:id:sgln:0614141.07346.{station}"},
            **fields,
        }

    receive = {"action": "ADD", "bizStep": "receiving", "disposition": "in_progress"}
    return [
        event("ObjectEvent", "1", epcList=[pallet], **receive),
        event("AggregationEvent", "1", parentID=pallet, childEPCs=units, **receive),
        *(
            event(
                "ObjectEvent",
                "1",
                epcList=[u],
                action="OBSERVE",
                bizStep="inspecting",
                disposition="conformant",
            )
            for u in units
        ),
        *(
            event(
                "TransformationEvent",
                "2",
                inputEPCList=units[2 * k : 2 * k + 2],
                outputQuantityList=[{"epcClass": lots[k], "quantity": 2}],
                bizStep="commissioning",
            )
            for k in range(2)
        ),
        event(
            "AggregationEvent",
            "3",
            parentID=out_pallet,
            action="ADD",
            bizStep="packing",
            childQuantityList=[{"epcClass": lot, "quantity": 2} for lot in lots],
        ),
        event(
            "ObjectEvent",
            "3",
            epcList=[out_pallet],
            action="OBSERVE",
            bizStep="shipping",
            disposition="in_transit",
        ),
    ]


def bulk_load(url: str, stored: int, rng: random.Random) -> list[int]:
    """`stored` events through `HubStore.ingest`, 10,000 at a time; the flow numbers."""
    store = open_store(url)
    flows = stored // 10
    when = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    context = [CONTEXT[1]]
    started = time.perf_counter()
    try:
        for first in range(0, flows, 1000):
            records = tuple(
                record(event, context, None)
                for n in range(first, min(first + 1000, flows))
                for event in flow(rng, n, when)
            )
            job = CaptureJob(
                uuid.uuid4().hex, "SITE-A", "bench", "rollback", time.time_ns() // 1000
            )
            result = store.ingest(IngestBatch(job, records, None))
            if not result.job.success:
                raise RuntimeError(f"bulk load refused: {result.job.errors[:2]}")
            if first % 20_000 == 0:
                rate = (first + 1000) * 10 / (time.perf_counter() - started)
                print(f"  loaded {(first + 1000) * 10:>9,} events ({rate:,.0f}/s)", flush=True)
    finally:
        store.close()
    return list(range(flows))


def latency(hub: Hub, paths: Iterator[str], samples: int) -> tuple[float, float]:
    """p50 and p99 in ms of `samples` GETs (after a short warm-up)."""
    times: list[float] = []
    with hub.client("auditor-a") as client:
        for i, path in zip(range(samples + 20), paths, strict=False):
            started = time.perf_counter()
            answer = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
            if i >= 20:
                times.append(elapsed)
    return statistics.median(times), percentile(times, 0.99)


def query_paths(rng: random.Random, flows: int) -> Iterator[str]:
    while True:
        n = rng.randrange(flows)
        yield f"/events?MATCH_epc={dl('01', f'09506000134351/21/S{n}-1')}"


def trace_paths(rng: random.Random, flows: int) -> Iterator[str]:
    while True:
        n = rng.randrange(flows)
        if rng.random() < 0.5:
            yield f"/trace?epc={dl('00', f'4{n:016d}0')}&direction=back"
        else:
            yield f"/trace?epc={dl('00', f'3{n:016d}0')}&direction=forward"


# --- the run ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capture", type=int, default=40_000, help="events captured by HTTP")
    parser.add_argument(
        "--stored", type=int, default=1_000_000, help="events for the queries (0: capture only)"
    )
    parser.add_argument("--samples", type=int, default=400, help="queries timed per kind")
    args = parser.parse_args()
    bindir = pg_bin()
    if bindir is None:
        print("PostgreSQL is not installed (scripts/test installs it): no bench", file=sys.stderr)
        return 2
    rng = random.Random(11)
    work = Path(tempfile.mkdtemp(prefix="station-bench-sync-"))
    server = Postgres(bindir)
    server.start()
    lines: list[str] = []
    try:
        for backend in ("postgresql", "sqlite"):
            url = server.new_database() if backend == "postgresql" else f"sqlite:///{work}/hub.db"
            hub = start(work / backend, url)
            try:
                rate = capture_rate(hub, args.capture)
            finally:
                hub.stop()
            raw = raw_postgres(url) if backend == "postgresql" else raw_sqlite(work / "hub.db")
            lines.append(
                f"capture into {backend:<10}: {rate:>8,.0f} events/s over HTTP; raw "
                f"{'COPY' if backend == 'postgresql' else 'executemany'} of the same rows "
                f"{raw:>8,.0f}/s (ratio {rate / raw:.2f})"
            )
            print(lines[-1], flush=True)
        if args.stored < 10:
            return 0  # capture only
        url = server.new_database()
        print(f"bulk-loading {args.stored:,} events through HubStore.ingest ...", flush=True)
        flows = len(bulk_load(url, args.stored, rng))
        hub = start(work / "stored", url)
        try:
            for name, paths in (
                ("GET /events?MATCH_epc=", query_paths(rng, flows)),
                ("GET /trace", trace_paths(rng, flows)),
            ):
                p50, p99 = latency(hub, paths, args.samples)
                lines.append(
                    f"{name:<22} at {args.stored:,} events (PostgreSQL): "
                    f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
                )
                print(lines[-1], flush=True)
        finally:
            hub.stop()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(["", "== bench/sync_hub.py", *lines]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
