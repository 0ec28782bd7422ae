"""Physical separation: certified material keeps its claim only while it is not mixed.

A merge or palletise of inputs with different claims gives its outputs the lowest
claim of its inputs, and says so, so the operator knows when the lot is made.

>>> from station.domain.claims.categories import parse_claim
>>> full = parse_claim("SFI 100% Certified Forest Content")
>>> part = parse_claim("SFI 60% Certified Forest Content")
>>> mixed = claim_of_mixture([full, part])
>>> mixed.claim.percent
Decimal('60')
>>> mixed.note.split(": ")[1]
'the lot carries the lowest, SFI 60% Certified Forest Content'
>>> claim_of_mixture([full, full]).note is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from station.domain.claims.categories import (
    OTHER_MATERIAL,
    Category,
    SupplierClaim,
    claim_text,
)

__all__ = ["Mixture", "claim_of_mixture"]

# From weakest to strongest; certified content ranks by its percentage.
_RANK = {
    Category.OTHER: 0,
    Category.CERTIFIED_SOURCING: 1,
    Category.PRE_CONSUMER_RECYCLED: 2,
    Category.POST_CONSUMER_RECYCLED: 2,
    Category.CERTIFIED: 3,
}


@dataclass(frozen=True, slots=True)
class Mixture:
    """The claim a lot made from several inputs carries, and a note when it was lowered."""

    claim: SupplierClaim
    note: str | None


def claim_of_mixture(claims: Sequence[SupplierClaim]) -> Mixture:
    """The lowest of `claims` (no inputs: other material), with a note if they differed."""
    if not claims:
        return Mixture(OTHER_MATERIAL, None)
    lowest = min(claims, key=lambda c: (_RANK[c.category], c.percent))
    if all(c == lowest for c in claims):
        return Mixture(lowest, None)
    shown = claim_text(lowest) or "no claim (other material)"
    return Mixture(
        lowest, f"inputs with different claims were mixed: the lot carries the lowest, {shown}"
    )
