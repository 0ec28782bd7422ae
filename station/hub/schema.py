"""The EPCIS 2.0 JSON schema the hub validates captures against, and the vendored binding.

The schemas come from the REST binding's OpenAPI description vendored in ``vendor/``
(Apache-2.0; see ``vendor/NOTICE.md``), where every definition of the EPCIS 2.0 JSON
schema is inlined under ``components.schemas``. They are re-rooted as a Draft 7 schema
with the same dispatch on ``type`` as GS1's root schema, and checked by jsonschema-rs
(compiled, about 10 µs an event against 1 ms for the pure-Python validator) with format
validation on, so ``uri`` and ``date-time`` are really checked.

Each validator carries only the definitions its root reaches: the binding's query
definitions hold Ruby-style regexes (``\\g<name>``) that no Draft 7 engine compiles, and
no event or capture document refers to them.

A document is validated in two parts, so an error is tied to the event it is in: the
document without its events, then each event on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)
_REF = "#/definitions/"


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
                item.replace("#/components/schemas/", _REF)
                if key == "$ref" and isinstance(item, str)
                else _rerooted(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rerooted(item) for item in value]
    return value


@cache
def _definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = _rerooted(binding()["components"]["schemas"])
    return definitions


def _refs(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(_REF):
                yield item.removeprefix(_REF)
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _reachable(root: Any, overrides: dict[str, Any]) -> dict[str, Any]:
    """The definitions `root` refers to, directly or through others (`overrides` first)."""
    definitions = {**_definitions(), **overrides}
    found: dict[str, Any] = {}
    todo = list(_refs(root))
    while todo:
        name = todo.pop()
        if name not in found:
            found[name] = definitions[name]
            todo.extend(_refs(found[name]))
    return found


def _validator(root: dict[str, Any], overrides: dict[str, Any] | None = None) -> Any:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": _reachable(root, overrides or {}),
        **root,
    }
    return jsonschema_rs.Draft7Validator(schema, validate_formats=True)


@cache
def _document_validator(kind: str) -> Any:
    # The events are checked one by one (see `event_errors`): here the list only has to
    # be a list, so an error in an event is never reported twice.
    name = "epcisDocument" if kind == "EPCISDocument" else "epcisQueryDocument"
    return _validator({"allOf": [{"$ref": _REF + name}]}, {"eventList": {"type": "array"}})


@cache
def _event_validator(event_type: str) -> Any:
    # Dispatch on ``type`` here rather than with if/then in the schema: the same rule as
    # GS1's root schema, without evaluating every branch for every event.
    name = event_type if event_type in EVENT_TYPES else "Extended-Event"
    return _validator({"type": "object", "required": ["type"], "allOf": [{"$ref": _REF + name}]})


def where(path: Iterable[str | int], prefix: str = "$") -> str:
    """The JSON path of an instance path (``$.epcisBody.eventList[3].eventTime``)."""
    text = prefix
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _deepest(error: Any) -> Any:
    """The sub-error that says what is wrong, rather than 'not valid under any of ...'.

    Among the alternatives of an ``anyOf``/``oneOf``, the one that got furthest into the
    instance (the longest path), then the one with the fewest complaints.
    """
    while True:
        branches = [list(b) for b in getattr(error.kind, "context", None) or [] if b]
        if not branches:
            return error
        best = max(branches, key=lambda b: (max(len(e.instance_path) for e in b), -len(b)))
        error = max(best, key=lambda e: len(e.instance_path))


def _messages(errors: Iterable[Any], prefix: str) -> list[str]:
    found = sorted(
        (_deepest(e) for e in errors),
        key=lambda e: (list(map(str, e.instance_path)), e.message),
    )
    return [f"{where(error.instance_path, prefix)}: {error.message[:300]}" for error in found[:5]]


def document_errors(document: Any) -> list[str]:
    """What is wrong with the document around its events (at most five messages)."""
    if not isinstance(document, dict):
        return ["$: an EPCIS document is a JSON object"]
    kind = document.get("type")
    if kind not in ("EPCISDocument", "EPCISQueryDocument"):
        return ["$.type: the hub captures EPCISDocument and EPCISQueryDocument documents"]
    validator = _document_validator(kind)
    if validator.is_valid(document):
        return []
    return _messages(validator.iter_errors(document), "$")


def event_errors(event: Any, prefix: str) -> list[str]:
    """What is wrong with one event (at most five messages), paths under `prefix`."""
    if not isinstance(event, dict):
        return [f"{prefix}: an EPCIS event is a JSON object"]
    kind = event.get("type")
    validator = _event_validator(kind if isinstance(kind, str) else "")
    if validator.is_valid(event):
        return []
    return _messages(validator.iter_errors(event), prefix)
