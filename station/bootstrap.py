"""The one place where configuration becomes running parts.

`open_station` turns a validated config and a data directory into the event log,
its projections, the receiving workflow and the recorder that commits before it
shows. The CLI, the TUI and tests all build a station through here.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from station.config import StationConfig
from station.domain.events import Event
from station.domain.manifest.csv_format import parse_manifest_csv
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.manifest.model import Manifest, ParsedManifests
from station.errors import ManifestError
from station.ports import Clock, SystemClock, WriterLock
from station.services.device_set import DeviceSet
from station.services.integrity import integrity_options
from station.services.print_queue import PrintQueue
from station.store.eventlog import EventLog
from station.store.projections.claims import ClaimProjector
from station.store.projections.lots import LotProjector
from station.store.projections.prints import PrintProjector
from station.store.projections.receiving import Projectors, ReceivingProjector
from station.store.projections.release import ReleaseProjector
from station.store.replay import ReplayReport, replay_check
from station.store.views.claims import SqliteClaimsView
from station.store.views.lots import SqliteLotView
from station.store.views.receiving import SqliteReceivingView
from station.store.views.release import SqliteReleaseView
from station.store.writer_lock import acquire_writer_lock
from station.sync.site_data import apply_site_data
from station.workflows.importing import ImportResult, plan_import
from station.workflows.lots import LotDesk
from station.workflows.quarantine import QuarantineDesk
from station.workflows.receiving import ReceivingSettings, ReceivingWorkflow
from station.workflows.recorder import ScanRecorder
from station.workflows.release import ReleaseSettings, ReleaseWorkflow

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

S = TypeVar("S", bound="DataclassInstance")
DATA_DIR_ENV = "STATION_DATA_DIR"
DATABASE_NAME = "station.sqlite3"


@dataclass
class Station:
    """Everything a front end needs to run one station."""

    config: StationConfig
    data_dir: Path
    log: EventLog
    view: SqliteReceivingView
    workflow: ReceivingWorkflow
    recorder: ScanRecorder
    clock: Clock
    devices: DeviceSet
    quarantine: QuarantineDesk
    lots: SqliteLotView
    lot_desk: LotDesk
    printing: PrintQueue
    releases: SqliteReleaseView
    release: ReleaseWorkflow
    """The release dock's workflow; `release_recorder` commits its scans."""
    release_recorder: ScanRecorder
    claims: SqliteClaimsView
    """Monthly sums of what came in and went out per product group (claims reports)."""
    writer_lock: WriterLock | None = None
    """Held by a station opened to write (`open_station(writer=...)`) until `close`."""

    def close(self) -> None:
        """Close the database, then free the writer lock."""
        self.log.close()
        if self.writer_lock is not None:
            self.writer_lock.release()

    def replay_check(self) -> ReplayReport:
        """Replay the log into fresh projections; every row that differs from the stored ones."""
        return replay_check(self.log, projectors())

    def import_files(self, paths: Iterable[Path], operator_id: str | None = None) -> ImportResult:
        """Parse manifest files and import them all in one transaction, or none of them.

        Raises `ManifestError` if a file is corrupt. A manifest that clashes (with the
        station's data or another manifest of this import) refuses the whole import:
        the result lists why, and nothing is stored.
        """
        problems: list[str] = []
        batches: list[tuple[str, tuple[Manifest, ...]]] = []
        for path in paths:
            result = read_manifest_file(path)
            if result.problems:
                problems.extend(f"{path}: {p.where}: {p.message}" for p in result.problems)
            batches.append((path.name, tuple(result.manifests)))
        if problems:
            raise ManifestError("manifest refused:\n" + "\n".join(problems))
        planned: list[ImportResult] = []

        def build(_conn: object) -> tuple[Event, ...]:
            # Planned under the write lock: a concurrent import is seen, not raced.
            plan = plan_import(
                batches,
                view=self.view,
                station_id=self.config.station_id,
                operator_id=operator_id,
                clock=self.clock,
            )
            planned[:] = [plan]
            return () if plan.refused else plan.events

        try:
            self.log.append_built(build)
        except sqlite3.IntegrityError as exc:
            # Planning under the write lock should leave no clash for the database to find.
            raise ManifestError(f"import refused, nothing was imported: {exc}") from None
        plan = planned[0]
        if plan.refused:
            return ImportResult(events=(), imported=(), unchanged=(), refused=plan.refused)
        return plan


