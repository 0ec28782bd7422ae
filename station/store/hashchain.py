"""The tamper-evident chain over the event log.

Each stored event carries the hash of the previous event's hash followed by its own
canonical JSON, so editing, removing or reordering any event breaks every hash after
it. A log is chained one of two ways, fixed when the log is created (see
`station.store.integrity`):

* ``sha256``: SHA-256 of the link. Verification needs nothing but the log; so does a
  re-chain by anyone who edits the file.
* ``hmac-sha256``: HMAC-SHA256 of the link under the station's secret. Only someone
  holding the secret can compute (or check) a link.

The body is `event_body`; `stored_body` rebuilds exactly the same text from the
stored columns when the payload column holds the canonical JSON (events written since
the payload is stored canonical), without parsing and re-serialising the payload:
that is what keeps `verify-log` close to the cost of reading and hashing the rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

GENESIS = "0" * 64
PLAIN = "sha256"
KEYED = "hmac-sha256"
CHAIN_MODES = (PLAIN, KEYED)

_dumps = encode_basestring  # json.dumps(text, ensure_ascii=False) of one string, in C


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


def stored_body(  # noqa: PLR0917 - one argument per stored column, called once per row
    event_id: str,
    kind: str,
    station_id: str,
    operator_id: str | None,
    recorded_at: str,
    payload_json: str,
) -> str:
    """`event_body` of a stored row whose payload column is `canonical_json` of the payload.

    The keys are written in the order `canonical_json` sorts them, so the text is the
    same byte for byte; a payload column that is not canonical gives another text (and
    so a hash that does not match), never a false match.
    """
    return (
        f'{{"id":{_dumps(event_id)},"kind":{_dumps(kind)},'
        f'"operator_id":{"null" if operator_id is None else _dumps(operator_id)},'
        f'"payload":{payload_json},"recorded_at":{_dumps(recorded_at)},'
        f'"station_id":{_dumps(station_id)}}}'
    )


def chain_hash(prev_hash: str, body: str) -> str:
    """Hash of one plain link: SHA-256 over the previous hash and this event's body."""
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


class Chain:
    """How one log's links are hashed: plain SHA-256, or HMAC-SHA256 under a secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        self.mode = PLAIN if secret is None else KEYED
        self._keyed = None if secret is None else hmac.new(secret, digestmod=hashlib.sha256)

    def link(self, prev_hash: str, body: str) -> str:
        """The hash of the link from `prev_hash` to the event whose body is `body`."""
        data = (prev_hash + body).encode("utf-8")
        if self._keyed is None:
            return hashlib.sha256(data).hexdigest()
        mac = self._keyed.copy()
        mac.update(data)
        return mac.hexdigest()

    def sign(self, text: str) -> str | None:
        """The secret's HMAC of `text` (the anchor's seal); None for a plain chain."""
        if self._keyed is None:
            return None
        mac = self._keyed.copy()
        mac.update(b"station-anchor\x00" + text.encode("utf-8"))
        return mac.hexdigest()

    def key_check(self) -> str | None:
        """A short fingerprint naming the secret without revealing it; None when plain."""
        if self._keyed is None:
            return None
        mac = self._keyed.copy()
        mac.update(b"station-key-check")
        return mac.hexdigest()[:16]
