"""Provenance: where a lot came from, traced back through its genealogy to what was received.

Every repack, split, merge or pallet makes new identifiers linked to their parents
(`station.domain.lots.transform_rules`), so the site's lots form a directed acyclic graph:
each lot points to the lots it was made from, and the leaves are the lots received
from suppliers, with their moving data (vendor, place and date of manufacture).
Answering "where did this pallet come from" (protocol 5.5.3: trace a pallet back to
the specific upstream lots) and deciding whether a quarantined lot's provenance can be
determined (5.4.4; if not, it is rejected) both walk that graph back to its leaves.

The graph comes in as two lookups, so the store can answer from a projection or from
memory: `parents_of` (a mapping or a function: lot id -> parent ids, empty for a lot
not made here) and `origin_of` (lot id -> `Origin` for a received lot, else None).
Each query walks iteratively (no recursion limit), visits each lot once, and calls
each lookup at most once per lot, so a trace over 100 000 lots takes well under a
second. Nothing is cached between queries: the store's data may change in between.

A broken genealogy is reported, not raised: a parent that is neither received nor
made here (a *missing link*), and a cycle (a lot among its own ancestors).

    >>> made = {"PAL1": ["MIX1"], "MIX1": ["A", "B"]}
    >>> origins = {"A": Origin("A", vendor="Wafer Co", date_of_manufacture=dt.date(2026, 1, 5)),
    ...            "B": Origin("B", vendor="Cell Co", date_of_manufacture=dt.date(2026, 2, 1))}
    >>> genealogy = Genealogy(made, origins.get)
    >>> sorted(genealogy.upstream("PAL1"))
    ['A', 'B', 'MIX1']
    >>> summary = genealogy.provenance_summary("PAL1")
    >>> summary.vendors, summary.first_manufactured, summary.last_manufactured
    (('Cell Co', 'Wafer Co'), datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))
    >>> summary.determined, summary.problems[0].message
    (False, "Received lot 'A' has no place of manufacture.")
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypeAlias

from station.domain.manifest.model import Place, UpstreamLot
from station.domain.printable import quoted

__all__ = [
    "Genealogy",
    "Origin",
    "OriginOf",
    "ParentsOf",
    "ProvenanceProblem",
    "ProvenanceProblemCode",
    "ProvenanceSummary",
    "Trace",
    "downstream",
]

ParentsOf: TypeAlias = Mapping[str, Sequence[str]] | Callable[[str], Sequence[str] | None]
"""Lot id -> the ids it was made from; empty, None or absent when not made here."""

OriginOf: TypeAlias = Callable[[str], "Origin | None"]
"""Lot id -> its `Origin` when it was received, else None."""

_PATH_SHOWN: Final = 6
"""Most lots a message lists along a path; longer paths are cut in the middle."""


@dataclass(frozen=True, slots=True)
class Origin:
    """The moving data of a received lot: a leaf of the genealogy."""

    lot_id: str
    vendor: str | None = None
    """Who made or supplied it."""
    place_of_manufacture: Place | None = None
    date_of_manufacture: dt.date | None = None
    shipment_id: str | None = None
    """The inbound shipment it arrived in."""
    bill_of_lading: str | None = None
    upstream: tuple[UpstreamLot, ...] = ()
    """The lots upstream of its vendor, as the vendor's station wrote them in the manifest
    (`ContentLine.provenance`): where a lot received from another station came from."""


class ProvenanceProblemCode(StrEnum):
    """Why a provenance is not fully determined."""

    CYCLE = "CYCLE"
    """A lot is among its own ancestors: the records are corrupt."""
    MISSING_LINK = "MISSING_LINK"
    """A lot is neither received nor made from other lots: the trail ends in nothing."""
    NO_VENDOR = "NO_VENDOR"
    NO_PLACE = "NO_PLACE"
    """No place of manufacture, or one without a country."""
    NO_DATE = "NO_DATE"


@dataclass(frozen=True, slots=True)
class ProvenanceProblem:
    """One gap in a provenance, in words for a supervisor or an auditor."""

    code: ProvenanceProblemCode
    message: str
    lot_id: str
    """The lot the gap is at: the missing link, the received lot lacking data, or the
    first lot (in sort order) of a cycle."""
    path: tuple[str, ...] = ()
    """For a missing link, the lots from the traced lot down to it; for a cycle, the
    lots around it, each made from the next and the last from the first."""


@dataclass(frozen=True, slots=True)
class Trace:
    """Everything one walk back from a lot finds."""

    lot_id: str
    upstream: frozenset[str]
    """Every ancestor, the lot itself excluded (even when a cycle makes it its own)."""
    received: tuple[Origin, ...]
    """The received lots among the lot and its ancestors, once each, sorted by lot id."""
    missing: tuple[ProvenanceProblem, ...]
    """A `ProvenanceProblemCode.MISSING_LINK` for each lot neither received nor made here."""
    cycles: tuple[ProvenanceProblem, ...]
    """A `ProvenanceProblemCode.CYCLE` for each cycle found."""


@dataclass(frozen=True, slots=True)
class ProvenanceSummary:
    """Where a lot came from, in the terms the moving data uses."""

    lot_id: str
    received: tuple[Origin, ...]
    """The received lots it came from, sorted by lot id."""
    vendors: tuple[str, ...]
    """Distinct vendors, sorted."""
    places: tuple[Place, ...]
    """Distinct places of manufacture, in the order of `received`."""
    countries: tuple[str, ...]
    """Distinct countries of manufacture, sorted."""
    regions: tuple[str, ...]
    """Distinct regions (ISO 3166-2) of manufacture, sorted."""
    first_manufactured: dt.date | None
    last_manufactured: dt.date | None
    problems: tuple[ProvenanceProblem, ...]
    """Cycles, then missing links, then received lots lacking moving data, by lot id."""
    upstream: tuple[tuple[str, UpstreamLot], ...] = ()
    """Beyond the vendors: each lot upstream of a received lot, as (received lot id, entry),
    in the order of `received`, then as the vendor's manifest listed them."""

    @property
    def upstream_vendors(self) -> tuple[str, ...]:
        """Distinct vendors upstream of the vendors, sorted."""
        return tuple(sorted({entry.vendor for _, entry in self.upstream if entry.vendor}))

    @property
    def determined(self) -> bool:
        """Whether the provenance is fully known: no problem at all.

        A quarantined lot whose provenance is not determined must not be released.
        """
        return not self.problems


