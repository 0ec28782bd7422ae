"""The hub on one SQLite file: the single-PC default.

WAL mode lets queries read while a capture writes; ``BEGIN IMMEDIATE`` takes the write
lock at the start of a capture, so captures from several threads (or processes on the
same file) run one after the other. Rows are bulk-loaded with ``executemany``.
"""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from station.errors import StoreError
from station.hub.events import EventRecord
from station.hub.storage import migrate
from station.hub.storage.base import SqlStore
from station.hub.storage.ingest import STAGE_COLUMNS, stage_rows

_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS hub_stage (
    row_no INTEGER PRIMARY KEY, event_id TEXT, kind TEXT, content_hash TEXT
);
"""
_INSERT_STAGE = (
    f"INSERT INTO hub_stage ({', '.join(STAGE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in STAGE_COLUMNS)})"
)


class _Connections:
    """Open connections to one file, lent one per block; one that raised is closed.

    psycopg_pool serves PostgreSQL; SQLite needs no more than this, since a connection
    is a file handle and the write lock (``BEGIN IMMEDIATE``) does the serialising.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], keep: int = 8) -> None:
        self._connect = connect
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue(maxsize=keep)

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        except BaseException:
            conn.close()
            raise
        try:
            self._idle.put_nowait(conn)
        except queue.Full:
            conn.close()

    def close(self) -> None:
        with suppress(queue.Empty):
            while True:
                self._idle.get_nowait().close()


class SqliteStore(SqlStore):
    """The store in one SQLite file."""

    greatest = "MAX"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"hub database {path}: {exc.strerror or exc}") from exc
        self.pool = _Connections(self._connect)
        with self.pool.connection() as conn:
            self._migrate(conn)

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a capture acknowledged with 202 survives a power cut, as on the station.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(_STAGE)
        except sqlite3.Error as exc:
            raise StoreError(f"hub database {self.path}: {exc}") from exc
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER PRIMARY KEY)")
            done = {row[0] for row in conn.execute("SELECT version FROM hub_schema")}
            for version, statements in migrate.scripts("sqlite"):
                if version in done:
                    continue
                for statement in statements:
                    conn.execute(statement)
                conn.execute("INSERT INTO hub_schema (version) VALUES (?)", (version,))
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    @contextmanager
    def write(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def stage(self, conn: sqlite3.Connection, records: Sequence[EventRecord]) -> None:
        conn.execute("DELETE FROM hub_stage")
        conn.executemany(_INSERT_STAGE, stage_rows(records))
