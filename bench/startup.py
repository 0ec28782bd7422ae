"""Start-up times of the station's entry points, next to a bare Python start.

Each figure is the wall time from spawning a fresh interpreter to what the user
waits for, best and median of ``--runs`` runs:

* baseline: ``python -c pass``;
* ``station --help`` to its exit;
* headless ``station scan --operator B-1001 --shipment SHP-1001`` (demo data) to
  its first verdict line on stdout;
* the TUI (``StationApp`` on the demo data, Textual headless driver) to its first
  screen drawn: the moment Textual hands the running app to its auto-pilot, after
  the first screen has been composed, laid out and rendered.

Targets (issue 13): ``--help`` under 150 ms, the first headless verdict under
300 ms, the first TUI screen under 700 ms. On a shared machine the absolute figures
move with its load; the baseline of the same run shows by how much.

    uv run python bench/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
REPO = Path(__file__).resolve().parents[1]
TUI_CHILD = """
import sys
from station.bootstrap import open_station
from station.config import load_config
from station.tui.app import StationApp

async def painted(pilot):
    print("painted", flush=True)
    pilot.app.exit()

station = open_station(load_config(sys.argv[1]), __import__("pathlib").Path(sys.argv[2]))
try:
    StationApp(station).run(headless=True, size=(80, 24), auto_pilot=painted)
finally:
    station.close()
"""


def until_line(
    argv: list[str], stdin: str | None = None, env: dict[str, str] | None = None
) -> float:
    """Seconds from spawning `argv` to its first stdout line (or its exit, if silent)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert child.stdin is not None and child.stdout is not None
    if stdin is not None:
        child.stdin.write(stdin)
    child.stdin.close()
    child.stdout.readline()
    took = time.perf_counter() - started
    child.stdout.read()
    child.wait()
    return took


def until_exit(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=REPO)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    config = REPO / "config" / "station.example.toml"
    data_dir = Path(tempfile.mkdtemp(prefix="station-startup-"))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    station = [PYTHON, "-m", "station.cli"]
    common = ["--config", str(config), "--data-dir", str(data_dir)]
    try:
        until_exit([*station, "demo", "--no-tui", *common])
        cases = {
            "baseline: python -c pass": lambda: until_exit([PYTHON, "-c", "pass"]),
            "station --help": lambda: until_exit([*station, "--help"]),
            "station scan: first verdict": lambda: until_line(
                [*station, "scan", *common, "--operator", "B-1001", "--shipment", "SHP-1001"],
                stdin="]C100006141412610010016\n",
                env=env,
            ),
            "TUI: first screen drawn": lambda: until_line(
                [PYTHON, "-c", TUI_CHILD, str(config), str(data_dir)]
            ),
        }
        targets = {"station --help": 150, "station scan: first verdict": 300}
        targets["TUI: first screen drawn"] = 700
        results = {name: [] for name in cases}  # type: dict[str, list[float]]
        for case in cases.values():
            case()  # warm the file cache and the bytecode
        for _ in range(args.runs):
            for name, case in cases.items():
                results[name].append(case() * 1000)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\nstart-up, ms over {args.runs} runs (wall, fresh interpreter each):")
    print(f"  {'':<32} {'best':>8} {'median':>8} {'target':>8}")
    for name, values in results.items():
        target = targets.get(name)
        mark = f"< {target}" if target else ""
        print(f"  {name:<32} {min(values):>8.0f} {statistics.median(values):>8.0f} {mark:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
