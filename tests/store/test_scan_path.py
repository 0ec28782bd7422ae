"""What a scan costs in the store: no unit counting, no checkpoint inside the commit.

The receiving counters come from trigger-kept tallies (``unit_tallies``), which must
agree with the units whatever happens to them; WAL checkpoints run on a background
thread when the log is quiet, never inside a scan's commit.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest

from station.bootstrap import Station, open_station
from station.domain.events import Event, EventKind
from station.domain.scanning.codes import DocumentKind
from station.domain.scanning.scan import Scan
from station.store.eventlog import EventLog
from station.store.migrations import MIGRATIONS

WHEN = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def counted(conn: sqlite3.Connection, shipment_id: str) -> tuple[int, int, int, int]:
    """The tallies the slow way: every unit of the shipment."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE expected = 1),"
        " count(*) FILTER (WHERE expected = 1 AND status != 'expected'),"
        " count(*) FILTER (WHERE status = 'quarantined'),"
        " count(*) FILTER (WHERE expected = 0) FROM units WHERE shipment_id = ?",
        (shipment_id,),
    ).fetchone()
    return tuple(row)  # type: ignore[return-value]


def tallied(station: Station, shipment_id: str) -> tuple[int, int, int, int]:
    t = station.view.unit_tally(shipment_id)
    return (t.expected, t.done, t.held, t.unexpected)


def handle(station: Station, *texts: str) -> None:
    for text in texts:
        assert station.recorder.handle(Scan(text, device="test")).durable


def test_a_unit_scan_reads_no_shipment_wide_count(station: Station) -> None:
    handle(station, "B-1001", "BOL-778001", "SL0041871")
    statements: list[str] = []
    station.log.connection.set_trace_callback(statements.append)
    try:
        handle(station, "]C100006141412610010016")
    finally:
        station.log.connection.set_trace_callback(None)
    assert statements, "the trace saw the scan"
    counting = [s for s in statements if "count(" in s.lower()]
    assert counting == []


def test_tallies_follow_receipts_holds_undo_and_close(station: Station) -> None:
    conn = station.log.connection
    shipments = [r[0] for r in conn.execute("SELECT shipment_id FROM shipments")]
    handle(station, "B-1001", "BOL-778004", "SL0042001")
    handle(station, "]C100073500532610040019", "]C100073500532610040026")  # accept, hold
    handle(station, "]C100099999999999999997")  # on no manifest: held, unexpected
    handle(station, "#UNDO")  # the unexpected unit goes again
    handle(station, "]C100099999999999999997", "#DAMAGED")
    for sid in shipments:
        assert tallied(station, sid) == counted(conn, sid), sid
    handle(station, "#CLOSE")
    for sid in shipments:
        assert tallied(station, sid) == counted(conn, sid), sid
    assert tallied(station, "SHP-1004")[1] == tallied(station, "SHP-1004")[0]


def test_migration_fills_tallies_and_summaries_of_an_older_file(
    tmp_path: Path, station: Station
) -> None:
    # Take the demo station back to the schema before the tallies, then migrate it again.
    handle(station, "B-1001", "BOL-778001", "SL0041871", "]C100006141412610010016")
    conn = station.log.connection
    expected = {sid: counted(conn, sid) for (sid,) in conn.execute("SELECT shipment_id FROM units")}
    triggers = conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger'"
        " AND (name LIKE 'unit_tally_%' OR name LIKE 'shipment_summary_%'"
        " OR name LIKE 'shipment_manifest_%')"
    ).fetchall()
    for (name,) in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(
        "UPDATE shipments SET manifest = (SELECT m.manifest FROM shipment_manifests m"
        " WHERE m.shipment_id = shipments.shipment_id)"
    )
    for table in ("unit_tallies", "shipment_summaries", "shipment_manifests"):
        conn.execute(f"DROP TABLE {table}")
    # The migration script, run again on the file as it was before it.
    conn.executescript(
        next(script for script in MIGRATIONS if "CREATE TABLE unit_tallies" in script)
    )
    assert {sid: tallied(station, sid) for sid in expected} == expected
    record = station.view.shipment("SHP-1001")
    assert record is not None
    assert record.summary.units == len(record.manifest.units)
    assert record.summary.seals == record.manifest.seals
    # The manifest text moved out of the shipment's row, which receipts update.
    assert conn.execute("SELECT max(length(manifest)) FROM shipments").fetchone()[0] == 0


def test_the_scan_connection_never_checkpoints_the_background_thread_does(
    tmp_path: Path,
) -> None:
    path = tmp_path / "station.sqlite3"
    log = EventLog.open(path)
    try:
        assert log.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        before = path.stat().st_size
        for n in range(50):
            log.append(
                [
                    Event.new(
                        EventKind.SCAN_RECORDED,
                        station_id="DOCK-1",
                        operator_id=None,
                        recorded_at=WHEN,
                        payload={"n": n, "pad": "x" * 2000},
                    )
                ]
            )
        # Committed pages are in the WAL; the database file grows only by a checkpoint.
        deadline = time.monotonic() + 10
        while log.checkpoints.runs == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert log.checkpoints.runs >= 1
        assert path.stat().st_size > before
    finally:
        log.close()


def test_opening_a_shipment_by_its_documents_parses_no_manifest(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("a document lookup parsed the stored manifest")

    fresh = open_station(station.config, station.data_dir, station.clock)
    try:
        monkeypatch.setattr("station.store.views.receiving.parse_manifest_json", refuse)
        for kind, number in (("BOL", "BOL-778001"), ("PO", "PO-45001"), ("ASN", "ASN-26-1001")):
            found = fresh.view.find_shipments(
                {"BOL": DocumentKind.BILL_OF_LADING, "PO": DocumentKind.PURCHASE_ORDER}.get(
                    kind, DocumentKind.ADVANCE_SHIP_NOTICE
                ),
                number,
            )
            assert [s.shipment_id for s in found] == ["SHP-1001"], kind
        summary = found[0].summary
        assert (summary.bill_of_lading, summary.purchase_orders) == ("BOL-778001", ("PO-45001",))
        assert summary.seller == "Sao Mai Solar Manufacturing JSC"
        assert summary.seals == ("SL0041871",)
        handle(fresh, "B-1001")
        opened = fresh.recorder.handle(Scan("BOL-778001", device="test")).outcome
        assert opened.headline == (
            f"Receiving SHP-1001: {summary.units} units expected, seals SL0041871"
        )
    finally:
        fresh.close()
