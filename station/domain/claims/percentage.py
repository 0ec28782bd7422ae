"""The percentage method: Pc = Vc / (Vc + Vo) per product group and claim period.

Vc is the certified content procured in the period, Vo the other raw material. A
partly certified delivery enters with its claimed share only (the rest is other
material); recycled content is either counted as certified or left out of both
sums (neutral), as the site configures. The rolling percentage sums the volumes of
the last `window` periods; while the chain of custody is younger than the window it
sums what there is (the standard's Table 2 starts that way).

>>> rolling = rolling_percentages([(Decimal(11), Decimal(90)), (Decimal(12), Decimal(90))], 3)
>>> [str(r.percent) for r in rolling]
['10.89', '11.33']
>>> percentage_claim(Decimal("72.4")), percentage_claim(Decimal("65"))
('SFI 72% Certified Forest Content', 'SFI 65% Certified Forest Content (below 70%: no label)')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from station.domain.claims.categories import LABEL_THRESHOLD, SupplierClaim

__all__ = [
    "MAX_ROLLING_MONTHS",
    "MAX_SIMPLE_PERIOD_MONTHS",
    "Delivery",
    "RecycledRule",
    "RollingRow",
    "percent",
    "percentage_claim",
    "rolling_percentages",
    "volumes",
]

MAX_SIMPLE_PERIOD_MONTHS: Final = 3
"""The longest claim period the simple percentage may use."""
MAX_ROLLING_MONTHS: Final = 12
"""The rolling percentage may span at most this many months of prior periods."""

_CENT: Final = Decimal("0.01")


class RecycledRule(StrEnum):
    """How recycled content enters the percentage."""

    COUNTED = "counted"
    """As certified content."""
    NEUTRAL = "neutral"
    """In neither sum."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """An accepted receipt of one product group's input, in the group's unit."""

    quantity: Decimal
    claim: SupplierClaim


def volumes(
    deliveries: Iterable[Delivery], recycled: RecycledRule = RecycledRule.COUNTED
) -> tuple[Decimal, Decimal]:
    """(Vc, Vo) of `deliveries`: certified content and other raw material.

    >>> from station.domain.claims.categories import parse_claim
    >>> volumes([Delivery(Decimal(50), parse_claim("SFI 60% Certified Forest Content"))])
    (Decimal('30.0'), Decimal('20.0'))
    """
    vc = vo = Decimal(0)
    for delivery in deliveries:
        if delivery.claim.recycled:
            if recycled is RecycledRule.COUNTED:
                vc += delivery.quantity
            continue
        certified = delivery.quantity * delivery.claim.certified_share
        vc += certified
        vo += delivery.quantity - certified
    return vc, vo


def percent(vc: Decimal, vo: Decimal) -> Decimal:
    """100 * Vc / (Vc + Vo), to the hundredth (0 when nothing was procured)."""
    total = vc + vo
    if total == 0:
        return Decimal("0.00")
    return (Decimal(100) * vc / total).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class RollingRow:
    """One period of a rolling percentage: its own volumes, the window's sums, Pc."""

    period: int
    vc: Decimal
    vo: Decimal
    vc_window: Decimal
    vo_window: Decimal
    percent: Decimal


def rolling_percentages(
    periods: Sequence[tuple[Decimal, Decimal]], window: int
) -> list[RollingRow]:
    """The rolling percentage of each period over the last `window` periods (itself included)."""
    if window < 1:
        raise ValueError("a rolling window covers at least one period")
    rows = []
    for index in range(len(periods)):
        span = periods[max(0, index - window + 1) : index + 1]
        vc_sum = sum((vc for vc, _ in span), Decimal(0))
        vo_sum = sum((vo for _, vo in span), Decimal(0))
        vc, vo = periods[index]
        rows.append(RollingRow(index + 1, vc, vo, vc_sum, vo_sum, percent(vc_sum, vo_sum)))
    return rows


def percentage_claim(pc: Decimal) -> str:
    """The claim a product group at `pc` percent may make on what it sells.

    At or above the label threshold the claim may carry the label; below it the
    actual percentage is stated. The figure is rounded down: a claim never states more
    than the inputs support.
    """
    whole = pc.quantize(Decimal(1), rounding=ROUND_DOWN)
    text = f"SFI {whole}% Certified Forest Content"
    if pc < LABEL_THRESHOLD:
        return f"{text} (below {LABEL_THRESHOLD}%: no label)"
    return text
