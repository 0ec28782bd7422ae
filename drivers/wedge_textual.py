"""Glue between Textual key events and the framework-free `drivers.wedge`.

`WedgeKeyFilter` sits in front of the app's own event dispatch, so scanner
bursts become `ScanReceived` messages whatever widget has focus, and keys
typed by a person reach the focused widget unchanged and in order.

It must be called from ``App.on_event``, not ``on_key``: Textual forwards a
key from the driver straight to the focused widget, and an ``Input`` stops
printable keys there, so an app's ``on_key`` only ever sees keys the widget
did not want (Enter, arrows). ``App.on_event`` is the one place that sees
every key before any widget does::

    class StationApp(App[None]):
        def __init__(self, profile: WedgeProfile) -> None:
            super().__init__()
            self.wedge = WedgeKeyFilter(self, profile)

        def on_mount(self) -> None:
            self.wedge.start()

        async def on_event(self, event: events.Event) -> None:
            if await self.wedge.filter(event):
                return
            await super().on_event(event)

        def on_scan_received(self, message: ScanReceived) -> None:
            ...
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.timer import Timer

from drivers.wedge import KeyStroke, WedgeAssembler, WedgeProfile
from station.domain.scanning.scan import Scan


def keystroke_from_event(event: events.Key, at: float) -> KeyStroke:
    """The framework-free keystroke for a Textual key event received at ``at``."""
    return KeyStroke(key=event.key, character=event.character, at=at)


def event_from_keystroke(stroke: KeyStroke) -> events.Key:
    """A fresh Textual key event that replays ``stroke``."""
    return events.Key(stroke.key, stroke.character)


class ScanReceived(Message):
    """A complete scan from the keyboard wedge (burst or paste), posted to the app."""

    def __init__(self, scan: Scan) -> None:
        super().__init__()
        self.scan = scan
        """The scan, with GS normalised and the AIM prefix split off as configured."""


class WedgeKeyFilter:
    """Route Textual key and paste events through a `WedgeAssembler`.

    Args:
        app: The app whose ``on_event`` calls `filter`; scans are posted to it
            and replayed keys are dispatched through its ``on_event``.
        profile: How the scanner is configured.
        clock: Monotonic seconds; injected so tests can make Pilot's keys,
            which come ~60 ms apart, look like a scanner's burst.
        flush_interval: Seconds between checks for held keys gone stale.
        paste_scans: Treat bracketed paste as scans; when False, pastes go to
            the focused widget as usual.
    """

    def __init__(
        self,
        app: App[Any],
        profile: WedgeProfile | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        flush_interval: float = 0.05,
        paste_scans: bool = True,
    ) -> None:
        self.app = app
        self.assembler = WedgeAssembler(profile or WedgeProfile())
        self.clock = clock
        self.flush_interval = flush_interval
        self.paste_scans = paste_scans
        # Replayed events come back through app.on_event; these pass untouched.
        self._replaying: list[events.Key] = []
        self._timer: Timer | None = None

    def start(self) -> Timer:
        """Start the flush timer on the app; call from ``on_mount``."""
        if self._timer is None:
            self._timer = self.app.set_interval(self.flush_interval, self.flush, name="wedge-flush")
        return self._timer

    async def filter(self, event: events.Event) -> bool:
        """Decide an event the app received; call first thing in ``App.on_event``.

        Returns True when the filter took the event: the app must then not
        dispatch it. Returns False for the app to dispatch it as usual; keys
        held back earlier and now known to be typing have already been
        dispatched, in order, before this returns.
        """
        if event.is_forwarded:
            return False
        if isinstance(event, events.Key):
            for index, replayed in enumerate(self._replaying):
                if replayed is event:
                    del self._replaying[index]
                    return False
            result = self.assembler.feed(keystroke_from_event(event, self.clock()))
            await self._replay(result.replay)
            if result.scan is not None:
                self.app.post_message(ScanReceived(result.scan))
            return result.consumed
        if isinstance(event, events.Paste) and self.paste_scans:
            scans = self.assembler.paste(event.text, self.clock())
            for scan in scans:
                self.app.post_message(ScanReceived(scan))
            return bool(scans)
        return False

    async def flush(self) -> None:
        """Deliver held keys that went stale; `start` calls this on a timer."""
        await self._replay(tuple(self.assembler.flush(self.clock())))

    async def _replay(self, strokes: tuple[KeyStroke, ...]) -> None:
        # Dispatched inline rather than posted, so no key queued meanwhile
        # can overtake the replayed ones.
        for stroke in strokes:
            replay = event_from_keystroke(stroke)
            self._replaying.append(replay)
            await self.app.on_event(replay)
            # Normally `filter` already took it off; this keeps the list
            # bounded if the app's on_event does not call `filter`.
            if self._replaying and self._replaying[-1] is replay:
                self._replaying.pop()