class Genealogy:
    """Queries over a site's genealogy, given its two lookups (see the module docstring)."""

    __slots__ = ("_origin_of", "_parents_of")

    def __init__(self, parents_of: ParentsOf, origin_of: OriginOf) -> None:
        self._parents_of = _as_function(parents_of)
        self._origin_of = origin_of

    def upstream(self, lot_id: str) -> frozenset[str]:
        """Every lot `lot_id` was made from, directly or not (not `lot_id` itself)."""
        return self.trace(lot_id).upstream

    def received_inputs(self, lot_id: str) -> list[Origin]:
        """The received lots `lot_id` came from (itself, if it was received), sorted by id."""
        return list(self.trace(lot_id).received)

    def provenance_summary(self, lot_id: str) -> ProvenanceSummary:
        """Vendors, places and dates of manufacture of everything `lot_id` came from."""
        trace = self.trace(lot_id)
        received = trace.received
        vendors = sorted({o.vendor for o in received if o.vendor})
        places = tuple(
            dict.fromkeys(o.place_of_manufacture for o in received if o.place_of_manufacture)
        )
        countries = sorted({p.country for p in places if p.country})
        regions = sorted({p.region for p in places if p.region})
        dates = [o.date_of_manufacture for o in received if o.date_of_manufacture]
        gaps: list[ProvenanceProblem] = []
        for origin in received:
            gaps.extend(_moving_data_problems(origin))
        return ProvenanceSummary(
            lot_id=lot_id,
            received=received,
            vendors=tuple(vendors),
            places=places,
            countries=tuple(countries),
            regions=tuple(regions),
            first_manufactured=min(dates, default=None),
            last_manufactured=max(dates, default=None),
            problems=trace.cycles + trace.missing + tuple(gaps),
            upstream=tuple((o.lot_id, entry) for o in received for entry in o.upstream),
        )

    def trace(self, lot_id: str) -> Trace:
        """One depth-first walk back from `lot_id`: ancestors, leaves, and what is broken."""
        parents_of, origin_of = self._parents_of, self._origin_of
        origins: dict[str, Origin] = {}
        missing: list[str] = []
        cycles: dict[tuple[str, ...], None] = {}
        # Each lot -> the child it was first reached from, to show the path to it.
        via: dict[str, str] = {}
        done: set[str] = set()
        # Lots on the current path -> their depth in it: reaching one again is a cycle.
        on_path: dict[str, int] = {}
        stack: list[tuple[str, Iterator[str]]] = []

        def enter(lot: str) -> None:
            origin = origin_of(lot)
            parents = tuple(dict.fromkeys(parents_of(lot) or ()))
            if origin is not None:
                origins[lot] = origin
            elif not parents:
                missing.append(lot)
            on_path[lot] = len(stack)
            stack.append((lot, iter(parents)))

        enter(lot_id)
        while stack:
            lot, parents = stack[-1]
            for parent in parents:
                if parent in done:
                    continue
                depth = on_path.get(parent)
                if depth is not None:
                    cycle = tuple(entry[0] for entry in stack[depth:])
                    cycles[_rotated(cycle)] = None
                    continue
                via[parent] = lot
                enter(parent)
                break
            else:
                stack.pop()
                del on_path[lot]
                done.add(lot)

        done.discard(lot_id)
        return Trace(
            lot_id=lot_id,
            upstream=frozenset(done),
            received=tuple(origins[lot] for lot in sorted(origins)),
            missing=tuple(_missing_problem(lot, _path(lot, via)) for lot in sorted(missing)),
            cycles=tuple(_cycle_problem(cycle) for cycle in sorted(cycles)),
        )


