"""Shared by the `station` sub-command modules: exit codes and the common options.

Every sub-command takes ``--config`` and ``--data-dir``; these helpers turn them into a
loaded config or an open station, the same way for every command module.
"""

from __future__ import annotations

import argparse

from station.bootstrap import Station, default_data_dir, open_station
from station.config import StationConfig, load_config

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def config_from_args(args: argparse.Namespace) -> StationConfig:
    """The config named by ``--config`` (or ``$STATION_CONFIG``, or the bundled example)."""
    return load_config(args.config)


def open_from_args(args: argparse.Namespace) -> Station:
    """The station for ``--config`` and ``--data-dir`` (or the default data directory)."""
    return open_station(config_from_args(args), args.data_dir or default_data_dir())
