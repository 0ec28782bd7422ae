"""Product groups: which outputs come from which input, in one unit, by which method.

A product group names its output products (by GTIN or product code), its input raw
material, one measurement unit, and each output's conversion ratio (input per output,
manufacturing losses included); its method is physical separation, a percentage
(simple, over a claim period of at most three months, or rolling over prior periods
spanning at most twelve months) or credit (with a cap window in months).

>>> group = ProductGroup("spf", "SPF sawlogs", "t", {"LUMBER-A": Ratio(2, 1)},
...     Method.PERCENTAGE, period_months=1, rolling_periods=3)
>>> group.problems()
[]
>>> bad = ProductGroup("spf", "SPF", "t", {}, Method.PERCENTAGE, period_months=4)
>>> for problem in bad.problems():
...     print(problem)
product group spf: names no output products
product group spf: a simple percentage claim period is at most 3 months, not 4
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from station.domain.claims.credit_account import DEFAULT_WINDOW_MONTHS, Ratio
from station.domain.claims.percentage import (
    MAX_ROLLING_MONTHS,
    MAX_SIMPLE_PERIOD_MONTHS,
    RecycledRule,
)

__all__ = ["Method", "ProductGroup"]


class Method(StrEnum):
    """How a product group's claims are made."""

    PHYSICAL_SEPARATION = "physical_separation"
    PERCENTAGE = "percentage"
    CREDIT = "credit"


@dataclass(frozen=True, slots=True)
class ProductGroup:
    """One product group of the site's configuration."""

    name: str
    input_material: str
    unit: str
    outputs: Mapping[str, Ratio]
    """Output product -> input per output."""
    method: Method
    period_months: int = 1
    """The claim period."""
    rolling_periods: int = 0
    """Percentage only: prior periods the rolling percentage spans (0: simple)."""
    credit_window_months: int = DEFAULT_WINDOW_MONTHS
    recycled: RecycledRule = RecycledRule.COUNTED
    inputs: tuple[str, ...] = field(default=())
    """Input products (GTINs or codes) that count as this group's raw material."""

    def problems(self) -> list[str]:
        """What makes this group unusable (empty when it is sound)."""
        where = f"product group {self.name}"
        problems = []
        if not self.outputs:
            problems.append(f"{where}: names no output products")
        if not 1 <= self.period_months <= MAX_ROLLING_MONTHS:
            problems.append(f"{where}: a claim period is 1 to 12 months, not {self.period_months}")
        if self.method is Method.PERCENTAGE:
            if self.rolling_periods == 0 and self.period_months > MAX_SIMPLE_PERIOD_MONTHS:
                problems.append(
                    f"{where}: a simple percentage claim period is at most "
                    f"{MAX_SIMPLE_PERIOD_MONTHS} months, not {self.period_months}"
                )
            span = self.rolling_periods * self.period_months
            if span > MAX_ROLLING_MONTHS:
                problems.append(
                    f"{where}: a rolling percentage may span at most {MAX_ROLLING_MONTHS} "
                    f"months; {self.rolling_periods} periods of {self.period_months} months "
                    f"span {span}"
                )
        if self.method is Method.CREDIT and not 1 <= self.credit_window_months <= 24:
            problems.append(
                f"{where}: the credit window is 1 to 24 months, not {self.credit_window_months}"
            )
        return problems

    def ratio(self, product: str) -> Ratio | None:
        """Input per output of `product`, if it is one of this group's outputs."""
        return self.outputs.get(product)
