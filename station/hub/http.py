"""What every route of the hub shares: the token guard, JSON answers, bounded bodies, ETags."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from station.hub import problems
from station.hub.auth import Principal, authenticate
from station.hub.config import HubConfig
from station.hub.problems import Problem
from station.hub.storage import HubStore

VERSIONS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}
JSON_TYPES = ("application/json", "application/ld+json")

Handler = Callable[[Request, Principal], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None, media: str | None = None
) -> Response:
    """`data` as JSON with the EPCIS version headers."""
    return Response(
        json.dumps(data, ensure_ascii=False),
        status_code=status,
        media_type=media or "application/json",
        headers={**VERSIONS, **(headers or {})},
    )


def guard(store: HubStore) -> Callable[[Handler], Endpoint]:
    """Wraps a handler: no valid bearer token, no answer but a 401 problem."""

    def guarded(handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            try:
                header = request.headers.get("authorization")
                principal = await run_in_threadpool(authenticate, store, header)
                if principal is None:
                    raise problems.unauthorized("a valid bearer token is required")
                return await handler(request, principal)
            except Problem as problem:
                return problem.response()

        return endpoint

    return guarded


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_body(
    request: Request, config: HubConfig, media_types: tuple[str, ...] = JSON_TYPES
) -> bytes:
    """The request body, if its type is one of `media_types` and it is within the limit."""
    if media_type(request) not in media_types:
        raise Problem(
            "UnsupportedMediaTypeException",
            415,
            f"send the body as {' or '.join(media_types)}",
        )
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > config.max_bytes:
        raise problems.too_large(f"the body is over {config.max_bytes} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > config.max_bytes:
            raise problems.too_large(f"the body is over {config.max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def etag_matches(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names `etag` (or ``*``): the client's copy is current."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag, **VERSIONS})
