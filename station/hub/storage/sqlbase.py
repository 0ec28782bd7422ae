"""The dialect hooks both backends fill in, and the helpers every store query goes through."""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from station.hub.events import EventRecord


class ConnectionPool(Protocol):
    """Open connections lent for one block each (psycopg_pool's interface)."""

    def connection(self) -> AbstractContextManager[Any]: ...
    def close(self) -> None: ...


class SqlBase:
    """A store's connection pool and dialect; SQL is written with ``?`` placeholders."""

    greatest = "MAX"
    pool: ConnectionPool

    # --- dialect hooks -------------------------------------------------------------
    def sql(self, text: str) -> str:
        """`text` in the driver's placeholder style (written with ``?``)."""
        return text

    def write(self, conn: Any) -> AbstractContextManager[Any]:
        """A write transaction on `conn`."""
        raise NotImplementedError

    def stage(self, conn: Any, records: Sequence[EventRecord]) -> None:
        """Fill ``hub_stage`` with the identities of the capture's events."""
        raise NotImplementedError

    def ensure_partition(self, conn: Any, record_time_us: int) -> None:
        """Make sure events at `record_time_us` have a place to go (PostgreSQL: a partition)."""

    def decode(self, body: Any) -> dict[str, Any]:
        """A stored body as a dict."""
        decoded: dict[str, Any] = json.loads(body) if isinstance(body, str) else body
        return decoded

    # --- helpers -------------------------------------------------------------------
    def run(self, conn: Any, text: str, params: Sequence[Any] = ()) -> Any:
        return conn.execute(self.sql(text), tuple(params))

    def insert_rows(
        self, conn: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Append `rows` to `table` (PostgreSQL overrides this with ``COPY``)."""
        if rows:
            marks = ", ".join("?" for _ in columns)
            conn.cursor().executemany(
                self.sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"),
                [tuple(r) for r in rows],
            )

    def close(self) -> None:
        self.pool.close()
