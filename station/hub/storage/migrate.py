"""The hub's migrations: one set of SQL files for both backends, applied once each, in order.

``sql/NNN_name.sql`` is version NNN. A few words in braces are the only dialect
differences (`DIALECTS`). ``hub_schema`` records the applied versions; each script runs
in the transaction that records it, so a crash mid-migration leaves the previous version.
The caller serialises concurrent migrations (two hub processes starting at once).
"""

from __future__ import annotations

from importlib import resources

DIALECTS = {
    "sqlite": {"json": "TEXT", "partitioned": ""},
    "postgresql": {"json": "JSONB", "partitioned": "PARTITION BY RANGE (record_time_us)"},
}


def scripts(dialect: str) -> list[tuple[int, list[str]]]:
    """(version, statements) of every migration, for `dialect`."""
    folder = resources.files("station.hub.storage").joinpath("sql")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        text = entry.read_text(encoding="utf-8")
        for word, replacement in DIALECTS[dialect].items():
            text = text.replace("{" + word + "}", replacement)
        found.append((int(entry.name.split("_", 1)[0]), statements(text)))
    return found


def statements(script: str) -> list[str]:
    """The statements of a script without comments (none of them contains a semicolon)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
