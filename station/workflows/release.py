"""The release dock: nothing ships that has not passed release.

One `handle` call per scan, as at receiving: a trained operator with the
``release`` role logs in by badge, scans the outbound order (its shipment id, PO or
ASN), then each unit going on the trailer, the seals applied to the trailer and the
bill of lading. Each unit is checked when it is scanned (see `station.domain.checks.release`
for the rules: releasable state, complete trace, no held input, on the order, label
agrees with the record, serials where the order needs them) and recorded with what
its check found. A unit is taken as intact unless ``#DAMAGED`` follows it, which
takes it off the release and puts it on hold (the quarantine board shows it).

``#CLOSE`` checks everything again against the state at that moment, plus the order
as a whole (every ordered unit, quantities per product, seals, bill of lading). It
completes the release only when nothing blocks it: the RELEASE_COMPLETED event is
the shipping record, marks the units shipped (the only way a lot becomes shipped)
and carries the outbound manifest, which is written to
``<data_dir>/outbound/<shipment>.json`` once the event is committed (see
`station.workflows.outbound_file`: the file is written once, never replaced). Otherwise it
records RELEASE_REFUSED naming every blocking unit and reason, and the release stays
open to be fixed. ``#UNDO`` takes back the last unit or seal scanned, and on a release
with nothing left in it abandons the release (the order can be released later);
``#SEAL-DAMAGED`` takes off the last seal, ``#LOGOUT`` logs out (the release stays
open).

State lives in the projections, so a release resumes after a crash or a logout.
This module says what each scan means at the release dock; the order in which a scan
is read (badge, login, commands, documents) is every dock's (`station.workflows.dock`),
the per-unit checks are in `station.workflows.release_checks` and the close in
`station.workflows.release_close`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from station.domain.checks.receiving import MovingDataField
from station.domain.checks.release import ReleaseRecord, packaging_damaged
from station.domain.claims.settings import ClaimsSettings
from station.domain.events import Event, EventKind
from station.domain.findings import Finding, FindingCode, Severity, Verdict
from station.domain.manifest.model import Manifest
from station.domain.manifest.outbound import SiteIdentity
from station.domain.operators import Role
from station.domain.printable import printable
from station.domain.scanning.codes import Command, DocumentCode, Gs1Code, UnknownCode
from station.domain.scanning.scan import Scan
from station.ports import Clock, FileWriter
from station.workflows.dock import Dock, DockSettings, DockWords, not_logged_in
from station.workflows.outbound_file import export_shipped, write_shipped
from station.workflows.outcome import Outcome
from station.workflows.release_checks import (
    BoardRow,
    ReleaseChecks,
    ReleaseView,
    check_scanned_unit,
)
from station.workflows.release_close import close_release
from station.workflows.release_documents import release_document
from station.workflows.release_hand_entry import (
    HandEntry,
    HandEntryApproval,
    authorise_hand_entry,
    typed_at_the_dock,
)
from station.workflows.session import refuse
from station.workflows.unit_label import unit_named


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseSettings(DockSettings):
    """What the release workflow needs from the station's configuration."""

    site: str
    """``[station] site``: vendor and place of manufacture of what is made here."""
    required_fields: tuple[MovingDataField, ...]
    """Moving data every received input must carry (vendor, place and date always)."""
    claims: ClaimsSettings = field(default_factory=ClaimsSettings)
    role: Role = Role.RELEASE
    hand_entry: HandEntry = HandEntry.REFUSE
    """``[release] hand_entry``: what a unit id typed by hand gets (see `release_hand_entry`)."""


