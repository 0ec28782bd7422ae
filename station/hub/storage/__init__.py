"""The hub's storage: one interface, two backends (SQLite for one PC, PostgreSQL at scale).

`open_store` picks the backend from the database URL (``sqlite:///path`` or
``postgresql://...``) and brings the schema up to date. Both backends share the SQL of
`base.SqlStore`; they differ in how a connection is made and how a capture's rows are
bulk-loaded (``executemany`` on SQLite, ``COPY`` on PostgreSQL), and PostgreSQL
partitions the events by month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from station.errors import ConfigError
from station.hub.chain import Head, StationLog
from station.hub.events import EventRecord


@dataclass(frozen=True)
class TokenRecord:
    """A bearer token as the hub keeps it: never the token itself."""

    token_id: str
    salt: str
    secret_hash: str
    kind: str
    site: str | None
    station_id: str | None
    label: str
    created_us: int
    revoked_us: int | None = None


@dataclass
class CaptureJob:
    """A capture and its outcome (``GET /capture/{captureID}``)."""

    capture_id: str
    site: str
    token_id: str
    behaviour: str
    created_us: int
    finished_us: int = 0
    success: bool = True
    event_count: int = 0
    stored_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class IngestBatch:
    """The valid events of one capture and its station log, to store in one transaction."""

    job: CaptureJob
    records: tuple[EventRecord, ...]
    log: StationLog | None


@dataclass(frozen=True)
class IngestResult:
    """What one capture stored."""

    job: CaptureJob
    head: Head | None
    duplicates: int


@dataclass(frozen=True)
class EventQuery:
    """A query over the events, already checked: every list is OR, the fields AND."""

    sites: tuple[str, ...] | None
    event_types: tuple[str, ...] = ()
    biz_steps: tuple[str, ...] = ()
    dispositions: tuple[str, ...] = ()
    read_points: tuple[str, ...] = ()
    biz_locations: tuple[str, ...] = ()
    station_ids: tuple[str, ...] = ()
    epcs: tuple[str, ...] = ()
    any_epcs: tuple[str, ...] = ()
    epc_classes: tuple[str, ...] = ()
    any_epc_classes: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    ge_event_time: int | None = None
    lt_event_time: int | None = None
    ge_record_time: int | None = None
    lt_record_time: int | None = None
    after: tuple[int, int] | None = None
    limit: int = 100


@dataclass(frozen=True)
class StoredEvent:
    """An event read back: its keyset position and its body."""

    id: int
    record_time_us: int
    body: dict[str, Any]


@dataclass(frozen=True)
class ManifestPush:
    """What one intake did: manifests stored (new or changed) and unchanged."""

    stored: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    cursor: int = 0


@dataclass(frozen=True)
class SiteDocument:
    """A roster or risk document as stored, with the change number that made it."""

    cursor: int
    body: str
    updated_us: int


@dataclass(frozen=True)
class NamedEvent:
    """A stored event found by one identifier it names, and the role it names it in."""

    epc: str
    role: str
    row: int
    event_id: str
    event_time_us: int
    station_id: str | None
    is_error_declaration: bool
    body: dict[str, Any]


class HubStore(Protocol):
    """What the hub needs of its database."""

    def add_token(self, record: TokenRecord) -> None: ...
    def find_token(self, token_id: str) -> TokenRecord | None: ...
    def list_tokens(self) -> list[TokenRecord]: ...
    def revoke_token(self, token_id: str, at_us: int) -> bool: ...
    def ingest(self, batch: IngestBatch) -> IngestResult: ...
    def record_job(self, job: CaptureJob) -> None: ...
    def capture_job(self, sites: tuple[str, ...] | None, capture_id: str) -> CaptureJob | None: ...
    def query_events(self, query: EventQuery) -> list[StoredEvent]: ...
    def station_head(self, site: str, station_id: str) -> Head | None: ...
    def push_manifests(self, site: str, items: Sequence[Any], now_us: int) -> ManifestPush: ...
    def manifests_after(
        self, site: str, after: int, limit: int
    ) -> tuple[list[tuple[int, str]], int]: ...
    def put_site_document(self, site: str, name: str, body: str, now_us: int) -> SiteDocument: ...
    def site_document(self, site: str, name: str) -> SiteDocument | None: ...
    def events_naming(
        self, sites: tuple[str, ...] | None, epcs: Sequence[str], limit: int
    ) -> list[NamedEvent]: ...
    def close(self) -> None: ...


def open_store(url: str, base_dir: Path | None = None) -> HubStore:
    """The store at `url`, its schema migrated; `ConfigError` naming the URL when unusable."""
    if url.startswith("sqlite:///"):
        from station.hub.storage.sqlite import SqliteStore  # noqa: PLC0415 - per backend

        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return SqliteStore(path)
    if url.startswith(("postgresql://", "postgres://")):
        from station.hub.storage.postgres import PostgresStore  # noqa: PLC0415 - as above

        return PostgresStore(url)
    raise ConfigError(
        "hub database: expected a URL starting with sqlite:/// or postgresql://, "
        f"found {url.split(':', 1)[0]!r}"
    )
