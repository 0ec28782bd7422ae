"""The kiosk deployment files in config/deploy/ are ones systemd and udev accept."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "config" / "deploy"
UNIT = DEPLOY / "station-kiosk.service"
RULES = DEPLOY / "90-station.rules"


def _verify(unit_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (no systemd)")
    # verify checks that ExecStart is executable: point it at this checkout's entry point.
    station = Path(sys.executable).with_name("station")
    unit = tmp_path / UNIT.name
    unit.write_text(unit_text.replace("/opt/station/.venv/bin/station", str(station)))
    return subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )


def test_kiosk_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    done = _verify(UNIT.read_text(), tmp_path)
    # verify exits 0 on unknown keys and bad values but warns about them on stderr.
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_verify_catches_a_broken_unit(tmp_path: Path) -> None:
    """Positive control: the check above would notice a mistyped setting."""
    broken = UNIT.read_text().replace("Restart=always", "Restart=sometimes")
    assert "restart specifier" in _verify(broken, tmp_path).stderr


def test_kiosk_unit_restarts_always_on_persistent_storage() -> None:
    text = UNIT.read_text()
    assert "Restart=always" in text
    assert "Environment=STATION_DATA_DIR=/var/lib/station" in text
    assert "RequiresMountsFor=/var/lib/station" in text
    assert re.search(r"^ExecStart=\S+/station run$", text, re.MULTILINE)


_KEY = r"[A-Z_]+(?:\{[A-Za-z_]+\})?"
_MATCH = re.compile(rf'^({_KEY})(==|!=)"([^"]*)"$')
_ASSIGN = re.compile(rf'^({_KEY})(=|\+=|:=)"([^"]*)"$')
_MATCH_KEYS = {"SUBSYSTEM", "KERNEL", "ATTRS", "ENV", "ACTION"}
_ASSIGN_KEYS = {"GROUP", "MODE", "SYMLINK", "OWNER", "ENV"}


def _rule_problems(text: str) -> list[str]:
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assigned = False
        for part in (p.strip() for p in line.split(", ")):
            match, assign = _MATCH.match(part), _ASSIGN.match(part)
            if match and match.group(1).split("{")[0] in _MATCH_KEYS:
                continue
            if assign and assign.group(1).split("{")[0] in _ASSIGN_KEYS:
                assigned = True
                continue
            problems.append(f"line {number}: cannot read {part!r}")
        if not assigned:
            problems.append(f"line {number}: assigns nothing")
    return problems


def test_udev_rules_are_well_formed() -> None:
    assert _rule_problems(RULES.read_text()) == []


def test_udev_rule_check_catches_a_typo() -> None:
    """Positive control: a single '=' where a match needs '==' is reported."""
    assert _rule_problems('SUBSYSTEM="tty", GROUP="dialout"\n') != []


def test_udev_rules_give_the_station_groups_their_devices() -> None:
    text = RULES.read_text()
    for group in ("dialout", "input", "lp"):
        assert f'GROUP="{group}"' in text
        assert group in UNIT.read_text()
