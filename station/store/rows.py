"""Query results as records: the one way the event log and the views read rows.

A view names its columns once; the record's fields carry the same names, so the
SELECT list and the mapping cannot drift apart. `record` builds the frozen value,
converting only what SQLite cannot type (booleans, enums, decimals, JSON).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Row = Sequence[Any]


def one(
    conn: sqlite3.Connection, sql: str, params: Sequence[object], make: Callable[[Row], T]
) -> T | None:
    """The first row of `sql` made into a record, or None when there is none."""
    row = conn.execute(sql, params).fetchone()
    return make(row) if row else None


def many(
    conn: sqlite3.Connection, sql: str, params: Sequence[object], make: Callable[[Row], T]
) -> list[T]:
    """Every row of `sql`, each made into a record."""
    return [make(row) for row in conn.execute(sql, params)]


def columns(names: Sequence[str], alias: str = "") -> str:
    """The SELECT list of `names`, each prefixed with ``alias.`` when one is given."""
    return ", ".join(f"{alias}.{name}" if alias else name for name in names)


def record(
    make: Callable[..., T], names: Sequence[str], row: Row, **convert: Callable[[Any], Any]
) -> T:
    """`make` called with the row's values by column name, `convert` applied by name."""
    values = dict(zip(names, row, strict=True))
    for name, converter in convert.items():
        values[name] = converter(values[name])
    return make(**values)
