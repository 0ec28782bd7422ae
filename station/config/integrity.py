"""The ``[integrity]`` table: the station secret that keys the hash chain, and the anchor.

``secret_file`` names a file (relative to the config file's folder) holding the
station's secret; the chain of a new log is then HMAC-SHA256 under it. The file is
read, and its permissions checked, when the station opens its database (see
`station.store.integrity.load_secret`). ``anchor_every`` is how many events may be
committed before the anchor file beside the database is rewritten (it is also
rewritten when the station closes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.config.reader import TableReader

INTEGRITY_KEYS = ("secret_file", "anchor_every")
MAX_ANCHOR_EVERY = 10_000


@dataclass(frozen=True, slots=True)
class IntegritySettings:
    """The validated ``[integrity]`` table."""

    secret_file: Path | None = None
    anchor_every: int = 16


def read_integrity(reader: TableReader, value: object) -> IntegritySettings:
    """The ``[integrity]`` table (every key optional)."""
    table = reader.table(value, "integrity", INTEGRITY_KEYS)
    secret: Path | None = None
    if "secret_file" in table:
        secret = Path(reader.text(table, "integrity", "secret_file")).expanduser()
        if not secret.is_absolute():
            secret = reader.path.parent / secret
    every = reader.get(table, "integrity", "anchor_every", int, 16)
    if not 1 <= every <= MAX_ANCHOR_EVERY:
        raise reader.fail("integrity.anchor_every", f"must be 1 to {MAX_ANCHOR_EVERY}")
    return IntegritySettings(secret_file=secret, anchor_every=every)
