"""Form fields own their keys: text typed into a form never reaches a workflow or the log.

A person types here (keys ~80 ms apart, so the wedge filter passes them through),
and Enter moves to the next field or submits, as the form's hint says. The PIN
tests read the raw bytes of the database and its write-ahead log afterwards.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from drivers.wedge_textual import WedgeKeyFilter
from station.bootstrap import DATABASE_NAME, Station, open_station
from station.config import StationConfig
from station.domain.events import EventKind
from station.domain.operators import Operator, Role, Training, hash_pin
from station.domain.scanning.scan import Scan
from station.ports import UnitStatus
from station.tui.app import StationApp, wedge_profile
from station.tui.screens.lots import LotsScreen
from station.tui.screens.quarantine import DecisionScreen, QuarantineScreen
from tests.conftest import DEMO_DIR, FrozenClock
from tests.tui.test_app import make_app, scan

RISKY = "073500532610040026"
PIN = "8605319274"
WRONG_PIN = "7391574820"
REASON = "Mill certificate MC-88 and smelter audit show Norwegian polysilicon"


class TypingClock:
    """Monotonic time that advances 80 ms per reading: Pilot's keys then look like a person."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        self.t += 0.08
        return self.t


def typing_app(station: Station) -> StationApp:
    app = StationApp.__new__(StationApp)
    wedge = WedgeKeyFilter(app, wedge_profile(station.config.scanner), clock=TypingClock())
    StationApp.__init__(app, station, wedge=wedge)
    return app


def keys_for(text: str) -> list[str]:
    names = {" ": "space", "-": "minus", ",": "comma", ".": "full_stop", "/": "slash"}
    return [names.get(ch, ch) for ch in text]


async def type_text(pilot: object, text: str) -> None:
    await pilot.press(*keys_for(text))  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]


def raw_database(station: Station) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        path = station.data_dir / f"{DATABASE_NAME}{suffix}"
        if path.exists():
            data += path.read_bytes()
    return data


@pytest.fixture
def supervised(tmp_path: Path, config: StationConfig, clock: FrozenClock) -> Station:
    """The demo station with a supervisor whose PIN occurs nowhere else; a unit on hold."""
    training = (Training("supply-chain-security", expires=clock.now().date().replace(year=2028)),)
    sup = Operator(
        "op-sup", "Sam Sup", "B-2999", frozenset({Role.SUPERVISE}), training, hash_pin(PIN)
    )
    cfg = dataclasses.replace(config, operators=(*config.operators, sup))
    station = open_station(cfg, tmp_path / "data", clock)
    station.import_files(sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".json", ".csv")))
    for text in ("B-1001", "BOL-778004", "SL0042001", f"00{RISKY}"):
        assert station.recorder.handle(Scan(text)).durable
    assert station.view.is_held("unit", RISKY)
    return station


def scans_recorded(station: Station) -> int:
    return sum(1 for s in station.log.events() if s.event.kind is EventKind.SCAN_RECORDED)


@pytest.mark.parametrize("decision", ["f2", "f3", "f4"])
async def test_a_pin_typed_into_the_decision_form_is_never_recorded(
    supervised: Station, decision: str
) -> None:
    station = supervised
    scans_before = scans_recorded(station)
    app = typing_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, QuarantineScreen)
        await pilot.press(decision)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionScreen)
        await type_text(pilot, "B-2999")
        await pilot.press("enter")
        await pilot.pause()
        assert form.focused is form.query_one("#pin", Input)
        # a wrong PIN first: Enter moves on, the field keeps what was typed
        await type_text(pilot, WRONG_PIN)
        await pilot.press("enter")
        await pilot.pause()
        assert form.query_one("#pin", Input).value == WRONG_PIN
        if decision == "f4":
            select = form.query_one("#disposition", Select)
            assert form.focused is select
            await pilot.press("enter", "down", "enter")
            await pilot.pause()
            assert select.value is not Select.BLANK
        assert form.focused is form.query_one("#text", Input)
        await type_text(pilot, REASON)
        await pilot.press("enter")
        await pilot.pause()
        assert form.focused is form.query_one("#evidence", Input)
        await type_text(pilot, "MC-88")
        await pilot.press("enter")  # the last field: decide
        await pilot.pause()
        assert app.screen is form  # wrong PIN: refused, the form stays with its values
        assert "wrong PIN" in str(form.query_one("#error", Static).render())
        assert form.query_one("#text", Input).value == REASON
        pin = form.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
        await type_text(pilot, PIN)
        assert pin.value == PIN
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is board
        # a note keeps the hold; a release accepts the unit, a rejection rejects it
        assert station.view.is_held("unit", RISKY) is (decision == "f2")
        expected = {
            "f2": UnitStatus.QUARANTINED,
            "f3": UnitStatus.ACCEPTED,
            "f4": UnitStatus.REJECTED,
        }[decision]
        assert station.view.unit(RISKY).status is expected  # type: ignore[union-attr]
    assert scans_recorded(station) == scans_before
    station.log.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    raw = raw_database(station)
    assert raw, "the database file was read"
    assert PIN.encode() not in raw
    assert WRONG_PIN.encode() not in raw
    station.close()


