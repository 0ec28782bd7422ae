"""The quarantine board: supervisor credentials, four eyes, reasons, and the audit trail."""

from __future__ import annotations

import pytest

from station.bootstrap import Station
from station.domain.findings import Verdict
from station.domain.scanning.scan import Scan
from station.ports import UnitStatus
from station.workflows.quarantine import Credentials, Decision, Disposition

RISKY = "073500532610040026"  # SHP-1004, made in CN-XJ
REASON = "Mill certificate MC-88 and smelter audit show the wafers came from Norway"


def receive(station: Station, *texts: str) -> None:
    for text in texts:
        assert station.recorder.handle(Scan(text)).durable


@pytest.fixture
def held(station: Station) -> Station:
    receive(station, "B-1001", "BOL-778004", "SL0042001", f"00{RISKY}")
    assert station.view.is_held("unit", RISKY)
    return station


def test_a_clerk_cannot_release_a_quarantine(held: Station) -> None:
    result = held.quarantine.decide(Decision.RELEASE, "unit", RISKY, Credentials("B-1001"), REASON)
    assert result.verdict is Verdict.REJECT
    assert (
        result.message
        == "Decision refused: Ana Lima does not hold the 'supervise' role (roles: receive)"
    )
    assert held.view.is_held("unit", RISKY)


def test_supervisor_needs_the_pin(held: Station) -> None:
    result = held.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2001", "0000"), REASON
    )
    assert result.message == "Decision refused: wrong PIN for Chen Wei"
    result = held.quarantine.decide(Decision.RELEASE, "unit", RISKY, Credentials("B-2001"), REASON)
    assert result.verdict is Verdict.REJECT
    assert result.message == "Decision refused: enter the PIN for Chen Wei"


def test_release_needs_a_provenance_reason(held: Station) -> None:
    result = held.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2001", "2468"), "ok"
    )
    assert "how provenance was determined" in result.message


def test_release_is_recorded_with_the_supervisor_and_lifts_the_hold(held: Station) -> None:
    result = held.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2001", "2468"), REASON, evidence="MC-88"
    )
    assert result.verdict is Verdict.ACCEPT
    assert result.message == f"Released from quarantine: unit {RISKY} by Chen Wei"
    assert not held.view.is_held("unit", RISKY)
    assert held.view.unit(RISKY).status is UnitStatus.ACCEPTED  # type: ignore[union-attr]
    (event,) = [s.event for s in held.log.events() if s.event.kind.value == "hold.released"]
    assert event.operator_id == "op-chen"
    assert event.payload["placed_by"] == "op-ana"
    assert event.payload["text"] == REASON
    (action,) = [a for a in held.view.hold_actions("unit", RISKY) if a.action == "hold.released"]
    assert action.operator_id == "op-chen" and action.evidence == "MC-88"
    assert held.log.verify().ok


def test_four_eyes_the_supervisor_who_placed_the_hold_cannot_release_it(station: Station) -> None:
    receive(station, "B-2001", "BOL-778004", "SL0042001", f"00{RISKY}")
    result = station.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2001", "2468"), REASON
    )
    assert result.verdict is Verdict.REJECT
    assert result.message.startswith("Four eyes: Chen Wei placed this hold")
    assert station.view.is_held("unit", RISKY)


def test_reject_needs_a_disposition_and_marks_the_unit_rejected(held: Station) -> None:
    creds = Credentials("B-2001", "2468")
    result = held.quarantine.decide(Decision.REJECT, "unit", RISKY, creds, "origin not provable")
    assert "disposition" in result.message
    result = held.quarantine.decide(
        Decision.REJECT,
        "unit",
        RISKY,
        creds,
        "origin not provable",
        disposition=Disposition.RETURN_TO_VENDOR,
    )
    assert result.verdict is Verdict.ACCEPT
    assert held.view.unit(RISKY).status is UnitStatus.REJECTED  # type: ignore[union-attr]


