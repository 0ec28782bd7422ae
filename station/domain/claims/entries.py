"""Claim entries: what each event adds to a product group's inputs or outputs.

One rule turns an event into entries, used both by the store's projection (so the
reports read a few aggregate rows instead of the whole log) and by the pure ledger
tests. A receipt's claim lines are entries "in"; a held unit's are pending until a
supervisor releases the hold, and then count in the month of the release. A
completed release's claimed lines are entries "out", in input units.

>>> import dataclasses
>>> entry = Entry(3, "U1", "spf", "2026-11", "in", "certified", Decimal(10), Decimal(6))
>>> (summed,) = aggregate([entry, dataclasses.replace(entry, seq=4)])
>>> summed.quantity, summed.certified, summed.seqs
(Decimal('20'), Decimal('12'), (3, 4))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from station.domain.events import EventKind, StoredEvent

__all__ = ["Aggregate", "Entry", "aggregate", "entries_of", "released_units"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One claim line counted in (a receipt) or out (a release), in input units."""

    seq: int
    unit_id: str | None
    group: str
    month: str
    """``YYYY-MM`` of when it counts."""
    direction: str
    """``in``, ``out`` or ``loss`` (declared when a lot was made)."""
    category: str
    quantity: Decimal
    certified: Decimal
    """The certified content of `quantity` (its claimed share; 0 out)."""
    pending: bool = False
    """A held unit's receipt: counts only once its hold is released."""


@dataclass(frozen=True, slots=True)
class Aggregate:
    """The sum of the counted entries of one group, month, direction and category."""

    group: str
    month: str
    direction: str
    category: str
    quantity: Decimal
    certified: Decimal
    seqs: tuple[int, ...]
    """Every event behind the sums, when asked for (else empty)."""
    entries: int = 0
    first_seq: int = 0
    last_seq: int = 0


def entries_of(stored: StoredEvent) -> list[Entry]:
    """The entries an event adds (receipts and completed releases with claims)."""
    event = stored.event
    payload = event.payload
    month = event.recorded_at.strftime("%Y-%m")
    if event.kind is EventKind.UNIT_RECEIVED:
        pending = payload.get("status") != "accepted"
        entries = []
        for claim in payload.get("claims") or ():
            quantity = _decimal(claim.get("quantity"))
            entries.append(
                Entry(
                    stored.seq,
                    str(payload.get("unit_id")),
                    str(claim.get("group")),
                    month,
                    "in",
                    str(claim.get("category") or "other"),
                    quantity,
                    quantity * _decimal(claim.get("certified_share")),
                    pending,
                )
            )
        return entries
    if event.kind is EventKind.LOT_TRANSFORMED:
        return [
            Entry(
                stored.seq,
                None,
                str(claim.get("group")),
                month,
                "loss",
                "declared",
                _decimal(claim.get("input_quantity")),
                Decimal(0),
            )
            for claim in payload.get("claims_loss") or ()
        ]
    if event.kind is EventKind.RELEASE_COMPLETED:
        return [
            Entry(
                stored.seq,
                None,
                str(claim.get("group")),
                month,
                "out",
                "shipped",
                _decimal(claim.get("input_quantity")),
                Decimal(0),
            )
            for claim in payload.get("claims") or ()
        ]
    return []


def released_units(stored: StoredEvent) -> list[str]:
    """Units whose pending receipts a ``hold.released`` event lets count."""
    if stored.event.kind is not EventKind.HOLD_RELEASED:
        return []
    payload: Mapping[str, Any] = stored.event.payload
    units = [str(u) for u in payload.get("cascade") or ()]
    if payload.get("entity_kind") == "unit":
        units.append(str(payload.get("entity_id")))
    return units


def aggregate(entries: Iterable[Entry]) -> list[Aggregate]:
    """Counted entries summed per group, month, direction and category (pure path)."""
    sums: dict[tuple[str, str, str, str], list[Any]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), []]
    )
    for entry in entries:
        if entry.pending:
            continue
        cell = sums[(entry.group, entry.month, entry.direction, entry.category)]
        cell[0] += entry.quantity
        cell[1] += entry.certified
        cell[2].append(entry.seq)
    return [
        Aggregate(g, m, d, c, q, cert, tuple(sorted(set(seqs))), len(seqs), min(seqs), max(seqs))
        for (g, m, d, c), (q, cert, seqs) in sorted(sums.items())
    ]


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)
