"""The ``[claims]`` table: product groups, methods and limits are checked at load."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from station.config import load_config
from station.domain.claims.product_groups import Method
from station.errors import ConfigError

BASE = """
[station]
id = "DOCK-1"
site = "SITE-A"
"""

GROUP = """
[[claims.product_groups]]
name = "spf"
input_material = "SPF sawlogs"
unit = "t"
inputs = ["09506000134352"]
method = "{method}"
period_months = {period}
rolling_periods = {rolling}
[[claims.product_groups.outputs]]
product = "LUMBER-A"
ratio = "{ratio}"
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "station.toml"
    path.write_text(BASE + text, encoding="utf-8")
    return load_config(path)


def group(method: str = "percentage", period: int = 1, rolling: int = 3, ratio: str = "2/1") -> str:
    return GROUP.format(method=method, period=period, rolling=rolling, ratio=ratio)


def test_a_product_group_is_read_with_its_method_and_ratios(tmp_path: Path) -> None:
    config = load(tmp_path, "[claims]\nretention_years = 5\n" + group())
    claims = config.claims  # type: ignore[attr-defined]
    spf = claims.product_groups["spf"]
    assert spf.method is Method.PERCENTAGE and spf.rolling_periods == 3
    assert spf.ratio("LUMBER-A").to_input(Decimal(10)) == Decimal(20)
    assert claims.group_of("09506000134352") is spf and claims.retention_years == 5


def test_no_claims_table_means_no_claims(tmp_path: Path) -> None:
    assert not load(tmp_path, "").claims.enabled  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[claims]\nretention_years = 2\n", "claims.retention_years: records are kept at least 3"),
        ("[claims]\nmass_balance_tolerance = 1.5\n", "expected a share of what came in"),
        ("[claims]\nmass_balance_tolerance = nan\n", "expected a finite number"),
        (group(period=4, rolling=0), "simple percentage claim period is at most 3 months"),
        (group(period=3, rolling=5), "rolling percentage may span at most 12 months"),
        (group(ratio="0/1"), "positive on both sides"),
        (group(ratio="four"), "expected input per output such as '4/1'"),
        (group(method="guess"), "expected one of physical_separation, percentage, credit"),
        (group() + group(), "product group 'spf' is defined twice"),
        ("[claims.eudr]\nproduct_groups = ['nope']\n", "no product group is named 'nope'"),
        ("[claims]\ncertificate_registr = 'x.csv'\n", "did you mean 'certificate_register'"),
    ],
)
def test_a_claims_setting_that_cannot_work_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert message in str(caught.value)
    assert str(tmp_path / "station.toml") in str(caught.value)
