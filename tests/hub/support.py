"""Real parts for the hub tests: a throwaway PostgreSQL, hub processes, station-like documents.

PostgreSQL refuses to run as root, and the tests run as root in CI: the server is
initialised and started as the ``postgres`` user (``runuser``) in a directory made for
it, on a free loopback port, with durability off (it is thrown away). Each hub runs as a
real ``python -m station.cli hub`` process under uvicorn on a free loopback port.
"""

from __future__ import annotations

import copy
import datetime as dt
import glob
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
NS = "https://station.example/ns/epcis/"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"st": NS}]
GENESIS = "0" * 64


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class Postgres:
    """A PostgreSQL server in a temporary directory, owned by the `postgres` user when root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="station-hub-pg-"))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.dir / "data" / "log"
            extra = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}{extra}")

    def start(self) -> None:
        data = self.dir / "data"
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(data / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"hub_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}".encode())
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"
            )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Hub:
    """A running hub process and the tokens made for it."""

    url: str
    config: Path
    database: str
    process: subprocess.Popen[bytes]
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, token: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


TOKENS = {
    "admin-a": ("admin", "SITE-A", None),
    "admin-b": ("admin", "SITE-B", None),
    "admin-all": ("admin", None, None),
    "auditor-a": ("auditor", "SITE-A", None),
    "auditor-b": ("auditor", "SITE-B", None),
    **{f"dock-{n}": ("station", "SITE-A", f"DOCK-{n}") for n in range(1, 5)},
    "dock-b1": ("station", "SITE-B", "DOCK-1"),
}


def write_config(path: Path, database: str, port: int, extra: str = "") -> Path:
    path.write_text(
        "[hub]\n"
        f'listen = "127.0.0.1:{port}"\n'
        f'database = "{database}"\n'
        'sites = ["SITE-A", "SITE-B"]\n' + extra,
        encoding="utf-8",
    )
    return path


def make_tokens(config: Path) -> dict[str, str]:
    """Every token of `TOKENS`, stored hashed in the hub's database."""
    from station.hub.auth import new_token
    from station.hub.config import load_hub_config
    from station.hub.storage import open_store

    cfg = load_hub_config(config)
    store = open_store(cfg.database, cfg.base_dir)
    made = {}
    try:
        for name, (kind, site, station) in TOKENS.items():
            token, record = new_token(kind, site, station, name, time.time_ns() // 1000)
            store.add_token(record)
            made[name] = token
    finally:
        store.close()
    return made


def start_hub(config: Path, tokens: dict[str, str]) -> Hub:
    """`station hub --config` as a real process; returns once /health answers."""
    from station.hub.config import load_hub_config

    cfg = load_hub_config(config)
    log = open(config.with_suffix(f".{cfg.port}.log"), "wb")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "hub", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    url = f"http://127.0.0.1:{cfg.port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(
                f"hub did not start: {config.with_suffix(f'.{cfg.port}.log').read_text()}"
            )
        time.sleep(0.05)
    return Hub(url, config, cfg.database, process, dict(tokens))


# --- documents ---------------------------------------------------------------------


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def object_event(epc: str | None = None, **fields: Any) -> dict[str, Any]:
    event = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": now_text(),
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "epcList": [epc or f"urn:epc:id:sgtin:0614141.107346.{uuid.uuid4().int % 10**9}"],
        "bizStep": "receiving",
        "disposition": "in_progress",
        "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
    }
    event.update(fields)
    return event


def document(events: list[dict[str, Any]], header: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now_text(),
        "epcisBody": {"eventList": events},
    }
    if header:
        doc["epcisHeader"] = header
    return doc


class StationChain:
    """A station's hash chain, making capture documents the way hub_interface.md says."""

    def __init__(self, station_id: str) -> None:
        self.station_id = station_id
        self.entries: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def record(self, n: int, salt: str = "") -> list[int]:
        """`n` more station events (each mapped to one ObjectEvent); their seq numbers."""
        seqs = []
        for _ in range(n):
            seq = len(self.entries) + 1
            prev = self.entries[-1]["hash"] if self.entries else GENESIS
            station_uuid = str(uuid.uuid4())
            body = f"{self.station_id}:{seq}:{station_uuid}:{salt}"
            digest = hashlib.sha256((prev + body).encode()).hexdigest()
            self.entries.append(
                {
                    "seq": seq,
                    "eventId": station_uuid,
                    "kind": "receipt.unit_scanned",
                    "prevHash": prev,
                    "hash": digest,
                }
            )
            self.events.append(
                object_event(
                    eventID=f"urn:uuid:{station_uuid}",
                    **{
                        "st:stationId": self.station_id,
                        "st:seq": seq,
                        "st:kind": "receipt.unit_scanned",
                    },
                )
            )
            seqs.append(seq)
        return seqs

    def batch(self, first: int, last: int) -> dict[str, Any]:
        """The capture document of seq `first`..`last` (inclusive)."""
        entries = copy.deepcopy(self.entries[first - 1 : last])
        events = copy.deepcopy(self.events[first - 1 : last])
        log = {"stationId": self.station_id, "entries": entries}
        return document(events, {"st:stationLog": log})
