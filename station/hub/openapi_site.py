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


def extra_paths() -> dict[str, Any]:
    """Every path of this module."""
    return {**_site_paths("/sites/{site}", [_SITE_PARAM]), **_site_paths("/site", [])}
