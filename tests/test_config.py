"""Config loading: the example is valid, and every problem is one line naming file and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from station.config import load_config
from station.domain.checks.receiving import DEFAULT_REQUIRED_FIELDS
from station.domain.operators import Role
from station.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "station.example.toml"

MINIMAL = '[station]\nid = "D1"\nsite = "Plant"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid_and_complete() -> None:
    config = load_config(EXAMPLE)
    assert config.station_id == "DOCK-1"
    assert config.required_fields == DEFAULT_REQUIRED_FIELDS
    assert [r.region for r in config.risk.rules] == ["CN-XJ"]
    ana = config.operator_by_badge("B-1001")
    assert ana is not None and Role.RECEIVE in ana.roles
    # the example ships no supervisor: a real dock makes its own with `station hash-pin`
    assert not [op for op in config.operators if Role.SUPERVISE in op.roles]
    dan = config.operator_by_badge("B-1003")
    assert dan is not None and dan.training[0].expires == dt.date(2025, 5, 1)


def test_minimal_config_gets_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.scanner.inter_key_timeout_ms == 150
    assert config.rules.command_prefix == "#"
    assert config.operators == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL + "[scaner]\n", "scaner: unknown key; did you mean 'scanner'?"),
        (
            MINIMAL + '[scanner]\nterminater = "tab"\n',
            "scanner.terminater: unknown key; did you mean 'terminator'?",
        ),
        (
            MINIMAL + '[scanner]\ninter_key_timeout_ms = "fast"\n',
            "scanner.inter_key_timeout_ms: expected float, found string 'fast'",
        ),
        (
            MINIMAL + '[scanner]\nterminator = "space"\n',
            "scanner.terminator: expected one of enter, tab, eot, found 'space'",
        ),
        (
            MINIMAL + '[codes]\nseal = "SL[0-9"\n',
            "codes.seal: 'SL[0-9': not a valid RE2 pattern (missing ]: [0-9)",
        ),
        (
            MINIMAL + '[codes]\ngs_substitutes = [""]\n',
            "codes.gs_substitutes[0]: '': expected printable text such as '~'",
        ),
        ('[station]\nsite = "Plant"\n', "station.id: required key is missing"),
        ("", "station: required key is missing"),
        (
            MINIMAL + '[[risk.rules]]\nreason = "x"\n',
            "risk.rules[0]: give exactly one of 'country' or 'region'",
        ),
        (
            MINIMAL + '[[risk.rules]]\nregion = "Xinjiang"\nreason = "x"\n',
            "risk.rules[0].region: expected ISO 3166-2 such as 'CN-XJ' (an assigned country "
            "code, a hyphen, the subdivision), found 'XINJIANG'",
        ),
        (
            MINIMAL + '[moving_data]\nrequired = ["vendr"]\n',
            "moving_data.required[0]: expected one of unique_id",
        ),
        (
            MINIMAL + '[[operators]]\nid = "a"\nname = "A"\nbadge = "B"\nroles = ["boss"]\n',
            "operators[0].roles[0]: expected one of receive, release, supervise, found 'boss'",
        ),
        (
            MINIMAL + '[[operators]]\nid = "a"\nname = "A"\nbadge = "B"\npin_hash = "1234"\n',
            "operators[0].pin_hash: expected 'pbkdf2_sha256$",
        ),
        (
            MINIMAL
            + '[[operators]]\nid = "a"\nname = "A"\nbadge = "B"\ntraining = [{course = "x", expires = "soon"}]\n',
            "operators[0].training[0].expires: expected a date such as 2027-06-30, found 'soon'",
        ),
        (
            MINIMAL
            + '[[operators]]\nid = "a"\nname = "A"\nbadge = "B"\n[[operators]]\nid = "b"\nname = "B"\nbadge = "B"\n',
            "operators[1].badge: badge 'B' is already given to another operator",
        ),
    ],
)
def test_invalid_config_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    line = str(info.value)
    assert "\n" not in line
    assert line.startswith(f"{path}: ")
    assert message in line


def test_missing_file_and_broken_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"station\.toml: not valid TOML: .*line 1"):
        load_config(write(tmp_path, "[station\n"))


def test_site_label_templates(tmp_path: Path) -> None:
    text = MINIMAL + (
        '[labels]\nlot_template = "lot-4x2in"\n'
        '[[labels.templates]]\nname = "lot-4x2in"\nwidth_mm = 101.6\nheight_mm = 50.8\n'
        'fields = ["product", "lot", "quantity", "produced", "parents"]\n'
    )
    config = load_config(write(tmp_path, text))
    assert config.labels.lot_template == "lot-4x2in"
    assert "lot-4x2in" in config.labels.templates and "pallet-100x150" in config.labels.templates
    tiny = MINIMAL + '[[labels.templates]]\nname = "tiny"\nwidth_mm = 10\nheight_mm = 5\n'
    with pytest.raises(ConfigError, match=r"station\.toml: labels\.templates\[0\]"):
        load_config(write(tmp_path, tiny))
    with pytest.raises(ConfigError, match="unknown template 'nope'"):
        load_config(write(tmp_path, MINIMAL + '[labels]\nlot_template = "nope"\n'))
