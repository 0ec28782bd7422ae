"""The Textual glue: scans whatever has focus, typing untouched, through Pilot.

Pilot delivers pressed keys about 63 ms apart (measured on Textual 8.2.8;
never under 40 ms, as it waits for idle twice per key with 20 ms sleeps):
slower than any scanner and like a fast typist. Burst tests therefore inject
a clock that advances 0.1 ms per reading; typing tests use real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Button, Input

from drivers.wedge import GS, KeyStroke, WedgeProfile
from drivers.wedge_textual import (
    ScanReceived,
    WedgeKeyFilter,
    event_from_keystroke,
    keystroke_from_event,
)
from station.domain.scanning.scan import Scan

BURST = "]C100012345678901234567"


class StepClock:
    """A clock that moves ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class WedgeApp(App[None]):
    """The wiring an app uses: the filter first in on_event, scans as messages."""

    def __init__(
        self,
        profile: WedgeProfile,
        clock: Callable[[], float] = time.monotonic,
        *,
        paste_scans: bool = True,
    ) -> None:
        super().__init__()
        self.wedge = WedgeKeyFilter(self, profile, clock=clock, paste_scans=paste_scans)
        self.scans: list[Scan] = []
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield Button("OK", id="ok")

    def on_mount(self) -> None:
        self.wedge.start()

    async def on_event(self, event: events.Event) -> None:
        if await self.wedge.filter(event):
            return
        await super().on_event(event)

    def on_scan_received(self, message: ScanReceived) -> None:
        self.scans.append(message.scan)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        self.submitted.append(message.value)


def test_keystroke_round_trip() -> None:
    stroke = keystroke_from_event(events.Key("ctrl+right_square_bracket", GS), at=2.5)

    assert stroke == KeyStroke("ctrl+right_square_bracket", GS, 2.5)
    replayed = event_from_keystroke(stroke)
    assert (replayed.key, replayed.character) == ("ctrl+right_square_bracket", GS)


async def test_fast_burst_is_a_scan_and_leaves_the_input_empty() -> None:
    app = WedgeApp(WedgeProfile(aim_prefix=True), StepClock(0.0001))
    async with app.run_test() as pilot:
        await pilot.press(*BURST, "enter")
        await pilot.pause()

        assert [(s.text, s.symbology, s.device) for s in app.scans] == [
            ("00012345678901234567", "]C1", "wedge")
        ]
        assert app.query_one(Input).value == ""
        assert app.submitted == []


async def test_scan_arrives_whatever_has_focus() -> None:
    app = WedgeApp(WedgeProfile(), StepClock(0.0001))
    async with app.run_test() as pilot:
        app.query_one(Button).focus()
        await pilot.press(*"SEAL0042", "enter")
        await pilot.pause()
        app.set_focus(None)
        await pilot.press(*"BOL77", "enter")
        await pilot.pause()

        assert [s.text for s in app.scans] == ["SEAL0042", "BOL77"]


async def test_slow_typing_ends_up_in_the_input() -> None:
    app = WedgeApp(WedgeProfile())
    async with app.run_test() as pilot:
        for key in "L7x":
            await pilot.press(key)
            await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()

        assert app.query_one(Input).value == "L7x"
        assert app.submitted == ["L7x"]
        assert app.scans == []


async def test_a_single_typed_key_shows_up_after_the_timeout() -> None:
    app = WedgeApp(WedgeProfile(inter_key_timeout_ms=60))
    async with app.run_test() as pilot:
        await pilot.press("q")
        assert app.query_one(Input).value == ""
        await pilot.pause(0.2)

        assert app.query_one(Input).value == "q"


async def test_typing_at_pilot_pace_is_not_a_scan() -> None:
    app = WedgeApp(WedgeProfile())
    async with app.run_test() as pilot:
        await pilot.press(*"ABC123", "enter")
        await pilot.pause()

        assert app.scans == []
        assert app.query_one(Input).value == "ABC123"
        assert app.submitted == ["ABC123"]


async def test_non_character_key_mid_burst_replays_before_itself() -> None:
    app = WedgeApp(WedgeProfile(), StepClock(0.0001))
    async with app.run_test() as pilot:
        await pilot.press(*"ABC", "left")
        await pilot.pause()

        field = app.query_one(Input)
        assert (field.value, field.cursor_position) == ("ABC", 2)
        assert app.scans == []


async def test_paste_gives_scans() -> None:
    app = WedgeApp(WedgeProfile())
    async with app.run_test() as pilot:
        app.post_message(events.Paste("SEAL0042\nBOL77\n"))
        await pilot.pause()

        assert [s.text for s in app.scans] == ["SEAL0042", "BOL77"]
        assert app.query_one(Input).value == ""


async def test_paste_can_be_left_to_the_widget() -> None:
    app = WedgeApp(WedgeProfile(), paste_scans=False)
    async with app.run_test() as pilot:
        app.post_message(events.Paste("SEAL0042"))
        await pilot.pause()

        assert app.scans == []
        assert app.query_one(Input).value == "SEAL0042"
