"""The release-dock sub-commands of `station`: ``gate`` and ``release list|show|export``.

``station release hand-entry UNIT`` puts a unit whose label cannot be read on the open
release with a supervisor's badge, PIN and reason, where ``[release] hand_entry``
allows it. ``station gate ID`` answers whether a unit has been released and on which shipment
(exit 0 released, 1 not), for a guard or a forklift driver with a terminal.
``station release export SHIPMENT`` writes a shipped order's outbound manifest again
from the shipping record in the event log. Scanning itself is ``station scan --mode
release``, through the same recorder as the TUI.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    print_json,
    print_listing,
    refuse,
    station_from_args,
)
from station.domain.printable import printable

if TYPE_CHECKING:
    from station.bootstrap import Station
    from station.domain.checks.release import ReleaseRecord


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``gate`` and ``release`` to the `station` command's sub-parsers."""
    gate = sub.add_parser(
        "gate", parents=[common], help="has this unit been released? (exit 0 yes, 1 no)"
    )
    gate.add_argument("id", help="SSCC, lot id, GS1 label text (\\x1d for GS) or item key")
    gate.add_argument("--json", action="store_true", help="print JSON")

    release = sub.add_parser("release", help="outbound orders and their releases")
    actions = release.add_subparsers(dest="release_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="outbound orders and state")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = actions.add_parser("show", parents=[common], help="one release or order")
    show.add_argument("id", help="release id or the order's shipment id")
    show.add_argument("--json", action="store_true", help="print JSON")
    export = actions.add_parser(
        "export", parents=[common], help="write a shipped order's outbound manifest again"
    )
    export.add_argument("shipment", help="the order's shipment id")
    export.add_argument("--out", type=Path, help="file to write (default: data dir outbound/)")
    hand = actions.add_parser(
        "hand-entry",
        parents=[common],
        help="put a unit typed by hand on the open release (supervisor's badge, PIN, reason)",
    )
    hand.add_argument("unit", help="the unit's id (lot, SSCC or item key) as typed")
    hand.add_argument("--operator", required=True, metavar="BADGE", help="who is releasing")
    hand.add_argument("--supervisor", required=True, metavar="BADGE", help="who authorises it")
    hand.add_argument("--reason", required=True, help="why the label could not be scanned")


def cmd_gate(args: argparse.Namespace) -> int:
    from station.workflows.gate import gate_check  # noqa: PLC0415 - loaded when a command runs

    with station_from_args(args, writes=False) as station:
        answer = gate_check(
            station.releases, args.id.replace("\\x1d", "\x1d"), station.config.rules
        )
    if args.json:
        print_json(answer.as_dict())
    else:
        print(answer.headline)
        for reason in answer.reasons:
            print(f"  - {printable(reason)}")
        if answer.released:
            print(f"  released {answer.released_at} by {answer.released_by or '?'}")
            print(f"  seals: {', '.join(answer.seals) or '-'}")
    return EXIT_OK if answer.released else EXIT_INVALID


def cmd_release(args: argparse.Namespace) -> int:
    # Only export writes (a file into the data dir); list and show read.
    with station_from_args(args, writes=args.release_command == "export") as station:
        return _ACTIONS[args.release_command](station, args)


def _list(station: Station, args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    for order in station.releases.orders():
        releases = station.releases.releases_of(order.shipment_id)
        last = releases[-1] if releases else None
        manifest = order.manifest
        rows.append(
            {
                "shipment_id": order.shipment_id,
                "buyer": manifest.buyer.name if manifest.buyer else None,
                "purchase_orders": list(manifest.purchase_orders),
                "units": len(manifest.units),
                "state": last.status.value if last else "not started",
                "release_id": last.release_id if last else None,
            }
        )
    print_listing(rows, args.json, lambda row: row, _order_line, empty="no outbound orders")
    return EXIT_OK


def _order_line(row: dict[str, Any]) -> str:
    return (
        f"{printable(row['shipment_id'], 20):<20} {row['state']:<12} "
        f"{row['units']:>4} units  {printable(row['buyer'] or '-', 30):<30} "
        f"{', '.join(row['purchase_orders'])}"
    )


def _show(station: Station, args: argparse.Namespace) -> int:
    release = station.releases.release(args.id)
    if release is None:
        found = station.releases.releases_of(args.id)
        release = found[-1] if found else None
    if release is None:
        return refuse(f"no release of or by {printable(args.id)!r}")
    data = _release_data(station, release)
    if args.json:
        print_json(data, indent=2)
        return EXIT_OK
    print(
        f"Release {release.release_id} of {release.shipment_id} at {release.station_id}: "
        f"{release.status.value}"
    )
    print(f"  opened {release.opened_at} by {release.opened_by or '?'}")
    if release.completed_at:
        print(f"  completed {release.completed_at} by {release.completed_by or '?'}")
    print(f"  BOL {release.bill_of_lading or '-'}  seals {', '.join(data['seals']) or '-'}")
    for row in data["board"]:
        print(
            f"    {printable(row['unit_id'], 40):<40} {row['state']:<8}"
            f"{'' if row['ordered'] else ' (not ordered)'} {row['note']}"
        )
    return EXIT_OK


def _release_data(station: Station, release: ReleaseRecord) -> dict[str, Any]:
    return {
        "release_id": release.release_id,
        "shipment_id": release.shipment_id,
        "station_id": release.station_id,
        "status": release.status.value,
        "opened_at": release.opened_at,
        "opened_by": release.opened_by,
        "completed_at": release.completed_at,
        "completed_by": release.completed_by,
        "bill_of_lading": release.bill_of_lading,
        "refusals": release.refusals,
        "seals": station.releases.seals(release.release_id),
        "board": [
            {"unit_id": r.unit_id, "ordered": r.ordered, "state": r.state, "note": r.note}
            for r in station.release.board(release)
        ],
    }


def _export(station: Station, args: argparse.Namespace) -> int:
    path = station.release.export(args.shipment, args.out)
    print(f"wrote {path}")
    return EXIT_OK


def _hand_entry(station: Station, args: argparse.Namespace) -> int:
    from station.workflows.release_hand_entry import HandEntryApproval  # noqa: PLC0415

    login = station.release_recorder.login(args.operator)
    if station.release.operator is None:
        return refuse(f"refused: {login.outcome.headline}", EXIT_INVALID)
    supervisor = station.config.operator_by_badge(args.supervisor.strip())
    pin = _read_pin(supervisor.name) if supervisor and supervisor.pin_hash else None
    approval = HandEntryApproval(args.supervisor, args.reason, pin)
    recorded = station.release_recorder.commit(station.release.hand_entry(args.unit, approval))
    outcome = recorded.outcome
    print(outcome.headline)
    for finding in outcome.findings[1:]:
        print(f"  - {finding.message}")
    return EXIT_OK if recorded.durable and outcome.verdict.value == "accept" else EXIT_INVALID


def _read_pin(name: str) -> str:
    """The supervisor's PIN, from the terminal without echo, or one line of stdin."""
    if sys.stdin.isatty():
        return getpass.getpass(f"PIN for {name}: ")
    return sys.stdin.readline().strip()


_ACTIONS: dict[str, Callable[[Station, argparse.Namespace], int]] = {
    "hand-entry": _hand_entry,
    "list": _list,
    "show": _show,
    "export": _export,
}

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gate": cmd_gate,
    "release": cmd_release,
}
"""Sub-command name -> handler, merged into the `station` command's table."""
