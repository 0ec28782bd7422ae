"""One real hub (SQLite, `station hub` under uvicorn) for the sync tests of a session;
each test syncs a station id of its own, with its own token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from station.bootstrap import Station
from tests.hub.support import Hub
from tests.sync.worker.support import (
    launch_hub,
    new_station_id,
    open_synced,
    station_config,
    station_token,
)


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    hub = launch_hub(tmp_path_factory.mktemp("sync-hub"))
    yield hub
    hub.stop()


@dataclass
class Synced:
    """A station id with a token on the session's hub, its config file and data dir."""

    hub: Hub
    station_id: str
    config: Path
    data: Path

    def open(self, *, demo: bool = True, data: Path | None = None) -> Station:
        return open_synced(self.config, data or self.data, demo=demo)


@pytest.fixture
def synced(tmp_path: Path, hub: Hub) -> Synced:
    station_id = new_station_id()
    token = station_token(hub, station_id)
    config = station_config(tmp_path / "etc", hub.url, token, station_id=station_id, batch_size=50)
    return Synced(hub, station_id, config, tmp_path / "data")
