"""Transformations: repack, split, merge and palletise, checked before anything is written.

When goods change packaging form, or lots are split or mixed, the traceability rules
(protocol 5.5.2 and 5.5.3) want a new identifier linked to every identifier it came
from, and the quantities to add up (5.2.1.1, mass balance: what leaves a step is what
entered it, less a declared loss). `plan_transformation` takes what the operator asked
for and what the store knows of each parent lot, and returns either a `TransformPlan`
that balances exactly or every `TransformProblem` that stops it, never an exception.
The store turns a plan into one event linking the inputs to the outputs, after giving
each output its new id (`TransformPlan.with_output_ids`, ids from
`station.domain.lots.allocation`) in the same transaction.

Quantities are `Decimal` throughout, never floats, so a balance is exact.

    >>> lot = LotState("L1", gtin="09506000134352", product="Module", quantity=Decimal(100),
    ...                uom="EA", consumed=Decimal(40), status=LotStatus.AVAILABLE)
    >>> plan = plan_transformation(TransformKind.SPLIT, [(lot, Decimal(60))],
    ...                            [Decimal(30), Decimal(29)], loss=Decimal(0))
    >>> plan[0].code, plan[0].message.split(": ")[-1]
    (<TransformProblemCode.UNBALANCED: 'UNBALANCED'>, '1 EA is unaccounted for.')
    >>> plan = plan_transformation(TransformKind.SPLIT, [(lot, Decimal(60))],
    ...                            [Decimal(30), Decimal(30)], loss=Decimal(0))
    >>> [(i.lot_id, i.quantity, i.remaining_after) for i in plan.inputs]
    [('L1', Decimal('60'), Decimal('0'))]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from typing import Any, Final

from station.domain.manifest.model import QUANTITY_DECIMALS, QUANTITY_LIMIT
from station.domain.printable import printable, quoted

__all__ = [
    "DEFAULT_COUNTED_UOMS",
    "DEFAULT_LOSS_TOLERANCE",
    "DEFAULT_UOM_RULES",
    "LotState",
    "LotStatus",
    "Output",
    "TakenInput",
    "TransformKind",
    "TransformPlan",
    "TransformProblem",
    "TransformProblemCode",
    "UomRules",
    "plan_transformation",
]

DEFAULT_LOSS_TOLERANCE: Final = Decimal("0.005")
"""Largest declared loss, as a share of the quantity taken: 0.5 %."""

DEFAULT_COUNTED_UOMS: Final = frozenset({"EA", "C62", "H87", "PCE", "PCS", "PR", "SET"})
"""Units of measure that count whole things (UN/ECE Rec. 20 and common in-house codes)."""

# Enough digits that sums of quantities below QUANTITY_LIMIT never round; Inexact is
# trapped so that, if one ever did, the plan fails loudly instead of balancing wrongly.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])


class TransformKind(StrEnum):
    """What is done to the parent lots."""

    REPACK = "repack"
    """One lot into a new packaging form: one new lot, same quantity less loss."""

    SPLIT = "split"
    """One lot into two or more new lots."""

    MERGE = "merge"
    """Two or more lots of one product into one new (mixed) lot linked to every parent."""

    PALLETISE = "palletise"
    """Units onto a new SSCC, carried as they are: no quantity changes, no loss."""


class LotStatus(StrEnum):
    """Where a lot stands; only `AVAILABLE` lots can be transformed."""

    AVAILABLE = "available"
    QUARANTINED = "quarantined"
    REJECTED = "rejected"
    SHIPPED = "shipped"
    CONSUMED = "consumed"
    UNKNOWN = "unknown"
    """The store has no record of the lot (see `LotState.unknown`)."""


class TransformProblemCode(StrEnum):
    """Why a transformation cannot be planned."""

    UNKNOWN_KIND = "UNKNOWN_KIND"
    WRONG_PARENT_COUNT = "WRONG_PARENT_COUNT"
    WRONG_OUTPUT_COUNT = "WRONG_OUTPUT_COUNT"
    DUPLICATE_PARENT = "DUPLICATE_PARENT"
    UNKNOWN_LOT = "UNKNOWN_LOT"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    FULLY_CONSUMED = "FULLY_CONSUMED"
    OVER_REMAINING = "OVER_REMAINING"
    MIXED_UOM = "MIXED_UOM"
    MIXED_PRODUCTS = "MIXED_PRODUCTS"
    BAD_QUANTITY = "BAD_QUANTITY"
    LOSS_NOT_ALLOWED = "LOSS_NOT_ALLOWED"
    LOSS_OVER_TOLERANCE = "LOSS_OVER_TOLERANCE"
    UNBALANCED = "UNBALANCED"


@dataclass(frozen=True, slots=True)
class TransformProblem:
    """One reason a transformation was refused, in words for the operator."""

    code: TransformProblemCode
    message: str
    """Plain text; lot ids and units already made printable."""
    lot_id: str | None = None
    """The parent lot the problem is about, when it is about one."""


@dataclass(frozen=True, slots=True)
class UomRules:
    """What a quantity may look like."""

    counted: frozenset[str] = DEFAULT_COUNTED_UOMS
    """Units of measure whose quantities must be whole numbers (nobody splits off 2.5 EA)."""

    max_decimals: int = QUANTITY_DECIMALS
    """Most decimal places any quantity may have."""

    limit: Decimal = QUANTITY_LIMIT
    """Quantities must stay below this."""


DEFAULT_UOM_RULES: Final = UomRules()


@dataclass(frozen=True, slots=True)
class LotState:
    """What the store knows of one parent lot (or unit) at the time of the transformation."""

    lot_id: str
    """The lot's identifier: a lot number, an item key or an SSCC."""

    gtin: str | None
    """14-digit GTIN of its product, when known."""

    product: str | None
    """Description of the product, for people."""

    quantity: Decimal
    """How much the lot held when it was received or made, in `uom`."""

    uom: str
    """Unit of measure of every quantity of the lot."""

    consumed: Decimal
    """How much earlier transformations or shipments have taken from it."""

    status: str
    """A `LotStatus` value; any other text is refused as a status the station does not know."""

    @property
    def remaining(self) -> Decimal:
        """What is left to take: `quantity` less `consumed`."""
        return self.quantity - self.consumed

    @classmethod
    def unknown(cls, lot_id: str) -> LotState:
        """A lot the store has no record of, so that the plan names it among its problems."""
        return cls(lot_id, None, None, Decimal(0), "", Decimal(0), LotStatus.UNKNOWN)


