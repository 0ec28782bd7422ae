"""The claims and mass-balance board: what a supervisor checks before signing a claim.

Per product group and claim period, the mass balance (opening, in, out in input
units, closing, the unexplained difference, flagged beyond tolerance) and the claim
the period allows (percentage, or the credit account's balance). It reads the log
through the claims ledger and records nothing; Ctrl+R reads it again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static

from station.domain.claims.ledger import build_ledger
from station.domain.claims.report import balance_rows, claims_rows
from station.domain.printable import printable
from station.tui.screens.base import StationScreen


def _q(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.quantize(Decimal('0.01')):f}"


class ClaimsScreen(StationScreen):
    """Mass balance and claims per product group and period."""

    DEFAULT_CSS = """
    ClaimsScreen #claims-title { height: 1; background: $primary-darken-2; }
    ClaimsScreen DataTable { height: 1fr; }
    ClaimsScreen #claims-note { height: auto; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+b", "app.pop_screen", "Back"),
        Binding("ctrl+r", "refresh", "Read again"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(" CLAIMS AND MASS BALANCE", style="bold"), id="claims-title")
            yield DataTable[str](id="balance-table", cursor_type="row", zebra_stripes=True)
            yield DataTable[str](id="claims-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="claims-note")
        yield Footer()

    def on_mount(self) -> None:
        balance = self.query_one("#balance-table", DataTable)
        balance.add_columns("group", "period", "opening", "in", "out", "closing", "unexplained")
        claims = self.query_one("#claims-table", DataTable)
        claims.add_columns("group", "period", "Vc", "Vo", "claim or credit balance")
        self.action_refresh()

    def action_refresh(self) -> None:
        """Read the ledger from the log again and fill both tables."""
        settings = self.station.config.claims
        note = self.query_one("#claims-note", Static)
        balance = self.query_one("#balance-table", DataTable)
        claims = self.query_one("#claims-table", DataTable)
        balance.clear()
        claims.clear()
        groups = dict(settings.product_groups)
        if not groups:
            note.update(
                "No product groups are configured: add [[claims.product_groups]] to the "
                "config (README, 'Claims and mass balance')."
            )
            return
        ledger = build_ledger(self.station.claims.aggregates(), settings)
        flagged = 0
        for row in balance_rows(ledger, groups, settings.mass_balance_tolerance):
            b = row.balance
            style = "bold red" if b.flagged else ""
            flagged += b.flagged
            balance.add_row(
                printable(row.group, 16),
                row.period,
                _q(b.opening),
                _q(b.received_total),
                _q(b.shipped_input),
                _q(b.closing),
                Text(_q(b.unexplained) + (" !" if b.flagged else ""), style=style),
            )
        for c in claims_rows(ledger, groups):
            if c.credit is not None:
                said = f"balance {_q(c.credit.account - c.credit.used)}"
                if c.uncovered:
                    said += f", {_q(c.uncovered)} not covered"
            else:
                said = c.claim or "physical separation"
            claims.add_row(
                printable(c.group, 16), c.period, _q(c.certified), _q(c.other), printable(said, 60)
            )
        note.update(
            f"{flagged} period(s) with an unexplained difference over "
            f"{settings.mass_balance_tolerance * 100:.0f}% (marked !)."
            if flagged
            else "Every period balances within tolerance."
        )
