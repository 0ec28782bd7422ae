"""WAL checkpoints off the scan path: passive ones from a background thread.

SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so
one scan in a thousand waited for pages to be copied and the database file synced:
that was the scan latency's p99. The event log turns it off for its connection
(``wal_autocheckpoint=0``) and starts a `Checkpointer`, which runs ``PRAGMA
wal_checkpoint(PASSIVE)`` on its own connection once no append has happened for
`idle` seconds, and at least every `every` seconds on a station that never goes
quiet, so the WAL stays bounded. A passive checkpoint never blocks a writer, and
sqlite3 releases the GIL while it runs.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path


class Checkpointer:
    """A daemon thread that checkpoints the WAL of the database at `path`."""

    def __init__(
        self, path: Path, *, idle: float = 0.5, every: float = 10.0, poll: float = 0.1
    ) -> None:
        self.path = path
        self.idle = idle
        self.every = every
        self.poll = poll
        self.runs = 0
        """Checkpoints that copied at least one page into the database file."""
        self._last_write = time.monotonic()
        self._dirty = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"checkpoint {path.name}")
        self._thread.daemon = True

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def wrote(self) -> None:
        """Called after each commit: the WAL has new frames; wait for a quiet moment."""
        self._last_write = time.monotonic()
        self._dirty = True

    def stop(self) -> None:
        """Stop the thread and wait for a checkpoint under way to finish."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        last_run = time.monotonic()
        try:
            conn.execute("PRAGMA busy_timeout=1000")
            while not self._stop.wait(self.poll):
                now = time.monotonic()
                quiet = now - max(self._last_write, last_run) >= self.idle
                if self._dirty and (quiet or now - last_run >= self.every):
                    self._dirty = False
                    last_run = now
                    self._checkpoint(conn)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            # A locked or closing file: the next quiet moment tries again.
            self._dirty = True
            return
        if copied > 0:
            self.runs += 1
        if busy or copied < frames:
            self._dirty = True
