"""The claims ledger: per product group and claim period, what came in by category of
origin and what went out, read from the event log.

In: ``unit.received`` events record what each accepted line counts as (group,
certified share, verified); a held unit counts only once a supervisor releases it
(``hold.released``, directly or by its shipment's cascade), in the period of the
release. Out: ``release.completed`` events carry the outbound manifest; each line of
a group's output product is converted back to input units by its ratio.
Every figure keeps the sequence numbers of the events it came from.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from station.domain.claims.categories import Category
from station.domain.claims.percentage import RecycledRule
from station.domain.claims.product_groups import ProductGroup
from station.domain.claims.settings import ClaimsSettings
from station.domain.events import EventKind, StoredEvent

__all__ = ["LEDGER_KINDS", "GroupPeriod", "Ledger", "build_ledger", "period_of"]

LEDGER_KINDS = (EventKind.UNIT_RECEIVED, EventKind.HOLD_RELEASED, EventKind.RELEASE_COMPLETED)


def period_of(when: dt.date, months: int) -> str:
    """The claim period holding `when`: ``2026-11`` for one month, ``2026-10..2026-12`` else."""
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
    """Output shipped, converted back to input units."""
    shipped_output: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    sources: list[int] = field(default_factory=list)
    """Sequence numbers of the events behind these figures."""


@dataclass
class Ledger:
    """Every group's periods, oldest first."""

    periods: dict[str, list[GroupPeriod]]

    def of(self, group: str) -> list[GroupPeriod]:
        """The group's periods in order."""
        return self.periods.get(group, [])


def build_ledger(events: Iterable[StoredEvent], settings: ClaimsSettings) -> Ledger:
    """The ledger of every product group from `events` (any order of kinds, log order)."""
    cells: dict[tuple[str, str], GroupPeriod] = {}
    pending: dict[str, tuple[list[Mapping[str, Any]], str, int]] = {}

    def cell(group: ProductGroup, when: dt.datetime) -> GroupPeriod:
        key = (group.name, period_of(when.date(), group.period_months))
        if key not in cells:
            cells[key] = GroupPeriod(group.name, key[1])
        return cells[key]

    def count_in(claims: list[Mapping[str, Any]], when: dt.datetime, seq: int) -> None:
        for claim in claims:
            group = settings.product_groups.get(str(claim.get("group")))
            if group is None:
                continue
            _add_receipt(cell(group, when), group, claim, seq)

    for stored in events:
        event = stored.event
        payload = event.payload
        if event.kind is EventKind.UNIT_RECEIVED:
            claims = list(payload.get("claims") or ())
            if not claims:
                continue
            if payload.get("status") == "accepted":
                count_in(claims, event.recorded_at, stored.seq)
            else:
                pending[str(payload["unit_id"])] = (claims, str(payload["shipment_id"]), stored.seq)
        elif event.kind is EventKind.HOLD_RELEASED:
            for unit_id in _released_units(payload, pending):
                claims, _, received_seq = pending.pop(unit_id)
                count_in(claims, event.recorded_at, received_seq)
                for group_period in cells.values():
                    if (
                        received_seq in group_period.sources
                        and stored.seq not in group_period.sources
                    ):
                        group_period.sources.append(stored.seq)
        elif event.kind is EventKind.RELEASE_COMPLETED:
            _count_out(payload, event.recorded_at, stored.seq, settings, cell)
    grouped: dict[str, list[GroupPeriod]] = defaultdict(list)
    for (name, _), group_period in sorted(cells.items()):
        grouped[name].append(group_period)
    return Ledger(dict(grouped))


def _released_units(
    payload: Mapping[str, Any], pending: Mapping[str, tuple[Any, str, int]]
) -> list[str]:
    if payload.get("entity_kind") == "unit":
        unit = str(payload.get("entity_id"))
        return [unit] if unit in pending else []
    cascade = {str(u) for u in payload.get("cascade") or ()}
    return [u for u in pending if u in cascade]


def _add_receipt(
    group_period: GroupPeriod, group: ProductGroup, claim: Mapping[str, Any], seq: int
) -> None:
    quantity = _decimal(claim.get("quantity"))
    share = _decimal(claim.get("certified_share"))
    category = str(claim.get("category") or Category.OTHER.value)
    group_period.received[category] += quantity
    if category in (Category.PRE_CONSUMER_RECYCLED, Category.POST_CONSUMER_RECYCLED):
        if group.recycled is RecycledRule.COUNTED:
            group_period.certified += quantity
    else:
        group_period.certified += quantity * share
        group_period.other += quantity - quantity * share
    if seq not in group_period.sources:
        group_period.sources.append(seq)


def _count_out(
    payload: Mapping[str, Any],
    when: dt.datetime,
    seq: int,
    settings: ClaimsSettings,
    cell: Any,
) -> None:
    manifest = payload.get("manifest") or {}
    for unit in manifest.get("units") or ():
        for line in unit.get("contents") or ():
            for key in (line.get("gtin"), line.get("product")):
                group = _group_of_output(settings, key)
                if group is None:
                    continue
                ratio = group.ratio(str(key))
                assert ratio is not None
                quantity = _decimal(line.get("quantity") or 1)
                group_period = cell(group, when)
                group_period.shipped_output[str(key)] += quantity
                group_period.shipped_input += ratio.to_input(quantity)
                if seq not in group_period.sources:
                    group_period.sources.append(seq)
                break


def _group_of_output(settings: ClaimsSettings, product: object) -> ProductGroup | None:
    if not isinstance(product, str):
        return None
    for group in settings.product_groups.values():
        if product in group.outputs:
            return group
    return None


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)
