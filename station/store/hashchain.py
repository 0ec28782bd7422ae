"""The tamper-evident chain over the event log.

Each stored event carries the SHA-256 of the previous event's hash followed by its
own canonical JSON, so editing, removing or reordering any event breaks every hash
after it. Verification needs nothing but the log itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Stable JSON: sorted keys, no whitespace, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_body(
    *,
    event_id: str,
    kind: str,
    station_id: str,
    operator_id: str | None,
    recorded_at: dt.datetime | str,
    payload: Mapping[str, Any],
) -> str:
    """The canonical text of an event that its hash covers."""
    when = recorded_at if isinstance(recorded_at, str) else recorded_at.isoformat()
    return canonical_json(
        {
            "id": event_id,
            "kind": kind,
            "station_id": station_id,
            "operator_id": operator_id,
            "recorded_at": when,
            "payload": payload,
        }
    )


def chain_hash(prev_hash: str, body: str) -> str:
    """Hash of one link: SHA-256 over the previous hash and this event's body."""
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
