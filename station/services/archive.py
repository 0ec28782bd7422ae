"""A self-contained, verifiable archive of one period of the event log.

``station export --from D --to D --out F.zip`` writes the contiguous run of events
recorded in the period, the hash that links its first event to the log before it,
the chain head at its last event, the claims and mass-balance reports of the
period, and a SHA-256 of every file; ``station verify-log --archive F.zip`` checks
all of that on another machine with nothing but the archive: every event's hash is
recomputed from its content and the previous hash, the run is contiguous, and the
head and the files match their records. Records are kept at least three years (the
``[claims] retention_years`` setting refuses less); the archive is how they leave
the PC for longer keeping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.domain.events import StoredEvent
from station.errors import StationError
from station.store.hashchain import KEYED, PLAIN, Chain, event_body

__all__ = ["ArchiveReport", "verify_archive", "write_archive"]

FORMAT = "station-archive/1"


class ArchiveError(StationError):
    """An archive that cannot be written or read."""


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    """What checking an archive found."""

    ok: bool
    events: int
    message: str


def write_archive(
    path: Path,
    events: Iterable[StoredEvent],
    *,
    station_id: str,
    start: dt.date,
    end: dt.date,
    reports: dict[str, str],
    chain: str = PLAIN,
) -> int:
    """Write the events recorded from `start` to `end` (inclusive); return how many."""
    # From the first event of the period to its last, with anything between them (a
    # clock set back can leave an earlier date inside the run): the run is contiguous.
    chosen: list[StoredEvent] = []
    last_inside = 0
    for stored in events:
        inside = start <= stored.event.recorded_at.date() <= end
        if inside or chosen:
            chosen.append(stored)
        if inside:
            last_inside = len(chosen)
    chosen = chosen[:last_inside]
    lines = "".join(json.dumps(_row(s), sort_keys=True, ensure_ascii=True) + "\n" for s in chosen)
    files = {"events.jsonl": lines, **{f"reports/{k}": v for k, v in reports.items()}}
    meta = {
        "format": FORMAT,
        "station_id": station_id,
        "chain": chain,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "events": len(chosen),
        "first_seq": chosen[0].seq if chosen else None,
        "last_seq": chosen[-1].seq if chosen else None,
        "prev_hash": chosen[0].prev_hash if chosen else None,
        "head_hash": chosen[-1].hash if chosen else None,
        "sha256": {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files.items()},
    }
    tmp = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("archive.json", json.dumps(meta, indent=2, sort_keys=True) + "\n")
            for name, text in files.items():
                archive.writestr(name, text)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write the archive {str(path)!r}: {exc}") from exc
    return len(chosen)


def _row(stored: StoredEvent) -> dict[str, Any]:
    event = stored.event
    return {
        "seq": stored.seq,
        "id": event.id,
        "kind": event.kind.value,
        "station_id": event.station_id,
        "operator_id": event.operator_id,
        "recorded_at": event.recorded_at.isoformat(),
        "payload": event.payload,
        "prev_hash": stored.prev_hash,
        "hash": stored.hash,
    }


def verify_archive(path: Path, secret: bytes | None = None) -> ArchiveReport:
    """Check an archive written by `write_archive`, with nothing but its content.

    The events of a keyed log (``chain`` ``hmac-sha256``) need the station's `secret`
    to be checked; without it only their order and links are, and the report says so.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("archive.json"))
            files = {name: archive.read(name) for name in meta.get("sha256", {})}
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return ArchiveReport(False, 0, f"not a readable station archive: {exc}")
    if meta.get("format") != FORMAT:
        return ArchiveReport(False, 0, f"unknown archive format {meta.get('format')!r}")
    for name, digest in meta["sha256"].items():
        if hashlib.sha256(files[name]).hexdigest() != digest:
            return ArchiveReport(False, 0, f"{name} was altered: its SHA-256 does not match")
    keyed = meta.get("chain", PLAIN) == KEYED
    if keyed and secret is None:
        checked = _check_chain(files["events.jsonl"].decode("utf-8"), meta, None)
        return ArchiveReport(
            False,
            checked.events,
            f"{checked.message}; the archive's chain is keyed (HMAC-SHA256): without the "
            "station's secret ([integrity] secret_file) only its order and links were checked",
        )
    chain = Chain(secret if keyed else None)
    return _check_chain(files["events.jsonl"].decode("utf-8"), meta, chain)


def _check_chain(text: str, meta: dict[str, Any], chain: Chain | None) -> ArchiveReport:
    prev = meta.get("prev_hash")
    expected_seq = meta.get("first_seq")
    count = 0
    for line in text.splitlines():
        row = json.loads(line)
        seq = row["seq"]
        if seq != expected_seq:
            return ArchiveReport(False, count, f"event #{expected_seq} is missing (next is #{seq})")
        if row["prev_hash"] != prev:
            return ArchiveReport(False, count, f"event #{seq} does not link to event #{seq - 1}")
        body = event_body(
            event_id=row["id"],
            kind=row["kind"],
            station_id=row["station_id"],
            operator_id=row["operator_id"],
            recorded_at=row["recorded_at"],
            payload=row["payload"],
        )
        if chain is not None and chain.link(prev, body) != row["hash"]:
            return ArchiveReport(False, count, f"event #{seq} ({row['id']}) was altered")
        prev = row["hash"]
        expected_seq = seq + 1
        count += 1
    if count != meta.get("events") or prev != meta.get("head_hash"):
        return ArchiveReport(False, count, "the archive's event count or head does not match")
    span = f"#{meta['first_seq']}..#{meta['last_seq']}" if count else "no events"
    return ArchiveReport(
        True,
        count,
        f"{count} events ({span}) of {meta['station_id']} from {meta['from']} to "
        f"{meta['to']}, hash chain intact, head {str(prev)[:16]}...",
    )
