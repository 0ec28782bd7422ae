"""The station's HTTP client of the hub (httpx): capture, the station's head, site data.

One `httpx.Client` per worker, with timeouts on connect, read, write and pool, and the
bearer token read from ``[sync] token_file`` into its default headers: it is never an
argument, never logged, never in an error message. Every outcome other than success
becomes one of `station.sync.errors`, so the worker decides from the kind alone.
Tests give the real hub or a real server; `transport` exists to inject faults.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

import httpx

from station.domain.printable import printable
from station.sync.backoff import parse_retry_after
from station.sync.errors import (
    HubBusy,
    HubRejected,
    HubUnreachable,
    LogRefused,
    SyncError,
    TokenFileError,
)
from station.sync.settings import SyncSettings

_HEAD: Final = re.compile(r"([0-9]+):([0-9a-f]{64})")
_TOKEN_CHARS: Final = frozenset(string.ascii_letters + string.digits + "-._~+/=")


@dataclass(frozen=True, slots=True)
class HubHead:
    """The head of this station's chain the hub acknowledged (seq 0 before the first push)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class SiteAnswer:
    """One site-data answer: 304 (`body` None) or 200 with its ETag and JSON body."""

    changed: bool
    etag: str | None
    body: Any


def read_token(settings: SyncSettings) -> str:
    """The bearer token in the token file (its content is never put in a message)."""
    path = settings.token_file
    try:
        token = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise TokenFileError(f"sync.token_file: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not ASCII text"
        raise TokenFileError(f"sync.token_file: cannot read {path}: {reason}") from None
    if not token or not set(token) <= _TOKEN_CHARS:
        raise TokenFileError(
            f"sync.token_file: {path} does not hold one token (letters, digits, -._~+/= only)"
        )
    return token


class HubClient:
    """Talks to one hub as one station."""

    def __init__(
        self,
        settings: SyncSettings,
        station_id: str,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.station_id = station_id
        timeout = httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 10.0))
        self._http = httpx.Client(
            base_url=settings.base_url,
            headers={
                "Authorization": f"Bearer {read_token(settings)}",
                "GS1-EPCIS-Version": "2.0.0",
            },
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def head(self) -> HubHead:
        """``GET /stations/{id}/head``: what the hub holds of this station's log."""
        answer = self._send("GET", f"/stations/{quote(self.station_id, safe='')}/head")
        self._check(answer)
        data = _json(answer)
        seq, digest = data.get("seq") if isinstance(data, dict) else None, None
        if isinstance(data, dict):
            digest = data.get("hash")
        if (
            not isinstance(seq, int)
            or not isinstance(digest, str)
            or not _HEAD.fullmatch(f"{seq}:{digest}")
        ):
            raise HubRejected("the hub's head answer is not {seq, hash}", answer.status_code)
        return HubHead(seq, digest)

    def capture(self, document: bytes) -> HubHead | None:
        """``POST /capture`` of one capture document; the head the hub answers with."""
        answer = self._send(
            "POST",
            "/capture",
            content=document,
            headers={"Content-Type": "application/ld+json"},
        )
        self._check(answer)
        if answer.status_code != 202:
            raise HubRejected(
                f"the hub answered the capture with {answer.status_code}, not 202",
                answer.status_code,
            )
        job = _json(answer)
        if isinstance(job, dict) and job.get("success") is False:
            errors = job.get("errors") or []
            first = errors[0].get("detail") if errors and isinstance(errors[0], dict) else None
            raise HubRejected(
                f"the hub did not store the batch: {printable(str(first or 'no reason'), 300)}",
                answer.status_code,
            )
        found = _HEAD.fullmatch(answer.headers.get("ST-Head", ""))
        return HubHead(int(found.group(1)), found.group(2)) if found else None

    def site_data(self, path: str, *, etag: str | None, cursor: str | None) -> SiteAnswer:
        """A conditional ``GET`` of one site-data resource, from `cursor` on."""
        headers = {"If-None-Match": etag} if etag else {}
        params = {"after": cursor} if cursor else {}
        answer = self._send("GET", path, headers=headers, params=params)
        if answer.status_code == 304:
            return SiteAnswer(False, etag, None)
        self._check(answer)
        return SiteAnswer(True, answer.headers.get("ETag"), _json(answer))

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise HubUnreachable(
                f"the hub at {self.settings.base_url} did not answer within "
                f"{self.settings.timeout_s:g} s"
            ) from None
        except httpx.TransportError as exc:
            raise HubUnreachable(
                f"cannot reach the hub at {self.settings.base_url}: "
                f"{printable(str(exc) or type(exc).__name__, 200)}"
            ) from None

    def _check(self, answer: httpx.Response) -> None:
        status = answer.status_code
        if status < 400 or status == 304:
            return
        problem = _json(answer, quiet=True)
        detail = problem.get("detail") if isinstance(problem, dict) else None
        said = printable(str(detail), 300) if detail else answer.reason_phrase
        if status in (429, 503) or status >= 500:
            wait = parse_retry_after(answer.headers.get("Retry-After"), dt.datetime.now(dt.UTC))
            raise HubBusy(f"the hub is busy or failing ({status}): {said}", status, wait)
        if status == 409 and isinstance(problem, dict) and problem.get("st:reason"):
            reason = str(problem["st:reason"])
            members = {k: v for k, v in problem.items() if k.startswith("st:")}
            raise LogRefused(
                reason, f"the hub refused this station's log ({reason}): {said}", members
            )
        if status in (401, 403):
            raise HubRejected(
                f"the hub refused this station's token ({status}): {said}; check "
                "sync.token_file and the token's site and station",
                status,
            )
        if status == 413:
            raise HubRejected(
                f"the batch is over the hub's limits (413): {said}; lower sync.batch_size", status
            )
        raise HubRejected(f"the hub refused the request ({status}): {said}", status)


def _json(answer: httpx.Response, *, quiet: bool = False) -> Any:
    try:
        return json.loads(answer.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        if quiet:
            return None
        raise SyncError(f"the hub's answer ({answer.status_code}) is not JSON") from None
