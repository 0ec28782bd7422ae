"""Where a lot stands: its status and what the store knows of it when it is to be used.

The store keeps each lot's status and how much of it is left; a transformation
(`station.domain.lots.transform_rules`) may only take from a lot that is here,
available, and not used up. `LotState` is that record, as the rules see it.

    >>> lot = LotState("L1", gtin=None, product=None, quantity=Decimal(100), uom="EA",
    ...                consumed=Decimal(40), status=LotStatus.AVAILABLE)
    >>> lot.remaining
    Decimal('60')
    >>> LotState.unknown("L9").status
    <LotStatus.UNKNOWN: 'unknown'>
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = ["LotState", "LotStatus"]


class LotStatus(StrEnum):
    """Where a lot stands; only `AVAILABLE` lots can be transformed."""

    AVAILABLE = "available"
    QUARANTINED = "quarantined"
    REJECTED = "rejected"
    SHIPPED = "shipped"
    CONSUMED = "consumed"
    UNKNOWN = "unknown"
    """The store has no record of the lot (see `LotState.unknown`)."""


@dataclass(frozen=True, slots=True)
class LotState:
    """What the store knows of one parent lot (or unit) at the time of the transformation."""

    lot_id: str
    """The lot's identifier: a lot number, an item key or an SSCC."""

    gtin: str | None
    """14-digit GTIN of its product, when known."""

    product: str | None
    """Description of the product, for people."""

    quantity: Decimal
    """How much the lot held when it was received or made, in `uom`."""

    uom: str
    """Unit of measure of every quantity of the lot."""

    consumed: Decimal
    """How much earlier transformations or shipments have taken from it."""

    status: str
    """A `LotStatus` value; any other text is refused as a status the station does not know."""

    @property
    def remaining(self) -> Decimal:
        """What is left to take: `quantity` less `consumed`."""
        return self.quantity - self.consumed

    @classmethod
    def unknown(cls, lot_id: str) -> LotState:
        """A lot the store has no record of, so that the plan names it among its problems."""
        return cls(lot_id, None, None, Decimal(0), "", Decimal(0), LotStatus.UNKNOWN)
