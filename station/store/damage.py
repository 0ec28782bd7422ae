"""What a failing SQLite call means for a person: a damaged file, a full disk, or else.

Every read and write path of the store turns `sqlite3.Error` into a `StoreError` through
`store_error`, so a corrupt page, a truncated file or a full disk is one clear line
saying what happened and what to do, never a traceback and never the wrong reason
(a failed ROLLBACK after SQLite already rolled back used to hide "disk full").
`quick_check` and `integrity_check` are SQLite's own checks of the file's structure.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from station.errors import StoreError

# SQLite primary result codes (sqlite3.h): the low byte of an extended code.
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 10, 11, 13, 26
SQLITE_IOERR_SHORT_READ = SQLITE_IOERR | (2 << 8)
"""A page SQLite expects is past the end of the file (or of its WAL): it was cut."""
_DAMAGE_CODES = {SQLITE_CORRUPT, SQLITE_NOTADB}


class DamagedStoreError(StoreError):
    """The station database file is damaged: nothing is read from or recorded into it."""


class StoreFullError(StoreError):
    """The disk (or the database) is full: the transaction was rolled back whole."""


def _named(path: Path | None) -> str:
    return "the station database" if path is None else f"the station database {str(path)!r}"


def damaged_message(path: Path | None, detail: str) -> str:
    """The one line that says the database is damaged, and what to do about it."""
    return (
        f"{_named(path)} is damaged: {detail}. Nothing more is recorded "
        "into it. Stop the station, copy the whole data directory aside, run "
        "`station check-db` for a report, then restore the data directory from its last "
        "backup (or recover the rows with `sqlite3 station.sqlite3 .recover`)"
    )


def full_message(path: Path | None, detail: str) -> str:
    """The one line that says the disk is full: nothing of the failed write was kept."""
    where = "the station's data directory" if path is None else repr(str(path.parent))
    return (
        f"disk full: {_named(path)} could not be written ({detail}); nothing of it was "
        f"kept. Free space on the disk holding {where}, then try again"
    )


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` says the file itself is malformed (not busy, not full)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF in _DAMAGE_CODES or code == SQLITE_IOERR_SHORT_READ):
        return True
    text = str(exc)
    return "malformed" in text or "not a database" in text


def is_full(exc: BaseException) -> bool:
    """Whether `exc` is SQLite's "database or disk is full" (or the OS's ENOSPC)."""
    if isinstance(exc, OSError) and exc.errno == 28:  # ENOSPC
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF == SQLITE_FULL) or "disk is full" in str(exc)


def store_error(path: Path | None, exc: sqlite3.Error | OSError) -> StoreError:
    """`exc` as the `StoreError` a person is shown: damaged, full, or SQLite's own words."""
    detail = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
    detail = detail or type(exc).__name__
    if getattr(exc, "sqlite_errorcode", None) == SQLITE_IOERR_SHORT_READ:
        detail += " (part of the file is missing: it was truncated)"
    if is_damage(exc):
        return DamagedStoreError(damaged_message(path, detail))
    if is_full(exc):
        return StoreFullError(full_message(path, detail))
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == SQLITE_IOERR:
        return StoreError(
            f"{_named(path)} cannot be read or written ({detail}): check the disk "
            "(`dmesg`, `smartctl`) and run `station check-db`"
        )
    return StoreError(f"{_named(path)} failed: {detail}")


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's ``PRAGMA quick_check``: the problems found (empty when the file is sound)."""
    return _check(conn, "PRAGMA quick_check")


def integrity_check(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """SQLite's full ``PRAGMA integrity_check`` (indexes too): up to `limit` problems."""
    return _check(conn, f"PRAGMA integrity_check({int(limit)})")


def _check(conn: sqlite3.Connection, pragma: str) -> list[str]:
    rows = [str(row[0]) for row in conn.execute(pragma)]
    return [] if rows == ["ok"] else rows
