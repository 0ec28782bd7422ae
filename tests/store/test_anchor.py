"""The anchor as one witness among several: a second, off-box witness slots in (issue 9 #4).

The hub's acknowledged head will be such a witness; here a copy of the anchor kept
in another folder stands in for it, through the same `AnchorSource` protocol.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from station.domain.events import Event, EventKind
from station.errors import StoreError
from station.store.anchor import ANCHOR_NAME, AnchorFile, AnchorSource
from station.store.eventlog import EventLog, IntegrityOptions
from station.store.hashchain import Chain

WHEN = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def events(first: int, count: int) -> list[Event]:
    return [
        Event.new(
            EventKind.SCAN_RECORDED,
            station_id="DOCK-1",
            operator_id="op-ana",
            recorded_at=WHEN + dt.timedelta(seconds=n),
            payload={"input": f"scan {n}"},
        )
        for n in range(first, first + count)
    ]


def test_a_second_witness_catches_what_a_rewritten_anchor_file_hides(tmp_path: Path) -> None:
    path = tmp_path / "data" / "station.sqlite3"
    log = EventLog.open(path)
    log.append(events(1, 30))
    log.close()
    off_box = tmp_path / "hub" / ANCHOR_NAME
    off_box.parent.mkdir()
    shutil.copy(path.parent / ANCHOR_NAME, off_box)  # what the hub acknowledged: #30
    hub: AnchorSource = AnchorFile(off_box, Chain())
    options = IntegrityOptions(witnesses=(hub,))
    EventLog.open(path, options=options).close()
    # Cut the last 5 events and move the local anchor back to match: no key, no seal.
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq > 25")
    (digest,) = conn.execute("SELECT hash FROM events WHERE seq = 25").fetchone()
    conn.commit()
    conn.close()
    local = path.parent / ANCHOR_NAME
    record = json.loads(local.read_text())
    record["head"] = {"seq": 25, "hash": digest}
    local.write_text(json.dumps(record))
    EventLog.open(path).close()  # the local anchor alone is fooled
    with pytest.raises(
        StoreError, match=r"ends at #25, but the anchor file '.*hub.*' recorded #30"
    ):
        EventLog.open(path, options=options)
    reported = EventLog.open(path, options=options, tolerant=True)
    assert any("its last 5 events were cut" in p for p in reported.problems)
    reported.close()


def test_the_anchor_is_replaced_whole_never_half_written(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    log = EventLog.open(path, options=IntegrityOptions(anchor_every=1))
    for n in range(1, 6):
        log.append(events(n, 1))
        record = json.loads((tmp_path / ANCHOR_NAME).read_text())
        assert record["head"]["seq"] == n
    log.close()
    assert not list(tmp_path.glob(".*.tmp"))
