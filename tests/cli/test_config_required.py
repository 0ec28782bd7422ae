"""Production commands need a configuration; `hash-pin` never takes a PIN from argv.

Real processes of ``python -m station.cli`` with no ``--config`` and no
``$STATION_CONFIG``; the terminal case of ``hash-pin`` runs on a pseudo-terminal.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.domain.operators import verify_pin

REPO = Path(__file__).resolve().parents[2]


def station(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "STATION_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**clean, **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["run"],
        ["scan", "--operator", "B-2001"],
        ["check-config"],
        ["events"],
        ["release", "list"],
    ],
)
def test_a_production_command_without_a_config_says_how_to_make_one(
    tmp_path: Path, args: list[str]
) -> None:
    done = station(*args, "--data-dir", str(tmp_path / "data"), stdin="B-2001\n")
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    message = done.stderr
    assert message.startswith(
        "station: no configuration: give --config FILE or set $STATION_CONFIG"
    )
    assert "station.example.toml" in message and "station hash-pin" in message
    assert "station demo" in message
    assert not (tmp_path / "data").exists()  # nothing was opened, nothing recorded


def test_the_demo_runs_without_a_config_and_ignores_station_config(tmp_path: Path) -> None:
    elsewhere = tmp_path / "dock.toml"  # a real dock's file, not the demo's
    done = station(
        "demo",
        "--no-tui",
        "--data-dir",
        str(tmp_path / "demo"),
        env={"STATION_CONFIG": str(elsewhere)},
    )
    assert done.returncode == 0, done.stderr
    assert "B-2001 (supervisor, PIN 2468: demo only)" in done.stdout


def test_the_example_config_has_no_usable_supervisor(tmp_path: Path) -> None:
    config = REPO / "config" / "station.example.toml"
    assert "2468" not in config.read_text(encoding="utf-8")
    done = station("check-config", "--config", str(config))
    assert done.returncode == 0 and "OK" in done.stdout


def test_hash_pin_refuses_a_pin_in_argv() -> None:
    done = station("hash-pin", "--pin", "2468")
    assert done.returncode == 2
    assert "unrecognized arguments: --pin 2468" in done.stderr


def test_hash_pin_reads_stdin_when_it_is_not_a_terminal() -> None:
    done = station("hash-pin", stdin="24681357\n")
    assert done.returncode == 0, done.stderr
    stored = done.stdout.strip()
    assert verify_pin("24681357", stored)
    assert "24681357" not in done.stdout + done.stderr
    bad = station("hash-pin", stdin="12ab\n")
    assert bad.returncode == 2 and bad.stderr == "station: a PIN is 4 to 12 digits\n"


def read_until(fd: int, marker: bytes, seen: bytearray) -> None:
    deadline = time.monotonic() + 60
    while marker not in seen:
        assert time.monotonic() < deadline, f"no {marker!r} in {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)


def test_hash_pin_asks_on_the_terminal_without_echo() -> None:
    env = {k: v for k, v in os.environ.items() if k != "STATION_CONFIG"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the station on the pseudo-terminal
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "station.cli", "hash-pin"], env)
    seen = bytearray()
    read_until(fd, b"PIN (not shown): ", seen)
    os.write(fd, b"97531864\n")
    read_until(fd, b"Same PIN again: ", seen)
    os.write(fd, b"97531864\n")
    read_until(fd, b"\x00never", seen)  # everything, until the child closes the terminal
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    text = bytes(seen).decode()
    assert "97531864" not in text  # never echoed
    stored = text[text.index("pbkdf2_sha256$") :].split()[0]
    assert verify_pin("97531864", stored)
