"""Every command answers the same way: errors exit 2 with a `station:` line, empty listings say so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"


def station(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    where = ["--config", str(CONFIG), "--data-dir", str(data_dir)]
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, *where],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [["report", "NOPE-1"], ["trace", "NOPE-1"], ["show", "NOPE-1"], ["release", "show", "NOPE-1"]],
)
def test_an_unknown_id_is_an_error_that_exits_2(tmp_path: Path, args: list[str]) -> None:
    done = station(args, tmp_path)
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr.startswith("station: ") and "NOPE-1" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["print-queue"], "the print queue is empty"),
        (["lots", "list"], "no lots"),
        (["lots", "list", "--status", "available"], "no lots with status available"),
        (["release", "list"], "no outbound orders"),
    ],
)
def test_an_empty_listing_says_so(tmp_path: Path, args: list[str], said: str) -> None:
    done = station(args, tmp_path)
    assert done.returncode == 0, done
    assert done.stdout.strip() == said


def test_an_empty_json_listing_is_an_empty_array(tmp_path: Path) -> None:
    done = station(["lots", "list", "--json"], tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == "[]"
