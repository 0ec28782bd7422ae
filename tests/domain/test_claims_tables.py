"""The percentage and credit methods against the worked tables of the 2024 module (seed 003).

Table 2 (three-month rolling percentage) and Table 4 (drawdown) are reproduced exactly.

Table 3 (credit accumulation, 12-month cap) is checked against the rule of clause
3.5.7 / the table's own column formulas, with these inconsistencies in the source:

1. Its column 2 values are rounded to the hundredth, so sums drift by up to 0.02
   (e.g. months 1-13 sum to 133.59, the table prints 133.61): rows are compared to
   the hundredth within 0.03.
2. The worked text for month 15 subtracts 5 tons used in month 14 (141.50 - 5 +
   16.38 = 152.88); the table shows 0 used in month 14. Either way the cap (149.72)
   applies, so row 15 is the same under both readings; the test checks both.
3. Column 4's header formula sums months 1..i-1, but the text sums the last 12
   months including the current one (months 4-15 for month 15). The rule follows the
   text; the header formula would give 141.50 - 0 for month 15, not 149.72.
4. Month 18's maximum (93.13) does not follow its own rule: the credits entered in
   months 7-18 sum to 175.27. The account (93.13) does follow the rule.
5. Month 18 uses 100 credits with 93.13 in the account: the account would go
   negative, which the rule refuses (INSUFFICIENT_CREDITS).

Rows 1-17 reproduce; row 18's account reproduces, its maximum and use do not.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.claims.credit_account import (
    InsufficientCredits,
    Ratio,
    credit_ledger,
    drawdown,
)
from station.domain.claims.percentage import rolling_percentages

D = Decimal

TABLE_2 = [  # period, Vc, Vo, Vc(3), Vo(3), Pc(3)
    (1, 11, 90, 11, 90, "10.89"),
    (2, 12, 90, 23, 180, "11.33"),
    (3, 13, 90, 36, 270, "11.76"),
    (4, 14, 90, 39, 270, "12.62"),
    (5, 15, 90, 42, 270, "13.46"),
    (6, 16, 90, 45, 270, "14.29"),
    (7, 17, 90, 48, 270, "15.09"),
    (8, 18, 90, 51, 270, "15.89"),
    (9, 19, 90, 54, 270, "16.67"),
    (10, 20, 90, 57, 270, "17.43"),
    (11, 21, 90, 60, 270, "18.18"),
]

TABLE_3 = [  # month, credit [2], account [3], maximum [4], used [5]
    (1, "0", "0", "0", "0"),
    (2, "7.78", "7.78", "7.78", "0"),
    (3, "8.17", "15.95", "15.95", "0"),
    (4, "8.56", "24.51", "24.51", "0"),
    (5, "9.28", "33.79", "33.79", "0"),
    (6, "9.99", "43.78", "43.78", "0"),
    (7, "10.70", "54.48", "54.48", "0"),
    (8, "11.41", "65.89", "65.89", "0"),
    (9, "12.12", "78.01", "78.01", "0"),
    (10, "12.83", "90.84", "90.84", "0"),
    (11, "13.54", "104.39", "104.39", "0"),
    (12, "14.25", "118.64", "118.64", "0"),
    (13, "14.96", "133.61", "133.61", "0"),
    (14, "15.68", "141.50", "141.50", "0"),
    (15, "16.38", "149.72", "149.72", "10"),
    (16, "17.09", "156.81", "158.25", "50"),
    (17, "17.80", "124.62", "166.78", "50"),
    (18, "18.51", "93.13", "93.13", "100"),
]

TABLE_4 = [  # balance, product, ratio, certified sales, reduction
    (200, "A", (1, 1), 20, 20),
    (180, "B", (4, 1), 40, 160),
    (20, "C", (2, 1), 10, 20),
]


def test_table_2_three_month_rolling_percentage_to_the_hundredth() -> None:
    rows = rolling_percentages([(D(vc), D(vo)) for _, vc, vo, *_ in TABLE_2], window=3)
    got = [(r.period, r.vc, r.vo, r.vc_window, r.vo_window, str(r.percent)) for r in rows]
    assert got == [(p, D(a), D(b), D(c), D(d), pc) for p, a, b, c, d, pc in TABLE_2]


def _close(a: Decimal, b: str) -> bool:
    return abs(a - D(b)) <= D("0.03")


def test_table_3_rows_1_to_17_follow_the_rule_with_a_12_month_window() -> None:
    credits = [D(c) for _, c, *_ in TABLE_3[:17]]
    used = [D(u) for *_, u in TABLE_3[:17]]
    rows = credit_ledger(credits, used, window=12)
    for row, (month, _, account, maximum, _) in zip(rows, TABLE_3, strict=False):
        assert _close(row.account, account), (month, row.account, account)
        assert _close(row.maximum, maximum), (month, row.maximum, maximum)
    assert [r.period for r in rows if r.capped] == [14, 15]


def test_table_3_month_15_is_capped_whichever_month_14_use_is_read() -> None:
    credits = [D(c) for _, c, *_ in TABLE_3[:15]]
    for used_14 in (D(0), D(5)):  # the table's 0, the worked text's 5
        used = [D(0)] * 13 + [used_14, D(10)]
        assert _close(credit_ledger(credits, used, window=12)[14].account, "149.72")


def test_table_3_month_18_account_follows_the_rule_but_not_its_maximum_or_use() -> None:
    credits = [D(c) for _, c, *_ in TABLE_3]
    used = [D(u) for *_, u in TABLE_3[:17]] + [D(0)]
    row_18 = credit_ledger(credits, used, window=12)[17]
    assert _close(row_18.account, "93.13")
    assert row_18.maximum == D("175.27")  # the table prints 93.13
    with pytest.raises(InsufficientCredits, match=r"holds 93\.1"):
        credit_ledger(credits, [D(u) for *_, u in TABLE_3], window=12)


def test_a_24_month_window_caps_later_than_12() -> None:
    credits = [D(c) for _, c, *_ in TABLE_3[:17]]
    used = [D(u) for *_, u in TABLE_3[:17]]
    rows = credit_ledger(credits, used, window=24)
    assert not any(r.capped for r in rows)
    assert rows[14].account == sum(credits[:15], D(0)) == D("165.65")  # months 1-15, uncapped


def test_table_4_drawdown_exactly() -> None:
    balance = D(TABLE_4[0][0])
    for start, _product, (inp, out), sold, reduction in TABLE_4:
        assert balance == D(start)
        taken = drawdown(balance, D(sold), Ratio(inp, out))
        assert taken == D(reduction)
        balance -= taken
    assert balance == 0


def test_a_sale_the_account_cannot_cover_is_refused_with_balance_and_ask() -> None:
    with pytest.raises(InsufficientCredits) as caught:
        drawdown(D(20), D(11), Ratio(2, 1))
    assert caught.value.balance == D(20) and caught.value.needed == D(22)
    assert "INSUFFICIENT_CREDITS" in str(caught.value)


_amounts = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)


@given(
    periods=st.lists(st.tuples(_amounts, _amounts), min_size=1, max_size=40),
    window=st.integers(min_value=1, max_value=24),
)
def test_the_account_never_goes_negative_nor_over_its_cap_and_every_sale_is_backed(
    periods: list[tuple[Decimal, Decimal]], window: int
) -> None:
    credits = [c for c, _ in periods]
    account = last_used = D(0)
    used: list[Decimal] = []
    for index, (credit, asked) in enumerate(periods):
        cap = sum(credits[max(0, index - window + 1) : index + 1], D(0))
        account = min(account - last_used + credit, cap)
        # A sale asks for `asked`; only what the account holds may be drawn.
        try:
            taken = drawdown(account, asked, Ratio(1, 1))
        except InsufficientCredits:
            taken = D(0)
        used.append(taken)
        last_used = taken
    rows = credit_ledger(credits, used, window=window)
    for row in rows:
        assert row.account >= 0
        assert row.account <= row.maximum
        assert row.used <= row.account  # every certified unit sold is backed by credits
