"""Site data down to stations: manifest intake (JSON and CSV, refused whole with the path),
the roster (pin_hash only) and the risk rules, each served to the site's tokens with an
ETag (304 when current) and a change cursor; writes need an admin token of the site."""

from __future__ import annotations

import copy
import json
import zlib
from typing import Any

import httpx
import pytest
from biip.checksums import gs1_standard_check_digit

from station.domain.manifest.json_format import parse_manifest_json
from station.domain.operators import hash_pin
from tests.hub.support import REPO, Hub

DEMO = REPO / "config" / "demo"


def sscc(shipment: str, n: int) -> str:
    body = f"0614141{zlib.crc32(shipment.encode()) % 10**9:09d}{n}"
    return body + str(gs1_standard_check_digit(body))


def manifest(shipment: str, version: int = 1, **changes: Any) -> dict[str, Any]:
    """The demo's clean manifest under another shipment id, with SSCCs of its own."""
    data = json.loads((DEMO / "clean.json").read_text(encoding="utf-8"))
    data.update(shipment_id=shipment, manifest_version=version, **changes)
    for n, unit in enumerate(data["units"]):
        unit["sscc"] = sscc(shipment, n)
    return data


def operator(op_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": op_id, "name": f"Operator {op_id}", "badge": f"B-{op_id}",
            "roles": ["receive"], **fields}  # fmt: skip


