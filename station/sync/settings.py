"""The ``[sync]`` settings: which hub, the token's file, batch size, intervals, timeouts.

Checked when built, so a bad value is refused when the config loads (`SyncSettingsError`
names the key); the token itself is read from `token_file` only when the worker talks
to the hub, and never appears in arguments, logs, events or messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

SYNC_KEYS: Final = (
    "hub",
    "token_file",
    "batch_size",
    "interval_s",
    "pull_interval_s",
    "timeout_s",
    "backoff_max_s",
    "pull",
)
MAX_BATCH: Final = 10_000
_HUB: Final = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(:[0-9]{1,5})?(/[^\s?#]*)?")


class SyncSettingsError(ValueError):
    """A ``[sync]`` value the worker cannot use; the message starts with the key."""


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """How this station syncs with its hub."""

    hub: str
    """Base URL of the hub, ``http(s)://host[:port][/path]`` (no trailing slash kept)."""
    token_file: Path
    """File holding this station's bearer token (``station hub-token create``)."""
    batch_size: int = 1000
    """Station events per capture document (at most the hub's capture limit)."""
    interval_s: float = 5.0
    """Pause between rounds when the station is up to date."""
    pull_interval_s: float = 60.0
    """Pause between pulls of site data (manifests, roster, risk rules)."""
    timeout_s: float = 10.0
    """Longest wait for the hub to connect or answer before the round counts as offline."""
    backoff_max_s: float = 300.0
    """Longest pause after failures (exponential backoff with jitter up to this)."""
    pull: bool = True
    """Pull site data from the hub (false: push only)."""

    def __post_init__(self) -> None:
        if not _HUB.fullmatch(self.hub):
            raise SyncSettingsError(
                f"hub: expected an http(s) URL such as 'https://hub.example:8400', "
                f"found {self.hub!r}"
            )
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise SyncSettingsError(
                f"batch_size: expected 1 to {MAX_BATCH}, found {self.batch_size}"
            )
        for name, low in (
            ("interval_s", 0.05),
            ("pull_interval_s", 0.05),
            ("timeout_s", 0.1),
            ("backoff_max_s", 0.1),
        ):
            value = getattr(self, name)
            if not low <= value <= 86_400:
                raise SyncSettingsError(f"{name}: expected {low} to 86400 seconds, found {value}")

    @property
    def base_url(self) -> str:
        """The hub URL without a trailing slash."""
        return self.hub.rstrip("/")