@dataclass(frozen=True, slots=True)
class TakenInput:
    """One parent in a plan and how much is taken from it."""

    lot_id: str
    quantity: Decimal
    """Taken, in the plan's `TransformPlan.uom`."""
    remaining_after: Decimal
    """What the parent keeps; 0 means the store marks it consumed."""


@dataclass(frozen=True, slots=True)
class Output:
    """One new lot (or, for `TransformKind.PALLETISE`, the new pallet) in a plan."""

    lot_id: str | None
    """None until the store allocates the new id (`TransformPlan.with_output_ids`)."""
    quantity: Decimal
    """In the plan's `TransformPlan.uom`."""


@dataclass(frozen=True, slots=True)
class TransformPlan:
    """A transformation that balances: ``sum(inputs) == sum(outputs) + loss``, exactly.

    Built by `plan_transformation`; the constructor refuses (ValueError) a plan that
    does not balance, so no code path can record one. For `TransformKind.PALLETISE` the
    one output is the pallet, holding every input as it is (its quantity is their sum).
    """

    kind: TransformKind
    inputs: tuple[TakenInput, ...]
    outputs: tuple[Output, ...]
    loss: Decimal
    uom: str
    """Unit of measure of every quantity in the plan."""
    gtin: str | None = None
    """GTIN of the new lots (the parents' one); None for a pallet."""
    product: str | None = None
    """Product description carried from the parents; None for a pallet."""

    def __post_init__(self) -> None:
        if not self.inputs or not self.outputs:
            msg = "A TransformPlan needs at least one input and one output."
            raise ValueError(msg)
        quantities = [item.quantity for item in self.inputs] + [o.quantity for o in self.outputs]
        if any(not _is_positive(q) for q in quantities) or not _is_non_negative(self.loss):
            msg = "Every TransformPlan quantity must be a positive Decimal, the loss 0 or more."
            raise ValueError(msg)
        try:
            taken, produced = self.taken, self.produced
            with localcontext(_EXACT):
                balanced = taken == produced + self.loss
        except ArithmeticError:
            msg = "TransformPlan quantities are too large or too fine to add up exactly."
            raise ValueError(msg) from None
        if not balanced:
            msg = (
                f"TransformPlan does not balance: {taken} taken, {produced} out, {self.loss} lost."
            )
            raise ValueError(msg)

    @property
    def taken(self) -> Decimal:
        """Everything taken from the parents."""
        return _sum(item.quantity for item in self.inputs)

    @property
    def produced(self) -> Decimal:
        """Everything in the outputs."""
        return _sum(output.quantity for output in self.outputs)

    def with_output_ids(self, ids: Sequence[str]) -> TransformPlan:
        """This plan with its outputs' new ids, in output order.

        Raises ValueError when the count is wrong, an id is empty or repeated, or an id
        is a parent's: a transformation must give new identifiers (protocol 5.5.2).
        """
        if len(ids) != len(self.outputs):
            msg = f"Expected {len(self.outputs)} output ids, got {len(ids)}."
            raise ValueError(msg)
        if any(not lot_id for lot_id in ids) or len(set(ids)) != len(ids):
            msg = f"Output ids must be distinct and not empty, got {list(ids)!r}."
            raise ValueError(msg)
        reused = sorted(set(ids) & {item.lot_id for item in self.inputs})
        if reused:
            msg = f"Output ids {reused!r} are parent ids: every output needs a new id."
            raise ValueError(msg)
        outputs = tuple(
            Output(lot_id, output.quantity)
            for lot_id, output in zip(ids, self.outputs, strict=True)
        )
        return dataclasses.replace(self, outputs=outputs)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the event payload; quantities as exact decimal strings."""
        return {
            "kind": self.kind.value,
            "uom": self.uom,
            "loss": str(self.loss),
            "gtin": self.gtin,
            "product": self.product,
            "inputs": [
                {
                    "lot_id": item.lot_id,
                    "quantity": str(item.quantity),
                    "remaining_after": str(item.remaining_after),
                }
                for item in self.inputs
            ],
            "outputs": [
                {"lot_id": output.lot_id, "quantity": str(output.quantity)}
                for output in self.outputs
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TransformPlan:
        """Inverse of `as_dict`, for plans read back from the event log."""
        return cls(
            kind=TransformKind(data["kind"]),
            inputs=tuple(
                TakenInput(
                    str(item["lot_id"]),
                    Decimal(item["quantity"]),
                    Decimal(item["remaining_after"]),
                )
                for item in data["inputs"]
            ),
            outputs=tuple(
                Output(output["lot_id"], Decimal(output["quantity"])) for output in data["outputs"]
            ),
            loss=Decimal(data["loss"]),
            uom=str(data["uom"]),
            gtin=data.get("gtin"),
            product=data.get("product"),
        )


def plan_transformation(
    kind: TransformKind,
    parents: Sequence[tuple[LotState, Decimal]],
    outputs: Sequence[Decimal],
    *,
    loss: Decimal = Decimal(0),
    tolerance: Decimal = DEFAULT_LOSS_TOLERANCE,
    uoms: UomRules = DEFAULT_UOM_RULES,
) -> TransformPlan | tuple[TransformProblem, ...]:
    """Check a transformation and plan it, or say every reason it cannot be done.

    `parents` pairs each parent's state with the quantity to take from it (in its own
    unit of measure); `outputs` are the new lots' quantities, in the same unit. The
    rules, by `kind`:

    - REPACK: one parent, one output; output + loss == taken.
    - SPLIT: one parent, two or more outputs; sum(outputs) + loss == taken.
    - MERGE: two or more parents of one GTIN, one output; output + loss == sum(taken).
    - PALLETISE: one or more parents, no output quantities (the pallet carries the units
      as they are), no loss.

    For every kind: each parent listed once, available (not quarantined, rejected,
    shipped, consumed or unknown), with something left, and no more taken than is
    left; one unit of measure for all; every quantity a positive Decimal (the loss 0 or
    more) below `UomRules.limit` with at most `UomRules.max_decimals` places, whole for
    a counted unit; the loss at most `tolerance` (a fraction, 0 to 1) of what is taken.

    Never raises for what the operator or the store supplies. `tolerance` is
    configuration: outside 0 to 1 it raises ValueError.
    """
    if not (isinstance(tolerance, Decimal) and tolerance.is_finite() and 0 <= tolerance <= 1):
        msg = f"Invalid loss tolerance {tolerance!r}: expected a Decimal from 0 to 1."
        raise ValueError(msg)
    problems: list[TransformProblem] = []
    try:
        kind = TransformKind(kind)
    except ValueError:
        expected = ", ".join(repr(k.value) for k in TransformKind)
        message = f"Unknown transformation {quoted(str(kind))}: expected one of {expected}."
        return (TransformProblem(TransformProblemCode.UNKNOWN_KIND, message),)

    problems.extend(_count_problems(kind, len(parents), len(outputs)))
    # With the wrong number of parents or outputs, a balance is noise: fix the count first.
    counts_ok = not problems
    uom = _reference_uom(parents)
    shown_uom = printable(uom, 20)

    takes: list[Decimal | None] = []
    seen: dict[str, int] = {}
    for lot, take in parents:
        seen[lot.lot_id] = seen.get(lot.lot_id, 0) + 1
        quantity = _quantity(take, lot.uom, uoms)
        takes.append(quantity if isinstance(quantity, Decimal) else None)
        if seen[lot.lot_id] == 2:
            count = sum(1 for other, _ in parents if other.lot_id == lot.lot_id)
            problems.append(
                TransformProblem(
                    TransformProblemCode.DUPLICATE_PARENT,
                    f"Lot {quoted(lot.lot_id)} is listed {count} times: list each parent "
                    "once, with the total to take from it.",
                    lot.lot_id,
                )
            )
        if seen[lot.lot_id] > 1:
            continue
        problem = _parent_problem(lot, take, quantity, uom, uoms)
        if problem is not None:
            problems.append(problem)

    if kind is TransformKind.MERGE:
        problems.extend(_product_problems(parents))

    amounts: list[Decimal | None] = []
    for number, amount in enumerate(outputs, start=1):
        quantity = _quantity(amount, uom, uoms)
        amounts.append(quantity if isinstance(quantity, Decimal) else None)
        if isinstance(quantity, str):
            problems.append(
                TransformProblem(
                    TransformProblemCode.BAD_QUANTITY,
                    f"Output {number} quantity {_shown(amount)} is invalid: {quantity}.",
                )
            )

    checked_loss = _loss(kind, loss, uom, uoms)
    lost = checked_loss if isinstance(checked_loss, Decimal) else None
    if isinstance(checked_loss, TransformProblem):
        problems.append(checked_loss)

    if None in takes or None in amounts or lost is None or not counts_ok:
        return tuple(problems)
    taken = _sum(q for q in takes if q is not None)
    produced = (
        taken if kind is TransformKind.PALLETISE else _sum(a for a in amounts if a is not None)
    )
    balance = _balance_problem(taken, produced, lost, shown_uom)
    if balance is not None:
        problems.append(balance)
    with localcontext(_EXACT):
        allowed = taken * tolerance
    if lost > allowed:
        problems.append(
            TransformProblem(
                TransformProblemCode.LOSS_OVER_TOLERANCE,
                f"Loss {_fmt(lost)} {shown_uom} is more than the {_fmt(tolerance * 100)}% "
                f"tolerance allows: at most {_fmt(allowed)} {shown_uom} of the "
                f"{_fmt(taken)} {shown_uom} taken.",
            )
        )
    if problems:
        return tuple(problems)

    inputs: list[TakenInput] = []
    for (lot, _), amount_taken in zip(parents, takes, strict=True):
        left = _remaining(lot, uoms)
        # Both were checked above: a parent without them has already been refused.
        assert amount_taken is not None and left is not None
        with localcontext(_EXACT):
            inputs.append(TakenInput(lot.lot_id, amount_taken, left - amount_taken))
    if kind is TransformKind.PALLETISE:
        return TransformPlan(kind, tuple(inputs), (Output(None, taken),), lost, uom)
    first = parents[0][0]
    product = next((lot.product for lot, _ in parents if lot.product is not None), None)
    planned = tuple(Output(None, amount) for amount in amounts if amount is not None)
    return TransformPlan(kind, tuple(inputs), planned, lost, uom, gtin=first.gtin, product=product)


_NAMES: Final = {
    TransformKind.REPACK: "A repack",
    TransformKind.SPLIT: "A split",
    TransformKind.MERGE: "A merge",
    TransformKind.PALLETISE: "Palletising",
}

_NOT_AVAILABLE: Final = {
    LotStatus.QUARANTINED: "is quarantined: a supervisor must release it first",
    LotStatus.REJECTED: "was rejected: rejected goods cannot be used",
    LotStatus.SHIPPED: "has been shipped: it is no longer here",
    LotStatus.CONSUMED: "is fully consumed: nothing of it is left",
}


def _count_problems(kind: TransformKind, parents: int, outputs: int) -> list[TransformProblem]:
    name = _NAMES[kind]
    problems: list[TransformProblem] = []
    if kind in (TransformKind.REPACK, TransformKind.SPLIT) and parents != 1:
        problems.append(
            TransformProblem(
                TransformProblemCode.WRONG_PARENT_COUNT,
                f"{name} takes exactly 1 parent lot, found {parents}.",
            )
        )
    elif kind is TransformKind.MERGE and parents < 2:
        problems.append(
            TransformProblem(
                TransformProblemCode.WRONG_PARENT_COUNT,
                f"{name} takes at least 2 parent lots, found {parents}.",
            )
        )
    elif kind is TransformKind.PALLETISE and parents < 1:
        problems.append(
            TransformProblem(
                TransformProblemCode.WRONG_PARENT_COUNT,
                f"{name} takes at least 1 unit, found 0.",
            )
        )
    wrong = {
        TransformKind.REPACK: ("exactly 1 new lot", outputs != 1),
        TransformKind.SPLIT: ("at least 2 new lots", outputs < 2),
        TransformKind.MERGE: ("exactly 1 new lot", outputs != 1),
        TransformKind.PALLETISE: (
            "no output quantities (the units go on the pallet as they are)",
            outputs != 0,
        ),
    }
    expected, is_wrong = wrong[kind]
    if is_wrong:
        verb = "takes" if kind is TransformKind.PALLETISE else "makes"
        noun = "quantity" if outputs == 1 else "quantities"
        problems.append(
            TransformProblem(
                TransformProblemCode.WRONG_OUTPUT_COUNT,
                f"{name} {verb} {expected}, found {outputs} output {noun}.",
            )
        )
    return problems


def _reference_uom(parents: Sequence[tuple[LotState, Decimal]]) -> str:
    """The first known parent's unit of measure: the one every other must share."""
    for lot, _ in parents:
        if lot.status != LotStatus.UNKNOWN:
            return lot.uom
    return parents[0][0].uom if parents else ""


