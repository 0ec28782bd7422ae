"""Units typed by hand at the release dock: refused, or let in on a supervisor's word.

A unit scanned from its label is checked against that label (LABEL_MISMATCH): the
label on the box must say what the record says. A unit id typed by hand has no
label to check, so it could put the wrong box on the trailer unnoticed. What the dock
does with one is ``[release] hand_entry``:

- ``refuse`` (the default): a typed unit id is refused with HAND_ENTRY; scan the
  unit's label (or print a new one from the lots screen if it is unreadable);
- ``supervisor``: a typed unit id is refused at the dock all the same, and is taken
  only through `authorise_hand_entry` (``station release hand-entry``): a supervisor
  other than the logged-in operator, with valid training, their PIN when the roster
  has one, and a reason. The unit's check then records ``entry: hand``, who
  authorised it and why; the close checks again that every hand entry was authorised
  and that the setting still allows them.

Every attempt is recorded as a scan (the typed text, never the PIN) with its HAND_ENTRY
finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from station.domain.checks.release import HandEntry
from station.domain.findings import Finding, FindingCode, Severity
from station.domain.operators import Operator, Role, qualification, verify_pin
from station.domain.printable import printable
from station.workflows.outcome import Outcome
from station.workflows.session import refuse

MIN_REASON_LENGTH = 5


@dataclass(frozen=True, slots=True)
class HandEntryApproval:
    """A supervisor's badge, PIN and reason for one unit typed by hand."""

    supervisor_badge: str
    reason: str
    pin: str | None = None


def typed_at_the_dock(policy: HandEntry, unit_id: str) -> Outcome:
    """The refusal of a unit id typed at the dock, saying what to do instead."""
    name = printable(unit_id)
    if policy is HandEntry.SUPERVISOR:
        message = (
            f"{name} was typed by hand: its label cannot be checked. Scan the unit's label, "
            f"or have a supervisor authorise the hand entry with a reason "
            f"(station release hand-entry {name} --supervisor BADGE --reason TEXT)"
        )
    else:
        message = (
            f"{name} was typed by hand: its label cannot be checked, and this station takes "
            'units at the release dock only by their label ([release] hand_entry = "refuse"). '
            "Scan the unit's label; print a new one if it is unreadable"
        )
    return refuse(FindingCode.HAND_ENTRY, message)


def hand_entry_finding(
    unit_id: str, policy: HandEntry, authorised_by: str | None
) -> Finding | None:
    """HAND_ENTRY blocking a typed unit at the close, unless authorised under `supervisor`."""
    if policy is HandEntry.SUPERVISOR and authorised_by:
        return None
    why = (
        'hand entries are refused ([release] hand_entry = "refuse")'
        if policy is HandEntry.REFUSE
        else "no supervisor authorised it"
    )
    return Finding(
        FindingCode.HAND_ENTRY,
        Severity.REFUSAL,
        f"{printable(unit_id)} was typed by hand and {why}: take it off (#UNDO) and scan its label",
        found=printable(unit_id),
    )


def authorise_hand_entry(
    policy: HandEntry,
    approval: HandEntryApproval,
    *,
    roster: Sequence[Operator],
    operator: Operator,
    course: str,
    today: dt.date,
) -> Operator | Outcome:
    """The supervisor who authorises a hand entry, or the refusal saying why not."""
    if policy is not HandEntry.SUPERVISOR:
        return refuse(
            FindingCode.HAND_ENTRY,
            'Hand entry is off at this station ([release] hand_entry = "refuse"): '
            "scan the unit's label",
        )
    badge = approval.supervisor_badge.strip()
    supervisor = next((op for op in roster if op.badge == badge), None)
    if supervisor is None:
        return refuse(
            FindingCode.UNKNOWN_OPERATOR,
            f"Hand entry refused: badge {printable(badge)!r} is not on this station's roster",
        )
    if supervisor.id == operator.id:
        return refuse(
            FindingCode.NOT_QUALIFIED,
            "Hand entry refused: another person must authorise it (four eyes), "
            f"not {supervisor.name}, who is logged in",
        )
    check = qualification(supervisor, Role.SUPERVISE, course, today)
    if not check.ok:
        return refuse(FindingCode.NOT_QUALIFIED, f"Hand entry refused: {check.reason}")
    if supervisor.pin_hash is not None and not verify_pin(approval.pin or "", supervisor.pin_hash):
        return refuse(
            FindingCode.NOT_QUALIFIED,
            f"Hand entry refused: wrong or missing PIN for {supervisor.name}",
        )
    if len(approval.reason.strip()) < MIN_REASON_LENGTH:
        return refuse(
            FindingCode.HAND_ENTRY,
            "Hand entry refused: give a reason (e.g. 'label burnt, identity checked on the "
            "delivery note')",
        )
    return supervisor


__all__: Sequence[str] = (
    "HandEntry",
    "HandEntryApproval",
    "authorise_hand_entry",
    "hand_entry_finding",
    "typed_at_the_dock",
)
