"""Who may print, and for what (issue 10, item 5): every print and reprint names a trained
operator holding a print role, and nothing is printed for held material, whether the hold
came before the job was queued, between queueing and sending, or after the first print.

The printer is a real TCP listener; the CLI runs as a real process."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.bootstrap import DATABASE_NAME, Station, open_station
from station.config import StationConfig
from station.domain.operators import Operator, Role
from station.domain.scanning.scan import Scan
from station.services.print_queue import PrintRefused
from station.store.projections.prints import PrintState
from tests.services.test_print_queue import P1, Listener, make_station, split

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "config" / "demo"


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture
def station_on_printer(
    tmp_path: Path, config: StationConfig, clock: Any, listener: Listener
) -> Iterator[Station]:
    station = make_station(tmp_path, config, clock, f"zpl+tcp://127.0.0.1:{listener.port}")
    yield station
    station.close()


def badge(station: Station, number: str) -> Operator:
    operator = station.config.operator_by_badge(number)
    assert operator is not None
    return operator


def refusals(station: Station) -> list[dict[str, Any]]:
    return [
        {"operator": s.event.operator_id, **s.event.payload}
        for s in station.log.events()
        if s.event.kind.value == "print.refused"
    ]


def test_reprint_of_a_lot_quarantined_after_its_first_print_is_refused(
    station_on_printer: Station, listener: Listener
) -> None:
    station = station_on_printer
    job = station.printing.queue(P1, badge(station, "B-1001"))
    assert [o.state for o in station.printing.process()] == [PrintState.SENT]
    station.recorder.handle(Scan("#DAMAGED"))  # P1 was the last unit scanned: now on hold
    assert station.lots.lot(P1).status == "quarantined"  # type: ignore[union-attr]
    with pytest.raises(PrintRefused, match="quarantined: no label until a supervisor"):
        station.printing.reprint(job, badge(station, "B-1001"), "label torn")
    assert station.printing.process() == []
    assert len(listener.jobs) == 1
    (refusal,) = refusals(station)
    assert refusal["stage"] == "reprint" and refusal["reprint_of"] == job
    assert refusal["operator"] == "op-ana"


def test_a_job_queued_before_a_hold_is_not_sent_after_it(
    station_on_printer: Station, listener: Listener
) -> None:
    station = station_on_printer
    job = station.printing.queue(P1, badge(station, "B-1001"))
    station.recorder.handle(Scan("#DAMAGED"))
    (outcome,) = station.printing.process()
    assert outcome.state == PrintState.REFUSED
    assert "quarantined" in outcome.message
    assert listener.jobs == []
    (record,) = station.printing.jobs()
    assert record.job_id == job and record.state == PrintState.REFUSED
    assert station.printing.process() == []  # never retried on its own
    (refusal,) = refusals(station)
    assert refusal["stage"] == "send" and refusal["job_id"] == job


def test_reprint_needs_valid_training(station_on_printer: Station, listener: Listener) -> None:
    station = station_on_printer
    job = station.printing.queue(P1, badge(station, "B-1001"))
    station.printing.process()
    with pytest.raises(PrintRefused, match="training expired on 2025-05-01"):
        station.printing.reprint(job, badge(station, "B-1003"), "label torn")
    with pytest.raises(PrintRefused, match="needs a logged-in operator"):
        station.printing.reprint(job, None, "label torn")
    assert len(listener.jobs) == 1
    assert [r["stage"] for r in refusals(station)] == ["reprint", "reprint"]


def test_training_that_expires_between_queue_and_send_stops_the_job(
    station_on_printer: Station, clock: Any, listener: Listener
) -> None:
    station = station_on_printer
    station.printing.queue(P1, badge(station, "B-1001"))
    clock.advance(800 * 86400)  # past 2028-01-15, the end of Ana's training
    (outcome,) = station.printing.process()
    assert outcome.state == PrintState.REFUSED and "expired" in outcome.message
    assert listener.jobs == []


def test_the_print_role_comes_from_the_configuration(
    tmp_path: Path, config: StationConfig, clock: Any, listener: Listener
) -> None:
    labels = dataclasses.replace(config.labels, print_roles=frozenset({Role.RELEASE}))
    station = make_station(
        tmp_path,
        dataclasses.replace(config, labels=labels),
        clock,
        f"zpl+tcp://127.0.0.1:{listener.port}",
    )
    try:
        # Ana (receive only) may still make lots, but their labels are not queued.
        new_ids = split(station)
        assert station.printing.jobs() == []
        assert [r["lot_id"] for r in refusals(station)] == list(new_ids)
        assert "may not print labels (print_roles: release)" in refusals(station)[0]["reason"]
        with pytest.raises(PrintRefused, match="may not print labels"):
            station.printing.queue(new_ids[0], badge(station, "B-1001"))
        station.printing.queue(new_ids[0], badge(station, "B-1002"))  # Ben holds release
        assert [o.state for o in station.printing.process()] == [PrintState.SENT]
    finally:
        station.close()


def test_a_job_whose_operator_left_the_roster_is_not_sent(
    tmp_path: Path, config: StationConfig, clock: Any, listener: Listener
) -> None:
    url = f"zpl+tcp://127.0.0.1:{listener.port}"
    station = make_station(tmp_path, config, clock, url)
    station.printing.queue(P1, badge(station, "B-1001"))
    station.close()
    roster = tuple(op for op in config.operators if op.badge != "B-1001")
    again = open_station(
        dataclasses.replace(config, printers=(url,), operators=roster), tmp_path / "data", clock
    )
    try:
        (outcome,) = again.printing.process()
        assert outcome.state == PrintState.REFUSED and "names no operator" in outcome.message
        assert listener.jobs == []
    finally:
        again.close()


# -- the command line -------------------------------------------------------------------


def run(
    args: list[str], config: Path, data: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            *args,
            "--config",
            str(config),
            "--data-dir",
            str(data),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


@pytest.fixture
def received(tmp_path: Path) -> tuple[Path, Path]:
    """A station whose clean shipment is received, with a directory printer."""
    config = tmp_path / "station.toml"
    text = (REPO / "config" / "station.example.toml").read_text(encoding="utf-8")
    out = tmp_path / "labels"
    config.write_text(text.replace("printers = []", f'printers = ["dir://{out}"]'), "utf-8")
    data = tmp_path / "data"
    assert run(["import", str(DEMO / "clean.json")], config, data).returncode == 0
    scans = (DEMO / "scans" / "clean.txt").read_text(encoding="utf-8")
    assert run(["scan", "--operator", "B-1001"], config, data, scans).returncode == 0
    return config, data


def _db_refusals(data: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(data / DATABASE_NAME) as conn:
        rows = conn.execute("SELECT payload FROM events WHERE kind = 'print.refused' ORDER BY seq")
        return [json.loads(row[0]) for row in rows]


def _jobs(config: Path, data: Path) -> list[dict[str, Any]]:
    listed = run(["print-queue", "--json"], config, data)
    assert listed.returncode == 0, listed.stderr
    jobs: list[dict[str, Any]] = json.loads(listed.stdout)
    return jobs


def test_cli_print_without_an_operator_or_with_an_unknown_badge_is_refused(
    received: tuple[Path, Path],
) -> None:
    config, data = received
    bare = run(["label", P1, "--print"], config, data)
    assert bare.returncode != 0
    assert "needs an operator: give --operator BADGE" in bare.stderr + bare.stdout
    unknown = run(["label", P1, "--print", "--operator", "B-9999"], config, data)
    assert unknown.returncode != 0
    assert "'B-9999' is not on this station's roster" in unknown.stderr + unknown.stdout
    assert "Traceback" not in bare.stderr + unknown.stderr
    assert _jobs(config, data) == []
    assert [(r["stage"], r.get("badge")) for r in _db_refusals(data)] == [
        ("queue", None),
        ("queue", "B-9999"),
    ]
    good = run(["label", P1, "--print", "--operator", "B-1001"], config, data)
    assert good.returncode == 0, good.stderr
    assert [j["lot_id"] for j in _jobs(config, data)] == [P1]


def test_cli_reprint_with_expired_training_is_refused(received: tuple[Path, Path]) -> None:
    config, data = received
    assert run(["label", P1, "--print", "--operator", "B-1001"], config, data).returncode == 0
    assert run(["print-queue", "--process"], config, data).returncode == 0
    (job,) = _jobs(config, data)
    refused = run(
        [
            "print-queue",
            "--reprint",
            job["job_id"],
            "--reason",
            "label torn",
            "--operator",
            "B-1003",
        ],
        config,
        data,
    )
    assert refused.returncode != 0
    assert "training expired on 2025-05-01" in refused.stderr + refused.stdout
    assert [j["job_id"] for j in _jobs(config, data)] == [job["job_id"]]
    assert _db_refusals(data)[-1]["stage"] == "reprint"
