"""Where the station's config file is, and reading it: the one place that reads TOML.

`$STATION_CONFIG` names the file; without it the example shipped with the station is
used, so a fresh checkout runs. A missing file, bad UTF-8 or bad TOML is one line
naming the file, like every other config problem; so is a file nested so deep that
the TOML reader gives up, or one holding control characters (`plain_text`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from station.config.plain_text import check_plain_text
from station.config.reader import TableReader
from station.config.station import StationConfig, read_station
from station.errors import ConfigError

CONFIG_ENV = "STATION_CONFIG"


def bundled_config_dir() -> Path:
    """The directory holding the example config and demo data shipped with the station."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "config", here / "bundled_config"):
        if (candidate / "station.example.toml").is_file():
            return candidate
    raise ConfigError(f"the station's bundled config directory is missing (looked near {here})")


def default_config_path() -> Path:
    """`$STATION_CONFIG` if set, else the bundled example config."""
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else bundled_config_dir() / "station.example.toml"


def load_config(path: Path | None = None) -> StationConfig:
    """Read and validate a station config file; raise `ConfigError` with one clear line."""
    path = path or default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(
            f"{path}: not a station config: tables or arrays nested too deep to read"
        ) from None
    reader = TableReader(path)
    check_plain_text(reader, data)
    return read_station(reader, data)
