"""The README's headless example works on a fresh machine exactly as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_readme_headless_example_runs_as_written(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Headless mode", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^    \$ (.+?)(?=^    \S|\Z)", section, re.M | re.S)
    assert len(commands) == 2, commands
    demo, scan = (" ".join(c.replace("\\\n", " ").split()) for c in commands)
    dock = str(tmp_path / "dock")
    # `uv run station` is this interpreter's station; the data dir is the test's own.
    python = f"{sys.executable} -m station.cli"
    for command in (demo, scan):
        assert "uv run station" in command and "/tmp/dock" in command
    demo = demo.split("#")[0].replace("uv run station", python).replace("/tmp/dock", dock)
    scan = scan.replace("uv run station", python).replace("/tmp/dock", dock)
    subprocess.run(demo, shell=True, check=True, cwd=REPO, capture_output=True, timeout=120)
    done = subprocess.run(
        scan, shell=True, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    verdicts = [json.loads(line) for line in done.stdout.splitlines()]
    # the close finds the shipment's two pallets that were not scanned
    assert [v["verdict"] for v in verdicts] == ["info", "accept", "accept", "quarantine"]
    assert "MISSING_UNITS" in {f["code"] for f in verdicts[-1]["findings"]}
    assert all(v["recorded"] for v in verdicts)