def test_notes_keep_the_hold(held: Station) -> None:
    result = held.quarantine.decide(
        Decision.NOTE,
        "unit",
        RISKY,
        Credentials("B-2001", "2468"),
        "asked vendor for mill certs",
        evidence="photo /srv/photos/4411.jpg",
    )
    assert result.verdict is Verdict.INFO
    assert held.view.is_held("unit", RISKY)
    assert [a.action for a in held.view.hold_actions("unit", RISKY)] == ["hold.note_added"]


def test_releasing_a_seal_hold_also_releases_units_held_only_for_the_seal(station: Station) -> None:
    receive(station, "B-1001", "BOL-778002", "SL0041913", "00006141412610020015")
    assert station.view.is_held("shipment", "SHP-1002")
    assert station.view.is_held("unit", "006141412610020015")
    result = station.quarantine.decide(
        Decision.RELEASE,
        "shipment",
        "SHP-1002",
        Credentials("B-2001", "2468"),
        "Carrier confirmed seal swap at border, photo of SL0041900 cut by customs",
    )
    assert result.verdict is Verdict.ACCEPT
    assert not station.view.is_held("shipment", "SHP-1002")
    assert not station.view.is_held("unit", "006141412610020015")
    assert station.view.unit("006141412610020015").status is UnitStatus.ACCEPTED  # type: ignore[union-attr]


def test_deciding_on_something_not_on_hold(station: Station) -> None:
    result = station.quarantine.decide(
        Decision.RELEASE, "unit", "nothing", Credentials("B-2001", "2468"), REASON
    )
    assert result.message == "unit nothing is not on hold"


def test_four_eyes_a_supervisor_who_added_a_finding_cannot_release_the_hold(
    held: Station,
) -> None:
    # clerk Ana put the unit on hold; supervisor Chen, at the dock, marks it damaged too
    receive(held, "#LOGOUT", "B-2001", "#DAMAGED")
    hold = held.view.hold("unit", RISKY)
    assert hold is not None and hold.placed_by == "op-ana"
    assert hold.raised_by == frozenset({"op-ana", "op-chen"})
    result = held.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2001", "2468"), REASON
    )
    assert result.verdict is Verdict.REJECT
    assert result.message.startswith("Four eyes: Chen Wei raised a finding on this hold")
    assert held.view.is_held("unit", RISKY)
    # rejecting is the conservative decision: allowed, and recorded with who raised what
    result = held.quarantine.decide(
        Decision.REJECT,
        "unit",
        RISKY,
        Credentials("B-2001", "2468"),
        "packaging crushed, origin unproven",
        disposition=Disposition.SCRAP,
    )
    assert result.verdict is Verdict.ACCEPT
    (event,) = result.events
    assert event.payload["raised_by"] == ["op-ana", "op-chen"]
    assert [f["raised_by"] for f in event.payload["findings"]] == ["op-ana", "op-chen"]


def test_four_eyes_holds_in_a_cascade_count_too(station: Station) -> None:
    # clerk Ana scans the wrong seal (shipment hold); supervisor Chen receives a pallet,
    # which is held for the seal: Chen raised that unit's finding
    receive(station, "B-1001", "BOL-778002", "SL0041913", "#LOGOUT", "B-2001")
    receive(station, "00006141412610020015")
    unit = station.view.hold("unit", "006141412610020015")
    assert unit is not None and unit.raised_by == frozenset({"op-chen"})
    result = station.quarantine.decide(
        Decision.RELEASE,
        "shipment",
        "SHP-1002",
        Credentials("B-2001", "2468"),
        "Carrier confirmed seal swap at border, photo of SL0041900 cut by customs",
    )
    assert result.verdict is Verdict.REJECT
    assert "006141412610020015" in result.message and "another supervisor" in result.message
    assert station.view.is_held("shipment", "SHP-1002")
    assert station.view.is_held("unit", "006141412610020015")
