"""Sync throughput: one station pushing its log into a real hub, next to raw inserts.

For each backend (SQLite, and PostgreSQL when its binaries are installed: a throwaway
server started as the `postgres` user), in one run on loopback:

1. a station records a backlog of N events (default 100,000; one in ten a seal check,
   which is an EPCIS ObjectEvent, the rest scans that travel only in the station log);
2. a real `station hub` process starts, and one `station sync --once` round (in this
   process, through the real httpx client) drains the backlog: the drain time and the
   station events per second it pushed;
3. the rows the hub stored for it (events, eventID guard, EPCs, station log entries)
   are inserted again, raw, into the same tables of the same database in one transaction
   (executemany on SQLite, COPY on PostgreSQL): the floor any capture path sits on.

`--offline` runs the offline acceptance with 10,000 events instead (port closed, 503
with Retry-After, a port that never answers, then the hub back; the worker drains it).

    uv run python bench/sync.py [--events 100000] [--batch 1000] [--no-postgres] [--offline]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from station.services import sync  # noqa: E402
from tests.hub.support import Postgres, pg_bin  # noqa: E402
from tests.sync.worker.offline import outage_then_back  # noqa: E402
from tests.sync.worker.support import (  # noqa: E402
    hub_head,
    launch_hub,
    log_head,
    new_station_id,
    open_synced,
    record_events,
    station_config,
    station_token,
)

TABLES = {  # table -> (the station's rows, the key columns shifted for the raw copy)
    "events": "station_id = %(sid)s",
    "event_ids": "event_id IN (SELECT event_id FROM events WHERE station_id = %(sid)s)",
    "event_epcs": "event_row IN (SELECT id FROM events WHERE station_id = %(sid)s)",
    "station_log": "station_id = %(sid)s",
}


def _shift(table: str, names: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    values = dict(zip(names, row, strict=True))
    if table == "events":
        values["id"] += 10**12
        values["event_id"] += "#raw"
    elif table == "event_ids":
        values["event_id"] += "#raw"
    elif table == "event_epcs":
        values["event_row"] += 10**12
    elif table == "station_log":
        values["station_id"] += "-RAW"
    return tuple(values[n] for n in names)


def raw_sqlite(path: Path, station_id: str) -> tuple[int, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    copies = {}
    for table, where in TABLES.items():
        cursor = conn.execute(
            f"SELECT * FROM {table} WHERE {where.replace('%(sid)s', '?')}", (station_id,)
        )
        names = [d[0] for d in cursor.description]
        copies[table] = (names, [_shift(table, names, r) for r in cursor.fetchall()])
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, (names, rows) in copies.items():
        marks = ", ".join("?" * len(names))
        conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return sum(len(rows) for _, rows in copies.values()), elapsed


def raw_postgres(url: str, station_id: str) -> tuple[int, float]:
    with psycopg.connect(url) as conn:
        copies = {}
        for table, where in TABLES.items():
            cursor = conn.execute(f"SELECT * FROM {table} LIMIT 0")
            names = [d.name for d in cursor.description or []]
            select = ", ".join(f"{n}::text" if n == "body" else n for n in names)
            rows = conn.execute(
                f"SELECT {select} FROM {table} WHERE {where}", {"sid": station_id}
            ).fetchall()
            copies[table] = (names, [_shift(table, names, r) for r in rows])
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for table, (names, rows) in copies.items():
                with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        conn.commit()
        elapsed = time.perf_counter() - started
    return sum(len(rows) for _, rows in copies.values()), elapsed


def run(backend: str, where: Path, events: int, batch: int, pg: Postgres | None) -> None:
    database = pg.new_database() if pg else None
    hub = launch_hub(where / "hub", database=database)
    try:
        station_id = new_station_id()
        config = station_config(
            where / "etc",
            hub.url,
            station_token(hub, station_id),
            station_id=station_id,
            batch_size=batch,
            timeout_s=120,
        )
        station = open_synced(config, where / "data")
        started = time.perf_counter()
        record_events(station, events, chunk=2000)
        recorded = time.perf_counter() - started
        total = station.log.count()
        started = time.perf_counter()
        report = sync.sync_once(station)
        drained = time.perf_counter() - started
        assert report.ok, report.error
        assert hub_head(hub, station_id) == log_head(station)
        assert sync.status(station).waiting == 0
        station.close()
        db = database or f"sqlite:///{where / 'hub' / 'hub.db'}"
        if pg:
            rows, raw = raw_postgres(db, station_id)
        else:
            rows, raw = raw_sqlite(Path(db.removeprefix("sqlite:///")), station_id)
        epcis = total // 10
        print(
            f"{backend:10} backlog {total:,} station events ({epcis:,} EPCIS) recorded in "
            f"{recorded:.1f} s; drained in {drained:.2f} s = {total / drained:,.0f} station "
            f"events/s ({epcis / drained:,.0f} EPCIS events/s), batch {batch}"
        )
        print(
            f"{'':10} raw {'COPY' if pg else 'executemany'} of the same {rows:,} rows into "
            f"the same tables: {raw:.2f} s = {total / raw:,.0f} station events/s; sync "
            f"reaches {raw / drained:.0%} of raw",
            flush=True,
        )
    finally:
        hub.stop()


def offline(where: Path, events: int) -> None:
    started = time.perf_counter()
    figures = outage_then_back(where, events)
    print(f"offline: {figures} ({time.perf_counter() - started:.1f} s in all)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--offline", action="store_true", help="the 10,000-event offline run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="station-sync-bench-") as tmp:
        if args.offline:
            offline(Path(tmp), 10_000 if args.events == 100_000 else args.events)
            return 0
        run("sqlite", Path(tmp) / "sqlite", args.events, args.batch, None)
        bindir = None if args.no_postgres else pg_bin()
        if bindir is None:
            print("postgresql: not run (no /usr/lib/postgresql/*/bin/pg_ctl, or --no-postgres)")
            return 0
        server = Postgres(bindir)
        server.start()
        try:
            run("postgresql", Path(tmp) / "pg", args.events, args.batch, server)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
