"""The sync worker's state in the station's own database (tables ``sync_state``, ``sync_pulls``).

``sync_state`` is one row: the head the hub acknowledged (sequence and hash: the outbox
is every event after it, and the pair is a second anchor of the log), whether the last
contact worked, when the last round succeeded, the last error, and a refusal (fork, gap
or a cut log) with its reason. ``sync_pulls`` keeps, per site-data resource, the ETag
and change cursor of the last answer and the copy of the roster and risk rules in use.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Final

GENESIS: Final = "0" * 64
_STATE = (
    "acked_seq",
    "acked_hash",
    "acked_at",
    "online",
    "last_attempt_at",
    "last_success_at",
    "last_error",
    "refused_reason",
    "refused_detail",
    "refused_at",
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """The hub, or the local anchor, refused this station's log."""

    reason: str
    """``fork`` (another hash at an acknowledged seq), ``gap`` or ``cut`` (the log ends
    before the acknowledged head)."""
    detail: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class SyncState:
    """The one row of ``sync_state``."""

    acked_seq: int
    acked_hash: str
    acked_at: dt.datetime | None
    online: bool | None
    """None before the first contact."""
    last_attempt_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_error: str | None
    refusal: Refusal | None


@dataclass(frozen=True, slots=True)
class Pulled:
    """The validators of the last answer for one resource, and the copy kept of it."""

    resource: str
    etag: str | None
    cursor: str | None
    digest: str | None
    body: str | None
    pulled_at: dt.datetime


def _time(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(str(value)) if value else None


def read_state(conn: sqlite3.Connection) -> SyncState:
    """The current state (the migration makes the row)."""
    row = conn.execute(f"SELECT {', '.join(_STATE)} FROM sync_state WHERE id = 1").fetchone()
    values = dict(zip(_STATE, row, strict=True))
    refusal = None
    if values["refused_reason"]:
        refusal = Refusal(
            str(values["refused_reason"]),
            str(values["refused_detail"] or ""),
            _time(values["refused_at"]) or dt.datetime.min.replace(tzinfo=dt.UTC),
        )
    return SyncState(
        acked_seq=int(values["acked_seq"]),
        acked_hash=str(values["acked_hash"]),
        acked_at=_time(values["acked_at"]),
        online=None if values["online"] is None else bool(values["online"]),
        last_attempt_at=_time(values["last_attempt_at"]),
        last_success_at=_time(values["last_success_at"]),
        last_error=values["last_error"],
        refusal=refusal,
    )


def record_ack(conn: sqlite3.Connection, seq: int, digest: str, at: dt.datetime) -> None:
    """The hub acknowledged the log up to `seq` (hash `digest`)."""
    conn.execute(
        "UPDATE sync_state SET acked_seq = ?, acked_hash = ?, acked_at = ?, online = 1"
        " WHERE id = 1",
        (seq, digest, at.isoformat()),
    )


def record_attempt(
    conn: sqlite3.Connection, at: dt.datetime, *, online: bool, error: str | None
) -> None:
    """A round ended: reached the hub or not, and the error if it failed."""
    conn.execute(
        "UPDATE sync_state SET last_attempt_at = ?, online = ?, last_error = ?"
        + (", last_success_at = ?" if error is None else "")
        + " WHERE id = 1",
        (at.isoformat(), int(online), error, *([at.isoformat()] if error is None else [])),
    )


def record_refusal(conn: sqlite3.Connection, refusal: Refusal | None) -> None:
    """Set (or, with None, clear) the refusal of the log."""
    conn.execute(
        "UPDATE sync_state SET refused_reason = ?, refused_detail = ?, refused_at = ? WHERE id = 1",
        (
            refusal.reason if refusal else None,
            refusal.detail if refusal else None,
            refusal.at.isoformat() if refusal else None,
        ),
    )


def read_pulled(conn: sqlite3.Connection, resource: str) -> Pulled | None:
    """The last answer kept for `resource`."""
    row = conn.execute(
        "SELECT resource, etag, cursor, digest, body, pulled_at FROM sync_pulls WHERE resource = ?",
        (resource,),
    ).fetchone()
    if row is None:
        return None
    return Pulled(row[0], row[1], row[2], row[3], row[4], dt.datetime.fromisoformat(row[5]))


def record_pulled(conn: sqlite3.Connection, pulled: Pulled) -> None:
    """Keep `pulled` (inside the transaction that records its events)."""
    conn.execute(
        "INSERT INTO sync_pulls (resource, etag, cursor, digest, body, pulled_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (resource) DO UPDATE SET etag = excluded.etag,"
        " cursor = excluded.cursor, digest = excluded.digest, body = excluded.body,"
        " pulled_at = excluded.pulled_at",
        (
            pulled.resource,
            pulled.etag,
            pulled.cursor,
            pulled.digest,
            pulled.body,
            pulled.pulled_at.isoformat(),
        ),
    )
