"""The rules that check a transformation request: counts, parents, quantities, balance, loss.

Repack, split, merge and palletise are checked before anything is written (the plan
values are `station.domain.lots.transform_plan`). `plan_transformation` takes what the
operator asked for and what the store knows of each parent lot (`LotState`), and
returns either a `TransformPlan` that balances exactly or every `TransformProblem` that
stops it, never an exception: a parent listed twice, unknown, not available or used
up; more taken than is left; mixed units of measure or, in a merge, mixed products;
a quantity that is no quantity; outputs and loss that do not add up to what is taken;
a loss over the tolerance.

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

from station.domain.lots.lot_state import LotState, LotStatus
from station.domain.lots.parent_rules import parent_problems, reference_uom
from station.domain.lots.transform_plan import (
    Output,
    TakenInput,
    TransformKind,
    TransformPlan,
    TransformProblem,
    TransformProblemCode,
)
from station.domain.printable import quoted
from station.domain.quantities import (
    EXACT,
    QUANTITY_DECIMALS,
    QUANTITY_LIMIT,
    decimal_places,
    exact_sum,
    format_amount,
    format_quantity,
    quantity_problem,
    shown_quantity,
)

__all__ = [
    "DEFAULT_COUNTED_UOMS",
    "DEFAULT_LOSS_TOLERANCE",
    "DEFAULT_UOM_RULES",
    "UomRules",
    "plan_transformation",
]

DEFAULT_LOSS_TOLERANCE: Final = Decimal("0.005")
"""Largest declared loss, as a share of the quantity taken: 0.5 %."""

DEFAULT_COUNTED_UOMS: Final = frozenset({"EA", "C62", "H87", "PCE", "PCS", "PR", "SET"})
"""Units of measure that count whole things (UN/ECE Rec. 20 and common in-house codes)."""


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
    uom = reference_uom(parents)
    checked = [_quantity(take, lot.uom, uoms) for lot, take in parents]
    lefts = [_remaining(lot, uoms) for lot, _ in parents]
    problems.extend(
        parent_problems(parents, checked, lefts, uom, one_product=kind is TransformKind.MERGE)
    )
    takes = [quantity if isinstance(quantity, Decimal) else None for quantity in checked]

    amounts: list[Decimal | None] = []
    for number, amount in enumerate(outputs, start=1):
        quantity = _quantity(amount, uom, uoms)
        amounts.append(quantity if isinstance(quantity, Decimal) else None)
        if isinstance(quantity, str):
            problems.append(
                TransformProblem(
                    TransformProblemCode.BAD_QUANTITY,
                    f"Output {number} quantity {shown_quantity(amount)} is invalid: {quantity}.",
                )
            )

    checked_loss = _loss(kind, loss, uom, uoms)
    lost = checked_loss if isinstance(checked_loss, Decimal) else None
    if isinstance(checked_loss, TransformProblem):
        problems.append(checked_loss)

    if None in takes or None in amounts or lost is None or not counts_ok:
        return tuple(problems)
    taken = exact_sum(q for q in takes if q is not None)
    produced = (
        taken if kind is TransformKind.PALLETISE else exact_sum(a for a in amounts if a is not None)
    )
    balance = _balance_problem(taken, produced, lost, uom)
    if balance is not None:
        problems.append(balance)
    with localcontext(EXACT):
        allowed = taken * tolerance
    if lost > allowed:
        problems.append(
            TransformProblem(
                TransformProblemCode.LOSS_OVER_TOLERANCE,
                f"Loss {format_amount(lost, uom)} is more than the "
                f"{format_quantity(tolerance * 100)}% tolerance allows: at most "
                f"{format_amount(allowed, uom)} of the {format_amount(taken, uom)} taken.",
            )
        )
    if problems:
        return tuple(problems)

    inputs: list[TakenInput] = []
    for (lot, _), amount_taken, left in zip(parents, takes, lefts, strict=True):
        # Both were checked above: a parent without them has already been refused.
        assert amount_taken is not None and left is not None
        with localcontext(EXACT):
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


# What each kind takes and makes: (in words, fewest, most; None for no limit).
_PARENT_COUNTS: Final[Mapping[TransformKind, tuple[str, int, int | None]]] = {
    TransformKind.REPACK: ("takes exactly 1 parent lot", 1, 1),
    TransformKind.SPLIT: ("takes exactly 1 parent lot", 1, 1),
    TransformKind.MERGE: ("takes at least 2 parent lots", 2, None),
    TransformKind.PALLETISE: ("takes at least 1 unit", 1, None),
}
_OUTPUT_COUNTS: Final[Mapping[TransformKind, tuple[str, int, int | None]]] = {
    TransformKind.REPACK: ("makes exactly 1 new lot", 1, 1),
    TransformKind.SPLIT: ("makes at least 2 new lots", 2, None),
    TransformKind.MERGE: ("makes exactly 1 new lot", 1, 1),
    TransformKind.PALLETISE: (
        "takes no output quantities (the units go on the pallet as they are)",
        0,
        0,
    ),
}


def _count_problems(kind: TransformKind, parents: int, outputs: int) -> list[TransformProblem]:
    name = _NAMES[kind]
    problems: list[TransformProblem] = []
    expected, fewest, most = _PARENT_COUNTS[kind]
    if parents < fewest or (most is not None and parents > most):
        problems.append(
            TransformProblem(
                TransformProblemCode.WRONG_PARENT_COUNT, f"{name} {expected}, found {parents}."
            )
        )
    expected, fewest, most = _OUTPUT_COUNTS[kind]
    if outputs < fewest or (most is not None and outputs > most):
        noun = "quantity" if outputs == 1 else "quantities"
        problems.append(
            TransformProblem(
                TransformProblemCode.WRONG_OUTPUT_COUNT,
                f"{name} {expected}, found {outputs} output {noun}.",
            )
        )
    return problems


def _loss(
    kind: TransformKind, loss: object, uom: str, uoms: UomRules
) -> Decimal | TransformProblem:
    quantity = _quantity(loss, uom, uoms, allow_zero=True)
    if isinstance(quantity, str):
        return TransformProblem(
            TransformProblemCode.BAD_QUANTITY,
            f"Loss {shown_quantity(loss)} is invalid: {quantity}.",
        )
    if kind is TransformKind.PALLETISE and quantity != 0:
        return TransformProblem(
            TransformProblemCode.LOSS_NOT_ALLOWED,
            f"Palletising carries the units as they are: the loss must be 0, "
            f"found {format_amount(quantity, uom)}.",
        )
    return quantity


def _balance_problem(
    taken: Decimal, produced: Decimal, loss: Decimal, uom: str
) -> TransformProblem | None:
    with localcontext(EXACT):
        accounted = produced + loss
        difference = taken - accounted
    if difference == 0:
        return None
    if difference > 0:
        tail = f"{format_amount(difference, uom)} is unaccounted for."
    else:
        tail = f"that is {format_amount(-difference, uom)} more than was taken."
    return TransformProblem(
        TransformProblemCode.UNBALANCED,
        f"Quantities do not balance: {format_amount(taken, uom)} taken, but the outputs "
        f"({format_amount(produced, uom)}) and the loss ({format_amount(loss, uom)}) make "
        f"{format_amount(accounted, uom)}: {tail}",
    )


def _quantity(
    value: object, uom: str, uoms: UomRules, *, allow_zero: bool = False
) -> Decimal | str:
    """`value` as an exact Decimal, or why it cannot be one (completing "is invalid: ...")."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return f"expected an exact Decimal, found {type(value).__name__}"
    number = Decimal(value)
    problem = quantity_problem(
        number, allow_zero=allow_zero, limit=uoms.limit, max_decimals=uoms.max_decimals
    )
    if problem is not None:
        return problem
    if decimal_places(number) and uom in uoms.counted:
        return f"{quoted(uom, 20)} counts whole units, so expected a whole number"
    return number


def _remaining(lot: LotState, uoms: UomRules) -> Decimal | None:
    """What is left of `lot`, or None when its record holds no quantity the rules allow.

    The store's numbers are checked like the operator's, which also keeps every later
    sum within `EXACT`'s precision.
    """
    recorded = []
    for value in (lot.quantity, lot.consumed):
        number = _quantity(value, lot.uom, uoms, allow_zero=True)
        if isinstance(number, str):
            return None
        recorded.append(number)
    quantity, consumed = recorded
    with localcontext(EXACT):
        return quantity - consumed
