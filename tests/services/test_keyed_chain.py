"""A keyed chain (issue 9 #4): a re-chain without the secret, a cut or an emptied log fail.

Real stations on real SQLite files, configured with ``[integrity] secret_file``; the
tampering is done with plain sqlite3 and the project's own unkeyed hash function, as
someone who can edit the file but does not hold the secret would do it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from station.bootstrap import open_station
from station.config import StationConfig, load_config
from station.errors import StoreError
from station.services.archive import verify_archive, write_archive
from station.services.integrity import integrity_options, verify_log
from station.store.hashchain import GENESIS, chain_hash, event_body
from tests.conftest import DEMO_DIR, EXAMPLE_CONFIG, REPO

DB = "station.sqlite3"


def keyed_config(tmp_path: Path, mode: int = 0o600, *, secret: bool = True) -> Path:
    """The example config, with a secret file of `mode` when `secret`."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    if secret:
        secret_file = tmp_path / "chain.secret"
        secret_file.write_text("k3y-0f-th1s-stati0n-only-a7f2c9\n", encoding="utf-8")
        secret_file.chmod(mode)
        text += f'\n[integrity]\nsecret_file = "{secret_file}"\nanchor_every = 4\n'
    path = tmp_path / ("keyed.toml" if secret else "plain.toml")
    path.write_text(text, encoding="utf-8")
    return path


def filled(config: StationConfig, data: Path) -> None:
    """Import the demo manifests: a few dozen events."""
    station = open_station(config, data)
    try:
        station.import_files(sorted(p for p in DEMO_DIR.iterdir() if p.suffix == ".json"))
        for n in range(3):
            station.recorder.login(("B-1001", "B-1002", "B-2001")[n])
    finally:
        station.close()


