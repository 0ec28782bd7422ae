"""Shared fixtures: a frozen clock and a real station on a temporary SQLite file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.bootstrap import Station, open_station
from station.config import StationConfig, load_config

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = REPO / "config" / "station.example.toml"
DEMO_DIR = REPO / "config" / "demo"
DEMO_CONFIG = DEMO_DIR / "station.demo.toml"
"""The demo station (supervisor B-2001, PIN 2468): the tests' station, like `station demo`'s."""

# Station processes the tests start without --config run on the demo station too (a
# production command has no default configuration; tests that check that remove it).
os.environ.setdefault("STATION_CONFIG", str(DEMO_CONFIG))


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.current = start or dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def config() -> StationConfig:
    return load_config(DEMO_CONFIG)


@pytest.fixture
def station(tmp_path: Path, config: StationConfig, clock: FrozenClock) -> Iterator[Station]:
    """A station with the demo manifests imported."""
    st = open_station(config, tmp_path / "data", clock)
    st.import_files(sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".json", ".csv")))
    yield st
    st.close()
