"""When to try the hub again: exponential backoff with full jitter, and ``Retry-After``.

After the n-th failure in a row the wait is drawn uniformly from [0, min(cap, base * 2**n)]
("full jitter"), so a site's stations that lost the hub together do not come back in
step. A hub that says how long to wait (``Retry-After`` on 429 or 503, in seconds or as
an HTTP date) is never asked sooner than that.
"""

from __future__ import annotations

import datetime as dt
import random
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class Backoff:
    """The pause before the next attempt, growing with each failure in a row."""

    def __init__(self, base_s: float, cap_s: float, rng: random.Random | None = None) -> None:
        self.base_s = base_s
        self.cap_s = cap_s
        self.failures = 0
        self._rng = rng or random.Random()

    def reset(self) -> None:
        """A success: the next failure starts from the base again."""
        self.failures = 0

    def failed(self, retry_after_s: float | None = None) -> float:
        """Count a failure; the seconds to wait before trying again."""
        ceiling = min(self.cap_s, self.base_s * 2**self.failures)
        self.failures = min(self.failures + 1, 62)
        delay = self._rng.uniform(0, ceiling)
        if retry_after_s is not None:
            # The hub said when: not sooner, and not much later (a little jitter only).
            delay = retry_after_s + self._rng.uniform(0, min(1.0, retry_after_s * 0.1))
        return delay
