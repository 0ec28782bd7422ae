"""The database's own identity and chain mode, and the station secret that keys the chain.

The ``meta`` table (migration ``009_meta.sql``) holds facts about the file itself,
written when the file is first opened by this version:

* ``database_id``: random, so the anchor beside the file can tell this log from a new
  or another one put in its place;
* ``chain``: ``sha256`` or ``hmac-sha256`` (see `station.store.hashchain`), and for a
  keyed chain ``key_check``, a fingerprint of the secret. A log's chain mode is fixed
  once it holds an event: a secret configured later, or removed, makes the station
  refuse to write (and `verify-log` say why), it never switches silently;
* ``canonical_from``: the first sequence number whose payload column holds canonical
  JSON, so verification can hash the stored text as it is;
* ``anchored``: set when the first anchor file was written for this database, so a
  lost anchor is noticed rather than silently re-created.

The secret is a file (``[integrity] secret_file``) only the station's user may read:
`load_secret` refuses one that its group or others can read.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path

from station.errors import StoreError
from station.store.hashchain import KEYED, PLAIN, Chain

MIN_SECRET_BYTES = 16


@dataclass(frozen=True, slots=True)
class DatabaseMeta:
    """What the ``meta`` table says about this database file."""

    database_id: str
    chain: str
    key_check: str | None
    canonical_from: int
    anchored: bool


def load_secret(path: Path) -> bytes:
    """The station secret in `path`; `StoreError` unless only its owner (us) can read it."""
    try:
        info = path.stat()
        data = path.read_bytes().strip()
    except OSError as exc:
        raise StoreError(f"cannot read the station secret {str(path)!r}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"the station secret {str(path)!r} is not a regular file")
    if info.st_mode & 0o077:
        raise StoreError(
            f"the station secret {str(path)!r} is readable by others "
            f"(mode {stat.S_IMODE(info.st_mode):04o}): make it readable only by the "
            f"station's user: chmod 600 {str(path)!r}"
        )
    if info.st_uid != os.geteuid():
        raise StoreError(
            f"the station secret {str(path)!r} belongs to uid {info.st_uid}, not to the "
            f"station's user (uid {os.geteuid()}): chown it to the user the station runs as"
        )
    if len(data) < MIN_SECRET_BYTES:
        raise StoreError(
            f"the station secret {str(path)!r} is too short ({len(data)} bytes, at least "
            f"{MIN_SECRET_BYTES}): make one with `head -c 32 /dev/urandom | base64 > FILE`"
        )
    return data


def read_meta(conn: sqlite3.Connection) -> DatabaseMeta | None:
    """The file's meta, or None when it has none yet (a new file, or one made before it)."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_table:
        return None
    values = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if "database_id" not in values:
        return None
    return DatabaseMeta(
        database_id=str(values["database_id"]),
        chain=str(values.get("chain", PLAIN)),
        key_check=values.get("key_check"),
        canonical_from=int(values.get("canonical_from", 1)),
        anchored=values.get("anchored") == "1",
    )


def ensure_meta(conn: sqlite3.Connection, chain: Chain, *, may_rekey: bool) -> DatabaseMeta:
    """The file's meta, written first if it has none; a new log takes `chain`'s mode.

    An empty log may change mode only when `may_rekey` (its anchor, if any, says it
    never held an event). A log that holds events keeps its mode: `chain_problem`
    says when the configured secret disagrees with it.
    """
    meta = read_meta(conn)
    if meta is not None and (not may_rekey or meta.chain == chain.mode):
        return meta  # the usual open: nothing to write, no write lock taken
    conn.execute("BEGIN IMMEDIATE")
    try:
        meta = read_meta(conn)
        events = conn.execute("SELECT 1 FROM events LIMIT 1").fetchone() is not None
        if meta is None:
            (last,) = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
            mode = PLAIN if events else chain.mode
            _put(conn, "database_id", uuid.uuid4().hex)
            _put(conn, "created_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            _put(conn, "canonical_from", str(int(last) + 1))
            _set_chain(conn, mode, chain)
        elif may_rekey and not events and meta.chain != chain.mode:
            _set_chain(conn, chain.mode, chain)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    found = read_meta(conn)
    assert found is not None
    return found


def mark_anchored(conn: sqlite3.Connection) -> None:
    """Record that this database has an anchor file from now on."""
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('anchored', '1')")


def chain_problem(meta: DatabaseMeta, chain: Chain) -> str | None:
    """Why the configured secret (or its absence) cannot extend or check this log."""
    if meta.chain == KEYED and chain.mode == PLAIN:
        return (
            "the event log's chain is keyed (HMAC-SHA256) but no [integrity] secret_file "
            "is configured: its hashes cannot be checked or extended without the secret"
        )
    if meta.chain == KEYED and meta.key_check != chain.key_check():
        return (
            "the configured [integrity] secret_file is not the secret this event log was "
            "keyed with: configure the station's own secret"
        )
    if meta.chain == PLAIN and chain.mode == KEYED:
        return (
            "the event log's chain is not keyed, but [integrity] secret_file is "
            "configured: a log holding events is never switched to a key, so either it "
            "was started before the secret was configured (remove secret_file, or start "
            "a new data directory to key a new log) or it was re-chained without the key"
        )
    return None


def _set_chain(conn: sqlite3.Connection, mode: str, chain: Chain) -> None:
    _put(conn, "chain", mode)
    check = chain.key_check() if mode == KEYED else None
    if check is None:
        conn.execute("DELETE FROM meta WHERE key = 'key_check'")
    else:
        _put(conn, "key_check", check)


def _put(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
