"""kill -9 of the station during a push and of the hub during a capture: nothing lost,
nothing doubled (once each here; bench/sync_soak.py repeats it 20 times and more)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.support import Hub
from tests.sync.worker.crash import hub_kills, station_kills
from tests.sync.worker.support import launch_hub


@pytest.fixture
def own_hub(tmp_path: Path) -> Iterator[list[Hub]]:
    hubs = [launch_hub(tmp_path / "hub")]
    yield hubs
    hubs[-1].stop()


def test_kill_9_of_the_station_during_a_push(hub: Hub, tmp_path: Path) -> None:
    figures = station_kills(hub, tmp_path, kills=1, events=300)
    assert (figures.lost, figures.doubled, figures.kills) == (0, 0, 1)
    assert figures.mid_push >= 1, figures.line("station kills")


def test_kill_9_of_the_hub_during_a_capture(own_hub: list[Hub], tmp_path: Path) -> None:
    figures, restarted = hub_kills(own_hub[0], tmp_path, kills=1, events=300)
    own_hub.append(restarted)
    assert (figures.lost, figures.doubled, figures.kills) == (0, 0, 1)
    assert figures.mid_push >= 1, figures.line("hub kills")
