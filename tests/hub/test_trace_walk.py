"""The trace walk on its own (no hub): what links what, siblings left alone, limits said."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from station.hub.events import record
from station.hub.storage import NamedEvent
from station.hub.trace import walk

PALLET, OTHER = (
    "https://id.gs1.org/00/006141412610010016",
    "https://id.gs1.org/00/006141412610010023",
)
LOT_IN, LOT_OUT = "urn:station:lot:IN", "urn:station:lot:OUT"
SIBLING = "urn:station:lot:SIBLING"


def event(n: int, **fields: Any) -> dict[str, Any]:
    return {"type": "ObjectEvent", "eventID": f"urn:uuid:00000000-0000-0000-0000-{n:012d}",
            "eventTime": f"2026-11-23T08:{n:02d}:00Z", "eventTimeZoneOffset": "+00:00", **fields}  # fmt: skip


EVENTS = [
    event(1, epcList=[PALLET], action="OBSERVE", bizStep="receiving"),
    event(2, type="AggregationEvent", parentID=PALLET, action="ADD",
          childQuantityList=[{"epcClass": LOT_IN, "quantity": 5}, {"epcClass": SIBLING, "quantity": 1}]),
    event(3, type="AggregationEvent", parentID=OTHER, action="ADD",
          childQuantityList=[{"epcClass": SIBLING, "quantity": 1}]),
    event(4, type="TransformationEvent", inputQuantityList=[{"epcClass": LOT_IN, "quantity": 5}],
          outputQuantityList=[{"epcClass": LOT_OUT, "quantity": 5}]),
    event(5, quantityList=[{"epcClass": LOT_OUT, "quantity": 5}], action="OBSERVE", bizStep="shipping"),
]  # fmt: skip


def fetcher(events: list[dict[str, Any]]) -> Any:
    records = [record(e, [], None) for e in events]

    def fetch(epcs: Sequence[str], limit: int) -> list[NamedEvent]:
        found = [
            NamedEvent(epc, role, n, r.event_id, r.event_time_us, "DOCK-1", False, events[n])
            for n, r in enumerate(records)
            for role, epc in r.epcs
            if epc in epcs
        ]
        return found[:limit]

    return fetch


def test_back_from_a_made_lot_reaches_the_pallet_it_came_in_but_not_its_other_contents() -> None:
    trace = walk(fetcher(EVENTS), LOT_OUT, "back").as_json()
    ids = {n["id"] for n in trace["nodes"]}
    assert ids == {LOT_OUT, LOT_IN, PALLET}
    relations = {(e["from"], e["relation"], e["to"]) for e in trace["edges"]}
    assert relations == {(LOT_OUT, "made from", LOT_IN), (LOT_IN, "arrived in", PALLET)}
    assert next(e["bizStep"] for e in trace["events"]) == "receiving"
    assert not trace["truncated"]


def test_forward_from_the_pallet_reaches_its_contents_and_what_they_became() -> None:
    trace = walk(fetcher(EVENTS), PALLET, "forward").as_json()
    ids = {n["id"] for n in trace["nodes"]}
    assert {PALLET, LOT_IN, SIBLING, LOT_OUT} <= ids
    # The sibling's other pallet is where it went too ("packed into"), not its contents.
    assert OTHER in ids
    assert "shipping" in {e["bizStep"] for e in trace["events"]}


def test_limits_are_said_not_hidden() -> None:
    assert walk(fetcher(EVENTS), PALLET, "forward", max_nodes=2).as_json()["truncated"]
    assert walk(fetcher(EVENTS), PALLET, "forward", hop_rows=1).as_json()["truncated"]
    unknown = walk(fetcher(EVENTS), "urn:station:lot:NOPE", "back").as_json()
    assert unknown["found"] is False and unknown["events"] == []
