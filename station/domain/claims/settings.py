"""A site's claims settings: product groups, which products are EUDR-relevant, and the
rules for unverified claims, controversial sources, tolerance and retention."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from station.domain.claims.certificates import CertificateRegister
from station.domain.claims.product_groups import ProductGroup

__all__ = ["MIN_RETENTION_YEARS", "ClaimsSettings", "EudrScope"]

MIN_RETENTION_YEARS: Final = 3
"""Records are kept at least this long (the chain-of-custody standard's records clause)."""


@dataclass(frozen=True, slots=True)
class EudrScope:
    """Which products need EUDR due-diligence data: by GTIN, product group or HS code."""

    gtins: frozenset[str] = frozenset()
    product_groups: frozenset[str] = frozenset()
    hs_codes: tuple[str, ...] = ()
    """HS code prefixes (e.g. "4407" for sawn wood)."""

    def covers(self, *, gtin: str | None, group: str | None, hs_code: str | None) -> bool:
        """Whether a product with these keys is EUDR-relevant."""
        if gtin is not None and gtin in self.gtins:
            return True
        if group is not None and group in self.product_groups:
            return True
        return hs_code is not None and any(hs_code.startswith(p) for p in self.hs_codes)


@dataclass(frozen=True, slots=True)
class ClaimsSettings:
    """The ``[claims]`` table."""

    product_groups: Mapping[str, ProductGroup] = field(default_factory=dict)
    certificate_register: str | None = None
    """Path of the certificate register file (CSV), relative to the config file."""
    register: CertificateRegister = field(default_factory=lambda: CertificateRegister(()))
    """The register read from that file (empty without one: no claim verifies)."""
    quarantine_unverified: bool = False
    """Whether a claim that cannot be verified also puts the unit on hold."""
    eudr: EudrScope = field(default_factory=EudrScope)
    controversial_sources: tuple[str, ...] = ()
    """Vendor ids or names the site lists as controversial sources."""
    certificate: str | None = None
    """The site's own chain-of-custody certificate: no claim is written on what it ships
    without one."""
    eudr_claim: str = "Supporting EUDR Information Collection"
    """The EUDR claim the site may make on what it ships (or "Supporting EUDR Due
    Diligence", for a site certified to the risk-assessment requirements too)."""
    mass_balance_tolerance: Decimal = Decimal("0.02")
    retention_years: int = MIN_RETENTION_YEARS

    @property
    def enabled(self) -> bool:
        """Whether the site makes claims at all (it has product groups)."""
        return bool(self.product_groups)

    def group_of(self, product: str | None) -> ProductGroup | None:
        """The product group whose inputs or outputs include `product`."""
        if product is None:
            return None
        for group in self.product_groups.values():
            if product in group.inputs or product in group.outputs:
                return group
        return None
