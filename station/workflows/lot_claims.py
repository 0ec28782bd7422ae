"""The claim a new lot carries under physical separation: the lowest of its inputs.

Each received line's claim (what receiving verified it counts as) is kept with its
lot; a lot made here keeps the claim its transformation gave it. Certified material
keeps its claim only while it is not mixed: a merge or palletise of inputs with
different claims gives the new lots the lowest of them, and the operator is told so
when the lot is made. Groups on the percentage or credit method claim at sale time
from the period's figures, so their lots carry no claim of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from station.domain.claims.categories import Category, SupplierClaim
from station.domain.claims.product_groups import Method
from station.domain.claims.separation import claim_of_mixture
from station.domain.claims.settings import ClaimsSettings

__all__ = ["LotClaims", "lot_claims", "mixture_claim", "supplier_claim"]


class LotClaims(Protocol):
    """What the lots view tells about a lot's claim and parents."""

    def parents(self, lot_id: str) -> list[str]: ...

    def claim_of(self, lot_id: str) -> dict[str, Any] | None: ...


def lot_claims(view: LotClaims, lot_id: str, depth: int = 0) -> list[dict[str, Any]]:
    """The claims a lot carries: its own, else those of everything it was made of."""
    own = view.claim_of(lot_id)
    if own is not None:
        return [own]
    if depth > 64:  # a genealogy this deep is corrupt, not a real lot
        return []
    return [c for parent in view.parents(lot_id) for c in lot_claims(view, parent, depth + 1)]


def mixture_claim(
    view: LotClaims, input_ids: Sequence[str], settings: ClaimsSettings
) -> tuple[dict[str, Any] | None, str | None]:
    """The claim new lots made from `input_ids` carry, and a note if it was lowered."""
    found = [c for lot_id in input_ids for c in lot_claims(view, lot_id)]
    if not found:
        return None, None
    groups = {str(c.get("group")) for c in found}
    group = settings.product_groups.get(next(iter(groups))) if len(groups) == 1 else None
    if group is None or group.method is not Method.PHYSICAL_SEPARATION:
        return None, None
    claims = [supplier_claim(c) for c in found]
    # An input without a claim of its own (no group) is other material too.
    if len(found) < len(input_ids):
        claims.append(SupplierClaim(Category.OTHER))
    mixed = claim_of_mixture(claims)
    claim = {
        "group": group.name,
        "category": mixed.claim.category.value,
        "certified_share": str(mixed.claim.certified_share),
        "claim": _text(found, mixed.claim),
        "verified": all(bool(c.get("verified")) for c in found),
    }
    return claim, mixed.note


def supplier_claim(claim: dict[str, Any]) -> SupplierClaim:
    """A stored claim (as receiving recorded it) as a `SupplierClaim`."""
    category = Category(str(claim.get("category") or Category.OTHER.value))
    share = Decimal(str(claim.get("certified_share") or 0))
    return SupplierClaim(category, share * 100 if category is Category.CERTIFIED else Decimal(0))


def _text(found: list[dict[str, Any]], lowest: SupplierClaim) -> str | None:
    for claim in found:
        if supplier_claim(claim) == lowest:
            return claim.get("claim")
    return None
