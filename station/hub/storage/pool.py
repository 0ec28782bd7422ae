"""A small pool of open database connections shared by the request threads of one hub.

Each request borrows a connection, uses it for one transaction and gives it back; a
connection that raised is closed rather than reused, since its state is unknown. The
pool holds no data of its own: several hub processes can serve one database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Generic, TypeVar

C = TypeVar("C")


class Pool(Generic[C]):
    """Up to `keep` idle connections made by `connect`, closed by `close`."""

    def __init__(self, connect: Callable[[], C], close: Callable[[C], Any], keep: int = 8) -> None:
        self._connect = connect
        self._close = close
        self._keep = keep
        self._idle: list[C] = []
        self._lock = threading.Lock()

    @contextmanager
    def connection(self) -> Iterator[C]:
        """A connection for the block; returned to the pool when the block ends cleanly."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
        try:
            yield conn
        except BaseException:
            self._discard(conn)
            raise
        with self._lock:
            if len(self._idle) < self._keep:
                self._idle.append(conn)
                return
        self._discard(conn)

    def _discard(self, conn: C) -> None:
        # A broken connection may fail to close; it is dropped all the same.
        with suppress(Exception):
            self._close(conn)

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            self._discard(conn)
