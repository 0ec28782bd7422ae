"""``station check-db``: SQLite's integrity check, the hash chain and the anchor, in one report.

``verify-log`` (in `station.cli.records`) prints its result the same way: a first
line ``OK: ...``, ``BROKEN: ...`` or ``UNCHECKED: ...`` and one line per finding
after it; exit 0 when everything holds, 1 when something does not (or could not be
checked), 2 when the database cannot be opened at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.cli.common import EXIT_INVALID, EXIT_OK, config_from_args
from station.domain.printable import printable

if TYPE_CHECKING:
    from station.config import StationConfig
    from station.services.integrity import LogCheck


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``check-db``."""
    check = sub.add_parser(
        "check-db",
        parents=[common],
        help="check the database file (SQLite integrity check), its hash chain and its anchor",
    )
    check.add_argument(
        "--new-anchor",
        action="store_true",
        help="write a lost anchor file afresh from a log that passes every check",
    )


def run_check(args: argparse.Namespace, check: Callable[[StationConfig, Path], LogCheck]) -> int:
    """Run `check` on the data dir's database and print its report."""
    from station.bootstrap import DATABASE_NAME, default_data_dir  # noqa: PLC0415

    config = config_from_args(args)
    found = check(config, (args.data_dir or default_data_dir()) / DATABASE_NAME)
    first, *rest = found.lines
    print(printable(first, 600))
    for line in rest:
        print(f"  {printable(line, 600)}")
    return EXIT_OK if found.ok else EXIT_INVALID


def cmd_check_db(args: argparse.Namespace) -> int:
    from station.services.integrity import check_db  # noqa: PLC0415

    return run_check(args, lambda config, path: check_db(config, path, new_anchor=args.new_anchor))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"check-db": cmd_check_db}
"""Sub-command name -> handler, merged into the `station` command's table."""
