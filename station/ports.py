"""Ports: the small protocols through which workflows reach the outside world.

Workflows depend only on these; the store, clocks and devices implement them, and
tests hand in fakes or real local peers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from station.domain.events import Event, StoredEvent
from station.domain.findings import Finding
from station.domain.manifest.model import Direction, Manifest
from station.domain.scanning.codes import DocumentKind
from station.domain.scanning.scan import Scan


class Clock(Protocol):
    """Wall time for events and training-expiry checks."""

    def now(self) -> dt.datetime:
        """Current time, timezone-aware."""
        ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> dt.datetime:
        """Current UTC time."""
        return dt.datetime.now(dt.UTC)


class FileWriter(Protocol):
    """Writes whole files: a reader finds the old file or the new one, never a part."""

    def write(self, path: Path, data: bytes, *, replace: bool = False) -> Path:
        """Write `data` at `path` (creating its directory) and return `path`.

        Unless `replace`, an existing file is never replaced: one holding `data` already
        is left as it is, any other raises `FileConflictError`. `OSError` when the
        directory cannot take the file.
        """
        ...


class EventStore(Protocol):
    """Durable, ordered, hash-chained storage of events."""

    def append(self, events: Sequence[Event]) -> list[StoredEvent]:
        """Commit `events` in one transaction; return only once they are durable."""
        ...

    def append_built(self, build: Callable[[Any], Sequence[Event]]) -> list[StoredEvent]:
        """Call `build` inside the write transaction and commit the events it returns.

        What `build` reads through the store's views is the state no other writer can
        change before the commit: a decision made there cannot be made twice.
        """
        ...


class WriterLock(Protocol):
    """The data directory's one-writer lock, held from a writing command's start to its end."""

    holder: dict[str, object]
    """Who holds it: ``pid``, ``command``, ``since``."""

    def release(self) -> None:
        """Free the lock (idempotent); the process's exit frees it too."""
        ...


class UnitStatus(StrEnum):
    """Where a unit stands in receiving."""

    EXPECTED = "expected"
    ACCEPTED = "accepted"
    QUARANTINED = "quarantined"
    MISSING = "missing"
    REJECTED = "rejected"
    """Refused after quarantine: returned to the vendor or scrapped."""


class ShipmentStatus(StrEnum):
    """Where a shipment stands in receiving."""

    EXPECTED = "expected"
    RECEIVING = "receiving"
    RECEIVED = "received"


class SealStatus(StrEnum):
    """State of one seal of a shipment."""

    PENDING = "pending"
    VERIFIED = "verified"
    MISMATCH = "mismatch"
    DAMAGED = "damaged"


@dataclass(frozen=True, slots=True)
class ShipmentSummary:
    """What a document scan and the shipment list show, without reading the manifest."""

    direction: Direction
    bill_of_lading: str | None
    purchase_orders: tuple[str, ...]
    seller: str | None
    units: int
    seals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShipmentRecord:
    """A shipment as the projections know it.

    The manifest is parsed only when `manifest` is first read (once per process): a
    container-sized one takes a second, and most questions need only `summary`.
    """

    shipment_id: str
    status: ShipmentStatus
    receipt_id: str | None
    summary: ShipmentSummary
    held: bool
    load_manifest: Callable[[], Manifest] = field(repr=False, compare=False)

    @property
    def manifest(self) -> Manifest:
        """The imported manifest, parsed on first use."""
        return self.load_manifest()


@dataclass(frozen=True, slots=True)
class UnitTally:
    """A shipment's units counted by the store as they change, never by scanning them."""

    expected: int
    done: int
    """Expected units no longer waiting (received, held, rejected, missing)."""
    held: int
    """Units on hold (quarantined), expected or not."""
    unexpected: int


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A unit (pallet or item) as the projections know it."""

    unit_id: str
    shipment_id: str
    expected: bool
    status: UnitStatus
    receipt_id: str | None
    received_at: str | None


@dataclass(frozen=True, slots=True)
class SealRecord:
    """A seal of a shipment: expected by the documents or found at the dock."""

    shipment_id: str
    seal: str
    expected: bool
    status: SealStatus


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    """An open or closed receipt: one trailer's worth of shipments at one station."""

    receipt_id: str
    station_id: str
    open: bool
    shipment_ids: tuple[str, ...]
    opened_by: str | None
    opened_at: str


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """A receipt action that #UNDO or #DAMAGED may refer to."""

    event_id: str
    kind: str
    subject: str
    receipt_id: str


