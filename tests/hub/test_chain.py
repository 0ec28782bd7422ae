"""The station chain anchor (hub_interface.md): heads per station, idempotent re-sends,
fork and gap refusals with the reason, and the head on GET /stations/{id}/head."""

from __future__ import annotations

from urllib.parse import quote

from tests.hub.support import GENESIS, Hub, StationChain


def head(hub: Hub, token: str, station: str) -> dict:
    with hub.client(token) as client:
        answer = client.get(f"/stations/{station}/head")
        assert answer.status_code == 200, answer.text
        return answer.json()


def test_batches_advance_the_head_and_a_resend_is_a_no_op(hub: Hub) -> None:
    chain = StationChain("DOCK-1")
    chain.record(5)
    assert head(hub, "dock-1", "DOCK-1") == {"stationId": "DOCK-1", "seq": 0, "hash": GENESIS}
    with hub.client("dock-1") as client:
        first = client.post("/capture", json=chain.batch(1, 3))
        assert first.status_code == 202, first.text
        assert first.headers["ST-Head"] == f"3:{chain.entries[2]['hash']}"
        assert first.json()["st:storedCount"] == 3
        # Re-send of an acknowledged batch (the station never saw the answer): no-op.
        again = client.post("/capture", json=chain.batch(1, 3))
        assert again.status_code == 202 and again.json()["st:storedCount"] == 0
        assert again.headers["ST-Head"] == f"3:{chain.entries[2]['hash']}"
        # A batch overlapping the head: the old part is checked, the new part stored.
        overlap = client.post("/capture", json=chain.batch(2, 5))
        assert overlap.status_code == 202 and overlap.json()["st:storedCount"] == 2
        assert overlap.headers["ST-Head"] == f"5:{chain.entries[4]['hash']}"
        listed = client.get("/events", params={"EQ_stationId": "DOCK-1", "perPage": 1000})
        ids = [
            e["eventID"]
            for e in listed.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        ]
        assert ids == [e["eventID"] for e in chain.events]
    expected = {"stationId": "DOCK-1", "seq": 5, "hash": chain.entries[4]["hash"]}
    assert head(hub, "dock-1", "DOCK-1") == expected
    assert head(hub, "admin-a", "DOCK-1") == expected
    with hub.client("admin-all") as client:
        assert client.get("/stations/DOCK-1/head", params={"site": "SITE-A"}).json() == expected


def test_a_gap_is_refused_with_the_expected_seq(hub: Hub) -> None:
    chain = StationChain("DOCK-2")
    chain.record(6)
    with hub.client("dock-2") as client:
        assert client.post("/capture", json=chain.batch(1, 2)).status_code == 202
        answer = client.post("/capture", json=chain.batch(4, 6))
        assert answer.status_code == 409
        problem = answer.json()
        assert problem["type"] == "epcisException:ValidationException"
        assert problem["st:reason"] == "gap" and problem["st:expectedSeq"] == 3
        assert problem["st:stationId"] == "DOCK-2"
        assert "missing" in problem["detail"]
        event_id = chain.events[4]["eventID"]
        assert client.get(f"/events/{quote(event_id, safe='')}").status_code == 404
    assert head(hub, "dock-2", "DOCK-2")["seq"] == 2


def test_a_cut_or_replaced_log_is_refused_as_a_fork(hub: Hub) -> None:
    chain = StationChain("DOCK-3")
    chain.record(4)
    with hub.client("dock-3") as client:
        assert client.post("/capture", json=chain.batch(1, 4)).status_code == 202
        # The station's log was emptied and it started again from seq 1.
        reborn = StationChain("DOCK-3")
        reborn.record(2, salt="again")
        answer = client.post("/capture", json=reborn.batch(1, 2))
        assert answer.status_code == 409
        problem = answer.json()
        assert problem["st:reason"] == "fork" and problem["st:seq"] == 1
        assert problem["st:expectedHash"] == chain.entries[0]["hash"]
        assert "fork" in problem["detail"]
        # Cut after seq 2 and continued with other events: seq 3 arrives with another hash.
        cut = StationChain("DOCK-3")
        cut.entries, cut.events = chain.entries[:2], chain.events[:2]
        cut.record(3, salt="cut")
        answer = client.post("/capture", json=cut.batch(3, 5))
        assert answer.status_code == 409
        assert answer.json()["st:reason"] == "fork" and answer.json()["st:seq"] == 3
        # A batch past the head whose prevHash does not match the head's hash.
        answer = client.post("/capture", json=cut.batch(5, 5))
        assert answer.status_code == 409
        assert answer.json()["st:reason"] == "fork" and answer.json()["st:seq"] == 4
    assert head(hub, "dock-3", "DOCK-3")["seq"] == 4


def test_a_broken_log_is_refused_naming_the_path(hub: Hub) -> None:
    chain = StationChain("DOCK-4")
    chain.record(3)
    doc = chain.batch(1, 3)
    doc["epcisHeader"]["st:stationLog"]["entries"][2]["prevHash"] = "f" * 64
    with hub.client("dock-4") as client:
        answer = client.post("/capture", json=doc)
        assert answer.status_code == 400
        assert "st:stationLog.entries[2].prevHash" in answer.json()["detail"]
        doc = chain.batch(1, 3)
        doc["epcisBody"]["eventList"][1]["st:seq"] = 9
        job = client.post("/capture", json=doc).json()
        assert job["success"] is False and "st:seq" in job["errors"][0]["detail"]
    assert head(hub, "dock-4", "DOCK-4")["seq"] == 0


def test_the_same_station_id_at_two_sites_has_two_heads(hub: Hub) -> None:
    chain = StationChain("DOCK-1")
    chain.record(1, salt="site-b")
    with hub.client("dock-b1") as client:
        answer = client.post("/capture", json=chain.batch(1, 1))
        assert answer.status_code == 202, answer.text
    assert head(hub, "dock-b1", "DOCK-1")["hash"] == chain.entries[0]["hash"]
    assert head(hub, "admin-a", "DOCK-1")["hash"] != chain.entries[0]["hash"]
