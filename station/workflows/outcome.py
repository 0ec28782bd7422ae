"""What a workflow returns for one input: the verdict, why, and the events to commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from station.domain.events import Event
from station.domain.findings import Finding, Verdict
from station.domain.operators import Operator


@dataclass(frozen=True, slots=True)
class Outcome:
    """A decision not yet shown: the caller commits `events` first, then shows it."""

    verdict: Verdict
    headline: str
    """One line for the banner, plain text (scanned text already made printable)."""
    findings: tuple[Finding, ...] = ()
    events: tuple[Event, ...] = ()
    input_display: str = ""
    unit: str | None = None
    shipment: str | None = None
    login: Operator | None = None
    """Operator who is logged in once the events are committed."""
    logout: bool = False
    """Whether the current operator is logged out once the events are committed."""
    details: tuple[str, ...] = field(default=())
    """Further lines for the screen, e.g. a close summary."""

    @classmethod
    def found(
        cls,
        verdict: Verdict,
        finding: Finding,
        *,
        events: Sequence[Event] = (),
        unit: str | None = None,
        shipment: str | None = None,
    ) -> Outcome:
        """An outcome told by its one finding: the finding's message is the headline."""
        return cls(
            verdict,
            finding.message,
            findings=(finding,),
            events=tuple(events),
            unit=unit,
            shipment=shipment,
        )
