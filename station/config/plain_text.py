"""Every text of the config file, keys included, must be plain: no control, bidi or zero-width.

A config file is written by a person for the station; nothing in it needs a
terminal escape, a bidi override or an invisible character, and each of them would
make a value differ from what it looks like (a station id stamped on every event, a
badge, a resolver host). So any string holding one is refused, naming the dotted
key and the character. The walk is iterative and bounded, so a file nested
thousands deep is refused here in words, not by a RecursionError.
"""

from __future__ import annotations

from typing import Any

from station.config.reader import TableReader
from station.domain.printable import describe_unsafe

__all__ = ["MAX_DEPTH", "check_plain_text"]

MAX_DEPTH = 16
"""No table or array of the station's config nests deeper than this."""


def check_plain_text(reader: TableReader, data: dict[str, Any]) -> None:
    """Raise the `ConfigError` for the first unsafe string or over-deep nesting in `data`."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise reader.fail(
                where, f"nested more than {MAX_DEPTH} levels deep; the station's config never is"
            )
        if isinstance(value, str):
            problem = describe_unsafe(value)
            if problem is not None:
                raise reader.fail(where, f"{value!r} holds {problem}: config text must be plain")
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                child = f"{where}.{key}" if where else str(key)
                problem = describe_unsafe(str(key))
                if problem is not None:
                    raise reader.fail(child, f"the key holds {problem}")
                stack.append((child, item, depth + 1))
        elif isinstance(value, list):
            stack.extend(
                (f"{where}[{i}]", item, depth + 1) for i, item in reversed(list(enumerate(value)))
            )
