"""The sub-commands that start the TUI: ``run``, and ``demo`` (fresh demo data first).

Textual loads only here, when one of them runs: every other command stays headless.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.cli.common import EXIT_OK, open_from_args

if TYPE_CHECKING:
    from station.bootstrap import Station


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``demo`` and ``run`` to the `station` command's sub-parsers."""
    demo = sub.add_parser(
        "demo", parents=[common], help="fresh data dir with demo shipments, then the TUI"
    )
    demo.add_argument(
        "--no-tui", action="store_true", help="prepare the demo data and print its directory"
    )
    sub.add_parser("run", parents=[common], help="start the station TUI")


def cmd_demo(args: argparse.Namespace) -> int:
    from station.bootstrap import open_station  # noqa: PLC0415 - loaded when a command runs
    from station.config import bundled_config_dir, demo_config_path, load_config  # noqa: PLC0415

    # The demo roster (a supervisor whose PIN the README prints) is for the demo only:
    # $STATION_CONFIG names a real dock's file, so the demo does not read it.
    config = load_config(args.config or demo_config_path())
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="station-demo-"))
    station = open_station(config, data_dir, writer="station demo")
    demo_dir = bundled_config_dir() / "demo"
    manifests = sorted(p for p in demo_dir.iterdir() if p.suffix in (".json", ".csv"))
    result = station.import_files(manifests)
    print(
        f"Demo data in {data_dir}: {len(result.imported) + len(result.unchanged)} shipments "
        f"({', '.join(result.imported + result.unchanged)})"
    )
    print(
        f"Scan sequences to try: {demo_dir / 'scans'}; badges B-1001 (clerk), B-1003 (lapsed), "
        "B-2001 (supervisor, PIN 2468: demo only)."
    )
    if args.no_tui:
        station.close()
        return EXIT_OK
    return _run_tui(station)


def cmd_run(args: argparse.Namespace) -> int:
    return _run_tui(open_from_args(args))


def _run_tui(station: Station) -> int:
    from station.tui.app import StationApp  # noqa: PLC0415 - keep Textual out of headless paths

    try:
        StationApp(station).run()
    finally:
        station.close()
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"demo": cmd_demo, "run": cmd_run}
"""Sub-command name -> handler, merged into the `station` command's table."""
