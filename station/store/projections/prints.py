"""The print queue's current state, projected from print events.

States: ``queued`` (waiting, or retrying after a failure that printed nothing),
``sending`` (handed to the printer; if the station dies here nobody knows whether it
printed), ``sent``, ``uncertain`` (may have printed: only an operator-confirmed
reprint sends it again), ``reprinted`` (superseded by a confirmed reprint).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from station.domain.events import EventKind, StoredEvent
from station.errors import ConflictError


class PrintState:
    """Job states, as stored."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    UNCERTAIN = "uncertain"
    REPRINTED = "reprinted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class PrintJob:
    """One label print job."""

    job_id: str
    lot_id: str
    template: str
    printer: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    reprint_of: str | None
    reason: str | None
    queued_at: str
    queued_by: str | None = None
    """The operator who queued (or confirmed the reprint of) the job."""


class PrintProjector:
    """Keeps ``print_jobs`` in step with the event log."""

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        """Update the queue for one event (inside the append transaction)."""
        event = stored.event
        payload = event.payload
        match event.kind:
            case EventKind.PRINT_QUEUED | EventKind.PRINT_REPRINT:
                conn.execute(
                    "INSERT INTO print_jobs (job_id, lot_id, template, printer, state,"
                    " reprint_of, reason, queued_at, queued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        payload["job_id"],
                        payload["lot_id"],
                        payload["template"],
                        payload["printer"],
                        PrintState.QUEUED,
                        payload.get("reprint_of"),
                        payload.get("reason"),
                        event.recorded_at.isoformat(),
                        event.operator_id,
                    ),
                )
                if payload.get("reprint_of"):
                    conn.execute(
                        "UPDATE print_jobs SET state = ? WHERE job_id = ? AND state != ?",
                        (PrintState.REPRINTED, payload["reprint_of"], PrintState.SENDING),
                    )
            case EventKind.PRINT_SENDING:
                row = conn.execute(
                    "SELECT state FROM print_jobs WHERE job_id = ?", (payload["job_id"],)
                ).fetchone()
                if row is None or row[0] != PrintState.QUEUED:
                    state = row[0] if row else "unknown"
                    raise ConflictError(
                        f"print job {payload['job_id']} is {state}, not queued: "
                        "it is not sent again"
                    )
                conn.execute(
                    "UPDATE print_jobs SET state = ?, attempts = attempts + 1 WHERE job_id = ?",
                    (PrintState.SENDING, payload["job_id"]),
                )
            case EventKind.PRINT_SENT:
                conn.execute(
                    "UPDATE print_jobs SET state = ?, last_error = NULL WHERE job_id = ?",
                    (PrintState.SENT, payload["job_id"]),
                )
            case EventKind.PRINT_FAILED:
                state = PrintState.UNCERTAIN if payload.get("uncertain") else PrintState.QUEUED
                conn.execute(
                    "UPDATE print_jobs SET state = ?, last_error = ?, next_attempt_at = ?"
                    " WHERE job_id = ?",
                    (state, payload["error"], payload.get("retry_at"), payload["job_id"]),
                )
            case EventKind.PRINT_REFUSED if payload.get("job_id"):
                # A refusal at queue time names no job; one at send time stops the job.
                conn.execute(
                    "UPDATE print_jobs SET state = ?, last_error = ? WHERE job_id = ?",
                    (PrintState.REFUSED, payload["reason"], payload["job_id"]),
                )
            case _:
                pass


_COLUMNS = (
    "job_id, lot_id, template, printer, state, attempts, last_error, next_attempt_at,"
    " reprint_of, reason, queued_at, queued_by"
)


def print_jobs(conn: sqlite3.Connection, *, states: tuple[str, ...] = ()) -> list[PrintJob]:
    """Jobs, oldest first, optionally only in some states."""
    sql = f"SELECT {_COLUMNS} FROM print_jobs"
    if states:
        sql += f" WHERE state IN ({','.join('?' * len(states))})"
    rows = conn.execute(sql + " ORDER BY rowid", states).fetchall()
    return [PrintJob(*row) for row in rows]


def print_job(conn: sqlite3.Connection, job_id: str) -> PrintJob | None:
    """One job by id."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE job_id = ?", (job_id,)).fetchone()
    return PrintJob(*row) if row else None
