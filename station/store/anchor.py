"""Witnesses of how far the event log reached: the anchor file now, the hub later.

A hash chain shows that no event *inside* the log was changed, but not that the log
still has its end (a cut tail), still exists (an emptied or re-created file) or is
still the same file. For that the station keeps witnesses outside the database:

* `AnchorSource` is one place that vouches for the log's head: it gives a `Witness`
  (which database, which sequence number, which hash). `disagreement` compares one
  witness with the log as it is now: the log must be the same database, reach at
  least the witnessed sequence number and hold the witnessed hash there.
* `AnchorFile` is the local witness: ``station.anchor.json`` beside the database,
  holding the station id, the database's id and file identity, the chain mode, the
  last committed head and the last head `verify-log` checked. It is written
  durably (temporary file, fsync, rename, fsync of the directory) every few events
  and when the station closes, under a lock on the directory so a writer and
  `verify-log` never lose each other's update. On a keyed chain it is sealed with
  the station's secret (``mac``), so it cannot be moved back without the secret.
* The hub's acknowledgement of a station's chain head (``station/hub/chain.py`` keeps
  it per station) is a second `AnchorSource`, off the PC: its `witness` is the last
  head the hub confirmed, with no database id (the hub knows the station's chain, not
  its file). `IntegrityOptions.witnesses` takes it beside the anchor file. It covers
  what a local witness cannot: someone removing the whole data directory, anchor
  included, or holding the secret.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from station.errors import StoreError
from station.store.hashchain import GENESIS, KEYED, Chain, canonical_json

ANCHOR_NAME = "station.anchor.json"
FORMAT = "station-anchor/1"


@dataclass(frozen=True, slots=True)
class Head:
    """One point of the chain: a sequence number and the hash of that event (0: none)."""

    seq: int
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON form kept in the anchor."""
        return {"seq": self.seq, "hash": self.hash}


EMPTY = Head(0, GENESIS)


@dataclass(frozen=True, slots=True)
class Witness:
    """What one anchor source vouches for: the log of `database_id` reached `head`."""

    source: str
    database_id: str | None
    """None: a witness that knows the station's chain but not the file (the hub)."""
    head: Head


class AnchorSource(Protocol):
    """A place, on this PC or off it, that vouches for how far the log reached."""

    @property
    def name(self) -> str:
        """How messages name it, e.g. ``the anchor file /var/lib/station/...``."""
        ...

    def witness(self) -> Witness | None:
        """The latest head it vouches for; None when it has none yet."""
        ...


class LogEnd(Protocol):
    """What `disagreement` reads of the log."""

    def head(self) -> Head:
        """The last stored event (`EMPTY` for an empty log)."""
        ...

    def hash_at(self, seq: int) -> str | None:
        """The stored hash of event `seq`, None if there is none."""
        ...


def disagreement(witness: Witness, database_id: str | None, log: LogEnd) -> str | None:
    """Why the log does not match what `witness` vouches for; None when it does."""
    source, wanted = witness.source, witness.head
    if witness.database_id is not None and database_id != witness.database_id:
        found = "has no database id" if database_id is None else f"is database {database_id}"
        return (
            f"the database is not the one {source} names: it {found}, the anchor names "
            f"database {witness.database_id} with {wanted.seq} events (a new or another "
            "file was put in its place)"
        )
    if wanted.seq == 0:
        return None
    head = log.head()
    if head.seq == 0:
        return (
            f"the event log is empty, but {source} recorded events up to #{wanted.seq}: "
            "the log was emptied or re-created"
        )
    if head.seq < wanted.seq:
        return (
            f"the event log ends at #{head.seq}, but {source} recorded #{wanted.seq}: "
            f"its last {wanted.seq - head.seq} events were cut"
        )
    if log.hash_at(wanted.seq) != wanted.hash:
        return (
            f"event #{wanted.seq} is not the one {source} recorded (hash "
            f"{wanted.hash[:16]}...): the log was rewritten"
        )
    return None


@dataclass(frozen=True, slots=True)
class AnchorRecord:
    """The content of an anchor file."""

    station_id: str
    database_id: str
    file_identity: tuple[int, int]
    chain: str
    head: Head
    verified: Head | None = None
    written_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form, without its seal."""
        return {
            "format": FORMAT,
            "station_id": self.station_id,
            "database_id": self.database_id,
            "database_file": {"dev": self.file_identity[0], "ino": self.file_identity[1]},
            "chain": self.chain,
            "head": self.head.as_dict(),
            "verified": None if self.verified is None else self.verified.as_dict(),
            "written_at": self.written_at,
        }


class AnchorFile:
    """``station.anchor.json``: the local `AnchorSource`, sealed when the chain is keyed."""

    def __init__(self, path: Path, chain: Chain) -> None:
        self.path = path
        self._chain = chain

    @property
    def name(self) -> str:
        """How messages name it."""
        return f"the anchor file {str(self.path)!r}"

    def exists(self) -> bool:
        """Whether the file is there."""
        return self.path.exists()

    def witness(self) -> Witness | None:
        """The head the file vouches for."""
        record, _ = self.read()
        return None if record is None else Witness(self.name, record.database_id, record.head)

    def read(self) -> tuple[AnchorRecord | None, str | None]:
        """The record (None if no file) and why its seal does not hold (None if it does)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"cannot read {self.name}: {exc}") from None
        try:
            data = json.loads(text)
            record = _record(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{self.name} is not a station anchor ({exc}): restore it from the backup "
                "of the data directory, or move it aside and run `station check-db --new-anchor`"
            ) from None
        return record, self._seal_problem(record, data.get("mac"))

    def _seal_problem(self, record: AnchorRecord, mac: object) -> str | None:
        expected = self._chain.sign(canonical_json(record.as_dict()))
        if expected is None:
            return None  # no secret here: `chain_problem` speaks for a keyed log
        if mac is None:
            if record.chain != KEYED:
                return None  # an unkeyed log's anchor: `chain_problem` speaks of the secret
            return f"{self.name} is not sealed, though the chain is keyed: it was rewritten"
        if mac != expected:
            return f"{self.name} was edited without the station's secret (its seal does not hold)"
        return None

    def update(self, change: Callable[[AnchorRecord | None], AnchorRecord]) -> AnchorRecord:
        """Read, change and durably rewrite the file, under the directory's lock."""
        with _locked(self.path.parent):
            current, _ = self.read()
            record = replace(
                change(current), written_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            )
            self._write(record)
        return record

    def _write(self, record: AnchorRecord) -> None:
        data = record.as_dict()
        mac = self._chain.sign(canonical_json(data))
        if mac is not None:
            data["mac"] = mac
        text = json.dumps(data, indent=2, sort_keys=True) + "\n"
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        except OSError:
            tmp.unlink(missing_ok=True)
            raise


def _record(data: dict[str, Any]) -> AnchorRecord:
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown format {data.get('format')!r}")
    verified = data.get("verified")
    return AnchorRecord(
        station_id=str(data["station_id"]),
        database_id=str(data["database_id"]),
        file_identity=(int(data["database_file"]["dev"]), int(data["database_file"]["ino"])),
        chain=str(data["chain"]),
        head=_head(data["head"]),
        verified=None if verified is None else _head(verified),
        written_at=str(data.get("written_at", "")),
    )


def _head(data: dict[str, Any]) -> Head:
    seq, digest = int(data["seq"]), str(data["hash"])
    if seq < 0 or len(digest) != 64:
        raise ValueError(f"bad head {data!r}")
    return Head(seq, digest)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
