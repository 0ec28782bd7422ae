"""Monthly sums of the claim entries, for the claims ledger (`build_ledger`)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from station.domain.claims.entries import Aggregate

_MICRO = Decimal(1_000_000)


class SqliteClaimsView:
    """Reads ``claim_entries``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def aggregates(self, *, with_events: bool = False) -> list[Aggregate]:
        """Counted entries summed per group, month, direction and category.

        The sums are kept as entries are counted, so this reads a few rows; the list of
        every event behind each sum (`with_events`) reads every entry.
        """
        rows = self._conn.execute(
            "SELECT group_name, month, direction, category, quantity_micro, certified_micro,"
            " entries, first_seq, last_seq FROM claim_months"
            " ORDER BY group_name, month, direction, category"
        ).fetchall()
        events = self._events() if with_events else {}
        return [
            Aggregate(
                group,
                month,
                direction,
                category,
                Decimal(quantity) / _MICRO,
                Decimal(certified) / _MICRO,
                events.get((group, month, direction, category), ()),
                entries,
                first,
                last,
            )
            for group, month, direction, category, quantity, certified, entries, first, last in rows
        ]

    def _events(self) -> dict[tuple[str, str, str, str], tuple[int, ...]]:
        rows = self._conn.execute(
            "SELECT group_name, month, direction, category,"
            " group_concat(seq || coalesce(',' || released_seq, ''))"
            " FROM claim_entries WHERE pending = 0 GROUP BY group_name, month, direction, category"
        )
        return {
            (g, m, d, c): tuple(sorted({int(s) for s in seqs.split(",")}))
            for g, m, d, c, seqs in rows
        }
