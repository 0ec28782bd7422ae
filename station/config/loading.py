"""Where the station's config file is, and reading it: the one place that reads TOML.

`$STATION_CONFIG` (or ``--config``) names the file. There is no fallback: the example
shipped with the station is a template, and the demo config's roster has a PIN the
README prints, so a production command without a configuration stops and says how
to make one. Only ``station demo`` uses `demo_config_path`. A missing file, bad UTF-8
or bad TOML is one line naming the file, like every other config problem.
So is a file nested so deep that the TOML reader gives up, or one holding control
characters (`plain_text`).
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
    """`$STATION_CONFIG`; without it, a `ConfigError` saying how to make a configuration."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    example = bundled_config_dir() / "station.example.toml"
    raise ConfigError(
        f"no configuration: give --config FILE or set ${CONFIG_ENV}. To make one, copy "
        f"{example}, set the station id and the roster (a supervisor's pin_hash comes from "
        "`station hash-pin`), then check it with `station check-config --config FILE`. "
        "To try the station with demo data, run `station demo`"
    )


def demo_config_path() -> Path:
    """The demo station's config (a roster with a published PIN): for ``station demo`` only."""
    return bundled_config_dir() / "demo" / "station.demo.toml"


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
