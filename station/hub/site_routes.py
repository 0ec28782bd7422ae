"""Routes of the site data (manifests, roster, risk rules) an ERP pushes and stations pull.

``/sites/{site}/...`` names the site; ``/site/...`` is the same for the token's own site
(a station's token: the sync worker needs no site name). Writes take an admin token of
the site (or an all-sites admin); reads any token of the site. A token of another site
gets 404, as if the site did not exist. Every read carries an ``ETag``, and a request
whose ``If-None-Match`` names it gets 304; manifests page by change cursor
(``?after=CURSOR``, ``more`` says whether to ask again).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from station.hub import problems
from station.hub.auth import Principal
from station.hub.config import HubConfig
from station.hub.http import (
    Endpoint,
    Handler,
    etag_matches,
    json_response,
    media_type,
    not_modified,
    read_body,
)
from station.hub.site_data import DOCUMENTS, parse_document, parse_manifests
from station.hub.storage import HubStore

PAGE = 100
MAX_PAGE = 1000
_MANIFEST_TYPES = ("application/json", "text/csv")


def _now_us() -> int:
    return time.time_ns() // 1000


def _digits(request: Request, name: str, default: int, most: int | None = None) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise problems.query_parameter(f"{name}: expected a whole number, found {text[:40]!r}")
    value = int(text)
    if most is not None and not 1 <= value <= most:
        raise problems.query_parameter(f"{name}: expected 1 to {most}, found {value}")
    return value


def routes(
    config: HubConfig, store: HubStore, guarded: Callable[[Handler], Endpoint]
) -> list[Route]:
    """The site-data routes of a hub."""

    def site_of(request: Request, principal: Principal) -> str:
        site = request.path_params.get("site") or principal.site
        if site is None:
            raise problems.query_parameter("an all-sites token names the site: /sites/SITE/...")
        if site not in config.sites or not principal.may_read_site(site):
            raise problems.not_found(f"no site {site!r} visible to this token")
        return str(site)

    def writable(request: Request, principal: Principal) -> str:
        site = site_of(request, principal)
        if principal.kind != "admin":
            raise problems.forbidden("only an admin token (the ERP) pushes site data")
        return site

    async def post_manifests(request: Request, principal: Principal) -> Response:
        site = writable(request, principal)
        body = await read_body(request, config, _MANIFEST_TYPES)
        items = await run_in_threadpool(parse_manifests, body, media_type(request))
        pushed = await run_in_threadpool(store.push_manifests, site, items, _now_us())
        answer = {
            "site": site,
            "stored": list(pushed.stored),
            "unchanged": list(pushed.unchanged),
            "cursor": str(pushed.cursor) if pushed.stored else None,
        }
        return json_response(answer, 201 if pushed.stored else 200)

    async def get_manifests(request: Request, principal: Principal) -> Response:
        site = site_of(request, principal)
        after = _digits(request, "after", 0)
        limit = _digits(request, "limit", PAGE, MAX_PAGE)
        found, latest = await run_in_threadpool(store.manifests_after, site, after, limit)
        etag = f'"m.{after}.{latest}.{limit}"'
        if etag_matches(request, etag):
            return not_modified(etag)
        cursor = found[-1][0] if found else max(after, 0)
        body: dict[str, Any] = {
            "site": site,
            "cursor": str(cursor),
            "more": bool(found) and cursor < latest,
            "manifests": [json.loads(text) for _, text in found],
        }
        return json_response(body, headers={"ETag": etag})

    def document_routes(name: str) -> tuple[Endpoint, Endpoint]:
        async def put(request: Request, principal: Principal) -> Response:
            site = writable(request, principal)
            body = await read_body(request, config, ("application/json",))
            text = await run_in_threadpool(parse_document, name, body)
            doc = await run_in_threadpool(store.put_site_document, site, name, text, _now_us())
            etag = f'"{name[0]}.{doc.cursor}"'
            return json_response({"site": site, "cursor": str(doc.cursor)}, headers={"ETag": etag})

        async def get(request: Request, principal: Principal) -> Response:
            site = site_of(request, principal)
            doc = await run_in_threadpool(store.site_document, site, name)
            if doc is None:
                raise problems.not_found(f"no {name} has been pushed for site {site!r} yet")
            etag = f'"{name[0]}.{doc.cursor}"'
            if etag_matches(request, etag):
                return not_modified(etag)
            body = {"site": site, "cursor": str(doc.cursor), **json.loads(doc.body)}
            return json_response(body, headers={"ETag": etag})

        return guarded(put), guarded(get)

    found: list[Route] = []
    for prefix in ("/sites/{site}", "/site"):
        found.append(Route(f"{prefix}/manifests", guarded(get_manifests), methods=["GET"]))
        found.append(Route(f"{prefix}/manifests", guarded(post_manifests), methods=["POST"]))
        for name in DOCUMENTS:
            put, get = document_routes(name)
            found.append(Route(f"{prefix}/{name}", get, methods=["GET"]))
            found.append(Route(f"{prefix}/{name}", put, methods=["PUT"]))
    return found
