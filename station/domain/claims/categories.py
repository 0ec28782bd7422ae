"""The category of origin a supplier claims for a delivery, read from its claim text.

The claim texts are the ones a forest-products chain-of-custody standard prints on
sale documents; a claim names what share of the material is certified content:

>>> parse_claim("SFI 100% Certified Forest Content")
SupplierClaim(category=<Category.CERTIFIED: 'certified'>, percent=Decimal('100'))
>>> parse_claim("SFI 72% Certified Forest Content").certified_share
Decimal('0.72')
>>> parse_claim("SFI Certified Sourcing").category.value
'certified_sourcing'
>>> parse_claim("").category.value
'other'
>>> parse_claim("SFI 172% Certified Forest Content")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
station.domain.claims.categories.ClaimError: a claim of 172% certified content is not ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from station.domain.printable import printable

__all__ = [
    "LABEL_THRESHOLD",
    "Category",
    "ClaimError",
    "SupplierClaim",
    "claim_text",
    "parse_claim",
]

LABEL_THRESHOLD: Final = Decimal(70)
"""A percentage claim at or above this may carry the label; below it the actual
percentage is stated."""

_HUNDRED: Final = Decimal(100)


class ClaimError(ValueError):
    """A claim text the station cannot read, with what was wrong."""


class Category(StrEnum):
    """Categories of origin, as the percentage and credit methods count them."""

    CERTIFIED = "certified"
    """Certified content: all of it (100%) or the stated share."""
    CERTIFIED_SOURCING = "certified_sourcing"
    """From a certified sourcing programme: a controlled source, not certified content."""
    PRE_CONSUMER_RECYCLED = "pre_consumer_recycled"
    POST_CONSUMER_RECYCLED = "post_consumer_recycled"
    OTHER = "other"
    """No claim, or a claim the station could not verify: other raw material."""


@dataclass(frozen=True, slots=True)
class SupplierClaim:
    """What a delivery claims: its category and, for certified content, the percentage."""

    category: Category
    percent: Decimal = Decimal(0)

    @property
    def certified_share(self) -> Decimal:
        """The share (0 to 1) of the material that is certified content."""
        if self.category is Category.CERTIFIED:
            return self.percent / _HUNDRED
        return Decimal(0)

    @property
    def recycled(self) -> bool:
        """Whether the claim is recycled content (counted or neutral, as configured)."""
        return self.category in (Category.PRE_CONSUMER_RECYCLED, Category.POST_CONSUMER_RECYCLED)


OTHER_MATERIAL: Final = SupplierClaim(Category.OTHER)

_PERCENT_CLAIM = re.compile(
    r"^SFI\s+(?P<pct>\d{1,3}(?:\.\d{1,2})?)\s*%\s+Certified\s+Forest\s+Content$", re.IGNORECASE
)
_FIXED: Final[dict[str, Category]] = {
    "sfi certified sourcing": Category.CERTIFIED_SOURCING,
    "pre-consumer recycled content": Category.PRE_CONSUMER_RECYCLED,
    "post-consumer recycled content": Category.POST_CONSUMER_RECYCLED,
    "pre-consumer recycled": Category.PRE_CONSUMER_RECYCLED,
    "post-consumer recycled": Category.POST_CONSUMER_RECYCLED,
    "none": Category.OTHER,
    "no claim": Category.OTHER,
}


def parse_claim(text: str) -> SupplierClaim:
    """The claim a delivery's claim text makes; an empty text is no claim (other material)."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return OTHER_MATERIAL
    fixed = _FIXED.get(cleaned.lower())
    if fixed is not None:
        return SupplierClaim(fixed)
    match = _PERCENT_CLAIM.match(cleaned)
    if match is None:
        raise ClaimError(
            f"unknown claim {printable(cleaned, 60)!r}: expected e.g. 'SFI 100% Certified "
            "Forest Content', 'SFI 72% Certified Forest Content', 'SFI Certified Sourcing', "
            "'Pre-consumer recycled content', 'Post-consumer recycled content' or no claim"
        )
    try:
        percent = Decimal(match["pct"])
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ClaimError(f"unreadable percentage in {cleaned!r}") from None
    if not 0 < percent <= _HUNDRED:
        raise ClaimError(f"a claim of {percent}% certified content is not possible (0 to 100)")
    return SupplierClaim(Category.CERTIFIED, percent)


def claim_text(claim: SupplierClaim) -> str:
    """The claim as it is written on a sale document (the inverse of `parse_claim`).

    >>> claim_text(SupplierClaim(Category.CERTIFIED, Decimal("72.50")))
    'SFI 72.5% Certified Forest Content'
    """
    if claim.category is Category.CERTIFIED:
        return f"SFI {claim.percent.normalize():f}% Certified Forest Content"
    names = {
        Category.CERTIFIED_SOURCING: "SFI Certified Sourcing",
        Category.PRE_CONSUMER_RECYCLED: "Pre-consumer recycled content",
        Category.POST_CONSUMER_RECYCLED: "Post-consumer recycled content",
        Category.OTHER: "",
    }
    return names[claim.category]
