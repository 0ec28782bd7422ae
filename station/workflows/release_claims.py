"""The claim each outbound line makes, written into the outbound manifest at release.

Only what the inputs support is written, under the site's own certificate:

- physical separation: the claim the shipped lot carries (the lowest of what was
  mixed into it);
- percentage: the product group's percentage for the current claim period (simple or
  rolling), rounded down;
- credit: "100% certified" drawn from the credit account; a release whose certified
  output the account cannot cover (output times its input/output ratio) is refused
  with `INSUFFICIENT_CREDITS`, naming the balance and what was asked.

When every received input of a line carries complete EUDR data, the line also carries
the site's EUDR claim with the due-diligence references and geolocations of all its
inputs aggregated, so the next station imports it as its delivery's origin.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any, Protocol

from station.domain.claims.categories import Category, claim_text
from station.domain.claims.entries import Aggregate
from station.domain.claims.eudr import eudr_problems
from station.domain.claims.ledger import build_ledger
from station.domain.claims.origin import Origin
from station.domain.claims.product_groups import Method, ProductGroup
from station.domain.claims.report import claims_rows
from station.domain.claims.separation import claim_of_mixture
from station.domain.claims.settings import ClaimsSettings
from station.domain.findings import Finding, FindingCode, refusal
from station.domain.manifest.model import ContentLine, Manifest, Unit
from station.workflows.lot_claims import LotClaims, lot_claims, supplier_claim

__all__ = ["ClaimLots", "ShipmentClaims", "claim_shipment"]


class ClaimLots(LotClaims, Protocol):
    """The lots view as the release claims read it."""

    def received_eudr(self, lot_id: str) -> list[dict[str, Any] | None]: ...


@dataclass(frozen=True, slots=True)
class ShipmentClaims:
    """The outbound manifest with its claims, what it takes out of each group, refusals."""

    manifest: Manifest
    out: list[dict[str, str]]
    """One entry per line of a product group: the group and its quantity in input units
    (the ``claims`` of the ``release.completed`` event)."""
    problems: list[Finding]


def claim_shipment(
    manifest: Manifest,
    lot_ids: Sequence[str],
    lots: ClaimLots,
    settings: ClaimsSettings,
    aggregates: Callable[[], Iterable[Aggregate]],
) -> ShipmentClaims:
    """`manifest` with each line's claim, or the refusals of claims nobody can back."""
    if not settings.enabled:
        return ShipmentClaims(manifest, [], [])
    out = [
        {"group": group.name, "input_quantity": str(_input_quantity(group, line))}
        for unit in manifest.units
        for line in unit.contents
        if (group := _group_of(settings, line)) is not None
    ]
    if settings.certificate is None:
        return ShipmentClaims(manifest, out, [])
    rows = None
    needed: dict[str, Decimal] = {}
    units: list[Unit] = []
    for lot_id, unit in zip(lot_ids, manifest.units, strict=True):
        lines: list[ContentLine] = []
        for line in unit.contents:
            group = _group_of(settings, line)
            if group is None:
                lines.append(line)
                continue
            if group.method is Method.PHYSICAL_SEPARATION:
                text = _separated_claim(lots, lot_id)
            else:
                if rows is None:
                    ledger = build_ledger(aggregates(), settings)
                    rows = claims_rows(ledger, dict(settings.product_groups))
                text = _period_claim(group, rows, line, needed)
            lines.append(_with_origin(line, text, settings, lots.received_eudr(lot_id)))
        units.append(dataclasses.replace(unit, contents=tuple(lines)))
    problems = [
        _insufficient(settings.product_groups[name], asked, _balance(rows or [], name))
        for name, asked in needed.items()
        if asked > _balance(rows or [], name)
    ]
    return ShipmentClaims(dataclasses.replace(manifest, units=tuple(units)), out, problems)


def _group_of(settings: ClaimsSettings, line: ContentLine) -> ProductGroup | None:
    for key in (line.gtin, line.product):
        if key is None:
            continue
        for group in settings.product_groups.values():
            if key in group.outputs or key in group.inputs:
                return group
    return None


