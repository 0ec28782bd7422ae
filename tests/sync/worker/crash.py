"""kill -9 during sync, for the test and the soak script (bench/sync_soak.py).

`station_kills`: a real ``station sync --once`` process is killed with SIGKILL while it
pushes (once the hub's head has moved), again and again, with new events recorded in
between. `hub_kills`: the hub process is killed with SIGKILL while a station's
``sync --once`` captures, then restarted. After each run a last round must succeed and
the hub must hold exactly the station's events, once each, in order.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from station.services import sync
from tests.conftest import REPO
from tests.hub.support import Hub, start_hub
from tests.sync.worker.support import (
    expected_event_ids,
    hub_event_ids,
    hub_head,
    log_head,
    new_station_id,
    open_synced,
    record_events,
    station_config,
    station_token,
)


@dataclass
class Figures:
    """What a run did and found."""

    kills: int = 0
    mid_push: int = 0
    """Kills that landed while the killed process was still pushing."""
    events: int = 0
    held: int = 0
    lost: int = 0
    doubled: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def line(self, what: str) -> str:
        return (
            f"{what}: {self.kills} kills ({self.mid_push} mid-push), {self.events} station "
            f"events, hub holds {self.held} EPCIS events: lost {self.lost}, doubled "
            f"{self.doubled}, {self.seconds:.1f} s"
        )


def _sync_process(config: Path, data: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station.cli",
            "sync",
            "--once",
            "--config",
            str(config),
            "--data-dir",
            str(data),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )


def _wait_for_progress(
    hub: Hub, station_id: str, before: int, process: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 60
    while hub_head(hub, station_id)[0] == before and process.poll() is None:
        if time.monotonic() > deadline:
            raise AssertionError("the station's sync made no progress")
        time.sleep(0.01)


def _check(figures: Figures, hub: Hub, station_id: str, config: Path, data: Path) -> Figures:
    station = open_synced(config, data)
    try:
        report = sync.sync_once(station)
        assert report.ok, report.error
        expected = expected_event_ids(station)
        held = hub_event_ids(hub, station_id)
        figures.events = station.log.count()
        figures.held = len(held)
        figures.lost = len(set(expected) - set(held))
        figures.doubled = len(held) - len(set(held))
        assert held == expected, "the hub does not hold exactly the station's events in order"
        assert len(expected) >= figures.kills * 20, "too few EPCIS events to tell"
        assert hub_head(hub, station_id) == log_head(station)
        assert sync.status(station).waiting == 0
    finally:
        station.close()
    return figures


def station_kills(hub: Hub, where: Path, kills: int, events: int, seed: int = 11) -> Figures:
    """Kill ``station sync --once`` mid-push `kills` times; then check the hub."""
    rng = random.Random(seed)
    started = time.monotonic()
    station_id = new_station_id()
    config = station_config(
        where / "etc", hub.url, station_token(hub, station_id), station_id=station_id, batch_size=25
    )
    data = where / "data"
    figures = Figures()
    for _ in range(kills):
        station = open_synced(config, data)
        record_events(station, events)
        station.close()
        before = hub_head(hub, station_id)[0]
        process = _sync_process(config, data)
        _wait_for_progress(hub, station_id, before, process)
        time.sleep(rng.uniform(0, 0.25))
        figures.mid_push += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        figures.kills += 1
    _check(figures, hub, station_id, config, data)
    figures.seconds = time.monotonic() - started
    return figures


def hub_kills(
    hub: Hub, where: Path, kills: int, events: int, seed: int = 12
) -> tuple[Figures, Hub]:
    """Kill the hub during a station's captures `kills` times (restarting it); then check."""
    rng = random.Random(seed)
    started = time.monotonic()
    station_id = new_station_id()
    config = station_config(
        where / "etc", hub.url, station_token(hub, station_id), station_id=station_id, batch_size=25
    )
    data = where / "data"
    figures = Figures()
    for _ in range(kills):
        station = open_synced(config, data)
        record_events(station, events)
        station.close()
        before = hub_head(hub, station_id)[0]
        process = _sync_process(config, data)
        _wait_for_progress(hub, station_id, before, process)
        time.sleep(rng.uniform(0, 0.25))
        figures.mid_push += process.poll() is None
        hub.process.send_signal(signal.SIGKILL)
        hub.process.wait()
        figures.kills += 1
        process.wait(60)
        hub = start_hub(hub.config, hub.tokens)
    _check(figures, hub, station_id, config, data)
    figures.seconds = time.monotonic() - started
    return figures, hub
