"""The claims report and the mass balance of each product group, from the claims ledger.

Percentage groups: Vc, Vo and the percentage of each claim period (simple, or rolling
over the configured number of prior periods) with the claim it allows. Credit groups:
the account period by period: credits entered (the certified input), the cap over the
window, certified output drawn down by its input/output ratio, the balance, and any
output the account could not cover. Mass balance: opening book stock, what came in by
category, what went out in input units, the closing book stock; a negative book stock
(more left than came in: units shipped that were never received) is the unexplained
difference, flagged beyond the configured tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from station.domain.claims.credit_account import CreditRow, credit_ledger
from station.domain.claims.ledger import GroupPeriod, Ledger
from station.domain.claims.mass_balance import MassBalance, mass_balance
from station.domain.claims.percentage import percentage_claim, rolling_percentages
from station.domain.claims.product_groups import Method, ProductGroup

__all__ = ["BalanceRow", "ClaimsRow", "balance_rows", "claims_rows"]


@dataclass(frozen=True, slots=True)
class ClaimsRow:
    """One product group's claim period."""

    group: str
    method: str
    period: str
    certified: Decimal
    other: Decimal
    percent: Decimal | None
    claim: str | None
    credit: CreditRow | None
    uncovered: Decimal
    sources: tuple[int, ...]
    """Every event behind the figures, when they were listed."""
    span: tuple[int, int, int] = (0, 0, 0)
    """How many claim lines the figures sum, and the first and last event behind them."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form (decimals as strings)."""
        credit = self.credit
        return {
            "group": self.group,
            "method": self.method,
            "period": self.period,
            "certified": str(self.certified),
            "other": str(self.other),
            "percent": None if self.percent is None else str(self.percent),
            "claim": self.claim,
            "credits_entered": None if credit is None else str(credit.credit),
            "account": None if credit is None else str(credit.account),
            "cap": None if credit is None else str(credit.maximum),
            "drawn": None if credit is None else str(credit.used),
            "balance": None if credit is None else str(credit.account - credit.used),
            "uncovered": str(self.uncovered),
            "events": _events(self.span, self.sources),
        }


def _events(span: tuple[int, int, int], listed: tuple[int, ...]) -> dict[str, Any]:
    count, first, last = span
    data: dict[str, Any] = {"count": count, "first": first, "last": last}
    if listed:
        data["seqs"] = list(listed)
    return data


def claims_rows(ledger: Ledger, groups: dict[str, ProductGroup]) -> list[ClaimsRow]:
    """Every group's claim periods, in order."""
    rows: list[ClaimsRow] = []
    for name, group in groups.items():
        periods = ledger.of(name)
        if group.method is Method.CREDIT:
            rows.extend(_credit_rows(group, periods))
        else:
            rows.extend(_percentage_rows(group, periods))
    return rows


def _percentage_rows(group: ProductGroup, periods: list[GroupPeriod]) -> list[ClaimsRow]:
    window = group.rolling_periods or 1
    rolling = rolling_percentages([(p.certified, p.other) for p in periods], window)
    separated = group.method is Method.PHYSICAL_SEPARATION
    return [
        ClaimsRow(
            group=group.name,
            method=group.method.value,
            period=p.period,
            certified=p.certified,
            other=p.other,
            percent=None if separated else r.percent,
            claim=None if separated else percentage_claim(r.percent),
            credit=None,
            uncovered=Decimal(0),
            sources=tuple(p.sources),
            span=(p.entries, p.first_seq, p.last_seq),
        )
        for p, r in zip(periods, rolling, strict=True)
    ]


def _credit_rows(group: ProductGroup, periods: list[GroupPeriod]) -> list[ClaimsRow]:
    credits = [p.certified for p in periods]
    # Credits enter before the period's sales; what the account cannot cover is not drawn.
    used: list[Decimal] = []
    uncovered: list[Decimal] = []
    account = last = Decimal(0)
    for index, period in enumerate(periods):
        window = credits[max(0, index - group.credit_window_months + 1) : index + 1]
        account = min(account - last + credits[index], sum(window, Decimal(0)))
        drawn = min(period.shipped_input, account)
        used.append(drawn)
        uncovered.append(period.shipped_input - drawn)
        last = drawn
    ledger = credit_ledger(credits, used, window=group.credit_window_months)
    return [
        ClaimsRow(
            group=group.name,
            method=group.method.value,
            period=p.period,
            certified=p.certified,
            other=p.other,
            percent=None,
            claim="100% from the credit account" if row.used else None,
            credit=row,
            uncovered=short,
            sources=tuple(p.sources),
            span=(p.entries, p.first_seq, p.last_seq),
        )
        for p, row, short in zip(periods, ledger, uncovered, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One product group's mass balance for one claim period."""

    group: str
    unit: str
    period: str
    balance: MassBalance
    sources: tuple[int, ...]
    span: tuple[int, int, int] = (0, 0, 0)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (decimals as strings)."""
        b = self.balance
        return {
            "group": self.group,
            "unit": self.unit,
            "period": self.period,
            "opening": str(b.opening),
            "received": {k: str(v) for k, v in sorted(b.received.items())},
            "shipped": str(b.shipped_input),
            "losses": str(b.losses),
            "closing": str(b.closing),
            "unexplained": str(b.unexplained),
            "flagged": b.flagged,
            "events": _events(self.span, self.sources),
        }


def balance_rows(
    ledger: Ledger, groups: dict[str, ProductGroup], tolerance: Decimal
) -> list[BalanceRow]:
    """Every group's mass balance per claim period, the book stock carried forward."""
    rows: list[BalanceRow] = []
    for name, group in groups.items():
        stock = Decimal(0)
        for period in ledger.of(name):
            received = dict(period.received)
            book = stock + sum(received.values(), Decimal(0)) - period.shipped_input - period.losses
            # Stock cannot be negative: what left beyond what was there came from nowhere.
            closing = max(book, Decimal(0))
            balance = mass_balance(
                opening=stock,
                received=received,
                shipped_input=period.shipped_input,
                losses=period.losses,
                closing=closing,
                tolerance=tolerance,
            )
            rows.append(
                BalanceRow(
                    name,
                    group.unit,
                    period.period,
                    balance,
                    tuple(period.sources),
                    (period.entries, period.first_seq, period.last_seq),
                )
            )
            stock = closing
    return rows
