"""The hub's site-data routes as agreed in /work/notes/hub_interface.md ("Site data"),
mounted in front of the real hub app, for the pull tests until the hub serves them.

``GET /site/roster`` and ``GET /site/risk`` answer the whole document with an ETag and
a cursor (304 on a matching ``If-None-Match``); ``GET /site/manifests?after=CURSOR``
answers the manifests changed after the cursor, a page at a time (``more``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route


@dataclass
class SiteData:
    """What the test hub serves; tests change it between rounds."""

    token: str
    roster: list[dict[str, Any]] = field(default_factory=list)
    risk: dict[str, Any] = field(default_factory=dict)
    manifests: list[dict[str, Any]] = field(default_factory=list)
    roster_version: int = 1
    risk_version: int = 1
    page: int = 1
    requests: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(path, If-None-Match, after) of every site-data request."""


def _json(body: Any, etag: str) -> Response:
    return Response(json.dumps(body), media_type="application/json", headers={"ETag": etag})


def site_app(data: SiteData, hub_app: Any) -> Starlette:
    """The site-data routes, then everything else to the real hub."""

    def allowed(request: Request) -> Response | None:
        match = request.headers.get("if-none-match")
        data.requests.append((request.url.path, match, request.query_params.get("after")))
        if request.headers.get("authorization") != f"Bearer {data.token}":
            return Response(status_code=401)
        return None

    async def roster(request: Request) -> Response:
        if (refused := allowed(request)) is not None:
            return refused
        etag = f'"roster-{data.roster_version}"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return _json({"cursor": str(data.roster_version), "operators": data.roster}, etag)

    async def risk(request: Request) -> Response:
        if (refused := allowed(request)) is not None:
            return refused
        etag = f'"risk-{data.risk_version}"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return _json({"cursor": str(data.risk_version), **data.risk}, etag)

    async def manifests(request: Request) -> Response:
        if (refused := allowed(request)) is not None:
            return refused
        after = int(request.query_params.get("after") or 0)
        etag = f'"manifests-{len(data.manifests)}"'
        if after >= len(data.manifests) and request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        page = data.manifests[after : after + data.page]
        cursor = after + len(page)
        body = {"cursor": str(cursor), "more": cursor < len(data.manifests), "manifests": page}
        return _json(body, etag)

    return Starlette(
        routes=[
            Route("/site/roster", roster),
            Route("/site/risk", risk),
            Route("/site/manifests", manifests),
            Mount("/", app=hub_app),
        ]
    )
