"""The hub's own OpenAPI 3 description, served at ``/openapi.json``.

It lists only what the hub serves, and reuses the vendored REST binding's schemas and
query parameters for those endpoints (``components`` comes from it whole, so every
``$ref`` resolves). Each operation declares every status the hub can answer with, so
a schema-driven fuzzer can hold the hub to it.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from station.hub.config import HubConfig
from station.hub.openapi_site import SCHEMAS, extra_paths
from station.hub.schema import binding

PROBLEM = {"$ref": "#/components/schemas/RFC7807ProblemResponseBody"}
_STATUS_TEXT = {
    400: "The request or a parameter is invalid (ValidationException, QueryParameterException).",
    401: "No valid bearer token (SecurityException).",
    403: "The token may not do this (SecurityException).",
    404: "No such resource visible to this token (NoSuchResourceException).",
    405: "Method not allowed.",
    409: "Conflict: the eventID exists (ResourceAlreadyExistsException), or the station "
    "chain is refused (ValidationException with st:reason fork or gap).",
    413: "Over the announced capture limits (CaptureLimitExceededException).",
    415: "Not a JSON body.",
    500: "The hub failed (ImplementationException).",
}
_QUERY_PARAMS = (
    "eventType",
    "GE_eventTime",
    "LT_eventTime",
    "GE_recordTime",
    "LT_recordTime",
    "EQ_bizStep",
    "EQ_disposition",
    "EQ_readPoint",
    "EQ_bizLocation",
    "MATCH_epc",
    "MATCH_anyEPC",
    "MATCH_epcClass",
    "MATCH_anyEPCClass",
    "EQ_eventID",
)


def _problems(*codes: int) -> dict[str, Any]:
    return {
        str(code): {
            "description": _STATUS_TEXT[code],
            "content": {"application/problem+json": {"schema": PROBLEM}},
        }
        for code in (*codes, 401, 500)
    }


def _header(schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"description": text, "schema": schema}


def _json(schema: dict[str, Any], text: str, **headers: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": text,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        answer["headers"] = headers
    return answer


_STRING = {"type": "string"}
_INTEGER = {"type": "integer", "minimum": 1}
_SITE = {
    "name": "site",
    "in": "query",
    "required": False,
    "description": "The site, for an admin token valid for every site (hub extension).",
    "schema": {"type": "string"},
}
_JOB = {"$ref": "#/components/schemas/CaptureJob"}
_QUERY_DOC = {"$ref": "#/components/schemas/epcisQueryDocument"}


def _paths() -> dict[str, Any]:
    param = "#/components/parameters/"
    capture_headers = {
        "GS1-EPCIS-Capture-Limit": _header(_INTEGER, "Most events in one capture."),
        "GS1-EPCIS-Capture-File-Size-Limit": _header(_INTEGER, "Most bytes in one capture."),
    }
    query_params: list[dict[str, Any]] = [{"$ref": param + name} for name in _QUERY_PARAMS]
    query_params += [
        {"$ref": param + "PerPage"},
        {"$ref": param + "NextPageToken"},
        {
            "name": "EQ_stationId",
            "in": "query",
            "required": False,
            "style": "pipeDelimited",
            "explode": False,
            "description": "Events pushed by these stations (hub extension field st:stationId).",
            "schema": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        },
    ]
    document_body = {
        "required": True,
        "content": {
            media: {"schema": {"$ref": "#/components/schemas/epcisDocument"}}
            for media in ("application/json", "application/ld+json")
        },
    }
    event_body = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EPCISEvent"}}},
    }
    return {
        "/health": {
            "get": {
                "summary": "Liveness; the only route that needs no token.",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "The hub is up.")},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description.",
                "responses": {
                    "200": _json({"type": "object"}, "OpenAPI 3 document."),
                    **_problems(),
                },
            }
        },
        "/capture": {
            "options": {
                "summary": "The capture limits and behaviours.",
                "responses": {
                    "204": {"description": "Capture settings.", "headers": capture_headers},
                    **_problems(403),
                },
            },
            "post": {
                "summary": "Capture an EPCIS document (and a station's stationLog).",
                "parameters": [{"$ref": param + "GS1-Capture-Error-Behaviour"}, _SITE],
                "requestBody": document_body,
                "responses": {
                    "202": _json(
                        _JOB,
                        "Captured synchronously; the body is the capture job.",
                        Location=_header(_STRING, "The capture job's URL."),
                        **{"ST-Head": _header(_STRING, "The station's new head: SEQ:HASH.")},
                    ),
                    **_problems(400, 403, 409, 413, 415),
                },
            },
        },
        "/capture/{captureID}": {
            "get": {
                "summary": "A capture job.",
                "parameters": [
                    {"name": "captureID", "in": "path", "required": True, "schema": _STRING}
                ],
                "responses": {"200": _json(_JOB, "The job."), **_problems(404)},
            }
        },
        "/events": {
            "options": {
                "summary": "What /events allows.",
                "responses": {"204": {"description": "Allowed methods."}, **_problems()},
            },
            "get": {
                "summary": "Query events; pages by keyset (Link rel=next).",
                "parameters": query_params,
                "responses": {
                    "200": _json(
                        _QUERY_DOC,
                        "A page of events.",
                        Link=_header(_STRING, 'The next page: <URL>; rel="next".'),
                    ),
                    **_problems(400),
                },
            },
            "post": {
                "summary": "Capture one event.",
                "parameters": [_SITE],
                "requestBody": event_body,
                "responses": {
                    "201": _json(
                        {"type": "object"}, "Stored.", Location=_header(_STRING, "The event.")
                    ),
                    **_problems(400, 403, 409, 413, 415),
                },
            },
        },
        "/events/{eventID}": {
            "get": {
                "summary": "One event and the error declarations about it.",
                "parameters": [
                    {"name": "eventID", "in": "path", "required": True, "schema": _STRING}
                ],
                "responses": {"200": _json(_QUERY_DOC, "The event."), **_problems(400, 404)},
            }
        },
        "/stations/{stationId}/head": {
            "get": {
                "summary": "A station's acknowledged chain head (seq 0 before its first push).",
                "parameters": [
                    {"name": "stationId", "in": "path", "required": True, "schema": _STRING},
                    _SITE,
                ],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/StationHead"}, "The head."),
                    **_problems(400, 403),
                },
            }
        },
    }


@cache
def _document(max_events: int, max_bytes: int) -> dict[str, Any]:
    vendored = binding()
    components = copy.deepcopy(vendored["components"])
    components["schemas"]["StationHead"] = {
        "type": "object",
        "required": ["stationId", "seq", "hash"],
        "properties": {
            "stationId": {"type": "string"},
            "seq": {"type": "integer", "minimum": 0},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        },
    }
    # The binding's CaptureJob says oneOf {errors} / {errorFile} without requiring either,
    # so every job matches both branches and no job can satisfy it: each branch here
    # requires its own member.
    for branch in components["schemas"]["CaptureJob"]["allOf"][1]["oneOf"]:
        branch["required"] = list(branch["properties"])
    components["schemas"].update(copy.deepcopy(SCHEMAS))
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "station hub: EPCIS 2.0 capture and query",
            "version": "1.0.0",
            "description": (
                "The central store of the station project. Follows the EPCIS 2.0 REST "
                f"binding for the endpoints listed; capture limit {max_events} events or "
                f"{max_bytes} bytes. Schemas: the GS1 EPCIS 2.0 REST binding (Apache-2.0)."
            ),
        },
        "security": [{"bearer": []}],
        "paths": {**_paths(), **extra_paths()},
        "components": components,
    }


def hub_openapi(config: HubConfig) -> dict[str, Any]:
    """The description for this hub's limits."""
    return _document(config.max_events, config.max_bytes)
