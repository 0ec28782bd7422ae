"""The release dock: nothing ships that has not passed release.

One `handle` call per scan, as at receiving: a trained operator with the
``release`` role logs in by badge, scans the outbound order (its shipment id, PO or
ASN), then each unit going on the trailer, the seals applied to the trailer and the
bill of lading. Each unit is checked when it is scanned (see `station.domain.release`
for the rules: releasable state, complete trace, no held input, on the order, label
agrees with the record, serials where the order needs them) and recorded with what
its check found. A unit is taken as intact unless ``#DAMAGED`` follows it, which
takes it off the release and puts it on hold (the quarantine board shows it).

``#CLOSE`` checks everything again against the state at that moment, plus the order
as a whole (every ordered unit, quantities per product, seals, bill of lading). It
completes the release only when nothing blocks it: the RELEASE_COMPLETED event is
the shipping record, marks the units shipped (the only way a lot becomes shipped)
and carries the outbound manifest, which is written to
``<data_dir>/outbound/<shipment>.json`` once the event is committed. Otherwise it
records RELEASE_REFUSED naming every blocking unit and reason, and the release stays
open to be fixed. ``#UNDO`` takes back the last unit or seal scanned, and on a release
with nothing left in it abandons the release (the order can be released later);
``#SEAL-DAMAGED`` takes off the last seal, ``#LOGOUT`` logs out (the release stays
open).

State lives in the projections, so a release resumes after a crash or a logout.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from station.domain.classify import ClassifierRules, classify
from station.domain.codes import (
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
from station.domain.events import Event, EventKind
from station.domain.findings import Finding, FindingCode, Severity, Verdict
from station.domain.manifest import Manifest, Unit, item_key, parse_manifest_json
from station.domain.operators import Operator, Role
from station.domain.outbound import SiteIdentity, outbound_manifest
from station.domain.printable import printable
from station.domain.provenance import Genealogy, ProvenanceProblem
from station.domain.receiving_checks import (
    DEFAULT_REQUIRED_FIELDS,
    MovingDataField,
    missing_fields,
)
from station.domain.release import (
    Blocking,
    LabelRecord,
    LotFacts,
    ReleaseRecord,
    ReleaseStatus,
    ReleaseUnit,
    cannot_describe,
    check_bill_of_lading,
    check_label,
    check_order,
    check_seals,
    not_on_order,
    packaging_damaged,
    serial_missing,
    unit_findings,
)
from station.domain.scan import Scan
from station.errors import StationError
from station.ports import Clock, ShipmentRecord
from station.store.lot_view import LotRecord
from station.workflows.outbound import (
    describe_unit,
    origin_line,
    outbound_path,
    write_outbound,
)
from station.workflows.outcome import Outcome
from station.workflows.session import Session, SessionSettings, refuse, unreadable


@dataclass(frozen=True, slots=True)
class ReleaseSettings:
    """What the release workflow needs from the station's configuration."""

    station_id: str
    site: str
    """``[station] site``: vendor and place of manufacture of what is made here."""
    rules: ClassifierRules
    required_fields: tuple[MovingDataField, ...]
    """Moving data every received input must carry (vendor, place and date always)."""
    operators: tuple[Operator, ...]
    required_training: str = "supply-chain-security"
    role: Role = Role.RELEASE


