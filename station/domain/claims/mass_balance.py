"""The mass balance of a product group over a period: what came in against what went out.

In: accepted receipts, by category of origin, in the group's input unit. Out: what
was shipped, converted back to input units by each product's conversion ratio (or a
bill of materials: 72 cells per solar module is a ratio of 72/1). With the stock at
the start and end and the declared losses, what is left is the unexplained
difference, flagged when it is over the configured tolerance (a share of what came in).

>>> balance = mass_balance(opening=Decimal(10), received={"certified": Decimal(100)},
...     shipped_input=Decimal(80), losses=Decimal(5), closing=Decimal(20),
...     tolerance=Decimal("0.02"))
>>> balance.unexplained, balance.flagged
(Decimal('5'), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["MassBalance", "mass_balance"]


@dataclass(frozen=True, slots=True)
class MassBalance:
    """One product group's balance for one period, in its input unit."""

    opening: Decimal
    received: Mapping[str, Decimal]
    """By category of origin."""
    shipped_input: Decimal
    losses: Decimal
    closing: Decimal
    tolerance: Decimal
    unexplained: Decimal
    """opening + received - shipped - losses - closing: positive means material went
    missing, negative means more left than came in (units shipped that were never received)."""
    flagged: bool

    @property
    def received_total(self) -> Decimal:
        """Everything received, whatever its category."""
        return sum(self.received.values(), Decimal(0))


def mass_balance(
    *,
    opening: Decimal,
    received: Mapping[str, Decimal],
    shipped_input: Decimal,
    losses: Decimal,
    closing: Decimal,
    tolerance: Decimal,
) -> MassBalance:
    """The balance; `tolerance` is the share (0.02 = 2%) of what came in it may miss by."""
    total_in = opening + sum(received.values(), Decimal(0))
    unexplained = total_in - shipped_input - losses - closing
    allowed = tolerance * total_in
    return MassBalance(
        opening,
        dict(received),
        shipped_input,
        losses,
        closing,
        tolerance,
        unexplained,
        abs(unexplained) > allowed,
    )
