"""Why a sync round failed, as data the worker acts on and a person reads.

Every error says whether the hub was reached (``online``): a closed port, a timeout or a
broken connection is offline; an answer of any kind, even a refusal, is online. None of
the messages ever carries the token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from station.errors import StationError


class SyncError(StationError):
    """A round could not finish; the message says why in one line."""

    online = True


class HubUnreachable(SyncError):
    """No answer: the hub's port is closed, the connection broke or the answer timed out."""

    online = False


class TokenFileError(SyncError):
    """The token file named by ``[sync] token_file`` cannot be used."""

    online = False


class HubBusy(SyncError):
    """The hub answered 429, 503 or another 5xx: try again later (after `retry_after_s`)."""

    def __init__(self, message: str, status: int, retry_after_s: float | None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class HubRejected(SyncError):
    """The hub refused the request itself (token, scope, size, content): a person must act."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class LogRefused(SyncError):
    """The log does not continue the head the hub acknowledged: a fork, a gap or a cut."""

    def __init__(self, reason: str, message: str, members: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.members = dict(members or {})
