"""The hub's own OpenAPI paths beyond the EPCIS binding: site data, trace, the resolver.

Merged into `openapi.hub_openapi`'s document; the schemas here are the hub's own
(``components.schemas.Site*``, ``Trace*``, ``Linkset``), described as loosely as the
answers are built and as tightly as a client can rely on.
"""

from __future__ import annotations

from typing import Any

PROBLEM = {"$ref": "#/components/schemas/RFC7807ProblemResponseBody"}
_STRING = {"type": "string"}
_OBJECT = {"type": "object"}
_ETAG = {"ETag": {"description": "Send it back in If-None-Match; 304 when unchanged.",
                  "schema": _STRING}}  # fmt: skip

_TEXTS = {
    304: "Not modified: the If-None-Match ETag is current.",
    400: "The request or a parameter is invalid (ValidationException, QueryParameterException).",
    401: "No valid bearer token (SecurityException).",
    403: "The token may not do this (SecurityException).",
    404: "No such resource visible to this token (NoSuchResourceException).",
    406: "None of the accepted media types can be served (NotAcceptableException).",
    413: "The body is over the hub's size limit.",
    415: "The body is not of a type this route takes.",
    500: "The hub failed (ImplementationException).",
}


def problems(*codes: int) -> dict[str, Any]:
    """Problem answers for `codes`, plus 401 and 500 that every route may give."""
    return {
        str(code): {
            "description": _TEXTS[code],
            "content": {"application/problem+json": {"schema": PROBLEM}},
        }
        for code in (*codes, 401, 500)
    }


def _ok(schema: dict[str, Any], text: str, etag: bool = True) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": text,
        "content": {"application/json": {"schema": schema}},
    }
    if etag:
        answer["headers"] = _ETAG
    return answer


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


_SITE_PARAM = {"name": "site", "in": "path", "required": True, "schema": _STRING}
_CONDITIONAL = {"name": "If-None-Match", "in": "header", "required": False, "schema": _STRING}
_NOT_MODIFIED = {"304": {"description": _TEXTS[304], "headers": _ETAG}}

SCHEMAS: dict[str, Any] = {
    "SiteManifests": {
        "type": "object",
        "required": ["site", "cursor", "more", "manifests"],
        "properties": {
            "site": _STRING,
            "cursor": {"type": "string", "pattern": "^[0-9]+$"},
            "more": {"type": "boolean"},
            "manifests": {"type": "array", "items": _OBJECT},
        },
    },
    "SiteManifestPush": {
        "type": "object",
        "required": ["site", "stored", "unchanged", "cursor"],
        "properties": {
            "site": _STRING,
            "stored": {"type": "array", "items": _STRING},
            "unchanged": {"type": "array", "items": _STRING},
            "cursor": {"type": "string", "nullable": True},
        },
    },
    "SiteRoster": {
        "type": "object",
        "required": ["site", "cursor", "operators"],
        "properties": {
            "site": _STRING,
            "cursor": _STRING,
            "operators": {"type": "array", "items": _OBJECT},
        },
    },
    "SiteRisk": {
        "type": "object",
        "required": ["site", "cursor"],
        "properties": {
            "site": _STRING,
            "cursor": _STRING,
            "rules": {"type": "array", "items": _OBJECT},
            "restricted_vendors": {"type": "array", "items": _OBJECT},
        },
    },
    "TraceResult": {
        "type": "object",
        "required": [
            "epc",
            "direction",
            "found",
            "truncated",
            "stations",
            "nodes",
            "edges",
            "events",
        ],
        "properties": {
            "epc": _STRING,
            "direction": {"type": "string", "enum": ["back", "forward"]},
            "found": {"type": "boolean"},
            "truncated": {"type": "boolean"},
            "stations": {"type": "array", "items": _STRING},
            "nodes": {"type": "array", "items": _OBJECT},
            "edges": {"type": "array", "items": _OBJECT},
            "events": {"type": "array", "items": _OBJECT},
        },
    },
    "Linkset": {
        "type": "object",
        "required": ["linkset"],
        "properties": {"linkset": {"type": "array", "minItems": 1, "items": _OBJECT}},
    },
    "SiteStored": {
        "type": "object",
        "required": ["site", "cursor"],
        "properties": {"site": _STRING, "cursor": _STRING},
    },
}


