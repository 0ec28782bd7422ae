"""The release dock through the real store: every finding code, completion, holds, restarts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from station.bootstrap import Station, open_station
from station.config import StationConfig
from station.domain.events import Event, EventKind
from station.domain.lots.provenance import downstream
from station.domain.lots.transform_plan import TransformKind
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.scanning.scan import Scan
from station.errors import StoreError
from station.workflows.quarantine import Credentials, Decision
from tests.workflows.release_support import (
    BOL,
    GTIN,
    GTIN_580,
    MIXED,
    NOT_ARRIVED,
    P1,
    P2,
    RISKY,
    SEAL,
    Stock,
    codes,
    import_order,
    label,
    lot_unit,
    make_stock,
    pallet_label,
    receive,
    release,
    shipped_lots,
    sscc_unit,
    transform,
    verdicts,
)

SUPERVISOR = Credentials("B-2001", "2468")
REASON = "Provenance determined from the mill certificate MC-88"


@pytest.fixture
def stock(station: Station) -> Stock:
    return make_stock(station)


@pytest.fixture
def ordered(stock: Stock) -> Stock:
    """Order SHP-2001: L1 (15 modules) and the pallet (62 modules)."""
    import_order(stock.station, "SHP-2001", [lot_unit(stock.l1, 15), sscc_unit(stock.pallet, 62)])
    return stock


def full_release(stock: Stock, *extra: str) -> list[Any]:
    return release(
        stock.station,
        "B-1002",
        "SHP-2001",
        label(stock.l1),
        pallet_label(stock.pallet),
        SEAL,
        BOL,
        *extra,
        "#CLOSE",
    )


def test_release_completes_ships_the_units_and_writes_the_outbound_manifest(
    ordered: Stock,
) -> None:
    station = ordered.station
    results = full_release(ordered)
    assert verdicts(results) == ["info", "info", "accept", "accept", "accept", "accept", "accept"]
    assert results[-1].outcome.headline.startswith("RELEASED SHP-2001 to Delta Solar Farms")
    assert shipped_lots(station) == sorted([ordered.l1, ordered.pallet])
    (completed,) = [s.event for s in station.log.events(kinds=[EventKind.RELEASE_COMPLETED])]
    assert completed.operator_id == "op-ben"
    assert completed.payload["seals"] == [SEAL] and completed.payload["bill_of_lading"] == BOL
    path = station.data_dir / "outbound" / "SHP-2001.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == completed.payload["manifest"]
    (manifest,) = parse_manifest_json(path.read_text(encoding="utf-8"), str(path)).manifests
    assert manifest.direction.value == "inbound"
    assert manifest.purchase_orders == ("PO-56001",) and manifest.seals == (SEAL,)
    assert manifest.buyer is not None and manifest.buyer.name == "Delta Solar Farms"
    made, pallet = manifest.units
    (line,) = made.contents
    assert (line.gtin, line.lot, line.quantity, line.vendor) == (
        GTIN,
        ordered.l1,
        15,
        "Example Solar Works",
    )
    assert line.place_of_manufacture is not None
    assert line.place_of_manufacture.country == "VN"
    assert [p.lot_id for p in line.provenance] == [P1]
    assert line.provenance[0].vendor == "Sao Mai Solar Manufacturing JSC"
    assert line.provenance[0].shipment_id == "SHP-1001"
    # Received lots on the pallet pass through with their own moving data.
    assert pallet.sscc == ordered.pallet
    assert [c.lot for c in pallet.contents] == ["SM550-2609A", "SM550-2609B"]
    assert {c.vendor for c in pallet.contents} == {"Sao Mai Solar Manufacturing JSC"}
    assert station.log.verify().ok


def test_only_trained_operators_with_the_release_role_may_release(ordered: Stock) -> None:
    station = ordered.station
    clerk, lapsed = release(station, "B-1001", "B-1003")
    assert codes(clerk) == ["NOT_QUALIFIED"] and "'release' role" in clerk.outcome.headline
    assert codes(lapsed) == ["NOT_QUALIFIED"]
    (refused,) = release(station, "SHP-2001")
    assert codes(refused) == ["NOT_LOGGED_IN"]


def test_not_releasable_names_the_state(ordered: Stock, station: Station) -> None:
    receive(station, "B-1001", "BOL-778004", "SL0042001", f"00{RISKY}", "#LOGOUT")
    import_order(station, "SHP-2002", [sscc_unit(RISKY, 24000)])
    results = release(station, "B-1002", "SHP-2002", pallet_label(RISKY), pallet_label(NOT_ARRIVED))
    risky, never = results[2:]
    assert risky.outcome.verdict.value == "reject"
    assert codes(risky) == ["NOT_RELEASABLE"]
    assert risky.outcome.findings[0].found == "quarantined"
    assert "NOT_RELEASABLE" in codes(never) and "never received" in never.outcome.headline
    (unknown,) = release(station, pallet_label("106141410000000019"))
    assert codes(unknown)[0] == "NOT_RELEASABLE"
    assert "unknown here" in unknown.outcome.findings[0].message


def test_nothing_ships_from_a_receipt_that_is_not_closed(station: Station) -> None:
    receive(station, "B-1001", "BOL-778001", "SL0041871", f"00{P1}", f"00{P2}", "#LOGOUT")
    (made,) = transform(station, TransformKind.REPACK, ((P2, 31),), (31,))
    import_order(station, "SHP-2002", [sscc_unit(P1, 31), lot_unit(made, 31)])
    results = release(station, "B-1002", "SHP-2002", pallet_label(P1), label(made))
    pallet, repacked = results[2:]
    assert codes(pallet) == ["NOT_RELEASABLE"]
    assert pallet.outcome.findings[0].found == (
        "still being received (the receipt of SHP-1001 is not closed)"
    )
    assert codes(repacked) == ["QUARANTINED_INPUT"]
    # Closing the receipt with P3 missing holds SHP-1001: neither may ship, now or later.
    receive(station, "B-1001", "#CLOSE")
    (refused,) = release(station, "#CLOSE")
    assert refused.outcome.verdict.value == "reject"
    assert shipped_lots(station) == []


def test_incomplete_trace_names_the_lot_and_the_missing_fields(station: Station) -> None:
    receive(station, "B-1001", "BOL-778005", "SL0042050", "00073500532610050018", f"00{MIXED}")
    receive(station, "#CLOSE", "#LOGOUT")
    result = station.quarantine.decide(Decision.RELEASE, "unit", MIXED, SUPERVISOR, REASON)
    assert result.events, result.message
    assert station.lots.lot(MIXED).status == "available"  # type: ignore[union-attr]
    import_order(station, "SHP-2002", [sscc_unit(MIXED, 28800, "07350053182059")])
    (_, _, checked) = release(station, "B-1002", "SHP-2002", pallet_label(MIXED))
    assert codes(checked) == ["INCOMPLETE_TRACE"]
    finding = checked.outcome.findings[0]
    assert f"{MIXED}~2" in finding.message
    assert finding.expected == "vendor, date_of_manufacture"


def test_incomplete_trace_names_a_missing_link(ordered: Stock) -> None:
    station = ordered.station
    # The records of P1 are lost (a corrupt or partial database): L1's trail ends in nothing.
    station.log.connection.execute("DELETE FROM lots WHERE lot_id = ?", (P1,))
    (*_, checked) = release(station, "B-1002", "SHP-2001", label(ordered.l1))
    assert codes(checked) == ["INCOMPLETE_TRACE"]
    assert checked.outcome.findings[0].found == f"MISSING_LINK at {P1}"


def test_a_held_input_anywhere_upstream_blocks_every_unit_made_from_it(station: Station) -> None:
    # P1 and P2 arrive; before the receipt closes they are split, merged and split again.
    receive(station, "B-1001", "BOL-778001", "SL0041871", f"00{P1}", f"00{P2}")
    l1, l2 = transform(station, TransformKind.SPLIT, ((P1, 31),), (15, 16))
    (merged,) = transform(station, TransformKind.MERGE, ((l2, 16), (P2, 31)), (47,))
    m1, m2 = transform(station, TransformKind.SPLIT, ((merged, 47),), (20, 27))
    # Closing with P3 missing puts SHP-1001 on hold: everything made from it is held.
    (closed,) = receive(station, "#CLOSE")
    assert "MISSING_UNITS" in codes(closed)
    made = downstream(P1, station.lots.children)
    assert {l1, m1, m2} <= made
    import_order(station, "SHP-2002", [lot_unit(lot, q) for lot, q in ((l1, 15), (m1, 20))])
    results = release(station, "B-1002", "SHP-2002", label(l1), label(m1), SEAL, BOL, "#CLOSE")
    for checked in (results[2], results[3]):
        assert checked.outcome.verdict.value == "reject"
        assert set(codes(checked)) == {"QUARANTINED_INPUT"}
    held = {f.found for f in results[3].outcome.findings}
    assert held == {
        f"{P1}: on hold: shipment SHP-1001 on hold (MISSING_UNITS)",
        f"{P2}: on hold: shipment SHP-1001 on hold (MISSING_UNITS)",
    }
    refused = results[-1].outcome
    assert refused.verdict.value == "reject" and "2 blocking unit(s)" in refused.headline
    assert any(d.startswith(f"{l1}: QUARANTINED_INPUT") for d in refused.details)
    assert any(d.startswith(f"{m1}: QUARANTINED_INPUT") for d in refused.details)
    assert shipped_lots(station) == []
    # Once the supervisor lifts the hold, the same units pass.
    assert station.quarantine.decide(
        Decision.RELEASE, "shipment", "SHP-1001", SUPERVISOR, REASON
    ).events
    (done,) = release(station, "#CLOSE")
    assert done.outcome.verdict.value == "accept", done.outcome.details
    assert shipped_lots(station) == sorted([l1, m1])


def test_held_shipment_lots_are_never_available(station: Station) -> None:
    receive(station, "B-1001", "BOL-778001", "SL0041871", f"00{P1}", "#CLOSE")
    assert station.lots.lot(P1).status == "quarantined"  # type: ignore[union-attr]
    assert station.lots.lots(status="available") == []
    assert station.quarantine.decide(
        Decision.RELEASE, "shipment", "SHP-1001", SUPERVISOR, REASON
    ).events
    assert station.lots.lot(P1).status == "available"  # type: ignore[union-attr]


def test_already_shipped(ordered: Stock) -> None:
    station = ordered.station
    full_release(ordered)
    import_order(station, "SHP-2002", [lot_unit(ordered.l1, 15)])
    (*_, again) = release(station, "SHP-2002", label(ordered.l1))
    assert codes(again) == ["ALREADY_SHIPPED"]
    assert again.outcome.findings[0].found == "shipped on SHP-2001"
    _, abandoned, reopen = release(station, "#UNDO", "#UNDO", "SHP-2001")
    assert "abandoned" in abandoned.outcome.headline
    assert codes(reopen) == ["NOT_APPLICABLE"] and "already shipped" in reopen.outcome.headline


def test_not_on_order_and_the_close_names_it(ordered: Stock) -> None:
    results = full_release(ordered, label(ordered.l2))
    extra = results[-2]
    assert codes(extra) == ["NOT_ON_ORDER"]
    refused = results[-1].outcome
    assert refused.verdict.value == "reject"
    assert f"{ordered.l2}: NOT_ON_ORDER" in refused.details[0]
    assert "QUANTITY_MISMATCH" in {f.code.value for f in refused.findings}
    assert shipped_lots(ordered.station) == []
    # Taking it off again (#UNDO) lets the release complete.
    (undone, done) = release(ordered.station, "#UNDO", "#CLOSE")
    assert undone.outcome.headline.endswith(f"{ordered.l2} (undo)")
    assert done.outcome.verdict.value == "accept"


def test_quantity_mismatch_for_missing_units_and_per_product(stock: Stock) -> None:
    station = stock.station
    import_order(
        station,
        "SHP-2001",
        [lot_unit(stock.l1, 14), lot_unit(stock.l2, 16), sscc_unit(stock.pallet, 62)],
    )
    results = release(
        station, "B-1002", "SHP-2001", label(stock.l1), pallet_label(stock.pallet), SEAL, BOL
    )
    assert verdicts(results)[2:] == ["accept"] * 4
    (refused,) = release(station, "#CLOSE")
    messages = [f.message for f in refused.outcome.findings]
    assert [f.code.value for f in refused.outcome.findings] == ["QUANTITY_MISMATCH"] * 2
    assert messages[0] == f"Order SHP-2001: 1 of 3 ordered unit(s) not released: {stock.l2}"
    assert messages[1] == f"Order SHP-2001: product GTIN {GTIN} ordered 92 EA, releasing 77 EA"


def test_seals_and_bill_of_lading_are_required(ordered: Stock) -> None:
    station = ordered.station
    results = release(
        station, "B-1002", "SHP-2001", label(ordered.l1), pallet_label(ordered.pallet), "#CLOSE"
    )
    refused = results[-1].outcome
    assert [f.code.value for f in refused.findings] == ["SEAL_MISSING", "MISSING_MOVING_DATA"]
    assert shipped_lots(station) == []


def test_seals_named_on_the_order_must_be_applied(stock: Stock) -> None:
    station = stock.station
    import_order(station, "SHP-2001", [lot_unit(stock.l1, 15)], seals=["SL0050002"])
    results = release(station, "B-1002", "SHP-2001", label(stock.l1), SEAL, "SL0050002", BOL)
    assert codes(results[3]) == ["SEAL_MISMATCH"]
    assert verdicts(results)[4:] == ["accept", "accept"]
    (done,) = release(station, "#CLOSE")
    assert done.outcome.verdict.value == "accept"


def test_label_must_match_the_record(ordered: Stock) -> None:
    results = release(
        ordered.station,
        "B-1002",
        "SHP-2001",
        f"]C100{ordered.pallet}01{GTIN_580}",
        label(ordered.l1, GTIN_580),
    )
    assert codes(results[2]) == ["LABEL_MISMATCH"]
    assert results[2].outcome.findings[0].expected == GTIN
    # A lot made here under another GTIN: found by lot, but the label's GTIN is wrong.
    assert codes(results[3]) == ["LABEL_MISMATCH"]


def test_serials_where_the_order_requires_them(stock: Stock) -> None:
    import_order(stock.station, "SHP-2001", [lot_unit(stock.l1, 15, serials_required=True)])
    (*_, checked) = release(stock.station, "B-1002", "SHP-2001", label(stock.l1))
    assert codes(checked) == ["MISSING_MOVING_DATA"]
    assert checked.outcome.findings[0].expected == "serial"


def test_damaged_unit_is_taken_off_and_put_on_hold(ordered: Stock) -> None:
    station = ordered.station
    results = release(station, "B-1002", "SHP-2001", label(ordered.l1), "#DAMAGED")
    damaged = results[-1].outcome
    assert damaged.verdict.value == "quarantine" and codes(results[-1]) == ["PACKAGING_DAMAGED"]
    assert station.releases.units(station.release.release().release_id) == []  # type: ignore[union-attr]
    hold = station.view.hold("unit", ordered.l1)
    assert hold is not None and hold.findings[0].code.value == "PACKAGING_DAMAGED"
    assert station.lots.lot(ordered.l1).status == "quarantined"  # type: ignore[union-attr]
    (again,) = release(station, label(ordered.l1))
    assert codes(again) == ["NOT_RELEASABLE"] and "on hold" not in again.outcome.headline
    assert again.outcome.findings[0].found == "quarantined"


def test_undo_takes_back_the_last_unit_or_seal(ordered: Stock) -> None:
    station = ordered.station
    release(station, "B-1002", "SHP-2001", label(ordered.l1), SEAL)
    seal_undone, unit_undone, abandoned = release(station, "#UNDO", "#UNDO", "#UNDO")
    assert "seal SL0050001" in seal_undone.outcome.headline
    assert ordered.l1 in unit_undone.outcome.headline
    assert abandoned.outcome.headline.startswith("Release RL-DOCK-1-00001 of SHP-2001 abandoned")
    assert station.release.release() is None
    (nothing,) = release(station, "#UNDO")
    assert codes(nothing) == ["NO_ACTIVE_SHIPMENT"]
    (reopened,) = release(station, "SHP-2001")
    assert reopened.outcome.headline.startswith("Releasing SHP-2001")
    assert station.release.release().release_id == "RL-DOCK-1-00002"  # type: ignore[union-attr]


def test_release_resumes_after_restart(
    ordered: Stock, tmp_path: Path, config: StationConfig, clock: Any
) -> None:
    release(ordered.station, "B-1002", "SHP-2001", label(ordered.l1), SEAL)
    ordered.station.close()
    again = open_station(config, tmp_path / "data", clock)
    try:
        (login,) = release(again, "B-1002")
        assert login.outcome.headline.endswith("resuming release of SHP-2001")
        rest = release(again, pallet_label(ordered.pallet), BOL, "#CLOSE")
        assert verdicts(rest) == ["accept", "accept", "accept"]
        assert (again.data_dir / "outbound" / "SHP-2001.json").exists()
    finally:
        again.close()


def test_a_hold_placed_after_the_check_refuses_completion(ordered: Stock) -> None:
    station = ordered.station
    results = release(
        station, "B-1002", "SHP-2001", label(ordered.l1), pallet_label(ordered.pallet), SEAL, BOL
    )
    assert verdicts(results)[2:] == ["accept"] * 4
    # After the units passed, SHP-1001 (where every input came from) goes on hold.
    finding = {"code": "SEAL_DAMAGED", "severity": "nonconformity", "message": "late report"}
    station.log.append(
        [
            Event.new(
                EventKind.SHIPMENT_HELD,
                station_id="DOCK-1",
                operator_id="op-chen",
                recorded_at=station.clock.now(),
                payload={"shipment_id": "SHP-1001", "findings": [finding]},
            )
        ]
    )
    (refused,) = release(station, "#CLOSE")
    assert refused.outcome.verdict.value == "reject"
    assert {f.code.value for f in refused.outcome.findings} == {"QUARANTINED_INPUT"}
    assert shipped_lots(station) == []
    # The board shows the new result: both units are now blocked.
    board = station.release.board(station.release.release())  # type: ignore[arg-type]
    assert [row.state for row in board] == ["blocked", "blocked"]


def forged_completion(station: Station, release_id: str, units: list[str]) -> Event:
    return Event.new(
        EventKind.RELEASE_COMPLETED,
        station_id="DOCK-1",
        operator_id="op-ben",
        recorded_at=station.clock.now(),
        payload={
            "release_id": release_id,
            "shipment_id": "SHP-2001",
            "bill_of_lading": BOL,
            "seals": [SEAL],
            "units": [{"unit_id": u} for u in units],
            "manifest": {},
        },
    )


def test_the_store_refuses_a_completion_the_release_did_not_pass(ordered: Stock) -> None:
    station = ordered.station
    release(station, "B-1002", "SHP-2001", label(ordered.l1), label(ordered.l2))
    open_release = station.release.release()
    assert open_release is not None
    before = station.log.count()
    for release_id, units in (
        ("RL-NOWHERE", [ordered.l1]),
        (open_release.release_id, [ordered.l1]),  # not every unit checked into it
        (open_release.release_id, [ordered.l1, ordered.l2]),  # L2 did not pass (not on order)
        (open_release.release_id, [ordered.l1, ordered.l2, ordered.pallet]),
    ):
        with pytest.raises(StoreError, match="release"):
            station.log.append([forged_completion(station, release_id, units)])
    assert station.log.count() == before
    assert shipped_lots(station) == []


def test_only_a_completed_release_writes_the_shipped_status() -> None:
    """The one writer of ``shipped`` in the store is the RELEASE_COMPLETED projection."""
    store = Path(__file__).resolve().parents[2] / "station" / "store"
    writers = {
        str(path.relative_to(store))
        for path in store.rglob("*.py")
        if "LotStatus.SHIPPED.value" in path.read_text(encoding="utf-8")
        or "'shipped'" in path.read_text(encoding="utf-8")
    }
    assert writers == {"projections/release.py", "projections/lots.py"}
    lot_projection = (store / "projections" / "lots.py").read_text(encoding="utf-8")
    # the lot projection names it only to leave shipped lots alone.
    assert lot_projection.count("SHIPPED") == 1
    assert "status NOT IN (?, ?)" in lot_projection


def test_scanning_the_wrong_documents_while_a_release_is_open(ordered: Stock) -> None:
    station = ordered.station
    import_order(station, "SHP-2002", [lot_unit(ordered.l2, 16)])
    results = release(station, "B-1002", "SHP-2001", "SHP-2002", "BOL-778001", "SHP-2001")
    other, inbound_bol, same = results[2:]
    assert codes(other) == ["NOT_APPLICABLE"] and "is open" in other.outcome.headline
    assert "belongs to shipment SHP-1001" in inbound_bol.outcome.headline
    assert same.outcome.verdict.value == "info"
    (nothing,) = release(station, "#LOGOUT")
    assert nothing.outcome.headline.endswith("the open release stays open")
    (no_order,) = [station.release_recorder.handle(Scan("SHP-1001"))]
    assert codes(no_order) == ["NOT_LOGGED_IN"]


def test_a_manifest_that_cannot_be_written_is_reported_and_can_be_exported(
    ordered: Stock, tmp_path: Path
) -> None:
    station = ordered.station
    (station.data_dir / "outbound").write_text("not a directory", encoding="utf-8")
    done = full_release(ordered)[-1].outcome
    assert done.verdict.value == "error"
    assert "could not be written" in done.headline
    assert "station release export SHP-2001" in done.headline
    assert shipped_lots(station) == sorted([ordered.l1, ordered.pallet])
    path = station.release.export("SHP-2001", tmp_path / "again.json")
    (manifest,) = parse_manifest_json(path.read_text(encoding="utf-8"), str(path)).manifests
    assert manifest.shipment_id == "SHP-2001" and len(manifest.units) == 2
