"""Control, bidi and zero-width characters from manifests and config never reach an output raw.

Real processes (`python -m station.cli`) on a real data directory: the import echo,
``check-config`` and the HTML provenance report, each fed the characters the issue
reproduced (ESC sequences that clear the screen and retitle the window, BEL, NUL,
U+202E RIGHT-TO-LEFT OVERRIDE).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
DEMO = REPO / "config" / "demo"
UNSAFE = ("\x1b", "\x07", "\x00", "\u202e", "\u200b", "\x9b")


def station(*args: str, data_dir: Path, stdin: str = "", config: Path = CONFIG) -> tuple[int, str]:
    """Run the real command; its exit status and everything it wrote (stdout and stderr)."""
    options = ["--config", str(config), "--data-dir", str(data_dir)]
    done = subprocess.run(
        [sys.executable, "-m", "station.cli", *args, *options],
        input=stdin.encode("utf-8"),
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    out = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    return done.returncode, out


def assert_clean(text: str) -> None:
    for char in UNSAFE:
        assert char not in text, f"raw {char!r} in output: {text[:400]!r}"


def demo_manifest(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((DEMO / "clean.json").read_text(encoding="utf-8"))
    doc.update(changes)
    return doc


def test_import_refuses_a_shipment_id_with_an_escape_sequence_and_never_echoes_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        json.dumps(demo_manifest(shipment_id="SHP-\x1b[2J\x1b]0;x\x07")), encoding="utf-8"
    )
    code, out = station("import", str(path), data_dir=tmp_path / "data")
    assert code != 0
    assert_clean(out)
    assert "$.shipment_id" in out
    assert "\\x1b[2J" in out  # named, spelled out


def test_check_config_never_echoes_an_escape_in_the_station_id(tmp_path: Path) -> None:
    text = CONFIG.read_text(encoding="utf-8").replace('id = "DOCK-1"', 'id = "DOCK\\u001b[2J-1"')
    config = tmp_path / "station.toml"
    config.write_text(text, encoding="utf-8")
    code, out = station("check-config", data_dir=tmp_path / "data", config=config)
    assert_clean(out)
    assert code != 0
    assert "station.id" in out


def test_html_report_escapes_controls_and_bidi_in_vendor_and_city(tmp_path: Path) -> None:
    doc = demo_manifest()
    line = doc["units"][0]["contents"][0]
    line["vendor"] = "Evil\x1b[31m\x07Corp\u202egpj.exe\x00"
    line["place_of_manufacture"]["city"] = "Bac\x1b]0;pwned\x07 Giang\u202e\x00"
    doc["notes"] = "ring\x07\x07 \x1b[2J"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    data = tmp_path / "data"
    code, out = station("import", str(path), data_dir=data)
    assert code == 0, out
    scans = "BOL-778001\nSL0041871\n]C100006141412610010016\n#CLOSE\n"
    code, out = station("scan", "--operator", "B-1001", data_dir=data, stdin=scans)
    assert code == 0, out
    code, html = station("report", "006141412610010016", "--format", "html", data_dir=data)
    assert code == 0, html
    assert_clean(html)
    assert "Evil\\x1b[31m\\x07Corp\\u202egpj.exe\\x00" in html
    code, shown = station("show", "SHP-1001", data_dir=data)
    assert_clean(shown)
    code, report = station("report", "006141412610010016", "--format", "json", data_dir=data)
    assert code == 0
    assert_clean(report)
    assert json.loads(report)["genealogy"]["origin"]["vendor"] == line["vendor"]
