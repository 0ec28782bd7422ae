"""The `station` command: one front end over the workflows, store and TUI.

Every sub-command accepts ``--config`` (or ``$STATION_CONFIG``) and ``--data-dir``
(or ``$STATION_DATA_DIR``). Errors a person must fix are printed in one line and
exit with status 2; nothing prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from station import __version__
from station.bootstrap import Station, open_station
from station.cli import devices as cli_devices
from station.cli import lots as cli_lots
from station.cli import release as release_cli
from station.cli.common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    config_from_args,
    open_from_args,
)
from station.config import bundled_config_dir
from station.domain.operators import hash_pin
from station.domain.printable import printable
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code
from station.errors import StationError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; its help is the CLI reference."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        help="station config TOML (default: $STATION_CONFIG or the bundled example)",
    )
    common.add_argument(
        "--data-dir",
        type=Path,
        help="data directory (default: $STATION_DATA_DIR or ~/.local/share/station)",
    )
    parser = argparse.ArgumentParser(
        prog="station",
        description="Barcode scanning station for traceable receiving and release docks.",
    )
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", parents=[common], help="fresh data dir with demo shipments, then the TUI"
    )
    demo.add_argument(
        "--no-tui", action="store_true", help="prepare the demo data and print its directory"
    )
    sub.add_parser("run", parents=[common], help="start the station TUI")

    imp = sub.add_parser("import", parents=[common], help="import inbound manifests (JSON or CSV)")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    parse = sub.add_parser(
        "parse", parents=[common], help="interpret one code; exit 0 if recognised, 1 if not"
    )
    parse.add_argument("text", help="the code; the four characters \\x1d stand for GS")
    parse.add_argument("--json", action="store_true", help="print JSON")

    show = sub.add_parser("show", parents=[common], help="show a shipment, unit or receipt")
    show.add_argument("id", help="shipment id, BOL, PO, SSCC / unit id or receipt id")
    show.add_argument("--json", action="store_true", help="print JSON")

    events = sub.add_parser("events", parents=[common], help="list the event log")
    events.add_argument("--json", action="store_true", help="one JSON object per line")
    events.add_argument(
        "--after", type=int, default=0, help="only events after this sequence number"
    )

    sub.add_parser("verify-log", parents=[common], help="check the event log's hash chain")

    scan = sub.add_parser(
        "scan",
        parents=[common],
        help="headless: one scan per stdin line, one verdict per stdout line",
    )
    scan.add_argument(
        "--mode",
        choices=["receive", "release"],
        default="receive",
        help="workflow (default receive)",
    )
    scan.add_argument("--operator", required=True, metavar="BADGE", help="badge of the operator")
    scan.add_argument(
        "--shipment", metavar="ID", help="shipment to open or join before the first scan"
    )
    scan.add_argument("--json", action="store_true", help="one JSON object per line")

    cli_devices.add_parsers(sub, common)
    cli_lots.add_parsers(sub, common)
    release_cli.add_parsers(sub, common)
    sub.add_parser("check-config", parents=[common], help="validate the config file")
    pin = sub.add_parser(
        "hash-pin", help="print the pin_hash for a roster entry (reads the PIN from stdin)"
    )
    pin.add_argument("--pin", help="the PIN (default: read one line from stdin)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args))
    except StationError as exc:
        print(f"station: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
        sys.stderr.close()
        return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="station-demo-"))
    station = open_station(config, data_dir)
    demo_dir = bundled_config_dir() / "demo"
    manifests = sorted(p for p in demo_dir.iterdir() if p.suffix in (".json", ".csv"))
    result = station.import_files(manifests)
    print(
        f"Demo data in {data_dir}: {len(result.imported) + len(result.unchanged)} shipments "
        f"({', '.join(result.imported + result.unchanged)})"
    )
    print(f"Scan sequences to try: {demo_dir / 'scans'}; badges B-1001 (clerk), B-1003 (lapsed).")
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


def cmd_import(args: argparse.Namespace) -> int:
    station = open_from_args(args)
    try:
        result = station.import_files(args.paths)
    finally:
        station.close()
    for shipment_id in result.imported:
        print(f"imported {shipment_id}")
    for shipment_id in result.unchanged:
        print(f"unchanged {shipment_id} (already imported)")
    for line in result.refused:
        print(f"refused: {line}", file=sys.stderr)
    return EXIT_ERROR if result.refused else EXIT_OK


def cmd_parse(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    text = args.text.replace("\\x1d", "\x1d")
    code = classify(text, config.rules)
    findings = getattr(code, "findings", ())
    recognised = not findings
    if args.json:
        data: dict[str, Any] = {
            "input": text,
            "kind": type(code).__name__,
            "recognised": recognised,
            "findings": [f.as_dict() for f in findings],
        }
        if isinstance(code, Gs1Code):
            data |= {
                "form": code.form.value,
                "symbology": code.symbology,
                "ais": [{"ai": ai, "value": value} for ai, value in code.ais],
                "dates": {ai: d.isoformat() for ai, d in code.dates},
            }
        else:
            data |= {
                k: getattr(code, k).value
                if hasattr(getattr(code, k), "value")
                else getattr(code, k)
                for k in ("number", "badge", "kind", "command")
                if hasattr(code, k)
            }
        print(json.dumps(data, ensure_ascii=True))
    else:
        print(f"{type(code).__name__}: {printable(text)}")
        if isinstance(code, Gs1Code):
            print(
                f"  form: {code.form.value}"
                + (f", symbology {code.symbology}" if code.symbology else "")
            )
            for ai, value in code.ais:
                print(f"  ({ai}) {printable(value)}")
        for field in ("number", "badge", "kind", "command"):
            if hasattr(code, field):
                value = getattr(code, field)
                print(f"  {field}: {printable(str(getattr(value, 'value', value)))}")
        for finding in findings:
            print(f"  {finding.code.value}: {finding.message}")
    return EXIT_OK if recognised else EXIT_INVALID


def cmd_show(args: argparse.Namespace) -> int:
    from station.services.show import describe  # noqa: PLC0415

    station = open_from_args(args)
    try:
        found = describe(station.view, args.id)
    finally:
        station.close()
    if found is None:
        print(f"station: nothing is known by {printable(args.id)!r}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(found.data, ensure_ascii=True, indent=2))
    else:
        print(found.text)
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    station = open_from_args(args)
    try:
        for stored in station.log.events(after_seq=args.after):
            event = stored.event
            if args.json:
                print(
                    json.dumps(
                        {
                            "seq": stored.seq,
                            "id": event.id,
                            "kind": event.kind.value,
                            "station_id": event.station_id,
                            "operator_id": event.operator_id,
                            "recorded_at": event.recorded_at.isoformat(),
                            "payload": event.payload,
                            "hash": stored.hash,
                        },
                        ensure_ascii=True,
                    )
                )
            else:
                summary = event.payload.get("headline") or event.payload.get("shipment_id") or ""
                print(
                    f"{stored.seq:>8} {event.recorded_at:%Y-%m-%d %H:%M:%S} {event.kind.value:<24} "
                    f"{event.operator_id or '-':<10} {printable(str(summary), 80)}"
                )
    finally:
        station.close()
    return EXIT_OK


def cmd_verify_log(args: argparse.Namespace) -> int:
    station = open_from_args(args)
    try:
        report = station.log.verify()
    finally:
        station.close()
    print(("OK: " if report.ok else "BROKEN: ") + report.message)
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_scan(args: argparse.Namespace) -> int:
    from station.cli.headless import result_json, result_text, run_scans  # noqa: PLC0415

    station = open_from_args(args)
    recorder = station.release_recorder if args.mode == "release" else station.recorder
    try:
        login = recorder.login(args.operator, device="headless")
        if login.outcome.login is None:
            print(f"station: {login.outcome.headline}", file=sys.stderr)
            return EXIT_ERROR
        if args.shipment:
            picked = recorder.select_shipment(args.shipment, device="headless")
            line = (
                json.dumps(result_json(args.shipment, picked))
                if args.json
                else result_text(args.shipment, picked)
            )
            print(line, flush=True)
            if picked.outcome.verdict.value in ("reject", "error"):
                return EXIT_ERROR
        failures = run_scans(recorder, sys.stdin, sys.stdout, as_json=args.json, device="headless")
    finally:
        station.close()
    return EXIT_ERROR if failures else EXIT_OK


def cmd_check_config(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    print(
        f"{config.path}: OK (station {config.station_id}, {len(config.operators)} operators, "
        f"{len(config.risk.rules)} risk rules)"
    )
    return EXIT_OK


def cmd_hash_pin(args: argparse.Namespace) -> int:
    pin = args.pin if args.pin is not None else sys.stdin.readline().strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        print("station: a PIN is 4 to 12 digits", file=sys.stderr)
        return EXIT_ERROR
    print(hash_pin(pin))
    return EXIT_OK


_COMMANDS = {
    "demo": cmd_demo,
    "run": cmd_run,
    "import": cmd_import,
    "parse": cmd_parse,
    "show": cmd_show,
    "events": cmd_events,
    "verify-log": cmd_verify_log,
    "scan": cmd_scan,
    **cli_devices.COMMANDS,
    **cli_lots.COMMANDS,
    "check-config": cmd_check_config,
    "hash-pin": cmd_hash_pin,
    **release_cli.COMMANDS,
}
