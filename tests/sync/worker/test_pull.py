"""Pulling site data: roster, risk rules and manifests with ETags and the change cursor,
recorded as events, applied when the station opens; a bad document is refused whole.
Served by the real hub app with the agreed site-data routes in front, under uvicorn."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.bootstrap import open_station
from station.config import load_config
from station.domain.events import EventKind
from station.domain.scanning.scan import Scan
from station.hub.app import create_app
from station.hub.config import load_hub_config
from station.hub.storage import open_store
from station.services import sync
from tests.conftest import DEMO_DIR
from tests.hub.support import free_port, make_tokens, write_config
from tests.sync.worker.servers import ServerThread
from tests.sync.worker.site_app import SiteData, site_app
from tests.sync.worker.support import station_config

TRAINED = [{"course": "supply-chain-security", "completed": "2026-01-05", "expires": "2028-01-05"}]
EVE = {
    "id": "op-eve",
    "name": "Eve Tran",
    "badge": "B-1005",
    "roles": ["receive"],
    "training": TRAINED,
}
ANA = {
    "id": "op-ana",
    "name": "Ana Lima",
    "badge": "B-1001",
    "roles": ["receive"],
    "training": TRAINED,
    "pin_hash": "pbkdf2_sha256$200000$5f1c0e8a4d2b7a63e9c1d0f4a7b8c2e1$852dbadf48c49aae537f92c23e94f65743f16a4756ca4c53a17e79de7c84906f",
}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[SiteData, Path]]:
    (tmp_path / "hub").mkdir()
    hub_config = write_config(
        tmp_path / "hub" / "hub.toml", f"sqlite:///{tmp_path / 'hub.db'}", free_port()
    )
    tokens = make_tokens(hub_config)
    cfg = load_hub_config(hub_config)
    store = open_store(cfg.database, cfg.base_dir)
    data = SiteData(
        token=tokens["dock-1"],
        roster=[ANA, EVE],
        risk={
            "rules": [{"country": "KP", "reason": "sanctions"}],
            "restricted_vendors": [{"name": "Shady Polysilicon Ltd", "reason": "entity list"}],
        },
        manifests=[
            json.loads((DEMO_DIR / n).read_text()) for n in ("clean.json", "high-risk.json")
        ],
    )
    with ServerThread(site_app(data, create_app(cfg, store)), cfg.port) as server:
        yield data, station_config(tmp_path / "etc", server.url, tokens["dock-1"])
    store.close()


def pulled(station: object, resource: str) -> list[dict]:
    return [
        e.event.payload
        for e in station.log.events(kinds=[EventKind.SYNC_PULLED])  # type: ignore[attr-defined]
        if e.event.payload["resource"] == resource
    ]


def test_site_data_is_pulled_conditionally_recorded_and_applied(
    served: tuple[SiteData, Path], tmp_path: Path
) -> None:
    data, config = served
    station = open_station(load_config(config), tmp_path / "data")
    report = sync.sync_once(station)
    assert report.ok, report.error
    # The roster: recorded with what changed against the file's roster, no PIN hash.
    (roster,) = pulled(station, "roster")
    assert roster["changes"]["added"] == ["op-eve"]
    assert "op-dan" in roster["changes"]["removed"]
    assert [o["id"] for o in roster["operators"]] == ["op-ana", "op-eve"]
    assert "pin_hash" not in json.dumps(roster) and roster["operators"][0]["has_pin"] is True
    (risk,) = pulled(station, "risk")
    assert risk["rules"] == [{"country": "KP", "region": None, "reason": "sanctions"}]
    # Manifests, a page at a time: imported like a file, then recorded.
    manifests = pulled(station, "manifests")
    assert [m["imported"] for m in manifests] == [["SHP-1001"], ["SHP-1004"]]
    assert [m["cursor"] for m in manifests] == ["1", "2"]
    imported = list(station.log.events(kinds=[EventKind.MANIFEST_IMPORTED]))
    assert [e.event.payload["source"] for e in imported] == ["hub", "hub"]
    assert station.view.shipment("SHP-1001") is not None
    assert report.pulled == [
        "roster: updated from the hub",
        "risk: updated from the hub",
        "manifests: imported SHP-1001",
        "manifests: imported SHP-1004",
    ]

    # Nothing changed: every request is conditional, answered 304, nothing recorded.
    data.requests.clear()
    count = station.log.count()
    assert sync.sync_once(station).ok
    assert station.log.count() == count
    assert ("/site/roster", '"roster-1"', None) in data.requests
    assert ("/site/risk", '"risk-1"', None) in data.requests
    assert ("/site/manifests", '"manifests-2"', "2") in data.requests
    station.close()

    # Applied when the station opens: Eve may log in, Dan is gone.
    station = open_station(load_config(config), tmp_path / "data")
    assert station.config.operator_by_badge("B-1003") is None
    assert "Eve Tran" in station.recorder.handle(Scan("B-1005")).outcome.headline
    # A roster change is one more event naming it.
    data.roster = [ANA]
    data.roster_version = 2
    assert sync.sync_once(station).ok
    assert pulled(station, "roster")[-1]["changes"] == {
        "added": [],
        "removed": ["op-eve"],
        "changed": [],
    }
    station.close()


def test_a_bad_roster_is_refused_whole_with_its_path(
    served: tuple[SiteData, Path], tmp_path: Path
) -> None:
    data, config = served
    data.roster = [{"id": "op-x", "name": "X", "roles": ["receive"]}]
    station = open_station(load_config(config), tmp_path / "data")
    report = sync.sync_once(station)
    assert report.error is not None
    assert "hub /site/roster: operators[0].badge: required key is missing" in str(report.error)
    assert pulled(station, "roster") == []
    assert sync.status(station).state.last_error == str(report.error)
    station.close()
    # The file's roster still applies.
    station = open_station(load_config(config), tmp_path / "data")
    assert station.config.operator_by_badge("B-1003") is not None
    station.close()


async def test_the_tui_says_what_came_from_the_hub(
    served: tuple[SiteData, Path], tmp_path: Path
) -> None:
    from tests.sync.worker.test_tui import until
    from tests.tui.test_app import make_app

    _, config = served
    station = open_station(load_config(config), tmp_path / "data")
    app = make_app(station)
    async with app.run_test(size=(100, 30)) as pilot:

        def said() -> list[str]:
            return [n.message for n in app._notifications]

        await until(pilot, lambda: "From the hub: manifests: imported SHP-1004" in said())
        assert (
            "From the hub: roster: updated from the hub (applies when the station next starts)"
            in said()
        )
    station.close()
