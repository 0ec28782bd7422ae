"""An import command is all or nothing, and concurrent imports never give a traceback.

Real files and real processes: a two-file import whose second file clashes with the
first stores neither; two imports sharing an SSCC started at the same instant
(through the CLI, and without the writer lock through the library) leave exactly one
shipment expecting that unit and the other refused with a message naming it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from biip.checksums import gs1_standard_check_digit

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
CLI = (sys.executable, "-m", "station.cli")
CHILD = REPO / "tests" / "workflows" / "writer_child.py"


def sscc(serial: int) -> str:
    body = f"00614141{serial:09d}"
    return body + str(gs1_standard_check_digit(body))


SHARED = sscc(800_001)


def manifest(shipment: str, units: list[str]) -> dict[str, Any]:
    line = {
        "gtin": "0614141550012",
        "lot": "SM550-2609A",
        "quantity": 31,
        "uom": "EA",
        "product": "Monocrystalline PV module 550 W",
    }
    return {
        "manifest_version": 1,
        "shipment_id": shipment,
        "direction": "inbound",
        "bill_of_lading": f"BOL-{shipment}",
        "units": [{"sscc": u, "packaging": "pallet", "contents": [line]} for u in units],
    }


def write(path: Path, *docs: dict[str, Any]) -> Path:
    path.write_text(json.dumps(list(docs) if len(docs) > 1 else docs[0]), encoding="utf-8")
    return path


def station(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args, "--data-dir", str(data_dir), "--config", str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )


def imported_shipments(data_dir: Path) -> list[str]:
    done = station(data_dir, "events", "--json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    return [
        e["payload"]["manifest"]["shipment_id"] for e in events if e["kind"] == "manifest.imported"
    ]


def test_two_file_import_whose_second_clashes_stores_neither(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = write(tmp_path / "a.json", manifest("SHP-A", [sscc(800_000), SHARED]))
    second = write(tmp_path / "b.json", manifest("SHP-B", [SHARED, sscc(800_002)]))
    done = station(data, "import", str(first), str(second))
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    assert f"b.json: shipment SHP-B refused: unit {SHARED} is also in shipment SHP-A" in done.stderr
    assert "a.json" in done.stderr and "nothing was imported" in done.stderr
    assert imported_shipments(data) == []
    assert station(data, "show", "SHP-A").returncode == 2

    # Within one file too; and against what an earlier import stored.
    both = write(
        tmp_path / "both.json",
        manifest("SHP-C", [sscc(800_003)]),
        manifest("SHP-D", [sscc(800_003)]),
    )
    done = station(data, "import", str(both))
    assert done.returncode == 2 and "in two shipments" in done.stderr, done.stderr
    assert imported_shipments(data) == []
    assert station(data, "import", str(first)).returncode == 0
    clean = write(tmp_path / "c.json", manifest("SHP-E", [sscc(800_004)]))
    done = station(data, "import", str(clean), str(second))
    assert done.returncode == 2
    assert f"unit {SHARED} is already expected in shipment SHP-A" in done.stderr
    assert imported_shipments(data) == ["SHP-A"]
    # The same shipment twice with other content in one import is a clash, not a crash.
    other = write(tmp_path / "e2.json", manifest("SHP-E", [sscc(800_005)]))
    done = station(data, "import", str(clean), str(other))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "e2.json: shipment SHP-E was already imported (in c.json)" in done.stderr
    assert station(data, "import", str(clean), str(clean)).returncode == 0
    assert imported_shipments(data) == ["SHP-A", "SHP-E"]


def test_concurrent_cli_imports_sharing_an_sscc(tmp_path: Path) -> None:
    first = write(tmp_path / "a.json", manifest("SHP-A", [sscc(800_000), SHARED]))
    second = write(tmp_path / "b.json", manifest("SHP-B", [SHARED]))
    for trial in range(4):
        data = tmp_path / f"data{trial}"
        assert station(data, "events").returncode == 0  # the database exists before the race
        procs = [
            subprocess.Popen(
                [*CLI, "import", str(path), "--data-dir", str(data), "--config", str(CONFIG)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=REPO,
            )
            for path in (first, second)
        ]
        results = [(p.wait(60), *p.communicate()) for p in procs]
        assert sorted(code for code, _, _ in results) == [0, 2], results
        for _, _, err in results:
            assert "Traceback" not in err and "IntegrityError" not in err, err
        refused = next(err for code, _, err in results if code == 2)
        assert "in use by another station process" in refused or SHARED in refused, refused
        assert len(imported_shipments(data)) == 1


def test_concurrent_library_imports_without_the_lock(tmp_path: Path) -> None:
    # Large enough that one import is still writing while the other plans.
    first = write(tmp_path / "a.json", manifest("SHP-A", [*map(sscc, range(2000)), SHARED]))
    second = write(tmp_path / "b.json", manifest("SHP-B", [SHARED, *map(sscc, range(3000, 5000))]))
    for trial in range(3):
        data = tmp_path / f"data{trial}"
        assert station(data, "events").returncode == 0
        start = str(time.time() + 2.0)
        procs = [
            subprocess.Popen(
                [sys.executable, str(CHILD), "import", str(data), str(CONFIG), start, str(path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=REPO,
            )
            for path in (first, second)
        ]
        outs = [p.communicate(timeout=60) for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
        results = [json.loads(out.splitlines()[-1]) for out, _ in outs]
        assert sorted(len(r["imported"]) for r in results) == [0, 1], results
        (refusal,) = [line for r in results for line in r["refused"]]
        assert f"unit {SHARED} is already expected in shipment" in refusal
        assert len(imported_shipments(data)) == 1
