"""Release from the command line: the round trip from station A to station B, the gate, and
that no command can ship a unit without a completed release."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from station.cli.main import main
from tests.cli.test_headless import CONFIG, DEMO
from tests.workflows.release_support import (
    BOL,
    GTIN,
    P1,
    P2,
    P3,
    SEAL,
    label,
    lot_unit,
    order_manifest,
    pallet_label,
    sscc_unit,
)


def run(
    args: list[str], data_dir: Path, stdin: str = "", config: Path = CONFIG
) -> tuple[int, str, str]:
    """`station ARGS --config CONFIG --data-dir DATA_DIR` in process."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = main([*args, "--config", str(config), "--data-dir", str(data_dir)])
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def new_lots(data_dir: Path, kind: str, *args: str) -> list[str]:
    code, out, err = run(
        ["lots", "new", "--kind", kind, "--operator", "B-1001", "--json", *args], data_dir
    )
    assert code == 0, (out, err)
    return list(json.loads(out)["new_ids"])


def scan(
    data_dir: Path, mode: str, badge: str, lines: list[str], config: Path = CONFIG
) -> list[dict[str, Any]]:
    code, out, err = run(
        ["scan", "--mode", mode, "--operator", badge, "--json"],
        data_dir,
        "\n".join(lines) + "\n",
        config,
    )
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def site_a(tmp_path: Path) -> tuple[Path, str, str, str]:
    """Station A: SHP-1001 received; P1 split into L1/L2, P2 and P3 palletised; order imported."""
    data = tmp_path / "a"
    manifests = [str(p) for p in sorted(DEMO.iterdir()) if p.suffix in (".json", ".csv")]
    assert run(["import", *manifests], data)[0] == 0
    lines = (DEMO / "scans" / "clean.txt").read_text(encoding="utf-8").split()
    scan(data, "receive", "B-1001", [*lines, "#CLOSE"])
    l1, l2 = new_lots(data, "split", "--parent", P1, "--output", "15", "--output", "16")
    (pallet,) = new_lots(data, "palletise", "--parent", P2, "--parent", P3)
    order = tmp_path / "order.json"
    units = [lot_unit(l1, 15), sscc_unit(pallet, 62)]
    order.write_text(json.dumps(order_manifest("SHP-2001", units)), encoding="utf-8")
    code, out, _ = run(["import", str(order)], data)
    assert code == 0 and out == "imported SHP-2001\n"
    return data, l1, l2, pallet


