"""The station chain anchor: reading a capture's ``st:stationLog`` and judging it against the head.

The hub keeps, per station, the acknowledged head of the station's hash chain (sequence
and hash) and every entry it acknowledged. A batch is accepted when its first new entry
follows the head (``seq == head + 1`` and ``prevHash == head hash``; genesis: seq 1 after
64 zeros) and each entry links to the one before. Entries the hub already holds are a
no-op when their hash matches (a re-send) and a fork when it does not. This module is
pure: the store hands it the head and the stored hashes inside its transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class LogEntry:
    """One station event as the station's chain records it."""

    seq: int
    event_id: str
    kind: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class StationLog:
    """The station events of one capture, contiguous and in order."""

    station_id: str
    entries: tuple[LogEntry, ...]


@dataclass(frozen=True)
class Head:
    """A station's acknowledged chain head."""

    station_id: str
    seq: int
    hash: str


class LogError(ValueError):
    """The stationLog is malformed; the message names the JSON path."""


class ChainRefused(Exception):
    """The batch does not continue the acknowledged chain: a fork or a gap."""

    def __init__(self, reason: str, station_id: str, **details: Any) -> None:
        self.reason = reason
        self.station_id = station_id
        self.details = details
        super().__init__(reason)

    def problem_members(self) -> dict[str, Any]:
        """The ``st:`` members of the 409 problem body."""
        members: dict[str, Any] = {"st:reason": self.reason, "st:stationId": self.station_id}
        members.update({f"st:{key}": value for key, value in self.details.items()})
        return members

    def detail(self) -> str:
        """One line a person reads."""
        if self.reason == "gap":
            return (
                f"station {self.station_id}: the batch starts at seq "
                f"{self.details.get('firstSeq')} but the hub expects seq "
                f"{self.details.get('expectedSeq')}: events are missing"
            )
        return (
            f"station {self.station_id}: the hub acknowledged seq {self.details.get('seq')} "
            f"with another hash: the station's log is not the one the hub anchored (fork)"
        )


def _text(value: Any, path: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise LogError(f"{path}: expected a non-empty string")
    if pattern is not None and not pattern.fullmatch(value):
        raise LogError(f"{path}: expected 64 lowercase hex digits")
    return value


def parse_station_log(value: Any, path: str) -> StationLog:
    """The stationLog of a capture header; `LogError` naming the path when malformed."""
    if not isinstance(value, dict):
        raise LogError(f"{path}: expected an object")
    station_id = _text(value.get("stationId"), f"{path}.stationId")
    raw = value.get("entries")
    if not isinstance(raw, list) or not raw:
        raise LogError(f"{path}.entries: expected a non-empty array")
    entries: list[LogEntry] = []
    for i, item in enumerate(raw):
        where = f"{path}.entries[{i}]"
        if not isinstance(item, dict):
            raise LogError(f"{where}: expected an object")
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise LogError(f"{where}.seq: expected an integer of at least 1")
        entry = LogEntry(
            seq=seq,
            event_id=_text(item.get("eventId"), f"{where}.eventId"),
            kind=_text(item.get("kind"), f"{where}.kind"),
            prev_hash=_text(item.get("prevHash"), f"{where}.prevHash", _HEX64),
            hash=_text(item.get("hash"), f"{where}.hash", _HEX64),
        )
        if entries:
            before = entries[-1]
            if entry.seq != before.seq + 1:
                raise LogError(f"{where}.seq: {entry.seq} does not follow {before.seq}")
            if entry.prev_hash != before.hash:
                raise LogError(f"{where}.prevHash: does not link to the entry before it")
        entries.append(entry)
    return StationLog(station_id, tuple(entries))


def new_entries(
    log: StationLog, head: Head | None, stored: Mapping[int, str]
) -> tuple[LogEntry, ...]:
    """The entries past the head, after checking the batch against the acknowledged chain.

    `stored` maps the sequence numbers of the batch the hub already holds to their hashes.
    Raises `ChainRefused` for a fork (an acknowledged seq sent with another hash) or a gap.
    """
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    for entry in log.entries:
        if entry.seq > head_seq:
            break
        if stored.get(entry.seq) != entry.hash:
            raise ChainRefused(
                "fork", log.station_id, seq=entry.seq, expectedHash=stored.get(entry.seq)
            )
    fresh = tuple(entry for entry in log.entries if entry.seq > head_seq)
    if not fresh:
        return ()
    first = fresh[0]
    if first.seq != head_seq + 1:
        raise ChainRefused("gap", log.station_id, expectedSeq=head_seq + 1, firstSeq=first.seq)
    if first.prev_hash != head_hash:
        raise ChainRefused("fork", log.station_id, seq=head_seq, expectedHash=head_hash)
    return fresh
