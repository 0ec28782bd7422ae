"""`station claims` and `station mass-balance` over a real event log: receipts by category
over several months, a held unit counted when released, sales drawn from a credit
account, and a leak (output shipped that was never received) that the balance flags."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from station.cli.main import main
from station.domain.events import Event, EventKind
from station.store.eventlog import EventLog
from station.store.projections.claims import ClaimProjector

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "station.example.toml"

CLAIMS = """
[claims]
mass_balance_tolerance = 0.02
[[claims.product_groups]]
name = "spf"
input_material = "SPF sawlogs"
unit = "t"
inputs = ["09506000134352"]
method = "percentage"
rolling_periods = 3
[[claims.product_groups.outputs]]
product = "LUMBER-A"
ratio = "2/1"
[[claims.product_groups]]
name = "alder"
input_material = "Alder sawlogs"
unit = "t"
inputs = ["09506000134369"]
method = "credit"
credit_window_months = 12
[[claims.product_groups.outputs]]
product = "ALDER-B"
ratio = "4/1"
"""


def _when(month: int) -> dt.datetime:
    return dt.datetime(2026, month, 15, 9, 0, tzinfo=dt.UTC)


def _received(unit: str, group: str, qty: str, share: str, status: str, *, month: int) -> Event:
    category = "certified" if share != "0" else "other"
    return Event.new(
        EventKind.UNIT_RECEIVED,
        station_id="DOCK-1",
        operator_id="OP-1",
        recorded_at=_when(month),
        payload={
            "unit_id": unit,
            "shipment_id": f"SHP-{unit}",
            "status": status,
            "claims": [
                {
                    "group": group,
                    "quantity": qty,
                    "uom": "TNE",
                    "claim": None,
                    "category": category,
                    "certified_share": share,
                    "verified": True,
                }
            ],
        },
    )


RATIOS = {"LUMBER-A": ("spf", 2), "ALDER-B": ("alder", 4)}


def _shipped(product: str, qty: int, month: int) -> Event:
    line = {"gtin": None, "product": product, "quantity": qty}
    group, ratio = RATIOS[product]
    return Event.new(
        EventKind.RELEASE_COMPLETED,
        station_id="DOCK-1",
        operator_id="OP-2",
        recorded_at=_when(month),
        payload={
            "manifest": {"units": [{"contents": [line]}]},
            "units": [],
            "claims": [{"group": group, "input_quantity": str(qty * ratio)}],
        },
    )


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "station.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + CLAIMS, encoding="utf-8")
    data_dir = tmp_path / "data"
    # The claims projection only: the reports read nothing else.
    log = EventLog.open(data_dir / "station.sqlite3", ClaimProjector())
    held = _received("U-HELD", "spf", "30", "1", "quarantined", month=2)
    log.append(
        [
            _received("U-1", "spf", "11", "1", "accepted", month=1),  # month 1: Vc 11
            _received("U-2", "spf", "90", "0", "accepted", month=1),  # Vo 90
            _received("U-3", "spf", "20", "0.6", "accepted", month=2),  # Vc 12, Vo 8
            _received("U-4", "spf", "82", "0", "accepted", month=2),  # Vo 82
            held,  # counted in month 3, when released
            Event.new(
                EventKind.HOLD_RELEASED,
                station_id="DOCK-1",
                operator_id="OP-9",
                recorded_at=_when(3),
                payload={"entity_kind": "unit", "entity_id": "U-HELD"},
            ),
            _received("A-1", "alder", "200", "1", "accepted", month=1),  # credits 200
            _shipped("ALDER-B", 20, 2),  # 80 credits drawn
            _shipped("ALDER-B", 40, 3),  # 160 asked, 120 left: 40 uncovered (the leak)
            _shipped("LUMBER-A", 100, 3),  # 200 t of logs out of spf
        ]
    )
    log.close()
    return config, data_dir


def run(args: list[str], config: Path, data_dir: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main([*args, "--config", str(config), "--data-dir", str(data_dir)])
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_percentage_periods_count_shares_and_released_holds(data: tuple[Path, Path]) -> None:
    code, out, _ = run(["claims", "--group", "spf", "--format", "json"], *data)
    assert code == 0
    rows = json.loads(out)
    assert [r["period"] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    vc = [Decimal(r["certified"]) for r in rows]
    vo = [Decimal(r["other"]) for r in rows]
    assert vc == [Decimal(11), Decimal(12), Decimal(30)] and vo == [Decimal(90), Decimal(90), 0]
    # Rolling over three periods: (11+12+30) / (11+12+30+90+90) = 22.75%
    assert [r["percent"] for r in rows] == ["10.89", "11.33", "22.75"]
    assert rows[2]["claim"] == "SFI 22% Certified Forest Content (below 70%: no label)"
    # the figures name their events: the held unit's receipt (and, listed, its release)
    # and the lumber shipped in March
    assert rows[2]["events"] == {"count": 2, "first": 5, "last": 10}
    code, out, _ = run(["claims", "--group", "spf", "--format", "json", "--events"], *data)
    assert json.loads(out)[2]["events"]["seqs"] == [5, 6, 10]


def test_the_credit_account_draws_by_ratio_and_reports_what_it_cannot_cover(
    data: tuple[Path, Path],
) -> None:
    code, out, _ = run(["claims", "--group", "alder", "--format", "json"], *data)
    assert code == 0
    rows = {r["period"]: r for r in json.loads(out)}
    assert rows["2026-02"]["drawn"] == "80" and rows["2026-02"]["balance"] == "120"
    assert rows["2026-03"]["drawn"] == "120" and rows["2026-03"]["uncovered"] == "40"
    assert rows["2026-03"]["balance"] == "0"


def test_the_mass_balance_flags_output_that_never_came_in(data: tuple[Path, Path]) -> None:
    code, out, _ = run(["mass-balance", "--group", "alder", "--period", "2026-03"], *data)
    assert code == 0
    assert "2026-03" in out and "FLAGGED" in out and "2026-01" not in out
    code, out, _ = run(["mass-balance", "--format", "json"], *data)
    rows = {(r["group"], r["period"]): r for r in json.loads(out)}
    march = rows[("spf", "2026-03")]
    # spf: opening 203 + 30 in - 200 out: 33 left, nothing missing.
    assert march["unexplained"] == "0" and not march["flagged"]
    # alder: 200 in, 80 then 160 t of logs out: 40 t left that never came in.
    alder = rows[("alder", "2026-03")]
    assert Decimal(alder["unexplained"]) == -40 and alder["flagged"]


def test_every_format_renders_and_html_has_a_chart(data: tuple[Path, Path], tmp_path: Path) -> None:
    for command in ("claims", "mass-balance"):
        for fmt in ("text", "csv", "html"):
            code, out, err = run([command, "--format", fmt], *data)
            assert code == 0, err
            assert out.strip()
    _, page, _ = run(["mass-balance", "--format", "html"], *data)
    assert page.startswith("<!doctype html>") and "<svg" in page and "<script" not in page
    code, out, _ = run(["claims", "--format", "csv", "--out", str(tmp_path / "c.csv")], *data)
    assert code == 0 and (tmp_path / "c.csv").read_text().startswith("group,method,period")


def test_bad_period_group_or_no_groups_is_a_clear_error(data: tuple[Path, Path]) -> None:
    code, _, err = run(["claims", "--period", "2026-13"], *data)
    assert code == 2 and "expected a month such as 2026-11" in err
    code, _, err = run(["claims", "--group", "oak"], *data)
    assert code == 2 and "no product group is named 'oak'" in err
    code, _, err = run(["claims", "--config", str(EXAMPLE)], EXAMPLE, data[1])
    assert code == 2 and "no product groups are configured" in err


def test_an_exported_period_verifies_elsewhere_and_tampering_is_found(
    data: tuple[Path, Path], tmp_path: Path
) -> None:
    archive = tmp_path / "elsewhere" / "2026-q1.zip"
    archive.parent.mkdir()
    code, out, err = run(
        ["export", "--from", "2026-02-01", "--to", "2026-03-31", "--out", str(archive)], *data
    )
    assert code == 0, err
    assert "written to" in out
    # Checked with nothing but the archive: no config, no data dir.
    code, out, _ = run(["verify-log", "--archive", str(archive)], EXAMPLE, tmp_path / "none")
    assert code == 0 and out.startswith("OK:") and "hash chain intact" in out
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        meta = json.loads(z.read("archive.json"))
        events = z.read("events.jsonl").decode()
    assert {"reports/claims.json", "reports/mass-balance.html"} <= names
    assert meta["events"] == 8 and meta["first_seq"] == 3  # Feb and March, contiguous
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as z:
        z.writestr("archive.json", json.dumps(meta))
        z.writestr("events.jsonl", events.replace('"82"', '"8"'))
        for name in names - {"archive.json", "events.jsonl"}:
            with zipfile.ZipFile(archive) as src:
                z.writestr(name, src.read(name))
    code, out, _ = run(["verify-log", "--archive", str(forged)], EXAMPLE, tmp_path / "none")
    assert code == 1 and "events.jsonl was altered" in out
    meta["sha256"]["events.jsonl"] = hashlib.sha256(
        events.replace('"82"', '"8"').encode()
    ).hexdigest()
    with zipfile.ZipFile(forged, "w") as z:
        z.writestr("archive.json", json.dumps(meta))
        z.writestr("events.jsonl", events.replace('"82"', '"8"'))
        for name in names - {"archive.json", "events.jsonl"}:
            with zipfile.ZipFile(archive) as src:
                z.writestr(name, src.read(name))
    code, out, _ = run(["verify-log", "--archive", str(forged)], EXAMPLE, tmp_path / "none")
    assert code == 1 and "was altered" in out and "#4" in out