def read_manifest_file(path: Path) -> ParsedManifests:
    """Read and parse one manifest file (CSV by extension, else JSON)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ManifestError(f"{path}: manifest file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read manifest: {exc}") from None
    if path.suffix.lower() == ".csv":
        return parse_manifest_csv(text, str(path))
    return parse_manifest_json(text, str(path))


def default_data_dir() -> Path:
    """`$STATION_DATA_DIR`, else the user's data directory for the station."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "station"


def open_station(
    config: StationConfig,
    data_dir: Path | None = None,
    clock: Clock | None = None,
    *,
    writer: str | None = None,
) -> Station:
    """Open the station's database in `data_dir` and wire the receiving workflow to it.

    `writer` names a command that will write (e.g. ``station scan``): the data dir's
    writer lock is taken first, and `DataDirBusyError` says who holds it if another
    process does. Read-only commands (and tests) pass None.
    """
    # Imported here: a command that only parses its arguments loads no driver module.
    from drivers.files import AtomicFileWriter  # noqa: PLC0415

    data_dir = data_dir or default_data_dir()
    clock = clock or SystemClock()
    lock = acquire_writer_lock(data_dir, writer) if writer is not None else None
    try:
        log = EventLog.open(data_dir / DATABASE_NAME, projectors(), integrity_options(config))
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    # The roster and risk rules last pulled from the hub replace the file's ([sync]).
    config = apply_site_data(config, log.connection)
    view = SqliteReceivingView(log.connection)
    workflow = ReceivingWorkflow(_from_config(ReceivingSettings, config), view, clock)
    lots = SqliteLotView(log.connection)
    printing = PrintQueue(config, log, lots, clock)
    releases = SqliteReleaseView(log, view, lots)
    release = ReleaseWorkflow(
        _from_config(ReleaseSettings, config),
        releases,
        clock,
        data_dir / "outbound",
        AtomicFileWriter(),
    )
    return Station(
        config=config,
        data_dir=data_dir,
        log=log,
        view=view,
        workflow=workflow,
        recorder=ScanRecorder(workflow, log),
        clock=clock,
        devices=DeviceSet(config.scanners),
        quarantine=QuarantineDesk(
            config.station_id,
            config.operators,
            config.required_training,
            view,
            clock,
            log,
            pin_lockout=config.pin_lockout,
        ),
        lots=lots,
        lot_desk=LotDesk(
            identifiers=config.identifiers,
            station_id=config.station_id,
            site=config.site,
            log=log,
            lots=lots,
            clock=clock,
            label_events=printing.queue_events,
            claims=config.claims,
        ),
        printing=printing,
        releases=releases,
        release=release,
        release_recorder=ScanRecorder(release, log),
        claims=SqliteClaimsView(log.connection),
        writer_lock=lock,
    )


def projectors() -> Projectors:
    """Every projection the station keeps, in the order each event is applied to them."""
    return Projectors(
        ReceivingProjector(),
        LotProjector(),
        PrintProjector(),
        ReleaseProjector(),
        ClaimProjector(),
    )


def _from_config(settings: type[S], config: StationConfig) -> S:
    """A dock's settings: each field named like a config value is that value.

    The others (the dock's role) keep the defaults the dock's settings give them.
    """
    names = [f.name for f in dataclasses.fields(settings) if hasattr(config, f.name)]
    return settings(**{name: getattr(config, name) for name in names})
