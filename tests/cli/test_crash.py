"""Crash test of `station scan`: SIGKILL mid-burst loses no acknowledged scan, doubles none.

The CLI runs as a real subprocess (``python -m station.cli``) on a data dir holding a
generated 300-pallet manifest. A thread writes every pallet scan into its stdin at
once; after K verdict lines have been read, the process gets SIGKILL. Then:

* every input whose verdict line the process wrote is in the log exactly once, and
  the logged inputs are a prefix of what was fed: at most one scan beyond the last
  verdict line (the one in flight, committed but not yet printed) may be there;
* `station verify-log` accepts the chain;
* a restarted `station scan` fed every pallet again answers "info" with
  DUPLICATE_SCAN for the pallets already received and "accept" for the rest, after
  which each pallet has exactly one ``unit.received`` event and the chain verifies.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from biip.checksums import gs1_standard_check_digit

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
SHIPMENT = "SHP-7001"
PALLETS = 300
TIMEOUT_S = 30.0
CLI = (sys.executable, "-m", "station.cli")


def sscc(serial: int) -> str:
    body = f"00614141{serial:09d}"
    return body + str(gs1_standard_check_digit(body))


def manifest(pallets: int) -> dict[str, Any]:
    """A valid inbound manifest with full moving data on every pallet."""
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
    return {
        "manifest_version": 1,
        "shipment_id": SHIPMENT,
        "direction": "inbound",
        "bill_of_lading": "BOL-700001",
        "purchase_orders": ["PO-70001"],
        "seals": ["SL7000001"],
        "units": [
            {"sscc": sscc(500_000 + i), "packaging": "pallet", "contents": [line]}
            for i in range(pallets)
        ],
    }


def station(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one `station` sub-command to completion."""
    return subprocess.run(
        [*CLI, *args, "--data-dir", str(data_dir), "--config", str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=REPO,
        check=False,
    )


@contextmanager
def scanning(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """`station scan --json` on `data_dir`, stdin and stdout pipes; killed if it hangs."""
    proc = subprocess.Popen(
        [
            *CLI,
            "scan",
            "--json",
            "--mode",
            "receive",
            "--operator",
            "B-1001",
            "--shipment",
            SHIPMENT,
            "--data-dir",
            str(data_dir),
            "--config",
            str(CONFIG),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    watchdog = threading.Timer(TIMEOUT_S, proc.kill)
    watchdog.start()
    try:
        yield proc
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            try:
                if pipe is not None:
                    pipe.close()
            except BrokenPipeError:
                pass


def burst(proc: subprocess.Popen[str], lines: Sequence[str], *, close: bool) -> threading.Thread:
    """Write every line into the process's stdin from a thread, as a scanner burst would."""
    assert proc.stdin is not None
    stdin = proc.stdin

    def write() -> None:
        try:
            stdin.write("".join(line + "\n" for line in lines))
            stdin.flush()
            if close:
                stdin.close()
        except (BrokenPipeError, ValueError):  # killed while writing: expected here
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def verdicts(proc: subprocess.Popen[str], limit: int | None = None) -> list[dict[str, Any]]:
    """Read verdict lines until `limit` are read, or to end of output (partial line dropped)."""
    assert proc.stdout is not None
    read: list[dict[str, Any]] = []
    while limit is None or len(read) < limit:
        line = proc.stdout.readline()
        if not line.endswith("\n"):
            break
        read.append(json.loads(line))
    return read


def logged(data_dir: Path) -> list[dict[str, Any]]:
    """The event log through `station events --json`."""
    done = station(data_dir, "events", "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def assert_chain_ok(data_dir: Path) -> None:
    done = station(data_dir, "verify-log")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK: "), done.stdout


@pytest.fixture
def data_dir(tmp_path: Path) -> tuple[Path, list[str]]:
    """A data dir with the 300-pallet shipment imported through the CLI; its scan lines."""
    data = tmp_path / "data"
    path = tmp_path / f"{SHIPMENT}.json"
    spec = manifest(PALLETS)
    path.write_text(json.dumps(spec), encoding="utf-8")
    done = station(data, "import", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"imported {SHIPMENT}"
    return data, [f"]C100{unit['sscc']}" for unit in spec["units"]]


@pytest.mark.parametrize("window", [(40, 60), (70, 95), (100, 120)], ids=["early", "mid", "late"])
def test_sigkill_mid_burst_keeps_every_acknowledged_scan_once(
    data_dir: tuple[Path, list[str]], window: tuple[int, int]
) -> None:
    data, scans = data_dir
    kill_after = random.randint(*window)
    where = f"(killed after {kill_after} verdict lines)"

    with scanning(data) as proc:
        opened = verdicts(proc, 1)
        assert opened and opened[0]["input"] == SHIPMENT, opened
        assert opened[0]["verdict"] == "info" and opened[0]["recorded"]
        writer = burst(proc, scans, close=False)
        first = verdicts(proc, kill_after)
        assert len(first) == kill_after, f"scan stopped early {where}"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(TIMEOUT_S) == -signal.SIGKILL
        printed = first + verdicts(proc)  # what it wrote before dying is still in the pipe
        writer.join(TIMEOUT_S)

    assert [v["input"] for v in printed] == scans[: len(printed)], where
    assert all(v["verdict"] == "accept" and v["recorded"] for v in printed), where
    assert len(printed) < len(scans), f"the process finished before the kill {where}"

    events = logged(data)
    inputs = [e["payload"]["input"] for e in events if e["kind"] == "scan.recorded"]
    fed = set(scans)
    pallet_inputs = [i for i in inputs if i in fed]
    twice = [i for i, n in Counter(pallet_inputs).items() if n > 1]
    assert not twice, f"scans logged twice {where}: {twice}"
    assert pallet_inputs == scans[: len(pallet_inputs)], f"log is not a prefix of the feed {where}"
    in_flight = len(pallet_inputs) - len(printed)
    assert 0 <= in_flight <= 1, f"{len(printed)} printed, {len(pallet_inputs)} logged {where}"
    received = Counter(e["payload"]["unit_id"] for e in events if e["kind"] == "unit.received")
    assert received == Counter(s.removeprefix("]C100") for s in pallet_inputs), where
    printed_ids = {e for v in printed for e in v["event_ids"]}
    assert printed_ids <= {e["id"] for e in events}, f"acknowledged events missing {where}"
    assert_chain_ok(data)

    with scanning(data) as proc:
        opened = verdicts(proc, 1)
        assert opened and opened[0]["verdict"] == "info", opened
        writer = burst(proc, scans, close=True)
        second = verdicts(proc)
        writer.join(TIMEOUT_S)
        assert proc.wait(TIMEOUT_S) == 0, proc.stderr and proc.stderr.read()

    assert [v["input"] for v in second] == scans
    done = set(pallet_inputs)
    for result in second:
        codes = [f["code"] for f in result["findings"]]
        if result["input"] in done:
            assert (result["verdict"], codes) == ("info", ["DUPLICATE_SCAN"]), result
        else:
            assert (result["verdict"], codes) == ("accept", []), result
        assert result["recorded"], result

    events = logged(data)
    received = Counter(e["payload"]["unit_id"] for e in events if e["kind"] == "unit.received")
    assert received == Counter(s.removeprefix("]C100") for s in scans), where
    assert_chain_ok(data)
