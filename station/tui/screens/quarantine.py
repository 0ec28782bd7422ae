"""The quarantine board: what is on hold, why, since when, and supervisor decisions.

A decision opens a form that asks for the deciding supervisor's own badge (scan it
or type it) and PIN at that moment, whoever is logged in at the dock.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Select, Static

from station.bootstrap import Station
from station.domain.printable import printable
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import BadgeCode
from station.domain.scanning.scan import Scan
from station.ports import HoldRecord
from station.tui.screens.base import StationScreen, table_with_detail
from station.workflows.quarantine import Credentials, Decision, DecisionResult, Disposition


def age(since: str, now: dt.datetime) -> str:
    """How long something has been on hold, in the largest sensible unit."""
    try:
        seconds = (now - dt.datetime.fromisoformat(since)).total_seconds()
    except ValueError:
        return "?"
    if seconds < 3600:
        return f"{max(0, int(seconds // 60))} min"
    if seconds < 172800:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


class QuarantineScreen(StationScreen):
    """Everything on hold; F2 note, F3 release, F4 reject the selected hold."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "decide('note')", "Note"),
        Binding("f3", "decide('release')", "Release"),
        Binding("f4", "decide('reject')", "Reject"),
        Binding("escape,f8", "app.pop_screen", "Back"),
    ]

    def __init__(self, station: Station) -> None:
        super().__init__(station)
        self.holds: list[HoldRecord] = []

    def compose(self) -> ComposeResult:
        yield from table_with_detail("Quarantine board", "board-title", "hold-table", "hold-detail")

    def on_mount(self) -> None:
        table = self.query_one("#hold-table", DataTable)
        table.add_columns("On hold", "Shipment", "Findings", "Age", "Placed by")
        self.refresh_holds()
        table.focus()

    def refresh_holds(self) -> None:
        """Reload the holds from the projections."""
        table = self.query_one("#hold-table", DataTable)
        table.clear()
        self.holds = self.station.view.holds()
        now = self.station.clock.now()
        title = Text("Quarantine board", style="bold")
        for operator, until in self.station.quarantine.lockouts():
            title.append(
                f"  PIN LOCKED: {printable(operator.name, 24)} ({printable(operator.badge, 16)})"
                f" until {until.strftime('%H:%M %Z').strip()}",
                style="bold red",
            )
        self.query_one("#board-title", Static).update(title)
        for hold in self.holds:
            codes = ", ".join(sorted({f.code.value for f in hold.findings}))
            table.add_row(
                Text(f"{hold.entity_kind} {printable(hold.entity_id, 24)}"),
                Text(printable(hold.shipment_id or "-", 24)),
                Text(printable(codes, 30), style="yellow"),
                Text(age(hold.since, now)),
                Text(printable(hold.placed_by or "-", 24)),
                key=f"{hold.entity_kind}:{hold.entity_id}",
            )
        self._show_detail()

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def selected(self) -> HoldRecord | None:
        """The hold under the cursor."""
        table = self.query_one("#hold-table", DataTable)
        if not self.holds or table.cursor_row >= len(self.holds):
            return None
        return self.holds[table.cursor_row]

    def _show_detail(self) -> None:
        hold = self.selected()
        detail = self.query_one("#hold-detail", Static)
        if hold is None:
            detail.update(Text("Nothing is on hold."))
            return
        text = Text()
        text.append(f"{hold.entity_kind} {printable(hold.entity_id)}", style="bold")
        text.append(f"  since {hold.since[:16]} by {hold.placed_by or '-'}\n")
        raisers = (*hold.raisers, *[None] * len(hold.findings))
        for finding, who in zip(hold.findings, raisers, strict=False):
            text.append(f"- {finding.code.value}: {finding.message}")
            text.append(f" (raised by {printable(who or '-', 24)})\n", style="dim")
        for action in self.station.view.hold_actions(hold.entity_kind, hold.entity_id):
            text.append(f"  {action.at[:16]} {action.action} by {action.operator_id}: ")
            text.append(printable(action.text, 120))
            if action.evidence:
                text.append(f" [evidence: {printable(action.evidence, 60)}]")
            text.append("\n")
        detail.update(text)

    def action_decide(self, name: str) -> None:
        hold = self.selected()
        if hold is None:
            self.app.bell()
            return
        self.app.push_screen(DecisionScreen(self.station, hold, Decision(name)), self._decided)

    def _decided(self, result: DecisionResult | None) -> None:
        if result is None:
            self.refresh_holds()  # wrong PINs on a cancelled form may have locked a badge
            return
        self.app.notify(
            result.message, severity="information" if result.events else "error", markup=False
        )
        if not result.events:
            self.app.bell()
        self.refresh_holds()


