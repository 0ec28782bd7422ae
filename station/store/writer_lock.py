"""One writing process per data directory: an exclusive lock held for the process's life.

Every command that writes (the TUI, ``scan``, ``import``, ``print-queue --process``,
...) takes `acquire_writer_lock` before it opens the database; a second one is
refused at once, told who holds the lock (pid, command, since when). The lock is
``flock`` on ``station.lock`` in the data directory: the kernel drops it when the
holder exits however it exits (even ``kill -9``), so it is never stale. Read-only
commands never take it and run beside a writer.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
from pathlib import Path

from station.domain.printable import printable
from station.errors import StationError

LOCK_NAME = "station.lock"


class DataDirBusyError(StationError):
    """Another station process is writing to this data directory."""


class WriterLock:
    """The held lock of one data directory; `release` (or process exit) frees it."""

    def __init__(self, path: Path, fd: int, holder: dict[str, object]) -> None:
        self.path = path
        self.holder = holder
        self._fd: int | None = fd

    def release(self) -> None:
        """Free the lock (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def acquire_writer_lock(data_dir: Path, command: str) -> WriterLock:
    """Take the data directory's writer lock for `command`, or raise `DataDirBusyError`."""
    path = data_dir / LOCK_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise StationError(f"cannot open the lock file {str(path)!r}: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise StationError(f"cannot lock {str(path)!r}: {exc.strerror}") from None
        raise DataDirBusyError(_busy_message(data_dir, read_holder(path))) from None
    holder: dict[str, object] = {
        "pid": os.getpid(),
        "command": command,
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    # The holder's details, for the message a refused process prints.
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(holder) + "\n").encode("utf-8"), 0)
    return WriterLock(path, fd, holder)


def read_holder(path: Path) -> dict[str, object]:
    """What the lock file says of its holder; empty when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _busy_message(data_dir: Path, holder: dict[str, object]) -> str:
    if holder:
        who = (
            f"pid {printable(str(holder.get('pid', '?')))} "
            f"({printable(str(holder.get('command', '?')), 80)}), "
            f"since {printable(str(holder.get('since', '?')), 40)}"
        )
    else:
        who = "a process that has not written its details yet"
    return (
        f"the data directory {str(data_dir)!r} is in use by another station process that "
        f"writes to it: {who}. Only one process may write at a time: stop it first, or use "
        "a read-only command (show, events, trace, report, verify-log, gate)"
    )
