"""Routes of the trace across stations (``GET /trace``) and the GS1 Digital Link resolver.

``/trace`` takes one identifier: ``epc`` (any URI the events use), ``sscc``, ``gtin``
with ``lot`` or ``serial``, or ``id`` (a unit or lot id as a station shows it, mapped
the way the station's EPCIS export maps it); ``direction`` back (default) or forward.
It answers JSON, or the auditor's HTML page when the client asks for ``text/html``
(``Accept`` or ``format=html``).

The resolver answers the paths the station's labels print (``/01/{gtin}/10/{lot}``,
``/00/{sscc}``, and ``/01/{gtin}[/22/..][/10/..][/21/..]``; query AIs such as
``?11=`` are ignored) with the identifier's linkset (RFC 9264, GS1 resolver link types
``gs1:traceability``, ``gs1:epcis``, ``gs1:defaultLink``) as
``application/linkset+json`` or ``application/json``, or with the provenance page for
``text/html``. Both need a token of the site like every route; an identifier no event
of the site names is a 404 problem.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from station.hub import problems
from station.hub.auth import Principal
from station.hub.config import HubConfig
from station.hub.http import VERSIONS, Endpoint, Handler, json_response
from station.hub.problems import Problem
from station.hub.provenance import render_trace_html
from station.hub.storage import HubStore, NamedEvent
from station.hub.trace import BACK, FORWARD, walk
from station.sync.epcis.identifiers import DL_HOST, ai_value_ok, dl_value, unit_object, valid_key

LINKSET = "application/linkset+json"
HOP_LIMIT = 2000
"""Most event rows one hop of a trace reads."""
QUALIFIERS = ("22", "10", "21")


def _wants(request: Request, offered: tuple[str, ...]) -> str:
    """The first of `offered` the ``Accept`` header takes (by q, then order)."""
    header = request.headers.get("accept", "")
    if not header.strip():
        return offered[0]
    best: tuple[float, int, str] | None = None
    for n, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        match = next(
            (o for o in offered if media.lower() in (o, "*/*", o.split("/")[0] + "/*")), None
        )
        if match is not None and q > 0 and (best is None or (q, -n) > (best[0], -best[1])):
            best = (q, n, match)
    if best is None:
        raise Problem(
            "NotAcceptableException", 406, f"this resource is served as {', '.join(offered)}"
        )
    return best[2]


def gtin14(text: str) -> str | None:
    value = (
        text.zfill(14) if text.isascii() and text.isdigit() and len(text) in (8, 12, 13) else text
    )
    return value if valid_key(value, 14) else None


def identifier(request: Request, urn_namespace: str) -> str:
    """The identifier a ``/trace`` request names, as the events name it."""
    params = request.query_params
    given = [k for k in ("epc", "sscc", "gtin", "id") if k in params]
    if len(given) != 1:
        raise problems.query_parameter(
            "name one identifier: epc, sscc, gtin (with lot or serial) or id"
        )
    key = given[0]
    value = params[key]
    if not value or len(value) > 2000:
        raise problems.query_parameter(f"{key}: expected a non-empty value")
    if key == "epc":
        return value
    if key == "sscc":
        if not valid_key(value, 18):
            raise problems.query_parameter("sscc: expected 18 digits with a valid check digit")
        return f"{DL_HOST}/00/{value}"
    if key == "id":
        return unit_object(value, namespace=urn_namespace).uri
    gtin = gtin14(value)
    if gtin is None:
        raise problems.query_parameter("gtin: expected a GTIN with a valid check digit")
    lot, serial = params.get("lot"), params.get("serial")
    if (lot is None) == (serial is None):
        raise problems.query_parameter("gtin: give exactly one of lot or serial with it")
    ai, text = ("10", lot) if lot is not None else ("21", serial)
    assert text is not None
    if not ai_value_ok(text):
        raise problems.query_parameter(f"{'lot' if ai == '10' else 'serial'}: not a GS1 AI value")
    return f"{DL_HOST}/01/{gtin}/{ai}/{dl_value(text)}"


def resolver_identifier(path: str) -> str | None:
    """The canonical identifier of a Digital Link path, or None when it is not one."""
    segments = path.strip("/").split("/")
    if len(segments) < 2 or len(segments) % 2:
        return None
    pairs = [(segments[i], unquote(segments[i + 1])) for i in range(0, len(segments), 2)]
    (primary, key), rest = pairs[0], pairs[1:]
    if primary == "00":
        return f"{DL_HOST}/00/{key}" if not rest and valid_key(key, 18) else None
    gtin = gtin14(key) if primary == "01" else None
    if gtin is None:
        return None
    order = [ai for ai, _ in rest]
    if any(ai not in QUALIFIERS for ai in order) or order != sorted(order, key=QUALIFIERS.index):
        return None
    if len(set(order)) != len(order) or not all(ai_value_ok(v) for _, v in rest):
        return None
    return f"{DL_HOST}/01/{gtin}" + "".join(f"/{ai}/{dl_value(v)}" for ai, v in rest)


def routes(
    config: HubConfig, store: HubStore, guarded: Callable[[Handler], Endpoint]
) -> list[Route]:
    """The trace and resolver routes of a hub."""

    def trace_of(principal: Principal, epc: str, direction: str) -> dict[str, Any]:
        def fetch(epcs: Sequence[str], limit: int) -> list[NamedEvent]:
            return store.events_naming(principal.sites, epcs, limit)

        return walk(fetch, epc, direction, hop_rows=HOP_LIMIT).as_json()

    def trace_href(request: Request, epc: str, direction: str, fmt: str) -> str:
        query = urlencode({"epc": epc, "direction": direction, "format": fmt})
        return f"{str(request.base_url).rstrip('/')}/trace?{query}"

    async def get_trace(request: Request, principal: Principal) -> Response:
        epc = identifier(request, config.urn_namespace)
        direction = request.query_params.get("direction", BACK)
        if direction not in (BACK, FORWARD):
            raise problems.query_parameter("direction: expected back or forward")
        fmt = request.query_params.get("format")
        if fmt not in (None, "json", "html"):
            raise problems.query_parameter("format: expected json or html")
        media = (
            {"json": "application/json", "html": "text/html"}[fmt]
            if fmt
            else _wants(request, ("application/json", "text/html"))
        )
        found = await run_in_threadpool(trace_of, principal, epc, direction)
        if not found["found"]:
            raise problems.not_found("no event of this site names this identifier")
        if media == "text/html":
            return HTMLResponse(render_trace_html(found), headers=VERSIONS)
        return json_response(found)

    def linkset(request: Request, epc: str) -> dict[str, Any]:
        base = str(request.base_url).rstrip("/")
        events = f"{base}/events?{urlencode({'MATCH_anyEPC': epc})}"
        page = {
            "href": trace_href(request, epc, BACK, "html"),
            "title": "Provenance (where it came from)",
            "type": "text/html",
        }
        return {
            "linkset": [
                {
                    "anchor": epc,
                    "https://gs1.org/voc/defaultLink": [page],
                    "https://gs1.org/voc/traceability": [
                        page,
                        {
                            "href": trace_href(request, epc, BACK, "json"),
                            "title": "Trace back (JSON)",
                            "type": "application/json",
                        },
                        {
                            "href": trace_href(request, epc, FORWARD, "json"),
                            "title": "Trace forward (JSON)",
                            "type": "application/json",
                        },
                    ],
                    "https://gs1.org/voc/epcis": [
                        {"href": events, "title": "EPCIS events", "type": "application/json"}
                    ],
                }
            ]
        }

    async def resolve(request: Request, principal: Principal) -> Response:
        epc = resolver_identifier(request.url.path)
        if epc is None:
            raise problems.not_found("not a GS1 Digital Link path this resolver knows")
        media = _wants(request, (LINKSET, "application/json", "text/html"))
        named = await run_in_threadpool(store.events_naming, principal.sites, [epc], 1)
        if not named:
            raise problems.not_found("no event of this site names this identifier")
        links = linkset(request, epc)
        header = (
            f'<{trace_href(request, epc, BACK, "html")}>; rel="https://gs1.org/voc/traceability"'
        )
        if media == "text/html":
            found = await run_in_threadpool(trace_of, principal, epc, BACK)
            listed = [
                {"href": link["href"], "title": link["title"], "rel": rel.rsplit("/", 1)[-1]}
                for rel, items in links["linkset"][0].items()
                if rel != "anchor"
                for link in items
            ]
            return HTMLResponse(
                render_trace_html(found, listed), headers={**VERSIONS, "Link": header}
            )
        return json_response(links, headers={"Link": header}, media=media)

    resolver = guarded(resolve)
    paths = ["/00/{sscc}", "/01/{gtin}"]
    for n in range(1, len(QUALIFIERS) + 1):
        paths.append("/01/{gtin}" + "".join(f"/{{q{i}}}/{{v{i}}}" for i in range(n)))
    return [
        Route("/trace", guarded(get_trace), methods=["GET"]),
        *(Route(path, resolver, methods=["GET"]) for path in paths),
    ]
