"""Checking the hash chain: every event, or only those after a head checked before.

Rows are fetched in batches and each link is hashed from the stored text: the body
is rebuilt from the columns as they are (`stored_body`) when the payload column holds
canonical JSON (events from ``canonical_from`` on), and only older events have their
payload parsed and re-serialised as the hash defines it. A row whose fast form does
not match is tried in the other form before it is called altered, so a log written
by an older version (or by a tool storing the payload otherwise) still verifies.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from station.store.anchor import EMPTY, Head
from station.store.hashchain import Chain, event_body, stored_body

_BATCH = 4096
_ROWS = (
    "SELECT seq, id, kind, station_id, operator_id, recorded_at, payload, prev_hash, hash"
    " FROM events WHERE seq > ? ORDER BY seq"
)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Outcome of checking the hash chain."""

    ok: bool
    events: int
    message: str
    first_bad_seq: int | None = None
    head: Head = EMPTY
    """The last event checked and found intact (where an incremental check goes on)."""


def verify_chain(
    conn: sqlite3.Connection, chain: Chain | None, canonical_from: int, start: Head = EMPTY
) -> VerifyReport:
    """Check every link after `start` (whose hash is taken as checked already).

    With no `chain` (a keyed log and no secret) only the order and the links between
    stored hashes are checked, not the hashes themselves.
    """
    prev, expected, count = start.hash, start.seq + 1, 0
    link = chain.link if chain is not None else None
    cursor = conn.execute(_ROWS, (start.seq,))
    while rows := cursor.fetchmany(_BATCH):
        for seq, eid, kind, station, operator, when, payload, prev_hash, digest in rows:
            checked = Head(expected - 1, prev)
            if seq != expected:
                message = f"event #{expected} is missing (next is #{seq})"
                return VerifyReport(False, count, message, seq, checked)
            if prev_hash != prev:
                message = f"event #{seq} does not link to event #{seq - 1}"
                return VerifyReport(False, count, message, seq, checked)
            if link is None:
                prev, count, expected = digest, count + 1, expected + 1
                continue
            fast = seq >= canonical_from
            if fast:
                ok = link(prev, stored_body(eid, kind, station, operator, when, payload)) == digest
            if not fast or not ok:
                try:
                    body = event_body(
                        event_id=eid,
                        kind=kind,
                        station_id=station,
                        operator_id=operator,
                        recorded_at=when,
                        payload=json.loads(payload),
                    )
                except ValueError:
                    message = f"event #{seq} has a corrupt payload"
                    return VerifyReport(False, count, message, seq, checked)
                ok = link(prev, body) == digest
                if not ok and not fast:
                    ok = link(prev, stored_body(eid, kind, station, operator, when, payload)) == (
                        digest
                    )
            if not ok:
                message = f"event #{seq} ({eid}) was altered: its hash does not match"
                return VerifyReport(False, count, message, seq, checked)
            prev = digest
            count += 1
            expected += 1
    head = Head(expected - 1, prev)
    if start.seq:
        message = f"{count} events after #{start.seq} checked, hash chain intact"
    else:
        message = f"{count} events, hash chain intact"
    return VerifyReport(True, count, message, None, head)
