"""TUI scan latency with a container-sized shipment open, next to the headless scan.

Builds a station file with two inbound shipments of ``--units`` pallets each (the
manifests of ``bench/scan_latency.py``), then in one process:

* headless baseline: ``--scans`` pallet scans of the first shipment through
  `station.cli.headless.run_scans` (what ``station scan`` does per line), at a second
  station id so both receipts can be open at once;
* TUI: the real `StationApp` run headless by Textual's Pilot, logged in, the second
  shipment opened by its bill of lading and its seal checked; then ``--scans`` pallet
  labels, each posted as one burst of key events (AIM prefix, AI 00, the SSCC,
  Enter) the way a keyboard-wedge scanner types them. Timed from the first key of the
  burst reaching the app to the next screen refresh after the verdict banner shows
  the scan (`App.call_after_refresh`): key handling, the wedge filter, the decision,
  the commit, the banner, the tables and the paint.

Target (issue 13): TUI p99 within 2x the headless p99 of the same run.

    uv run python bench/tui_scan.py                    # 20,000 pallets, 300 scans
    uv run python bench/tui_scan.py --units 2000 --scans 100   # quick
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from textual import events

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_latency import (
    BADGE,
    CONFIG,
    make_manifest,
    pct,
    scan_line,
)

from drivers.wedge_textual import WedgeKeyFilter
from station.bootstrap import Station, open_station
from station.cli.headless import run_scans
from station.config import StationConfig, load_config
from station.ports import UnitStatus
from station.tui.app import StationApp, wedge_profile

HEADLESS, TUI = 5000, 5001


class BurstClock:
    """Monotonic time advancing 0.1 ms per reading: every key looks like a scanner's burst."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        self.t += 0.0001
        return self.t


def build(data_dir: Path, config: StationConfig, units: int) -> None:
    rng = random.Random(13)
    station = open_station(config, data_dir)
    try:
        for number in (HEADLESS, TUI):
            manifest = make_manifest(units, rng, number=number, first_serial=number * 100_000)
            path = data_dir / f"manifest-{number}.json"
            import json  # noqa: PLC0415

            path.write_text(json.dumps(manifest), encoding="utf-8")
            started = time.perf_counter()
            result = station.import_files([path])
            if not result.imported:
                raise SystemExit(f"import failed: {result}")
            took = time.perf_counter() - started
            print(f"imported SHP-{number}: {units:,} pallets in {took:.1f} s")
    finally:
        station.close()


def pallets(station: Station, number: int, n: int) -> list[str]:
    waiting = [
        u.unit_id
        for u in station.view.units(f"SHP-{number:04d}")
        if u.status is UnitStatus.EXPECTED
    ]
    return random.Random(number).sample(waiting, n)


def headless(config: StationConfig, data_dir: Path, scans: int) -> list[int]:
    station = open_station(dataclasses.replace(config, station_id="DOCK-B"), data_dir)
    try:
        sink = io.StringIO()
        run_scans(
            station.recorder,
            [BADGE + "\n", f"BOL-{HEADLESS * 100:06d}\n"],
            sink,
            as_json=True,
            device="headless",
        )
        manifest_seal = station.view.shipment(f"SHP-{HEADLESS:04d}")
        assert manifest_seal is not None
        run_scans(
            station.recorder,
            [manifest_seal.manifest.seals[0] + "\n"],
            sink,
            as_json=True,
            device="headless",
        )
        times: list[int] = []
        for unit_id in pallets(station, HEADLESS, scans + 1)[1:]:
            started = time.perf_counter_ns()
            run_scans(station.recorder, [scan_line(unit_id)], sink, as_json=True, device="headless")
            times.append(time.perf_counter_ns() - started)
        return times
    finally:
        station.close()


def key_events(text: str) -> list[events.Key]:
    names = {"]": "right_square_bracket", "-": "minus", "#": "number_sign"}
    keys = [events.Key(names.get(ch, ch), ch) for ch in text]
    return [*keys, events.Key("enter", "\r")]


async def tui(config: StationConfig, data_dir: Path, scans: int) -> tuple[list[int], list[int]]:
    station = open_station(config, data_dir)
    app = StationApp.__new__(StationApp)
    wedge = WedgeKeyFilter(app, wedge_profile(station.config.scanner), clock=BurstClock())
    StationApp.__init__(app, station, wedge=wedge)
    times: list[int] = []
    shown: list[int] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            painted = asyncio.Event()
            process = app.process
            done = [0]

            def timed_process(recorded: object) -> None:
                process(recorded)  # type: ignore[arg-type]
                done[0] = time.perf_counter_ns()
                app.call_after_refresh(painted.set)

            app.process = timed_process  # type: ignore[method-assign]

            async def burst(text: str) -> int:
                painted.clear()
                started = time.perf_counter_ns()
                for key in key_events(text):
                    app.post_message(key)
                await painted.wait()
                took = time.perf_counter_ns() - started
                shown.append(done[0] - started)
                await pilot.pause()
                return took

            await burst(BADGE)
            opened = await burst(f"BOL-{TUI * 100:06d}")
            print(f"TUI: opening SHP-{TUI} by its bill of lading took {opened / 1e6:.1f} ms")
            shipment = station.view.shipment(f"SHP-{TUI:04d}")
            assert shipment is not None
            await burst(shipment.manifest.seals[0])
            for unit_id in pallets(station, TUI, scans):
                times.append(await burst(scan_line(unit_id).strip()))
                assert app.last is not None and app.last.outcome.verdict.value == "accept", (
                    app.last and app.last.outcome.headline
                )
    finally:
        station.close()
    return times, shown[-len(times) :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20_000, help="pallets per shipment")
    parser.add_argument("--scans", type=int, default=300, help="scans timed on each path")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep it")
    args = parser.parse_args(argv)
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="station-tui-bench-"))
    config = load_config(CONFIG)
    try:
        if not (data_dir / "station.sqlite3").exists():
            build(data_dir, config, args.units)
        base = headless(config, data_dir, args.scans)
        painted, shown = asyncio.run(tui(config, data_dir, args.scans))
    finally:
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\nper scan, ms ({args.scans} scans each, {args.units:,}-pallet shipment open):")
    print(f"  {'':<40} {'p50':>8} {'p99':>8} {'max':>8}")
    for label, values in (
        ("headless scan (run_scans, baseline)", base),
        ("TUI: key burst -> banner and tables set", shown),
        ("TUI: key burst -> next frame painted", painted),
    ):
        p50, p99, worst = pct(values, 50), pct(values, 99), max(values) / 1e6
        print(f"  {label:<40} {p50:>8.2f} {p99:>8.2f} {worst:>8.2f}")
    print()
    for label, values in (("banner set", shown), ("frame painted", painted)):
        ratio = pct(values, 99) / pct(base, 99)
        verdict = "meets" if ratio <= 2 else "MISSES"
        print(f"TUI p99 ({label}) / headless p99 = {ratio:.1f}x: {verdict} the target (<= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
