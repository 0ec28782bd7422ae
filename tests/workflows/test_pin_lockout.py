"""PIN lock-out: five wrong PINs lock a badge for fifteen minutes, across a restart."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from station.bootstrap import DATABASE_NAME, open_station
from station.config import StationConfig, load_config
from station.domain.events import EventKind
from station.domain.findings import Verdict
from station.domain.lockout import LockoutPolicy
from station.domain.operators import Operator, Role, Training, hash_pin
from station.domain.scanning.scan import Scan
from station.workflows.quarantine import Credentials, Decision
from tests.conftest import DEMO_CONFIG, DEMO_DIR, FrozenClock

RISKY = "073500532610040026"
REASON = "Mill certificate MC-88 and smelter audit show the wafers came from Norway"
# Long enough that no SSCC, GTIN or hash in the database holds them by chance.
WRONG = ("7382910461", "7382910462", "7382910463", "7382910464", "7382910465")


def held_station(data: Path, config: StationConfig, clock: FrozenClock):  # type: ignore[no-untyped-def]
    station = open_station(config, data, clock)
    if not station.view.holds():
        station.import_files(sorted(p for p in DEMO_DIR.iterdir() if p.suffix == ".json"))
        for text in ("B-1001", "BOL-778004", "SL0042001", f"00{RISKY}"):
            assert station.recorder.handle(Scan(text)).durable
    return station


def release(station, pin: str):  # type: ignore[no-untyped-def]
    return station.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2001", pin), REASON
    )


def test_five_wrong_pins_lock_the_badge_for_fifteen_minutes_even_after_a_restart(
    tmp_path: Path, config: StationConfig, clock: FrozenClock
) -> None:
    station = held_station(tmp_path / "data", config, clock)
    for pin in WRONG:
        clock.advance(20)
        result = release(station, pin)
        assert result.verdict is Verdict.REJECT and "wrong PIN for Chen Wei" in result.message
    assert result.message.endswith("lock the badge until 08:16 UTC")
    clock.advance(20)
    result = release(station, "2468")  # the right PIN, too late
    assert result.verdict is Verdict.REJECT
    assert result.message == (
        "Decision refused: Chen Wei's badge is locked after 5 wrong PINs until 08:16 UTC; "
        "another supervisor may decide"
    )
    assert station.view.is_held("unit", RISKY)
    refusals = [s.event for s in station.log.events(kinds=[EventKind.PIN_REFUSED])]
    assert [e.payload["reason"] for e in refusals] == ["wrong_pin"] * 5 + ["locked_out"]
    assert all(e.payload["badge"] == "B-2001" for e in refusals)
    assert refusals[-1].payload["locked_until"] == "2026-11-23T08:16:40+00:00"
    (locked,) = station.quarantine.lockouts()
    assert locked[0].id == "op-chen"
    station.close()
    raw = (tmp_path / "data" / DATABASE_NAME).read_bytes()
    wal = tmp_path / "data" / f"{DATABASE_NAME}-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert not any(pin.encode() in raw for pin in WRONG)

    # a restart does not forget: the lock-out is read back from the log
    clock.advance(60)
    station = held_station(tmp_path / "data", config, clock)
    assert "locked after 5 wrong PINs" in release(station, "2468").message
    clock.advance(15 * 60)
    assert station.quarantine.lockouts() == []
    result = release(station, "2468")
    assert result.verdict is Verdict.ACCEPT, result.message
    station.close()


def test_four_wrong_pins_do_not_lock_and_old_ones_expire(
    tmp_path: Path, config: StationConfig, clock: FrozenClock
) -> None:
    station = held_station(tmp_path / "data", config, clock)
    for pin in WRONG[:4]:
        release(station, pin)
    clock.advance(16 * 60)  # the first four are now outside the 15-minute window
    release(station, WRONG[4])
    assert station.quarantine.lockouts() == []
    assert release(station, "2468").verdict is Verdict.ACCEPT
    station.close()


def test_a_missing_pin_is_refused_and_recorded_but_not_counted(
    tmp_path: Path, config: StationConfig, clock: FrozenClock
) -> None:
    station = held_station(tmp_path / "data", config, clock)
    for _ in range(6):
        assert release(station, "").message == "Decision refused: enter the PIN for Chen Wei"
    reasons = [s.event.payload["reason"] for s in station.log.events(kinds=[EventKind.PIN_REFUSED])]
    assert reasons == ["missing_pin"] * 6
    assert station.quarantine.lockouts() == []
    station.close()


def test_the_lockout_is_configurable_in_the_quarantine_table(
    tmp_path: Path, clock: FrozenClock
) -> None:
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    path = tmp_path / "station.toml"
    for key, value in (
        ("pin_attempts", 3),
        ("pin_window_minutes", 5),
        ("pin_lockout_minutes", 60),
    ):  # the demo config's [quarantine] table, with other values
        assert f"\n{key} = " in text
        text = "\n".join(
            f"{key} = {value}" if line.startswith(f"{key} = ") else line
            for line in text.split("\n")
        )
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert config.pin_lockout == LockoutPolicy(3, dt.timedelta(minutes=5), dt.timedelta(minutes=60))
    station = held_station(tmp_path / "data", config, clock)
    for pin in WRONG[:3]:
        release(station, pin)
    clock.advance(59 * 60)
    assert "locked after 3 wrong PINs until 09:00 UTC" in release(station, "2468").message
    clock.advance(60)
    assert release(station, "2468").verdict is Verdict.ACCEPT
    station.close()


def test_another_supervisor_may_decide_while_one_badge_is_locked(
    tmp_path: Path, config: StationConfig, clock: FrozenClock
) -> None:
    other = Operator(
        "op-eve",
        "Eve Ito",
        "B-2002",
        frozenset({Role.SUPERVISE}),
        (Training("supply-chain-security", dt.date(2028, 1, 1)),),
        hash_pin("9753", iterations=100_000),
    )
    config = dataclasses.replace(config, operators=(*config.operators, other))
    station = held_station(tmp_path / "data", config, clock)
    for pin in WRONG:
        release(station, pin)
    result = station.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2002", "9753"), REASON
    )
    assert result.verdict is Verdict.ACCEPT
    station.close()


def test_a_supervisor_without_a_pin_cannot_decide_by_badge_alone(
    tmp_path: Path, config: StationConfig, clock: FrozenClock
) -> None:
    # the config refuses such an entry; a roster made some other way is refused here
    no_pin = Operator(
        "op-nop",
        "Nia Op",
        "B-2003",
        frozenset({Role.SUPERVISE}),
        (Training("supply-chain-security", dt.date(2028, 1, 1)),),
    )
    config = dataclasses.replace(config, operators=(*config.operators, no_pin))
    station = held_station(tmp_path / "data", config, clock)
    result = station.quarantine.decide(
        Decision.RELEASE, "unit", RISKY, Credentials("B-2003"), REASON
    )
    assert result.message == "Decision refused: Nia Op has no PIN on the roster"
    station.close()
