"""Receiving checks on a unit's category of origin: is its claim verified, is its EUDR
data complete, is it from a controversial source.

A claim whose certificate is unknown, expired, suspended, out of scope or held by
someone else is `CLAIM_NOT_VERIFIED`: the material then counts as other raw material,
and the site decides whether that also holds the unit. EUDR data missing or malformed
for an EUDR-relevant product is `MISSING_EUDR_DATA`, naming what is missing. A
country of production the risk rules mark, or a source the site lists as
controversial, is the existing `HIGH_RISK_ORIGIN`, naming the rule that matched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from station.domain.claims.categories import Category
from station.domain.claims.certificates import CertificateRegister
from station.domain.claims.eudr import eudr_problems
from station.domain.claims.origin import Origin
from station.domain.claims.settings import ClaimsSettings
from station.domain.findings import Finding, FindingCode, Severity, nonconformity
from station.domain.manifest.model import ContentLine, Manifest, Place, Unit
from station.domain.printable import printable
from station.domain.risk import RiskPolicy

__all__ = ["LineClaim", "check_claims"]


@dataclass(frozen=True, slots=True)
class LineClaim:
    """What one received content line counts as, for the claims reports."""

    line: int
    """The line's position on the unit, from 1."""
    group: str
    quantity: Decimal
    uom: str
    claim: str | None
    category: Category
    certified_share: Decimal
    verified: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as the ``unit.received`` event carries it."""
        return {
            "line": self.line,
            "group": self.group,
            "quantity": str(self.quantity),
            "uom": self.uom,
            "claim": self.claim,
            "category": self.category.value,
            "certified_share": str(self.certified_share),
            "verified": self.verified,
        }


def check_claims(
    unit: Unit,
    manifest: Manifest,
    *,
    settings: ClaimsSettings,
    register: CertificateRegister,
    risk: RiskPolicy,
    on: dt.date,
) -> tuple[list[Finding], list[LineClaim]]:
    """Findings on the unit's declared origin, and what each line counts as."""
    findings: list[Finding] = []
    claims: list[LineClaim] = []
    suppliers = _suppliers(manifest)
    for number, line in enumerate(unit.contents, start=1):
        origin = line.origin or Origin()
        group = settings.group_of(line.gtin)
        if settings.eudr.covers(
            gtin=line.gtin, group=group.name if group else None, hs_code=origin.hs_code
        ):
            missing = eudr_problems(origin.eudr)
            if missing:
                findings.append(_missing_eudr(line, missing))
            findings.extend(_risky_country(line, origin, risk))
        findings.extend(_controversial(line, manifest, settings))
        if group is None:
            continue
        claim = origin.supplier_claim
        reason = _unverified(
            origin, claim.category, suppliers=suppliers, group=group.name, register=register, on=on
        )
        if reason is not None:
            severity = (
                Severity.NONCONFORMITY if settings.quarantine_unverified else Severity.WARNING
            )
            message = (
                f"Claim {printable(origin.claim or '', 50)!r} on {_line_name(line)} is not "
                f"verified: {reason}; counted as other raw material"
            )
            findings.append(
                Finding(
                    FindingCode.CLAIM_NOT_VERIFIED, severity, message, "a verified claim", reason
                )
            )
        verified = reason is None
        claims.append(
            LineClaim(
                line=number,
                group=group.name,
                quantity=line.quantity if line.quantity is not None else Decimal(1),
                uom=line.uom,
                claim=origin.claim,
                category=claim.category if verified else Category.OTHER,
                certified_share=claim.certified_share if verified else Decimal(0),
                verified=verified,
            )
        )
    return findings, claims


def _suppliers(manifest: Manifest) -> set[str]:
    seller = manifest.seller
    return {n for n in (seller.id, seller.name) if n} if seller else set()


def _unverified(
    origin: Origin,
    category: Category,
    *,
    suppliers: set[str],
    group: str,
    register: CertificateRegister,
    on: dt.date,
) -> str | None:
    if category in (
        Category.OTHER,
        Category.PRE_CONSUMER_RECYCLED,
        Category.POST_CONSUMER_RECYCLED,
    ):
        return None
    if not origin.certificate:
        return "the claim names no certificate"
    cert = register.get(origin.certificate)
    # The holder, when it is the seller; else any supplier name, for the reason why not.
    supplier = cert.holder if cert and cert.holder in suppliers else min(suppliers, default="")
    return register.verify(origin.certificate, supplier=supplier, product_group=group, on=on)


def _line_name(line: ContentLine) -> str:
    return printable(line.lot or line.serial or line.gtin or "a line", 40)


def _missing_eudr(line: ContentLine, missing: Sequence[str]) -> Finding:
    what = "; ".join(missing)
    message = f"EUDR data for {_line_name(line)} is incomplete: {what}; hold for due diligence"
    return nonconformity(FindingCode.MISSING_EUDR_DATA, message, "complete EUDR data", what)


def _risky_country(line: ContentLine, origin: Origin, risk: RiskPolicy) -> list[Finding]:
    country = (origin.eudr or {}).get("country")
    if not isinstance(country, str):
        return []
    place = Place(country=country.upper())
    return [
        nonconformity(
            FindingCode.HIGH_RISK_ORIGIN,
            f"{_line_name(line)} was produced in {printable(country, 8)} "
            f"({rule.describe()}: {rule.reason}); hold for due diligence",
            f"origin outside {rule.describe()}",
            country,
        )
        for rule in risk.rules
        if rule.matches(place)
    ]


def _controversial(
    line: ContentLine, manifest: Manifest, settings: ClaimsSettings
) -> list[Finding]:
    names = {n for n in (line.vendor, *_suppliers(manifest)) if n}
    listed = [s for s in settings.controversial_sources if s in names]
    return [
        nonconformity(
            FindingCode.HIGH_RISK_ORIGIN,
            f"{printable(source, 40)!r} is on the site's list of controversial sources; "
            "hold for due diligence",
            "a source not listed as controversial",
            printable(source, 40),
        )
        for source in listed[:1]
    ]