def _separated_claim(lots: LotClaims, lot_id: str) -> str | None:
    found = lot_claims(lots, lot_id)
    if not found:
        return None
    lowest = claim_of_mixture([supplier_claim(c) for c in found]).claim
    if lowest.category is Category.OTHER:
        return None
    return claim_text(lowest) or None


def _period_claim(
    group: ProductGroup, rows: Sequence[Any], line: ContentLine, needed: dict[str, Decimal]
) -> str | None:
    mine = [r for r in rows if r.group == group.name]
    if group.method is Method.CREDIT:
        needed[group.name] = needed.get(group.name, Decimal(0)) + _input_quantity(group, line)
        return "SFI 100% Certified Forest Content"
    if not mine or mine[-1].percent is None or mine[-1].percent <= 0:
        return None
    whole = mine[-1].percent.quantize(Decimal(1), rounding=ROUND_DOWN)
    return f"SFI {whole}% Certified Forest Content" if whole > 0 else None


def _input_quantity(group: ProductGroup, line: ContentLine) -> Decimal:
    """The line's quantity in the group's input units (an input ships one for one)."""
    ratio = group.ratio(line.gtin or "") or group.ratio(line.product or "")
    quantity = line.quantity if line.quantity is not None else Decimal(1)
    return ratio.to_input(quantity) if ratio else quantity


def _balance(rows: Sequence[Any], group: str) -> Decimal:
    mine = [r for r in rows if r.group == group and r.credit is not None]
    if not mine:
        return Decimal(0)
    last = mine[-1].credit
    return Decimal(last.account - last.used)


def _insufficient(group: ProductGroup, asked: Decimal, balance: Decimal) -> Finding:
    message = (
        f"INSUFFICIENT_CREDITS: this release claims {asked.normalize():f} {group.unit} of "
        f"{group.input_material} from the credit account of {group.name}, which holds "
        f"{balance.normalize():f}; ship part of it or without a claim"
    )
    return refusal(FindingCode.INSUFFICIENT_CREDITS, message, str(asked), str(balance))


def _with_origin(
    line: ContentLine,
    claim: str | None,
    settings: ClaimsSettings,
    inputs: list[dict[str, Any] | None],
) -> ContentLine:
    eudr = _aggregate_eudr(inputs, settings.eudr_claim)
    if claim is None and eudr is None:
        return dataclasses.replace(line, origin=None)
    return dataclasses.replace(
        line, origin=Origin(claim=claim, certificate=settings.certificate, eudr=eudr)
    )


def _aggregate_eudr(inputs: list[dict[str, Any] | None], label: str) -> dict[str, Any] | None:
    """The EUDR data of all inputs together, only if every input's is complete."""
    if not inputs or any(data is None or eudr_problems(data) for data in inputs):
        return None
    datas = [d for d in inputs if d is not None]
    features = [
        {"type": "Feature", "geometry": g, "properties": {}}
        if g.get("type") not in ("Feature", "FeatureCollection")
        else g
        for g in (d["geolocation"] for d in datas)
    ]
    flat: list[Any] = []
    for f in features:
        flat.extend(f["features"] if f.get("type") == "FeatureCollection" else [f])
    countries = {d["country"] for d in datas}
    species = {(d["species"]["scientific"], d["species"]["common"]) for d in datas}
    days = sorted(
        day
        for d in datas
        for day in (
            [d["production"]]
            if isinstance(d["production"], str)
            else [d["production"]["from"], d["production"]["to"]]
        )
    )
    data: dict[str, Any] = {
        "claim": label,
        "geolocation": {"type": "FeatureCollection", "features": flat},
        "production": {"from": days[0], "to": days[-1]},
        "dds_references": sorted({r for d in datas for r in d.get("dds_references") or ()}),
    }
    if len(countries) == 1:
        data["country"] = countries.pop()
    if len(species) == 1:
        scientific, common = species.pop()
        data["species"] = {"scientific": scientific, "common": common}
    return data
