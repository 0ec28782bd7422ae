"""Reading a content line's ``origin`` from a manifest (JSON object or CSV columns).

The claim text must be one the station can read and the identifiers printable;
the EUDR data must be an object. Whether the data is complete, and whether the
claim is verified, is receiving's question (findings), not the manifest's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from station.domain.claims.categories import ClaimError, parse_claim
from station.domain.claims.origin import ORIGIN_KEYS, Origin
from station.domain.manifest.json_fields import member, read_object, read_text
from station.domain.manifest.rules import Problems, show

__all__ = ["CSV_ORIGIN_COLUMNS", "origin_from_csv", "origin_from_json"]

CSV_ORIGIN_COLUMNS = ORIGIN_KEYS
"""CSV columns of a line's origin; ``eudr`` holds the EUDR data as one JSON object."""


def origin_from_json(obj: Mapping[str, Any], path: str, out: Problems) -> Origin | None:
    """The ``origin`` member of a content line, if any."""
    value = obj.get("origin")
    if value is None:
        return None
    where = member(path, "origin")
    origin = read_object(value, "origin", ORIGIN_KEYS, where, out)
    if origin is None:
        return None
    eudr = origin.get("eudr")
    if eudr is not None and not isinstance(eudr, Mapping):
        out.add(member(where, "eudr"), f"Invalid eudr {show(eudr)}: expected an object.")
        eudr = None
    return _checked(
        Origin(
            claim=read_text(origin, "claim", where, out),
            certificate=read_text(origin, "certificate", where, out),
            hs_code=read_text(origin, "hs_code", where, out),
            eudr=None if eudr is None else _plain(eudr),
        ),
        lambda name: member(where, name),
        out,
    )


def origin_from_csv(cells: Mapping[str, str | None], where: str, out: Problems) -> Origin | None:
    """The origin columns of one CSV line (`where` names the line), if any is filled."""
    if not any(cells.get(c) for c in CSV_ORIGIN_COLUMNS):
        return None
    eudr_text = cells.get("eudr")
    eudr = None
    if eudr_text:
        try:
            eudr = json.loads(eudr_text)
        except ValueError as exc:
            out.add(f'{where}, column "eudr"', f"Invalid eudr: not JSON ({exc.args[0]}).")
        if eudr is not None and not isinstance(eudr, Mapping):
            out.add(f'{where}, column "eudr"', "Invalid eudr: expected a JSON object.")
            eudr = None
    return _checked(
        Origin(
            claim=cells.get("claim"),
            certificate=cells.get("certificate"),
            hs_code=cells.get("hs_code"),
            eudr=eudr,
        ),
        lambda name: f'{where}, column "{name}"',
        out,
    )


def _plain(value: Any) -> Any:
    """The EUDR object with the reader's exact decimals as plain JSON numbers.

    Coordinates are degrees, where a float's precision (about a nanometre) is plenty,
    and the stored manifest must be JSON again.
    """
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _checked(origin: Origin, at: Callable[[str], str], out: Problems) -> Origin | None:
    before = len(out)
    if origin.claim is not None:
        try:
            parse_claim(origin.claim)
        except ClaimError as exc:
            out.add(at("claim"), f"Invalid claim: {exc}.")
    for name in ("certificate", "hs_code"):
        value = getattr(origin, name)
        if value is not None and (not value.isprintable() or len(value) > 64):
            out.add(at(name), f"Invalid {name} {show(value)}: not a printable code.")
    if origin.hs_code is not None and not origin.hs_code.replace(".", "").isdigit():
        out.add(at("hs_code"), f"Invalid hs_code {show(origin.hs_code)}: digits.")
    return origin if len(out) == before else None
