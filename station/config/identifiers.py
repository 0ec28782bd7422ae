"""The ``[identifiers]`` table: how the station allocates SSCCs and lot numbers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from station.config.reader import TableReader
from station.domain.lots.allocation import AllocationError
from station.domain.lots.lot_template import LotTemplate
from station.domain.lots.sscc_range import SsccRange

IDENTIFIER_KEYS = (
    "company_prefix",
    "extension_digit",
    "sscc_first",
    "sscc_last",
    "site_code",
    "lot_template",
    "loss_tolerance",
)


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


def read_identifiers(reader: TableReader, value: object) -> IdentifierSettings:
    """The ``[identifiers]`` table; no SSCC range unless a company prefix is given."""
    table = reader.table(value, "identifiers", IDENTIFIER_KEYS)
    base = DEFAULT_IDENTIFIERS
    site = reader.get(table, "identifiers", "site_code", str, base.site_code)
    try:
        template = LotTemplate(
            reader.get(table, "identifiers", "lot_template", str, base.lot_template.template)
        )
        template.example(site, "STATION")
    except AllocationError as exc:
        raise reader.fail("identifiers.lot_template", str(exc)) from None
    sscc_range = None
    if "company_prefix" in table:
        try:
            sscc_range = SsccRange(
                company_prefix=reader.get(table, "identifiers", "company_prefix", str),
                extension_digit=reader.get(table, "identifiers", "extension_digit", int, 0),
                first_serial=reader.get(table, "identifiers", "sscc_first", int),
                last_serial=reader.get(table, "identifiers", "sscc_last", int),
            )
        except AllocationError as exc:
            raise reader.fail("identifiers", str(exc)) from None
    tolerance = Decimal(
        str(reader.get(table, "identifiers", "loss_tolerance", float, float(base.loss_tolerance)))
    )
    if not Decimal(0) <= tolerance < Decimal(1):
        raise reader.fail("identifiers.loss_tolerance", "expected a fraction from 0 to below 1")
    return IdentifierSettings(sscc_range, site, template, tolerance)