def config_b(tmp_path: Path) -> Path:
    """Another station, at the buyer: its own id, site and SSCC block."""
    text = CONFIG.read_text(encoding="utf-8")
    for old, new in (
        ('id = "DOCK-1"', 'id = "FARM-1"'),
        (
            'site = "Example Solar Works, Ho Chi Minh City, VN"',
            'site = "Delta Solar Farms, Can Tho, VN"',
        ),
        ("sscc_first = 100000", "sscc_first = 200000"),
        ("sscc_last = 199999", "sscc_last = 299999"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "farm.toml"
    path.write_text(text, encoding="utf-8")
    return path


def shipped(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "station.sqlite3") as conn:
        rows = conn.execute("SELECT lot_id FROM lots WHERE status = 'shipped'").fetchall()
    return sorted(r[0] for r in rows)


def test_round_trip_release_at_a_then_receive_at_b_clean(
    site_a: tuple[Path, str, str, str], tmp_path: Path
) -> None:
    data_a, l1, l2, pallet = site_a
    results = scan(
        data_a,
        "release",
        "B-1002",
        ["SHP-2001", label(l1), pallet_label(pallet), SEAL, BOL, "#CLOSE"],
    )
    assert [r["verdict"] for r in results] == [
        "info",
        "accept",
        "accept",
        "accept",
        "accept",
        "accept",
    ]
    assert all(r["recorded"] for r in results)
    outbound = data_a / "outbound" / "SHP-2001.json"
    assert shipped(data_a) == sorted([l1, pallet])

    # The gate: released units with their shipment, anything else not.
    code, out, _ = run(["gate", l1, "--json"], data_a)
    answer = json.loads(out)
    assert code == 0 and answer["released"] and answer["shipment_id"] == "SHP-2001"
    assert answer["bill_of_lading"] == BOL and answer["seals"] == [SEAL]
    code, out, _ = run(["gate", label(l1)], data_a)
    assert code == 0 and out.startswith(f"RELEASED: {l1} on shipment SHP-2001")
    code, out, _ = run(["gate", l2], data_a)
    assert code == 1 and out.startswith(f"NOT RELEASED: {l2}")
    # Where did P1 go: into L1, which left on SHP-2001.
    code, out, _ = run(["trace", P1, "--direction", "forward", "--json"], data_a)
    (shipped_l1,) = [n for n in json.loads(out)["tree"]["links"] if n["lot_id"] == l1]
    assert shipped_l1["shipped"]["shipment_id"] == "SHP-2001"
    assert shipped_l1["shipped"]["buyer"] == "Delta Solar Farms"
    code, out, _ = run(["trace", l1], data_a)
    assert " on SHP-2001 to Delta Solar Farms (BOL BOL-880001, release RL-DOCK-1-00001)" in out

    # Station B imports what A wrote, without edits, and receives it clean.
    farm = config_b(tmp_path)
    data_b = tmp_path / "b"
    code, out, err = run(["import", str(outbound)], data_b, config=farm)
    assert code == 0, err
    assert out == "imported SHP-2001\n"
    received = scan(
        data_b,
        "receive",
        "B-1001",
        [BOL, SEAL, label(l1), pallet_label(pallet), "#CLOSE"],
        config=farm,
    )
    assert [r["verdict"] for r in received] == ["info", "accept", "accept", "accept", "accept"]
    assert [f for r in received for f in r["findings"]] == []
    assert received[-1]["message"].startswith("Receipt closed: SHP-2001: 2 accepted, 0 on hold")
    # B knows where A's goods came from: A made L1, from Sao Mai's lot upstream.
    code, out, _ = run(["trace", f"01:{GTIN}/10:{l1}", "--json"], data_b, config=farm)
    tree = json.loads(out)["tree"]
    assert tree["origin"]["vendor"] == "Example Solar Works"
    assert tree["origin"]["place_of_manufacture"]["country"] == "VN"
    code, out, _ = run(["trace", pallet, "--json"], data_b, config=farm)
    lines = json.loads(out)["tree"]["links"]
    assert {n["origin"]["vendor"] for n in lines} == {"Sao Mai Solar Manufacturing JSC"}
    code, out, _ = run(["events", "--json"], data_b, config=farm)
    events = [json.loads(line) for line in out.splitlines()]
    (made,) = [
        e
        for e in events
        if e["kind"] == "unit.received" and e["payload"]["unit_id"] == f"01:{GTIN}/10:{l1}"
    ]
    (line,) = made["payload"]["contents"]
    assert [p["lot_id"] for p in line["provenance"]] == [P1]
    assert line["provenance"][0]["lot"] == "SM550-2609A"
    assert all(e["station_id"] == "FARM-1" for e in events)


def test_no_command_ships_without_a_completed_release(
    site_a: tuple[Path, str, str, str], tmp_path: Path
) -> None:
    data_a, l1, l2, pallet = site_a
    # Receiving the order, or scanning its units at receiving, never ships anything.
    received = scan(data_a, "receive", "B-1001", ["SHP-2001", label(l1), "#CLOSE"])
    assert [r["verdict"] for r in received] == ["reject", "reject", "reject"]
    # A release that does not pass is refused, whatever else is scanned.
    results = scan(
        data_a,
        "release",
        "B-1002",
        ["SHP-2001", label(l1), label(l2), pallet_label(pallet), SEAL, BOL, "#CLOSE", "#CLOSE"],
    )
    assert results[2]["findings"][0]["code"] == "NOT_ON_ORDER"
    assert [r["verdict"] for r in results[-2:]] == ["reject", "reject"]
    # Nor do the other commands.
    for args in (
        ["gate", l1],
        ["release", "list"],
        ["release", "show", "SHP-2001"],
        ["lots", "list"],
        ["trace", l1],
        ["show", "SHP-2001"],
        ["verify-log"],
    ):
        assert run(args, data_a)[0] in (0, 1), args
    code, _, err = run(["release", "export", "SHP-2001"], data_a)
    assert code == 2 and "no completed release" in err
    assert not (data_a / "outbound").exists()
    code, out, _ = run(["events", "--json"], data_a)
    kinds = [json.loads(line)["kind"] for line in out.splitlines()]
    assert "release.completed" not in kinds and kinds.count("release.refused") == 2
    assert shipped(data_a) == []
    code, out, _ = run(["gate", l1, "--json"], data_a)
    answer = json.loads(out)
    assert code == 1 and not answer["released"] and answer["release_id"] == "RL-DOCK-1-00001"


def test_release_list_show_and_export(site_a: tuple[Path, str, str, str], tmp_path: Path) -> None:
    data_a, l1, _, pallet = site_a
    code, out, _ = run(["release", "list"], data_a)
    assert code == 0 and out.startswith("SHP-2001") and "not started" in out
    scan(
        data_a,
        "release",
        "B-1002",
        ["SHP-2001", label(l1), pallet_label(pallet), SEAL, BOL, "#CLOSE"],
    )
    code, out, _ = run(["release", "show", "SHP-2001", "--json"], data_a)
    shown = json.loads(out)
    assert shown["status"] == "completed" and shown["seals"] == [SEAL]
    assert [(r["unit_id"], r["state"]) for r in shown["board"]] == [(l1, "ok"), (pallet, "ok")]
    written = data_a / "outbound" / "SHP-2001.json"
    original = written.read_text(encoding="utf-8")
    written.unlink()
    code, out, _ = run(["release", "export", "SHP-2001"], data_a)
    assert code == 0 and written.read_text(encoding="utf-8") == original
    copy = tmp_path / "copy.json"
    code, out, _ = run(["release", "export", "SHP-2001", "--out", str(copy)], data_a)
    assert code == 0 and copy.read_text(encoding="utf-8") == original
