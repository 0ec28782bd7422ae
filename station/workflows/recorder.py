"""Commit-then-show: the one path from a scan to a durable verdict.

`ScanRecorder.handle` asks the workflow for an outcome, appends its events in one
transaction, and only then settles the session and returns the verdict. If the
commit fails, the clerk is told the scan was NOT recorded and nothing changes.
Every dock's workflow (receiving, release) goes through it: all it needs of one is
`ScanWorkflow`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Protocol

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
        return self.commit(self.workflow.handle(scan))

    def login(self, badge: str, device: str = "keyboard") -> Recorded:
        """Log in by a badge number given directly (command line, login screen)."""
        return self.commit(self.workflow.login(badge, device))

    def select_shipment(self, shipment_id: str, device: str = "keyboard") -> Recorded:
        """Open or join a shipment picked from a list or given on the command line."""
        return self.commit(self.workflow.select_shipment(shipment_id, device))

    def commit(self, outcome: Outcome) -> Recorded:
        """Append the outcome's events, then settle the session; report failure as data."""
        try:
            stored = self.store.append(outcome.events)
        except (StationError, OSError, sqlite3.Error, UnicodeError) as exc:
            return _not_recorded(outcome, exc)
        settled = self.workflow.settle(outcome)
        shown = settled if settled is not None else outcome
        return Recorded(shown, tuple(s.event.id for s in stored), durable=True)


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
