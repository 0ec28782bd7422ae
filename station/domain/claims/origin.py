"""The category of origin a manifest line declares: the supplier's claim, its certificate,
the HS code and the EUDR due-diligence data, kept as the supplier gave them.

Part of a unit's moving data: receiving checks it against the certificate register
and the site's EUDR scope, the trace and the provenance report show it, and a
releasing station writes the claim its inputs support into its outbound manifest.

>>> origin = Origin(claim="SFI 72% Certified Forest Content", certificate="SFI-00042")
>>> origin.supplier_claim.certified_share
Decimal('0.72')
>>> Origin.from_dict(origin.as_dict()) == origin
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from station.domain.claims.categories import OTHER_MATERIAL, SupplierClaim, parse_claim

__all__ = ["ORIGIN_KEYS", "Origin"]

ORIGIN_KEYS = ("claim", "certificate", "hs_code", "eudr")


@dataclass(frozen=True, slots=True)
class Origin:
    """A content line's declared origin."""

    claim: str | None = None
    """The claim text as printed on the supplier's documents (None: no claim)."""
    certificate: str | None = None
    """The supplier's chain-of-custody certificate code."""
    hs_code: str | None = None
    """Harmonised System code of the product, for the site's EUDR scope."""
    eudr: Mapping[str, Any] | None = None
    """EUDR data: country, geolocation (GeoJSON), species, production, dds_references."""

    @property
    def supplier_claim(self) -> SupplierClaim:
        """The claim, read (a claim the manifest carried was read at import)."""
        return parse_claim(self.claim) if self.claim else OTHER_MATERIAL

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as in ``config/manifest.schema.json``."""
        return {
            "claim": self.claim,
            "certificate": self.certificate,
            "hs_code": self.hs_code,
            "eudr": None if self.eudr is None else dict(self.eudr),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Origin:
        """The inverse of `as_dict`, for values the station stored itself."""
        eudr = data.get("eudr")
        return cls(
            claim=data.get("claim"),
            certificate=data.get("certificate"),
            hs_code=data.get("hs_code"),
            eudr=dict(eudr) if isinstance(eudr, Mapping) else None,
        )
