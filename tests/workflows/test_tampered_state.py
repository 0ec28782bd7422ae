"""Edited projection tables cannot ship a held unit, and verify-log names every edit.

A pallet quarantined at receiving (SHP-1004's, made in a high-risk region); then
someone with the database file runs ``DELETE FROM holds; UPDATE units SET
status='accepted'; UPDATE lots SET status='available'``, which the hash chain never
sees. `station verify-log` (a real process) replays the log and names each changed
row; the release close and the gate re-read the unit's holds from the log and
refuse, saying why. A forged shipping record (releases tables edited to say it
shipped) does not pass the gate either.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from station.bootstrap import Station
from station.workflows.gate import gate_check
from station.workflows.quarantine import Credentials, Decision
from tests.workflows.release_support import (
    BOL,
    RISKY,
    SEAL,
    import_order,
    label,
    lot_unit,
    make_stock,
    pallet_label,
    receive,
    release,
    shipped_lots,
    sscc_unit,
)

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"


def tamper(station: Station, *statements: str) -> None:
    """Edit the database file through a connection of its own, as an intruder would."""
    conn = sqlite3.connect(station.data_dir / "station.sqlite3")
    try:
        for sql in statements:
            conn.execute(sql, (RISKY,) if "?" in sql else ())
        conn.commit()
    finally:
        conn.close()


def verify_log(station: Station) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            "verify-log",
            "--data-dir",
            str(station.data_dir),
            "--config",
            str(CONFIG),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )


def quarantined(station: Station) -> None:
    receive(station, "B-1001", "BOL-778004", "SL0042001", f"00{RISKY}")
    receive(station, "]C100073500532610040019", "#CLOSE", "#LOGOUT")
    import_order(station, "SHP-2002", [sscc_unit(RISKY, 24000)])
    assert station.view.unit(RISKY).status.value == "quarantined"  # type: ignore[union-attr]
    assert verify_log(station).returncode == 0


def test_verify_log_says_an_untouched_state_is_what_the_log_gives(station: Station) -> None:
    quarantined(station)
    done = verify_log(station)
    assert done.returncode == 0, done.stdout
    assert "OK: the stored state is what a replay of the" in done.stdout


def test_edited_holds_are_caught_by_verify_log_the_close_and_the_gate(station: Station) -> None:
    quarantined(station)
    tamper(
        station,
        "DELETE FROM holds",
        "UPDATE units SET status = 'accepted' WHERE unit_id = ?",
        "UPDATE lots SET status = 'available' WHERE lot_id = ?",
    )

    answer = gate_check(station.releases, RISKY, station.config.rules)
    assert not answer.released
    assert "held according to the event log" in answer.headline
    assert any("run station verify-log" in r for r in answer.reasons)

    results = release(station, "B-1002", "SHP-2002", pallet_label(RISKY), SEAL, BOL, "#CLOSE")
    closed = results[-1]
    assert closed.outcome.verdict.value == "reject", closed.outcome.headline
    assert "REFUSED" in closed.outcome.headline
    (finding,) = [f for f in closed.outcome.findings if f.code.value == "NOT_RELEASABLE"]
    assert "held according to the event log" in finding.message
    assert "quarantined at receiving" in finding.message
    assert shipped_lots(station) == []

    done = verify_log(station)
    assert done.returncode == 1, done.stdout
    lines = done.stdout.splitlines()
    assert lines[0].startswith("OK: ")  # the chain itself is intact
    assert "differs from a replay of the log" in done.stdout
    assert f"holds [entity_kind=unit, entity_id={RISKY}]: missing from them" in done.stdout
    assert f"units [unit_id={RISKY}] status: stored 'accepted', the log says 'quarantined'" in (
        done.stdout
    )
    assert f"lots [lot_id={RISKY}] status: stored 'available'" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_forged_shipping_record_does_not_pass_the_gate(station: Station) -> None:
    quarantined(station)
    tamper(
        station,
        "DELETE FROM holds",
        "UPDATE units SET status = 'accepted' WHERE unit_id = ?",
        "UPDATE lots SET status = 'shipped' WHERE lot_id = ?",
        "INSERT INTO releases (release_id, station_id, shipment_id, status, opened_at,"
        " opened_seq, completed_at) VALUES ('REL-X', 'ST-01', 'SHP-2002', 'completed',"
        " '2026-11-23', 1, '2026-11-23')",
        "INSERT INTO release_units (release_id, unit_id, seq, event_id, label, ok, findings,"
        " checked_at) VALUES ('REL-X', ?, 1, 'e', 'x', 1, '[]', '2026-11-23')",
    )
    answer = gate_check(station.releases, RISKY, station.config.rules)
    assert not answer.released, answer.headline
    assert "event log" in answer.headline
    # Without the hold, the missing shipping record is what gives it away.
    tamper(station, "UPDATE units SET status = 'quarantined' WHERE unit_id = ?")
    answer = gate_check(station.releases, RISKY, station.config.rules)
    assert not answer.released
    assert "held according to the event log" in answer.headline


def test_a_days_work_replays_to_exactly_the_stored_state(station: Station) -> None:
    """No false alarm: receipts, holds and decisions, undo, lots, prints, a release."""
    stock = make_stock(station)
    receive(station, "B-1001", "BOL-778002", "SL0041913", "00006141412610020015", "#LOGOUT")
    decided = station.quarantine.decide(
        Decision.RELEASE,
        "shipment",
        "SHP-1002",
        Credentials("B-2001", "2468"),
        "Carrier confirmed seal swap at border, photo of SL0041900 cut by customs",
    )
    assert decided.verdict.value == "accept"
    receive(station, "B-1001", "BOL-778004", "SL0042001", f"00{RISKY}", "#DAMAGED", "#UNDO")
    import_order(station, "SHP-2001", [lot_unit(stock.l1, 15), sscc_unit(stock.pallet, 62)])
    results = release(
        station,
        "B-1002",
        "SHP-2001",
        label(stock.l1),
        pallet_label(stock.pallet),
        SEAL,
        BOL,
        "#CLOSE",
    )
    assert results[-1].outcome.headline.startswith("RELEASED"), results[-1].outcome.headline
    assert gate_check(station.releases, stock.pallet, station.config.rules).released
    report = station.replay_check()
    assert report.ok, [d.describe() for d in report.differences] + [report.error or ""]
    assert report.events == station.log.count()
