"""One field of a JSON manifest: read, typed, stripped and checked, at its JSON path.

`station.domain.manifest.json_format` walks a manifest's structure; each value it
meets is read here, so every field of every object is refused in the same words:
a missing required string, a number where a string belongs, an unknown or repeated
key (with the nearest valid key), a flag that is no boolean. `JsonObject` is what
``json.loads`` builds for an object when asked, so that a key given twice is seen.

    >>> out = Problems()
    >>> read_text(JsonObject([("lot", " A1 ")]), "lot", "$.units[0]", out), len(out)
    ('A1', 0)
    >>> read_object(JsonObject([("sscs", "1")]), "unit", ("sscc", "packaging"), "$.units[0]", out)
    {'sscs': '1'}
    >>> str(out.items[0])
    "$.units[0].sscs: Unknown key 'sscs': expected one of sscc, packaging; did you mean 'sscc'?"
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from station.domain.manifest.rules import (
    Check,
    Problems,
    check_quantity,
    identifier,
    kind,
    nearest,
    show,
)
from station.domain.printable import printable

__all__ = [
    "JsonObject",
    "member",
    "read_checked",
    "read_flag",
    "read_id",
    "read_id_list",
    "read_object",
    "read_quantity",
    "read_text",
    "read_text_list",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_T = TypeVar("_T")


class JsonObject(dict[str, Any]):
    """A JSON object that remembers keys it held twice (``json`` keeps the last silently)."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        if len(self) == len(pairs):
            self.duplicates: tuple[str, ...] = ()
        else:
            seen: set[str] = set()
            twice: list[str] = []
            for key, _ in pairs:
                if key in seen and key not in twice:
                    twice.append(key)
                seen.add(key)
            self.duplicates = tuple(twice)


def member(path: str, key: str) -> str:
    """The JSON path of `key` in the object at `path`: ``$.units[0].sscc`` or ``$["odd key"]``."""
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(printable(key, 40), ensure_ascii=False)}]"


def read_object(
    value: object, what: str, allowed: Sequence[str], path: str, out: Problems
) -> JsonObject | None:
    """`value` as an object holding only `allowed` keys, each once; None when it is no object.

    A key problem is reported and the object still returned, so its fields are read
    and every problem of the file is found in one pass.
    """
    obj = _as_object(value, what, path, out)
    if obj is not None:
        _check_keys(obj, allowed, path, out)
    return obj


def _as_object(value: object, what: str, path: str, out: Problems) -> JsonObject | None:
    """`value` when it is an object, else None after a problem naming `what` was expected."""
    if isinstance(value, JsonObject):
        return value
    out.add(path, f"Invalid {what} {show(value)}: expected an object, found {kind(value)}.")
    return None


def _check_keys(obj: JsonObject, allowed: Sequence[str], path: str, out: Problems) -> None:
    """A problem for each key given twice and each key not `allowed` (with the nearest one)."""
    for key in obj.duplicates:
        out.add(
            member(path, key),
            f"Duplicate key {show(key)}: expected each key once in an object, found it "
            "twice (one value would be silently lost).",
        )
    for key in obj:
        if key in allowed:
            continue
        best = nearest(key, allowed)
        hint = f"; did you mean {best!r}?" if best else "."
        out.add(
            member(path, key),
            f"Unknown key {show(key)}: expected one of {', '.join(allowed)}{hint}",
        )


def read_text(
    obj: Mapping[str, Any], key: str, path: str, out: Problems, *, required: bool = False
) -> str | None:
    """A string, stripped; None when absent or empty (a problem when `required`) or no string."""
    where = member(path, key)
    value = obj.get(key)
    if value is None:
        if required:
            out.add(where, f"Missing {key}: expected a non-empty string, found nothing.")
        return None
    if not isinstance(value, str):
        out.add(where, f"Invalid {key} {show(value)}: expected a string, found {kind(value)}.")
        return None
    text = value.strip()
    if not text and required:
        out.add(where, f"Invalid {key} {show(value)}: expected a non-empty string, found none.")
    return text or None


def read_text_list(obj: Mapping[str, Any], key: str, path: str, out: Problems) -> tuple[str, ...]:
    """A list of non-empty strings, stripped; () when absent or after problems."""
    where = member(path, key)
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        out.add(
            where,
            f"Invalid {key} {show(value)}: expected a list of strings, found {kind(value)}.",
        )
        return ()
    items: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            out.add(
                f"{where}[{i}]",
                f"Invalid {key} entry {show(item)}: expected a non-empty string, "
                f"found {kind(item) if not isinstance(item, str) else 'an empty one'}.",
            )
            continue
        items.append(item.strip())
    return tuple(items)


def read_id(
    obj: Mapping[str, Any], key: str, path: str, out: Problems, *, required: bool = False
) -> str | None:
    """An identifier: `read_text`, refused when it holds a control, bidi or zero-width character."""
    text = read_text(obj, key, path, out, required=required)
    return None if text is None else identifier(key)(text, member(path, key), out)


def read_id_list(obj: Mapping[str, Any], key: str, path: str, out: Problems) -> tuple[str, ...]:
    """A list of identifiers (`read_text_list`, each passing the `identifier` rule)."""
    check = identifier(f"{key} entry")
    where = member(path, key)
    items = read_text_list(obj, key, path, out)
    checked = [check(item, f"{where}[{i}]", out) for i, item in enumerate(items)]
    return tuple(item for item in checked if item is not None)


def read_checked(
    obj: Mapping[str, Any], key: str, path: str, out: Problems, check: Check[_T]
) -> _T | None:
    """A string field passed through the field rule `check`; None when absent or refused."""
    text = read_text(obj, key, path, out)
    return None if text is None else check(text, member(path, key), out)


def read_quantity(obj: Mapping[str, Any], path: str, out: Problems) -> Decimal | None:
    """The ``quantity`` of a content line: a JSON number passing `check_quantity`, or None."""
    value = obj.get("quantity")
    if value is None:
        return None
    where = member(path, "quantity")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        out.add(
            where,
            f"Invalid quantity {show(value)}: expected a positive number, found {kind(value)}.",
        )
        return None
    return check_quantity(Decimal(value), show(value), where, out)


def read_flag(obj: Mapping[str, Any], key: str, path: str, out: Problems) -> bool:
    """A boolean; false when absent or after a problem."""
    value = obj.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    out.add(
        member(path, key),
        f"Invalid {key} {show(value)}: expected true or false, found {kind(value)}.",
    )
    return False
