"""Origin risk rules: places of manufacture and vendors that need a closer look.

Forced-labour import presumptions and deforestation rules make certain origins
high-risk. A rule matches a country (ISO 3166-1 alpha-2) or a region (ISO 3166-2);
a restricted vendor matches by name, case- and space-insensitively, and hidden
characters (zero-width, bidi, controls) do not make a name differ: a vendor name is
free text, stored as given, so ``Example\u200bTrading`` must still match.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from station.domain.manifest.model import Place


@dataclass(frozen=True, slots=True)
class RiskRule:
    """One high-risk origin."""

    reason: str
    country: str | None = None
    region: str | None = None

    def matches(self, place: Place | None) -> bool:
        """Whether `place` lies in this rule's country or region."""
        if place is None:
            return False
        if self.region is not None:
            return (place.region or "").upper() == self.region.upper()
        if self.country is not None:
            return (place.country or "").upper() == self.country.upper()
        return False

    def describe(self) -> str:
        """The rule's scope in words."""
        return f"region {self.region}" if self.region else f"country {self.country}"


@dataclass(frozen=True, slots=True)
class RestrictedVendor:
    """A vendor that may not be received without review."""

    name: str
    reason: str

    def matches(self, vendor: str | None) -> bool:
        """Whether `vendor` names this restricted vendor."""
        return vendor is not None and _fold(vendor) == _fold(self.name)


@dataclass(frozen=True, slots=True)
class RiskPolicy:
    """Every origin rule and restricted vendor of a station."""

    rules: tuple[RiskRule, ...] = ()
    restricted_vendors: tuple[RestrictedVendor, ...] = ()


def _fold(name: str) -> str:
    shown = "".join(char for char in name if char.isprintable() or char.isspace())
    return " ".join(unicodedata.normalize("NFKC", shown).casefold().split())
