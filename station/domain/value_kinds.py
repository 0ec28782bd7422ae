"""What kind of value a parsed TOML file held, in TOML's words, for error messages.

One home for it, so the station config and the site label templates name a wrong
value the same way.

>>> toml_kind({}), toml_kind([]), toml_kind("x"), toml_kind(True), toml_kind(1.5)
('table', 'array', 'string', 'boolean', 'float')
"""

from __future__ import annotations

import datetime as dt

__all__ = ["toml_kind"]

_TOML_NAMES: dict[type, str] = {
    dict: "table",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "float",
    dt.datetime: "date-time",
    dt.date: "date",
    dt.time: "time",
}


def toml_kind(value: object) -> str:
    """The TOML name of a parsed value's type ("table", "array", ...)."""
    return _TOML_NAMES.get(type(value), type(value).__name__)
