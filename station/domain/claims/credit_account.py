"""The credit method: an account of certified input, capped, drawn down by sales.

Credits enter the account each claim period: the period's certified percentage times
its output volume, or its certified input times the conversion ratio. The account
never holds more than the credits entered during the configured window (the 2024
module's clause 3.5.7 a says 24 months; its worked Table 3 uses 12: both are a
setting). Certified sales draw it down by the input/output ratio of the product sold
(Table 4); a sale the balance cannot cover is refused with the balance and what was
asked.

>>> ledger = credit_ledger([Decimal(10), Decimal(20)], [Decimal(5), Decimal(0)], window=12)
>>> [(str(r.account), str(r.maximum)) for r in ledger]
[('10', '10'), ('25', '30')]
>>> drawdown(Decimal(180), Decimal(40), Ratio(4, 1))
Decimal('160')
>>> drawdown(Decimal(20), Decimal(40), Ratio(4, 1))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
station.domain.claims.credit_account.InsufficientCredits: INSUFFICIENT_CREDITS: 40 sold ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

__all__ = [
    "DEFAULT_WINDOW_MONTHS",
    "CreditRow",
    "InsufficientCredits",
    "Ratio",
    "credit_from_input",
    "credit_from_percentage",
    "credit_ledger",
    "drawdown",
]

DEFAULT_WINDOW_MONTHS: Final = 24
"""The 2024 module's cap window (clause 3.5.7 a)."""


class InsufficientCredits(ValueError):
    """A certified sale the credit account cannot cover."""

    def __init__(self, balance: Decimal, needed: Decimal, sold: Decimal, ratio: Ratio) -> None:
        self.balance, self.needed = balance, needed
        super().__init__(
            f"INSUFFICIENT_CREDITS: {sold} sold at {ratio} needs {needed} credits; "
            f"the account holds {balance}"
        )


@dataclass(frozen=True, slots=True)
class Ratio:
    """Input units per output units of one product (4/1: four tons of logs per ton sold)."""

    input: Decimal | int
    output: Decimal | int

    def __post_init__(self) -> None:
        if Decimal(self.input) <= 0 or Decimal(self.output) <= 0:
            raise ValueError(f"a conversion ratio is positive on both sides, not {self}")

    def __str__(self) -> str:
        return f"{Decimal(self.input).normalize():f}/{Decimal(self.output).normalize():f}"

    def to_input(self, output_quantity: Decimal) -> Decimal:
        """The input `output_quantity` of this product stands for."""
        return output_quantity * Decimal(self.input) / Decimal(self.output)

    def to_output(self, input_quantity: Decimal) -> Decimal:
        """The output `input_quantity` of input makes."""
        return input_quantity * Decimal(self.output) / Decimal(self.input)

    @property
    def exact(self) -> Fraction:
        """The ratio as an exact fraction (input per output)."""
        return Fraction(Decimal(self.input)) / Fraction(Decimal(self.output))


def credit_from_percentage(percent: Decimal, output_volume: Decimal) -> Decimal:
    """Credits a period enters from its certified percentage and output volume."""
    return percent / Decimal(100) * output_volume


def credit_from_input(certified_input: Decimal, ratio: Ratio) -> Decimal:
    """Credits a period enters from its certified input, converted to output."""
    return ratio.to_output(certified_input)


@dataclass(frozen=True, slots=True)
class CreditRow:
    """One claim period of the account, as the standard's Table 3 lays it out."""

    period: int
    credit: Decimal
    """[2] credits entered this period."""
    account: Decimal
    """[3] the account: last period's account, minus last period's use, plus [2], capped by [4]."""
    maximum: Decimal
    """[4] the cap: credits entered during the window, this period included."""
    used: Decimal
    """[5] credits drawn down by certified sales this period."""
    capped: bool
    """Whether the cap cut the account this period."""


def credit_ledger(
    credits: Sequence[Decimal], used: Sequence[Decimal], *, window: int
) -> list[CreditRow]:
    """The account period by period (Table 3's rule).

    Raises `InsufficientCredits` for a period that uses more than its account holds:
    the account never goes negative.
    """
    if len(credits) != len(used):
        raise ValueError("one credit and one use figure per period")
    if window < 1:
        raise ValueError("the cap window covers at least one period")
    rows: list[CreditRow] = []
    account = last_used = Decimal(0)
    for index, (credit, use) in enumerate(zip(credits, used, strict=True)):
        maximum = sum(credits[max(0, index - window + 1) : index + 1], Decimal(0))
        uncapped = account - last_used + credit
        account = min(uncapped, maximum)
        if use > account:
            raise InsufficientCredits(account, use, use, Ratio(1, 1))
        rows.append(CreditRow(index + 1, credit, account, maximum, use, uncapped > maximum))
        last_used = use
    return rows


def drawdown(balance: Decimal, sold: Decimal, ratio: Ratio) -> Decimal:
    """Credits a certified sale of `sold` output at `ratio` removes from `balance`."""
    needed = ratio.to_input(sold)
    if needed > balance:
        raise InsufficientCredits(balance, needed, sold, ratio)
    return needed
