"""Headless `station scan` and the other CLI commands, in process against a real data dir."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from station.cli.main import main

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
DEMO = REPO / "config" / "demo"

DEMO_VERDICTS = {
    "clean": ["info", "accept", "accept", "accept", "accept", "accept"],
    "wrong-seal": ["info", "quarantine", "quarantine", "quarantine", "quarantine"],
    "unexpected-pallet": ["info", "accept", "accept", "accept", "quarantine", "accept"],
    "high-risk": ["info", "accept", "accept", "quarantine", "accept"],
    "missing-data": ["info", "accept", "accept", "quarantine", "accept"],
}
DEMO_CODES = {
    "clean": [],
    "wrong-seal": ["SEAL_MISMATCH", "SEAL_MISMATCH", "SEAL_MISMATCH", "SEAL_MISSING"],
    "unexpected-pallet": ["UNEXPECTED_UNIT"],
    "high-risk": ["HIGH_RISK_ORIGIN"],
    "missing-data": ["MISSING_MOVING_DATA"],
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    manifests = [str(p) for p in sorted(DEMO.iterdir()) if p.suffix in (".json", ".csv")]
    assert run(["import", *manifests], d)[0] == 0
    return d


def run(args: list[str], data_dir: Path, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main([*args, "--config", str(CONFIG), "--data-dir", str(data_dir)])
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", sorted(DEMO_VERDICTS))
def test_demo_shipments_headless_json(data_dir: Path, name: str) -> None:
    lines = [*(DEMO / "scans" / f"{name}.txt").read_text(encoding="utf-8").split(), "#CLOSE"]
    code, out, _ = run(
        ["scan", "--operator", "B-1001", "--json"], data_dir, "\n".join(lines) + "\n"
    )
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["input"] for r in results] == lines
    assert [r["verdict"] for r in results] == DEMO_VERDICTS[name]
    assert [f["code"] for r in results for f in r["findings"]] == DEMO_CODES[name]
    assert all(r["recorded"] and r["event_ids"] for r in results)
    assert set(results[0]) == {
        "type",
        "input",
        "verdict",
        "message",
        "findings",
        "unit",
        "shipment",
        "event_ids",
        "recorded",
    }


def test_headless_text_output_and_literal_gs(data_dir: Path) -> None:
    stdin = "BOL-778001\n]C100006141412610010016\\x1d10WRONG\n\x1b[31mred\n"
    code, out, _ = run(["scan", "--operator", "B-1001"], data_dir, stdin)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("INFO ")
    assert lines[1].startswith("QUARANTINE ") and "LABEL_MISMATCH" not in lines[1]
    assert "lot (10)" in lines[1]
    assert "\x1b" not in out and "\\x1b[31mred" in out


def test_headless_shipment_option_and_refused_operator(data_dir: Path) -> None:
    code, out, _ = run(
        ["scan", "--operator", "B-1001", "--shipment", "SHP-1003", "--json"],
        data_dir,
        "SL0041950\n",
    )
    assert code == 0
    first, second = (json.loads(x) for x in out.splitlines())
    assert first["shipment"] == "SHP-1003" and second["verdict"] == "accept"
    code, out, err = run(["scan", "--operator", "B-1003"], data_dir, "SL0041950\n")
    assert code == 2
    assert out == ""
    assert "training expired on 2025-05-01" in err


def test_parse_exit_codes(data_dir: Path) -> None:
    code, out, _ = run(["parse", "--json", "]C100006141412610010016"], data_dir)
    assert code == 0
    assert json.loads(out)["ais"] == [{"ai": "00", "value": "006141412610010016"}]
    code, out, _ = run(["parse", "00006141412610010017"], data_dir)
    assert code == 1
    assert "INVALID_CHECK_DIGIT" in out


def test_show_events_verify(data_dir: Path) -> None:
    run(["scan", "--operator", "B-1001"], data_dir, "BOL-778001\n]C100006141412610010016\n")
    code, out, _ = run(["show", "BOL-778001", "--json"], data_dir)
    assert code == 0
    data = json.loads(out)
    assert data["shipment_id"] == "SHP-1001" and data["status"] == "receiving"
    assert {u["unit_id"]: u["status"] for u in data["units"]}["006141412610010016"] == "accepted"
    code, out, _ = run(["show", "006141412610010016"], data_dir)
    assert code == 0 and "status: accepted" in out
    assert run(["show", "nothing-here"], data_dir)[0] == 2
    code, out, _ = run(["events", "--json"], data_dir)
    kinds = [json.loads(line)["kind"] for line in out.splitlines()]
    assert kinds.count("manifest.imported") == 6 and "unit.received" in kinds
    code, out, _ = run(["verify-log"], data_dir)
    assert code == 0 and out.startswith("OK: ")


def test_import_refuses_corrupt_manifest_whole(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"manifest_version": 1, "shipment_id": "SHP-9", "direction": "inbound",', encoding="utf-8"
    )
    code, _, err = run(["import", str(bad)], data_dir)
    assert code == 2
    assert "manifest refused" in err and "bad.json" in err and "line 1" in err
    code, out, _ = run(["import", str(DEMO / "clean.json")], data_dir)
    assert code == 0 and "unchanged SHP-1001" in out


def test_broken_config_is_one_line_without_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[station\n", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            "verify-log",
            "--config",
            str(cfg),
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"station: {cfg}: not valid TOML")
    assert "Traceback" not in proc.stderr


def test_lots_new_list_and_trace(data_dir: Path) -> None:
    lines = (DEMO / "scans" / "clean.txt").read_text(encoding="utf-8")
    run(["scan", "--operator", "B-1001"], data_dir, lines)
    code, out, _ = run(
        [
            "lots",
            "new",
            "--kind",
            "split",
            "--operator",
            "B-1001",
            "--parent",
            "006141412610010016:20",
            "--output",
            "10",
            "--output",
            "10",
            "--json",
        ],
        data_dir,
    )
    assert code == 0
    made = json.loads(out)
    assert made["ok"] and len(made["new_ids"]) == 2
    code, out, _ = run(
        [
            "lots",
            "new",
            "--kind",
            "palletise",
            "--operator",
            "B-1001",
            "--parent",
            made["new_ids"][0],
            "--parent",
            "006141412610010023",
            "--json",
        ],
        data_dir,
    )
    (pallet,) = json.loads(out)["new_ids"]
    code, out, _ = run(["trace", pallet, "--json"], data_dir)
    assert code == 0
    tree = json.loads(out)["tree"]
    leaves: list[dict[str, object]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["kind"] == "received":
            leaves.append(node)
        stack.extend(node["links"])
    assert sorted(leaf["lot_id"] for leaf in leaves) == ["006141412610010016", "006141412610010023"]  # type: ignore[type-var]
    assert all(leaf["receipt"]["bill_of_lading"] == "BOL-778001" for leaf in leaves)  # type: ignore[index]
    code, out, _ = run(["trace", "006141412610010016", "--direction", "forward"], data_dir)
    assert code == 0 and pallet in out
    code, out, _ = run(
        [
            "lots",
            "new",
            "--kind",
            "repack",
            "--operator",
            "B-1001",
            "--parent",
            "006141412610010023",
            "--output",
            "31",
        ],
        data_dir,
    )
    assert code == 1 and out.startswith("refused:")  # already used up on the pallet
    code, out, _ = run(["lots", "list", "--status", "available", "--json"], data_dir)
    assert pallet in [row["lot_id"] for row in json.loads(out)]


def test_provenance_report_json_and_html(data_dir: Path, tmp_path: Path) -> None:
    lines = (DEMO / "scans" / "high-risk.txt").read_text(encoding="utf-8")
    run(["scan", "--operator", "B-1001"], data_dir, lines)
    code, out, _ = run(["report", "073500532610040026", "--format", "json"], data_dir)
    assert code == 0
    report = json.loads(out)
    assert report["provenance"]["regions"] == ["CN-XJ"]
    assert report["documents"]["SHP-1004"]["bill_of_lading"] == "BOL-778004"
    (received,) = [r for r in report["receiving_and_holds"] if r["event"] == "unit.received"]
    assert received["status"] == "quarantined"
    assert [f["code"] for f in received["findings"]] == ["HIGH_RISK_ORIGIN"]
    (ana,) = report["operators"]
    assert ana["name"] == "Ana Lima" and ana["training"]["valid_at_every_action"] is True
    out_file = tmp_path / "report.html"
    code, _, _ = run(["report", "073500532610040026", "--out", str(out_file)], data_dir)
    page = out_file.read_text(encoding="utf-8")
    assert code == 0 and page.startswith("<!doctype html>")
    assert "HIGH_RISK_ORIGIN" in page and "BOL-778004" in page and "<script" not in page
    assert run(["report", "nothing"], data_dir)[0] == 2


def test_demo_release_after_clean_receipt(data_dir: Path) -> None:
    clean = (DEMO / "scans" / "clean.txt").read_text(encoding="utf-8") + "#CLOSE\n"
    run(["scan", "--operator", "B-1001"], data_dir, clean)
    release = (DEMO / "scans" / "release.txt").read_text(encoding="utf-8")
    code, out, _ = run(
        ["scan", "--mode", "release", "--operator", "B-1002", "--json"], data_dir, release
    )
    assert code == 0
    verdicts = [json.loads(line)["verdict"] for line in out.splitlines()]
    assert verdicts == ["info", "accept", "accept", "accept", "accept", "accept", "accept"]
    code, out, _ = run(["gate", "006141412610010016"], data_dir)
    assert code == 0 and out.startswith("RELEASED")
    assert (data_dir / "outbound" / "SHP-2101.json").is_file()
