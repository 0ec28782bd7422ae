"""The ``[sync]`` table: the hub this station pushes its log to and pulls site data from.

Absent, the station does not sync. ``hub`` and ``token_file`` are required when the
table is there; ``token_file`` is relative to the config file's directory.
"""

from __future__ import annotations

from station.config.reader import TableReader
from station.sync.settings import SYNC_KEYS, SyncSettings, SyncSettingsError


def read_sync(reader: TableReader, value: object) -> SyncSettings:
    """The ``[sync]`` table as the sync worker's settings."""
    table = reader.table(value, "sync", SYNC_KEYS)
    token_file = reader.path.parent / reader.text(table, "sync", "token_file")
    numbers = {
        name: reader.get(table, "sync", name, float)
        for name in ("interval_s", "pull_interval_s", "timeout_s", "backoff_max_s")
        if name in table
    }
    try:
        return SyncSettings(
            hub=reader.text(table, "sync", "hub"),
            token_file=token_file,
            batch_size=reader.get(table, "sync", "batch_size", int, 1000),
            pull=reader.get(table, "sync", "pull", bool, True),
            **numbers,
        )
    except SyncSettingsError as exc:
        field, _, message = str(exc).partition(": ")
        raise reader.fail(f"sync.{field}", message) from None