def rechain(path: Path, start: int, edit: str | None = None, *, downgrade: bool = False) -> None:
    """Rewrite event `start` (optionally its payload) and re-hash it and every later one
    with the plain SHA-256 chain of `station.store.hashchain`, as one without the key would."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_update")
    if edit is not None:
        conn.execute("UPDATE events SET payload = ? WHERE seq = ?", (edit, start))
    prev = GENESIS
    if start > 1:
        (prev,) = conn.execute("SELECT hash FROM events WHERE seq = ?", (start - 1,)).fetchone()
    rows = conn.execute(
        "SELECT seq, id, kind, station_id, operator_id, recorded_at, payload FROM events "
        "WHERE seq >= ? ORDER BY seq",
        (start,),
    ).fetchall()
    for seq, eid, kind, station, operator, when, payload in rows:
        body = event_body(
            event_id=eid,
            kind=kind,
            station_id=station,
            operator_id=operator,
            recorded_at=when,
            payload=json.loads(payload),
        )
        digest = chain_hash(prev, body)
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest
    if downgrade:
        conn.execute("UPDATE meta SET value = 'sha256' WHERE key = 'chain'")
        conn.execute("DELETE FROM meta WHERE key = 'key_check'")
    conn.commit()
    conn.close()


@pytest.fixture
def keyed(tmp_path: Path) -> tuple[StationConfig, Path]:
    config = load_config(keyed_config(tmp_path))
    data = tmp_path / "data"
    filled(config, data)
    assert verify_log(config, data / DB).ok
    return config, data


def test_a_keyed_log_verifies_and_says_so(keyed: tuple[StationConfig, Path]) -> None:
    config, data = keyed
    check = verify_log(config, data / DB)
    assert check.ok, check.lines
    assert "keyed: HMAC-SHA256" in check.lines[0]
    anchor = json.loads((data / "station.anchor.json").read_text())
    assert anchor["chain"] == "hmac-sha256" and len(anchor["mac"]) == 64


def test_a_rechain_with_the_unkeyed_hash_is_detected(keyed: tuple[StationConfig, Path]) -> None:
    config, data = keyed
    rechain(data / DB, 3, json.dumps({"forged": True}))
    check = verify_log(config, data / DB)
    assert check.status == "BROKEN"
    assert any("event #3" in p and "was altered" in p for p in check.problems), check.lines


def test_a_rechain_of_the_whole_log_as_unkeyed_is_detected(
    keyed: tuple[StationConfig, Path],
) -> None:
    config, data = keyed
    rechain(data / DB, 1, downgrade=True)
    check = verify_log(config, data / DB)
    assert check.status == "BROKEN"
    assert any("is not keyed, but [integrity] secret_file" in p for p in check.problems)
    with pytest.raises(StoreError, match="does not match its anchor or key: event #"):
        open_station(config, data)


@pytest.mark.parametrize("cut", [1, 10])
def test_a_cut_tail_of_a_keyed_log_is_detected(keyed: tuple[StationConfig, Path], cut: int) -> None:
    config, data = keyed
    conn = sqlite3.connect(data / DB)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq > (SELECT max(seq) FROM events) - ?", (cut,))
    conn.commit()
    conn.close()
    check = verify_log(config, data / DB)
    assert check.status == "BROKEN" and f"its last {cut} events were cut" in check.problems[0]


def test_an_anchor_moved_back_without_the_secret_is_detected(
    keyed: tuple[StationConfig, Path],
) -> None:
    config, data = keyed
    conn = sqlite3.connect(data / DB)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq > 5")
    (digest,) = conn.execute("SELECT hash FROM events WHERE seq = 5").fetchone()
    conn.commit()
    conn.close()
    path = data / "station.anchor.json"
    anchor = json.loads(path.read_text())
    anchor["head"] = anchor["verified"] = {"seq": 5, "hash": digest}
    path.write_text(json.dumps(anchor))
    check = verify_log(config, data / DB)
    assert check.status == "BROKEN"
    assert any("edited without the station's secret" in p for p in check.problems), check.lines


def test_without_the_secret_verify_log_says_it_cannot_check_the_keys(
    keyed: tuple[StationConfig, Path], tmp_path: Path
) -> None:
    _, data = keyed
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            "verify-log",
            "--data-dir",
            str(data),
            "--config",
            str(keyed_config(tmp_path, secret=False)),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("UNCHECKED: the event log's chain is keyed"), done.stdout
    assert "the keyed hashes themselves were not checked" in done.stdout


def test_a_secret_readable_by_others_is_refused(tmp_path: Path) -> None:
    config = keyed_config(tmp_path, mode=0o640)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            "events",
            "--data-dir",
            str(tmp_path / "d"),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 2
    assert "is readable by others (mode 0640)" in done.stderr and "chmod 600" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "d" / DB).exists()


def test_a_secret_configured_on_an_unkeyed_log_never_switches_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    filled(load_config(EXAMPLE_CONFIG), data)
    keyed_now = load_config(keyed_config(tmp_path))
    with pytest.raises(StoreError, match="never switched to a key"):
        open_station(keyed_now, data)
    check = verify_log(keyed_now, data / DB)
    assert check.status == "BROKEN"
    assert os.environ.get("STATION_SECRET") is None  # the secret lives only in its file


def test_a_new_empty_log_takes_the_secret_configured_before_its_first_event(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    open_station(load_config(EXAMPLE_CONFIG), data).close()  # created unkeyed, no events
    config = load_config(keyed_config(tmp_path))
    filled(config, data)
    check = verify_log(config, data / DB)
    assert check.ok and "keyed: HMAC-SHA256" in check.lines[0], check.lines


def test_an_archive_of_a_keyed_log_is_checked_with_the_secret(
    keyed: tuple[StationConfig, Path], tmp_path: Path
) -> None:
    config, data = keyed
    station = open_station(config, data)
    try:
        out = tmp_path / "period.zip"
        first = next(iter(station.log.events())).event.recorded_at.date()
        count = write_archive(
            out,
            station.log.events(),
            station_id=config.station_id,
            start=first,
            end=first,
            reports={},
            chain=station.log.chain.mode,
        )
    finally:
        station.close()
    assert count > 0
    options = integrity_options(config)
    assert verify_archive(out, options.secret).ok
    without = verify_archive(out)
    assert not without.ok and "only its order and links were checked" in without.message


def test_a_cut_keyed_log_is_broken_even_without_the_secret(
    keyed: tuple[StationConfig, Path], tmp_path: Path
) -> None:
    _, data = keyed
    conn = sqlite3.connect(data / DB)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq > (SELECT max(seq) FROM events) - 2")
    conn.commit()
    conn.close()
    check = verify_log(load_config(keyed_config(tmp_path, secret=False)), data / DB)
    assert check.status == "BROKEN", check.lines
    assert any("its last 2 events were cut" in p for p in check.problems)
