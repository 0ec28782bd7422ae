"""Site data the hub serves down to stations: manifests, the operator roster, risk rules.

The ERP (an admin token) pushes them; they are checked here with the station's own
readers, so a document the hub accepts is one every station of the site can use:

- manifests (inbound shipments and outbound orders) in either format the station
  imports, JSON (`parse_manifest_json`) or CSV (`parse_manifest_csv`); a push is refused
  whole, with the JSON path (or CSV line) of every problem, and kept in the canonical
  JSON form (`Manifest.as_dict`) that every station reads back;
- the roster in the shape of the station's ``[[operators]]`` table; PINs travel only as
  ``pin_hash`` (``station hash-pin``): a roster carrying a raw PIN is refused without
  the PIN being echoed anywhere;
- the risk rules in the shape of the station's ``[risk]`` table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.config.operators import read_operators
from station.config.reader import TableReader
from station.config.risk import read_risk
from station.domain.manifest.csv_format import parse_manifest_csv
from station.domain.manifest.json_format import parse_manifest_json
from station.domain.manifest.model import ParsedManifests
from station.errors import ConfigError
from station.hub import problems
from station.hub.events import canonical

ROSTER = "roster"
RISK = "risk"
DOCUMENTS = (ROSTER, RISK)
RAW_PIN_KEYS = frozenset({"pin", "pins", "password", "passcode", "secret"})
"""Member names of a roster entry that would carry a secret in the clear."""


@dataclass(frozen=True)
class ManifestItem:
    """One checked manifest, keyed as a station keys it."""

    direction: str
    shipment_id: str
    body: str
    where: str


class _JsonPathReader(TableReader):
    """The station's config reader, reporting JSON paths (``$.operators[0].badge``)."""

    def __init__(self, prefix: str) -> None:
        super().__init__(Path("$"))
        self.prefix = prefix

    def fail(self, key: str, message: str) -> ConfigError:
        path = key.removeprefix(self.prefix).lstrip(".")
        return ConfigError(f"$.{path}: {message}" if path else f"$: {message}")


def _problems(parsed: ParsedManifests) -> list[str]:
    return [f"{p.where}: {p.message}" for p in parsed.problems]


def parse_manifests(body: bytes, media: str) -> list[ManifestItem]:
    """The manifests of an intake body (JSON or CSV), or a 400 listing every problem."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise problems.validation(f"the body is not UTF-8 (byte {exc.start})") from None
    if media == "text/csv":
        parsed = parse_manifest_csv(text, "intake")
    else:
        parsed = parse_manifest_json(text, "intake")
    found = _problems(parsed)
    if found:
        more = f" (and {len(found) - 10} more)" if len(found) > 10 else ""
        raise problems.validation(
            "manifests refused whole: " + "; ".join(found[:10]) + more,
            **{"st:problems": found[:100]},
        )
    items = []
    for i, manifest in enumerate(parsed.manifests):
        items.append(
            ManifestItem(
                direction=manifest.direction.value,
                shipment_id=manifest.shipment_id,
                body=canonical(manifest.as_dict()),
                where=f"$[{i}]" if len(parsed.manifests) > 1 else "$",
            )
        )
    return items


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise problems.validation(f"the body is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise problems.validation(
            f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise problems.validation("the body is nested too deeply") from None
    if not isinstance(value, dict):
        raise problems.validation("$: expected a JSON object")
    return value


def _refuse_raw_pins(operators: Any) -> None:
    if not isinstance(operators, list):
        return
    for i, entry in enumerate(operators):
        if not isinstance(entry, dict):
            continue
        for key in entry:
            if isinstance(key, str) and key.lower() in RAW_PIN_KEYS:
                # The value is never repeated: not in the answer, not in the log.
                raise problems.validation(
                    f"$.operators[{i}]: a roster carries PINs only as pin_hash "
                    "(make one with `station hash-pin`); this one carries a raw "
                    f"{key!r} and is refused whole"
                )


def parse_document(name: str, body: bytes) -> str:
    """A roster or risk document checked by the station's readers, as canonical JSON."""
    value = _json_object(body)
    try:
        if name == ROSTER:
            unknown = sorted(set(value) - {"operators"})
            if unknown:
                raise problems.validation(f"$.{unknown[0]}: a roster holds only 'operators'")
            if "operators" not in value:
                raise problems.validation("$.operators: a roster lists its operators (a list)")
            _refuse_raw_pins(value.get("operators"))
            read_operators(_JsonPathReader(""), {"operators": value.get("operators", [])})
            kept = {"operators": value.get("operators", [])}
        else:
            read_risk(_JsonPathReader("risk"), value)
            kept = {k: value[k] for k in ("rules", "restricted_vendors") if k in value}
    except ConfigError as exc:
        raise problems.validation(f"{name} refused whole: {exc}") from None
    return canonical(kept)
