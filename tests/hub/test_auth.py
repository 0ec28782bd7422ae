"""Authentication and scope: no endpoint but /health answers without a valid token, a
token of one site sees nothing of another, auditors only read, stations push only their
own log; tokens are printed once and kept only as salted hashes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.hub.support import REPO, Hub, StationChain, document, object_event, write_config

ROUTES = [
    ("GET", "/openapi.json"),
    ("GET", "/events"),
    ("POST", "/events"),
    ("OPTIONS", "/events"),
    ("POST", "/capture"),
    ("OPTIONS", "/capture"),
    ("GET", "/capture/abc"),
    ("GET", "/events/urn:uuid:x"),
    ("GET", "/stations/DOCK-1/head"),
]
BAD_HEADERS = [
    None,
    "Bearer",
    "Bearer st1.0000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "Basic dXNlcjpwYXNz",
]


def captured(hub: Hub, token: str, events: list[dict]) -> None:
    with hub.client(token) as client:
        job = client.post("/capture", json=document(events)).json()
        assert job["success"], job


@pytest.mark.parametrize("header", BAD_HEADERS)
def test_no_route_but_health_answers_without_a_valid_token(hub: Hub, header: str | None) -> None:
    event = object_event()
    captured(hub, "admin-a", [event])
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=hub.url, headers=headers) as client:
        assert client.get("/health").status_code == 200
        for method, path in [*ROUTES, ("GET", f"/events/{quote(event['eventID'], safe='')}")]:
            answer = client.request(method, path, json=document([object_event()]))
            assert answer.status_code == 401, (method, path)
            assert answer.json()["type"] == "epcisException:SecurityException"
            assert answer.headers["WWW-Authenticate"] == "Bearer"
            assert event["eventID"] not in answer.text


def test_a_token_with_a_wrong_secret_is_refused(hub: Hub) -> None:
    real = hub.tokens["admin-a"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    with httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {forged}"}) as c:
        assert c.get("/events").status_code == 401


def test_a_token_of_site_a_sees_nothing_of_site_b(hub: Hub) -> None:
    event_b = object_event()
    captured(hub, "admin-b", [event_b])
    with hub.client("admin-b") as client:
        job_b = client.post("/capture", json=document([object_event()])).headers["Location"]
    path = f"/events/{quote(event_b['eventID'], safe='')}"
    for token in ("admin-a", "auditor-a", "dock-1"):
        with hub.client(token) as client:
            assert client.get(path).status_code == 404
            assert client.get(job_b).status_code == 404
            listed = client.get("/events", params={"MATCH_epc": event_b["epcList"][0]})
            assert listed.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []
            everything = client.get("/events", params={"perPage": 1000}).text
            assert event_b["eventID"] not in everything
    for token in ("admin-b", "auditor-b", "admin-all"):
        with hub.client(token) as client:
            assert client.get(path).status_code == 200


def test_an_admin_of_site_a_cannot_capture_into_site_b(hub: Hub) -> None:
    with hub.client("admin-a") as client:
        answer = client.post("/capture", params={"site": "SITE-B"}, json=document([object_event()]))
        assert answer.status_code == 403


def test_an_all_sites_admin_names_the_site(hub: Hub) -> None:
    event = object_event()
    with hub.client("admin-all") as client:
        assert client.post("/capture", json=document([event])).status_code == 400
        assert (
            client.post("/capture", params={"site": "SITE-Z"}, json=document([event])).status_code
            == 400
        )
        assert (
            client.post("/capture", params={"site": "SITE-B"}, json=document([event])).status_code
            == 202
        )
    with hub.client("auditor-b") as client:
        assert client.get(f"/events/{quote(event['eventID'], safe='')}").status_code == 200


def test_auditors_only_read(hub: Hub) -> None:
    with hub.client("auditor-a") as client:
        assert client.post("/capture", json=document([object_event()])).status_code == 403
        assert client.post("/events", json=object_event()).status_code == 403
        assert client.get("/stations/DOCK-1/head").status_code == 403
        assert client.get("/events").status_code == 200


def test_a_station_pushes_only_its_own_log(hub: Hub) -> None:
    chain = StationChain("DOCK-2")
    chain.record(2)
    with hub.client("dock-1") as client:
        answer = client.post("/capture", json=chain.batch(1, 2))
        assert answer.status_code == 403
        assert client.post("/capture", json=document([object_event()])).status_code == 400
        assert client.get("/stations/DOCK-2/head").status_code == 403
    with hub.client("admin-a") as client:
        # Events that name a station come only with that station's log.
        named = object_event(**{"st:stationId": "DOCK-2", "st:seq": 1})
        job = client.post("/capture", json=document([named])).json()
        assert job["success"] is False and "st:stationId" in job["errors"][0]["detail"]
        assert client.post("/capture", json=chain.batch(1, 2)).status_code == 403


def test_hub_token_create_prints_the_token_once_and_stores_only_a_salted_hash(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path / "hub.toml", f"sqlite:///{tmp_path / 'hub.db'}", 8999)

    def station(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "station.cli", *args, "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=REPO,
        )

    made = station(
        "hub-token",
        "create",
        "--kind",
        "station",
        "--site",
        "SITE-A",
        "--station",
        "DOCK-1",
        "--label",
        "dock one",
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("st1.") and "\n" not in token
    assert "shown this once" in made.stderr and token not in made.stderr
    _, token_id, secret = token.split(".")
    listing = station("hub-token", "list", "--json")
    [row] = json.loads(listing.stdout)
    assert row["token_id"] == token_id and row["station_id"] == "DOCK-1"
    assert secret not in listing.stdout
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("hub.db*"))
    assert secret.encode() not in raw
    with sqlite3.connect(tmp_path / "hub.db") as db:
        salt, digest = db.execute("SELECT salt, secret_hash FROM hub_tokens").fetchone()
    assert len(salt) == 32 and len(digest) == 64
    second = station("hub-token", "create", "--kind", "auditor", "--site", "SITE-A")
    with sqlite3.connect(tmp_path / "hub.db") as db:
        salts = {s for (s,) in db.execute("SELECT salt FROM hub_tokens")}
    assert second.returncode == 0 and len(salts) == 2
    assert station("hub-token", "revoke", token_id).returncode == 0
    again = station("hub-token", "revoke", token_id)
    assert again.returncode == 2 and again.stderr.startswith("station: no live token")
    for bad, said in [
        (["--kind", "station", "--site", "SITE-A"], "--station"),
        (["--kind", "auditor"], "--site"),
        (["--kind", "admin", "--site", "NOPE"], "not in hub.sites"),
    ]:
        refused = station("hub-token", "create", *bad)
        assert refused.returncode == 2 and said in refused.stderr
        assert "Traceback" not in refused.stderr


def test_a_revoked_token_is_refused(hub: Hub) -> None:
    from station.hub.auth import new_token
    from station.hub.config import load_hub_config
    from station.hub.storage import open_store

    cfg = load_hub_config(hub.config)
    store = open_store(cfg.database, cfg.base_dir)
    try:
        token, record = new_token("auditor", "SITE-B", None, "revoked", 1)
        store.add_token(record)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=hub.url, headers=headers) as client:
            assert client.get("/events").status_code == 200
            assert store.revoke_token(record.token_id, 2)
            assert client.get("/events").status_code == 401
    finally:
        store.close()
