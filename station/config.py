"""Station configuration: one TOML file, validated at start into frozen values.

Every problem is reported in one line that names the file and the dotted key, and
for an unknown key the nearest valid one. Nothing else in the station reads TOML.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from station.domain.checks.receiving import DEFAULT_REQUIRED_FIELDS, MovingDataField
from station.domain.lots.allocation import AllocationError, LotTemplate, SsccRange
from station.domain.operators import Operator, Role, Training, pin_hash_valid
from station.domain.risk import RestrictedVendor, RiskPolicy, RiskRule
from station.domain.scanning.classify import ClassifierRules, CodePattern, PatternKind
from station.errors import ConfigError

CONFIG_ENV = "STATION_CONFIG"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ScannerSettings:
    """Keyboard-wedge scanner profile (see `drivers.wedge.WedgeProfile`)."""

    terminator: str = "enter"
    gs: str = "control"
    aim_prefix: bool = False
    inter_key_timeout_ms: float = 150.0
    burst_gap_ms: float = 35.0
    min_length: int = 3


@dataclass(frozen=True, slots=True)
class IdentifierSettings:
    """How this station allocates new identifiers (SSCCs and lot numbers)."""

    sscc_range: SsccRange | None
    """None when the station may not create pallets (no company prefix configured)."""
    site_code: str
    lot_template: LotTemplate
    loss_tolerance: Decimal


DEFAULT_IDENTIFIERS = IdentifierSettings(
    sscc_range=None,
    site_code="SITE",
    lot_template=LotTemplate("{site}{yy}{doy}-{seq:04}"),
    loss_tolerance=Decimal("0.005"),
)


def _builtin_templates() -> dict[str, Any]:
    from labels.templates import BUILTIN_TEMPLATES  # noqa: PLC0415 - loaded on demand

    return dict(BUILTIN_TEMPLATES)


@dataclass(frozen=True, slots=True)
class LabelSettings:
    """How new lots are labelled."""

    resolver_host: str = "id.example.com"
    """Host of the GS1 Digital Link URIs in label QR codes."""
    lot_template: str = "lot-100x50"
    pallet_template: str = "pallet-100x150"
    print_new_lots: bool = True
    """Queue a label for every new lot or pallet on the default printer."""
    templates: Mapping[str, Any] = field(default_factory=_builtin_templates)
    """Every template by name: the built-in ones, replaced or extended by the config's."""


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
    labels: LabelSettings = LabelSettings()

    def operator_by_badge(self, badge: str) -> Operator | None:
        """The roster entry whose badge is `badge`."""
        for operator in self.operators:
            if operator.badge == badge:
                return operator
        return None


def bundled_config_dir() -> Path:
    """The directory holding the example config and demo data shipped with the station."""
    here = Path(__file__).resolve().parent
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
    return _Reader(path).station(data)


_TOP_KEYS = (
    "station",
    "scanner",
    "devices",
    "identifiers",
    "labels",
    "codes",
    "moving_data",
    "risk",
    "operators",
)
_LABEL_KEYS = ("resolver_host", "lot_template", "pallet_template", "print_new_lots", "templates")
_IDENTIFIER_KEYS = (
    "company_prefix",
    "extension_digit",
    "sscc_first",
    "sscc_last",
    "site_code",
    "lot_template",
    "loss_tolerance",
)
_DEVICES_KEYS = ("scanners", "printers")
_STATION_KEYS = ("id", "site", "required_training")
_SCANNER_KEYS = (
    "terminator",
    "gs",
    "aim_prefix",
    "inter_key_timeout_ms",
    "burst_gap_ms",
    "min_length",
)
_CODES_KEYS = ("command_prefix", "gs_substitutes", *(k.value for k in PatternKind))
_RISK_KEYS = ("rules", "restricted_vendors")
_RULE_KEYS = ("country", "region", "reason")
_VENDOR_KEYS = ("name", "reason")
_OPERATOR_KEYS = ("id", "name", "badge", "roles", "training", "pin_hash")
_TRAINING_KEYS = ("course", "expires", "completed")
_COUNTRY = re.compile(r"[A-Z]{2}")
_REGION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


