"""Keeps ``claim_entries`` up to date: the rows the claims reports sum.

The rule of what an event adds is `station.domain.claims.entries`; this only stores
it, and lets a released hold's pending receipts count in the month of its release.
"""

from __future__ import annotations

import sqlite3
from decimal import ROUND_HALF_EVEN, Decimal

from station.domain.claims.entries import entries_of, released_units
from station.domain.events import StoredEvent

_MICRO = Decimal(1_000_000)


def micro(value: Decimal) -> int:
    """`value` in millionths, rounded half to even past the sixth decimal."""
    return int((value * _MICRO).to_integral_value(rounding=ROUND_HALF_EVEN))


class ClaimProjector:
    """Adds the claim entries of receipts and releases; counts released holds."""

    def apply(self, conn: sqlite3.Connection, stored: StoredEvent) -> None:
        for entry in entries_of(stored):
            row = (entry.group, entry.month, entry.direction, entry.category)
            amounts = (micro(entry.quantity), micro(entry.certified))
            conn.execute(
                "INSERT INTO claim_entries (seq, unit_id, group_name, month, direction,"
                " category, quantity_micro, certified_micro, pending)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.seq, entry.unit_id, *row, *amounts, int(entry.pending)),
            )
            if not entry.pending:
                _count(conn, row, amounts, entry.seq)
        units = released_units(stored)
        if not units:
            return
        month = stored.event.recorded_at.strftime("%Y-%m")
        for unit in units:
            held = conn.execute(
                "SELECT rowid, seq, group_name, direction, category, quantity_micro,"
                " certified_micro"
                " FROM claim_entries WHERE unit_id = ? AND pending = 1",
                (unit,),
            ).fetchall()
            for rowid, seq, group, direction, category, quantity, certified in held:
                _count(conn, (group, month, direction, category), (quantity, certified), seq)
                conn.execute(
                    "UPDATE claim_entries SET pending = 0, month = ?, released_seq = ?"
                    " WHERE rowid = ?",
                    (month, stored.seq, rowid),
                )


def _count(
    conn: sqlite3.Connection, row: tuple[str, str, str, str], amounts: tuple[int, int], seq: int
) -> None:
    conn.execute(
        "INSERT INTO claim_months (group_name, month, direction, category, quantity_micro,"
        " certified_micro, entries, first_seq, last_seq) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)"
        " ON CONFLICT (group_name, month, direction, category) DO UPDATE SET"
        " quantity_micro = quantity_micro + excluded.quantity_micro,"
        " certified_micro = certified_micro + excluded.certified_micro,"
        " entries = entries + 1, last_seq = max(last_seq, excluded.last_seq),"
        " first_seq = min(first_seq, excluded.first_seq)",
        (*row, *amounts, seq, seq),
    )
