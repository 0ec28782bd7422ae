"""One dock's scan dispatch, shared by receiving and release.

Every dock reads a scan in the same order before it means anything for the dock
itself: a badge logs an operator in (or switches operators); a code the station
cannot read is an error; nothing else is taken before someone is logged in;
``#LOGOUT`` logs out and leaves the dock's open work (a receipt, a release) open;
any other command needs open work; a document picks or opens it; a seal or a unit
label needs open work too. `Dock` holds that order, the entry points the recorder
drives (`handle`, `login`, `select_shipment`, `settle`) and the recording of every
scan as evidence; a workflow subclasses it and decides only what a command, a
document, a seal and a unit mean at its own dock.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Generic, TypeVar

from station.domain.findings import FindingCode
from station.domain.operators import Operator
from station.domain.printable import printable
from station.domain.scanning.classify import ClassifierRules, classify
from station.domain.scanning.codes import (
    BadgeCode,
    Code,
    Command,
    CommandCode,
    DocumentCode,
    DocumentKind,
    Gs1Code,
    InvalidCode,
    SealCode,
    UnknownCode,
)
from station.domain.scanning.scan import Scan
from station.ports import Clock, ShipmentRecord
from station.workflows.outcome import Outcome
from station.workflows.session import Session, SessionSettings, refuse, unreadable

Work = TypeVar("Work")
"""What a dock has open: a receipt at receiving, a release at the release dock."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DockSettings(SessionSettings):
    """What every dock needs from the configuration: who may work there, how codes read."""

    rules: ClassifierRules


@dataclass(frozen=True, slots=True, kw_only=True)
class DockWords:
    """How a dock names its work and its documents to the operator and in the scan record."""

    work: str
    """``receipt``, ``release``."""
    start: str
    """How to open work, after "needs an open receipt: "."""
    nothing_open: str
    """The refusal of a seal or unit scanned with no work open."""
    work_key: str
    """The scan record's key for the open work's id (``receipt_id``)."""
    shipment: str
    """What a document names at this dock, e.g. ``inbound shipment``."""
    shipments: str
    """The same in the plural, as in "matches several shipments"."""
    pick_one: str
    """How to name just one when a document matches several."""


