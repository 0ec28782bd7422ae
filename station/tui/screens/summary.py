"""The close summary: what a receipt ended with, shown until the clerk dismisses it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from station.workflows.outcome import Outcome


class SummaryScreen(ModalScreen[None]):
    """Modal summary of a closed receipt; Enter or Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "dismiss", "OK"),
        Binding("escape", "dismiss", "OK"),
    ]

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(self.outcome.headline + "\n\n", style="bold")
        for line in self.outcome.details:
            text.append(line + "\n")
        if self.outcome.findings:
            text.append("\nFindings:\n", style="bold")
            for finding in self.outcome.findings:
                text.append(f"- {finding.code.value}: {finding.message}\n")
        text.append("\nPress Enter to continue.", style="dim")
        with Vertical(id="summary"):
            yield Static(text)
