"""One input line in, exactly one verdict line out: `station scan` on hostile bytes.

Fed through a real process's stdin: bytes that are not UTF-8, lines made only of
separators or Unicode spaces, empty lines. Each gets its own verdict line, the
stream goes on, the log verifies; a property test over arbitrary byte lines checks
the count.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.bootstrap import open_station
from station.cli.headless import run_scans
from station.config import load_config

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config" / "station.example.toml"
DEMO = REPO / "config" / "demo"
CLI = (sys.executable, "-m", "station.cli")
PALLET = b"]C100006141412610010016"

BAD_LINES = [
    b"]C100\xff",  # not UTF-8
    b"\x1c",
    b"\x1e",
    "\u0085".encode(),
    "\u2028".encode(),
    "\u3000".encode(),
    "\u00a0".encode(),
    b"",
    b"\r",
    b"BOL-77\xc3",  # a cut multi-byte sequence
    "\ud800".encode("utf-8", "surrogatepass"),  # an encoded surrogate: not UTF-8 either
]


def station(data_dir: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*CLI, *args, "--data-dir", str(data_dir), "--config", str(CONFIG)],
        input=stdin,
        capture_output=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )


def imported(data_dir: Path) -> Path:
    manifests = [str(p) for p in sorted(DEMO.iterdir()) if p.suffix in (".json", ".csv")]
    done = station(data_dir, "import", *manifests)
    assert done.returncode == 0, done.stderr
    return data_dir


def test_every_bad_line_gets_its_own_verdict_and_the_stream_goes_on(tmp_path: Path) -> None:
    data = imported(tmp_path / "data")
    feed = [b"BOL-778001", *BAD_LINES, PALLET]
    done = station(data, "scan", "--json", "--operator", "B-1001", stdin=b"\n".join(feed) + b"\n")
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode == 0, done.stderr.decode()
    verdicts = [json.loads(line) for line in done.stdout.decode("ascii").splitlines()]
    assert len(verdicts) == len(feed)
    assert all(v["type"] == "scan" and v["recorded"] for v in verdicts)
    assert verdicts[0]["verdict"] == "info"
    assert verdicts[-1]["verdict"] == "accept", verdicts[-1]
    for verdict in verdicts[1:-1]:
        assert verdict["verdict"] == "error", verdict
    bad = verdicts[1]
    assert bad["input"] == "]C100\\xff"
    assert [f["code"] for f in bad["findings"]] == ["INVALID_CODE"]
    assert "]C100\\xff" in bad["message"] and "UTF-8" in bad["message"]

    events = station(data, "events", "--json")
    scans = [json.loads(line) for line in events.stdout.decode().splitlines()]
    recorded = [e["payload"] for e in scans if e["kind"] == "scan.recorded"]
    assert len(recorded) == 1 + len(feed)  # the login, then one per line
    assert recorded[2]["input"] == "]C100\\xff"
    assert recorded[2]["input_hex"] == b"]C100\xff".hex()
    verify = station(data, "verify-log")
    assert verify.returncode == 0 and verify.stdout.startswith(b"OK: "), verify.stdout


def test_text_mode_is_one_line_per_input_line_and_marks_the_shipment_line(
    tmp_path: Path,
) -> None:
    data = imported(tmp_path / "data")
    feed = [b"SL0041871", b"]C100006141412610010016\\x1d10WRONG", b"\xff\xfe", b"\x1b[31mred"]
    done = station(
        data,
        "scan",
        "--operator",
        "B-1001",
        "--shipment",
        "SHP-1001",
        stdin=b"\n".join(feed) + b"\n",
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert lines[0].startswith("# shipment: INFO ")
    verdicts = [line for line in lines if not line.startswith("#")]
    assert len(verdicts) == len(feed), lines
    assert verdicts[2].startswith("ERROR ") and "\\xff\\xfe" in verdicts[2]
    assert "\x1b" not in done.stdout.decode("utf-8")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.sampled_from([*BAD_LINES, PALLET, b"BOL-778001", b"#CLOSE", b"B-1001"]),
        ).map(lambda b: b.replace(b"\n", b"")),
        max_size=12,
    )
)
def test_any_bytes_one_verdict_per_line(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        st_ = open_station(load_config(CONFIG), Path(tmp))
        try:
            st_.recorder.login("B-1001", device="headless")
            out = io.StringIO()
            failures = run_scans(
                st_.recorder,
                iter([line + b"\n" for line in lines]),
                out,
                as_json=True,
                device="headless",
            )
            assert st_.log.verify().ok
        finally:
            st_.close()
    verdicts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(verdicts) == len(lines)
    assert failures == 0
    assert all(v["type"] == "scan" and v["recorded"] for v in verdicts)
