"""The whole config file: its top-level tables, the ``[station]`` table, `StationConfig`.

Each other table has its own reader module; this one checks the top level and
assembles their results into the one frozen value the rest of the station is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station.config.claims import read_claims
from station.config.codes import read_codes
from station.config.devices import read_devices
from station.config.identifiers import DEFAULT_IDENTIFIERS, IdentifierSettings, read_identifiers
from station.config.labels import LabelSettings, read_labels
from station.config.moving_data import read_moving_data
from station.config.operators import read_operators
from station.config.quarantine import read_quarantine
from station.config.reader import TableReader
from station.config.risk import read_risk
from station.config.scanner import ScannerSettings, read_scanner
from station.domain.checks.receiving import MovingDataField
from station.domain.claims.settings import ClaimsSettings
from station.domain.lockout import LockoutPolicy
from station.domain.operators import Operator
from station.domain.risk import RiskPolicy
from station.domain.scanning.classify import ClassifierRules

TOP_KEYS = (
    "station",
    "scanner",
    "devices",
    "identifiers",
    "labels",
    "codes",
    "moving_data",
    "risk",
    "operators",
    "claims",
    "quarantine",
)
STATION_KEYS = ("id", "site", "required_training")


@dataclass(frozen=True, slots=True)
class StationConfig:
    """The whole validated configuration of one station."""

    path: Path
    station_id: str
    site: str
    required_training: str
    scanner: ScannerSettings
    rules: ClassifierRules
    required_fields: tuple[MovingDataField, ...]
    risk: RiskPolicy
    operators: tuple[Operator, ...] = field(default=())
    scanners: tuple[str, ...] = ("wedge",)
    """Scanner device URLs; ``wedge`` is the terminal's own keyboard input."""
    printers: tuple[str, ...] = ()
    """Label printer URLs; the first is the default."""
    identifiers: IdentifierSettings = DEFAULT_IDENTIFIERS
    labels: LabelSettings = field(default_factory=LabelSettings)
    claims: ClaimsSettings = field(default_factory=ClaimsSettings)
    pin_lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    """``[quarantine]``: wrong PINs that lock a supervisor's badge, and for how long."""

    def operator_by_badge(self, badge: str) -> Operator | None:
        """The roster entry whose badge is `badge`."""
        for operator in self.operators:
            if operator.badge == badge:
                return operator
        return None


def read_station(reader: TableReader, data: Mapping[str, Any]) -> StationConfig:
    """The parsed file as a `StationConfig`; only ``[station]`` is required."""
    top = reader.table(data, "", TOP_KEYS)
    station = reader.table(
        reader.get(top, "", "station", dict, required=True), "station", STATION_KEYS
    )

    def section(name: str) -> dict[str, Any]:
        return reader.get(top, "", name, dict, {})

    return StationConfig(
        path=reader.path,
        station_id=reader.text(station, "station", "id"),
        site=reader.text(station, "station", "site"),
        required_training=reader.text(
            station, "station", "required_training", "supply-chain-security"
        ),
        scanner=read_scanner(reader, section("scanner")),
        rules=read_codes(reader, section("codes")),
        required_fields=read_moving_data(reader, section("moving_data")),
        risk=read_risk(reader, section("risk")),
        operators=read_operators(reader, top),
        identifiers=read_identifiers(reader, section("identifiers")),
        labels=read_labels(reader, section("labels")),
        claims=read_claims(reader, section("claims")),
        pin_lockout=read_quarantine(reader, section("quarantine")),
        **read_devices(reader, section("devices")),
    )
