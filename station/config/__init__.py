"""Station configuration: one TOML file, validated at start into frozen values.

Every problem is reported in one line that names the file and the dotted key, and
for an unknown key the nearest valid one. Nothing else in the station reads TOML.
One module per table (`scanner`, `devices`, `identifiers`, `labels`, `codes`,
`moving_data`, `risk`, `operators`), all through the shared `reader`; `station`
assembles them and `loading` finds and parses the file. `plain_text` refuses
control, bidi and zero-width characters anywhere in the file, and `patterns` holds
the rules the ``[codes]`` patterns must follow (RE2, no pattern that takes others'
codes).
"""

from __future__ import annotations

from station.config.identifiers import DEFAULT_IDENTIFIERS, IdentifierSettings
from station.config.labels import LabelSettings
from station.config.loading import (
    CONFIG_ENV,
    bundled_config_dir,
    default_config_path,
    demo_config_path,
    load_config,
)
from station.config.scanner import ScannerSettings
from station.config.station import StationConfig

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_IDENTIFIERS",
    "IdentifierSettings",
    "LabelSettings",
    "ScannerSettings",
    "StationConfig",
    "bundled_config_dir",
    "default_config_path",
    "demo_config_path",
    "load_config",
]