async def test_lots_form_fields_keep_their_text_and_enter_moves_on(station: Station) -> None:
    for text in ("B-1001", "BOL-778001", "SL0041871", "006141412610010016"):
        station.recorder.handle(Scan(text))
    events_before = station.log.count()
    app = typing_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LotsScreen)
        parents = screen.query_one("#parents", Input)
        parents.focus()
        await type_text(pilot, "006141412610010016:31")
        await pilot.press("enter")
        await pilot.pause()
        outputs = screen.query_one("#outputs", Input)
        assert screen.focused is outputs
        await type_text(pilot, "10, 21")
        await pilot.press("enter")
        await pilot.pause()
        assert outputs.value == "10, 21"
        assert screen.focused is screen.query_one("#loss", Input)
        assert station.log.count() == events_before  # nothing recorded yet, no scan
        assert "Enter: next field" in str(screen.query_one("#lots-hint", Static).render())
        await pilot.press("enter")  # the last field: record the new lots
        await pilot.pause()
        message = str(screen.query_one("#lots-message", Static).render())
        assert message.startswith("Split:"), message
    kinds = [s.event.kind for s in station.log.events()][events_before:]
    assert EventKind.LOT_TRANSFORMED in kinds and EventKind.SCAN_RECORDED not in kinds


async def test_station_command_keys_do_not_reach_receiving_from_a_form(station: Station) -> None:
    for text in ("B-1001", "BOL-778004", "SL0042001", f"00{RISKY}"):
        station.recorder.handle(Scan(text))
    events_before = station.log.count()
    app = typing_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("f5", "f9", "f2")  # undo, logout, close: receiving's keys
        await pilot.pause()
        assert isinstance(app.screen, LotsScreen)
        await pilot.press("escape", "f8")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press("f2", "f5", "f9")
        await pilot.pause()
    assert station.log.count() == events_before
    assert station.workflow.operator is not None


async def test_a_pin_typed_as_fast_as_a_scanner_stays_in_the_pin_field(
    supervised: Station,
) -> None:
    station = supervised
    app = make_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionScreen)
        await scan(pilot, "B-2999")  # the badge, scanned
        assert form.query_one("#badge", Input).value == "B-2999"
        assert form.focused is form.query_one("#pin", Input)
        await scan(pilot, PIN)  # the PIN, keyed in a burst: not a badge
        assert form.query_one("#badge", Input).value == "B-2999"
        assert form.query_one("#pin", Input).value == PIN
    station.close()


async def test_a_scan_on_a_board_is_not_recorded_behind_it(station: Station) -> None:
    for text in ("B-1001", "BOL-778004", "SL0042001"):
        station.recorder.handle(Scan(text))
    events_before = station.log.count()
    app = make_app(station)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, QuarantineScreen)
        await scan(pilot, f"00{RISKY}")
        assert station.log.count() == events_before
        await pilot.press("escape")
        await pilot.pause()
        await scan(pilot, f"00{RISKY}")  # back on the dock, the same scan is received
        assert station.log.count() > events_before
