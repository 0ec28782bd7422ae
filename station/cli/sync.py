"""``station sync``: one sync round headlessly (``--once``), or the sync status (``--status``).

``--once`` pushes everything waiting to the hub and pulls site data, then exits 0; when
the round could not finish (hub unreachable or busy, the token refused, the log refused
as a fork, gap or cut) it prints the reason on stderr and exits 1. ``--status`` prints
the state the TUI's footer and sync screen show (``--json`` for machines).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from station.cli.common import EXIT_INVALID, EXIT_OK, print_json, refuse, station_from_args
from station.domain.printable import printable


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``sync``."""
    sync = sub.add_parser(
        "sync", parents=[common], help="push the log to the hub and pull site data, or show status"
    )
    mode = sync.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="one round now; exit 1 if it failed")
    mode.add_argument("--status", action="store_true", help="show how the station stands")
    sync.add_argument("--json", action="store_true", help="--status as JSON")


def cmd_sync(args: argparse.Namespace) -> int:
    from station.services import sync  # noqa: PLC0415 - loaded when a command runs
    from station.sync.status import summary  # noqa: PLC0415

    with station_from_args(args) as station:
        if args.once:
            report = sync.sync_once(station)
            after = sync.status(station)
            if report.error is not None:
                return refuse(f"sync failed: {printable(str(report.error), 500)}", EXIT_INVALID)
            pushed = report.pushed.events if report.pushed else 0
            print(f"pushed {pushed} events; hub holds the log up to #{after.state.acked_seq}")
            for line in report.pulled:
                print(f"pulled: {printable(line, 300)}")
            return EXIT_OK
        found = sync.status(station)
        now = station.clock.now()
        if args.json:
            print_json(_status_data(found, now), indent=2)
        else:
            print(summary(found, now))
            for label, value in _status_lines(found):
                print(f"  {label}: {value}")
    return EXIT_OK


def _status_data(found: Any, now: Any) -> dict[str, Any]:
    state = found.state
    refusal = found.refusal
    return {
        "hub": found.hub,
        "online": found.online,
        "waiting": found.waiting,
        "oldest_unsent_age_s": found.oldest_age_s(now),
        "log_seq": found.log_seq,
        "acked_seq": state.acked_seq,
        "acked_hash": state.acked_hash,
        "last_success_at": state.last_success_at.isoformat() if state.last_success_at else None,
        "last_attempt_at": state.last_attempt_at.isoformat() if state.last_attempt_at else None,
        "last_error": state.last_error,
        "refused": None
        if refusal is None
        else {"reason": refusal.reason, "detail": refusal.detail, "at": refusal.at.isoformat()},
        "pulled": {
            p.resource: {"etag": p.etag, "cursor": p.cursor, "at": p.pulled_at.isoformat()}
            for p in found.pulls
        },
    }


def _status_lines(found: Any) -> list[tuple[str, str]]:
    state = found.state
    lines = [
        ("hub", printable(found.hub or "-", 200)),
        ("log", f"#{found.log_seq}; the hub holds up to #{state.acked_seq}"),
        ("acknowledged head", f"#{state.acked_seq} {state.acked_hash}"),
        ("last attempt", state.last_attempt_at.isoformat() if state.last_attempt_at else "never"),
    ]
    if state.last_error:
        lines.append(("last error", printable(state.last_error, 500)))
    if found.refusal is not None:
        lines.append(("REFUSED", f"{found.refusal.reason}: {printable(found.refusal.detail, 500)}"))
    for pulled in found.pulls:
        lines.append(
            (f"pulled {pulled.resource}", f"{pulled.pulled_at.isoformat()} cursor {pulled.cursor}")
        )
    return lines


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"sync": cmd_sync}
"""Sub-command name -> handler, merged into the `station` command's table."""
