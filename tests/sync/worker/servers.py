"""Small real servers on loopback for the sync tests: a hub that answers 503, a port that
accepts connections and never answers, and Starlette apps under uvicorn in a thread."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class ServerThread:
    """A Starlette app served by a real uvicorn on 127.0.0.1:`port`, in a thread."""

    def __init__(self, app: Any, port: int) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.port = port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def unavailable_app(status: int = 503, retry_after: str = "1") -> tuple[Starlette, list[float]]:
    """A hub that answers every request with `status` and ``Retry-After``; the request times."""
    seen: list[float] = []

    async def answer(request: Request) -> Response:
        seen.append(time.monotonic())
        return JSONResponse(
            {
                "type": "epcisException:ServiceUnavailableException",
                "title": "busy",
                "status": status,
                "detail": "the hub is in maintenance",
            },
            status_code=status,
            headers={"Retry-After": retry_after},
            media_type="application/problem+json",
        )

    app = Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])
    return app, seen


class Blackhole:
    """A port that accepts connections and never answers a byte."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)

    def __enter__(self) -> Blackhole:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join(5)
        for conn in self.accepted:
            conn.close()
        self.sock.close()
