"""Genealogy traces: exact messages, brute-force agreement on random graphs, 100k-lot scale."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Mapping, Sequence

from hypothesis import given
from hypothesis import strategies as st

from station.domain.lots.provenance import (
    Genealogy,
    Origin,
    ProvenanceProblem,
    ProvenanceProblemCode,
    downstream,
)
from station.domain.manifest.model import Place

VN = Place(facility="P2", city="Bac Ninh", country="VN", region="VN-56")
MY = Place(facility="K1", city="Kulim", country="MY", region="MY-02")


def origin(lot_id: str, vendor: str = "Wafer Co", place: Place | None = VN, day: int = 1) -> Origin:
    return Origin(lot_id, vendor, place, dt.date(2026, 1, day), "SHP-1", "BOL-1")


# A pallet of two mixed lots; MIX2 shares wafer lot W2 with MIX1 (a diamond).
MADE: dict[str, list[str]] = {
    "PAL1": ["MIX1", "MIX2"],
    "MIX1": ["W1", "W2"],
    "MIX2": ["W2", "W3"],
}
ORIGINS = {
    "W1": origin("W1", day=5),
    "W2": origin("W2", vendor="Cell Co", place=MY, day=2),
    "W3": origin("W3", day=9),
}


def test_upstream_is_every_ancestor() -> None:
    genealogy = Genealogy(MADE, ORIGINS.get)
    assert genealogy.upstream("PAL1") == {"MIX1", "MIX2", "W1", "W2", "W3"}
    assert genealogy.upstream("MIX2") == {"W2", "W3"}
    assert genealogy.upstream("W1") == frozenset()


def test_received_inputs_are_the_leaves_once_each() -> None:
    genealogy = Genealogy(MADE, ORIGINS.get)
    assert genealogy.received_inputs("PAL1") == [ORIGINS["W1"], ORIGINS["W2"], ORIGINS["W3"]]
    assert genealogy.received_inputs("W2") == [ORIGINS["W2"]]


def test_summary_gathers_vendors_places_and_dates() -> None:
    summary = Genealogy(MADE, ORIGINS.get).provenance_summary("PAL1")
    assert summary.lot_id == "PAL1"
    assert summary.vendors == ("Cell Co", "Wafer Co")
    assert summary.places == (VN, MY)
    assert summary.countries == ("MY", "VN")
    assert summary.regions == ("MY-02", "VN-56")
    assert (summary.first_manufactured, summary.last_manufactured) == (
        dt.date(2026, 1, 2),
        dt.date(2026, 1, 9),
    )
    assert summary.problems == ()
    assert summary.determined


def test_parents_can_come_from_a_function() -> None:
    calls: list[str] = []

    def parents_of(lot: str) -> Sequence[str]:
        calls.append(lot)
        return MADE.get(lot, [])

    assert Genealogy(parents_of, ORIGINS.get).upstream("PAL1") == {
        "MIX1",
        "MIX2",
        "W1",
        "W2",
        "W3",
    }
    assert sorted(calls) == ["MIX1", "MIX2", "PAL1", "W1", "W2", "W3"]  # each lot once


def test_missing_link_names_the_path_to_it() -> None:
    made = {**MADE, "MIX2": ["W2", "W3", "X9"]}
    trace = Genealogy(made, ORIGINS.get).trace("PAL1")
    assert trace.missing == (
        ProvenanceProblem(
            ProvenanceProblemCode.MISSING_LINK,
            "Lot 'X9' is neither received nor made from other lots here (reached through "
            "'PAL1' > 'MIX2' > 'X9'): where it came from is unknown.",
            "X9",
            ("PAL1", "MIX2", "X9"),
        ),
    )
    assert "X9" in trace.upstream


def test_unknown_lot_is_its_own_missing_link() -> None:
    summary = Genealogy(MADE, ORIGINS.get).provenance_summary("NOPE")
    assert [problem.message for problem in summary.problems] == [
        "Lot 'NOPE' is neither received nor made from other lots here: where it came from "
        "is unknown."
    ]
    assert not summary.determined


def test_long_paths_are_cut_in_the_middle() -> None:
    made = {f"L{i}": [f"L{i + 1}"] for i in range(10)}
    (missing,) = Genealogy(made, lambda lot: None).trace("L0").missing
    assert missing.path == tuple(f"L{i}" for i in range(11))
    assert missing.message == (
        "Lot 'L10' is neither received nor made from other lots here (reached through "
        "'L0' > 'L1' > 'L2' > … > 'L8' > 'L9' > 'L10'): where it came from is unknown."
    )


def test_cycles_are_reported_once_from_their_smallest_lot() -> None:
    made = {"TOP": ["C2"], "C1": ["C2"], "C2": ["C3"], "C3": ["C1", "W1"]}
    trace = Genealogy(made, ORIGINS.get).trace("TOP")
    assert trace.cycles == (
        ProvenanceProblem(
            ProvenanceProblemCode.CYCLE,
            "Lot 'C1' is among its own ancestors ('C1' > 'C2' > 'C3' > 'C1', each made from "
            "the next): the genealogy records are inconsistent.",
            "C1",
            ("C1", "C2", "C3"),
        ),
    )
    assert trace.upstream == {"C1", "C2", "C3", "W1"}
    assert trace.received == (ORIGINS["W1"],)


def test_a_lot_made_from_itself_is_a_cycle_and_not_its_own_ancestor() -> None:
    trace = Genealogy({"S": ["S", "W1"]}, ORIGINS.get).trace("S")
    assert [problem.path for problem in trace.cycles] == [("S",)]
    assert trace.upstream == {"W1"}


def test_received_lots_without_moving_data_leave_provenance_undetermined() -> None:
    origins = {
        "W1": Origin("W1"),
        "W2": Origin("W2", vendor="Cell Co", place_of_manufacture=Place(city="Kulim")),
        "W3": origin("W3"),
    }
    summary = Genealogy(MADE, origins.get).provenance_summary("PAL1")
    assert [(p.code.value, p.lot_id, p.message) for p in summary.problems] == [
        ("NO_VENDOR", "W1", "Received lot 'W1' has no vendor."),
        ("NO_PLACE", "W1", "Received lot 'W1' has no place of manufacture."),
        ("NO_DATE", "W1", "Received lot 'W1' has no date of manufacture."),
        ("NO_PLACE", "W2", "Received lot 'W2' has a place of manufacture without a country."),
        ("NO_DATE", "W2", "Received lot 'W2' has no date of manufacture."),
    ]
    assert not summary.determined
    assert summary.countries == ("VN",)


def test_a_received_lot_with_recorded_parents_is_followed_upstream() -> None:
    made = {"W1": ["INGOT-7"]}
    origins = {"W1": origin("W1"), "INGOT-7": origin("INGOT-7", vendor="Ingot Co")}
    genealogy = Genealogy(made, origins.get)
    assert [o.lot_id for o in genealogy.received_inputs("W1")] == ["INGOT-7", "W1"]


def test_downstream_is_the_trace_forward() -> None:
    children: dict[str, list[str]] = {}
    for child, parents in MADE.items():
        for parent in parents:
            children.setdefault(parent, []).append(child)
    assert downstream("W2", children) == {"MIX1", "MIX2", "PAL1"}
    assert downstream("W1", children.get) == {"MIX1", "PAL1"}
    assert downstream("PAL1", children) == frozenset()
    assert downstream("A", {"A": ["B"], "B": ["A"]}) == {"B"}


# --- Agreement with brute force ---------------------------------------------------------


def brute_ancestors(lot: str, parents: Mapping[str, Sequence[str]]) -> set[str]:
    """Fixed point of 'parents of anything found', the slow obvious way."""
    found: set[str] = set(parents.get(lot, ()))
    while True:
        more = {p for known in found for p in parents.get(known, ())} - found
        if not more:
            return found
        found |= more


@st.composite
def graphs(draw: st.DrawFn, acyclic: bool) -> tuple[dict[str, list[str]], set[str]]:
    size = draw(st.integers(1, 25))
    names = [f"L{i}" for i in range(size)]
    parents: dict[str, list[str]] = {}
    for index, name in enumerate(names):
        pool = names[index + 1 :] if acyclic else names
        if pool:
            parents[name] = draw(st.lists(st.sampled_from(pool), max_size=4))
    received = draw(st.sets(st.sampled_from(names)))
    return parents, received


def genealogy_for(parents: Mapping[str, Sequence[str]], received: set[str]) -> Genealogy:
    origins = {lot: origin(lot) for lot in received}
    return Genealogy(parents, origins.get)


@given(graphs(acyclic=True), st.data())
def test_on_random_dags_the_trace_matches_brute_force(
    graph: tuple[dict[str, list[str]], set[str]], data: st.DataObject
) -> None:
    parents, received = graph
    lot = data.draw(st.sampled_from(sorted({"L0", *parents})))
    trace = genealogy_for(parents, received).trace(lot)
    ancestors = brute_ancestors(lot, parents)
    assert trace.upstream == ancestors
    lineage = ancestors | {lot}
    assert [o.lot_id for o in trace.received] == sorted(lineage & received)
    leaves = {x for x in lineage if not parents.get(x)}
    assert [p.lot_id for p in trace.missing] == sorted(leaves - received)
    assert trace.cycles == ()
    for problem in trace.missing:
        path = problem.path
        assert path[0] == lot and path[-1] == problem.lot_id
        assert all(b in parents[a] for a, b in itertools.pairwise(path))


@given(graphs(acyclic=False), st.data())
def test_on_random_graphs_cycles_are_found_exactly_when_there_are_some(
    graph: tuple[dict[str, list[str]], set[str]], data: st.DataObject
) -> None:
    parents, received = graph
    lot = data.draw(st.sampled_from(sorted({"L0", *parents})))
    trace = genealogy_for(parents, received).trace(lot)
    ancestors = brute_ancestors(lot, parents)
    assert trace.upstream == ancestors - {lot}
    lineage = ancestors | {lot}
    has_cycle = any(x in brute_ancestors(x, parents) for x in lineage)
    assert bool(trace.cycles) == has_cycle
    for problem in trace.cycles:
        cycle = problem.path
        assert problem.lot_id == min(cycle) == cycle[0]
        ring = [*cycle, cycle[0]]
        assert all(b in parents[a] for a, b in itertools.pairwise(ring))


# --- Scale ------------------------------------------------------------------------------


def layered_genealogy(
    layers: int = 8, width: int = 12_500, seed: int = 7
) -> tuple[dict[str, list[str]], Callable[[str], Origin | None], list[str]]:
    """`layers` x `width` lots; each made from 1-3 lots of the layer below (merges)."""
    rng = random.Random(seed)
    names = [[f"L{layer}-{i}" for i in range(width)] for layer in range(layers)]
    parents: dict[str, list[str]] = {}
    for layer in range(1, layers):
        below = names[layer - 1]
        for index, name in enumerate(names[layer]):
            # Neighbours plus a random one: every lot below is some lot's parent.
            picks = {below[index], below[(index + 1) % width], rng.choice(below)}
            parents[name] = [*sorted(picks)[: rng.randint(1, 3)], below[index]]
    received = {name: Origin(name, "Wafer Co", VN, dt.date(2026, 1, 1)) for name in names[0]}
    return parents, received.get, names[-1]


def test_a_trace_over_100k_lots_visits_each_once_and_is_fast() -> None:
    parents, origin_of, top = layered_genealogy()
    lookups: list[str] = []

    def counting_origin(lot: str) -> Origin | None:
        lookups.append(lot)
        return origin_of(lot)

    # A final pallet of the whole top layer: its trace reaches every lot.
    pallet_parents = {**parents, "PAL": top}
    genealogy = Genealogy(pallet_parents, counting_origin)
    started = time.perf_counter()
    summary = genealogy.provenance_summary("PAL")
    elapsed = time.perf_counter() - started
    assert len(lookups) == len(set(lookups)) == 100_001
    assert len(summary.received) == 12_500
    assert summary.determined
    assert elapsed < 5, f"trace took {elapsed:.2f} s"