@dataclass(frozen=True, slots=True)
class HoldRecord:
    """Something on hold: a unit or a whole shipment, with the findings that put it there."""

    entity_kind: str
    entity_id: str
    shipment_id: str | None
    findings: tuple[Finding, ...]
    since: str
    placed_by: str | None
    raisers: tuple[str | None, ...] = ()
    """Who raised each finding (the operator of the event that added it), in order."""

    @property
    def raised_by(self) -> frozenset[str]:
        """Everyone who raised a finding on this hold, its placer included (four eyes)."""
        return frozenset(r for r in (*self.raisers, self.placed_by) if r is not None)


@dataclass(frozen=True, slots=True)
class HoldAction:
    """A supervisor's note or decision on a hold."""

    action: str
    operator_id: str | None
    at: str
    text: str
    evidence: str | None


class QuarantineView(Protocol):
    """Read-only queries the quarantine board makes."""

    def hold(self, entity_kind: str, entity_id: str) -> HoldRecord | None: ...

    def holds(self) -> list[HoldRecord]: ...

    def wrong_pins(self, badge: str, since: dt.datetime) -> list[dt.datetime]:
        """When wrong PINs were given for `badge` at or after `since` (from the event log)."""
        ...


class ReceivingView(Protocol):
    """Read-only queries the receiving workflow makes of current state."""

    def shipment(self, shipment_id: str) -> ShipmentRecord | None: ...

    def find_shipments(self, kind: DocumentKind, number: str) -> list[ShipmentRecord]: ...

    def unit(self, unit_id: str) -> UnitRecord | None: ...

    def units(self, shipment_id: str) -> list[UnitRecord]: ...

    def unit_counts(self, shipment_id: str) -> tuple[int, int]: ...

    def unit_tally(self, shipment_id: str) -> UnitTally: ...

    def seals(self, shipment_id: str) -> list[SealRecord]: ...

    def open_receipt(self, station_id: str) -> ReceiptRecord | None: ...

    def receipt_count(self, station_id: str) -> int: ...

    def last_action(self, receipt_id: str, kinds: Sequence[str]) -> ActionRecord | None: ...


class DeviceState(StrEnum):
    """What a device is doing, as shown on the devices screen."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    ERROR = "error"
    ENDED = "ended"
    """A finite source (a video file, a folder of images) has been read to the end."""
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A snapshot of one device's health, posted whenever it changes."""

    device: str
    state: DeviceState
    detail: str = ""
    """Plain-text reason or note, e.g. the error that made it reconnect."""
    scans: int = 0
    last_scan_at: float | None = None
    """Monotonic seconds of the last scan."""
    fps: float | None = None
    """Frames per second read (cameras)."""
    decode_rate: float | None = None
    """Share of frames with at least one code decoded (cameras)."""


class ScanSource(Protocol):
    """A device that produces scans in its own thread until stopped.

    `start` returns at once; the source calls `on_scan` for each scan and
    `on_status` whenever its state changes, from its own thread. A source that
    loses its device reports it and reconnects with backoff; it never raises into
    the caller and never blocks other sources.
    """

    device_id: str

    def start(
        self,
        on_scan: Callable[[Scan], None],
        on_status: Callable[[DeviceStatus], None],
    ) -> None: ...

    def stop(self) -> None: ...

    def status(self) -> DeviceStatus: ...


@dataclass(frozen=True, slots=True)
class Decoded:
    """One code a decoder found in an image."""

    text: str
    """Decoded text with GS1 FNC1 separators as ``\\x1d``."""
    symbology: str | None
    """AIM symbology identifier (``]Q3``, ``]d2``, ``]C1``, ``]E0``) when known."""
    format: str
    """The decoder's name for the barcode format, e.g. ``QRCode`` or ``EAN13``."""
    gs1: bool = False
    """Whether the symbol declares GS1 content (FNC1 in first position)."""


class Decoder(Protocol):
    """Finds and decodes barcodes in one image (a NumPy array, grey or BGR)."""

    name: str

    def decode(self, image: Any) -> list[Decoded]: ...


class PrintDocument(Protocol):
    """A finished label, rendered on demand in whichever form a printer takes."""

    job_id: str
    name: str
    """What printers that write files name them by (`station.domain.file_names.file_stem`)."""

    def zpl(self) -> bytes: ...

    def png(self) -> bytes: ...

    def pdf(self) -> bytes: ...


class LabelPrinter(Protocol):
    """A printer: `send` returns once the device accepted the job, or raises `DeviceError`."""

    device_id: str

    def send(self, document: PrintDocument) -> None: ...

    def probe(self) -> str:
        """A short status of the printer without printing; raises `DeviceError`."""
        ...
