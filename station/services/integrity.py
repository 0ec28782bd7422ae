"""`station verify-log` and `station check-db`: is the station's log whole, keyed, anchored?

`verify_log` recomputes the hash chain (all of it, or with ``since_anchor`` only the
events after the head the last check recorded in the anchor) and compares the log
with its anchor: a cut tail, an emptied or replaced log, a chain whose key does not
match. A clean check records the head it reached as the anchor's ``verified`` head.
`check_db` adds SQLite's own ``integrity_check`` of the file, and with ``new_anchor``
writes a lost anchor afresh from a log that passes every check.
`integrity_options` turns the config's ``[integrity]`` table into what the store needs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from station.config import StationConfig
from station.errors import StoreError
from station.store.anchor import EMPTY, Head
from station.store.damage import integrity_check, store_error
from station.store.eventlog import EventLog, IntegrityOptions
from station.store.hashchain import KEYED, PLAIN
from station.store.integrity import chain_problem, load_secret

__all__ = ["LogCheck", "check_db", "failure_message", "integrity_options", "verify_log"]


@dataclass
class LogCheck:
    """What a check found: ``OK``, ``BROKEN`` or ``UNCHECKED``, its problems and notes."""

    status: str = "OK"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether everything checked holds."""
        return self.status == "OK"

    @property
    def lines(self) -> list[str]:
        """The first line (``STATUS: ...``) and the others, problems first."""
        rest = self.problems + self.notes
        return [f"{self.status}: {rest[0]}" if rest else self.status, *rest[1:]]

    def fail(self, problem: str, status: str = "BROKEN") -> None:
        """Add a problem; BROKEN outranks UNCHECKED."""
        self.problems.append(problem)
        if self.status != "BROKEN":
            self.status = status


def integrity_options(config: StationConfig) -> IntegrityOptions:
    """The store's options from ``[integrity]``; reads (and checks) the secret file."""
    settings = config.integrity
    secret = None if settings.secret_file is None else load_secret(settings.secret_file)
    return IntegrityOptions(
        secret=secret, anchor_every=settings.anchor_every, station_id=config.station_id
    )


def verify_log(config: StationConfig, database: Path, *, since_anchor: bool = False) -> LogCheck:
    """Check the chain and the anchor of the log at `database`; record the head reached."""
    options = integrity_options(config)
    # No quick_check: the chain check reads every event (or only the new ones, quickly)
    # and names any damage it meets; `check_db` runs SQLite's full check.
    log = EventLog.open(database, None, options, tolerant=True, quick_check=False)
    try:
        return _verify(log, options, since_anchor)
    finally:
        log.close()


def _verify(log: EventLog, options: IntegrityOptions, since_anchor: bool) -> LogCheck:
    check = LogCheck()
    keyed_without_secret = (
        options.secret is None and log.meta is not None and log.meta.chain == KEYED
    )
    no_key = chain_problem(log.meta, log.chain) if log.meta and keyed_without_secret else None
    for problem in log.problems:
        check.fail(problem, "UNCHECKED" if problem == no_key else "BROKEN")
    start = _start(log, check) if since_anchor else EMPTY
    report = log.verify(start)
    mode = "unknown" if log.meta is None else log.meta.chain
    if not report.ok:
        check.fail(report.message)
    elif check.status == "UNCHECKED":
        links = report.message.replace("hash chain", "order and links")
        check.notes.append(f"{links}; the keyed hashes themselves were not checked")
    else:
        check.notes.append(f"{report.message} ({_mode_words(mode)})")
    if check.ok:
        try:
            record = log.write_anchor(verified=report.head)
        except StoreError as exc:
            check.notes.append(f"the anchor could not be updated: {exc}")
            return check
        if record is not None:
            check.notes.append(
                f"anchor {str(log.anchor.path) if log.anchor else ''!r}: head "
                f"#{record.head.seq} holds; verified up to #{report.head.seq}"
            )
    return check


def _start(log: EventLog, check: LogCheck) -> Head:
    """Where an incremental check starts: the anchor's verified head, if it still holds."""
    record = None if log.anchor is None else log.anchor.read()[0]
    verified = None if record is None else record.verified
    if verified is None:
        check.notes.append("no verified head in the anchor yet: the whole log was checked")
        return EMPTY
    stored = log.connection.execute(
        "SELECT hash FROM events WHERE seq = ?", (verified.seq,)
    ).fetchone()
    if verified.seq and (stored is None or stored[0] != verified.hash):
        check.fail(
            f"event #{verified.seq} is not the one the last check verified: the log was "
            "rewritten since; run a full `station verify-log`"
        )
    return verified


def _mode_words(mode: str) -> str:
    if mode == KEYED:
        return "keyed: HMAC-SHA256 under the station secret"
    if mode == PLAIN:
        return "not keyed: SHA-256"
    return mode


def check_db(config: StationConfig, database: Path, *, new_anchor: bool = False) -> LogCheck:
    """SQLite's integrity check of the file, then the chain and the anchor."""
    check = LogCheck()
    if not database.exists():
        raise StoreError(f"there is no station database at {str(database)!r}")
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            problems = integrity_check(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        problems = [str(exc)]
    if problems:
        for problem in problems:
            check.fail(f"SQLite integrity check: {problem}")
        check.notes.append(str(store_error(database, sqlite3.DatabaseError(problems[0]))))
        return check
    check.notes.append(f"SQLite integrity check of {str(database)!r}: ok")
    options = integrity_options(config)
    log = EventLog.open(database, None, options, tolerant=True, quick_check=False)
    try:
        anchor_lost = log.anchor is not None and not log.anchor.exists()
        if new_anchor and not anchor_lost:
            raise StoreError(
                "--new-anchor writes an anchor only where it is missing; this data "
                "directory has one (move it aside first if you accept the log as it is)"
            )
        if new_anchor:
            log.problems = tuple(p for p in log.problems if "is missing" not in p)
        found = _verify(log, options, since_anchor=False)
    finally:
        log.close()
    found.notes[:0] = check.notes
    return found


def failure_message(exc: sqlite3.Error) -> str:
    """A database error that reached the command line, in words (no path known here)."""
    return str(store_error(None, exc))