def _parent_problem(
    lot: LotState, take: object, quantity: Decimal | str, uom: str, uoms: UomRules
) -> TransformProblem | None:
    lot_id = lot.lot_id
    name = quoted(lot_id)
    if lot.status == LotStatus.UNKNOWN:
        return TransformProblem(
            TransformProblemCode.UNKNOWN_LOT,
            f"Lot {name} is unknown: no lot with that id was received or made here.",
            lot_id,
        )
    if lot.status != LotStatus.AVAILABLE:
        reason = _NOT_AVAILABLE.get(LotStatus(lot.status)) if lot.status in _STATUSES else None
        if reason is None:
            reason = f"has status {quoted(str(lot.status))}, which the station does not know"
        return TransformProblem(
            TransformProblemCode.NOT_AVAILABLE,
            f"Lot {name} {reason}. Only available lots can be transformed.",
            lot_id,
        )
    remaining = _remaining(lot, uoms)
    shown_uom = printable(lot.uom, 20)
    if remaining is None:
        return TransformProblem(
            TransformProblemCode.NOT_AVAILABLE,
            f"Lot {name} has no usable quantity on record (quantity {_shown(lot.quantity)}, "
            f"consumed {_shown(lot.consumed)}).",
            lot_id,
        )
    if remaining <= 0:
        return TransformProblem(
            TransformProblemCode.FULLY_CONSUMED,
            f"Lot {name} is fully consumed: {_fmt(lot.consumed)} {shown_uom} of "
            f"{_fmt(lot.quantity)} {shown_uom} already used, nothing left.",
            lot_id,
        )
    if lot.uom != uom:
        return TransformProblem(
            TransformProblemCode.MIXED_UOM,
            f"Lot {name} is counted in {quoted(lot.uom, 20)}, the other parents in "
            f"{quoted(uom, 20)}: all parents must share one unit of measure.",
            lot_id,
        )
    if isinstance(quantity, str):
        return TransformProblem(
            TransformProblemCode.BAD_QUANTITY,
            f"Quantity {_shown(take)} to take from lot {name} is invalid: {quantity}.",
            lot_id,
        )
    if quantity > remaining:
        return TransformProblem(
            TransformProblemCode.OVER_REMAINING,
            f"Cannot take {_fmt(quantity)} {shown_uom} from lot {name}: only "
            f"{_fmt(remaining)} {shown_uom} left ({_fmt(lot.quantity)} {shown_uom} less "
            f"{_fmt(lot.consumed)} {shown_uom} used).",
            lot_id,
        )
    return None


