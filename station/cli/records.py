"""What the station knows, from the command line: ``import`` manifests, ``show`` a
record, ``parse`` one code as the scanners' would be, list the ``events`` of the log
and ``verify-log`` its hash chain (against its anchor, keyed or not) and the stored state
against a replay of the log.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from station.cli.common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    config_from_args,
    print_json,
    refuse,
    station_from_args,
)
from station.domain.printable import printable
from station.domain.scanning.codes import Gs1Code

_CODE_FIELDS = ("number", "badge", "kind", "command")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``import``, ``parse``, ``show``, ``events`` and ``verify-log``."""
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

    verify = sub.add_parser("verify-log", parents=[common], help="check the event log's hash chain")
    verify.add_argument(
        "--archive", type=Path, help="check an archive written by `station export` instead"
    )
    verify.add_argument(
        "--since-anchor",
        action="store_true",
        help="check only the events after the head the last check verified (kept in the anchor)",
    )
    verify.add_argument(
        "--chain-only",
        action="store_true",
        help="check the hash chain only, not the stored state against a replay of the log",
    )


def cmd_import(args: argparse.Namespace) -> int:
    with station_from_args(args) as station:
        result = station.import_files(args.paths)
    for shipment_id in result.imported:
        print(f"imported {printable(shipment_id)}")
    for shipment_id in result.unchanged:
        print(f"unchanged {printable(shipment_id)} (already imported)")
    for line in result.refused:
        print(f"refused: {printable(line, None)}", file=sys.stderr)
    if result.refused:
        print("nothing was imported: an import is all or nothing", file=sys.stderr)
    return EXIT_ERROR if result.refused else EXIT_OK


def cmd_parse(args: argparse.Namespace) -> int:
    from station.domain.scanning.classify import classify  # noqa: PLC0415 - loads the GS1 parser

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
                for k in _CODE_FIELDS
                if hasattr(code, k)
            }
        print_json(data)
    else:
        print(f"{type(code).__name__}: {printable(text)}")
        if isinstance(code, Gs1Code):
            print(
                f"  form: {code.form.value}"
                + (f", symbology {code.symbology}" if code.symbology else "")
            )
            for ai, value in code.ais:
                print(f"  ({ai}) {printable(value)}")
        for field in _CODE_FIELDS:
            if hasattr(code, field):
                value = getattr(code, field)
                print(f"  {field}: {printable(str(getattr(value, 'value', value)))}")
        for finding in findings:
            print(f"  {finding.code.value}: {finding.message}")
    return EXIT_OK if recognised else EXIT_INVALID


def cmd_show(args: argparse.Namespace) -> int:
    from station.services.show import describe  # noqa: PLC0415 - loaded when a command runs

    with station_from_args(args, writes=False) as station:
        found = describe(station.view, args.id)
    if found is None:
        return refuse(f"nothing is known by {printable(args.id)!r}")
    if args.json:
        print_json(found.data, indent=2)
    else:
        print(found.text)
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    with station_from_args(args, writes=False) as station:
        for stored in station.log.events(after_seq=args.after):
            event = stored.event
            if args.json:
                print_json(
                    {
                        "seq": stored.seq,
                        "id": event.id,
                        "kind": event.kind.value,
                        "station_id": event.station_id,
                        "operator_id": event.operator_id,
                        "recorded_at": event.recorded_at.isoformat(),
                        "payload": event.payload,
                        "hash": stored.hash,
                    }
                )
            else:
                summary = event.payload.get("headline") or event.payload.get("shipment_id") or ""
                print(
                    f"{stored.seq:>8} {event.recorded_at:%Y-%m-%d %H:%M:%S} {event.kind.value:<24} "
                    f"{event.operator_id or '-':<10} {printable(str(summary), 80)}"
                )
    return EXIT_OK


def cmd_verify_log(args: argparse.Namespace) -> int:
    if args.archive is not None:
        from station.services.archive import verify_archive  # noqa: PLC0415
        from station.services.integrity import integrity_options  # noqa: PLC0415

        checked = verify_archive(args.archive, integrity_options(config_from_args(args)).secret)
        print(f"{'OK' if checked.ok else 'BROKEN'}: {checked.message}")
        return EXIT_OK if checked.ok else EXIT_INVALID
    from station.cli.integrity import run_check  # noqa: PLC0415
    from station.services.integrity import verify_log  # noqa: PLC0415

    code = run_check(
        args, lambda config, path: verify_log(config, path, since_anchor=args.since_anchor)
    )
    if code != EXIT_OK or args.chain_only or args.since_anchor:
        return code
    with station_from_args(args, writes=False) as station:
        replay = station.replay_check()
    if replay.ok:
        print(f"OK: the stored state is what a replay of the {replay.events} events gives")
        return EXIT_OK
    if replay.error:
        print(f"BROKEN: {printable(replay.error, 600)}")
    if replay.total:
        print(
            f"BROKEN: the stored state differs from a replay of the log in {replay.total} "
            "place(s); the database was edited behind the station's back:"
        )
        for difference in replay.differences:
            print(f"  - {printable(difference.describe(), 600)}")
        if replay.total > len(replay.differences):
            print(f"  ... and {replay.total - len(replay.differences)} more")
    return EXIT_INVALID


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": cmd_import,
    "parse": cmd_parse,
    "show": cmd_show,
    "events": cmd_events,
    "verify-log": cmd_verify_log,
}
"""Sub-command name -> handler, merged into the `station` command's table."""
