"""The hub on PostgreSQL through psycopg 3: for a site with many stations, or many sites.

A capture stages its events' identities in a temporary table with ``COPY`` (outside
any lock), claims their eventIDs set-wise, then ``COPY``s the claimed events and their
EPC rows straight into their tables, all in one transaction. The events table is range
partitioned by month of record time; the partition a capture needs is created inside
the capture's transaction, after the ``hub_clock`` lock, so two hub processes never race
to create it. The eventID guard (``event_ids``) is one unpartitioned table, so it holds
across every month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from station.errors import StoreError
from station.hub.events import EventRecord
from station.hub.storage import migrate
from station.hub.storage.base import SqlStore
from station.hub.storage.ingest import STAGE_COLUMNS, stage_rows

_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS hub_stage (row_no BIGINT, event_id TEXT, kind TEXT, "
    "content_hash TEXT) ON COMMIT DELETE ROWS",
)
_MIGRATION_LOCK = 0x53544855  # any constant: the advisory lock of schema migrations


def month_partition(record_time_us: int) -> tuple[str, int, int]:
    """The name and the [start, end) bounds in microseconds of the month of a record time."""
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=record_time_us)
    start = dt.datetime(moment.year, moment.month, 1, tzinfo=dt.UTC)
    end = dt.datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=dt.UTC)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

    def micros(t: dt.datetime) -> int:
        return (t - epoch) // dt.timedelta(microseconds=1)

    return f"events_{start:%Y_%m}", micros(start), micros(end)


def _configure(conn: psycopg.Connection[Any]) -> None:
    """A new pooled connection gets its session's staging tables."""
    for statement in _STAGE:
        conn.execute(statement)


class PostgresStore(SqlStore):
    """The store in a PostgreSQL database."""

    greatest = "GREATEST"

    def __init__(self, url: str, *, max_connections: int = 16) -> None:
        self.url = url
        # The first connection migrates, and fails with libpq's own reason (the pool
        # would only time out); the pool opens once the schema is there.
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                self._migrate(conn)
        except psycopg.Error as exc:
            # The message of libpq names host and reason; never the password.
            raise StoreError(f"hub database (PostgreSQL): {exc}".strip()) from exc
        self.pool = ConnectionPool(
            url,
            kwargs={"autocommit": True, "connect_timeout": 10},
            min_size=2,
            max_size=max_connections,
            configure=_configure,
            check=ConnectionPool.check_connection,
            name="station-hub",
            open=True,
        )

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER PRIMARY KEY)")
            done = {row[0] for row in conn.execute("SELECT version FROM hub_schema")}
            for version, statements in migrate.scripts("postgresql"):
                if version in done:
                    continue
                for statement in statements:
                    conn.execute(statement.encode("utf-8"))
                conn.execute("INSERT INTO hub_schema (version) VALUES (%s)", (version,))
            now_us = int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000)
            self.ensure_partition(conn, now_us)
            self.ensure_partition(conn, month_partition(now_us)[2])

    @contextmanager
    def write(self, conn: psycopg.Connection[Any]) -> Iterator[psycopg.Connection[Any]]:
        with conn.transaction():
            yield conn

    def stage(self, conn: psycopg.Connection[Any], records: Sequence[EventRecord]) -> None:
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY hub_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN".encode()) as copy,
        ):
            for row in stage_rows(records):
                copy.write_row(row)

    def insert_rows(
        self, conn: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN".encode()) as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def ensure_partition(self, conn: Any, record_time_us: int) -> None:
        name, start, end = month_partition(record_time_us)
        (found,) = conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()
        if found is None:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF events "
                f"FOR VALUES FROM ({start}) TO ({end})".encode()
            )