def _site_paths(prefix: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    where = "the token's own site" if not params else "the named site"
    digits = {"type": "string", "pattern": "^[0-9]{1,18}$"}
    manifests = {
        "get": {
            "summary": f"Manifests of {where} changed after a cursor, oldest change first.",
            "parameters": [
                *params,
                _CONDITIONAL,
                {"name": "after", "in": "query", "required": False, "schema": digits},
                {"name": "limit", "in": "query", "required": False, "schema": digits},
            ],
            "responses": {
                "200": _ok(_ref("SiteManifests"), "A page of manifests (canonical JSON form)."),
                **_NOT_MODIFIED,
                **problems(400, 404),
            },
        },
        "post": {
            "summary": f"Manifest intake for {where} (admin): JSON or CSV, refused whole.",
            "parameters": params,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {}}, "text/csv": {"schema": _STRING}},
            },
            "responses": {
                "200": _ok(_ref("SiteManifestPush"), "Nothing new: all unchanged.", etag=False),
                "201": _ok(_ref("SiteManifestPush"), "Stored.", etag=False),
                **problems(400, 403, 404, 413, 415),
            },
        },
    }
    found: dict[str, Any] = {f"{prefix}/manifests": manifests}
    for name, schema in (("roster", "SiteRoster"), ("risk", "SiteRisk")):
        found[f"{prefix}/{name}"] = {
            "get": {
                "summary": f"The {name} of {where}.",
                "parameters": [*params, _CONDITIONAL],
                "responses": {
                    "200": _ok(_ref(schema), f"The {name}."),
                    **_NOT_MODIFIED,
                    **problems(404),
                },
            },
            "put": {
                "summary": f"Replace the {name} of {where} (admin); checked like station config.",
                "parameters": params,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _OBJECT}},
                },
                "responses": {
                    "200": _ok(_ref("SiteStored"), "Stored (or unchanged)."),
                    **problems(400, 403, 404, 413, 415),
                },
            },
        }
    return found


_HTML = {"text/html": {"schema": _STRING}}


def _query(name: str, text: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": text,
            "schema": schema or _STRING}  # fmt: skip


def _trace_paths() -> dict[str, Any]:
    return {
        "/trace": {
            "get": {
                "summary": "Trace one identifier back or forward across every station of the site.",
                "parameters": [
                    _query("epc", "Any identifier URI the events use."),
                    _query("sscc", "An SSCC (18 digits)."),
                    _query("gtin", "A GTIN, with lot or serial."),
                    _query("lot", "The lot (AI 10) of the gtin."),
                    _query("serial", "The serial (AI 21) of the gtin."),
                    _query("id", "A unit or lot id as the station shows it."),
                    _query(
                        "direction",
                        "back (default) or forward.",
                        {"type": "string", "enum": ["back", "forward"]},
                    ),
                    _query(
                        "format",
                        "json or html (else by Accept).",
                        {"type": "string", "enum": ["json", "html"]},
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The trace (JSON), or the provenance page (HTML).",
                        "content": {
                            "application/json": {"schema": _ref("TraceResult")},
                            **_HTML,
                        },
                    },
                    **problems(400, 404, 406),
                },
            }
        }
    }


def _resolver_paths() -> dict[str, Any]:
    answer = {
        "200": {
            "description": "The identifier's linkset, or its provenance page for text/html.",
            "content": {
                "application/linkset+json": {"schema": _ref("Linkset")},
                "application/json": {"schema": _ref("Linkset")},
                **_HTML,
            },
            "headers": {"Link": {"description": "The traceability link.", "schema": _STRING}},
        },
        **problems(404, 406),
    }
    paths: dict[str, Any] = {}
    names = ["/00/{sscc}", "/01/{gtin}"]
    names += ["/01/{gtin}" + "".join(f"/{{q{i}}}/{{v{i}}}" for i in range(n)) for n in (1, 2, 3)]
    for name in names:
        params = [
            {"name": part.strip("{}"), "in": "path", "required": True, "schema": _STRING}
            for part in name.split("/")
            if part.startswith("{")
        ]
        paths[name] = {
            "get": {
                "summary": "GS1 Digital Link resolver (qualifiers 22, 10, 21 in that order).",
                "parameters": params,
                "responses": answer,
            }
        }
    return paths


def extra_paths() -> dict[str, Any]:
    """Every path of this module."""
    return {
        **_site_paths("/sites/{site}", [_SITE_PARAM]),
        **_site_paths("/site", []),
        **_trace_paths(),
        **_resolver_paths(),
    }
