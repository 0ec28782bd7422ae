"""Sync as the CLI and the TUI use it: one round now, the status, the background worker.

`sync_once` is ``station sync --once``: one round in this process, its report. `status`
is what the footer, the sync screen and ``station sync --status`` show. `start_worker`
runs rounds in a background thread with its own connection (`open_side` opens one).
"""

from __future__ import annotations

from collections.abc import Callable

from station.errors import StationError
from station.sync.client import HubClient
from station.sync.errors import SyncError
from station.sync.round import RoundReport, SyncSide, run_round
from station.sync.state import record_attempt
from station.sync.status import SyncStatus, read_status
from station.sync.worker import ClosableSide, SyncWorker


def status(station: SyncSide) -> SyncStatus:
    """How this station stands with its hub."""
    settings = station.config.sync
    return read_status(station.log.connection, settings.hub if settings else None)


def sync_once(station: SyncSide) -> RoundReport:
    """One round: push everything waiting, pull site data; never raises for the hub's doing."""
    settings = station.config.sync
    if settings is None:
        raise StationError(
            f"{station.config.path}: no [sync] table: this station does not sync with a hub"
        )
    try:
        client = HubClient(settings, station.config.station_id)
    except SyncError as exc:
        record_attempt(station.log.connection, station.clock.now(), online=False, error=str(exc))
        return RoundReport(error=exc)
    with client:
        return run_round(station, client, pull=settings.pull)


def start_worker(
    station: SyncSide,
    open_side: Callable[[], ClosableSide],
    on_round: Callable[[RoundReport], None] | None = None,
) -> SyncWorker | None:
    """Start the background worker when the station has a ``[sync]`` table."""
    if station.config.sync is None:
        return None
    worker = SyncWorker(open_side, on_round=on_round)
    worker.start()
    return worker
