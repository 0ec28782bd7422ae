"""Bearer tokens: making them, keeping only their salted hash, and what each kind may do.

A token reads ``st1.<token id>.<secret>``. The id is public and finds the record; the
secret is 256 random bits (`secrets.token_urlsafe`). The hub keeps a per-token random
salt and SHA-256(salt || secret), compared in constant time. A slow password hash
(PBKDF2, scrypt) exists to make guessing a *low-entropy* secret expensive; a 256-bit
random secret cannot be guessed at any speed, so a fast salted hash loses nothing and
keeps every request cheap. The salt still makes two records never share a hash.

Kinds: ``station`` (one site, one station id: captures its own stationLog, reads its
site), ``admin`` (ERP intake: captures and reads, for one site or all), ``auditor``
(reads one site). A token is shown once, when it is made, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from station.hub.storage import HubStore, TokenRecord

KINDS = ("station", "admin", "auditor")
PREFIX = "st1"
_TOKEN = re.compile(r"st1\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class Principal:
    """Who a request comes from, as its token says."""

    token_id: str
    kind: str
    site: str | None
    station_id: str | None

    @property
    def sites(self) -> tuple[str, ...] | None:
        """The sites this token may read (None: every site)."""
        return None if self.site is None else (self.site,)

    @property
    def may_capture(self) -> bool:
        return self.kind in ("station", "admin")

    def may_read_site(self, site: str) -> bool:
        return self.site is None or self.site == site


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("ascii")).hexdigest()


def new_token(
    kind: str, site: str | None, station_id: str | None, label: str, now_us: int
) -> tuple[str, TokenRecord]:
    """A new token and the record to store: the token itself is returned only here."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    record = TokenRecord(
        token_id=token_id,
        salt=salt,
        secret_hash=_digest(salt, secret),
        kind=kind,
        site=site,
        station_id=station_id,
        label=label,
        created_us=now_us,
    )
    return f"{PREFIX}.{token_id}.{secret}", record


def authenticate(store: HubStore, header: str | None) -> Principal | None:
    """The principal of an ``Authorization: Bearer`` header, or None when it is not valid."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    match = _TOKEN.fullmatch(token.strip()) if scheme.lower() == "bearer" else None
    if match is None:
        return None
    token_id, secret = match.groups()
    record = store.find_token(token_id)
    if record is None or record.revoked_us is not None:
        return None
    if not hmac.compare_digest(_digest(record.salt, secret), record.secret_hash):
        return None
    return Principal(record.token_id, record.kind, record.site, record.station_id)
