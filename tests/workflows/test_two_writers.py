"""Two writers on one database can never receive one unit twice or send one job twice.

Independently of the writer lock (tested in tests/cli/test_writer_lock.py): two real
processes open the same data dir the way a library caller would, without the lock,
start at the same instant and scan the same 150 pallets in the same order (or send
the same 40 print jobs). The decision is made inside the write transaction and the
projection refuses a second receive, so every pallet has exactly one
``unit.received`` and every job reached the printer once.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from biip.checksums import gs1_standard_check_digit

from station.bootstrap import open_station
from station.config import StationConfig, load_config
from station.domain.events import EventKind
from station.domain.scanning.scan import Scan
from station.errors import StoreError
from station.ports import HoldRecord
from station.store.eventlog import EventLog
from station.workflows.quarantine import Credentials, Decision

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
CHILD = Path(__file__).with_name("writer_child.py")
PALLETS = 150


def sscc(serial: int) -> str:
    body = f"00614141{serial:09d}"
    return body + str(gs1_standard_check_digit(body))


def write_manifest(path: Path, pallets: int) -> list[str]:
    line = {
        "gtin": "0614141550012",
        "lot": "SM550-2609A",
        "quantity": 31,
        "uom": "EA",
        "product": "Monocrystalline PV module 550 W",
        "vendor": "Sao Mai Solar Manufacturing JSC",
        "place_of_manufacture": {
            "facility": "Sao Mai Solar, Quang Chau plant",
            "city": "Bac Giang",
            "country": "VN",
            "region": "VN-54",
        },
        "date_of_manufacture": "2026-09-14",
    }
    ids = [sscc(700_000 + i) for i in range(pallets)]
    spec = {
        "manifest_version": 1,
        "shipment_id": "SHP-7101",
        "direction": "inbound",
        "bill_of_lading": "BOL-710001",
        "purchase_orders": ["PO-71001"],
        "seals": ["SL7100001"],
        "units": [{"sscc": s, "packaging": "pallet", "contents": [line]} for s in ids],
    }
    path.write_text(json.dumps(spec), encoding="utf-8")
    return ids


def children(*argvs: list[str]) -> list[dict[str, object]]:
    procs = [
        subprocess.Popen(
            [sys.executable, str(CHILD), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for argv in argvs
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out.splitlines()[-1]))
    return results


def test_two_processes_never_receive_one_pallet_twice(tmp_path: Path) -> None:
    config = load_config(CONFIG)
    data = tmp_path / "data"
    ids = write_manifest(tmp_path / "m.json", PALLETS)
    station = open_station(config, data)
    try:
        station.import_files([tmp_path / "m.json"])
        for text in ("B-1001", "BOL-710001", "SL7100001"):
            assert station.recorder.handle(Scan(text)).durable
    finally:
        station.close()
    scans = tmp_path / "scans.txt"
    scans.write_text("".join(f"]C100{s}\n" for s in ids), encoding="utf-8")
    start = str(time.time() + 3.0)
    argv = ["scan", str(data), str(CONFIG), start, str(scans)]
    results = children(argv, argv)

    log = EventLog.open(data / "station.sqlite3")
    try:
        received = Counter(
            s.event.payload["unit_id"] for s in log.events(kinds=[EventKind.UNIT_RECEIVED])
        )
        assert log.verify().ok
    finally:
        log.close()
    twice = {unit: n for unit, n in received.items() if n > 1}
    assert not twice, f"received more than once: {twice}"
    assert set(received) == set(ids)
    verdicts: Counter[str] = Counter()
    for result in results:
        verdicts.update(result["verdicts"])  # type: ignore[arg-type]
    assert verdicts["accept"] == PALLETS, verdicts
    assert verdicts["info"] == PALLETS, verdicts  # the other process's DUPLICATE_SCAN


class Listener:
    """A ZPL printer stand-in on a real socket: counts the jobs it is sent."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
            self.jobs.append(data)
            conn.close()