def test_manifests_flow_down_by_cursor_with_etags(hub: Hub) -> None:
    with hub.client("admin-a") as erp, hub.client("dock-1") as dock:
        answer = erp.post("/sites/SITE-A/manifests", json=[manifest("SD-1"), manifest("SD-2")])
        assert answer.status_code == 201, answer.text
        assert answer.json()["stored"] == ["inbound SD-1", "inbound SD-2"]
        first = dock.get("/site/manifests")
        assert first.status_code == 200
        body = first.json()
        assert [m["shipment_id"] for m in body["manifests"]] == ["SD-1", "SD-2"]
        assert body["more"] is False
        # What the station is served parses with the station's own reader.
        parsed = parse_manifest_json(json.dumps(body["manifests"]), "hub")
        assert parsed.problems == () and len(parsed.manifests) == 2
        etag = first.headers["ETag"]
        again = dock.get("/site/manifests", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        cursor = body["cursor"]
        assert dock.get("/site/manifests", params={"after": cursor}).json()["manifests"] == []
        # The same push again changes nothing; a newer version comes after the cursor.
        same = erp.post("/sites/SITE-A/manifests", json=manifest("SD-1"))
        assert same.status_code == 200 and same.json()["unchanged"] == ["inbound SD-1"]
        newer = erp.post(
            "/sites/SITE-A/manifests", json=manifest("SD-1", notes="changed by the ERP")
        )
        assert newer.status_code == 201, newer.text
        changed = dock.get("/site/manifests", params={"after": cursor})
        assert [(m["shipment_id"], m["notes"]) for m in changed.json()["manifests"]] == [
            ("SD-1", "changed by the ERP")
        ]
        assert dock.get("/site/manifests", headers={"If-None-Match": etag}).status_code == 200
        # Pages: one at a time, `more` until the last.
        page = dock.get("/sites/SITE-A/manifests", params={"limit": "1"}).json()
        assert page["more"] is True and len(page["manifests"]) == 1


def test_csv_manifests_are_taken_and_served_as_json(hub: Hub) -> None:
    text = (DEMO / "missing-data.csv").read_text(encoding="utf-8").replace("SHP-1005", "SD-CSV")
    with hub.client("admin-a") as erp, hub.client("dock-2") as dock:
        answer = erp.post(
            "/sites/SITE-A/manifests", content=text, headers={"Content-Type": "text/csv"}
        )
        assert answer.status_code == 201, answer.text
        served = dock.get("/site/manifests").json()["manifests"]
        assert "SD-CSV" in {m["shipment_id"] for m in served}


def test_a_bad_manifest_refuses_the_whole_push_with_its_path(hub: Hub) -> None:
    bad = manifest("SD-BAD-2")
    bad["units"][0]["sscc"] = "123"
    with hub.client("admin-a") as erp:
        answer = erp.post("/sites/SITE-A/manifests", json=[manifest("SD-BAD-1"), bad])
        assert answer.status_code == 400
        problem = answer.json()
        assert problem["type"] == "epcisException:ValidationException"
        assert "$[1].units[0].sscc" in problem["detail"], problem
        listed = erp.get("/sites/SITE-A/manifests").json()["manifests"]
        assert not {"SD-BAD-1", "SD-BAD-2"} & {m["shipment_id"] for m in listed}
        broken = erp.post(
            "/sites/SITE-A/manifests",
            content=b'{"shipment_id": ',
            headers={"Content-Type": "application/json"},
        )
        assert broken.status_code == 400 and "line 1" in broken.json()["detail"]


def test_roster_and_risk_are_served_with_etags(hub: Hub) -> None:
    roster = {"operators": [operator("R1", pin_hash=hash_pin("2468")), operator("R2")]}
    risk = {"rules": [{"country": "CN", "reason": "forced labour risk"}],
            "restricted_vendors": [{"name": "Bad Co", "reason": "sanctioned"}]}  # fmt: skip
    with hub.client("admin-a") as erp, hub.client("dock-3") as dock:
        assert dock.get("/site/roster").status_code == 404
        stored = erp.put("/sites/SITE-A/roster", json=roster)
        assert stored.status_code == 200, stored.text
        assert erp.put("/sites/SITE-A/risk", json=risk).status_code == 200
        got = dock.get("/site/roster")
        assert got.json()["operators"] == roster["operators"]
        assert (
            dock.get("/site/roster", headers={"If-None-Match": got.headers["ETag"]}).status_code
            == 304
        )
        risk_answer = dock.get("/sites/SITE-A/risk")
        assert risk_answer.json()["rules"] == risk["rules"]
        # The same roster again keeps its cursor and ETag; a change moves both.
        assert erp.put("/sites/SITE-A/roster", json=roster).headers["ETag"] == got.headers["ETag"]
        changed = copy.deepcopy(roster)
        changed["operators"][1]["roles"] = ["receive", "release"]
        erp.put("/sites/SITE-A/roster", json=changed)
        fresh = dock.get("/site/roster", headers={"If-None-Match": got.headers["ETag"]})
        assert fresh.status_code == 200 and int(fresh.json()["cursor"]) > int(got.json()["cursor"])


@pytest.mark.parametrize("key", ["pin", "PIN", "password"])
def test_a_roster_with_a_raw_pin_is_refused_without_echoing_it(hub: Hub, key: str) -> None:
    roster = {"operators": [operator("P1"), operator("P2", **{key: "97531"})]}
    with hub.client("admin-a") as erp:
        answer = erp.put("/sites/SITE-A/roster", json=roster)
        assert answer.status_code == 400
        assert "$.operators[1]" in answer.json()["detail"]
        assert "97531" not in answer.text
        # A raw PIN in pin_hash is no hash either.
        raw_in_hash = {"operators": [operator("P3", pin_hash="97531")]}
        refused = erp.put("/sites/SITE-A/roster", json=raw_in_hash)
        assert refused.status_code == 400 and "97531" not in refused.text
        assert "$.operators[0].pin_hash" in refused.json()["detail"]


def test_bad_risk_rules_name_the_path(hub: Hub) -> None:
    with hub.client("admin-a") as erp:
        answer = erp.put("/sites/SITE-A/risk", json={"rules": [{"country": "XYZ", "reason": "r"}]})
        assert answer.status_code == 400
        assert "$.rules[0].country" in answer.json()["detail"]


def test_who_may_read_and_write_site_data(hub: Hub) -> None:
    with hub.client("admin-a") as erp:
        erp.post("/sites/SITE-A/manifests", json=manifest("SD-AUTH"))
    for token in ("dock-1", "auditor-a"):
        with hub.client(token) as client:
            assert client.post("/site/manifests", json=manifest("SD-X")).status_code == 403
            assert client.put("/site/risk", json={"rules": []}).status_code == 403
            assert client.get("/sites/SITE-A/manifests").status_code == 200
    for token in ("dock-b1", "admin-b", "auditor-b"):
        with hub.client(token) as client:
            for path in ("/sites/SITE-A/manifests", "/sites/SITE-A/roster", "/sites/SITE-A/risk"):
                assert client.get(path).status_code == 404, (token, path)
            assert client.post("/sites/SITE-A/manifests", json=manifest("SD-Y")).status_code == 404
            shown = client.get("/site/manifests").json()["manifests"]
            assert "SD-AUTH" not in {m["shipment_id"] for m in shown}
    with httpx.Client(base_url=hub.url) as anonymous:
        for path in ("/sites/SITE-A/manifests", "/site/roster", "/site/risk"):
            assert anonymous.get(path).status_code == 401
    with hub.client("admin-all") as everywhere:
        assert everywhere.get("/site/manifests").status_code == 400
        assert everywhere.get("/sites/SITE-A/manifests").status_code == 200
        assert everywhere.get("/sites/NOWHERE/manifests").status_code == 404
