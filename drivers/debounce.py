"""When a code seen again is the same scan: the sliding window a camera needs.

A camera sees a label in frame after frame; a handheld scanner reads it once.
`Debouncer` turns sightings into scans: a code seen again within the window of
its last sighting is the same scan, so a label that stays in view, even if a
few blurred frames miss it, is one scan, and it scans again once it has been
out of view for longer than the window. Times are the source's own clock
(`drivers.frames.Frame.t_ns`), so a video file debounces the same however fast
it is decoded.
"""

from __future__ import annotations

FORGET_AFTER = 512
"""Codes remembered before those older than the window are forgotten."""


class Debouncer:
    """Decides whether a code sighting is a new scan: sliding window per (text, symbology).

    >>> debounce = Debouncer(window_ns=1_500_000_000)
    >>> [debounce.is_new(("A", None), t * 500_000_000) for t in range(4)]
    [True, False, False, False]
    >>> debounce.is_new(("A", None), 4 * 500_000_000 + 1_600_000_000)
    True
    """

    def __init__(self, window_ns: int) -> None:
        self.window_ns = window_ns
        self._last_seen: dict[tuple[str, str | None], int] = {}

    def is_new(self, key: tuple[str, str | None], t_ns: int) -> bool:
        """Whether a sighting of `key` at `t_ns` is a new scan; a clock that went back is new."""
        last = self._last_seen.get(key)
        self._last_seen[key] = t_ns
        if len(self._last_seen) > FORGET_AFTER:
            self._forget_before(t_ns - self.window_ns)
        return last is None or t_ns - last > self.window_ns or t_ns < last

    def _forget_before(self, t_ns: int) -> None:
        for key in [key for key, seen in self._last_seen.items() if seen < t_ns]:
            del self._last_seen[key]
