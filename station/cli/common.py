"""Shared by the `station` sub-command modules: exit codes, the common options, output.

Every sub-command takes ``--config`` and ``--data-dir``; these helpers turn them into a
loaded config or an open station, the same way for every command module. The config
and the station load here, when a command runs, never when the parser is built: so
``station --help`` imports neither the GS1 parser, the label renderers nor the store.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from station.domain.printable import json_text, printable

if TYPE_CHECKING:
    from station.bootstrap import Station
    from station.config import StationConfig

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
T = TypeVar("T")


def config_from_args(args: argparse.Namespace, *, warn: bool = True) -> StationConfig:
    """The config named by ``--config`` or ``$STATION_CONFIG``; neither is a clear error.

    Its warnings (a roster nobody can log in with, a pattern that takes bare GS1
    keys, ...) go to stderr, one line each, unless `warn` is false.
    """
    from station.config import load_config  # noqa: PLC0415 - loaded when a command runs

    config = load_config(args.config)
    if warn:
        for warning in config.warnings:
            print(f"station: warning: {printable(warning, None)}", file=sys.stderr)
    return config


def open_from_args(args: argparse.Namespace, *, writes: bool = True) -> Station:
    """The station for ``--config`` and ``--data-dir`` (or the default data directory).

    A command that `writes` takes the data dir's writer lock (one writing process at
    a time); a read-only one passes ``writes=False`` and runs beside a writer.
    """
    from station.bootstrap import default_data_dir, open_station  # noqa: PLC0415 - as above

    return open_station(
        config_from_args(args),
        args.data_dir or default_data_dir(),
        writer=command_name(args) if writes else None,
    )


def command_name(args: argparse.Namespace) -> str:
    """The sub-command being run, e.g. ``station lots new``: the writer lock's holder."""
    words = ["station", str(args.command)]
    for action in ("lots_command", "release_command"):
        if getattr(args, action, None):
            words.append(str(getattr(args, action)))
    return " ".join(words)


@contextmanager
def station_from_args(args: argparse.Namespace, *, writes: bool = True) -> Iterator[Station]:
    """`open_from_args`, closed (and its writer lock freed) when the block ends."""
    station = open_from_args(args, writes=writes)
    try:
        yield station
    finally:
        station.close()


def print_json(data: Any, *, indent: int | None = None) -> None:
    """`data` as ASCII JSON on stdout (decimals as their strings)."""
    print(json_text(data, ascii_only=True, indent=indent, default=str))


def print_listing(
    items: Sequence[T],
    as_json: bool,
    data: Callable[[T], Any],
    line: Callable[[T], str],
    *,
    empty: str,
) -> None:
    """A listing: one JSON array of `data` (indented), or one `line` per item.

    An empty text listing says so in words (`empty`) rather than printing nothing.
    """
    if as_json:
        print_json([data(item) for item in items], indent=2)
    elif not items:
        print(empty)
    else:
        for item in items:
            print(line(item))


def refuse(message: str, status: int = EXIT_ERROR) -> int:
    """Print ``station: message`` on stderr and return the exit status to end with.

    Each line of `message` is made printable: messages quote files and values.
    """
    lines = (printable(line, None) for line in message.split("\n"))
    print("station: " + "\n".join(lines), file=sys.stderr)
    return status


def not_known(what: str, name: str) -> int:
    """Nothing is known by `name`: say so (made printable) and return `EXIT_ERROR`."""
    return refuse(f"no {what} is known by {printable(name)!r}", EXIT_ERROR)


def attributes(record: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of `record`, in that order: one JSON object per record."""
    return {name: getattr(record, name) for name in names}
