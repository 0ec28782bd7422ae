"""Release rules for one unit: whether it may ship, as findings; and what a release records.

Nothing leaves the site without passing release (traceability protocols: the same
checks as receiving for outbound goods, plus a documented guarantee). A unit may
ship only when it is here in a releasable state (received and accepted, or made
here; never quarantined, rejected, consumed, already shipped or unknown), its
genealogy resolves to received lots that each carry the required moving data, and
no lot upstream of it is quarantined, rejected or on hold. An order ships only whole:
every ordered unit, the quantities per product, at least one seal, and the bill of
lading.

The store gathers what it knows of each lot into `LotFacts`; the functions here
turn facts into findings and never perform I/O or raise on bad data. Whether the
order as a whole may ship is `station.domain.checks.release_order`.

    >>> held = LotFacts("P1", kind="received", status="consumed", receiving_status="accepted",
    ...                 holds=("shipment SHP-1 on hold (MISSING_UNITS)",))
    >>> mine = LotFacts("L1", kind="produced", status="available")
    >>> [f.code.value for f in unit_findings("L1", mine, inputs=[held])]
    ['QUARANTINED_INPUT']
    >>> lot_problem(LotFacts("X"))
    'unknown here: never received or made at this site'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from station.domain.checks.label_match import label_findings
from station.domain.findings import Finding, FindingCode, Severity, refusal
from station.domain.lots.provenance import ProvenanceProblem
from station.domain.printable import printable
from station.domain.scanning.codes import Gs1Code


class ReleaseStatus(StrEnum):
    """Where a release stands."""

    OPEN = "open"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    """Given up with nothing in it (``#UNDO`` on an empty release); the order may be
    released again later."""


@dataclass(frozen=True, slots=True)
class ReleaseRecord:
    """One release: an outbound order being checked (or checked and shipped) at a station."""

    release_id: str
    station_id: str
    shipment_id: str
    """The outbound order (an imported manifest with direction outbound)."""
    status: ReleaseStatus
    opened_by: str | None
    opened_at: str
    bill_of_lading: str | None = None
    refusals: int = 0
    """How many times completion was refused."""
    completed_at: str | None = None
    completed_by: str | None = None
    completed_event_id: str | None = None
    """The RELEASE_COMPLETED event: the shipping record, with the outbound manifest."""


class HandEntry(StrEnum):
    """``[release] hand_entry``: what the release dock does with a unit id typed by hand."""

    REFUSE = "refuse"
    """Refused: units are taken only by their label (the default)."""
    SUPERVISOR = "supervisor"
    """Taken only with a supervisor's badge, PIN and reason."""


@dataclass(frozen=True, slots=True)
class ReleaseUnit:
    """A unit scanned into a release, with what its check found at that moment."""

    release_id: str
    unit_id: str
    """The lot id (an SSCC, a lot made here, or a received item's key)."""
    label: str
    """The scanned text, made printable."""
    ok: bool
    findings: tuple[Finding, ...]
    gtin: str | None
    product: str | None
    quantity: Decimal | None
    uom: str | None
    checked_at: str
    checked_by: str | None
    seq: int
    entry: str = "scan"
    """``scan`` (a label or code read), or ``hand`` for a unit id typed by hand."""
    authorised_by: str | None = None
    """The supervisor who authorised a hand entry."""


@dataclass(frozen=True, slots=True)
class LotFacts:
    """What the store knows of one lot, as far as a release decision needs it."""

    lot_id: str
    kind: str | None = None
    """``received``, ``received-line`` or ``produced``; None when no such lot exists."""
    status: str | None = None
    """The lot's status (`station.domain.lots.lot_state.LotStatus` values)."""
    receiving_status: str | None = None
    """For a received unit, its receiving status (``accepted``, ``quarantined``, ...)."""
    holds: tuple[str, ...] = ()
    """Every hold on it or on the shipment it came in, in words."""
    shipped_on: str | None = None
    """The outbound shipment whose completed release shipped it."""
    open_release: str | None = None
    """Another open release it is already scanned into."""
    receiving: str | None = None
    """For a received lot, the shipment it came in while that is still being received:
    receiving control is not finished (closing may yet put the shipment on hold)."""

    @property
    def known(self) -> bool:
        """Whether the lot exists here."""
        return self.kind is not None


def lot_problem(facts: LotFacts) -> str | None:
    """Why the lot itself may not ship, in words; None when it may."""
    if facts.kind is None:
        if facts.receiving_status is not None:
            return f"{facts.receiving_status}: expected in a shipment but never received"
        return "unknown here: never received or made at this site"
    if facts.kind == "received-line":
        return "one content line of a received pallet, not a unit: scan the pallet"
    if facts.status == "shipped":
        return f"already shipped on {facts.shipped_on or 'an earlier shipment'}"
    if facts.status != "available":
        return str(facts.status)
    if facts.kind == "received" and facts.receiving_status not in (None, "accepted"):
        return str(facts.receiving_status)
    if facts.holds:
        return "on hold: " + "; ".join(facts.holds)
    if facts.receiving is not None:
        return f"still being received (the receipt of {facts.receiving} is not closed)"
    if facts.open_release is not None:
        return f"already scanned into release {facts.open_release}, which is still open"
    return None


def input_problem(facts: LotFacts) -> str | None:
    """Why a lot upstream of a unit stops the unit from shipping; None when it does not.

    Used inputs are consumed, so only quarantine, rejection, holds and a receipt not
    yet closed count here.
    """
    if facts.status in ("quarantined", "rejected"):
        return str(facts.status)
    if facts.receiving_status in ("quarantined", "rejected"):
        return str(facts.receiving_status)
    if facts.holds:
        return "on hold: " + "; ".join(facts.holds)
    if facts.receiving is not None:
        return f"still being received (the receipt of {facts.receiving} is not closed)"
    return None


# -- findings --------------------------------------------------------------------------


def not_releasable(unit_id: str, state: str) -> Finding:
    """NOT_RELEASABLE naming the state that stops the unit."""
    message = f"Unit {printable(unit_id)} is {state}: it may not ship"
    expected = "received and accepted, or made here; available"
    return refusal(FindingCode.NOT_RELEASABLE, message, expected, state)


def already_shipped(unit_id: str, shipment_id: str | None) -> Finding:
    """ALREADY_SHIPPED: the unit left on an earlier shipment."""
    on = shipment_id or "an earlier shipment"
    message = f"Unit {printable(unit_id)} was already shipped on {on}: it cannot ship twice"
    return refusal(FindingCode.ALREADY_SHIPPED, message, "a unit still here", f"shipped on {on}")


def quarantined_input(unit_id: str, input_id: str, state: str) -> Finding:
    """QUARANTINED_INPUT naming the upstream lot and its state."""
    lot = printable(input_id)
    message = (
        f"Unit {printable(unit_id)} was made from lot {lot}, which is {state}: it may not "
        "ship until a supervisor decides"
    )
    return refusal(
        FindingCode.QUARANTINED_INPUT, message, "every input released", f"{lot}: {state}"
    )


def broken_trace(unit_id: str, problem: ProvenanceProblem) -> Finding:
    """INCOMPLETE_TRACE for a missing link or a cycle in the genealogy."""
    message = f"Unit {printable(unit_id)}: trace incomplete: {problem.message}"
    found = f"{problem.code.value} at {printable(problem.lot_id)}"
    return refusal(FindingCode.INCOMPLETE_TRACE, message, _WHOLE_TRACE, found)


def missing_moving_data(unit_id: str, lot_id: str, fields: Sequence[str]) -> Finding:
    """INCOMPLETE_TRACE naming a received input and the moving-data fields it lacks."""
    what = ", ".join(fields)
    lot = "" if lot_id == unit_id else f" was made from received lot {printable(lot_id)}, which"
    message = f"Unit {printable(unit_id)}{lot} lacks moving data: {what}"
    return refusal(FindingCode.INCOMPLETE_TRACE, message, what, f"missing on {printable(lot_id)}")


def cannot_describe(unit_id: str, reason: str) -> Finding:
    """INCOMPLETE_TRACE when the unit's outbound moving data cannot be written."""
    message = f"Unit {printable(unit_id)}: {reason}"
    return refusal(FindingCode.INCOMPLETE_TRACE, message, "complete outbound moving data", reason)


def not_on_order(unit_id: str, shipment_id: str) -> Finding:
    """NOT_ON_ORDER: the order does not list this unit."""
    unit = printable(unit_id)
    message = f"Unit {unit} is not on order {shipment_id}: take it off the trailer"
    return refusal(FindingCode.NOT_ON_ORDER, message, f"a unit of {shipment_id}", unit)


def serial_missing(unit_id: str) -> Finding:
    """MISSING_MOVING_DATA: the product needs serials and the unit has none."""
    message = (
        f"Unit {printable(unit_id)}: the order requires serial numbers for this product, "
        "but neither the label nor the record has one"
    )
    return refusal(FindingCode.MISSING_MOVING_DATA, message, "serial", "missing")


def packaging_damaged(unit_id: str) -> Finding:
    """PACKAGING_DAMAGED: the operator reported the package damaged at release."""
    return Finding(
        FindingCode.PACKAGING_DAMAGED,
        Severity.NONCONFORMITY,
        f"Unit {printable(unit_id)} reported with damaged packaging at release: "
        "taken off the release and put on hold",
        found="damaged",
    )


_WHOLE_TRACE = "a genealogy that ends in received lots"


# -- one unit ----------------------------------------------------------------------------


def unit_findings(
    unit_id: str,
    facts: LotFacts,
    *,
    inputs: Iterable[LotFacts] = (),
    trace_problems: Iterable[ProvenanceProblem] = (),
    data_gaps: Iterable[tuple[str, Sequence[str]]] = (),
) -> list[Finding]:
    """Everything that stops `unit_id` from shipping, given the facts of it and its inputs.

    `inputs` are the facts of every lot upstream of it; `trace_problems` the missing
    links and cycles of its genealogy; `data_gaps` each received lot (the unit or an
    input) with the required moving-data fields it lacks.
    """
    if facts.status == "shipped":
        return [already_shipped(unit_id, facts.shipped_on)]
    findings: list[Finding] = []
    state = lot_problem(facts)
    if state is not None:
        findings.append(not_releasable(unit_id, state))
    if not facts.known:
        return findings
    for upstream in sorted(inputs, key=lambda f: f.lot_id):
        problem = input_problem(upstream)
        if problem is not None:
            findings.append(quarantined_input(unit_id, upstream.lot_id, problem))
    findings.extend(broken_trace(unit_id, problem) for problem in trace_problems)
    findings.extend(
        missing_moving_data(unit_id, lot_id, fields) for lot_id, fields in data_gaps if fields
    )
    return findings


@dataclass(frozen=True, slots=True)
class LabelRecord:
    """What the record says a unit's label should carry."""

    gtins: frozenset[str] = frozenset()
    lots: frozenset[str] = frozenset()
    serials: frozenset[str] = frozenset()


def check_label(code: Gs1Code, record: LabelRecord) -> list[Finding]:
    """LABEL_MISMATCH for each AI of the scanned label that disagrees with the record.

    An AI the record knows nothing about is not compared.
    """
    return label_findings(
        (
            ("GTIN (01)", code.gtin, record.gtins),
            ("lot (10)", code.lot, record.lots),
            ("serial (21)", code.serial, record.serials),
        ),
        says="record",
        severity=Severity.REFUSAL,
        advice=": relabel before release",
    )
