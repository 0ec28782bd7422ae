"""The whole config file: its top-level tables, the ``[station]`` table, `StationConfig`.

Each other table has its own reader module; this one checks the top level and
assembles their results into the one frozen value the rest of the station is given.
What only the tables together can show is checked here too: code patterns against
the roster's badges (`check_codes`), and whether anyone can log in at all (a config
cut in half may leave no operator: `login_problem`, which ``check-config`` refuses).
Problems that do not stop the station are `StationConfig.warnings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station.config.claims import read_claims
from station.config.codes import check_codes, read_codes
from station.config.devices import read_devices
from station.config.epcis import read_epcis
from station.config.identifiers import DEFAULT_IDENTIFIERS, IdentifierSettings, read_identifiers
from station.config.integrity import IntegritySettings, read_integrity
from station.config.labels import LabelSettings, read_labels
from station.config.moving_data import read_moving_data
from station.config.operators import read_operators
from station.config.quarantine import read_quarantine
from station.config.reader import TableReader
from station.config.release import read_release
from station.config.risk import read_risk
from station.config.scanner import ScannerSettings, read_scanner
from station.config.sound import read_sound
from station.config.sync import read_sync
from station.domain.checks.receiving import MovingDataField
from station.domain.checks.release import HandEntry
from station.domain.claims.settings import ClaimsSettings
from station.domain.lockout import LockoutPolicy
from station.domain.operators import Operator
from station.domain.risk import RiskPolicy
from station.domain.scanning.classify import ClassifierRules
from station.domain.sounds import SoundSettings
from station.sync.epcis.settings import EpcisSettings
from station.sync.settings import SyncSettings

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
    "epcis",
    "sound",
    "release",
    "integrity",
    "quarantine",
    "sync",
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
    sound: SoundSettings = field(default_factory=SoundSettings)
    integrity: IntegritySettings = field(default_factory=IntegritySettings)
    epcis: EpcisSettings | None = None
    """``[epcis]``: how events are written as EPCIS (`epcis_settings` fills the default)."""
    hand_entry: HandEntry = HandEntry.REFUSE
    """``[release] hand_entry``: a unit id typed at the release dock is refused, or needs a
    supervisor's badge and reason."""
    sync: SyncSettings | None = None
    """``[sync]``: the hub this station syncs with; None (no table) means no sync."""

    def epcis_settings(self) -> EpcisSettings:
        """The EPCIS settings of this station (defaults when there is no ``[epcis]``)."""
        return self.epcis or EpcisSettings(
            station_id=self.station_id, site=self.identifiers.site_code
        )

    warnings: tuple[str, ...] = ()
    """Problems that do not stop the station, one line each naming the file and the key."""
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

    rules = read_codes(reader, section("codes"))
    operators = read_operators(reader, top)
    required_training = reader.text(
        station, "station", "required_training", "supply-chain-security"
    )
    warnings = check_codes(reader, rules, operators)
    nobody = login_problem(operators, required_training)
    if nobody is not None:
        warnings.append(reader.where("operators", nobody))
    station_id = reader.text(station, "station", "id")
    identifiers = read_identifiers(reader, section("identifiers"))
    return StationConfig(
        path=reader.path,
        station_id=station_id,
        site=reader.text(station, "station", "site"),
        required_training=required_training,
        scanner=read_scanner(reader, section("scanner")),
        rules=rules,
        required_fields=read_moving_data(reader, section("moving_data")),
        risk=read_risk(reader, section("risk")),
        operators=operators,
        identifiers=identifiers,
        labels=read_labels(reader, section("labels")),
        claims=read_claims(reader, section("claims")),
        sound=read_sound(reader, section("sound")),
        epcis=read_epcis(
            reader, section("epcis"), station_id=station_id, site=identifiers.site_code
        ),
        hand_entry=read_release(reader, section("release")),
        integrity=read_integrity(reader, section("integrity")),
        warnings=tuple(warnings),
        pin_lockout=read_quarantine(reader, section("quarantine")),
        sync=read_sync(reader, top["sync"]) if "sync" in top else None,
        **read_devices(reader, section("devices")),
    )


def login_problem(operators: tuple[Operator, ...], required_training: str) -> str | None:
    """Why nobody on the roster can log in (no one, or no one with a role and the training).

    Whether the training has expired depends on the day, so it is not judged here.
    """
    if not operators:
        return "the roster is empty: nobody can log in at this station"
    if not any(
        op.roles and any(t.course == required_training for t in op.training) for op in operators
    ):
        return (
            f"no operator has a role and a record of the required training "
            f"{required_training!r}: nobody can log in at this station"
        )
    return None
