"""The capture transaction, shared by both backends, and the capture jobs.

A capture is one transaction. The identities of its events (eventID, kind, content
hash) go to a staging table first, then one update of ``hub_clock`` serialises it
against every other capture on the database (across hub processes) and hands it a
record time and a block of row ids, both strictly increasing in commit order. Then:
the station chain is checked, new eventIDs claim their row in ``event_ids`` (``ON
CONFLICT DO NOTHING RETURNING``), conflicting re-uses are listed, and only the events
whose claim this capture won are written, straight into ``events`` and ``event_epcs``
with the backend's fastest bulk load (``COPY`` on PostgreSQL). Everything is written
or nothing is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from station.hub import chain, problems
from station.hub.chain import Head
from station.hub.events import EventRecord
from station.hub.storage import CaptureJob, IngestBatch, IngestResult
from station.hub.storage.sqlbase import SqlBase

_JOB_COLUMNS = (
    "capture_id, site, token_id, behaviour, created_us, finished_us, success, "
    "event_count, stored_count, errors"
)
STAGE_COLUMNS = ("row_no", "event_id", "kind", "content_hash")
EVENT_COLUMNS = (
    "id",
    "record_time_us",
    "site",
    "event_id",
    "kind",
    "event_type",
    "event_time_us",
    "biz_step",
    "disposition",
    "read_point",
    "biz_location",
    "station_id",
    "station_seq",
    "capture_id",
    "content_hash",
    "body",
)
EPC_COLUMNS = ("site", "epc", "role", "record_time_us", "event_row")


MAX_JOB_ERRORS = 1000
"""A job lists this many errors, then says how many more there were."""


class RolledBack(Exception):
    """Raised inside a capture transaction to undo it (rollback mode, conflicting events)."""


def stage_rows(records: Sequence[EventRecord]) -> Iterator[tuple[Any, ...]]:
    """The staging rows (identities) of a capture, numbered from 1."""
    for row_no, r in enumerate(records, start=1):
        yield (row_no, r.event_id, r.kind, r.content_hash)


class Ingest(SqlBase):
    """Capturing into the store, and the jobs that report captures."""

    # --- capture -------------------------------------------------------------------
    def ingest(self, batch: IngestBatch) -> IngestResult:
        job = batch.job
        try:
            with self.pool.connection() as conn, self.write(conn):
                head, duplicates = self._ingest(conn, batch)
                self._insert_job(conn, job)
            return IngestResult(job, head, duplicates)
        except RolledBack:
            job.stored_count = 0
            job.success = False
            self.record_job(job)
            return IngestResult(job, None, 0)

    def _ingest(self, conn: Any, batch: IngestBatch) -> tuple[Head | None, int]:
        job, records = batch.job, batch.records
        self.stage(conn, records)
        record_time_us, last_id = self.run(
            conn,
            f"UPDATE hub_clock SET last_us = {self.greatest}(last_us + 1, ?), "
            "last_id = last_id + ? WHERE one = 1 RETURNING last_us, last_id",
            (job.created_us, len(records)),
        ).fetchone()
        first_id = last_id - len(records)
        fresh: tuple[chain.LogEntry, ...] = ()
        head: Head | None = None
        if batch.log is not None:
            head, fresh = self._check_chain(conn, job.site, batch.log)
        self.ensure_partition(conn, record_time_us)
        site, capture_id = job.site, job.capture_id
        claimed = {
            (str(event_id), str(kind))
            for event_id, kind in self.run(
                conn,
                "INSERT INTO event_ids (site, event_id, kind, content_hash, capture_id) "
                "SELECT ?, event_id, kind, content_hash, ? FROM hub_stage WHERE true "
                "ON CONFLICT DO NOTHING RETURNING event_id, kind",
                (site, capture_id),
            ).fetchall()
        }
        clash: list[Any] = []
        if len(claimed) < len(records):
            # Per staged row, one probe of the guard's primary key: a join here lets the
            # planner scan the whole guard (it grows with every event ever stored).
            clash = self.run(
                conn,
                "SELECT s.row_no, s.event_id, s.kind, s.content_hash = (SELECT i.content_hash "
                "FROM event_ids i WHERE i.site = ? AND i.event_id = s.event_id "
                "AND i.kind = s.kind AND i.capture_id <> ?) FROM hub_stage s "
                "ORDER BY s.row_no",
                (site, capture_id),
            ).fetchall()
            clash = [row for row in clash if row[3] is not None]
        duplicates = sum(1 for row in clash if row[3])
        for row_no, event_id, kind, same in clash:
            if not same:
                what = "an errorDeclaration" if kind == "errorDeclaration" else "an event"
                job.errors.append(
                    problems.entry(
                        "ResourceAlreadyExistsException",
                        f"event {row_no - 1} of the document: eventID {event_id} is already "
                        f"stored as {what} with other content; refused",
                    )
                )
        if job.errors and (job.behaviour == "rollback" or batch.log is not None):
            raise RolledBack
        mine = [
            (first_id + row_no, r)
            for row_no, r in enumerate(records, start=1)
            if (r.event_id, r.kind) in claimed
        ]
        self.insert_rows(
            conn,
            "events",
            EVENT_COLUMNS,
            [
                (
                    row,
                    record_time_us,
                    site,
                    r.event_id,
                    r.kind,
                    r.event_type,
                    r.event_time_us,
                    r.biz_step,
                    r.disposition,
                    r.read_point,
                    r.biz_location,
                    r.station_id,
                    r.station_seq,
                    capture_id,
                    r.content_hash,
                    r.body,
                )
                for row, r in mine
            ],
        )
        job.stored_count = len(mine)
        self.insert_rows(
            conn,
            "event_epcs",
            EPC_COLUMNS,
            [(site, epc, role, record_time_us, row) for row, r in mine for role, epc in r.epcs],
        )
        if fresh and batch.log is not None:
            head = self._advance(conn, job, batch.log.station_id, fresh)
        job.success = not job.errors
        return head, duplicates

    def _check_chain(
        self, conn: Any, site: str, log: chain.StationLog
    ) -> tuple[Head | None, tuple[chain.LogEntry, ...]]:
        row = self.run(
            conn,
            "SELECT head_seq, head_hash FROM station_heads WHERE site = ? AND station_id = ?",
            (site, log.station_id),
        ).fetchone()
        head = Head(log.station_id, int(row[0]), str(row[1])) if row else None
        stored: dict[int, str] = {}
        first = log.entries[0].seq
        if head is not None and first <= head.seq:
            stored = {
                int(seq): str(hash_)
                for seq, hash_ in self.run(
                    conn,
                    "SELECT seq, hash FROM station_log WHERE site = ? AND station_id = ? "
                    "AND seq BETWEEN ? AND ?",
                    (site, log.station_id, first, min(head.seq, log.entries[-1].seq)),
                ).fetchall()
            }
        return head, chain.new_entries(log, head, stored)

    def _advance(
        self, conn: Any, job: CaptureJob, station_id: str, fresh: Sequence[chain.LogEntry]
    ) -> Head:
        self.insert_rows(
            conn,
            "station_log",
            ("site", "station_id", "seq", "event_id", "kind", "prev_hash", "hash", "capture_id"),
            [
                (
                    job.site,
                    station_id,
                    e.seq,
                    e.event_id,
                    e.kind,
                    e.prev_hash,
                    e.hash,
                    job.capture_id,
                )
                for e in fresh
            ],
        )
        last = fresh[-1]
        self.run(
            conn,
            "INSERT INTO station_heads (site, station_id, head_seq, head_hash, updated_us) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, station_id) DO UPDATE SET "
            "head_seq = excluded.head_seq, head_hash = excluded.head_hash, "
            "updated_us = excluded.updated_us",
            (job.site, station_id, last.seq, last.hash, job.created_us),
        )
        return Head(station_id, last.seq, last.hash)

    def _insert_job(self, conn: Any, job: CaptureJob) -> None:
        if len(job.errors) > MAX_JOB_ERRORS:
            more = len(job.errors) - MAX_JOB_ERRORS
            job.errors[MAX_JOB_ERRORS:] = [
                problems.entry("ValidationException", f"and {more} more errors not listed")
            ]
        self.run(
            conn,
            f"INSERT INTO captures ({_JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                job.capture_id,
                job.site,
                job.token_id,
                job.behaviour,
                job.created_us,
                job.finished_us or job.created_us,
                int(job.success),
                job.event_count,
                job.stored_count,
                json.dumps(job.errors, ensure_ascii=True),
            ),
        )

    def record_job(self, job: CaptureJob) -> None:
        with self.pool.connection() as conn, self.write(conn):
            self._insert_job(conn, job)

    def capture_job(self, sites: tuple[str, ...] | None, capture_id: str) -> CaptureJob | None:
        text = f"SELECT {_JOB_COLUMNS} FROM captures WHERE capture_id = ?"
        params: list[Any] = [capture_id]
        if sites is not None:
            text += f" AND site IN ({', '.join('?' for _ in sites)})"
            params.extend(sites)
        with self.pool.connection() as conn:
            row = self.run(conn, text, params).fetchone()
        if row is None:
            return None
        return CaptureJob(
            capture_id=row[0],
            site=row[1],
            token_id=row[2],
            behaviour=row[3],
            created_us=int(row[4]),
            finished_us=int(row[5]),
            success=bool(row[6]),
            event_count=int(row[7]),
            stored_count=int(row[8]),
            errors=list(json.loads(row[9])),
        )
