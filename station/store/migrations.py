"""Schema migrations for the station's SQLite file, applied in order by version.

Each migration is one SQL script in ``schema/`` (``001_event_log.sql`` is version 1),
never edited once released: a change is a new script. Each runs once, inside the
transaction that bumps ``PRAGMA user_version``, so a crash mid-migration leaves the
file at the previous version.
"""

from __future__ import annotations

import sqlite3
from importlib import resources


def _scripts() -> tuple[str, ...]:
    folder = resources.files("station.store").joinpath("schema")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    return tuple(folder.joinpath(name).read_text(encoding="utf-8") for name in names)


MIGRATIONS: tuple[str, ...] = _scripts()
"""The scripts of ``schema/NNN_*.sql`` in file-name order: version N is the Nth script."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to the newest version; return that version."""
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    for version, script in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
