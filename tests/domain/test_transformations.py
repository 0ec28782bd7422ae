"""Transformation plans: every rule with its exact message, and mass balance as a property."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.lots.lot_state import LotState, LotStatus
from station.domain.lots.transform_plan import (
    Output,
    TakenInput,
    TransformKind,
    TransformPlan,
    TransformProblem,
)
from station.domain.lots.transform_rules import UomRules, plan_transformation

GTIN = "09506000134352"
OTHER_GTIN = "09506000134369"
D = Decimal


def lot(
    lot_id: str = "L1",
    quantity: int | str = 100,
    consumed: int | str = 0,
    *,
    uom: str = "EA",
    status: str = LotStatus.AVAILABLE,
    gtin: str | None = GTIN,
    product: str | None = "Module",
) -> LotState:
    return LotState(lot_id, gtin, product, D(quantity), uom, D(consumed), status)


def problems(result: TransformPlan | tuple[TransformProblem, ...]) -> list[tuple[str, str]]:
    assert isinstance(result, tuple), result
    return [(problem.code.value, problem.message) for problem in result]


def plan(result: TransformPlan | tuple[TransformProblem, ...]) -> TransformPlan:
    assert isinstance(result, TransformPlan), result
    return result


# --- Valid plans ------------------------------------------------------------------------


def test_repack_makes_one_lot_of_the_same_quantity_less_loss() -> None:
    result = plan(
        plan_transformation(
            TransformKind.REPACK, [(lot(quantity=1000), D(1000))], [D(996)], loss=D(4)
        )
    )
    assert result.inputs == (TakenInput("L1", D(1000), D(0)),)
    assert result.outputs == (Output(None, D(996)),)
    assert (result.loss, result.uom, result.gtin, result.product) == (D(4), "EA", GTIN, "Module")
    assert (result.taken, result.produced) == (D(1000), D(996))


def test_split_takes_part_of_a_lot_into_children() -> None:
    result = plan(
        plan_transformation(
            TransformKind.SPLIT,
            [(lot(quantity=100, consumed=10), D(60))],
            [D(20), D(20), D(20)],
        )
    )
    assert result.inputs == (TakenInput("L1", D(60), D(30)),)
    assert [output.quantity for output in result.outputs] == [D(20)] * 3


def test_merge_links_every_parent_to_one_new_lot() -> None:
    parents = [
        (lot("L1", product=None), D(40)),
        (lot("L2", quantity=50, consumed=5), D(45)),
    ]
    result = plan(plan_transformation(TransformKind.MERGE, parents, [D(85)]))
    assert [item.lot_id for item in result.inputs] == ["L1", "L2"]
    assert [item.remaining_after for item in result.inputs] == [D(60), D(0)]
    assert result.outputs == (Output(None, D(85)),)
    assert result.product == "Module"  # the first one known


def test_palletise_carries_units_as_they_are_even_of_different_products() -> None:
    parents = [(lot("C1", quantity=10), D(10)), (lot("C2", quantity=5, gtin=OTHER_GTIN), D(5))]
    result = plan(plan_transformation(TransformKind.PALLETISE, parents, []))
    assert result.outputs == (Output(None, D(15)),)
    assert (result.loss, result.gtin, result.product) == (D(0), None, None)


def test_decimal_quantities_balance_exactly() -> None:
    result = plan(
        plan_transformation(
            TransformKind.SPLIT,
            [(lot(quantity="0.3", uom="KGM"), D("0.3"))],
            [D("0.1"), D("0.1"), D("0.1")],
        )
    )
    assert result.produced == D("0.3")  # 0.1 + 0.1 + 0.1 != 0.3 in floats


def test_loss_exactly_at_the_tolerance_is_allowed() -> None:
    result = plan_transformation(
        TransformKind.SPLIT,
        [(lot(quantity=1000), D(1000))],
        [D(500), D(495)],
        loss=D(5),
        tolerance=D("0.005"),
    )
    assert isinstance(result, TransformPlan)


# --- Counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "parents", "outputs", "expected"),
    [
        (
            TransformKind.REPACK,
            2,
            2,
            [
                ("WRONG_PARENT_COUNT", "A repack takes exactly 1 parent lot, found 2."),
                (
                    "WRONG_OUTPUT_COUNT",
                    "A repack makes exactly 1 new lot, found 2 output quantities.",
                ),
            ],
        ),
        (
            TransformKind.SPLIT,
            1,
            1,
            [("WRONG_OUTPUT_COUNT", "A split makes at least 2 new lots, found 1 output quantity.")],
        ),
        (
            TransformKind.MERGE,
            1,
            0,
            [
                ("WRONG_PARENT_COUNT", "A merge takes at least 2 parent lots, found 1."),
                (
                    "WRONG_OUTPUT_COUNT",
                    "A merge makes exactly 1 new lot, found 0 output quantities.",
                ),
            ],
        ),
        (
            TransformKind.PALLETISE,
            0,
            1,
            [
                ("WRONG_PARENT_COUNT", "Palletising takes at least 1 unit, found 0."),
                (
                    "WRONG_OUTPUT_COUNT",
                    "Palletising takes no output quantities (the units go on the pallet as "
                    "they are), found 1 output quantity.",
                ),
            ],
        ),
    ],
)
def test_wrong_counts(
    kind: TransformKind, parents: int, outputs: int, expected: list[tuple[str, str]]
) -> None:
    lots = [(lot(f"L{i}"), D(1)) for i in range(parents)]
    assert problems(plan_transformation(kind, lots, [D(1)] * outputs)) == expected


def test_unknown_kind() -> None:
    result = plan_transformation("bogus", [], [])  # type: ignore[arg-type]
    assert problems(result) == [
        (
            "UNKNOWN_KIND",
            "Unknown transformation 'bogus': expected one of 'repack', 'split', 'merge', "
            "'palletise'.",
        )
    ]


# --- Parents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("quarantined", "is quarantined: a supervisor must release it first"),
        ("rejected", "was rejected: rejected goods cannot be used"),
        ("shipped", "has been shipped: it is no longer here"),
        ("consumed", "is fully consumed: nothing of it is left"),
        ("lost", "has status 'lost', which the station does not know"),
    ],
)
def test_parent_must_be_available(status: str, reason: str) -> None:
    result = plan_transformation(
        TransformKind.SPLIT, [(lot(status=status), D(100))], [D(50), D(50)]
    )
    assert problems(result) == [
        ("NOT_AVAILABLE", f"Lot 'L1' {reason}. Only available lots can be transformed.")
    ]
    assert isinstance(result, tuple)
    assert result[0].lot_id == "L1"


def test_unknown_parent() -> None:
    result = plan_transformation(
        TransformKind.MERGE,
        [(lot(), D(10)), (LotState.unknown("L9"), D(5))],
        [D(15)],
    )
    assert problems(result) == [
        ("UNKNOWN_LOT", "Lot 'L9' is unknown: no lot with that id was received or made here.")
    ]


def test_fully_consumed_parent() -> None:
    result = plan_transformation(
        TransformKind.REPACK, [(lot(quantity=100, consumed=100), D(1))], [D(1)]
    )
    assert problems(result) == [
        (
            "FULLY_CONSUMED",
            "Lot 'L1' is fully consumed: 100 EA of 100 EA already used, nothing left.",
        )
    ]


@pytest.mark.parametrize(
    ("quantity", "consumed", "shown"),
    [
        (D("NaN"), D(0), "quantity NaN, consumed 0"),
        (D("1E+400"), D(0), "quantity 1E+400, consumed 0"),
        (D(10), D("-1"), "quantity 10, consumed -1"),
        (D("10.5"), D(0), "quantity 10.5, consumed 0"),
    ],
)
def test_parent_record_without_a_usable_quantity(
    quantity: Decimal, consumed: Decimal, shown: str
) -> None:
    state = LotState("L1", GTIN, None, quantity, "EA", consumed, LotStatus.AVAILABLE)
    result = plan_transformation(TransformKind.SPLIT, [(state, D(2))], [D(1), D(1)])
    assert problems(result) == [
        ("NOT_AVAILABLE", f"Lot 'L1' has no usable quantity on record ({shown}).")
    ]


def test_cannot_take_more_than_is_left() -> None:
    result = plan_transformation(
        TransformKind.SPLIT, [(lot(quantity=100, consumed=60), D(100))], [D(50), D(50)]
    )
    assert problems(result) == [
        (
            "OVER_REMAINING",
            "Cannot take 100 EA from lot 'L1': only 40 EA left (100 EA less 60 EA used).",
        )
    ]


def test_parent_listed_twice() -> None:
    result = plan_transformation(
        TransformKind.MERGE, [(lot(), D(10)), (lot(), D(20)), (lot(), D(1))], [D(31)]
    )
    assert problems(result) == [
        (
            "DUPLICATE_PARENT",
            "Lot 'L1' is listed 3 times: list each parent once, with the total to take from it.",
        )
    ]


def test_parents_share_one_unit_of_measure() -> None:
    result = plan_transformation(
        TransformKind.MERGE, [(lot(), D(10)), (lot("L2", uom="KGM"), D(20))], [D(30)]
    )
    assert problems(result) == [
        (
            "MIXED_UOM",
            "Lot 'L2' is counted in 'KGM', the other parents in 'EA': all parents must share "
            "one unit of measure.",
        )
    ]


def test_merge_holds_one_product() -> None:
    result = plan_transformation(
        TransformKind.MERGE,
        [(lot(), D(10)), (lot("L2", gtin=OTHER_GTIN), D(20)), (lot("L3", gtin=None), D(1))],
        [D(31)],
    )
    assert problems(result) == [
        (
            "MIXED_PRODUCTS",
            "Lot 'L2' holds GTIN '09506000134369' but lot 'L1' holds GTIN '09506000134352': "
            "a merged lot holds one product. Palletise different products instead.",
        ),
        (
            "MIXED_PRODUCTS",
            "Lot 'L3' holds no GTIN but lot 'L1' holds GTIN '09506000134352': a merged lot "
            "holds one product. Palletise different products instead.",
        ),
    ]


def test_scanned_lot_ids_are_shown_printable() -> None:
    result = plan_transformation(
        TransformKind.SPLIT, [(LotState.unknown("L\x1b[2J"), D(1))], [D(1), D(1)]
    )
    assert problems(result)[0][1].startswith("Lot 'L\\x1b[2J' is unknown")


# --- Quantities -------------------------------------------------------------------------


def test_every_bad_quantity_is_reported() -> None:
    result = plan_transformation(
        TransformKind.SPLIT,
        [(lot(), D(0))],
        [D("1.5"), D(-1), D("NaN"), 1.5, D("1.0000001"), D(10**9)],  # type: ignore[list-item]
        loss=D(-1),
    )
    assert problems(result) == [
        (
            "BAD_QUANTITY",
            "Quantity 0 to take from lot 'L1' is invalid: expected a positive number.",
        ),
        (
            "BAD_QUANTITY",
            "Output 1 quantity 1.5 is invalid: 'EA' counts whole units, so expected a whole "
            "number.",
        ),
        ("BAD_QUANTITY", "Output 2 quantity -1 is invalid: expected a positive number."),
        ("BAD_QUANTITY", "Output 3 quantity NaN is invalid: expected a number."),
        (
            "BAD_QUANTITY",
            "Output 4 quantity 1.5 is invalid: expected an exact Decimal, found float.",
        ),
        (
            "BAD_QUANTITY",
            "Output 5 quantity 1.0000001 is invalid: expected at most 6 decimal places, found 7.",
        ),
        (
            "BAD_QUANTITY",
            "Output 6 quantity 1000000000 is invalid: expected a number below 1000000000.",
        ),
        ("BAD_QUANTITY", "Loss -1 is invalid: expected a number 0 or more."),
    ]


def test_counted_units_are_configurable() -> None:
    rules = UomRules(counted=frozenset({"BOX"}))
    result = plan_transformation(
        TransformKind.SPLIT, [(lot(), D(3))], [D("1.5"), D("1.5")], uoms=rules
    )
    assert isinstance(result, TransformPlan)


def test_palletising_loses_nothing() -> None:
    result = plan_transformation(TransformKind.PALLETISE, [(lot(), D(1))], [], loss=D(1))
    assert problems(result) == [
        (
            "LOSS_NOT_ALLOWED",
            "Palletising carries the units as they are: the loss must be 0, found 1 EA.",
        )
    ]


def test_loss_over_tolerance() -> None:
    result = plan_transformation(
        TransformKind.SPLIT, [(lot(quantity=1000), D(1000))], [D(500), D(494)], loss=D(6)
    )
    assert problems(result) == [
        (
            "LOSS_OVER_TOLERANCE",
            "Loss 6 EA is more than the 0.5% tolerance allows: at most 5 EA of the 1000 EA taken.",
        )
    ]


@pytest.mark.parametrize(
    ("outputs", "tail"),
    [
        ([D(30), D(29)], "1 EA is unaccounted for."),
        ([D(30), D(31)], "that is 1 EA more than was taken."),
    ],
)
def test_quantities_must_balance(outputs: list[Decimal], tail: str) -> None:
    result = plan_transformation(TransformKind.SPLIT, [(lot(), D(60))], outputs)
    assert problems(result) == [
        (
            "UNBALANCED",
            f"Quantities do not balance: 60 EA taken, but the outputs "
            f"({sum(outputs)} EA) and the loss (0 EA) make {sum(outputs)} EA: {tail}",
        )
    ]


def test_problems_of_several_kinds_are_all_reported() -> None:
    result = plan_transformation(
        TransformKind.MERGE,
        [(lot(status="quarantined"), D(10)), (lot("L2", quantity=5), D(6))],
        [D(10)],
    )
    assert [code for code, _ in problems(result)] == [
        "NOT_AVAILABLE",
        "OVER_REMAINING",
        "UNBALANCED",
    ]


@pytest.mark.parametrize("tolerance", [D(-1), D("1.01"), D("NaN"), 0.005])
def test_bad_tolerance_is_a_configuration_error(tolerance: Any) -> None:
    with pytest.raises(ValueError, match=r"^Invalid loss tolerance "):
        plan_transformation(TransformKind.SPLIT, [(lot(), D(2))], [D(1), D(1)], tolerance=tolerance)


# --- The plan itself --------------------------------------------------------------------


def test_plan_refuses_to_exist_unbalanced() -> None:
    with pytest.raises(
        ValueError, match=r"^TransformPlan does not balance: 10 taken, 9 out, 0 lost"
    ):
        TransformPlan(
            TransformKind.REPACK,
            (TakenInput("L1", D(10), D(0)),),
            (Output(None, D(9)),),
            D(0),
            "EA",
        )
    with pytest.raises(ValueError, match="positive Decimal"):
        TransformPlan(
            TransformKind.REPACK, (TakenInput("L1", D(0), D(0)),), (Output(None, D(0)),), D(0), "EA"
        )
    with pytest.raises(ValueError, match="at least one input and one output"):
        TransformPlan(TransformKind.REPACK, (), (), D(0), "EA")


def split_plan() -> TransformPlan:
    return plan(plan_transformation(TransformKind.SPLIT, [(lot(), D(60))], [D(30), D(30)]))


def test_output_ids_are_new_and_distinct() -> None:
    named = split_plan().with_output_ids(["C1", "C2"])
    assert [output.lot_id for output in named.outputs] == ["C1", "C2"]
    with pytest.raises(ValueError, match=r"^Expected 2 output ids, got 1\.$"):
        split_plan().with_output_ids(["C1"])
    with pytest.raises(ValueError, match="must be distinct and not empty"):
        split_plan().with_output_ids(["C1", "C1"])
    with pytest.raises(ValueError, match=r"^Output ids \['L1'\] are parent ids"):
        split_plan().with_output_ids(["L1", "C2"])


def test_plan_round_trips_through_json_form() -> None:
    named = split_plan().with_output_ids(["C1", "C2"])
    data = named.as_dict()
    assert data == {
        "kind": "split",
        "uom": "EA",
        "loss": "0",
        "gtin": GTIN,
        "product": "Module",
        "inputs": [{"lot_id": "L1", "quantity": "60", "remaining_after": "40"}],
        "outputs": [{"lot_id": "C1", "quantity": "30"}, {"lot_id": "C2", "quantity": "30"}],
    }
    assert TransformPlan.from_dict(data) == named


# --- Properties -------------------------------------------------------------------------

# Quantities in thousandths, as a KGM scale would give them.
MILLI = D("0.001")


@st.composite
def valid_split(draw: st.DrawFn) -> tuple[LotState, Decimal, list[Decimal], Decimal]:
    quantity = draw(st.integers(2, 10**9))
    consumed = draw(st.integers(0, quantity - 2))
    taken = draw(st.integers(2, quantity - consumed))
    loss = draw(st.integers(0, taken * 5 // 1000))
    rest = taken - loss
    pieces = draw(st.integers(2, min(rest, 8))) if rest >= 2 else 0
    if pieces < 2:
        loss, rest, pieces = 0, taken, 2
    cuts = sorted(draw(st.sets(st.integers(1, rest - 1), min_size=pieces - 1, max_size=pieces - 1)))
    bounds = [0, *cuts, rest]
    outputs = [(b - a) * MILLI for a, b in itertools.pairwise(bounds)]
    state = lot(quantity=str(quantity * MILLI), consumed=str(consumed * MILLI), uom="KGM")
    return state, taken * MILLI, outputs, loss * MILLI


@given(valid_split())
def test_valid_splits_always_balance(
    case: tuple[LotState, Decimal, list[Decimal], Decimal],
) -> None:
    state, taken, outputs, loss = case
    result = plan(plan_transformation(TransformKind.SPLIT, [(state, taken)], outputs, loss=loss))
    assert result.taken == result.produced + result.loss == taken
    assert result.inputs[0].remaining_after == state.remaining - taken
    assert [output.quantity for output in result.outputs] == outputs


@given(
    st.lists(
        st.tuples(st.integers(1, 10**6), st.integers(0, 10**6), st.integers(1, 10**6)),
        min_size=2,
        max_size=6,
    ),
    st.integers(0, 5),
)
def test_valid_merges_always_balance(specs: list[tuple[int, int, int]], loss_share: int) -> None:
    parents = []
    for index, (take, left_over, consumed) in enumerate(specs):
        quantity = take + left_over + consumed
        parents.append((lot(f"L{index}", quantity, consumed, uom="KGM"), take * MILLI))
    taken = sum((take for _, take in parents), D(0))
    loss = (taken * loss_share / 1000).quantize(MILLI, rounding="ROUND_DOWN")
    result = plan(plan_transformation(TransformKind.MERGE, parents, [taken - loss], loss=loss))
    assert result.taken == taken == result.produced + result.loss


QUANTITIES = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(-5, 10**10),
    st.floats(),
    st.sampled_from([D("0"), D("-0"), D("1E+2"), D("1E-7"), D("sNaN")]),
)
STATUSES = st.sampled_from([*LotStatus, "lost", ""])


@st.composite
def lot_states(draw: st.DrawFn) -> LotState:
    return LotState(
        draw(st.sampled_from(["L1", "L2", "L3", "L\x1b"])),
        draw(st.sampled_from([GTIN, OTHER_GTIN, None])),
        draw(st.sampled_from(["Module", None])),
        draw(st.decimals(allow_nan=True, allow_infinity=True) | st.integers(0, 100).map(D)),
        draw(st.sampled_from(["EA", "KGM", ""])),
        draw(st.decimals(allow_nan=True, allow_infinity=True) | st.integers(0, 100).map(D)),
        draw(STATUSES),
    )


@given(
    kind=st.sampled_from(TransformKind),
    parents=st.lists(st.tuples(lot_states(), QUANTITIES), max_size=4),
    outputs=st.lists(QUANTITIES, max_size=4),
    loss=QUANTITIES,
    tolerance=st.decimals(0, 1, places=4),
)
def test_any_input_gives_a_balanced_plan_or_problems_never_an_exception(
    kind: TransformKind,
    parents: Sequence[tuple[LotState, Any]],
    outputs: Sequence[Any],
    loss: Any,
    tolerance: Decimal,
) -> None:
    result = plan_transformation(kind, parents, outputs, loss=loss, tolerance=tolerance)
    if isinstance(result, TransformPlan):
        assert result.taken == result.produced + result.loss
        assert all(item.remaining_after >= 0 for item in result.inputs)
        assert len({item.lot_id for item in result.inputs}) == len(result.inputs)
        assert {state.status for state, _ in parents} == {LotStatus.AVAILABLE}
        assert len({state.uom for state, _ in parents}) == 1
        assert result.loss <= result.taken * tolerance
    else:
        assert result, "a refusal names at least one problem"
        assert all(isinstance(problem, TransformProblem) for problem in result)
        assert all(problem.message.isprintable() for problem in result)
