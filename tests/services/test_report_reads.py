"""`station report` reads the events of the lots it reports on, not the whole log.

The events naming a unit, lot or held entity are found through ``event_subjects``,
kept by a trigger on ``events`` (and filled for an existing log by its migration).
"""

from __future__ import annotations

import datetime as dt

from station.bootstrap import Station
from station.domain.events import Event, EventKind
from station.domain.scanning.scan import Scan
from station.services.provenance_report import build_report
from station.store.migrations import MIGRATIONS
from station.store.subjects import events_about

HELD = "073500532610040026"
WHEN = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def receive_held_unit(station: Station) -> None:
    for text in ("B-1001", "BOL-778004", "SL0042001", f"]C100{HELD}"):
        assert station.recorder.handle(Scan(text, device="test")).durable


def other_history(station: Station, count: int) -> None:
    station.log.append(
        [
            Event.new(
                EventKind.SCAN_RECORDED,
                station_id="DOCK-1",
                operator_id="op-ana",
                recorded_at=WHEN,
                payload={"input": f"other {n}", "unit": f"U{n}", "verdict": "accept"},
            )
            for n in range(count)
        ]
    )


def test_the_report_reads_no_whole_log(station: Station) -> None:
    receive_held_unit(station)
    other_history(station, 500)
    statements: list[str] = []
    station.log.connection.set_trace_callback(statements.append)
    try:
        report = build_report(station, HELD)
    finally:
        station.log.connection.set_trace_callback(None)
    assert report is not None
    (received,) = [r for r in report["receiving_and_holds"] if r["event"] == "unit.received"]
    assert received["status"] == "quarantined"
    whole_log = [s for s in statements if "FROM events WHERE seq >" in s]
    assert whole_log == []


def test_events_about_finds_nested_subjects_in_log_order(station: Station) -> None:
    receive_held_unit(station)
    other_history(station, 20)
    found = list(events_about(station.log, [HELD, "SHP-1004"]))
    kinds = [s.event.kind for s in found]
    assert EventKind.UNIT_RECEIVED in kinds
    assert all(HELD in str(s.event.payload) or "SHP-1004" in str(s.event.payload) for s in found)
    assert [s.seq for s in found] == sorted({s.seq for s in found})
    every = [
        s.seq
        for s in station.log.events()
        if s.event.payload.get("unit_id") == HELD or s.event.payload.get("entity_id") == HELD
    ]
    assert set(every) <= {s.seq for s in found}


def test_migration_indexes_an_existing_log(station: Station) -> None:
    receive_held_unit(station)
    conn = station.log.connection
    before = conn.execute("SELECT subject, seq FROM event_subjects ORDER BY 1, 2").fetchall()
    assert before
    conn.execute("DROP TRIGGER event_subjects_insert")
    conn.execute("DROP TABLE event_subjects")
    # The migration script, run again on the file as it was before it.
    conn.executescript(
        next(script for script in MIGRATIONS if "CREATE TABLE event_subjects" in script)
    )
    after = conn.execute("SELECT subject, seq FROM event_subjects ORDER BY 1, 2").fetchall()
    assert after == before
