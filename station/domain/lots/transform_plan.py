"""What a transformation is: its kind, what it takes, what it makes, and why one is refused.

When goods change packaging form, or lots are split or mixed, the traceability rules
(protocol 5.5.2 and 5.5.3) want a new identifier linked to every identifier it came
from, and the quantities to add up (5.2.1.1, mass balance: what leaves a step is what
entered it, less a declared loss). A `TransformPlan` is such a step that balances
exactly; it cannot be built otherwise. `station.domain.lots.transform_rules` checks an
operator's request against the parent lots and returns a plan or every
`TransformProblem` that stops it. The store turns a plan into one event linking the
inputs to the outputs, after giving each output its new id (`TransformPlan.with_output_ids`,
ids from `station.domain.lots.sscc_range` and `station.domain.lots.lot_template`) in the
same transaction.

Quantities are `Decimal` throughout, never floats, so a balance is exact.

    >>> taken = (TakenInput("L1", Decimal(60), remaining_after=Decimal(40)),)
    >>> halves = (Output(None, Decimal(30)), Output(None, Decimal(30)))
    >>> plan = TransformPlan(TransformKind.SPLIT, taken, halves, loss=Decimal(0), uom="EA")
    >>> [output.lot_id for output in plan.with_output_ids(["C1", "C2"]).outputs]
    ['C1', 'C2']
    >>> plan.as_dict()["outputs"][0]
    {'lot_id': None, 'quantity': '30'}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Any

from station.domain.quantities import EXACT, exact_sum

__all__ = [
    "Output",
    "TakenInput",
    "TransformKind",
    "TransformPlan",
    "TransformProblem",
    "TransformProblemCode",
]


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

    Built by `station.domain.lots.transform_rules.plan_transformation`; the constructor
    refuses (ValueError) a plan that does not balance, so no code path can record one.
    For `TransformKind.PALLETISE` the one output is the pallet, holding every input as
    it is (its quantity is their sum).
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
            with localcontext(EXACT):
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
        return exact_sum(item.quantity for item in self.inputs)

    @property
    def produced(self) -> Decimal:
        """Everything in the outputs."""
        return exact_sum(output.quantity for output in self.outputs)

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


def _is_positive(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value > 0


def _is_non_negative(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value >= 0
