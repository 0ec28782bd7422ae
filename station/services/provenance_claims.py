"""The provenance report's claims section: each received input's category of origin and
EUDR data, and the claim the reported lot itself carries.

A received line keeps what receiving verified it counts as (claim, certified share,
verified or not) and the EUDR data its supplier declared; a lot made here carries the
lowest claim of what went into it (physical separation).
"""

from __future__ import annotations

from typing import Any, Protocol

from station.domain.claims.settings import ClaimsSettings
from station.domain.lots.provenance import Genealogy
from station.domain.printable import html_text
from station.workflows.lot_claims import LotClaims, mixture_claim


class ClaimSources(LotClaims, Protocol):
    """The lots view as the claims section reads it."""

    def genealogy(self) -> Genealogy: ...

    def lot_origin(self, lot_id: str) -> dict[str, Any] | None: ...


def claims_section(lots: ClaimSources, lot_id: str, settings: ClaimsSettings) -> dict[str, Any]:
    """JSON: the lot's own claim (if any) and each received input's origin claim and EUDR."""
    inputs = []
    for origin in lots.genealogy().received_inputs(lot_id):
        data = lots.lot_origin(origin.lot_id) or {}
        claim = data.get("claim") if isinstance(data.get("claim"), dict) else None
        eudr = data.get("eudr") if isinstance(data.get("eudr"), dict) else None
        inputs.append(
            {
                "lot_id": origin.lot_id,
                "claim": None if claim is None else claim.get("claim"),
                "category": None if claim is None else claim.get("category"),
                "certified_share": None if claim is None else claim.get("certified_share"),
                "verified": None if claim is None else bool(claim.get("verified")),
                "group": None if claim is None else claim.get("group"),
                "eudr": eudr,
            }
        )
    carried, _note = mixture_claim(lots, [lot_id], settings)
    return {"carried": carried, "inputs": inputs}


def claims_html(section: dict[str, Any]) -> str:
    """The section as an HTML table (empty when no input declared a claim or EUDR data)."""
    rows = [i for i in section["inputs"] if i["claim"] or i["category"] or i["eudr"]]
    if not rows and not section["carried"]:
        return ""
    e = html_text
    out = ["<h2>Category of origin and EUDR data</h2>"]
    carried = section["carried"]
    if carried:
        out.append(
            f"<p>This lot carries: {e(str(carried.get('claim') or 'no claim'))} "
            f"(product group {e(str(carried.get('group')))}).</p>"
        )
    out.append(
        "<table><tr><th>Received lot</th><th>Claim</th><th>Verified</th><th>Counts as</th>"
        "<th>Country of production</th><th>Due-diligence statements</th><th>Plots</th></tr>"
    )
    for row in rows:
        eudr = row["eudr"] or {}
        geo = eudr.get("geolocation") or {}
        plots = len(geo.get("features") or ()) if geo.get("type") == "FeatureCollection" else 1
        cells = (
            row["lot_id"],
            row["claim"] or "no claim",
            {True: "yes", False: "NO", None: "-"}[row["verified"]],
            f"{row['category'] or '-'} ({row['certified_share'] or '0'})",
            eudr.get("country") or "-",
            ", ".join(str(r) for r in eudr.get("dds_references") or ()) or "-",
            plots if eudr else "-",
        )
        out.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "".join(out)
