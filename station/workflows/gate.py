"""The gate check: has this unit been released, and on which shipment?

A forklift driver or the guard scans any unit before it is loaded or leaves the
site; the answer is RELEASED only when a completed release shipped it (and its lot
is marked shipped), and the event log agrees: its RELEASE_COMPLETED ships the unit
and no hold in the log is left on it (tables edited behind the station's back
cannot pass a held unit). Anything else (in a release still open or refused, never
scanned for release, held, unknown) is NOT RELEASED, with the reason. The check
only reads: it changes nothing and needs no login.

    >>> GateAnswer("X", None, False, "NOT RELEASED: 'X' is not a unit known here").released
    False
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

from station.domain.checks.release import LotFacts, ReleaseRecord, ReleaseUnit, lot_problem
from station.domain.printable import printable
from station.domain.scanning.classify import ClassifierRules, classify
from station.domain.scanning.codes import Gs1Code
from station.store.views.lots import LotRecord
from station.workflows.unit_label import unit_named


class GateView(Protocol):
    """What the gate check reads (`SqliteReleaseView` answers it)."""

    def lot(self, lot_id: str) -> LotRecord | None: ...

    def facts(self, lot_id: str, *, release_id: str | None = None) -> LotFacts: ...

    def shipped_in(self, unit_id: str) -> ReleaseRecord | None: ...

    def open_release_of(self, unit_id: str) -> ReleaseRecord | None: ...

    def unit(self, release_id: str, unit_id: str) -> ReleaseUnit | None: ...

    def seals(self, release_id: str) -> list[str]: ...

    def log_holds(self, lot_ids: Collection[str]) -> dict[str, tuple[str, ...]]: ...

    def log_shipped(self, unit_id: str, release_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class GateAnswer:
    """The answer for one scanned unit."""

    query: str
    """What was scanned or typed, made printable."""
    unit_id: str | None
    """The unit it names, when it names one."""
    released: bool
    headline: str
    """One line for the big banner, plain text."""
    shipment_id: str | None = None
    release_id: str | None = None
    bill_of_lading: str | None = None
    released_at: str | None = None
    released_by: str | None = None
    seals: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default=())
    """Why not released, in words (findings of a blocked unit, its state)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form for ``station gate --json``."""
        return {
            "query": self.query,
            "unit_id": self.unit_id,
            "released": self.released,
            "message": self.headline,
            "shipment_id": self.shipment_id,
            "release_id": self.release_id,
            "bill_of_lading": self.bill_of_lading,
            "released_at": self.released_at,
            "released_by": self.released_by,
            "seals": list(self.seals),
            "reasons": list(self.reasons),
        }


def unit_id_of(view: GateView, text: str, rules: ClassifierRules, symbology: str | None) -> str:
    """The unit a scanned label or typed id names (an SSCC, a lot made here, an item key)."""
    code = classify(text, rules, symbology)
    named = unit_named(code, view) if isinstance(code, Gs1Code) else None
    return named or text.strip()


def gate_check(
    view: GateView, text: str, rules: ClassifierRules, symbology: str | None = None
) -> GateAnswer:
    """Whether the unit `text` names has been released, and on which shipment."""
    query = printable(text, 80)
    unit_id = unit_id_of(view, text, rules, symbology)
    shown = printable(unit_id, 60)
    record = view.lot(unit_id)
    shipped = view.shipped_in(unit_id)
    # The log's own record, whatever the tables say: a hold, and the shipping record.
    held = view.log_holds([unit_id]).get(unit_id, ())
    if shipped is not None and record is not None and record.status == "shipped":
        if held or not view.log_shipped(unit_id, shipped.release_id):
            why = (
                f"held according to the event log ({'; '.join(held)})"
                if held
                else f"the event log has no completed release {shipped.release_id} shipping it"
            )
            return _disagrees(query, unit_id, shown, why)
        return GateAnswer(
            query,
            unit_id,
            True,
            f"RELEASED: {shown} on shipment {shipped.shipment_id} "
            f"(BOL {shipped.bill_of_lading or '-'}, release {shipped.release_id})",
            shipment_id=shipped.shipment_id,
            release_id=shipped.release_id,
            bill_of_lading=shipped.bill_of_lading,
            released_at=shipped.completed_at,
            released_by=shipped.completed_by,
            seals=tuple(view.seals(shipped.release_id)),
        )
    open_release = view.open_release_of(unit_id)
    if open_release is not None:
        checked = view.unit(open_release.release_id, unit_id)
        reasons = tuple(f.message for f in checked.findings) if checked else ()
        check = "passed its check" if checked and checked.ok else "BLOCKED"
        return GateAnswer(
            query,
            unit_id,
            False,
            f"NOT RELEASED: {shown} is in release {open_release.release_id} of "
            f"{open_release.shipment_id}, not completed ({check})",
            shipment_id=open_release.shipment_id,
            release_id=open_release.release_id,
            reasons=reasons or ("the release has not been completed",),
        )
    facts = view.facts(unit_id)
    if not facts.known and facts.receiving_status is None:
        return GateAnswer(
            query,
            None,
            False,
            f"NOT RELEASED: {shown} is not a unit known here",
            reasons=("unknown here: never received or made at this site",),
        )
    state = lot_problem(facts)
    if held and state is None:
        return _disagrees(
            query, unit_id, shown, f"held according to the event log ({'; '.join(held)})"
        )
    reasons = (state,) if state else ("no release of it has been completed",)
    return GateAnswer(
        query,
        unit_id,
        False,
        f"NOT RELEASED: {shown} has not been released for shipping"
        + (f" ({state})" if state else ""),
        reasons=reasons,
    )


def _disagrees(query: str, unit_id: str, shown: str, why: str) -> GateAnswer:
    """NOT RELEASED because the stored state says otherwise than the event log."""
    return GateAnswer(
        query,
        unit_id,
        False,
        f"NOT RELEASED: {shown} is {why}" if why.startswith("held") else f"NOT RELEASED: {why}",
        reasons=(
            why,
            "the stored state disagrees with the event log: the database may have been "
            "edited; run station verify-log",
        ),
    )
