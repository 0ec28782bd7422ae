"""The per-unit release checks, and the order lookups they rest on.

`ReleaseChecks` answers, for one release, whether a unit may ship now (see
`station.domain.checks.release` for the rules: releasable state, complete trace, no held
input, on the order, label agrees with the record, serials where the order needs
them) and what the release board shows for each unit (which lot a label or an
order names is read by `station.workflows.unit_label`). `check_scanned_unit` checks a
unit when it is scanned and records what its check found (RELEASE_UNIT_CHECKED, made
by `unit_checked`); the close (`station.workflows.release_close`) checks every unit
again.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from station.domain.checks.receiving import (
    DEFAULT_REQUIRED_FIELDS,
    MovingDataField,
    missing_fields,
)
from station.domain.checks.release import (
    LabelRecord,
    LotFacts,
    ReleaseRecord,
    ReleaseUnit,
    cannot_describe,
    check_label,
    not_on_order,
    serial_missing,
    unit_findings,
)
from station.domain.claims.entries import Aggregate
from station.domain.events import Event, EventKind
from station.domain.findings import Finding, FindingCode, Severity, Verdict, refusal
from station.domain.lots.provenance import Genealogy, ProvenanceProblem
from station.domain.manifest.model import Manifest, Unit, item_key
from station.domain.manifest.outbound import SiteIdentity
from station.domain.printable import printable
from station.domain.scanning.codes import DocumentKind, Gs1Code
from station.ports import ShipmentRecord
from station.store.views.lots import LotRecord
from station.workflows.outcome import Outcome
from station.workflows.session import Session
from station.workflows.shipped_units import describe_unit, origin_line
from station.workflows.unit_label import unit_ordered


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

    def parents(self, lot_id: str) -> list[str]: ...

    def claim_of(self, lot_id: str) -> dict[str, Any] | None: ...

    def received_eudr(self, lot_id: str) -> list[dict[str, Any] | None]: ...

    def claim_aggregates(self) -> list[Aggregate]: ...

    def completed_payload(self, release: ReleaseRecord) -> dict[str, Any] | None: ...

    def log_holds(self, lot_ids: Collection[str]) -> dict[str, tuple[str, ...]]: ...


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


class ReleaseChecks:
    """Whether units may ship on a release, read from `view` as it is at each call."""

    def __init__(
        self,
        view: ReleaseView,
        site: SiteIdentity,
        required_fields: Sequence[MovingDataField],
    ) -> None:
        self.view = view
        self.site = site
        self._required = tuple(
            dict.fromkeys(
                (
                    *_ALWAYS_REQUIRED,
                    *(f for f in required_fields if f is not MovingDataField.UNIQUE_ID),
                )
            )
        )
        self._order_index: dict[str, tuple[Manifest, dict[str, Unit]]] = {}

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
            lot_id = unit_ordered(unit, self.view)
            found = checked.pop(lot_id, None)
            rows.append(_row(lot_id, True, found))
        rows.extend(_row(unit_id, False, found) for unit_id, found in checked.items())
        return rows

    def check(self, release: ReleaseRecord, lot_id: str, code: Gs1Code | None) -> list[Finding]:
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

    def held_by_log(self, lot_ids: Sequence[str]) -> dict[str, Finding]:
        """A refusal for each of `lot_ids` that the event log itself holds, or an input of it.

        Read from the log (a targeted replay), not from the projection tables the other
        checks read: tables edited behind the station's back cannot ship a held unit.
        """
        upstream: dict[str, set[str]] = {}
        genealogy = self.view.genealogy()
        for lot_id in lot_ids:
            trace = genealogy.trace(lot_id) if self.view.lot(lot_id) else None
            upstream[lot_id] = set(trace.upstream) if trace else set()
        held = self.view.log_holds({*lot_ids, *(u for ups in upstream.values() for u in ups)})
        found: dict[str, Finding] = {}
        for lot_id in lot_ids:
            reasons = [*held.get(lot_id, ())]
            reasons += [
                f"input {u}: {r}" for u in sorted(upstream[lot_id]) for r in held.get(u, ())
            ]
            if reasons:
                found[lot_id] = refusal(
                    FindingCode.NOT_RELEASABLE,
                    f"{printable(lot_id)} is held according to the event log "
                    f"({'; '.join(reasons)}) although the stored state lets it ship: "
                    "the database may have been edited; run station verify-log",
                    "released from hold",
                    "; ".join(reasons),
                )
        return found

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


def unit_checked(
    session: Session,
    release: ReleaseRecord,
    unit_id: str,
    label: str,
    findings: Sequence[Finding],
    **extra: Any,
) -> Event:
    """The RELEASE_UNIT_CHECKED event recording what `unit_id`'s check found."""
    return session.event(
        EventKind.RELEASE_UNIT_CHECKED,
        {
            "release_id": release.release_id,
            "shipment_id": release.shipment_id,
            "unit_id": unit_id,
            "label": label,
            "ok": not findings,
            "findings": [f.as_dict() for f in findings],
            **extra,
        },
    )


def check_scanned_unit(
    checks: ReleaseChecks,
    session: Session,
    release: ReleaseRecord,
    lot_id: str,
    *,
    code: Gs1Code | None,
    label: str,
    **entry: str,
) -> Outcome:
    """Check a unit scanned onto `release` and record what the check found.

    `entry` goes into the record as it is (a hand entry's ``entry``, ``authorised_by``
    and ``reason``).
    """
    existing = checks.view.unit(release.release_id, lot_id)
    if existing is not None:
        finding = Finding(
            FindingCode.DUPLICATE_SCAN,
            Severity.INFO,
            f"Unit {printable(lot_id)} is already in this release "
            f"({'passed' if existing.ok else 'BLOCKED'}); not counted again",
            found=printable(lot_id),
        )
        return Outcome.found(Verdict.INFO, finding, unit=lot_id, shipment=release.shipment_id)
    findings = checks.check(release, lot_id, code)
    record = checks.view.lot(lot_id)
    event = unit_checked(
        session,
        release,
        lot_id,
        label,
        findings,
        gtin=record.gtin if record else None,
        product=record.product if record else None,
        quantity=str(record.quantity - record.consumed) if record else None,
        uom=record.uom if record else None,
        **entry,
    )
    if not findings:
        ordered = [unit_ordered(u, checks.view) for u in checks.order(release).units]
        done = {u.unit_id for u in checks.view.units(release.release_id)} | {lot_id}
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


def _row(unit_id: str, ordered: bool, found: ReleaseUnit | None) -> BoardRow:
    if found is None:
        return BoardRow(unit_id, ordered, "waiting", "")
    note = ", ".join(dict.fromkeys(f.code.value for f in found.findings))
    if not ordered and not note:
        note = "not on the order"
    return BoardRow(unit_id, ordered, "ok" if found.ok else "blocked", note)


__all__: Sequence[str] = (
    "BoardRow",
    "ReleaseChecks",
    "ReleaseView",
    "check_scanned_unit",
    "unit_checked",
)