class ReleaseWorkflow(Dock[ReleaseRecord]):
    """Release at one station: login, order, units, seals, bill of lading, complete."""

    words = DockWords(
        work="release",
        start="scan an order first",
        nothing_open="No order is being released: scan the order (shipment id, PO or ASN) first",
        work_key="release_id",
        shipment="outbound order",
        shipments="orders",
        pick_one="scan the order's shipment id",
    )

    def __init__(
        self,
        settings: ReleaseSettings,
        view: ReleaseView,
        clock: Clock,
        outbound_dir: Path,
        files: FileWriter,
    ) -> None:
        super().__init__(settings, clock)
        self.settings = settings
        self.view = view
        self.clock = clock
        self.outbound_dir = outbound_dir
        self.files = files
        self.site = SiteIdentity.parse(settings.site)
        self.checks = ReleaseChecks(view, self.site, settings.required_fields)

    # -- entry points ---------------------------------------------------------

    def remove_unit(self, unit_id: str) -> Outcome:
        """Take one unit (picked from the board) off the open release."""
        if self.operator is None:
            return not_logged_in()
        release = self.release()
        if release is None or self.view.unit(release.release_id, unit_id) is None:
            return refuse(
                FindingCode.NOTHING_TO_UNDO, f"{printable(unit_id)} is not in an open release"
            )
        return self._remove(release, unit_id, "removed")

    def hand_entry(self, unit_id: str, approval: HandEntryApproval) -> Outcome:
        """A unit id typed by hand, let in on a supervisor's badge, PIN and reason.

        Refused unless ``[release] hand_entry = "supervisor"``; recorded as a scan of
        the typed text (never the PIN) either way.
        """
        text = unit_id.strip()
        return self._record(
            Scan(text, device="keyboard"), UnknownCode(text), self._hand_entry(text, approval)
        )

    def _hand_entry(self, text: str, approval: HandEntryApproval) -> Outcome:
        if self.operator is None:
            return not_logged_in()
        work = self.release()
        if work is None:
            return refuse(FindingCode.NO_ACTIVE_SHIPMENT, self.words.nothing_open)
        if not self._names_a_unit(text):
            return refuse(
                FindingCode.UNKNOWN_CODE, f"{printable(text)!r} is not a unit this station holds"
            )
        supervisor = authorise_hand_entry(
            self.settings.hand_entry,
            approval,
            roster=self.settings.operators,
            operator=self.operator,
            course=self.settings.required_training,
            today=self.session.today(),
        )
        if isinstance(supervisor, Outcome):
            return supervisor
        return check_scanned_unit(
            self.checks,
            self.session,
            work,
            text,
            code=None,
            label=text,
            entry="hand",
            authorised_by=supervisor.id,
            reason=approval.reason.strip(),
        )

    def release(self) -> ReleaseRecord | None:
        """The release open at this station, if any."""
        return self.view.open_release(self.settings.station_id)

    def settle(self, outcome: Outcome) -> Outcome | None:
        """Once `outcome.events` are committed: apply the session change, write the manifest.

        Returns a changed outcome only when the outbound manifest could not be written
        (the release is complete all the same; ``station release export`` writes it again).
        """
        super().settle(outcome)
        return write_shipped(outcome, self.outbound_dir, self.files)

    def export(self, shipment_id: str, out: Path | None = None) -> Path:
        """Write the outbound manifest of a shipped order again (default: where release put it).

        Raises `StationError` when the order has no completed release or the file cannot
        be written (`FileConflictError`: another file is in the way, never replaced).
        """
        return export_shipped(self.view, self.outbound_dir, self.files, shipment_id, out)

    def order(self, release: ReleaseRecord) -> Manifest:
        """The order (outbound manifest) a release ships."""
        return self.checks.order(release)

    def board(self, release: ReleaseRecord) -> list[BoardRow]:
        """Every ordered unit with its state, then units scanned that the order lacks."""
        return self.checks.board(release)

    # -- what the release dock decides ----------------------------------------

    def _open_work(self) -> ReleaseRecord | None:
        return self.release()

    def _work_id(self, work: ReleaseRecord) -> str:
        return work.release_id

    def _resume_note(self, work: ReleaseRecord) -> str:
        return f"; resuming release of {work.shipment_id}"

    def _names_a_unit(self, text: str) -> bool:
        return self.view.lot(text.strip()) is not None

    def _unit(self, work: ReleaseRecord, code: Gs1Code | None, text: str) -> Outcome:
        if code is None:
            # A unit id typed by hand: no label to check it against (`release_hand_entry`).
            return typed_at_the_dock(self.settings.hand_entry, text.strip())
        lot_id = unit_named(code, self.view)
        if lot_id is None:
            return refuse(
                FindingCode.NOT_APPLICABLE,
                "This label names a product, not a unit: scan the pallet's SSCC label "
                "(or a label with GTIN and lot or serial)",
            )
        return check_scanned_unit(self.checks, self.session, work, lot_id, code=code, label=text)

    def _command(self, release: ReleaseRecord, command: Command) -> Outcome:
        match command:
            case Command.CLOSE:
                return self._close(release)
            case Command.DAMAGED:
                units = self.view.units(release.release_id)
                if not units:
                    return refuse(FindingCode.NOT_APPLICABLE, "Scan the unit first, then #DAMAGED")
                return self._damaged(release, units[-1].unit_id)
            case Command.SEAL_DAMAGED:
                seals = self.view.seals(release.release_id)
                if not seals:
                    return refuse(
                        FindingCode.NOT_APPLICABLE, "Scan the seal first, then #SEAL-DAMAGED"
                    )
                return self._seal_damaged(release, seals[-1])
            case Command.UNDO:
                return self._undo(release)
        raise AssertionError(command)  # pragma: no cover - Command is closed

    def _document(self, code: DocumentCode) -> Outcome:
        return release_document(
            self.checks,
            self.session,
            self.settings.station_id,
            self.release(),
            code,
            words=self.words,
        )

    # -- seals ------------------------------------------------------------------

    def _seal(self, release: ReleaseRecord, seal: str) -> Outcome:
        applied = self.view.seals(release.release_id)
        if seal in applied:
            return Outcome(
                Verdict.INFO, f"Seal {seal} is already recorded", shipment=release.shipment_id
            )
        named = self.order(release).seals
        if named and seal not in named:
            message = (
                f"Seal {printable(seal)!r} is not one order {release.shipment_id} names "
                f"({', '.join(named)}): use the seals issued for this order"
            )
            finding = Finding(
                FindingCode.SEAL_MISMATCH,
                Severity.REFUSAL,
                message,
                expected=", ".join(named),
                found=printable(seal),
            )
            return Outcome.found(Verdict.REJECT, finding)
        return self.session.outcome(
            Verdict.ACCEPT,
            f"Seal {seal} recorded on {release.shipment_id} ({len(applied) + 1} applied)",
            EventKind.RELEASE_SEAL_APPLIED,
            {"release_id": release.release_id, "shipment_id": release.shipment_id, "seal": seal},
            shipment=release.shipment_id,
        )

    def _seal_damaged(self, release: ReleaseRecord, seal: str) -> Outcome:
        message = (
            f"Seal {printable(seal)!r} reported damaged: taken off the release; "
            "apply a new seal and scan it"
        )
        finding = Finding(FindingCode.SEAL_DAMAGED, Severity.NONCONFORMITY, message)
        event = self.session.event(
            EventKind.RELEASE_SEAL_REMOVED,
            {"release_id": release.release_id, "seal": seal, "reason": "damaged"},
        )
        return Outcome.found(
            Verdict.QUARANTINE, finding, events=(event,), shipment=release.shipment_id
        )

    # -- units ------------------------------------------------------------------

    def _remove(self, release: ReleaseRecord, unit_id: str, reason: str) -> Outcome:
        return self.session.outcome(
            Verdict.INFO,
            f"Taken off release {release.release_id}: {printable(unit_id)} ({reason})",
            EventKind.RELEASE_UNIT_REMOVED,
            {"release_id": release.release_id, "unit_id": unit_id, "reason": reason},
            unit=unit_id,
            shipment=release.shipment_id,
        )

    def _damaged(self, release: ReleaseRecord, unit_id: str) -> Outcome:
        finding = packaging_damaged(unit_id)
        events: list[Event] = [
            self.session.event(
                EventKind.RELEASE_UNIT_REMOVED,
                {
                    "release_id": release.release_id,
                    "unit_id": unit_id,
                    "reason": "damaged",
                    "findings": [finding.as_dict()],
                },
            )
        ]
        record = self.view.lot(unit_id)
        held = record is not None and record.status not in ("shipped", "consumed")
        if held:
            assert record is not None
            # The same event receiving records for a damaged unit: it puts the unit on
            # hold (the quarantine board shows it) and its lot in quarantine.
            events.append(
                self.session.event(
                    EventKind.UNIT_MARKED_DAMAGED,
                    {
                        "receipt_id": None,
                        "release_id": release.release_id,
                        "unit_id": unit_id,
                        "shipment_id": record.shipment_id,
                        "findings": [finding.as_dict()],
                    },
                )
            )
        where = "put it in the quarantine area" if held else "set it aside"
        return Outcome(
            Verdict.QUARANTINE,
            f"Damaged: {printable(unit_id)} taken off release {release.release_id}; {where}",
            findings=(finding,),
            events=tuple(events),
            unit=unit_id,
            shipment=release.shipment_id,
        )

    def _undo(self, release: ReleaseRecord) -> Outcome:
        action = self.view.last_action(release.release_id)
        if action is None:
            return self.session.outcome(
                Verdict.INFO,
                f"Release {release.release_id} of {release.shipment_id} abandoned: nothing was "
                "in it; the order can be released later",
                EventKind.RELEASE_ABANDONED,
                {"release_id": release.release_id, "shipment_id": release.shipment_id},
                shipment=release.shipment_id,
            )
        kind, subject = action
        if kind == "unit":
            return self._remove(release, subject, "undo")
        return self.session.outcome(
            Verdict.INFO,
            f"Undone: seal {printable(subject)} taken off release {release.release_id}",
            EventKind.RELEASE_SEAL_REMOVED,
            {"release_id": release.release_id, "seal": subject, "reason": "undo"},
            shipment=release.shipment_id,
        )

    # -- completion ---------------------------------------------------------------

    def _close(self, release: ReleaseRecord) -> Outcome:
        return close_release(
            self.checks,
            self.session,
            release,
            rules=self.settings.rules,
            station_id=self.settings.station_id,
            outbound_dir=self.outbound_dir,
            claims=self.settings.claims,
            hand_entry=self.settings.hand_entry,
        )


__all__: Sequence[str] = ("BoardRow", "ReleaseSettings", "ReleaseView", "ReleaseWorkflow")