class Dock(ABC, Generic[Work]):
    """A dock's workflow: the shared dispatch; subclasses say what each scan means there."""

    words: ClassVar[DockWords]

    def __init__(self, settings: DockSettings, clock: Clock) -> None:
        self.rules = settings.rules
        self.session = Session(settings, clock)

    # -- entry points ---------------------------------------------------------

    def handle(self, scan: Scan) -> Outcome:
        """Decide what `scan` means at this dock; never raises on bad input."""
        code = classify(scan.text, self.rules, scan.symbology)
        outcome = self._dispatch(code, scan.text)
        if isinstance(code, Gs1Code) and code.findings:
            # Warnings about the barcode itself (a requisite AI another barcode must
            # carry) go with whatever the dock decided, without changing the verdict.
            outcome = replace(outcome, findings=(*outcome.findings, *code.findings))
        return self._record(scan, code, outcome)

    def login(self, badge: str, device: str = "keyboard") -> Outcome:
        """Log in by badge number typed or passed on the command line."""
        code = BadgeCode(badge, badge)
        return self._record(Scan(badge, device=device), code, self._dispatch(code, badge))

    def select_shipment(self, shipment_id: str, device: str = "keyboard") -> Outcome:
        """Pick a shipment or order from a list or the command line, as if its id were scanned."""
        code = DocumentCode(shipment_id, DocumentKind.SHIPMENT, shipment_id)
        return self._record(Scan(shipment_id, device=device), code, self._dispatch(code, ""))

    @property
    def operator(self) -> Operator | None:
        """The operator logged in at this dock."""
        return self.session.operator

    def settle(self, outcome: Outcome) -> Outcome | None:
        """Apply the in-memory session change once `outcome.events` are committed.

        A dock that does more once its events are durable returns a changed outcome
        when that fails; None keeps `outcome`.
        """
        self.session.settle(outcome)
        return None

    # -- what each dock decides -------------------------------------------------

    @abstractmethod
    def _open_work(self) -> Work | None:
        """The work open at this station, if any."""

    @abstractmethod
    def _work_id(self, work: Work) -> str: ...

    @abstractmethod
    def _resume_note(self, work: Work) -> str:
        """What a login says about the open work, e.g. ``; resuming receipt of SHP-1``."""

    def _names_a_unit(self, text: str) -> bool:
        """Whether text the classifier does not know is a unit id typed at this dock."""
        return False

    @abstractmethod
    def _command(self, work: Work, command: Command) -> Outcome:
        """A command other than ``#LOGOUT``, with work open."""

    @abstractmethod
    def _document(self, code: DocumentCode) -> Outcome:
        """A shipment document: picks or opens work."""

    @abstractmethod
    def _seal(self, work: Work, seal: str) -> Outcome: ...

    @abstractmethod
    def _unit(self, work: Work, code: Gs1Code | None, text: str) -> Outcome:
        """A unit's label (`code`), or a unit id typed as `text` (`code` None)."""

    # -- the shared order ---------------------------------------------------------

    def _dispatch(self, code: Code, text: str) -> Outcome:
        if isinstance(code, BadgeCode):
            work = self._open_work()
            return self.session.badge(code, "" if work is None else self._resume_note(work))
        if isinstance(code, InvalidCode):
            return unreadable(code)
        if isinstance(code, UnknownCode) and not self._names_a_unit(text):
            return unreadable(code)
        if self.operator is None:
            return not_logged_in()
        if isinstance(code, CommandCode):
            return self._command_code(code.command)
        if isinstance(code, DocumentCode):
            return self._document(code)
        work = self._open_work()
        if work is None:
            return refuse(FindingCode.NO_ACTIVE_SHIPMENT, self.words.nothing_open)
        if isinstance(code, SealCode):
            return self._seal(work, code.number)
        return self._unit(work, code if isinstance(code, Gs1Code) else None, text)

    def _command_code(self, command: Command) -> Outcome:
        work_name = self.words.work
        if command is Command.LOGOUT:
            return self.session.logout(f"; the open {work_name} stays open")
        work = self._open_work()
        if work is None:
            return refuse(
                FindingCode.NO_ACTIVE_SHIPMENT,
                f"#{command.value} needs an open {work_name}: {self.words.start}",
            )
        return self._command(work, command)

    def _record(self, scan: Scan, code: Code, outcome: Outcome) -> Outcome:
        work = self._open_work() if self.operator is not None else None
        context = {self.words.work_key: self._work_id(work) if work is not None else None}
        return self.session.record(scan, code, outcome, context)


def not_logged_in() -> Outcome:
    """The refusal of anything but a badge while nobody is logged in."""
    return refuse(FindingCode.NOT_LOGGED_IN, "Nobody is logged in: scan your badge first")


def one_shipment(
    words: DockWords, code: DocumentCode, found: Sequence[ShipmentRecord]
) -> ShipmentRecord | Outcome:
    """The one shipment among `found` that document `code` names, or why there is not one."""
    label = f"{code.kind.value.replace('_', ' ')} {printable(code.number)!r}"
    if not found:
        return refuse(FindingCode.UNKNOWN_SHIPMENT, f"No {words.shipment} has {label}")
    if len(found) > 1:
        ids = ", ".join(s.shipment_id for s in found)
        return refuse(
            FindingCode.UNKNOWN_SHIPMENT,
            f"{label} matches several {words.shipments} ({ids}): {words.pick_one}",
        )
    return found[0]


__all__: Sequence[str] = ("Dock", "DockSettings", "DockWords", "not_logged_in", "one_shipment")
