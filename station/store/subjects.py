"""The events that name given units, lots or held entities, read through an index.

``event_subjects`` (kept by a trigger on ``events``) maps every ``unit_id``,
``lot_id`` and ``entity_id`` found anywhere in an event's payload to the event's
sequence number, so a report on a few lots reads their events, not the whole log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from station.domain.events import StoredEvent
from station.store.eventlog import _EVENTS, EventLog, _row_to_stored

_BATCH = 500
"""Subjects per query: well under SQLite's limit on bound parameters."""


def events_about(log: EventLog, subjects: Iterable[str]) -> Iterator[StoredEvent]:
    """Every event naming one of `subjects`, in log order, each once."""
    wanted = sorted(set(subjects))
    seqs: set[int] = set()
    conn = log.connection
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        marks = ",".join("?" * len(batch))
        rows = conn.execute(f"SELECT seq FROM event_subjects WHERE subject IN ({marks})", batch)
        seqs.update(int(seq) for (seq,) in rows)
    ordered = sorted(seqs)
    for start in range(0, len(ordered), _BATCH):
        chunk = ordered[start : start + _BATCH]
        marks = ",".join("?" * len(chunk))
        sql = f"{_EVENTS} WHERE seq IN ({marks}) ORDER BY seq"
        yield from map(_row_to_stored, conn.execute(sql, chunk))
