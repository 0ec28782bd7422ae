"""hub.toml: the example loads, and every mistake is one line naming the file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from station.errors import ConfigError
from station.hub.config import load_hub_config
from tests.hub.support import REPO


def test_the_example_config_loads() -> None:
    config = load_hub_config(REPO / "config" / "hub.example.toml")
    assert (config.host, config.port) == ("127.0.0.1", 8400)
    assert config.database.startswith("sqlite:///") and config.sites == ("PLANT-1",)
    assert config.urn_namespace == "station"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[hub]\nlisten = "nowhere"\ndatabase = "sqlite:///h.db"\nsites = ["A"]', "hub.listen"),
        ('[hub]\ndatabase = "mysql://x"\nsites = ["A"]', "hub.database"),
        ('[hub]\nsites = ["A"]', "hub.database: required key is missing"),
        ('[hub]\ndatabase = "sqlite:///h.db"\nsites = []', "hub.sites"),
        ('[hub]\ndatabase = "sqlite:///h.db"\nsites = ["a b"]', "hub.sites[0]"),
        ('[hub]\ndatabase = "sqlite:///h.db"\nsites = ["A"]\nsitez = 1', "did you mean"),
        (
            '[hub]\ndatabase = "sqlite:///h.db"\nsites = ["A"]\n[hub.capture]\nmax_events = 0',
            "hub.capture.max_events",
        ),
        (
            '[hub]\ndatabase = "sqlite:///h.db"\nsites = ["A"]\n[hub.query]\nper_page = 5000',
            "hub.query.per_page",
        ),
        (
            '[hub]\ndatabase = "sqlite:///h.db"\nsites = ["A"]\nurn_namespace = "a b"',
            "hub.urn_namespace",
        ),
        ("[hub\n", "not valid TOML"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_key(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "hub.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_hub_config(path)
    message = str(refused.value)
    assert message.startswith(f"{path}") and said in message and "\n" not in message


def test_station_hub_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hub.toml"
    path.write_text('[hub]\nlisten = "nowhere"\ndatabase = "sqlite:///h.db"\nsites = ["A"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "station.cli", "hub", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"station: {path}: hub.listen")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_station_hub_needs_its_config(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "station.cli", "hub"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2 and "--config hub.toml" in done.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hub.toml"
    path.write_text(
        '[hub]\nlisten = "127.0.0.1:1"\ndatabase = "postgresql://nobody@127.0.0.1:1/none"\n'
        'sites = ["A"]\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "station.cli", "hub", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 2 and done.stderr.startswith("station: hub database (PostgreSQL)")
    assert "Traceback" not in done.stderr
