"""The hub's ASGI application: routes, the token check, limits and problem answers.

Every route but ``/health`` needs a valid bearer token; a token sees only its site's
data (an all-sites admin token sees all). The handlers are thin: they read and bound
the request, then hand the work to `capture` or `query` in a worker thread, since the
store and the schema checks block. Site data (`site_routes`), the trace and the Digital
Link resolver (`trace_routes`) bring their own routes. Nothing is kept between
requests but a pool of open connections, so several hub processes can serve one
database.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from station.hub import capture, problems, query, site_routes, trace_routes
from station.hub.auth import Principal
from station.hub.chain import GENESIS_HASH, ChainRefused
from station.hub.config import HubConfig
from station.hub.events import format_time_us
from station.hub.http import VERSIONS, guard, json_response, read_body
from station.hub.openapi import hub_openapi
from station.hub.problems import Problem
from station.hub.storage import CaptureJob, HubStore, IngestResult

LOG = logging.getLogger("station.hub")


def _now_us() -> int:
    return time.time_ns() // 1000


def job_body(job: CaptureJob) -> dict[str, Any]:
    """The capture job as the binding describes it, with the hub's counts."""
    return {
        "captureID": job.capture_id,
        "createdAt": format_time_us(job.created_us),
        "finishedAt": format_time_us(job.finished_us or job.created_us),
        "running": False,
        "success": job.success,
        "captureErrorBehaviour": job.behaviour,
        "errors": job.errors,
        "st:eventCount": job.event_count,
        "st:storedCount": job.stored_count,
    }


def create_app(config: HubConfig, store: HubStore) -> Starlette:
    """The hub for `config`, serving from `store`."""
    limits = {
        "GS1-EPCIS-Capture-Limit": str(config.max_events),
        "GS1-EPCIS-Capture-File-Size-Limit": str(config.max_bytes),
    }

    guarded = guard(store)

    async def body_of(request: Request) -> bytes:
        return await read_body(request, config)

    def site_param(request: Request) -> str | None:
        return request.query_params.get("site")

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def openapi(request: Request, principal: Principal) -> Response:
        return json_response(hub_openapi(config))

    async def capture_options(request: Request, principal: Principal) -> Response:
        headers = {
            **VERSIONS,
            **limits,
            "Allow": "OPTIONS, POST",
            "GS1-Capture-Error-Behaviour": "all",
        }
        return Response(status_code=204, headers=headers)

    async def events_options(request: Request, principal: Principal) -> Response:
        return Response(status_code=204, headers={**VERSIONS, "Allow": "OPTIONS, GET, POST"})

    async def post_capture(request: Request, principal: Principal) -> Response:
        try:
            return await _post_capture(request, principal)
        except Problem as problem:
            if problem.status == 413:
                problem.headers.update(limits)
            raise

    async def _post_capture(request: Request, principal: Principal) -> Response:
        capture.capture_site(config, principal, site_param(request))
        body = await body_of(request)
        behaviour = request.headers.get("gs1-capture-error-behaviour", "rollback").lower()
        try:
            result: IngestResult = await run_in_threadpool(
                capture.capture_document,
                store,
                config,
                principal,
                body=body,
                behaviour=behaviour,
                site=site_param(request),
                now_us=_now_us(),
            )
        except ChainRefused as refused:
            raise problems.conflict(
                refused.detail(), "ValidationException", **refused.problem_members()
            ) from None
        headers = {**limits, "Location": f"/capture/{result.job.capture_id}"}
        if result.head is not None:
            headers["ST-Head"] = f"{result.head.seq}:{result.head.hash}"
        return json_response(job_body(result.job), 202, headers)

    async def get_capture(request: Request, principal: Principal) -> Response:
        capture_id = request.path_params["captureID"]
        job = await run_in_threadpool(store.capture_job, principal.sites, capture_id)
        if job is None:
            raise problems.not_found("no capture job with this id")
        return json_response(job_body(job))

    async def post_event(request: Request, principal: Principal) -> Response:
        capture.capture_site(config, principal, site_param(request))
        body = await body_of(request)
        event_id, result = await run_in_threadpool(
            capture.capture_event,
            store,
            config,
            principal,
            body=body,
            site=site_param(request),
            now_us=_now_us(),
        )
        if result.duplicates or not result.job.success:
            raise problems.conflict(f"an event with eventID {event_id} exists already")
        location = f"/events/{quote(event_id, safe='')}"
        return json_response({"eventID": event_id}, 201, {"Location": location})

    async def get_events(request: Request, principal: Principal) -> Response:
        params = list(request.query_params.multi_items())
        parsed, digest = query.parse(config, principal, params)
        found, next_link = await run_in_threadpool(query.page, store, parsed, digest, params)
        headers = {"Link": f'<{next_link}>; rel="next"'} if next_link else {}
        return json_response(query.document(found, dt.datetime.now(dt.UTC)), headers=headers)

    async def get_event(request: Request, principal: Principal) -> Response:
        event_id = request.path_params["eventID"]
        parsed, _ = query.parse(config, principal, [])
        selected = replace(parsed, event_ids=(event_id,), limit=config.max_per_page)
        found = await run_in_threadpool(store.query_events, selected)
        if not found:
            raise problems.not_found("no event with this eventID")
        return json_response(query.document(found, dt.datetime.now(dt.UTC)))

    async def station_head(request: Request, principal: Principal) -> Response:
        station_id = request.path_params["stationId"]
        if principal.kind == "auditor" or (
            principal.kind == "station" and principal.station_id != station_id
        ):
            raise problems.forbidden("only that station's token or an admin token reads its head")
        site = principal.site or site_param(request)
        if site is None:
            raise problems.query_parameter("an all-sites admin token names the site: ?site=SITE")
        head = await run_in_threadpool(store.station_head, site, station_id)
        seq, hash_ = (head.seq, head.hash) if head else (0, GENESIS_HASH)
        return json_response({"stationId": station_id, "seq": seq, "hash": hash_})

    async def http_problem(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 405:
            return Problem("MethodNotAllowedException", 405, "method not allowed here").response()
        return problems.not_found("no such resource on this hub").response()

    async def server_error(request: Request, exc: Exception) -> Response:
        LOG.error("request failed: %s %s", request.method, request.url.path, exc_info=exc)
        return Problem("ImplementationException", 500, "the hub failed; see its log").response()

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", guarded(openapi), methods=["GET"]),
        Route("/capture", guarded(post_capture), methods=["POST"]),
        Route("/capture", guarded(capture_options), methods=["OPTIONS"]),
        Route("/capture/{captureID}", guarded(get_capture), methods=["GET"]),
        Route("/events", guarded(get_events), methods=["GET"]),
        Route("/events", guarded(post_event), methods=["POST"]),
        Route("/events", guarded(events_options), methods=["OPTIONS"]),
        Route("/events/{eventID:path}", guarded(get_event), methods=["GET"]),
        Route("/stations/{stationId}/head", guarded(station_head), methods=["GET"]),
        *site_routes.routes(config, store, guarded),
        *trace_routes.routes(config, store, guarded),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_problem, Exception: server_error},
        lifespan=_closing(store),
    )


def _closing(store: HubStore) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    return lifespan