_STATUSES: Final = frozenset(status.value for status in LotStatus)


def _product_problems(parents: Sequence[tuple[LotState, Decimal]]) -> list[TransformProblem]:
    known = [lot for lot, _ in parents if lot.status != LotStatus.UNKNOWN]
    if not known:
        return []
    first = known[0]
    problems: list[TransformProblem] = []
    reported: set[str | None] = {first.gtin}
    for lot in known[1:]:
        if lot.gtin in reported:
            continue
        reported.add(lot.gtin)
        problems.append(
            TransformProblem(
                TransformProblemCode.MIXED_PRODUCTS,
                f"Lot {quoted(lot.lot_id)} holds {_gtin(lot.gtin)} but lot "
                f"{quoted(first.lot_id)} holds {_gtin(first.gtin)}: a merged lot holds "
                "one product. Palletise different products instead.",
                lot.lot_id,
            )
        )
    return problems


def _gtin(gtin: str | None) -> str:
    return "no GTIN" if gtin is None else f"GTIN {quoted(gtin, 20)}"


def _loss(
    kind: TransformKind, loss: object, uom: str, uoms: UomRules
) -> Decimal | TransformProblem:
    quantity = _quantity(loss, uom, uoms, allow_zero=True)
    if isinstance(quantity, str):
        return TransformProblem(
            TransformProblemCode.BAD_QUANTITY, f"Loss {_shown(loss)} is invalid: {quantity}."
        )
    if kind is TransformKind.PALLETISE and quantity != 0:
        return TransformProblem(
            TransformProblemCode.LOSS_NOT_ALLOWED,
            f"Palletising carries the units as they are: the loss must be 0, "
            f"found {_fmt(quantity)} {printable(uom, 20)}.",
        )
    return quantity


