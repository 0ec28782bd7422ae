"""The ``[release]`` table: how the release dock treats a unit id typed by hand."""

from __future__ import annotations

from station.config.reader import TableReader
from station.domain.checks.release import HandEntry

RELEASE_KEYS = ("hand_entry",)


def read_release(reader: TableReader, value: object) -> HandEntry:
    """``hand_entry``: ``refuse`` (default) or ``supervisor``."""
    table = reader.table(value, "release", RELEASE_KEYS)
    name = reader.get(table, "release", "hand_entry", str, HandEntry.REFUSE.value)
    return reader.choice(name, "release.hand_entry", HandEntry, [h.value for h in HandEntry])
