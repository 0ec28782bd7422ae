"""Setting a station up: ``check-config`` validates the config file, ``hash-pin`` makes
the ``pin_hash`` of a roster entry.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from station.cli.common import EXIT_INVALID, EXIT_OK, config_from_args, refuse
from station.domain.operators import hash_pin
from station.domain.printable import printable


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``check-config`` and ``hash-pin`` to the `station` command's sub-parsers."""
    sub.add_parser("check-config", parents=[common], help="validate the config file")
    sub.add_parser(
        "hash-pin",
        help="print the pin_hash for a roster entry (asks for the PIN without echo, "
        "or reads one line from stdin when it is not a terminal)",
    )


def cmd_check_config(args: argparse.Namespace) -> int:
    from station.config.station import login_problem  # noqa: PLC0415 - loaded when run

    config = config_from_args(args, warn=False)
    nobody = login_problem(config.operators, config.required_training)
    if nobody is not None:
        return refuse(f"{config.path}: operators: {nobody}", EXIT_INVALID)
    for warning in config.warnings:
        print(f"warning: {printable(warning, None)}", file=sys.stderr)
    warned = f", {len(config.warnings)} warnings" if config.warnings else ""
    print(
        printable(
            f"{config.path}: OK (station {config.station_id}, {len(config.operators)} "
            f"operators, {len(config.risk.rules)} risk rules{warned})",
            None,
        )
    )
    return EXIT_OK


def cmd_hash_pin(args: argparse.Namespace) -> int:
    # Never from argv: a PIN there lands in shell history and in every `ps` listing.
    try:
        if sys.stdin.isatty():
            pin = getpass.getpass("PIN (not shown): ")
            again = getpass.getpass("Same PIN again: ")
            if again != pin:
                return refuse("the two PINs differ; nothing was printed")
        else:
            pin = sys.stdin.readline().strip()
    except EOFError:
        return refuse("no PIN given (type it at the prompt, or pipe one line to stdin)")
    if not (pin.isascii() and pin.isdigit()) or not 4 <= len(pin) <= 12:
        return refuse("a PIN is 4 to 12 digits")
    print(hash_pin(pin))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check-config": cmd_check_config,
    "hash-pin": cmd_hash_pin,
}
"""Sub-command name -> handler, merged into the `station` command's table."""