def _balance_problem(
    taken: Decimal, produced: Decimal, loss: Decimal, uom: str
) -> TransformProblem | None:
    with localcontext(_EXACT):
        accounted = produced + loss
        difference = taken - accounted
    if difference == 0:
        return None
    if difference > 0:
        tail = f"{_fmt(difference)} {uom} is unaccounted for."
    else:
        tail = f"that is {_fmt(-difference)} {uom} more than was taken."
    return TransformProblem(
        TransformProblemCode.UNBALANCED,
        f"Quantities do not balance: {_fmt(taken)} {uom} taken, but the outputs "
        f"({_fmt(produced)} {uom}) and the loss ({_fmt(loss)} {uom}) make "
        f"{_fmt(accounted)} {uom}: {tail}",
    )


def _quantity(
    value: object, uom: str, uoms: UomRules, *, allow_zero: bool = False
) -> Decimal | str:
    """`value` as an exact Decimal, or why it cannot be one (completing "is invalid: ...")."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return f"expected an exact Decimal, found {type(value).__name__}"
    number = Decimal(value)
    if not number.is_finite():
        return "expected a number"
    if number < 0 or (number == 0 and not allow_zero):
        return "expected a number 0 or more" if allow_zero else "expected a positive number"
    if number >= uoms.limit:
        return f"expected a number below {_fmt(uoms.limit)}"
    places = _decimal_places(number)
    if places > uoms.max_decimals:
        return f"expected at most {uoms.max_decimals} decimal places, found {places}"
    if places and uom in uoms.counted:
        return f"{quoted(uom, 20)} counts whole units, so expected a whole number"
    return number


def _remaining(lot: LotState, uoms: UomRules) -> Decimal | None:
    """What is left of `lot`, or None when its record holds no quantity the rules allow.

    The store's numbers are checked like the operator's, which also keeps every later
    sum within `_EXACT`'s precision.
    """
    recorded = []
    for value in (lot.quantity, lot.consumed):
        number = _quantity(value, lot.uom, uoms, allow_zero=True)
        if isinstance(number, str):
            return None
        recorded.append(number)
    quantity, consumed = recorded
    with localcontext(_EXACT):
        return quantity - consumed


def _sum(values: Any) -> Decimal:
    with localcontext(_EXACT):
        return sum(values, Decimal(0))


def _is_positive(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value > 0


def _is_non_negative(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value >= 0


def _decimal_places(number: Decimal) -> int:
    """Decimal places of a finite number, trailing zeros not counted (exactly, no rounding)."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    places = -exponent
    for digit in reversed(digits):
        if places <= 0 or digit != 0:
            break
        places -= 1
    return max(places, 0)


def _fmt(number: Decimal) -> str:
    """A Decimal for people: no exponent, no trailing zeros (``100``, ``0.5``)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _shown(value: object) -> str:
    if isinstance(value, Decimal):
        return printable(str(value), 40)
    return printable(repr(value), 40)
