"""The station's SQLite file: an append-only, hash-chained event log plus projections.

`append` commits a batch of events and their projection updates in one
transaction (WAL, ``synchronous=FULL``); it returns only after the commit, which is
what makes a verdict shown on screen durable.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from station.domain.events import Event, EventKind, StoredEvent
from station.errors import StoreError
from station.store.checkpoints import Checkpointer
from station.store.hashchain import GENESIS, chain_hash, event_body
from station.store.migrations import migrate
from station.store.rows import Row, one

_EVENTS = (
    "SELECT seq, id, kind, station_id, operator_id, recorded_at, payload, prev_hash, hash"
    " FROM events"
)


class Projector(Protocol):
    """Updates projection tables for one event inside the append transaction."""

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None: ...


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Outcome of checking the hash chain."""

    ok: bool
    events: int
    message: str
    first_bad_seq: int | None = None


class EventLog:
    """An open station database file."""

    def __init__(self, conn: sqlite3.Connection, path: Path, projector: Projector | None) -> None:
        self._conn = conn
        self.path = path
        self._projector = projector
        # WAL checkpoints run off the scan path, in the background (store.checkpoints).
        conn.execute("PRAGMA wal_autocheckpoint=0")
        self.checkpoints = Checkpointer(path)
        self.checkpoints.start()

    @classmethod
    def open(cls, path: Path, projector: Projector | None = None) -> EventLog:
        """Open (creating if needed) the database at `path` and migrate it."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=5000")
            # 32 MB of page cache keeps large manifests and hot indexes in memory.
            conn.execute("PRAGMA cache_size=-32000")
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the station database {str(path)!r}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot create the data directory for {str(path)!r}: {exc}") from exc
        return cls(conn, path, projector)

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for read-only projection queries."""
        return self._conn

    def close(self) -> None:
        """Close the database file."""
        self.checkpoints.stop()
        self._conn.close()

    def append(self, events: Sequence[Event]) -> list[StoredEvent]:
        """Chain, store and project `events` in one committed transaction."""
        if not events:
            return []
        return self.append_built(lambda conn: events)

    def append_built(
        self, build: Callable[[sqlite3.Connection], Sequence[Event]]
    ) -> list[StoredEvent]:
        """Build events inside the write transaction, then chain, store and project them.

        For events that consume state they read, such as identifier counters: reading
        and appending under one lock means two writers can never allocate the same id.
        """
        conn = self._conn
        stored: list[StoredEvent] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            events = build(conn)
            # Read the tail inside the write lock: another process may share the file.
            row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (row[0], row[1]) if row else (0, GENESIS)
            for event in events:
                seq += 1
                body = event_body(
                    event_id=event.id,
                    kind=event.kind.value,
                    station_id=event.station_id,
                    operator_id=event.operator_id,
                    recorded_at=event.recorded_at,
                    payload=event.payload,
                )
                digest = chain_hash(prev, body)
                conn.execute(
                    "INSERT INTO events (seq, id, kind, station_id, operator_id, recorded_at,"
                    " payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        seq,
                        event.id,
                        event.kind.value,
                        event.station_id,
                        event.operator_id,
                        event.recorded_at.isoformat(),
                        json.dumps(event.payload, sort_keys=True, ensure_ascii=False),
                        prev,
                        digest,
                    ),
                )
                record = StoredEvent(seq=seq, event=event, prev_hash=prev, hash=digest)
                if self._projector is not None:
                    self._projector.apply(conn, record)
                stored.append(record)
                prev = digest
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.checkpoints.wrote()
        return stored

    def count(self) -> int:
        """Number of events in the log."""
        (n,) = self._conn.execute("SELECT count(*) FROM events").fetchone()
        return int(n)

    def events(
        self, *, after_seq: int = 0, kinds: Sequence[EventKind] | None = None
    ) -> Iterator[StoredEvent]:
        """Stored events in log order, optionally only some kinds."""
        sql = f"{_EVENTS} WHERE seq > ?"
        params: list[object] = [after_seq]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(k.value for k in kinds)
        sql += " ORDER BY seq"
        yield from map(_row_to_stored, self._conn.execute(sql, params))

    def event_by_id(self, event_id: str) -> StoredEvent | None:
        """One stored event by its UUID."""
        return one(self._conn, f"{_EVENTS} WHERE id = ?", (event_id,), _row_to_stored)

    def verify(self) -> VerifyReport:
        """Recompute the whole chain; report the first event that does not hold."""
        prev = GENESIS
        count = 0
        expected_seq = 1
        rows = self._conn.execute(f"{_EVENTS} ORDER BY seq")
        for seq, eid, kind, station, operator, when, payload, prev_hash, digest in rows:
            if seq != expected_seq:
                return VerifyReport(
                    False, count, f"event #{expected_seq} is missing (next is #{seq})", seq
                )
            if prev_hash != prev:
                return VerifyReport(
                    False, count, f"event #{seq} does not link to event #{seq - 1}", seq
                )
            try:
                body = event_body(
                    event_id=eid,
                    kind=kind,
                    station_id=station,
                    operator_id=operator,
                    recorded_at=when,
                    payload=json.loads(payload),
                )
            except ValueError:
                return VerifyReport(False, count, f"event #{seq} has a corrupt payload", seq)
            if chain_hash(prev, body) != digest:
                return VerifyReport(
                    False, count, f"event #{seq} ({eid}) was altered: its hash does not match", seq
                )
            prev = digest
            count += 1
            expected_seq += 1
        return VerifyReport(True, count, f"{count} events, hash chain intact")


def _row_to_stored(row: Row) -> StoredEvent:
    seq, eid, kind, station, operator, when, payload, prev_hash, digest = row
    event = Event(
        id=str(eid),
        kind=EventKind(str(kind)),
        station_id=str(station),
        operator_id=None if operator is None else str(operator),
        recorded_at=dt.datetime.fromisoformat(str(when)),
        payload=json.loads(str(payload)),
    )
    return StoredEvent(seq=int(str(seq)), event=event, prev_hash=str(prev_hash), hash=str(digest))
