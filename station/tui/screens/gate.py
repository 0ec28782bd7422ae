"""The gate check screen: scan a unit, see in large letters whether it may leave.

For a forklift driver before loading or a guard at the gate. Every scan routed here
(`GateScreen.accept_scan`) is answered from the projections: RELEASED with the
shipment, bill of lading and seals, or NOT RELEASED with the reason. It only reads,
so it needs no login and records nothing.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, Static

from station.bootstrap import Station
from station.domain.printable import printable
from station.domain.scanning.scan import Scan
from station.tui.screens.base import EntryScreen
from station.workflows.gate import GateAnswer, gate_check


class GateScreen(EntryScreen):
    """Released or not, for any scanned unit."""

    DEFAULT_CSS = """
    GateScreen { layout: vertical; }
    GateScreen #gate-prompt { height: 1; background: $primary-darken-2; }
    GateScreen #gate-answer {
        height: 7;
        content-align: center middle;
        text-style: bold;
        background: $panel;
    }
    GateScreen #gate-answer.released { background: $success; color: $text; }
    GateScreen #gate-answer.not-released { background: $error; color: $text; }
    GateScreen #gate-details { height: 1fr; padding: 1 2; }
    GateScreen #gate-entry { height: 3; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f12", "app.pop_screen", "Back")]

    def __init__(self, station: Station) -> None:
        super().__init__(station)
        self.answer: GateAnswer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" GATE CHECK: scan any unit before loading"), id="gate-prompt")
        yield Static(Text("Scan a unit", justify="center"), id="gate-answer")
        yield Static(id="gate-details")
        yield Input(placeholder="Or type an SSCC or lot id and press Enter", id="gate-entry")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#gate-entry", Input).focus()

    def accept_scan(self, scan: Scan) -> None:
        """Answer for the unit `scan` names."""
        answer = gate_check(
            self.station.releases, scan.text, self.station.config.rules, scan.symbology
        )
        self.show(answer)

    def show(self, answer: GateAnswer) -> None:
        """Show `answer` big; details (shipment, BOL, seals or reasons) below."""
        self.answer = answer
        big = self.query_one("#gate-answer", Static)
        big.set_class(answer.released, "released")
        big.set_class(not answer.released, "not-released")
        label = "RELEASED" if answer.released else "NOT RELEASED"
        text = Text(justify="center")
        text.append(f"{label}\n\n", style="bold reverse")
        text.append(answer.headline)
        big.update(text)
        details = Text()
        details.append(f"Scanned: {answer.query}\n")
        if answer.released:
            details.append(f"Shipment {answer.shipment_id}", style="bold")
            details.append(
                f"  BOL {printable(answer.bill_of_lading or '-', 30)}"
                f"  seals {printable(', '.join(answer.seals) or '-', 60)}\n"
                f"Released {answer.released_at} by {answer.released_by or '?'}"
                f" (release {answer.release_id})"
            )
        else:
            details.append("Do not load. ", style="bold")
            details.append("Why: " + "; ".join(printable(r, 160) for r in answer.reasons))
        self.query_one("#gate-details", Static).update(details)
        if not answer.released:
            self.app.bell()
