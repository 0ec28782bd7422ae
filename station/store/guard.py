"""Is this still the log the station opened? The checks around opening and each commit.

At open, `opening_problems` compares the database with its anchor; `refuse_missing`
stops a data directory whose anchored database is gone or empty from getting a new
log in its place. Around each commit, `WriteGuard` checks that the file at the
database's path is still the one opened (device and inode of the database and of
its WAL: SQLite keeps the WAL while any connection is open, so a new or missing one
means the files were deleted or swapped), still carries this database's id, and still
holds the head this process last committed. Once it refuses, it refuses every later
commit of the process too.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from station.errors import StoreError
from station.store.anchor import (
    EMPTY,
    AnchorFile,
    AnchorRecord,
    AnchorSource,
    Head,
    disagreement,
)
from station.store.integrity import DatabaseMeta

Identity = tuple[int, int]


class LogTail:
    """The end of the log, as the anchor checks and the guard read it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def head(self) -> Head:
        """The last stored event (`EMPTY` for none, or before the table exists)."""
        try:
            row = self._conn.execute(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return EMPTY
            raise
        return Head(int(row[0]), str(row[1])) if row else EMPTY

    def hash_at(self, seq: int) -> str | None:
        """The stored hash of event `seq`."""
        row = self._conn.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else str(row[0])


def file_identity(path: Path) -> Identity | None:
    """Device and inode of the file at `path`; None when there is none."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_dev, info.st_ino)


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def wal_path(path: Path) -> Path:
    """SQLite's write-ahead log beside the database."""
    return path.with_name(path.name + "-wal")


class WriteGuard:
    """What one process checks inside its write lock, before and after each commit."""

    def __init__(self, path: Path, conn: sqlite3.Connection, refusal: str | None) -> None:
        self.path = path
        self._conn = conn
        self.refusal = refusal
        self.identity = file_identity(path)
        self._wal = file_identity(wal_path(path))
        self._wal_size = _size(wal_path(path))
        self.known = LogTail(conn).head()
        self.database_id: str | None = None

    def check_open(self) -> None:
        """Refuse at once when an earlier check (or the open) refused."""
        if self.refusal is not None:
            raise StoreError(self.refusal)

    def before_commit(self) -> None:
        """Inside the write lock: the same file, the same database, our head still there."""
        self.check_file()
        if self.database_id is not None:
            try:
                row = self._conn.execute(
                    "SELECT value FROM meta WHERE key = 'database_id'"
                ).fetchone()
            except sqlite3.OperationalError:  # no meta table: an older or foreign file
                row = None
            if row is None or row[0] != self.database_id:
                self.refuse(
                    f"the station database {str(self.path)!r} was replaced by another "
                    "database while the station was running"
                )
        known = self.known
        if known.seq and LogTail(self._conn).hash_at(known.seq) != known.hash:
            self.refuse(
                f"the event log in {str(self.path)!r} lost events while the station was "
                f"running (it no longer holds #{known.seq} as committed)"
            )

    def check_file(self) -> None:
        """The files at the database's path are still the ones this process opened.

        SQLite never shortens the WAL while a connection is open (nothing here sets
        ``journal_size_limit`` or checkpoints with TRUNCATE), so a shorter one was cut.
        """
        wal = file_identity(wal_path(self.path))
        if self._wal is None:
            self._wal = wal
        if file_identity(self.path) != self.identity or wal != self._wal:
            self.refuse(
                f"the station database {str(self.path)!r} was deleted or replaced while "
                "the station was running"
            )
        size = _size(wal_path(self.path))
        if size < self._wal_size:
            self.refuse(
                f"the write-ahead log of {str(self.path)!r} was truncated while the station "
                f"was running ({size} bytes, it had {self._wal_size})"
            )
        self._wal_size = size

    def refuse(self, why: str) -> None:
        """Refuse this commit and every later one, saying `why` and what to do."""
        self.refusal = (
            f"{why}: nothing more is recorded by this process. Stop the station, keep the "
            "data directory as it is, and run `station check-db`"
        )
        raise StoreError(self.refusal)


def opening_problems(
    conn: sqlite3.Connection,
    anchor: AnchorFile,
    record: AnchorRecord | None,
    seal: str | None,
    meta: DatabaseMeta | None,
    *,
    others: Sequence[AnchorSource] = (),
) -> list[str]:
    """How the database disagrees with its anchor file and any `others` witnesses."""
    database_id = None if meta is None else meta.database_id
    problems = [_compare(source, database_id, conn) for source in others]
    if record is None:
        if meta is not None and meta.anchored:
            problems.append(
                f"{anchor.name} is missing, though this database had one: restore it with "
                "the rest of the data directory from its backup, or run "
                "`station check-db --new-anchor` to check the log and anchor its head"
            )
        return [p for p in problems if p]
    problems.insert(0, _compare(anchor, database_id, conn))
    if meta is not None and not problems[0] and meta.chain != record.chain:
        problems.append(
            f"{anchor.name} says the chain is {record.chain}, the database says {meta.chain}: "
            "one of them was rewritten"
        )
    return [p for p in (*problems, seal) if p]


def _compare(source: AnchorSource, database_id: str | None, conn: sqlite3.Connection) -> str | None:
    witness = source.witness()
    return None if witness is None else disagreement(witness, database_id, LogTail(conn))


def refuse_missing(path: Path, anchor: AnchorFile, record: AnchorRecord) -> None:
    """The database the anchor names is gone or empty: never start a new log in its place."""
    try:
        size: int | None = path.stat().st_size
    except FileNotFoundError:
        size = None
    if size:
        return
    what = "is missing" if size is None else "is empty (0 bytes)"
    raise StoreError(
        f"the station database {str(path)!r} {what}, but {anchor.name} says this data "
        f"directory holds the event log of station {record.station_id or '?'} "
        f"({record.head.seq} events): the station does not start a new log in its place. "
        "Restore the data directory from its backup; to start a new log on purpose, use "
        "a new data directory"
    )


def mismatch_message(path: Path, problems: Sequence[str]) -> str:
    """The refusal of a log that disagrees with its anchor or key, and what to do."""
    return (
        f"the station database {str(path)!r} does not match its anchor or key: "
        + "; ".join(problems)
        + ". Nothing is recorded into it: run `station verify-log` (or `station check-db`) "
        "for a report, and restore the data directory from its backup"
    )
