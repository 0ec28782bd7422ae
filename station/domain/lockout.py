"""PIN lock-out: after too many wrong PINs for one badge, that badge may not decide.

The rule is pure: it takes the times of a badge's wrong PINs (read from the event
log, so a restart forgets nothing) and says until when the badge is locked. A badge
with `LockoutPolicy.attempts` wrong PINs within `LockoutPolicy.window` is locked for
`LockoutPolicy.duration` after the last of them. While it is locked its PIN is not
checked at all, so guesses made then neither count nor help.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

REASON_WRONG_PIN = "wrong_pin"
REASON_MISSING_PIN = "missing_pin"
REASON_LOCKED_OUT = "locked_out"


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """How many wrong PINs, within how long, lock a badge for how long."""

    attempts: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    duration: dt.timedelta = dt.timedelta(minutes=15)

    @property
    def history(self) -> dt.timedelta:
        """How far back wrong PINs can still matter."""
        return self.window + self.duration


def locked_until(
    failures: Iterable[dt.datetime], now: dt.datetime, policy: LockoutPolicy
) -> dt.datetime | None:
    """The end of the lock-out in force at `now`, or None when the badge may decide.

    >>> t = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    >>> wrong = [t + dt.timedelta(minutes=m) for m in (0, 1, 2, 3, 4)]
    >>> locked_until(wrong, t + dt.timedelta(minutes=5), LockoutPolicy())
    datetime.datetime(2026, 11, 23, 8, 19, tzinfo=datetime.timezone.utc)
    >>> locked_until(wrong[:4], t + dt.timedelta(minutes=5), LockoutPolicy()) is None
    True
    >>> locked_until(wrong, t + dt.timedelta(minutes=19), LockoutPolicy()) is None
    True
    """
    times = sorted(failures)
    until: dt.datetime | None = None
    for index, last in enumerate(times):
        first = index - policy.attempts + 1
        if first >= 0 and last - times[first] <= policy.window:
            end = last + policy.duration
            if now < end and (until is None or end > until):
                until = end
    return until