def downstream(lot_id: str, children_of: ParentsOf) -> frozenset[str]:
    """Every lot made from `lot_id`, directly or not: the trace forward ("where did it go").

    `children_of` is the reverse of `parents_of`. Cycles end the walk without a report;
    `Genealogy.trace` is the place that reports them.
    """
    lookup = _as_function(children_of)
    seen: set[str] = set()
    queue = deque([lot_id])
    while queue:
        for child in lookup(queue.popleft()) or ():
            if child not in seen:
                seen.add(child)
                queue.append(child)
    seen.discard(lot_id)
    return frozenset(seen)


def _as_function(edges: ParentsOf) -> Callable[[str], Sequence[str] | None]:
    if not isinstance(edges, Mapping):
        return edges
    mapping = edges

    def lookup(lot: str) -> Sequence[str]:
        return mapping.get(lot, ())

    return lookup


def _rotated(cycle: tuple[str, ...]) -> tuple[str, ...]:
    """The cycle starting at its smallest lot id, so each cycle is reported once."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


def _path(lot: str, via: Mapping[str, str]) -> tuple[str, ...]:
    path = [lot]
    while path[-1] in via:
        path.append(via[path[-1]])
    return tuple(reversed(path))


def _shown_path(path: Sequence[str]) -> str:
    names = [quoted(lot, 40) for lot in path]
    if len(names) > _PATH_SHOWN:
        half = _PATH_SHOWN // 2
        names = [*names[:half], "…", *names[-half:]]
    return " > ".join(names)


def _missing_problem(lot: str, path: tuple[str, ...]) -> ProvenanceProblem:
    reached = "" if len(path) < 2 else f" (reached through {_shown_path(path)})"
    return ProvenanceProblem(
        ProvenanceProblemCode.MISSING_LINK,
        f"Lot {quoted(lot)} is neither received nor made from other lots here{reached}: "
        "where it came from is unknown.",
        lot,
        path,
    )


def _cycle_problem(cycle: tuple[str, ...]) -> ProvenanceProblem:
    around = _shown_path((*cycle, cycle[0]))
    return ProvenanceProblem(
        ProvenanceProblemCode.CYCLE,
        f"Lot {quoted(cycle[0])} is among its own ancestors ({around}, each made from the "
        "next): the genealogy records are inconsistent.",
        cycle[0],
        cycle,
    )


def _moving_data_problems(origin: Origin) -> list[ProvenanceProblem]:
    lot = origin.lot_id
    name = quoted(lot)
    problems: list[ProvenanceProblem] = []
    if not origin.vendor:
        problems.append(
            ProvenanceProblem(
                ProvenanceProblemCode.NO_VENDOR, f"Received lot {name} has no vendor.", lot
            )
        )
    place = origin.place_of_manufacture
    if place is None or not place.country:
        problems.append(
            ProvenanceProblem(
                ProvenanceProblemCode.NO_PLACE,
                f"Received lot {name} has no place of manufacture."
                if place is None
                else f"Received lot {name} has a place of manufacture without a country.",
                lot,
            )
        )
    if origin.date_of_manufacture is None:
        problems.append(
            ProvenanceProblem(
                ProvenanceProblemCode.NO_DATE,
                f"Received lot {name} has no date of manufacture.",
                lot,
            )
        )
    return problems
