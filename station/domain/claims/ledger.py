"""The claims ledger: per product group and claim period, what came in by category of
origin and what went out, from the claim entries' monthly aggregates.

In: accepted receipts (a held unit counts once released, in the month of the
release); a partly certified line enters with its certified share, recycled content
as certified or not at all as the group says. Out: completed releases' claimed lines,
in input units. Every figure keeps the sequence numbers of the events it came from.
`ledger_of_events` builds the same ledger straight from events (tests, archives); the
station reads the aggregates its projection keeps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from station.domain.claims.categories import Category
from station.domain.claims.entries import Aggregate, Entry, aggregate, entries_of, released_units
from station.domain.claims.percentage import RecycledRule
from station.domain.claims.settings import ClaimsSettings
from station.domain.events import EventKind, StoredEvent

__all__ = [
    "LEDGER_KINDS",
    "GroupPeriod",
    "Ledger",
    "build_ledger",
    "ledger_of_events",
    "period_of",
]

LEDGER_KINDS = (
    EventKind.UNIT_RECEIVED,
    EventKind.HOLD_RELEASED,
    EventKind.LOT_TRANSFORMED,
    EventKind.RELEASE_COMPLETED,
)
_RECYCLED = (Category.PRE_CONSUMER_RECYCLED.value, Category.POST_CONSUMER_RECYCLED.value)


def period_of(when: dt.date, months: int) -> str:
    """The claim period holding `when`: ``2026-11`` for one month, ``2026-10..2026-12`` else.

    >>> period_of(dt.date(2026, 11, 5), 1), period_of(dt.date(2026, 11, 5), 3)
    ('2026-11', '2026-10..2026-12')
    """
    index = (when.year * 12 + when.month - 1) // months * months
    first = f"{index // 12:04d}-{index % 12 + 1:02d}"
    if months == 1:
        return first
    last = index + months - 1
    return f"{first}..{last // 12:04d}-{last % 12 + 1:02d}"


@dataclass
class GroupPeriod:
    """One product group in one claim period, in the group's input unit."""

    group: str
    period: str
    received: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    """Quantity received by category of origin."""
    certified: Decimal = Decimal(0)
    """Vc: certified content (partly certified lines at their share; recycled if counted)."""
    other: Decimal = Decimal(0)
    """Vo: everything else that counts (recycled left out when neutral)."""
    shipped_input: Decimal = Decimal(0)
    """Output shipped, in input units."""
    losses: Decimal = Decimal(0)
    """Manufacturing losses declared when lots were made, in input units."""
    sources: list[int] = field(default_factory=list)
    """Sequence numbers of the events behind these figures (when listed)."""
    entries: int = 0
    """How many claim lines these figures sum."""
    first_seq: int = 0
    last_seq: int = 0
    """The first and last event behind these figures."""


@dataclass
class Ledger:
    """Every group's periods, oldest first."""

    periods: dict[str, list[GroupPeriod]]

    def of(self, group: str) -> list[GroupPeriod]:
        """The group's periods in order."""
        return self.periods.get(group, [])


def build_ledger(aggregates: Iterable[Aggregate], settings: ClaimsSettings) -> Ledger:
    """The ledger of every configured product group from monthly aggregates."""
    cells: dict[tuple[str, str], GroupPeriod] = {}
    for agg in aggregates:
        group = settings.product_groups.get(agg.group)
        if group is None:
            continue
        month = dt.date.fromisoformat(agg.month + "-01")
        key = (group.name, period_of(month, group.period_months))
        cell = cells.setdefault(key, GroupPeriod(*key))
        cell.sources.extend(agg.seqs)
        cell.first_seq = min(cell.first_seq or agg.first_seq, agg.first_seq)
        cell.last_seq = max(cell.last_seq, agg.last_seq)
        cell.entries += agg.entries
        if agg.direction == "out":
            cell.shipped_input += agg.quantity
            continue
        if agg.direction == "loss":
            cell.losses += agg.quantity
            continue
        cell.received[agg.category] += agg.quantity
        if agg.category in _RECYCLED:
            if group.recycled is RecycledRule.COUNTED:
                cell.certified += agg.quantity
        else:
            cell.certified += agg.certified
            cell.other += agg.quantity - agg.certified
    grouped: dict[str, list[GroupPeriod]] = defaultdict(list)
    for (name, _), cell in sorted(cells.items()):
        cell.sources = sorted(set(cell.sources))
        grouped[name].append(cell)
    return Ledger(dict(grouped))


def ledger_of_events(events: Iterable[StoredEvent], settings: ClaimsSettings) -> Ledger:
    """The ledger straight from events in log order (the projection's rule, in memory)."""
    entries: list[Entry] = []
    pending: dict[str, list[int]] = defaultdict(list)
    for stored in events:
        for entry in entries_of(stored):
            if entry.pending and entry.unit_id is not None:
                pending[entry.unit_id].append(len(entries))
            entries.append(entry)
        month = stored.event.recorded_at.strftime("%Y-%m")
        for unit_id in released_units(stored):
            for index in pending.pop(unit_id, []):
                held = entries[index]
                entries[index] = Entry(
                    held.seq, held.unit_id, held.group, month, held.direction,
                    held.category, held.quantity, held.certified,
                )  # fmt: skip
    return build_ledger(aggregate(entries), settings)