class _Reader:
    """Walks the parsed TOML, checking keys and types, naming the dotted key on error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key}: {message}")

    def table(self, value: object, key: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, found {_kind(value)}")
        for name in value:
            if name not in allowed:
                near = difflib.get_close_matches(name, allowed, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                where = f"{key}.{name}" if key else name
                raise self.fail(where, f"unknown key{hint} (valid: {', '.join(allowed)})")
        return value

    def get(
        self,
        table: Mapping[str, Any],
        key: str,
        name: str,
        kind: type[T],
        default: T | None = None,
        *,
        required: bool = False,
    ) -> T:
        where = f"{key}.{name}" if key else name
        if name not in table:
            if required or default is None:
                raise self.fail(where, "required key is missing")
            return default
        value = table[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(where, f"expected {kind.__name__}, found {_kind(value)} {value!r}")
        return value

    def text(
        self, table: Mapping[str, Any], key: str, name: str, default: str | None = None
    ) -> str:
        value = self.get(table, key, name, str, default)
        if not value.strip():
            raise self.fail(f"{key}.{name}", "must not be empty")
        return value

    def strings(self, table: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
        values = self.get(table, key, name, list, [])
        for i, item in enumerate(values):
            if not isinstance(item, str):
                raise self.fail(f"{key}.{name}[{i}]", f"expected str, found {_kind(item)}")
        return tuple(values)

    def tables(self, table: Mapping[str, Any], key: str, name: str) -> list[tuple[str, Any]]:
        values = self.get(table, key, name, list, [])
        return [(f"{key}.{name}[{i}]" if key else f"{name}[{i}]", v) for i, v in enumerate(values)]

    def choice(self, value: str, where: str, enum: Callable[[str], T], options: list[str]) -> T:
        try:
            return enum(value)
        except ValueError:
            raise self.fail(
                where, f"expected one of {', '.join(options)}, found {value!r}"
            ) from None

    def station(self, data: Mapping[str, Any]) -> StationConfig:
        top = self.table(data, "", _TOP_KEYS)
        station = self.table(
            self.get(top, "", "station", dict, required=True), "station", _STATION_KEYS
        )
        return StationConfig(
            path=self.path,
            station_id=self.text(station, "station", "id"),
            site=self.text(station, "station", "site"),
            required_training=self.text(
                station, "station", "required_training", "supply-chain-security"
            ),
            scanner=self.scanner(self.get(top, "", "scanner", dict, {})),
            rules=self.codes(self.get(top, "", "codes", dict, {})),
            required_fields=self.moving_data(self.get(top, "", "moving_data", dict, {})),
            risk=self.risk(self.get(top, "", "risk", dict, {})),
            operators=self.operators(top),
            identifiers=self.identifiers(self.get(top, "", "identifiers", dict, {})),
            labels=self.labels(self.get(top, "", "labels", dict, {})),
            **self.devices(self.get(top, "", "devices", dict, {})),
        )

    def scanner(self, value: object) -> ScannerSettings:
        table = self.table(value, "scanner", _SCANNER_KEYS)
        base = ScannerSettings()
        terminator = self.get(table, "scanner", "terminator", str, base.terminator)
        if terminator not in ("enter", "tab", "eot"):
            raise self.fail(
                "scanner.terminator", f"expected one of enter, tab, eot, found {terminator!r}"
            )
        gs = self.get(table, "scanner", "gs", str, base.gs)
        if gs.lower() not in ("control", "alt029") and not (1 <= len(gs) <= 3 and gs.isprintable()):
            raise self.fail(
                "scanner.gs",
                "expected 'control', 'alt029' or a 1-3 character substitute such as '~', "
                f"found {gs!r}",
            )
        settings = ScannerSettings(
            terminator=terminator,
            gs=gs if len(gs) <= 3 else gs.lower(),
            aim_prefix=self.get(table, "scanner", "aim_prefix", bool, base.aim_prefix),
            inter_key_timeout_ms=self.get(
                table, "scanner", "inter_key_timeout_ms", float, base.inter_key_timeout_ms
            ),
            burst_gap_ms=self.get(table, "scanner", "burst_gap_ms", float, base.burst_gap_ms),
            min_length=self.get(table, "scanner", "min_length", int, base.min_length),
        )
        for name in ("inter_key_timeout_ms", "burst_gap_ms", "min_length"):
            if getattr(settings, name) <= 0:
                raise self.fail(f"scanner.{name}", "must be greater than zero")
        return settings

    def labels(self, value: object) -> LabelSettings:
        from labels.templates import templates_from_config  # noqa: PLC0415 - loaded on demand

        table = self.table(value, "labels", _LABEL_KEYS)
        base = LabelSettings()
        raw = self.get(table, "labels", "resolver_host", str, base.resolver_host)
        host = raw.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
        if not host or any(c in host for c in " /?#"):
            raise self.fail(
                "labels.resolver_host",
                f"expected a host name such as 'id.example.com', found {raw!r}",
            )
        try:
            templates = templates_from_config(table.get("templates", []), "labels.templates")
        except ConfigError as exc:
            raise ConfigError(f"{self.path}: {exc}") from None
        names = sorted(templates)
        chosen = {}
        for key in ("lot_template", "pallet_template"):
            name = self.get(table, "labels", key, str, getattr(base, key))
            if name not in templates:
                raise self.fail(
                    f"labels.{key}", f"unknown template {name!r} (known: {', '.join(names)})"
                )
            chosen[key] = name
        return LabelSettings(
            resolver_host=host,
            print_new_lots=self.get(table, "labels", "print_new_lots", bool, base.print_new_lots),
            templates=templates,
            **chosen,
        )

    def identifiers(self, value: object) -> IdentifierSettings:
        table = self.table(value, "identifiers", _IDENTIFIER_KEYS)
        base = DEFAULT_IDENTIFIERS
        site = self.get(table, "identifiers", "site_code", str, base.site_code)
        try:
            template = LotTemplate(
                self.get(table, "identifiers", "lot_template", str, base.lot_template.template)
            )
            template.example(site, "STATION")
        except AllocationError as exc:
            raise self.fail("identifiers.lot_template", str(exc)) from None
        sscc_range = None
        if "company_prefix" in table:
            try:
                sscc_range = SsccRange(
                    company_prefix=self.get(table, "identifiers", "company_prefix", str),
                    extension_digit=self.get(table, "identifiers", "extension_digit", int, 0),
                    first_serial=self.get(table, "identifiers", "sscc_first", int),
                    last_serial=self.get(table, "identifiers", "sscc_last", int),
                )
            except AllocationError as exc:
                raise self.fail("identifiers", str(exc)) from None
        tolerance = Decimal(
            str(self.get(table, "identifiers", "loss_tolerance", float, float(base.loss_tolerance)))
        )
        if not Decimal(0) <= tolerance < Decimal(1):
            raise self.fail("identifiers.loss_tolerance", "expected a fraction from 0 to below 1")
        return IdentifierSettings(sscc_range, site, template, tolerance)

    def devices(self, value: object) -> dict[str, tuple[str, ...]]:
        table = self.table(value, "devices", _DEVICES_KEYS)
        found: dict[str, tuple[str, ...]] = {}
        for name in _DEVICES_KEYS:
            if name not in table:
                continue
            urls = self.strings(table, "devices", name)
            for i, url in enumerate(urls):
                scheme = url.partition(":")[0]
                if url != "wedge" and (not scheme or ":" not in url):
                    raise self.fail(
                        f"devices.{name}[{i}]",
                        f"expected a device URL such as 'serial:///dev/ttyACM0', found {url!r}",
                    )
            if len(set(urls)) != len(urls):
                raise self.fail(f"devices.{name}", "the same device is listed twice")
            found[name] = urls
        return found

    def codes(self, value: object) -> ClassifierRules:
        table = self.table(value, "codes", _CODES_KEYS)
        prefix = self.get(table, "codes", "command_prefix", str, "#")
        if not prefix or not prefix.isprintable():
            raise self.fail("codes.command_prefix", f"expected printable text, found {prefix!r}")
        patterns: list[CodePattern] = []
        for kind in PatternKind:
            if kind.value not in table:
                continue
            source = self.get(table, "codes", kind.value, str)
            try:
                compiled = re.compile(source)
            except re.error as exc:
                raise self.fail(
                    f"codes.{kind.value}", f"not a valid regular expression: {exc}"
                ) from None
            patterns.append(CodePattern(kind=kind, regex=compiled))
        substitutes = self.strings(table, "codes", "gs_substitutes")
        for i, substitute in enumerate(substitutes):
            if not substitute or not substitute.isprintable():
                raise self.fail(
                    f"codes.gs_substitutes[{i}]",
                    f"expected printable text such as '~', found {substitute!r}",
                )
        return ClassifierRules(
            command_prefix=prefix, gs_substitutes=substitutes, patterns=tuple(patterns)
        )

    def moving_data(self, value: object) -> tuple[MovingDataField, ...]:
        table = self.table(value, "moving_data", ("required",))
        if "required" not in table:
            return DEFAULT_REQUIRED_FIELDS
        options = [f.value for f in MovingDataField]
        return tuple(
            self.choice(name, f"moving_data.required[{i}]", MovingDataField, options)
            for i, name in enumerate(self.strings(table, "moving_data", "required"))
        )

    def risk(self, value: object) -> RiskPolicy:
        table = self.table(value, "risk", _RISK_KEYS)
        rules: list[RiskRule] = []
        for where, item in self.tables(table, "risk", "rules"):
            rule = self.table(item, where, _RULE_KEYS)
            country = rule.get("country")
            region = rule.get("region")
            if (country is None) == (region is None):
                raise self.fail(where, "give exactly one of 'country' or 'region'")
            if country is not None:
                country = self.get(rule, where, "country", str).upper()
                if not _COUNTRY.fullmatch(country):
                    raise self.fail(
                        f"{where}.country", f"expected ISO 3166-1 alpha-2, found {country!r}"
                    )
            if region is not None:
                region = self.get(rule, where, "region", str).upper()
                if not _REGION.fullmatch(region):
                    raise self.fail(
                        f"{where}.region", f"expected ISO 3166-2 such as 'CN-XJ', found {region!r}"
                    )
            rules.append(
                RiskRule(reason=self.text(rule, where, "reason"), country=country, region=region)
            )
        vendors = []
        for where, item in self.tables(table, "risk", "restricted_vendors"):
            vendor = self.table(item, where, _VENDOR_KEYS)
            vendors.append(
                RestrictedVendor(
                    name=self.text(vendor, where, "name"), reason=self.text(vendor, where, "reason")
                )
            )
        return RiskPolicy(rules=tuple(rules), restricted_vendors=tuple(vendors))

    def operators(self, top: Mapping[str, Any]) -> tuple[Operator, ...]:
        operators: list[Operator] = []
        seen_ids: set[str] = set()
        seen_badges: set[str] = set()
        role_names = [r.value for r in Role]
        for where, item in self.tables(top, "", "operators"):
            entry = self.table(item, where, _OPERATOR_KEYS)
            op_id = self.text(entry, where, "id")
            badge = self.text(entry, where, "badge")
            if op_id in seen_ids:
                raise self.fail(f"{where}.id", f"duplicate operator id {op_id!r}")
            if badge in seen_badges:
                raise self.fail(
                    f"{where}.badge", f"badge {badge!r} is already given to another operator"
                )
            seen_ids.add(op_id)
            seen_badges.add(badge)
            roles = frozenset(
                self.choice(name, f"{where}.roles[{i}]", Role, role_names)
                for i, name in enumerate(self.strings(entry, where, "roles"))
            )
            pin_hash = entry.get("pin_hash")
            if pin_hash is not None:
                pin_hash = self.get(entry, where, "pin_hash", str)
                if not pin_hash_valid(pin_hash):
                    raise self.fail(
                        f"{where}.pin_hash",
                        "expected 'pbkdf2_sha256$<iterations>$<salt>$<hex>' "
                        "(make one with `station hash-pin`)",
                    )
            training = []
            for twhere, titem in self.tables(entry, where, "training"):
                record = self.table(titem, twhere, _TRAINING_KEYS)
                completed = record.get("completed")
                training.append(
                    Training(
                        course=self.text(record, twhere, "course"),
                        expires=self.date(record, twhere, "expires"),
                        completed=None
                        if completed is None
                        else self.date(record, twhere, "completed"),
                    )
                )
            operators.append(
                Operator(
                    id=op_id,
                    name=self.text(entry, where, "name"),
                    badge=badge,
                    roles=roles,
                    training=tuple(training),
                    pin_hash=pin_hash,
                )
            )
        return tuple(operators)

    def date(self, table: Mapping[str, Any], key: str, name: str) -> dt.date:
        value = table.get(name)
        where = f"{key}.{name}"
        if value is None:
            raise self.fail(where, "required key is missing")
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(where, f"expected a date such as 2027-06-30, found {value!r}")


def _kind(value: object) -> str:
    names = {
        dict: "table",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "float",
    }
    return names.get(type(value), type(value).__name__)
