"""The ``[risk]`` table: high-risk countries or regions, and restricted vendors.

A country must be an officially assigned ISO 3166-1 alpha-2 code
(`station.domain.iso3166`) and a region's first two letters one of them: a rule for
``XX`` would match nothing, and the goods it was meant for would pass unchecked.
"""

from __future__ import annotations

import re

from station.config.reader import TableReader
from station.domain.iso3166 import is_country
from station.domain.risk import RestrictedVendor, RiskPolicy, RiskRule

RISK_KEYS = ("rules", "restricted_vendors")
RULE_KEYS = ("country", "region", "reason")
VENDOR_KEYS = ("name", "reason")
_COUNTRY = re.compile(r"[A-Z]{2}")
_REGION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


def read_risk(reader: TableReader, value: object) -> RiskPolicy:
    """The ``[[risk.rules]]`` (one country or one region each) and restricted vendors."""
    table = reader.table(value, "risk", RISK_KEYS)
    rules: list[RiskRule] = []
    for where, item in reader.tables(table, "risk", "rules"):
        rule = reader.table(item, where, RULE_KEYS)
        country = rule.get("country")
        region = rule.get("region")
        if (country is None) == (region is None):
            raise reader.fail(where, "give exactly one of 'country' or 'region'")
        if country is not None:
            country = reader.get(rule, where, "country", str).upper()
            if not _COUNTRY.fullmatch(country) or not is_country(country):
                raise reader.fail(
                    f"{where}.country",
                    f"expected an assigned ISO 3166-1 alpha-2 code such as 'KP', found {country!r}",
                )
        if region is not None:
            region = reader.get(rule, where, "region", str).upper()
            if not _REGION.fullmatch(region) or not is_country(region[:2]):
                raise reader.fail(
                    f"{where}.region",
                    f"expected ISO 3166-2 such as 'CN-XJ' (an assigned country code, a "
                    f"hyphen, the subdivision), found {region!r}",
                )
        rules.append(
            RiskRule(reason=reader.text(rule, where, "reason"), country=country, region=region)
        )
    vendors = []
    for where, item in reader.tables(table, "risk", "restricted_vendors"):
        vendor = reader.table(item, where, VENDOR_KEYS)
        vendors.append(
            RestrictedVendor(
                name=reader.text(vendor, where, "name"),
                reason=reader.text(vendor, where, "reason"),
            )
        )
    return RiskPolicy(rules=tuple(rules), restricted_vendors=tuple(vendors))
