"""What the quick entry points load: never numpy, the label renderers, the camera or Textual.

``station --help`` and headless ``station scan`` (up to its first verdict) must start
fast; these libraries are loaded when a label is rendered, a camera opened or the
TUI started. Checked on the real commands with ``python -X importtime``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
DEMO = (sys.executable, "-m", "station.cli", "demo", "--no-tui")
HEAVY = {"numpy", "cv2", "zxingcpp", "PIL", "segno", "textual", "labels.document", "labels.layout"}


def loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "station.cli", *args],
        input="",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_help_loads_nothing_heavy() -> None:
    modules = loaded("--help")
    assert "station.cli.main" in modules
    assert (HEAVY | {"biip"}) & modules == set()


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    subprocess.run(
        [*DEMO, "--config", str(CONFIG), "--data-dir", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    return tmp_path


def test_headless_scan_loads_no_renderer_numpy_or_textual(demo_dir: Path) -> None:
    modules = loaded(
        "scan",
        "--config",
        str(CONFIG),
        "--data-dir",
        str(demo_dir),
        "--operator",
        "B-1001",
        "--shipment",
        "SHP-1001",
    )
    assert "station.bootstrap" in modules
    assert HEAVY & modules == set()


def test_the_tui_module_loads_no_renderer_or_numpy() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import station.tui.app"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "textual.app" in modules
    assert {"numpy", "labels.document", "labels.layout", "cv2"} & modules == set()
