"""The outbox: the suffix of the event log after the head the hub acknowledged.

Nothing is copied: a batch is read from the log by sequence number and written as one
capture document (`station.sync.epcis`). Before anything is pushed the log is checked
against the two anchors of its past: the head kept in ``sync_state`` (locally, so a cut
shows even offline) and the head the hub reports (a log emptied or replaced, with its
``sync_state``, still cannot hide from the hub).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from station.domain.events import StoredEvent
from station.store.eventlog import EventLog
from station.store.views.receiving import SqliteReceivingView
from station.sync.client import HubClient, HubHead
from station.sync.epcis import (
    EpcisMappingError,
    EpcisSettings,
    ShipmentDocuments,
    build_capture_document,
)
from station.sync.errors import LogRefused, SyncError
from station.sync.state import GENESIS, SyncState, read_state, record_ack


@dataclass(frozen=True, slots=True)
class Pushed:
    """What one round pushed."""

    events: int
    batches: int
    acked_seq: int
    """The head the hub acknowledged at the end."""
    more: bool
    """Stopped early (asked to stop) with events still waiting."""


def log_head(log: EventLog) -> tuple[int, str]:
    """The last (seq, hash) of the log, (0, genesis) when it is empty."""
    row = log.connection.execute(
        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def hash_at(log: EventLog, seq: int) -> str | None:
    """The hash of event `seq` (the genesis hash for 0), None when the log has no such event."""
    if seq == 0:
        return GENESIS
    row = log.connection.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def check_local_anchor(log: EventLog, state: SyncState) -> None:
    """Refuse a log that lost or changed the head the hub acknowledged (known locally)."""
    if state.acked_seq == 0:
        return
    found = hash_at(log, state.acked_seq)
    last, _ = log_head(log)
    if found is None:
        raise LogRefused(
            "cut",
            f"the hub acknowledged this station's log up to #{state.acked_seq}, but the "
            f"log ends at #{last}: it was cut or replaced",
            {"st:seq": state.acked_seq},
        )
    if found != state.acked_hash:
        raise LogRefused(
            "fork",
            f"event #{state.acked_seq} is not the one the hub acknowledged (another hash): "
            "the log was replaced",
            {"st:seq": state.acked_seq, "st:expectedHash": state.acked_hash},
        )


def align_with_hub(log: EventLog, hub: HubHead, at: dt.datetime) -> int:
    """The seq to push after, given the head the hub holds of this station's log.

    When the log still holds that head, it becomes the acknowledged one. When the hub
    holds more than the log, the log was cut: refused here, since no capture would show
    it. When the log holds another event at that seq, the push starts with that seq, so
    the hub itself compares it with what it anchored and refuses the fork with its reason.
    """
    last, _ = log_head(log)
    if hub.seq > last:
        raise LogRefused(
            "cut",
            f"the hub holds this station's log up to #{hub.seq}, but the log ends at #{last}: "
            "it was cut, emptied or replaced",
            {"st:seq": hub.seq, "st:expectedHash": hub.hash},
        )
    if hash_at(log, hub.seq) != hub.hash:
        return hub.seq - 1
    record_ack(log.connection, hub.seq, hub.hash, at)
    return hub.seq


def _batch(log: EventLog, after: int, size: int) -> list[StoredEvent]:
    batch: list[StoredEvent] = []
    for stored in log.events(after_seq=after):
        batch.append(stored)
        if len(batch) == size:
            break
    return batch


def push_outbox(
    log: EventLog,
    view: SqliteReceivingView,
    settings: EpcisSettings,
    client: HubClient,
    *,
    batch_size: int,
    now: Callable[[], dt.datetime],
    stop: Callable[[], bool] = lambda: False,
) -> Pushed:
    """Push every event after the hub's head, in order, one capture document per batch."""
    state = read_state(log.connection)
    check_local_anchor(log, state)
    after = align_with_hub(log, client.head(), now())
    shipments = {
        record.shipment_id: ShipmentDocuments.from_manifest(record.manifest.as_dict())
        for record in view.shipments()
    }
    pushed = batches = 0
    while True:
        if stop():
            return Pushed(pushed, batches, after, more=log_head(log)[0] > after)
        batch = _batch(log, after, batch_size)
        if not batch:
            return Pushed(pushed, batches, after, more=False)
        try:
            document = build_capture_document(
                batch, settings, shipments=shipments, resolve=log.event_by_id
            )
        except EpcisMappingError as exc:
            raise SyncError(
                f"cannot write events #{batch[0].seq}-#{batch[-1].seq}: {exc}"
            ) from None
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        answered = client.capture(body) or client.head()
        after = align_with_hub(log, answered, now())
        if after < batch[-1].seq:
            raise SyncError(
                f"the hub acknowledged up to #{answered.seq} after a capture of "
                f"#{batch[0].seq}-#{batch[-1].seq}"
            )
        pushed += len(batch)
        batches += 1
