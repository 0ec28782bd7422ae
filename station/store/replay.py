"""Replaying the log into fresh projections, to find stored state the log does not explain.

The projections (shipments, units, holds, lots, releases, ...) are derived from the
events, but they are ordinary tables: anyone who can open the file can edit them
(``DELETE FROM holds``) without touching the hash-chained log. `replay_check`
rebuilds every projection in a scratch database with the same migrations and the
same projector, then compares it with the stored tables row by row and names every
difference (table, key, column, stored value, replayed value).

`held_by_log` is the small, targeted form the release dock and the gate use before
they ship or pass a unit: the hold-related events of just those units, replayed
through the receiving projector, say whether the log still holds them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station.domain.events import Event, EventKind, StoredEvent
from station.domain.printable import printable
from station.errors import ConflictError, StationError
from station.store.eventlog import EventLog, Projector
from station.store.migrations import migrate
from station.store.projections.receiving import ReceivingProjector

NOT_PROJECTED = frozenset({"events", "meta", "event_subjects", "sync_state", "sync_pulls"})
"""Tables that are not rebuilt from the events (a replay leaves them out)."""
MAX_SHOWN = 200
"""Differences listed in full; beyond this only counted."""


@dataclass(frozen=True, slots=True)
class RowDifference:
    """One row where the stored projection and the replayed one disagree."""

    table: str
    key: str
    """The row's primary key, ``column=value`` joined by commas."""
    column: str | None
    """The column that differs; None when the whole row is on one side only."""
    stored: str | None
    replayed: str | None

    def describe(self) -> str:
        """One line for ``station verify-log``."""
        if self.column is None:
            side = "only in the stored tables" if self.replayed is None else "missing from them"
            return f"{self.table} [{self.key}]: {side} (the log {_says(self.replayed)})"
        return (
            f"{self.table} [{self.key}] {self.column}: stored {self.stored}, "
            f"the log says {self.replayed}"
        )


def _says(replayed: str | None) -> str:
    return "has no such row" if replayed is None else f"has {replayed}"


@dataclass(slots=True)
class ReplayReport:
    """What a replay found."""

    events: int = 0
    differences: list[RowDifference] = field(default_factory=list)
    total: int = 0
    """Every difference, including those past `MAX_SHOWN`."""
    error: str | None = None
    """An event the projector could not apply (the log itself holds a contradiction)."""

    @property
    def ok(self) -> bool:
        """Whether the stored projections are exactly what the log gives."""
        return self.total == 0 and self.error is None


def replay_check(log: EventLog, projector: Projector) -> ReplayReport:
    """Rebuild every projection from `log` in a scratch file and compare it with the stored.

    The events and the stored tables are read in one read transaction (one snapshot),
    so a writer appending meanwhile cannot make a difference appear.
    """
    report = ReplayReport()
    with tempfile.TemporaryDirectory(prefix="station-replay-") as scratch:
        path = Path(scratch) / "replay.sqlite3"
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            migrate(conn)
            conn.execute("ATTACH DATABASE ? AS stored", (str(log.path),))
            conn.execute("BEGIN")
            try:
                report.error = _replay(conn, projector, report)
                for table in _tables(conn):
                    for difference in _compare(conn, table):
                        report.total += 1
                        if len(report.differences) < MAX_SHOWN:
                            report.differences.append(difference)
            finally:
                conn.execute("ROLLBACK")
                conn.execute("DETACH DATABASE stored")
        finally:
            conn.close()
    return report


def _replay(conn: sqlite3.Connection, projector: Projector, report: ReplayReport) -> str | None:
    """Apply every stored event to the scratch tables, in log order."""
    rows = conn.execute(
        "SELECT seq, id, kind, station_id, operator_id, recorded_at, payload, prev_hash, hash"
        " FROM stored.events ORDER BY seq"
    )
    for seq, eid, kind, station, operator, when, payload, prev_hash, digest in rows:
        try:
            event = Event(
                id=str(eid),
                kind=EventKind(str(kind)),
                station_id=str(station),
                operator_id=None if operator is None else str(operator),
                recorded_at=dt.datetime.fromisoformat(str(when)),
                payload=json.loads(str(payload)),
            )
            projector.apply(conn, StoredEvent(int(seq), event, str(prev_hash), str(digest)))
        except (StationError, sqlite3.Error, KeyError, ValueError, TypeError) as exc:
            return f"event #{seq} ({kind}) cannot be replayed: {printable(str(exc), 200)}"
        report.events += 1
    return None


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [name for (name,) in rows if name not in NOT_PROJECTED]


