"""The verdict banner: the last scan's verdict in a large colour block, findings in words."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from drivers.sound import SoundCues
from station.domain.findings import Verdict
from station.workflows.outcome import Outcome
from station.workflows.recorder import Recorded

_LABELS = {
    Verdict.ACCEPT: "ACCEPTED",
    Verdict.QUARANTINE: "QUARANTINE",
    Verdict.REJECT: "REFUSED",
    Verdict.INFO: "INFO",
    Verdict.ERROR: "ERROR",
}
ALERT_VERDICTS = (Verdict.QUARANTINE, Verdict.REJECT, Verdict.ERROR)
"""Verdicts that ring the terminal bell as well."""


class VerdictBanner(Static):
    """Shows one outcome; colours come from the verdict's CSS class."""

    DEFAULT_CSS = """
    VerdictBanner {
        height: 5;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    VerdictBanner.accept { background: $success; color: $text; }
    VerdictBanner.quarantine { background: $warning; color: black; }
    VerdictBanner.reject { background: $error; color: $text; }
    VerdictBanner.error { background: $error; color: $text; }
    VerdictBanner.info { background: $primary; color: $text; }
    """

    def show_outcome(self, outcome: Outcome, *, durable: bool = True) -> None:
        """Display `outcome`; all text is plain (never markup), scanned text already printable."""
        for verdict in Verdict:
            self.remove_class(verdict.value)
        self.add_class(outcome.verdict.value)
        text = Text()
        text.append(f" {_LABELS[outcome.verdict]} ", style="bold reverse")
        if outcome.input_display:
            text.append(f"  {outcome.input_display}", style="bold")
        text.append("\n")
        text.append(outcome.headline)
        lines = [f.message for f in outcome.findings if f.message not in outcome.headline]
        lines.extend(outcome.details)
        for line in lines[:2]:
            text.append(f"\n- {line}")
        if len(lines) > 2:
            text.append(f"  (+{len(lines) - 2} more)")
        if not durable:
            text.append("\nNOT RECORDED", style="bold")
        self.update(text)

    def show_recorded(self, recorded: Recorded) -> None:
        """Display a recorded scan's outcome and sound its verdict."""
        outcome = recorded.outcome
        self.show_outcome(outcome, durable=recorded.durable)
        sound = getattr(self.app, "sound", None)
        if isinstance(sound, SoundCues):
            sound.play(outcome.verdict)
        elif outcome.verdict in ALERT_VERDICTS:
            self.app.bell()

    def show_text(self, headline: str) -> None:
        """A neutral prompt, e.g. before the first scan."""
        for verdict in Verdict:
            self.remove_class(verdict.value)
        self.update(Text(headline))
