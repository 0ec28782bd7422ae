"""Offline for a while, then back: port closed, 503 with Retry-After, a port that never
answers, then the hub; the worker catches up, exactly once, in order (tests/sync/worker/
offline.py; bench/sync.py --offline runs it with 10,000 events)."""

from __future__ import annotations

from pathlib import Path

from tests.sync.worker.offline import outage_then_back


def test_a_station_offline_through_every_kind_of_outage_catches_up(tmp_path: Path) -> None:
    assert "0 waiting" in outage_then_back(tmp_path, 1_000)
