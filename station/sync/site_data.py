"""Site data the hub serves (roster, risk rules): read, checked, and applied to the config.

The hub's roster and risk rules use the shapes of the station's own ``[[operators]]`` and
``[risk]`` tables (see /work/notes/hub_interface.md, "Site data"), so they are checked by
the same readers and a bad one is refused with the JSON path, like a bad config key.
`apply_site_data` gives the config the station runs with: the file's, with the roster
and risk rules last pulled from the hub in place of its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from station.config.operators import read_operators
from station.config.reader import TableReader
from station.config.risk import read_risk
from station.config.station import StationConfig
from station.domain.operators import Operator
from station.domain.risk import RiskPolicy
from station.errors import ConfigError
from station.sync.errors import HubRejected
from station.sync.state import read_pulled

ROSTER: Final = "roster"
RISK: Final = "risk"
MANIFESTS: Final = "manifests"
PATHS: Final = {MANIFESTS: "/site/manifests", ROSTER: "/site/roster", RISK: "/site/risk"}


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of `value`: whether a pulled document changed."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reader(resource: str) -> TableReader:
    return TableReader(Path(f"hub {PATHS[resource]}"))


def _site_error(resource: str, exc: ConfigError) -> HubRejected:
    return HubRejected(f"the hub's {resource} is refused: {exc}", 200)


def parse_roster(body: Any) -> tuple[Operator, ...]:
    """The operators of a roster answer ``{"cursor", "operators": [...]}``."""
    if not isinstance(body, dict):
        raise HubRejected("the hub's roster is refused: expected a JSON object", 200)
    try:
        return read_operators(_reader(ROSTER), {"operators": body.get("operators", [])})
    except ConfigError as exc:
        raise _site_error(ROSTER, exc) from None


def parse_risk(body: Any) -> RiskPolicy:
    """The policy of a risk answer ``{"cursor", "rules": [...], "restricted_vendors": [...]}``."""
    if not isinstance(body, dict):
        raise HubRejected("the hub's risk rules are refused: expected a JSON object", 200)
    table = {k: body[k] for k in ("rules", "restricted_vendors") if k in body}
    try:
        return read_risk(_reader(RISK), table)
    except ConfigError as exc:
        raise _site_error(RISK, exc) from None


def operator_record(operator: Operator) -> dict[str, Any]:
    """An operator as a ``sync.pulled`` event records it: everything but the PIN hash."""
    return {
        "id": operator.id,
        "name": operator.name,
        "badge": operator.badge,
        "roles": sorted(role.value for role in operator.roles),
        "training": [
            {
                "course": t.course,
                "expires": t.expires.isoformat(),
                "completed": t.completed.isoformat() if t.completed else None,
            }
            for t in operator.training
        ],
        "has_pin": operator.pin_hash is not None,
    }


def roster_changes(
    before: tuple[Operator, ...], after: tuple[Operator, ...]
) -> dict[str, list[str]]:
    """Operator ids added, removed and changed (a new PIN counts as a change)."""
    old: Mapping[str, Operator] = {o.id: o for o in before}
    new: Mapping[str, Operator] = {o.id: o for o in after}
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": sorted(i for i in new.keys() & old.keys() if new[i] != old[i]),
    }


def risk_record(policy: RiskPolicy) -> dict[str, Any]:
    """A risk policy as a ``sync.pulled`` event records it, in full."""
    return {
        "rules": [
            {"country": r.country, "region": r.region, "reason": r.reason} for r in policy.rules
        ],
        "restricted_vendors": [
            {"name": v.name, "reason": v.reason} for v in policy.restricted_vendors
        ],
    }


def apply_site_data(config: StationConfig, conn: sqlite3.Connection) -> StationConfig:
    """`config` with the roster and risk rules last pulled from the hub, when there are any."""
    changes: dict[str, Any] = {}
    roster = read_pulled(conn, ROSTER)
    if roster is not None and roster.body is not None:
        changes["operators"] = parse_roster(json.loads(roster.body))
    risk = read_pulled(conn, RISK)
    if risk is not None and risk.body is not None:
        changes["risk"] = parse_risk(json.loads(risk.body))
    return dataclasses.replace(config, **changes) if changes else config