class ReleaseView(Protocol):
    """Read-only queries the release workflow makes (`SqliteReleaseView` answers them)."""

    def find_orders(self, kind: DocumentKind, number: str) -> list[ShipmentRecord]: ...

    def find_shipments(self, kind: DocumentKind, number: str) -> list[ShipmentRecord]: ...

    def shipment(self, shipment_id: str) -> ShipmentRecord | None: ...

    def open_release(self, station_id: str) -> ReleaseRecord | None: ...

    def releases_of(self, shipment_id: str) -> list[ReleaseRecord]: ...

    def release_count(self, station_id: str) -> int: ...

    def units(self, release_id: str) -> list[ReleaseUnit]: ...

    def unit(self, release_id: str, unit_id: str) -> ReleaseUnit | None: ...

    def seals(self, release_id: str) -> list[str]: ...

    def last_action(self, release_id: str) -> tuple[str, str] | None: ...

    def facts(self, lot_id: str, *, release_id: str | None = None) -> LotFacts: ...

    def lot(self, lot_id: str) -> LotRecord | None: ...

    def links(self, lot_id: str) -> list[tuple[str, Decimal | None]]: ...

    def genealogy(self) -> Genealogy: ...

    def completed_payload(self, release: ReleaseRecord) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One line of the release board: an ordered unit, or a unit scanned but not ordered."""

    unit_id: str
    ordered: bool
    state: str
    """``waiting`` (not scanned yet), ``ok`` or ``blocked``."""
    note: str
    """Finding codes of a blocked unit, or what else is worth knowing."""


# Fields the moving data of every shipped item must carry, whatever the station requires.
_ALWAYS_REQUIRED = tuple(f for f in DEFAULT_REQUIRED_FIELDS if f is not MovingDataField.UNIQUE_ID)


class ReleaseWorkflow:
    """Release at one station: login, order, units, seals, bill of lading, complete."""

    def __init__(
        self, settings: ReleaseSettings, view: ReleaseView, clock: Clock, outbound_dir: Path
    ) -> None:
        self.settings = settings
        self.view = view
        self.clock = clock
        self.outbound_dir = outbound_dir
        self.site = SiteIdentity.parse(settings.site)
        self.session = Session(
            SessionSettings(
                station_id=settings.station_id,
                operators=settings.operators,
                role=settings.role,
                required_training=settings.required_training,
            ),
            clock,
        )
        self._required = tuple(
            dict.fromkeys(
                (
                    *_ALWAYS_REQUIRED,
                    *(f for f in settings.required_fields if f is not MovingDataField.UNIQUE_ID),
                )
            )
        )
        self._order_index: dict[str, tuple[Manifest, dict[str, Unit]]] = {}

    # -- entry points ---------------------------------------------------------

    def handle(self, scan: Scan) -> Outcome:
        """Decide what `scan` means at the release dock; never raises on bad input."""
        code = classify(scan.text, self.settings.rules, scan.symbology)
        return self._record(scan, code, self._dispatch(code, scan.text))

    def login(self, badge: str, device: str = "keyboard") -> Outcome:
        """Log in by badge number typed or passed on the command line."""
        code = BadgeCode(badge, badge)
        return self._record(Scan(badge, device=device), code, self._dispatch(code, badge))

    def select_shipment(self, shipment_id: str, device: str = "keyboard") -> Outcome:
        """Open the release of an order picked from a list, as if its id were scanned."""
        code = DocumentCode(shipment_id, DocumentKind.SHIPMENT, shipment_id)
        return self._record(Scan(shipment_id, device=device), code, self._dispatch(code, ""))

    def remove_unit(self, unit_id: str) -> Outcome:
        """Take one unit (picked from the board) off the open release."""
        if self.operator is None:
            return refuse(FindingCode.NOT_LOGGED_IN, "Nobody is logged in: scan your badge first")
        release = self.release()
        if release is None or self.view.unit(release.release_id, unit_id) is None:
            return refuse(
                FindingCode.NOTHING_TO_UNDO, f"{printable(unit_id)} is not in an open release"
            )
        return self._remove(release, unit_id, "removed")

    @property
    def operator(self) -> Operator | None:
        """The operator logged in at this dock."""
        return self.session.operator

    def release(self) -> ReleaseRecord | None:
        """The release open at this station, if any."""
        return self.view.open_release(self.settings.station_id)

    def settle(self, outcome: Outcome) -> Outcome | None:
        """Once `outcome.events` are committed: apply the session change, write the manifest.

        Returns a changed outcome only when the outbound manifest could not be written
        (the release is complete all the same; ``station release export`` writes it again).
        """
        self.session.settle(outcome)
        for event in outcome.events:
            if event.kind is not EventKind.RELEASE_COMPLETED:
                continue
            path = outbound_path(self.outbound_dir, event.payload["shipment_id"])
            try:
                write_outbound(path, event.payload["manifest"])
            except OSError as exc:
                message = (
                    f"{outcome.headline}; but the outbound manifest could not be written to "
                    f"{path} ({printable(str(exc))}): run `station release export "
                    f"{event.payload['shipment_id']}`"
                )
                return Outcome(
                    Verdict.ERROR,
                    message,
                    findings=outcome.findings,
                    events=outcome.events,
                    input_display=outcome.input_display,
                    unit=outcome.unit,
                    shipment=outcome.shipment,
                    details=outcome.details,
                )
        return None

    def export(self, shipment_id: str, out: Path | None = None) -> Path:
        """Write the outbound manifest of a shipped order again (default: where release put it).

        Raises `StationError` when the order has no completed release.
        """
        for release in self.view.releases_of(shipment_id):
            payload = self.view.completed_payload(release)
            if release.status is ReleaseStatus.COMPLETED and payload is not None:
                path = out or outbound_path(self.outbound_dir, shipment_id)
                # The log keeps keys sorted; parse back for the canonical order written first.
                parsed = parse_manifest_json(json.dumps(payload["manifest"]), "shipping record")
                if not parsed.manifests:
                    raise StationError(f"the shipping record of {shipment_id} is unreadable")
                try:
                    return write_outbound(path, parsed.manifests[0].as_dict())
                except OSError as exc:
                    raise StationError(f"cannot write {path}: {exc}") from exc
        raise StationError(
            f"order {printable(shipment_id)!r} has no completed release: nothing was shipped"
        )

    def order(self, release: ReleaseRecord) -> Manifest:
        """The order (outbound manifest) a release ships."""
        shipment = self.view.shipment(release.shipment_id)
        assert shipment is not None, release.shipment_id
        return shipment.manifest

    def board(self, release: ReleaseRecord) -> list[BoardRow]:
        """Every ordered unit with its state, then units scanned that the order lacks."""
        checked = {u.unit_id: u for u in self.view.units(release.release_id)}
        rows: list[BoardRow] = []
        for unit in self.order(release).units:
            lot_id = self.order_lot_id(unit)
            found = checked.pop(lot_id, None)
            rows.append(_row(lot_id, True, found))
        rows.extend(_row(unit_id, False, found) for unit_id, found in checked.items())
        return rows

    def order_lot_id(self, unit: Unit) -> str:
        """The lot an order's unit names: its SSCC, a lot made here, or a received item."""
        if unit.sscc is not None:
            return unit.sscc
        line = unit.contents[0] if unit.contents else None
        if line is not None and line.lot is not None and line.serial is None:
            record = self.view.lot(line.lot)
            if (
                record is not None
                and record.kind == "produced"
                and (line.gtin is None or line.gtin == record.gtin)
            ):
                return line.lot
        return unit.unit_id or "?"

    # -- dispatch ---------------------------------------------------------------

    def _dispatch(self, code: Code, text: str) -> Outcome:
        if isinstance(code, BadgeCode):
            release = self.release()
            note = f"; resuming release of {release.shipment_id}" if release else ""
            return self.session.badge(code, note)
        if isinstance(code, InvalidCode):
            return Outcome(Verdict.ERROR, code.findings[0].message, findings=code.findings)
        typed_lot = isinstance(code, UnknownCode) and self.view.lot(text.strip()) is not None
        if isinstance(code, UnknownCode) and not typed_lot:
            return unreadable(code)
        if self.operator is None:
            return refuse(FindingCode.NOT_LOGGED_IN, "Nobody is logged in: scan your badge first")
        if isinstance(code, CommandCode):
            return self._command(code.command)
        if isinstance(code, DocumentCode):
            return self._document(code)
        release = self.release()
        if release is None:
            return refuse(
                FindingCode.NO_ACTIVE_SHIPMENT,
                "No order is being released: scan the order (shipment id, PO or ASN) first",
            )
        if isinstance(code, SealCode):
            return self._seal(release, code.number)
        if isinstance(code, Gs1Code):
            lot_id = self._lot_id(code)
            if lot_id is None:
                return refuse(
                    FindingCode.NOT_APPLICABLE,
                    "This label names a product, not a unit: scan the pallet's SSCC label "
                    "(or a label with GTIN and lot or serial)",
                )
            return self._unit(release, lot_id, code, text)
        return self._unit(release, text.strip(), None, text)

    def _command(self, command: Command) -> Outcome:
        if command is Command.LOGOUT:
            return self.session.logout("; the open release stays open")
        release = self.release()
        if release is None:
            return refuse(
                FindingCode.NO_ACTIVE_SHIPMENT,
                f"#{command.value} needs an open release: scan an order first",
            )
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

    # -- the order ----------------------------------------------------------------

    def _document(self, code: DocumentCode) -> Outcome:
        release = self.release()
        label = f"{code.kind.value.replace('_', ' ')} {printable(code.number)!r}"
        if release is not None:
            if code.kind is DocumentKind.BILL_OF_LADING:
                return self._bill_of_lading(release, code.number)
            orders = self.view.find_orders(code.kind, code.number)
            if any(o.shipment_id == release.shipment_id for o in orders):
                return Outcome(
                    Verdict.INFO,
                    f"Order {release.shipment_id} is already being released ({release.release_id})",
                    shipment=release.shipment_id,
                )
            return refuse(
                FindingCode.NOT_APPLICABLE,
                f"Release {release.release_id} of order {release.shipment_id} is open: "
                "complete it (#CLOSE) before starting another order",
            )
        orders = self.view.find_orders(code.kind, code.number)
        if not orders:
            return refuse(FindingCode.UNKNOWN_SHIPMENT, f"No outbound order has {label}")
        if len(orders) > 1:
            ids = ", ".join(o.shipment_id for o in orders)
            return refuse(
                FindingCode.UNKNOWN_SHIPMENT,
                f"{label} matches several orders ({ids}): scan the order's shipment id",
            )
        order = orders[0]
        for earlier in self.view.releases_of(order.shipment_id):
            if earlier.status is ReleaseStatus.COMPLETED:
                return refuse(
                    FindingCode.NOT_APPLICABLE,
                    f"Order {order.shipment_id} was already shipped "
                    f"(release {earlier.release_id}, {earlier.completed_at})",
                )
            if earlier.status is ReleaseStatus.ABANDONED:
                continue
            return refuse(
                FindingCode.NOT_APPLICABLE,
                f"Order {order.shipment_id} is being released in {earlier.release_id} "
                f"at station {earlier.station_id}",
            )
        number = self.view.release_count(self.settings.station_id) + 1
        release_id = f"RL-{self.settings.station_id}-{number:05d}"
        event = self.session.event(
            EventKind.RELEASE_OPENED,
            {"release_id": release_id, "shipment_id": order.shipment_id},
        )
        manifest = order.manifest
        buyer = manifest.buyer.name if manifest.buyer else "no buyer named"
        po = ", ".join(manifest.purchase_orders) or "no PO"
        return Outcome(
            Verdict.INFO,
            f"Releasing {order.shipment_id} to {buyer} ({po}): {len(manifest.units)} units ordered",
            events=(event,),
            shipment=order.shipment_id,
        )

    def _bill_of_lading(self, release: ReleaseRecord, number: str) -> Outcome:
        on_order = self.order(release).bill_of_lading
        if on_order is not None and number != on_order:
            return refuse(
                FindingCode.NOT_APPLICABLE,
                f"Bill of lading {printable(number)!r} is not the one on order "
                f"{release.shipment_id} ({on_order})",
            )
        others = [
            s.shipment_id
            for s in self.view.find_shipments(DocumentKind.BILL_OF_LADING, number)
            if s.shipment_id != release.shipment_id
        ]
        if others:
            return refuse(
                FindingCode.NOT_APPLICABLE,
                f"Bill of lading {printable(number)!r} belongs to shipment {others[0]}",
            )
        if release.bill_of_lading == number:
            return Outcome(
                Verdict.INFO,
                f"Bill of lading {printable(number)} is already captured",
                shipment=release.shipment_id,
            )
        event = self.session.event(
            EventKind.RELEASE_BOL_CAPTURED,
            {
                "release_id": release.release_id,
                "shipment_id": release.shipment_id,
                "bill_of_lading": number,
                "replaces": release.bill_of_lading,
            },
        )
        replaced = f" (replaces {release.bill_of_lading})" if release.bill_of_lading else ""
        return Outcome(
            Verdict.ACCEPT,
            f"Bill of lading {printable(number)} captured for {release.shipment_id}{replaced}",
            events=(event,),
            shipment=release.shipment_id,
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
            return Outcome(Verdict.REJECT, message, findings=(finding,))
        event = self.session.event(
            EventKind.RELEASE_SEAL_APPLIED,
            {"release_id": release.release_id, "shipment_id": release.shipment_id, "seal": seal},
        )
        return Outcome(
            Verdict.ACCEPT,
            f"Seal {seal} recorded on {release.shipment_id} ({len(applied) + 1} applied)",
            events=(event,),
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
        return Outcome(
            Verdict.QUARANTINE,
            message,
            findings=(finding,),
            events=(event,),
            shipment=release.shipment_id,
        )

    # -- units ------------------------------------------------------------------

    def _lot_id(self, code: Gs1Code) -> str | None:
        if code.sscc:
            return code.sscc
        if code.gtin is None:
            return None
        if code.lot is not None and code.serial is None:
            record = self.view.lot(code.lot)
            if record is not None and record.kind == "produced":
                return code.lot
        return item_key(code.gtin, lot=code.lot, serial=code.serial)

    def _unit(
        self, release: ReleaseRecord, lot_id: str, code: Gs1Code | None, label: str
    ) -> Outcome:
        existing = self.view.unit(release.release_id, lot_id)
        if existing is not None:
            finding = Finding(
                FindingCode.DUPLICATE_SCAN,
                Severity.INFO,
                f"Unit {printable(lot_id)} is already in this release "
                f"({'passed' if existing.ok else 'BLOCKED'}); not counted again",
                found=printable(lot_id),
            )
            return Outcome(
                Verdict.INFO,
                finding.message,
                findings=(finding,),
                unit=lot_id,
                shipment=release.shipment_id,
            )
        findings = self._check(release, lot_id, code)
        record = self.view.lot(lot_id)
        ok = not findings
        event = self.session.event(
            EventKind.RELEASE_UNIT_CHECKED,
            {
                "release_id": release.release_id,
                "shipment_id": release.shipment_id,
                "unit_id": lot_id,
                "label": label,
                "ok": ok,
                "findings": [f.as_dict() for f in findings],
                "gtin": record.gtin if record else None,
                "product": record.product if record else None,
                "quantity": str(record.quantity - record.consumed) if record else None,
                "uom": record.uom if record else None,
            },
        )
        if ok:
            ordered = [self.order_lot_id(u) for u in self.order(release).units]
            done = {u.unit_id for u in self.view.units(release.release_id)} | {lot_id}
            progress = f"{sum(1 for u in ordered if u in done)}/{len(ordered)}"
            headline = f"OK {printable(lot_id)}: passes release for {release.shipment_id} "
            headline += f"({progress} ordered units checked)"
            verdict = Verdict.ACCEPT
            details: tuple[str, ...] = ()
        else:
            headline = f"BLOCKED {printable(lot_id)}: {findings[0].message}"
            verdict = Verdict.REJECT
            details = ("Take it off the trailer and #UNDO, or the release will be refused",)
        return Outcome(
            verdict,
            headline,
            findings=tuple(findings),
            events=(event,),
            unit=lot_id,
            shipment=release.shipment_id,
            details=details,
        )

    def _check(self, release: ReleaseRecord, lot_id: str, code: Gs1Code | None) -> list[Finding]:
        """Every reason `lot_id` may not ship on `release` now (empty: it may)."""
        facts = self.view.facts(lot_id, release_id=release.release_id)
        if facts.status == "shipped":
            return unit_findings(lot_id, facts)
        inputs: list[LotFacts] = []
        gaps: list[tuple[str, Sequence[str]]] = []
        problems: tuple[ProvenanceProblem, ...] = ()
        if facts.known:
            trace = self.view.genealogy().trace(lot_id)
            inputs = [self.view.facts(u) for u in sorted(trace.upstream)]
            problems = trace.cycles + trace.missing
            for origin in trace.received:
                gaps.append((origin.lot_id, self._missing_fields(origin.lot_id)))
        findings = unit_findings(
            lot_id, facts, inputs=inputs, trace_problems=problems, data_gaps=gaps
        )
        record = self.view.lot(lot_id)
        order = self.order(release)
        ordered = self._ordered_unit(order, lot_id, record)
        if ordered is None:
            findings.append(not_on_order(lot_id, release.shipment_id))
        if code is not None and record is not None:
            findings.extend(check_label(code, self._label_record(record)))
        if ordered is not None and any(line.serials_required for line in ordered.contents):
            serials = [code.serial if code else None]
            serials += [line.serial for line in ordered.contents]
            serials.append(record.origin.get("serial") if record and record.origin else None)
            if not any(serials):
                findings.append(serial_missing(lot_id))
        if record is not None and record.kind in ("received", "produced"):
            described = describe_unit(self.view, lot_id, self.site)
            if isinstance(described, str):
                findings.append(cannot_describe(lot_id, described))
        return findings

    def _missing_fields(self, lot_id: str) -> list[str]:
        record = self.view.lot(lot_id)
        line = origin_line(record) if record else None
        if line is None:
            return []
        return missing_fields(Unit(sscc=None, packaging="unit", contents=(line,)), self._required)

    def _label_record(self, record: LotRecord) -> LabelRecord:
        """What the unit's label may carry: the GTINs, lots and serials on it."""
        described = describe_unit(self.view, record.lot_id, self.site)
        if isinstance(described, str):
            return LabelRecord(gtins=frozenset({record.gtin} if record.gtin else ()))
        lines = described.contents
        return LabelRecord(
            gtins=frozenset(line.gtin for line in lines if line.gtin),
            lots=frozenset(line.lot for line in lines if line.lot),
            serials=frozenset(line.serial for line in lines if line.serial),
        )

    def _ordered_unit(self, order: Manifest, lot_id: str, record: LotRecord | None) -> Unit | None:
        cached = self._order_index.get(order.shipment_id)
        if cached is None or cached[0] is not order:
            index = {u.unit_id: u for u in order.units if u.unit_id is not None}
            cached = (order, index)
            self._order_index[order.shipment_id] = cached
        index = cached[1]
        found = index.get(lot_id)
        if found is None and record is not None and record.kind == "produced" and record.gtin:
            key = item_key(record.gtin, lot=lot_id)
            found = index.get(key) if key else None
        return found

    def _remove(self, release: ReleaseRecord, unit_id: str, reason: str) -> Outcome:
        event = self.session.event(
            EventKind.RELEASE_UNIT_REMOVED,
            {"release_id": release.release_id, "unit_id": unit_id, "reason": reason},
        )
        return Outcome(
            Verdict.INFO,
            f"Taken off release {release.release_id}: {printable(unit_id)} ({reason})",
            events=(event,),
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
            event = self.session.event(
                EventKind.RELEASE_ABANDONED,
                {"release_id": release.release_id, "shipment_id": release.shipment_id},
            )
            return Outcome(
                Verdict.INFO,
                f"Release {release.release_id} of {release.shipment_id} abandoned: nothing was "
                "in it; the order can be released later",
                events=(event,),
                shipment=release.shipment_id,
            )
        kind, subject = action
        if kind == "unit":
            return self._remove(release, subject, "undo")
        event = self.session.event(
            EventKind.RELEASE_SEAL_REMOVED,
            {"release_id": release.release_id, "seal": subject, "reason": "undo"},
        )
        return Outcome(
            Verdict.INFO,
            f"Undone: seal {printable(subject)} taken off release {release.release_id}",
            events=(event,),
            shipment=release.shipment_id,
        )

    # -- completion ---------------------------------------------------------------

    def _close(self, release: ReleaseRecord) -> Outcome:
        order = self.order(release)
        units = self.view.units(release.release_id)
        blocking: list[Blocking] = []
        described: list[Unit] = []
        rechecked: list[Event] = []
        packaging = {self.order_lot_id(u): u.packaging for u in order.units}
        for unit in units:
            code = classify(unit.label, self.settings.rules)
            findings = self._check(
                release, unit.unit_id, code if isinstance(code, Gs1Code) else None
            )
            if findings:
                blocking.append(Blocking(unit.unit_id, tuple(findings)))
            if [f.as_dict() for f in findings] != [f.as_dict() for f in unit.findings]:
                # State changed since the scan (a hold placed or lifted): record the new result.
                rechecked.append(
                    self.session.event(
                        EventKind.RELEASE_UNIT_CHECKED,
                        {
                            "release_id": release.release_id,
                            "shipment_id": release.shipment_id,
                            "unit_id": unit.unit_id,
                            "label": unit.label,
                            "ok": not findings,
                            "findings": [f.as_dict() for f in findings],
                            "recheck": True,
                        },
                    )
                )
            shipped = describe_unit(self.view, unit.unit_id, self.site, packaging.get(unit.unit_id))
            if isinstance(shipped, Unit):
                described.append(shipped)
        seals = self.view.seals(release.release_id)
        problems = [
            *check_order(
                release.shipment_id,
                ordered_units=[self.order_lot_id(u) for u in order.units],
                released_units=[u.unit_id for u in units],
                ordered_lines=[line for u in order.units for line in u.contents],
                released_lines=[line for u in described for line in u.contents],
            ),
            *check_seals(release.shipment_id, order.seals, seals),
            *check_bill_of_lading(release.shipment_id, release.bill_of_lading),
        ]
        manifest: Manifest | None = None
        if not blocking and not problems:
            assert release.bill_of_lading is not None
            manifest = outbound_manifest(
                order,
                units=described,
                seals=seals,
                bill_of_lading=release.bill_of_lading,
                site=self.site,
                notes=(
                    f"Released by {self.site.name}, station {self.settings.station_id}, "
                    f"release {release.release_id}"
                ),
            )
            # What this station ships, another must be able to receive as it is.
            again = parse_manifest_json(json.dumps(manifest.as_dict()), "outbound manifest")
            if again.problems:
                reason = "; ".join(str(p) for p in again.problems[:3])
                problems.append(
                    cannot_describe(release.shipment_id, f"outbound manifest invalid: {reason}")
                )
        if blocking or problems or manifest is None:
            return self._refused(release, blocking, problems, rechecked)
        return self._completed(release, units, seals, manifest, rechecked)

    def _refused(
        self,
        release: ReleaseRecord,
        blocking: list[Blocking],
        problems: list[Finding],
        rechecked: list[Event],
    ) -> Outcome:
        findings = [f for b in blocking for f in b.findings] + problems
        event = self.session.event(
            EventKind.RELEASE_REFUSED,
            {
                "release_id": release.release_id,
                "shipment_id": release.shipment_id,
                "findings": [f.as_dict() for f in findings],
                "blocking": [b.as_dict() for b in blocking],
            },
        )
        details = [
            f"{printable(b.unit_id)}: {f.code.value}: {f.message}"
            for b in blocking
            for f in b.findings
        ]
        details.extend(f"{f.code.value}: {f.message}" for f in problems)
        parts = []
        if blocking:
            parts.append(f"{len(blocking)} blocking unit(s)")
        if problems:
            parts.append(f"{len(problems)} problem(s) with the order")
        return Outcome(
            Verdict.REJECT,
            f"Release of {release.shipment_id} REFUSED: {', '.join(parts)}; nothing ships",
            findings=tuple(findings),
            events=(*rechecked, event),
            shipment=release.shipment_id,
            details=tuple(details),
        )

    def _completed(
        self,
        release: ReleaseRecord,
        units: Sequence[ReleaseUnit],
        seals: Sequence[str],
        manifest: Manifest,
        rechecked: list[Event],
    ) -> Outcome:
        path = outbound_path(self.outbound_dir, release.shipment_id)
        shipped: list[dict[str, Any]] = [
            {
                "unit_id": u.unit_id,
                "gtin": u.gtin,
                "product": u.product,
                "quantity": str(u.quantity) if u.quantity is not None else None,
                "uom": u.uom,
            }
            for u in units
        ]
        event = self.session.event(
            EventKind.RELEASE_COMPLETED,
            {
                "release_id": release.release_id,
                "shipment_id": release.shipment_id,
                "buyer": manifest.buyer.as_dict() if manifest.buyer else None,
                "seller": manifest.seller.as_dict() if manifest.seller else None,
                "purchase_orders": list(manifest.purchase_orders),
                "bill_of_lading": release.bill_of_lading,
                "seals": list(seals),
                "units": shipped,
                "manifest": manifest.as_dict(),
                "file": path.name,
            },
        )
        buyer = manifest.buyer.name if manifest.buyer else "the buyer"
        return Outcome(
            Verdict.ACCEPT,
            f"RELEASED {release.shipment_id} to {buyer}: {len(units)} unit(s), "
            f"seals {', '.join(seals)}, BOL {release.bill_of_lading}",
            events=(*rechecked, event),
            shipment=release.shipment_id,
            details=(
                f"Outbound manifest: {path}",
                *(f"{printable(u.unit_id)} shipped" for u in units),
            ),
        )

    # -- helpers ----------------------------------------------------------------

    def _record(self, scan: Scan, code: Code, outcome: Outcome) -> Outcome:
        release = self.release() if self.operator is not None else None
        context = {"release_id": release.release_id if release else None}
        return self.session.record(scan, code, outcome, context)


def _row(unit_id: str, ordered: bool, found: ReleaseUnit | None) -> BoardRow:
    if found is None:
        return BoardRow(unit_id, ordered, "waiting", "")
    note = ", ".join(dict.fromkeys(f.code.value for f in found.findings))
    if not ordered and not note:
        note = "not on the order"
    return BoardRow(unit_id, ordered, "ok" if found.ok else "blocked", note)


__all__: Sequence[str] = ("BoardRow", "ReleaseSettings", "ReleaseView", "ReleaseWorkflow")
