"""Whole files, written so that a reader never sees half of one and nothing is lost.

Outbound manifests and label files are read by other programs (the buyer's
station, an office printing from a shared folder), perhaps while the station
writes them. `AtomicFileWriter` writes into a temporary file in the same directory,
flushes it to disk, moves it into place in one step and flushes the directory, so
a reader finds the old file or the new one, never a part of either.

A file already at the name is replaced only when the caller asks for it (a label
printed again). Otherwise it stays as it is: the same bytes count as written, other
bytes raise `FileConflictError`, so a record another program may have read is never
changed under it.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from station.errors import FileConflictError

__all__ = ["AtomicFileWriter"]

# Errors of os.link on a file system without hard links (FAT or exFAT on a USB stick).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})


class AtomicFileWriter:
    """Writes whole files atomically and durably; the `station.ports.FileWriter` adapter."""

    def __init__(self, mode: int = 0o644) -> None:
        self.mode = mode
        """Permissions of written files: readable by the programs that collect them."""

    def write(self, path: Path, data: bytes, *, replace: bool = False) -> Path:
        """Write `data` at `path` (creating its directory) and return `path`.

        Unless `replace`, an existing file is never replaced: one holding `data` already
        is left as it is, any other raises `FileConflictError`. `OSError` when the
        directory cannot take the file.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
        temporary = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, self.mode)
            if replace:
                os.replace(temporary, path)
            else:
                _place_new(temporary, path, data)
        finally:
            temporary.unlink(missing_ok=True)
        _fsync_directory(path.parent)
        return path


def _place_new(temporary: Path, path: Path, data: bytes) -> None:
    try:
        _link(temporary, path)
    except FileExistsError:
        if not _holds(path, data):
            raise FileConflictError(
                f"{str(path)!r} exists already with other content: it is never replaced"
            ) from None


def _link(temporary: Path, path: Path) -> None:
    """Give the file `temporary` the name `path` too; `FileExistsError` if that is taken."""
    try:
        # A link is made only when the name is free: there is no moment to replace a file.
        os.link(temporary, path)
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.rename(temporary, path)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _fsync_directory(directory: Path) -> None:
    # The new name is durable only once the directory entry is on disk. Some file
    # systems cannot sync a directory; the file's own bytes are on disk by then.
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
