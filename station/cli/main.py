"""The `station` command: the entry point, the shared options and the command table.

Every sub-command accepts ``--config`` (or ``$STATION_CONFIG``) and ``--data-dir``
(or ``$STATION_DATA_DIR``). Errors a person must fix are printed in one line and
exit with status 2; nothing prints a traceback for bad input. Each command group
lives in its own module, which loads what its commands need only when one runs.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from station import __version__
from station.cli import (
    claims,
    configure,
    devices,
    epcis,
    headless,
    hub,
    integrity,
    lots,
    records,
    release,
    run,
    sync,
)
from station.cli.common import EXIT_ERROR, EXIT_OK, refuse
from station.errors import StationError


class CommandGroup(Protocol):
    """A module holding some of the sub-commands: their parsers and their handlers."""

    COMMANDS: dict[str, Callable[[argparse.Namespace], int]]

    def add_parsers(self, sub: Any, common: argparse.ArgumentParser) -> None: ...


# In the order the commands are listed by ``station --help``.
GROUPS: tuple[CommandGroup, ...] = (
    run,
    records,
    integrity,
    headless,
    devices,
    lots,
    release,
    claims,
    epcis,
    configure,
    hub,
    sync,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; its help is the CLI reference."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        help="station config TOML (default: $STATION_CONFIG; required but for `station demo`)",
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
    for group in GROUPS:
        group.add_parsers(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args))
    except StationError as exc:
        return refuse(str(exc), EXIT_ERROR)
    except sqlite3.Error as exc:
        # A read deep in a view found the file damaged (or the disk failing): one line.
        from station.services.integrity import failure_message  # noqa: PLC0415

        print(f"station: {failure_message(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
        sys.stderr.close()
        return EXIT_OK


_COMMANDS = {name: handler for group in GROUPS for name, handler in group.COMMANDS.items()}
