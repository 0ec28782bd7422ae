"""The EPCIS 2.0 JSON schema the hub validates captures against, and the vendored binding.

The schemas come from the REST binding's OpenAPI description vendored in ``vendor/``
(Apache-2.0; see ``vendor/NOTICE.md``), where every definition of the EPCIS 2.0 JSON
schema is inlined under ``components.schemas``. They are re-rooted as a Draft 7 schema
with the same dispatch on ``type`` as GS1's root schema, and checked with a format
checker that really checks ``uri`` and ``date-time`` (jsonschema's format-nongpl extra).

A document is validated in two parts, so an error is tied to the event it is in: the
document without its events, then each event on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

# jsonschema ships no type information (no stubs are installed for it).
from jsonschema import Draft7Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    ValidationError,
    best_match,
)

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)


@cache
def binding() -> dict[str, Any]:
    """The vendored OpenAPI description of the EPCIS 2.0 REST binding."""
    text = (
        resources.files("station.hub")
        .joinpath("vendor/epcis-rest-openapi.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def _rerooted(value: Any) -> Any:
    """`value` with every ``#/components/schemas/`` reference pointing at ``#/definitions/``."""
    if isinstance(value, dict):
        return {
            key: (
                item.replace("#/components/schemas/", "#/definitions/")
                if key == "$ref" and isinstance(item, str)
                else _rerooted(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rerooted(item) for item in value]
    return value


def _root(then: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": dict(_definitions()),
        **then,
    }


@cache
def _document_validator(kind: str) -> Draft7Validator:
    # The events are checked one by one (see `event_errors`): here the list only has to
    # be a list, so an error in an event is never reported twice.
    name = "epcisDocument" if kind == "EPCISDocument" else "epcisQueryDocument"
    schema = _root({"allOf": [{"$ref": f"#/definitions/{name}"}]})
    schema["definitions"]["eventList"] = {"type": "array"}
    return Draft7Validator(schema, format_checker=FormatChecker())


@cache
def _definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = _rerooted(binding()["components"]["schemas"])
    return definitions


@cache
def _event_validator(event_type: str) -> Draft7Validator:
    # Dispatch on ``type`` here rather than with if/then in the schema: the same rule as
    # GS1's root schema, without evaluating every branch for every event.
    name = event_type if event_type in EVENT_TYPES else "Extended-Event"
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": _definitions(),
        "type": "object",
        "required": ["type"],
        "allOf": [{"$ref": f"#/definitions/{name}"}],
    }
    return Draft7Validator(schema, format_checker=FormatChecker())


def where(error: ValidationError, prefix: str = "$") -> str:
    """The JSON path of `error` (``$.epcisBody.eventList[3].eventTime``)."""
    path = prefix
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _deepest(error: ValidationError) -> ValidationError:
    """The sub-error that says what is wrong, rather than 'not valid under any of ...'."""
    while error.context:
        error = best_match(error.context)
    return error


def _messages(errors: Iterator[ValidationError], prefix: str) -> list[str]:
    found = sorted(
        (_deepest(e) for e in errors), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    return [f"{where(error, prefix)}: {error.message[:300]}" for error in found[:5]]


def document_errors(document: Any) -> list[str]:
    """What is wrong with the document around its events (at most five messages)."""
    if not isinstance(document, dict):
        return ["$: an EPCIS document is a JSON object"]
    kind = document.get("type")
    if kind not in ("EPCISDocument", "EPCISQueryDocument"):
        return ["$.type: the hub captures EPCISDocument and EPCISQueryDocument documents"]
    return _messages(_document_validator(kind).iter_errors(document), "$")


def event_errors(event: Any, prefix: str) -> list[str]:
    """What is wrong with one event (at most five messages), paths under `prefix`."""
    if not isinstance(event, dict):
        return [f"{prefix}: an EPCIS event is a JSON object"]
    kind = event.get("type")
    validator = _event_validator(kind if isinstance(kind, str) else "")
    return _messages(validator.iter_errors(event), prefix)
