"""The shared reader of the config file's tables: type checks that name the dotted key.

Every table reader (one module per TOML table) goes through `TableReader`, so every
problem is reported the same way: one line with the file, the dotted key, what was
expected and what was found, and for an unknown key the nearest valid one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from station.domain.suggestions import did_you_mean
from station.domain.value_kinds import toml_kind as kind_name
from station.errors import ConfigError

T = TypeVar("T")


class TableReader:
    """Walks the parsed TOML, checking keys and types, naming the dotted key on error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        """The error for `key` in this file."""
        return ConfigError(self.where(key, message))

    def where(self, key: str, message: str) -> str:
        """One line naming this file and `key`: how errors and warnings are worded."""
        return f"{self.path}: {key}: {message}"

    def table(self, value: object, key: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        """`value` as a table holding only `allowed` keys ("did you mean" for any other)."""
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, found {kind_name(value)}")
        for name in value:
            if name not in allowed:
                hint = did_you_mean(name, allowed)
                where = f"{key}.{name}" if key else name
                raise self.fail(where, f"unknown key{hint} (valid: {', '.join(allowed)})")
        return value

    def get(
        self,
        table: Mapping[str, Any],
        key: str,
        name: str,
        kind: type[T],
        default: T | None = None,
        *,
        required: bool = False,
    ) -> T:
        """``table[name]`` of type `kind` (an integer counts as a float), else `default`."""
        where = f"{key}.{name}" if key else name
        if name not in table:
            if required or default is None:
                raise self.fail(where, "required key is missing")
            return default
        value = table[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(where, f"expected {kind.__name__}, found {kind_name(value)} {value!r}")
        return value

    def text(
        self, table: Mapping[str, Any], key: str, name: str, default: str | None = None
    ) -> str:
        """A string that is not blank."""
        value = self.get(table, key, name, str, default)
        if not value.strip():
            raise self.fail(f"{key}.{name}", "must not be empty")
        return value

    def strings(self, table: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
        """An array of strings (empty when the key is absent)."""
        values = self.get(table, key, name, list, [])
        for i, item in enumerate(values):
            if not isinstance(item, str):
                raise self.fail(f"{key}.{name}[{i}]", f"expected str, found {kind_name(item)}")
        return tuple(values)

    def tables(self, table: Mapping[str, Any], key: str, name: str) -> list[tuple[str, Any]]:
        """An array of tables, each with the dotted key it stands at (``risk.rules[0]``)."""
        values = self.get(table, key, name, list, [])
        return [(f"{key}.{name}[{i}]" if key else f"{name}[{i}]", v) for i, v in enumerate(values)]

    def choice(self, value: str, where: str, enum: Callable[[str], T], options: list[str]) -> T:
        """`value` as a member of `enum`, or an error listing `options`."""
        try:
            return enum(value)
        except ValueError:
            raise self.fail(
                where, f"expected one of {', '.join(options)}, found {value!r}"
            ) from None
