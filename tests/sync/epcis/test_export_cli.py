"""``station export-epcis``, run as a real process against a real station database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from station.bootstrap import Station
from station.sync.epcis import event_hash
from tests.conftest import EXAMPLE_CONFIG
from tests.sync.epcis.support import SCHEMA, busy_log, errors


def station_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            *args,
            "--config",
            str(EXAMPLE_CONFIG),
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def data_dir(station: Station) -> Path:
    busy_log(station)
    return station.data_dir


def test_exports_one_document_a_batch_per_line_and_the_hashes(
    data_dir: Path, tmp_path: Path
) -> None:
    whole = station_cli(data_dir, "export-epcis")
    assert whole.returncode == 0, whole.stderr
    document = json.loads(whole.stdout)
    entries = document["epcisHeader"]["st:stationLog"]["entries"]
    assert entries[0]["seq"] == 1 and len(entries) > 60
    if SCHEMA.is_file():
        assert errors(document) == []

    part = station_cli(data_dir, "export-epcis", "--from", "10", "--to", "29", "--batch", "7")
    assert part.returncode == 0, part.stderr
    batches = [json.loads(line) for line in part.stdout.splitlines()]
    seqs = [[e["seq"] for e in b["epcisHeader"]["st:stationLog"]["entries"]] for b in batches]
    assert seqs == [list(range(10, 17)), list(range(17, 24)), list(range(24, 30))]

    hashes = station_cli(data_dir, "export-epcis", "--hashes")
    assert hashes.returncode == 0, hashes.stderr
    expected = [
        f"{e['eventID']} {event_hash(e, document['@context'])}"
        for e in document["epcisBody"]["eventList"]
    ]
    assert hashes.stdout.splitlines() == expected

    out = tmp_path / "capture.jsonld"
    written = station_cli(data_dir, "export-epcis", "--out", str(out))
    assert written.returncode == 0 and json.loads(out.read_text(encoding="utf-8")) == document
    again = station_cli(data_dir, "export-epcis", "--out", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "0"], "bad range"),
        (["--from", "9", "--to", "3"], "bad range"),
        (["--from", "100000"], "no events from #100000"),
        (["--batch", "0"], "bad range"),
    ],
)
def test_bad_ranges_are_refused_in_one_line(data_dir: Path, args: list[str], message: str) -> None:
    result = station_cli(data_dir, "export-epcis", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