def test_two_processes_never_send_one_print_job_twice(tmp_path: Path) -> None:
    listener = Listener()
    url = f"zpl+tcp://127.0.0.1:{listener.port}"
    config = load_config(CONFIG)
    data = tmp_path / "data"
    station = open_station(_with_printer(config, url), data)
    try:
        station.import_files([REPO / "config" / "demo" / "clean.json"])
        for text in ("B-1001", "BOL-778001", "SL0041871", "]C100006141412610010016"):
            assert station.recorder.handle(Scan(text)).durable
        operator = station.config.operator_by_badge("B-1001")
        jobs = [station.printing.queue("006141412610010016", operator) for _ in range(40)]
    finally:
        station.close()
    start = str(time.time() + 3.0)
    argv = ["print", str(data), str(CONFIG), start, url]
    results = children(argv, argv)
    sent = [s for r in results for s in r["states"]]  # type: ignore[attr-defined]
    assert sent.count("sent") == len(jobs), sent
    assert sent.count("skipped") == len(sent) - len(jobs), sent
    deadline = time.monotonic() + 10
    while len(listener.jobs) < len(jobs) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    listener.sock.close()
    assert len(listener.jobs) == len(jobs)


def test_the_projection_refuses_a_second_receive(tmp_path: Path, config: StationConfig) -> None:
    station = open_station(config, tmp_path / "data")
    try:
        station.import_files([REPO / "config" / "demo" / "clean.json"])
        for text in ("B-1001", "BOL-778001", "SL0041871", "]C100006141412610010016"):
            assert station.recorder.handle(Scan(text)).durable
        (first,) = [s.event for s in station.log.events(kinds=[EventKind.UNIT_RECEIVED])]
        again = type(first).new(
            EventKind.UNIT_RECEIVED,
            station_id=first.station_id,
            operator_id=first.operator_id,
            recorded_at=first.recorded_at,
            payload=first.payload,
        )
        before = station.log.count()
        with pytest.raises(StoreError, match="already received"):
            station.log.append([again])
        assert station.log.count() == before
    finally:
        station.close()


def _with_printer(config: StationConfig, url: str) -> StationConfig:
    return dataclasses.replace(config, printers=(url,))


def test_a_hold_decided_meanwhile_by_another_process_is_not_decided_twice(
    tmp_path: Path, config: StationConfig
) -> None:
    """The other station's release lands between this desk's first look and its commit."""
    risky = "073500532610040026"
    reason = "Mill certificate MC-88 and smelter audit show the wafers came from Norway"
    here = open_station(config, tmp_path / "data")
    other = open_station(config, tmp_path / "data")
    try:
        here.import_files([REPO / "config" / "demo" / "high-risk.json"])
        for text in ("B-1001", "BOL-778004", "SL0042001", f"00{risky}"):
            assert here.recorder.handle(Scan(text)).durable
        view = here.quarantine.view
        first_look = view.hold

        def hold_then_decided_elsewhere(kind: str, entity: str) -> HoldRecord | None:
            found = first_look(kind, entity)
            if found is not None and not decided_elsewhere:
                decided_elsewhere.append(
                    other.quarantine.decide(
                        Decision.RELEASE, kind, entity, Credentials("B-2001", "2468"), reason
                    )
                )
            return found

        decided_elsewhere: list[object] = []
        here.quarantine.view = _Looking(view, hold_then_decided_elsewhere)
        result = here.quarantine.decide(
            Decision.RELEASE, "unit", risky, Credentials("B-2001", "2468"), reason
        )
        assert decided_elsewhere, "the other station's decision did not run"
        assert result.verdict.value == "reject" and "not on hold" in result.message
        released = list(here.log.events(kinds=[EventKind.HOLD_RELEASED]))
        assert len(released) == 1
    finally:
        here.close()
        other.close()


class _Looking:
    """The desk's view, with `hold` replaced (the rest is the real SQLite view)."""

    def __init__(self, view: object, hold: object) -> None:
        self._view = view
        self.hold = hold

    def __getattr__(self, name: str) -> object:
        return getattr(self._view, name)
