"""Setting a station up: ``check-config`` validates the config file, ``hash-pin`` makes
the ``pin_hash`` of a roster entry.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from station.cli.common import EXIT_OK, config_from_args, refuse
from station.domain.operators import hash_pin


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``check-config`` and ``hash-pin`` to the `station` command's sub-parsers."""
    sub.add_parser("check-config", parents=[common], help="validate the config file")
    pin = sub.add_parser(
        "hash-pin", help="print the pin_hash for a roster entry (reads the PIN from stdin)"
    )
    pin.add_argument("--pin", help="the PIN (default: read one line from stdin)")


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
        return refuse("a PIN is 4 to 12 digits")
    print(hash_pin(pin))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check-config": cmd_check_config,
    "hash-pin": cmd_hash_pin,
}
"""Sub-command name -> handler, merged into the `station` command's table."""
