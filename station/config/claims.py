"""The ``[claims]`` table: product groups and methods, the certificate register, EUDR scope.

Everything is checked at load: a product group that could not make a valid claim
(a simple-percentage period over three months, a rolling window over twelve, a
ratio that is not positive), a retention shorter than three years, or a tolerance
that is not a share is refused with the key and the reason.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from station.config.reader import TableReader
from station.domain.claims.certificates import CertificateRegister
from station.domain.claims.credit_account import DEFAULT_WINDOW_MONTHS, Ratio
from station.domain.claims.percentage import RecycledRule
from station.domain.claims.product_groups import Method, ProductGroup
from station.domain.claims.register_csv import parse_register_csv
from station.domain.claims.settings import MIN_RETENTION_YEARS, ClaimsSettings, EudrScope

EUDR_CLAIMS = {
    "information_collection": "Supporting EUDR Information Collection",
    "due_diligence": "Supporting EUDR Due Diligence",
}
CLAIMS_KEYS = (
    "certificate",
    "eudr_claim",
    "product_groups",
    "certificate_register",
    "quarantine_unverified",
    "eudr",
    "controversial_sources",
    "mass_balance_tolerance",
    "retention_years",
)
GROUP_KEYS = (
    "name",
    "input_material",
    "unit",
    "inputs",
    "outputs",
    "method",
    "period_months",
    "rolling_periods",
    "credit_window_months",
    "recycled",
)
OUTPUT_KEYS = ("product", "ratio")
EUDR_KEYS = ("gtins", "product_groups", "hs_codes")


def read_claims(reader: TableReader, value: object) -> ClaimsSettings:
    """The ``[claims]`` table (absent: no claims are made)."""
    table = reader.table(value, "claims", CLAIMS_KEYS)
    groups: dict[str, ProductGroup] = {}
    for where, item in reader.tables(table, "claims", "product_groups"):
        group = _group(reader, item, where)
        if group.name in groups:
            raise reader.fail(f"{where}.name", f"product group {group.name!r} is defined twice")
        groups[group.name] = group
    retention = reader.get(table, "claims", "retention_years", int, MIN_RETENTION_YEARS)
    if retention < MIN_RETENTION_YEARS:
        raise reader.fail(
            "claims.retention_years",
            f"records are kept at least {MIN_RETENTION_YEARS} years, not {retention}",
        )
    tolerance = _decimal(reader, table, "claims", "mass_balance_tolerance", "0.02")
    if not Decimal(0) <= tolerance < Decimal(1):
        raise reader.fail(
            "claims.mass_balance_tolerance",
            f"expected a share of what came in, 0 to below 1 (0.02 = 2%), found {tolerance}",
        )
    eudr = reader.table(reader.get(table, "claims", "eudr", dict, {}), "claims.eudr", EUDR_KEYS)
    scope = EudrScope(
        gtins=frozenset(reader.strings(eudr, "claims.eudr", "gtins")),
        product_groups=frozenset(reader.strings(eudr, "claims.eudr", "product_groups")),
        hs_codes=reader.strings(eudr, "claims.eudr", "hs_codes"),
    )
    for name in scope.product_groups - set(groups):
        raise reader.fail("claims.eudr.product_groups", f"no product group is named {name!r}")
    register_path = reader.get(table, "claims", "certificate_register", str, "") or None
    return ClaimsSettings(
        product_groups=groups,
        certificate_register=register_path,
        register=_register(reader, register_path),
        certificate=reader.get(table, "claims", "certificate", str, "").strip() or None,
        eudr_claim=_eudr_claim(reader, table),
        quarantine_unverified=reader.get(table, "claims", "quarantine_unverified", bool, False),
        eudr=scope,
        controversial_sources=reader.strings(table, "claims", "controversial_sources"),
        mass_balance_tolerance=tolerance,
        retention_years=retention,
    )


def _eudr_claim(reader: TableReader, table: Any) -> str:
    name = reader.get(table, "claims", "eudr_claim", str, "information_collection")
    if name not in EUDR_CLAIMS:
        raise reader.fail(
            "claims.eudr_claim", f"expected one of {', '.join(EUDR_CLAIMS)}, found {name!r}"
        )
    return EUDR_CLAIMS[name]


def _register(reader: TableReader, name: str | None) -> CertificateRegister:
    """The certificate register file, relative to the config file; refused whole when bad."""
    if name is None:
        return CertificateRegister(())
    path = reader.path.parent / name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise reader.fail(
            "claims.certificate_register", f"cannot read {str(path)!r}: {exc}"
        ) from None
    register, problems = parse_register_csv(text, str(path))
    if problems:
        shown = "; ".join(problems[:5]) + (
            f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise reader.fail("claims.certificate_register", shown)
    return register


def _group(reader: TableReader, value: object, where: str) -> ProductGroup:
    table = reader.table(value, where, GROUP_KEYS)
    outputs: dict[str, Ratio] = {}
    for at, item in reader.tables(table, where, "outputs"):
        output = reader.table(item, at, OUTPUT_KEYS)
        product = reader.text(output, at, "product")
        outputs[product] = _ratio(reader, reader.text(output, at, "ratio"), f"{at}.ratio")
    methods = [m.value for m in Method]
    method = reader.choice(reader.text(table, where, "method"), f"{where}.method", Method, methods)
    recycled = reader.choice(
        reader.get(table, where, "recycled", str, RecycledRule.COUNTED.value),
        f"{where}.recycled",
        RecycledRule,
        [r.value for r in RecycledRule],
    )
    group = ProductGroup(
        name=reader.text(table, where, "name"),
        input_material=reader.text(table, where, "input_material"),
        unit=reader.text(table, where, "unit"),
        outputs=outputs,
        method=method,
        period_months=reader.get(table, where, "period_months", int, 1),
        rolling_periods=reader.get(table, where, "rolling_periods", int, 0),
        credit_window_months=reader.get(
            table, where, "credit_window_months", int, DEFAULT_WINDOW_MONTHS
        ),
        recycled=recycled,
        inputs=reader.strings(table, where, "inputs"),
    )
    problems = group.problems()
    if problems:
        raise reader.fail(where, "; ".join(problems))
    return group


def _ratio(reader: TableReader, text: str, where: str) -> Ratio:
    """``"4/1"`` (input per output) or ``"1.25"``."""
    parts = text.split("/")
    try:
        numbers = [Decimal(p.strip()) for p in parts]
    except InvalidOperation:
        numbers = []
    if len(numbers) == 1:
        numbers.append(Decimal(1))
    if len(numbers) != 2 or not all(n.is_finite() for n in numbers):
        raise reader.fail(
            where, f"expected input per output such as '4/1' or '1.25', found {text!r}"
        )
    try:
        return Ratio(numbers[0], numbers[1])
    except ValueError as exc:
        raise reader.fail(where, str(exc)) from None


def _decimal(reader: TableReader, table: Any, key: str, name: str, default: str) -> Decimal:
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise reader.fail(f"{key}.{name}", f"expected a number, found {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise reader.fail(f"{key}.{name}", f"expected a number, found {value!r}") from None
    if not number.is_finite():
        raise reader.fail(f"{key}.{name}", f"expected a finite number, found {value!r}")
    return number
