"""Which parent lots a transformation may take from, and in words why one is refused.

A parent must be listed once, known here, available (not quarantined, rejected,
shipped or consumed), have something left, be counted in the unit of measure the
other parents share, and not be asked for more than is left; the lots merged into
one must hold one product. `station.domain.lots.transform_rules` checks the
quantities themselves and hands this module each take already checked.

    >>> held = LotState("L1", None, None, Decimal(10), "EA", Decimal(0), LotStatus.QUARANTINED)
    >>> problem, = parent_problems([(held, Decimal(1))], [Decimal(1)], [Decimal(10)], "EA",
    ...                            one_product=False)
    >>> problem.code
    <TransformProblemCode.NOT_AVAILABLE: 'NOT_AVAILABLE'>
    >>> problem.message.split(". ")[0]
    "Lot 'L1' is quarantined: a supervisor must release it first"
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from station.domain.lots.lot_state import LotState, LotStatus
from station.domain.lots.transform_plan import TransformProblem, TransformProblemCode
from station.domain.printable import quoted
from station.domain.quantities import format_amount, shown_quantity

__all__ = ["parent_problems", "reference_uom"]

_NOT_AVAILABLE: Final = {
    LotStatus.QUARANTINED: "is quarantined: a supervisor must release it first",
    LotStatus.REJECTED: "was rejected: rejected goods cannot be used",
    LotStatus.SHIPPED: "has been shipped: it is no longer here",
    LotStatus.CONSUMED: "is fully consumed: nothing of it is left",
}

_STATUSES: Final = frozenset(status.value for status in LotStatus)


def reference_uom(parents: Sequence[tuple[LotState, object]]) -> str:
    """The first known parent's unit of measure: the one every other must share."""
    for lot, _ in parents:
        if lot.status != LotStatus.UNKNOWN:
            return lot.uom
    return parents[0][0].uom if parents else ""


def parent_problems(
    parents: Sequence[tuple[LotState, object]],
    takes: Sequence[Decimal | str],
    remaining: Sequence[Decimal | None],
    uom: str,
    *,
    one_product: bool,
) -> list[TransformProblem]:
    """Every reason a parent cannot be taken from, in the order the parents are listed.

    `parents` pairs each parent lot with what the operator asked to take from it;
    `takes` is that take checked (or why it is no quantity), `remaining` what is left of
    the parent (None when its record holds no usable quantity), `uom` the unit all must
    share. With `one_product` (a merge) the parents must also hold one GTIN.
    """
    problems: list[TransformProblem] = []
    seen: dict[str, int] = {}
    for (lot, take), quantity, left in zip(parents, takes, remaining, strict=True):
        seen[lot.lot_id] = seen.get(lot.lot_id, 0) + 1
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
        problem = _parent_problem(lot, take, quantity, left, uom)
        if problem is not None:
            problems.append(problem)
    if one_product:
        problems.extend(_product_problems(parents))
    return problems


def _parent_problem(
    lot: LotState, take: object, quantity: Decimal | str, remaining: Decimal | None, uom: str
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
    if remaining is None:
        return TransformProblem(
            TransformProblemCode.NOT_AVAILABLE,
            f"Lot {name} has no usable quantity on record (quantity "
            f"{shown_quantity(lot.quantity)}, consumed {shown_quantity(lot.consumed)}).",
            lot_id,
        )
    if remaining <= 0:
        return TransformProblem(
            TransformProblemCode.FULLY_CONSUMED,
            f"Lot {name} is fully consumed: {format_amount(lot.consumed, lot.uom)} of "
            f"{format_amount(lot.quantity, lot.uom)} already used, nothing left.",
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
            f"Quantity {shown_quantity(take)} to take from lot {name} is invalid: {quantity}.",
            lot_id,
        )
    if quantity > remaining:
        return TransformProblem(
            TransformProblemCode.OVER_REMAINING,
            f"Cannot take {format_amount(quantity, lot.uom)} from lot {name}: only "
            f"{format_amount(remaining, lot.uom)} left ({format_amount(lot.quantity, lot.uom)} "
            f"less {format_amount(lot.consumed, lot.uom)} used).",
            lot_id,
        )
    return None


def _product_problems(parents: Sequence[tuple[LotState, object]]) -> list[TransformProblem]:
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
