"""A unit typed by hand at the release dock (issue 10, item 8): it has no label to check,
so it is refused (``[release] hand_entry = "refuse"``, the default) or taken only with a
supervisor's badge, PIN and reason (``"supervisor"``); either way it is recorded as a hand
entry, and the close checks it again."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.bootstrap import DATABASE_NAME, Station, open_station
from station.config import StationConfig
from station.domain.checks.release import HandEntry
from station.domain.events import EventKind
from station.workflows.release_hand_entry import HandEntryApproval
from tests.conftest import DEMO_DIR
from tests.workflows.release_support import (
    BOL,
    SEAL,
    Stock,
    codes,
    import_order,
    lot_unit,
    make_stock,
    pallet_label,
    release,
    shipped_lots,
    sscc_unit,
)

PIN = "2468"  # Chen's (B-2001) PIN in the example roster
REASON = "label burnt; identity checked on the delivery note"


def _stock(station: Station) -> Stock:
    stock = make_stock(station)
    import_order(station, "SHP-2001", [lot_unit(stock.l1, 15), sscc_unit(stock.pallet, 62)])
    return stock


@pytest.fixture
def supervised(tmp_path: Path, config: StationConfig, clock: Any) -> Iterator[Stock]:
    """The ordered stock on a station whose release dock takes hand entries on a supervisor's word."""
    station = open_station(
        dataclasses.replace(config, hand_entry=HandEntry.SUPERVISOR), tmp_path / "data", clock
    )
    station.import_files(sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".json", ".csv")))
    try:
        yield _stock(station)
    finally:
        station.close()


def scan_records(station: Station) -> list[dict[str, Any]]:
    return [s.event.payload for s in station.log.events(kinds=[EventKind.SCAN_RECORDED])]


def test_a_typed_unit_is_refused_by_default_and_recorded_as_a_hand_entry(station: Station) -> None:
    stock = _stock(station)
    assert station.config.hand_entry is HandEntry.REFUSE
    (typed,) = release(station, "B-1002", "SHP-2001", stock.l1)[-1:]
    assert typed.outcome.verdict.value == "reject"
    assert codes(typed) == ["HAND_ENTRY"]
    assert "typed by hand" in typed.outcome.headline and "hand_entry" in typed.outcome.headline
    record = scan_records(station)[-1]
    assert record["input"] == stock.l1 and record["findings"][0]["code"] == "HAND_ENTRY"
    release_id = station.release.release()
    assert release_id is not None and station.releases.units(release_id.release_id) == []
    # Not even a supervisor can let it in under "refuse".
    approval = HandEntryApproval("B-2001", REASON, PIN)
    refused = station.release_recorder.commit(station.release.hand_entry(stock.l1, approval))
    assert refused.outcome.verdict.value == "reject" and codes(refused) == ["HAND_ENTRY"]
    assert station.releases.units(release_id.release_id) == []


def test_a_supervisor_authorises_a_hand_entry_with_badge_pin_and_reason(supervised: Stock) -> None:
    station = supervised.station
    (typed,) = release(station, "B-1002", "SHP-2001", supervised.l1)[-1:]
    assert codes(typed) == ["HAND_ENTRY"] and "supervisor" in typed.outcome.headline

    def attempt(badge: str, reason: str = REASON, pin: str | None = PIN) -> Any:
        approval = HandEntryApproval(badge, reason, pin)
        return station.release_recorder.commit(station.release.hand_entry(supervised.l1, approval))

    assert "not on this station's roster" in attempt("B-9999").outcome.headline
    assert "does not hold the 'supervise' role" in attempt("B-1001").outcome.headline
    assert "wrong or missing PIN" in attempt("B-2001", pin="1111").outcome.headline
    assert "wrong or missing PIN" in attempt("B-2001", pin=None).outcome.headline
    assert "give a reason" in attempt("B-2001", reason="  ").outcome.headline
    accepted = attempt("B-2001")
    assert accepted.outcome.verdict.value == "accept", accepted.outcome.headline
    open_release = station.release.release()
    assert open_release is not None
    (unit,) = station.releases.units(open_release.release_id)
    assert (unit.unit_id, unit.entry, unit.authorised_by) == (supervised.l1, "hand", "op-chen")
    (checked,) = [
        s.event.payload for s in station.log.events(kinds=[EventKind.RELEASE_UNIT_CHECKED])
    ]
    assert checked["entry"] == "hand" and checked["reason"] == REASON
    results = release(station, pallet_label(supervised.pallet), SEAL, BOL, "#CLOSE")
    assert results[-1].outcome.headline.startswith("RELEASED SHP-2001")
    assert supervised.l1 in shipped_lots(station)
    raw = (station.data_dir / DATABASE_NAME).read_bytes()
    assert PIN.encode() not in raw


def test_the_supervisor_must_be_someone_else(supervised: Stock) -> None:
    station = supervised.station
    release(station, "B-2001", "SHP-2001")
    approval = HandEntryApproval("B-2001", REASON, PIN)
    refused = station.release_recorder.commit(station.release.hand_entry(supervised.l1, approval))
    assert "another person must authorise it" in refused.outcome.headline


def test_the_close_refuses_a_hand_entry_the_setting_no_longer_allows(
    supervised: Stock, config: StationConfig, clock: Any
) -> None:
    station = supervised.station
    release(station, "B-1002", "SHP-2001")
    approval = HandEntryApproval("B-2001", REASON, PIN)
    station.release_recorder.commit(station.release.hand_entry(supervised.l1, approval))
    station.close()
    again = open_station(config, station.data_dir, clock)  # back to "refuse"
    try:
        results = release(again, "B-1002", pallet_label(supervised.pallet), SEAL, BOL, "#CLOSE")
        closed = results[-1].outcome
        assert closed.verdict.value == "reject"
        assert any("HAND_ENTRY" in line for line in closed.details), closed.details
        assert shipped_lots(again) == []
    finally:
        again.close()


def test_a_scanned_label_is_not_a_hand_entry(station: Station) -> None:
    stock = _stock(station)
    results = release(station, "B-1002", "SHP-2001", pallet_label(stock.pallet))
    assert results[-1].outcome.verdict.value == "accept"
    unit = station.releases.units(station.release.release().release_id)[0]  # type: ignore[union-attr]
    assert unit.entry == "scan" and unit.authorised_by is None