def _compare(conn: sqlite3.Connection, table: str) -> Iterator[RowDifference]:
    info = conn.execute(f'PRAGMA main.table_info("{table}")').fetchall()
    names = [str(row[1]) for row in info]
    keys = [str(row[1]) for row in sorted(info, key=lambda r: r[5]) if row[5]] or names
    cols = ", ".join(f'"{n}"' for n in names)
    where = " AND ".join(f'"{k}" IS ?' for k in keys)
    at = [names.index(k) for k in keys]

    def other(schema: str, row: tuple[Any, ...]) -> tuple[Any, ...] | None:
        params = [row[i] for i in at]
        sql = f'SELECT {cols} FROM {schema}."{table}" WHERE {where}'
        found: tuple[Any, ...] | None = conn.execute(sql, params).fetchone()
        return found

    def key(row: tuple[Any, ...]) -> str:
        return printable(", ".join(f"{k}={row[i]}" for k, i in zip(keys, at, strict=True)), 120)

    changed = f'SELECT {cols} FROM stored."{table}" EXCEPT SELECT {cols} FROM main."{table}"'
    for row in conn.execute(changed).fetchall():
        replayed = other("main", row)
        if replayed is None:
            yield RowDifference(table, key(row), None, _shown(row, names), None)
            continue
        for name, mine, theirs in zip(names, row, replayed, strict=True):
            if not _same(mine, theirs):
                yield RowDifference(table, key(row), name, _value(mine), _value(theirs))
    gone = f'SELECT {cols} FROM main."{table}" EXCEPT SELECT {cols} FROM stored."{table}"'
    for row in conn.execute(gone).fetchall():
        if other("stored", row) is None:
            yield RowDifference(table, key(row), None, None, _shown(row, names))


def _same(stored: object, replayed: object) -> bool:
    """Equal values; JSON text equal as JSON (a live append and a replay order keys apart)."""
    if stored == replayed and type(stored) is type(replayed):
        return True
    if isinstance(stored, str) and isinstance(replayed, str) and stored[:1] in "[{":
        try:
            return bool(json.loads(stored) == json.loads(replayed))
        except ValueError:
            return False
    return False


def _value(value: object) -> str:
    return "NULL" if value is None else repr(printable(str(value), 80))


def _shown(row: tuple[Any, ...], names: list[str]) -> str:
    return "a row " + printable(", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True)), 160)


_HOLD_KINDS = (
    EventKind.SHIPMENT_HELD.value,
    EventKind.HOLD_NOTE_ADDED.value,
    EventKind.HOLD_RELEASED.value,
    EventKind.HOLD_REJECTED.value,
)
_UNIT_KINDS = (EventKind.UNIT_RECEIVED.value, EventKind.UNIT_MARKED_DAMAGED.value)


def held_by_log(log: EventLog, unit_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
    """For each of `unit_ids` the log holds (on hold, or rejected), why in words.

    Only the events that can place or lift a hold on those units (their receipts,
    #DAMAGED, undo, every shipment hold and supervisor decision) are replayed, through
    the receiving projector, into a scratch database in memory: the answer is the
    log's, whatever the stored tables say.
    """
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    wanted = json.dumps(ids)
    rows = log.connection.execute(
        "SELECT seq FROM events WHERE kind IN (?, ?)"
        " AND json_extract(payload, '$.unit_id') IN (SELECT value FROM json_each(?))"
        " UNION SELECT seq FROM events WHERE kind = ?"
        " AND json_extract(payload, '$.subject') IN (SELECT value FROM json_each(?))"
        f" UNION SELECT seq FROM events WHERE kind IN ({', '.join('?' * len(_HOLD_KINDS))})"
        " ORDER BY 1",
        (*_UNIT_KINDS, wanted, EventKind.ACTION_UNDONE.value, wanted, *_HOLD_KINDS),
    ).fetchall()
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(scratch)
        projector = ReceivingProjector()
        scratch.execute("BEGIN")
        for (seq,) in rows:
            stored = next(log.events(after_seq=seq - 1), None)
            if stored is not None and stored.seq == seq:
                try:
                    projector.apply(scratch, stored)
                except ConflictError:
                    continue  # a second receive a log written before it was refused holds
        scratch.execute("COMMIT")
        return _holds_of(scratch, ids)
    finally:
        scratch.close()


def _holds_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for unit_id in ids:
        row = conn.execute(
            "SELECT status, shipment_id FROM units WHERE unit_id = ?", (unit_id,)
        ).fetchone()
        if row is None:
            continue
        status, shipment_id = row
        reasons: list[str] = []
        if status in ("quarantined", "rejected"):
            reasons.append(f"{status} at receiving")
        for kind, entity in (("unit", unit_id), ("shipment", shipment_id)):
            hold = conn.execute(
                "SELECT findings FROM holds WHERE entity_kind = ? AND entity_id = ?",
                (kind, entity),
            ).fetchone()
            if hold is not None:
                codes = ", ".join(dict.fromkeys(f["code"] for f in json.loads(hold[0])))
                what = "unit" if kind == "unit" else f"shipment {entity}"
                reasons.append(f"{what} on hold ({codes or 'no reason recorded'})")
        if reasons:
            found[unit_id] = tuple(reasons)
    return found
