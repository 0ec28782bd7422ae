"""``station release hand-entry``: a unit typed by hand goes on the open release only where
``[release] hand_entry = "supervisor"``, with a supervisor's badge, PIN (read from stdin,
never from argv) and reason."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_release_cli import run, scan, shipped, site_a  # noqa: F401 (fixture)
from tests.conftest import DEMO_CONFIG as CONFIG
from tests.workflows.release_support import BOL, SEAL, pallet_label

REASON = "label burnt; identity checked on the delivery note"


def hand_entry(data: Path, unit: str, stdin: str, config: Path = CONFIG) -> tuple[int, str, str]:
    args = ["release", "hand-entry", unit, "--operator", "B-1002", "--supervisor", "B-2001"]
    return run([*args, "--reason", REASON], data, stdin, config)


def test_hand_entry_from_the_command_line(
    site_a: tuple[Path, str, str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    data, l1, _, pallet = site_a
    scan(data, "release", "B-1002", ["SHP-2001"])
    code, out, err = hand_entry(data, l1, "2468\n")
    assert code != 0 and "Hand entry is off" in out + err  # the default: refuse

    supervised = tmp_path / "supervised.toml"
    text = CONFIG.read_text(encoding="utf-8")
    assert 'hand_entry = "refuse"' in text
    supervised.write_text(text.replace('hand_entry = "refuse"', 'hand_entry = "supervisor"'))
    code, out, err = hand_entry(data, l1, "1111\n", supervised)
    assert code != 0 and "wrong or missing PIN" in out
    code, out, err = hand_entry(data, l1, "2468\n", supervised)
    assert code == 0, (out, err)
    assert out.startswith(f"OK {l1}: passes release for SHP-2001")
    results = scan(
        data, "release", "B-1002", [pallet_label(pallet), SEAL, BOL, "#CLOSE"], supervised
    )
    assert results[-1]["verdict"] == "accept"
    assert shipped(data) == sorted([l1, pallet])
    assert b"2468" not in (data / "station.sqlite3").read_bytes()
