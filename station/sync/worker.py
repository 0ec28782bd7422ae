"""The sync worker: a background thread that keeps the hub in step, never on the scan path.

It opens its own connection to the station's database (`open_side`), so its reads and
its small writes never share a transaction with the scans the front end commits. Each
round pushes the whole outbox in order, then pulls site data when due; after a failure
it waits with exponential backoff and jitter (at least as long as a ``Retry-After``
says), and when up to date it waits ``interval_s``. `wake` starts a round now; `stop`
ends the thread between batches.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Protocol

from station.sync.backoff import Backoff
from station.sync.client import HubClient
from station.sync.errors import SyncError
from station.sync.round import RoundReport, SyncSide, run_round

LOG = logging.getLogger("station.sync")


class ClosableSide(SyncSide, Protocol):
    """A station the worker opened for itself, and closes when it stops."""

    def close(self) -> None: ...


class SyncWorker:
    """Runs sync rounds in a daemon thread until stopped."""

    def __init__(
        self,
        open_side: Callable[[], ClosableSide],
        *,
        on_round: Callable[[RoundReport], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._open_side = open_side
        self._on_round = on_round
        self._rng = rng
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="station-sync", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Start the next round now instead of after the pause."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to end and wait for it (at most `timeout` seconds)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """The thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            side = self._open_side()
        except Exception:  # a database the worker cannot open: the station runs on, unsynced
            LOG.exception("the sync worker could not open the station's database")
            return
        settings = side.config.sync
        assert settings is not None, "the sync worker needs a [sync] table"
        backoff = Backoff(settings.interval_s, settings.backoff_max_s, self._rng)
        client: HubClient | None = None
        next_pull = 0.0
        try:
            while not self._stop.is_set():
                pull = settings.pull and time.monotonic() >= next_pull
                try:
                    client = client or HubClient(settings, side.config.station_id)
                    report = run_round(side, client, pull=pull, stop=self._stop.is_set)
                except SyncError as exc:  # the token file, before any round
                    report = RoundReport(error=exc)
                except Exception:  # a bug must not end syncing silently
                    LOG.exception("sync round failed")
                    report = RoundReport(error=SyncError("the sync round failed; see the log"))
                self.rounds += 1
                if report.error is not None and client is not None:
                    # Start afresh: old connections may point at a dead peer, and a
                    # replaced token file is read again.
                    client.close()
                    client = None
                if report.ok:
                    backoff.reset()
                    if pull:
                        next_pull = time.monotonic() + settings.pull_interval_s
                    delay = 0.0 if report.pushed and report.pushed.more else settings.interval_s
                else:
                    delay = backoff.failed(report.retry_after_s)
                if self._on_round is not None:
                    with suppress(Exception):
                        self._on_round(report)
                self._wake.wait(delay)
                self._wake.clear()
        finally:
            if client is not None:
                client.close()
            side.close()
