"""The station's SQLite file: an append-only, hash-chained event log plus projections.

`append` commits a batch of events and their projection updates in one
transaction (WAL, ``synchronous=FULL``); it returns only after the commit, which is
what makes a verdict shown on screen durable.

Opening checks the file with SQLite's ``quick_check`` and compares it with its
anchor and any other witnesses (`station.store.anchor`): a data directory whose log
was deleted, emptied, replaced or cut is refused, never silently started afresh.
Around each commit `station.store.guard.WriteGuard` checks that the file is still the
one opened; if not, the commit is refused (NOT RECORDED, and why). With
``tolerant=True`` a log that disagrees with its anchor or key opens anyway, to be
reported (`problems`), and is never written to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from station.domain.events import Event, EventKind, StoredEvent
from station.errors import StoreError
from station.store.anchor import (
    ANCHOR_NAME,
    EMPTY,
    AnchorFile,
    AnchorRecord,
    AnchorSource,
    Head,
)
from station.store.checkpoints import Checkpointer
from station.store.damage import DamagedStoreError, damaged_message, quick_check, store_error
from station.store.guard import (
    LogTail,
    WriteGuard,
    mismatch_message,
    opening_problems,
    refuse_missing,
)
from station.store.hashchain import PLAIN, Chain, canonical_json, event_body
from station.store.integrity import (
    DatabaseMeta,
    chain_problem,
    ensure_meta,
    mark_anchored,
    read_meta,
)
from station.store.migrations import migrate
from station.store.rows import Row, one
from station.store.verify import VerifyReport, verify_chain

__all__ = ["EventLog", "IntegrityOptions", "Projector", "VerifyReport"]

_EVENTS = (
    "SELECT seq, id, kind, station_id, operator_id, recorded_at, payload, prev_hash, hash"
    " FROM events"
)


class Projector(Protocol):
    """Updates projection tables for one event inside the append transaction."""

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None: ...


@dataclass(frozen=True, slots=True)
class IntegrityOptions:
    """How the log is keyed and anchored (from the config's ``[integrity]`` table)."""

    secret: bytes | None = None
    """The station secret: the chain is HMAC-SHA256 under it; None: plain SHA-256."""
    anchor_every: int = 16
    """Rewrite the anchor after at most this many committed events (and at close)."""
    station_id: str = ""
    witnesses: tuple[AnchorSource, ...] = ()
    """Witnesses besides the anchor file (the hub's acknowledged head), checked at open."""


class EventLog:
    """An open station database file."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        projector: Projector | None,
        *,
        chain: Chain | None = None,
        meta: DatabaseMeta | None = None,
        anchor: AnchorFile | None = None,
        options: IntegrityOptions | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        self._conn = conn
        self.path = path
        self._projector = projector
        self.chain = chain or Chain()
        self.meta = meta
        self.anchor = anchor
        self._options = options or IntegrityOptions()
        self.problems = tuple(problems)
        """Why the log disagrees with its anchor or key (a `tolerant` open); none: it agrees."""
        self._guard = WriteGuard(path, conn, self.problems[0] if self.problems else None)
        self._guard.database_id = None if meta is None else meta.database_id
        self._anchored = self._guard.known
        # WAL checkpoints run off the scan path, in the background (store.checkpoints).
        conn.execute("PRAGMA wal_autocheckpoint=0")
        self.checkpoints = Checkpointer(path)
        self.checkpoints.start()

    @classmethod
    def open(
        cls,
        path: Path,
        projector: Projector | None = None,
        options: IntegrityOptions | None = None,
        *,
        tolerant: bool = False,
        quick_check: bool = True,
    ) -> EventLog:
        """Open (creating if needed) the database at `path`, check it and migrate it.

        `StoreError` when the file is damaged, or (unless `tolerant`) when it is not
        the log its anchor names, or its chain disagrees with the configured secret.
        `quick_check` runs SQLite's check of the whole file first (about 2 s per
        million events): a process that will write must never write into a damaged
        file; a check that reads every event anyway may skip it.
        """
        options = options or IntegrityOptions()
        chain = Chain(options.secret)
        anchor = AnchorFile(path.parent / ANCHOR_NAME, chain)
        record, seal = anchor.read()
        if record is not None:
            refuse_missing(path, anchor, record)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise store_error(path, exc) from exc
        except OSError as exc:
            raise StoreError(f"cannot create the data directory for {str(path)!r}: {exc}") from exc
        try:
            log = cls._checked(
                conn,
                path=path,
                projector=projector,
                options=options,
                chain=chain,
                anchor=anchor,
                record=record,
                seal=seal,
                tolerant=tolerant,
                check=quick_check,
            )
        except sqlite3.Error as exc:
            conn.close()
            raise store_error(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return log

    @classmethod
    def _checked(
        cls,
        conn: sqlite3.Connection,
        *,
        path: Path,
        projector: Projector | None,
        options: IntegrityOptions,
        chain: Chain,
        anchor: AnchorFile,
        record: AnchorRecord | None,
        seal: str | None,
        tolerant: bool,
        check: bool,
    ) -> EventLog:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        # 32 MB of page cache keeps large manifests and hot indexes in memory.
        conn.execute("PRAGMA cache_size=-32000")
        damage = quick_check(conn) if check else []
        if damage:
            raise DamagedStoreError(damaged_message(path, "; ".join(damage[:3])))
        meta_found = read_meta(conn)
        problems = opening_problems(
            conn, anchor, record, seal, meta_found, others=options.witnesses
        )
        if problems and not tolerant:
            raise StoreError(mismatch_message(path, problems))
        migrate(conn)
        meta = ensure_meta(conn, chain, may_rekey=record is None or record.head.seq == 0)
        problem = chain_problem(meta, chain)
        if problem:
            problems.append(problem)
            if not tolerant:
                raise StoreError(mismatch_message(path, [problem]))
        log = cls(
            conn,
            path,
            projector,
            chain=chain,
            meta=meta,
            anchor=anchor,
            options=options,
            problems=problems,
        )
        stale = record is None or (record.file_identity, record.chain, record.head) != (
            log._guard.identity,
            meta.chain,
            log._guard.known,
        )
        if not problems and stale:
            # A full disk must not keep the log from opening: the anchor lags until a
            # later write succeeds, as after a crash.
            with contextlib.suppress(StoreError):
                log.write_anchor()
        return log

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for read-only projection queries."""
        return self._conn

    def close(self) -> None:
        """Anchor the head reached, then close the database file."""
        try:
            if self._guard.refusal is None and self._guard.known != self._anchored:
                self.write_anchor()
        except (OSError, StoreError, sqlite3.Error):
            pass  # the events are committed; the anchor only lags, as after a crash
        finally:
            self.checkpoints.stop()
            self._conn.close()

    def head(self) -> Head:
        """The last stored event's sequence number and hash (`EMPTY` for none)."""
        return LogTail(self._conn).head()

    def write_anchor(self, verified: Head | None = None) -> AnchorRecord | None:
        """Durably record the head this process knows (and `verified`) in the anchor file."""
        if self.anchor is None or self.meta is None:
            return None
        meta, head = self.meta, self._guard.known
        identity = self._guard.identity or (0, 0)
        station_id = self._options.station_id

        def change(current: AnchorRecord | None) -> AnchorRecord:
            new = AnchorRecord(station_id, meta.database_id, identity, meta.chain, head)
            if current is None or current.database_id != meta.database_id:
                return new
            if current.head.seq > head.seq:  # another writer got further: keep its head
                new = replace(new, head=current.head)
            kept = verified if verified is not None else current.verified
            return replace(new, station_id=station_id or current.station_id, verified=kept)

        try:
            record = self.anchor.update(change)
        except OSError as exc:
            raise store_error(self.anchor.path, exc) from exc
        if not meta.anchored:
            mark_anchored(self._conn)
            self.meta = replace(meta, anchored=True)
        self._anchored = head
        return record

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
        self._guard.check_open()
        conn = self._conn
        stored: list[StoredEvent] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            self._guard.before_commit()
            events = build(conn)
            # Read the tail inside the write lock: another process may share the file.
            tail = self.head()
            seq, prev = tail.seq, tail.hash
            for event in events:
                seq += 1
                payload = canonical_json(event.payload)
                body = event_body(
                    event_id=event.id,
                    kind=event.kind.value,
                    station_id=event.station_id,
                    operator_id=event.operator_id,
                    recorded_at=event.recorded_at,
                    payload=event.payload,
                )
                digest = self.chain.link(prev, body)
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
                        payload,
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
        except BaseException as exc:
            # SQLite may have rolled back already (a full disk, an I/O error): a second
            # ROLLBACK would fail and hide the error that matters.
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                error = store_error(self.path, exc)
                if isinstance(error, DamagedStoreError):
                    self._guard.refusal = str(error)
                    raise error from exc
                if type(error) is not StoreError:
                    raise error from exc
            raise
        if stored:
            self._guard.known = Head(stored[-1].seq, stored[-1].hash)
        self._guard.check_file()  # committed into a file deleted meanwhile: not durable
        if self._guard.known.seq - self._anchored.seq >= self._options.anchor_every:
            # Committed already: a failed anchor write only lags, as after a crash.
            with contextlib.suppress(OSError, StoreError):
                self.write_anchor()
        self.checkpoints.wrote()
        return stored

    def count(self) -> int:
        """Number of events in the log."""
        try:
            (n,) = self._conn.execute("SELECT count(*) FROM events").fetchone()
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from exc
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
        try:
            yield from map(_row_to_stored, self._conn.execute(sql, params))
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from exc

    def event_by_id(self, event_id: str) -> StoredEvent | None:
        """One stored event by its UUID."""
        return one(self._conn, f"{_EVENTS} WHERE id = ?", (event_id,), _row_to_stored)

    def verify(self, start: Head = EMPTY) -> VerifyReport:
        """Recompute the chain after `start`; report the first event that does not hold.

        A keyed log opened without its secret has only its order and links checked.
        """
        meta = self.meta
        chain: Chain | None = self.chain
        if meta is not None and chain_problem(meta, self.chain):
            # Without the log's own key only the links can be checked; a plain log is
            # checked as plain, to say whether it is intact as well as unkeyed.
            chain = Chain() if meta.chain == PLAIN else None
        canonical_from = meta.canonical_from if meta is not None else 1
        try:
            return verify_chain(self._conn, chain, canonical_from, start)
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from exc


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