class DecisionScreen(ModalScreen[DecisionResult | None]):
    """The form for one decision: badge, PIN, reason, evidence, disposition."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Decide"),
    ]

    def __init__(self, station: Station, hold: HoldRecord, decision: Decision) -> None:
        super().__init__()
        self.station = station
        self.hold = hold
        self.decision = decision

    def compose(self) -> ComposeResult:
        prompt = {
            Decision.NOTE: "Note",
            Decision.RELEASE: "Release reason: how was provenance determined?",
            Decision.REJECT: "Rejection reason",
        }[self.decision]
        with Vertical(id="decision"):
            yield Static(
                Text(
                    f"{self.decision.value.upper()} {self.hold.entity_kind} "
                    f"{printable(self.hold.entity_id)}",
                    style="bold",
                )
            )
            yield Input(placeholder="Supervisor badge (scan or type)", id="badge")
            yield Input(placeholder="PIN", password=True, id="pin")
            if self.decision is Decision.REJECT:
                yield Select(
                    [
                        ("Return to vendor", Disposition.RETURN_TO_VENDOR),
                        ("Scrap", Disposition.SCRAP),
                    ],
                    prompt="Disposition",
                    id="disposition",
                )
            yield Input(placeholder=prompt, id="text")
            yield Input(placeholder="Evidence reference (document no., photo path)", id="evidence")
            yield Static(
                Text("Enter: next field / decide   Ctrl+S: decide   Esc: cancel", style="dim"),
                id="error",
            )

    def on_mount(self) -> None:
        self.query_one("#badge", Input).focus()

    def accept_badge(self, scan: Scan) -> None:
        """A scan while the form is open: a badge fills the badge field.

        Anything else (a PIN typed as fast as a scanner, or pasted) goes into the
        focused field as if typed, so a PIN never shows up in clear in the badge field.
        """
        text = scan.text.strip()
        code = classify(text, self.station.config.rules, scan.symbology)
        if isinstance(code, BadgeCode) or self.station.config.operator_by_badge(text):
            self.query_one("#badge", Input).value = text
            self.query_one("#pin", Input).focus()
            return
        field = self.focused
        if isinstance(field, Input):
            field.insert_text_at_cursor(scan.text)
        else:
            self.app.bell()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        # The form owns its fields' text: it must not bubble to the app, which scans.
        message.stop()
        self._next_after(message.input.id or "")

    def on_select_changed(self, message: Select.Changed) -> None:
        message.stop()
        if message.value is not Select.BLANK:
            self._next_after("disposition")

    def _next_after(self, current: str) -> None:
        """Enter in a field: focus the next one, or decide from the last one."""
        order = ["badge", "pin", "disposition", "text", "evidence"]
        if self.decision is not Decision.REJECT:
            order.remove("disposition")
        if current in order[:-1]:
            self.query_one(f"#{order[order.index(current) + 1]}").focus()
        else:
            self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        disposition = None
        if self.decision is Decision.REJECT:
            value = self.query_one("#disposition", Select).value
            disposition = value if isinstance(value, Disposition) else None
        evidence = self.query_one("#evidence", Input).value.strip() or None
        result = self.station.quarantine.decide(
            self.decision,
            self.hold.entity_kind,
            self.hold.entity_id,
            Credentials(
                self.query_one("#badge", Input).value,
                self.query_one("#pin", Input).value or None,
            ),
            self.query_one("#text", Input).value,
            evidence=evidence,
            disposition=disposition,
        )
        if not result.events:
            self.app.bell()
            self.query_one("#error", Static).update(Text(result.message, style="bold red"))
            return
        self.dismiss(result)
