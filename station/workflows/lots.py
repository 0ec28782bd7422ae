"""New lots at the station: repack, split, merge, palletise, with durable new ids.

The operator names the parents and quantities; `plan_transformation` checks them
against what the store knows (held, rejected, shipped or used-up parents are refused
with the reason). New identifiers are allocated inside the same write transaction
that records the one `lot.transformed` event linking inputs to outputs, so a crash
can never hand out a number twice, and provenance is derived from the genealogy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from station.config import IdentifierSettings
from station.domain.claims.settings import ClaimsSettings
from station.domain.events import Event, EventKind
from station.domain.lots.lot_state import LotState
from station.domain.lots.provenance import Genealogy, Origin
from station.domain.lots.transform_plan import TransformKind, TransformPlan, TransformProblem
from station.domain.lots.transform_rules import plan_transformation
from station.domain.operators import Operator
from station.domain.printable import printable
from station.ports import Clock
from station.store.eventlog import EventLog
from station.store.views.lots import SqliteLotView
from station.workflows.lot_claims import mixture_claim


class LabelEvents(Protocol):
    """Makes the print-job events for new lots (`PrintQueue.queue_events`)."""

    def __call__(
        self, lot_ids: list[str], operator: Operator | None, *, pallet: bool
    ) -> list[Event]: ...


@dataclass(frozen=True, slots=True)
class TransformRequest:
    """What an operator asks for."""

    kind: TransformKind
    parents: tuple[tuple[str, Decimal], ...]
    """Parent lot ids (or SSCCs) and the quantity to take from each."""
    outputs: tuple[Decimal, ...] = ()
    """Quantities of the new lots (none for palletise: the pallet holds what was taken)."""
    loss: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class TransformResult:
    """A committed transformation, or every reason it was refused."""

    ok: bool
    message: str
    new_ids: tuple[str, ...] = ()
    problems: tuple[TransformProblem, ...] = ()
    event_id: str | None = None


@dataclass(kw_only=True)
class LotDesk:
    """Checks, allocates and records transformations for one station."""

    identifiers: IdentifierSettings
    station_id: str
    site: str
    log: EventLog
    lots: SqliteLotView
    clock: Clock
    label_events: LabelEvents | None = None
    claims: ClaimsSettings = field(default_factory=ClaimsSettings)
    warnings: list[str] = field(default_factory=list, init=False)
    """Range warnings from the last transformation, shown with its result."""
    notes: list[str] = field(default_factory=list, init=False)
    """What the operator should know of the last transformation (a claim lowered)."""

    def plan(self, request: TransformRequest) -> TransformPlan | tuple[TransformProblem, ...]:
        """Check a request against the current lots without writing anything."""
        parents: list[tuple[LotState, Decimal]] = []
        for lot_id, quantity in request.parents:
            record = self.lots.lot(lot_id)
            parents.append((record.state() if record else LotState.unknown(lot_id), quantity))
        outputs = request.outputs
        return plan_transformation(
            request.kind,
            parents,
            outputs,
            loss=request.loss,
            tolerance=self.identifiers.loss_tolerance,
        )

    def transform(self, request: TransformRequest, operator: Operator) -> TransformResult:
        """Plan, allocate and commit; the result is returned only after the commit."""
        self.warnings = []
        self.notes = []
        planned = self.plan(request)
        if not isinstance(planned, TransformPlan):
            return TransformResult(False, "; ".join(p.message for p in planned), problems=planned)
        if request.kind is TransformKind.PALLETISE and self.identifiers.sscc_range is None:
            return TransformResult(
                False, "This station has no SSCC range: set [identifiers] company_prefix"
            )
        built: list[Event] = []

        def build(conn: sqlite3.Connection) -> list[Event]:
            # Re-plan under the write lock: another writer may have consumed a parent.
            again = self.plan(request)
            if not isinstance(again, TransformPlan):
                raise _Refused(again)
            event = self._event(again, operator, conn)
            built.append(event)
            events = [event]
            if self.label_events is not None:
                # Queued in the same transaction: a new lot never lacks its label job.
                new_ids = [o["lot_id"] for o in event.payload["outputs"]]
                pallet = request.kind is TransformKind.PALLETISE
                labels = self.label_events(new_ids, operator, pallet=pallet)
                events.extend(labels)
                self.warnings.extend(
                    f"no label printed: {e.payload['reason']}"
                    for e in labels[:1]
                    if e.kind is EventKind.PRINT_REFUSED
                )
            return events

        try:
            self.log.append_built(build)
        except _Refused as refused:
            problems = refused.problems
            return TransformResult(False, "; ".join(p.message for p in problems), problems=problems)
        except _Exhausted as exhausted:
            return TransformResult(False, str(exhausted))
        event = built[0]
        new_ids = tuple(o["lot_id"] for o in event.payload["outputs"])
        parents = ", ".join(i["lot_id"] for i in event.payload["inputs"])
        warning = "".join(f" WARNING: {w}" for w in self.warnings)
        warning += "".join(f" NOTE: {n}" for n in self.notes)
        return TransformResult(
            True,
            f"{request.kind.value.capitalize()}: {', '.join(new_ids)} "
            f"from {printable(parents, 120)}{warning}",
            new_ids=new_ids,
            event_id=event.id,
        )

    def _event(self, plan: TransformPlan, operator: Operator, conn: sqlite3.Connection) -> Event:
        now = self.clock.now()
        counters: dict[str, int] = {}
        ids: list[str] = []
        sscc: str | None = None
        if plan.kind is TransformKind.PALLETISE:
            assert self.identifiers.sscc_range is not None
            sscc_range = self.identifiers.sscc_range
            name = f"sscc:{sscc_range.company_prefix}:{sscc_range.extension_digit}"
            allocation = sscc_range.allocate(_counter(conn, name, sscc_range.first_serial))
            if allocation is None:
                raise _Exhausted(f"The SSCC range is exhausted: {sscc_range}")
            counters[name] = allocation.next_serial
            sscc = allocation.sscc
            if allocation.status.warn:
                self.warnings.append(allocation.status.message)
            ids.append(allocation.sscc)
        else:
            template = self.identifiers.lot_template
            day = now.date()
            name = f"lot:{template.template}" + (
                f":{day.isoformat()}" if template.day_scoped else ""
            )
            seq = _counter(conn, name, 1)
            for _ in plan.outputs:
                ids.append(
                    template.render(
                        self.identifiers.site_code, self.station_id, day, seq, plan.gtin
                    )
                )
                seq += 1
            counters[name] = seq
        final = plan.with_output_ids(ids)
        payload: dict[str, Any] = final.as_dict()
        payload["site"] = self.site
        payload["counters"] = counters
        if sscc is not None:
            payload["outputs"][0]["sscc"] = sscc
        genealogy = self.lots.genealogy()
        payload["provenance"] = [
            {
                "lot_id": origin.lot_id,
                "vendor": origin.vendor,
                "country": origin.place_of_manufacture.country
                if origin.place_of_manufacture
                else None,
                "region": origin.place_of_manufacture.region
                if origin.place_of_manufacture
                else None,
                "date_of_manufacture": origin.date_of_manufacture.isoformat()
                if origin.date_of_manufacture
                else None,
                "shipment_id": origin.shipment_id,
            }
            for origin in _received(genealogy, [i.lot_id for i in final.inputs])
        ]
        if plan.kind is TransformKind.PALLETISE:
            # A pallet may mix products; keep its contents as they are.
            payload["gtin"] = plan.gtin
        group = self.claims.group_of(plan.gtin)
        if group is not None and plan.loss > 0:
            # A declared loss of a product group's material, for its mass balance.
            ratio = group.ratio(plan.gtin or "")
            lost = ratio.to_input(plan.loss) if ratio else plan.loss
            payload["claims_loss"] = [{"group": group.name, "input_quantity": str(lost)}]
        claim, note = mixture_claim(self.lots, [i.lot_id for i in final.inputs], self.claims)
        if claim is not None:
            payload["claim"] = claim
        if note is not None:
            self.notes.append(note)
        return Event.new(
            EventKind.LOT_TRANSFORMED,
            station_id=self.station_id,
            operator_id=operator.id,
            recorded_at=now,
            payload=payload,
        )


def _received(genealogy: Genealogy, lot_ids: Sequence[str]) -> list[Origin]:
    seen: dict[str, Origin] = {}
    for lot_id in lot_ids:
        for origin in genealogy.received_inputs(lot_id):
            seen.setdefault(origin.lot_id, origin)
    return [seen[k] for k in sorted(seen)]


def _counter(conn: sqlite3.Connection, name: str, default: int) -> int:
    row = conn.execute("SELECT next FROM counters WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else default


class _Refused(Exception):
    def __init__(self, problems: tuple[TransformProblem, ...]) -> None:
        super().__init__("refused")
        self.problems = problems


class _Exhausted(Exception):
    pass
