"""Commit-then-show: the one path from a scan to a durable verdict.

`ScanRecorder.handle` asks the workflow for an outcome inside the store's write
transaction, appends its events in that same transaction, and only then settles the
session and returns the verdict. Deciding under the write lock means another
process writing to the same database cannot slip a change in between what the
workflow read and what it records (two receives of one pallet). If the commit
fails, the clerk is told the scan was NOT recorded and nothing changes.
Every dock's workflow (receiving, release) goes through it: all it needs of one is
`ScanWorkflow`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from station.domain.events import Event, StoredEvent
from station.domain.findings import Finding, FindingCode, Severity, Verdict
from station.domain.printable import printable
from station.domain.scanning.scan import Scan
from station.errors import StationError
from station.ports import EventStore
from station.workflows.outcome import Outcome


class ScanWorkflow(Protocol):
    """A dock's workflow as the recorder drives it."""

    def handle(self, scan: Scan) -> Outcome:
        """The outcome of one scan; never raises on bad input."""
        ...

    def login(self, badge: str, device: str = "keyboard") -> Outcome:
        """The outcome of a badge number given directly."""
        ...

    def select_shipment(self, shipment_id: str, device: str = "keyboard") -> Outcome:
        """The outcome of picking a shipment (or order) by id."""
        ...

    def settle(self, outcome: Outcome) -> Outcome | None:
        """Apply in-memory changes once `outcome.events` are committed.

        May return a replacement outcome to show instead (e.g. a file written after the
        commit failed); None keeps `outcome`.
        """
        ...


@dataclass(frozen=True, slots=True)
class Recorded:
    """A verdict whose events are durable (or an explicit failure to record)."""

    outcome: Outcome
    event_ids: tuple[str, ...]
    durable: bool


class ScanRecorder:
    """Runs scans through a workflow and the store, in that order, one at a time."""

    def __init__(self, workflow: ScanWorkflow, store: EventStore) -> None:
        self.workflow = workflow
        self.store = store

    def handle(self, scan: Scan) -> Recorded:
        """Decide, commit, settle; the returned verdict is safe to show."""
        return self.decide(lambda: self.workflow.handle(scan), printable(scan.text))

    def login(self, badge: str, device: str = "keyboard") -> Recorded:
        """Log in by a badge number given directly (command line, login screen)."""
        return self.decide(lambda: self.workflow.login(badge, device), printable(badge))

    def select_shipment(self, shipment_id: str, device: str = "keyboard") -> Recorded:
        """Open or join a shipment picked from a list or given on the command line."""
        return self.decide(
            lambda: self.workflow.select_shipment(shipment_id, device), printable(shipment_id)
        )

    def decide(self, decision: Callable[[], Outcome], shown: str = "") -> Recorded:
        """Run `decision` inside the write transaction, commit its events, then settle.

        `shown` is what the clerk gave, for the NOT RECORDED message when the
        transaction cannot even begin.
        """
        decided: list[Outcome] = []

        def build(_conn: object) -> Sequence[Event]:
            decided[:] = [decision()]
            return decided[0].events

        try:
            stored = self.store.append_built(build)
        except _STORE_ERRORS as exc:
            failed = decided[0] if decided else Outcome(Verdict.ERROR, "", input_display=shown)
            return _not_recorded(failed, exc)
        return self._settled(decided[0], stored)

    def commit(self, outcome: Outcome) -> Recorded:
        """Append an outcome decided already, then settle; report failure as data.

        Prefer `decide`: an outcome decided outside the transaction may rest on
        state another writer has changed since.
        """
        try:
            stored = self.store.append(outcome.events)
        except _STORE_ERRORS as exc:
            return _not_recorded(outcome, exc)
        return self._settled(outcome, stored)

    def _settled(self, outcome: Outcome, stored: Sequence[StoredEvent]) -> Recorded:
        settled = self.workflow.settle(outcome)
        shown = settled if settled is not None else outcome
        return Recorded(shown, tuple(s.event.id for s in stored), durable=True)


_STORE_ERRORS = (StationError, OSError, sqlite3.Error, UnicodeError)
"""What a failed commit raises: reported as NOT RECORDED, never as a traceback."""


def _not_recorded(outcome: Outcome, exc: Exception) -> Recorded:
    message = (
        f"NOT RECORDED: the station could not save this scan ({printable(str(exc))}); scan again"
    )
    finding = Finding(FindingCode.NOT_RECORDED, Severity.ERROR, message)
    failed = Outcome(
        Verdict.ERROR,
        message,
        findings=(finding,),
        input_display=outcome.input_display,
    )
    return Recorded(failed, (), durable=False)
