"""Real parts for the sync tests: a real hub process, station configs with [sync], events.

The hub is `station hub` under uvicorn on a free loopback port (tests/hub/support.py);
each station is a real data directory opened through `open_station`, or a real
``python -m station.cli`` process.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from station.bootstrap import Station, open_station
from station.config import StationConfig, load_config
from station.domain.events import Event, EventKind, StoredEvent
from station.domain.scanning.scan import Scan
from station.sync.epcis import build_capture_document
from tests.conftest import DEMO_DIR, EXAMPLE_CONFIG, REPO
from tests.hub.support import Hub, free_port, make_tokens, start_hub, write_config

STATION_TOKENS = {"DOCK-1": "dock-1", "DOCK-2": "dock-2", "DOCK-3": "dock-3", "DOCK-4": "dock-4"}


def launch_hub(where: Path, port: int | None = None, database: str | None = None) -> Hub:
    """A fresh hub on SQLite in `where` (or on `database`), with the test tokens."""
    where.mkdir(parents=True, exist_ok=True)
    config = write_config(
        where / "hub.toml", database or f"sqlite:///{where / 'hub.db'}", port or free_port()
    )
    return start_hub(config, make_tokens(config))


def station_token(hub: Hub, station_id: str, site: str = "SITE-A") -> str:
    """A new station token for `station_id`, stored hashed in the running hub's database."""
    import time

    from station.hub.auth import new_token
    from station.hub.config import load_hub_config
    from station.hub.storage import open_store

    cfg = load_hub_config(hub.config)
    store = open_store(cfg.database, cfg.base_dir)
    try:
        token, record = new_token("station", site, station_id, station_id, time.time_ns() // 1000)
        store.add_token(record)
    finally:
        store.close()
    return token


def new_station_id() -> str:
    """A station id no other test of the session uses."""
    return f"ST-{uuid.uuid4().hex[:10].upper()}"


def station_config(
    where: Path, hub_url: str, token: str, *, station_id: str = "DOCK-1", **sync: Any
) -> Path:
    """The example config with this station id and a [sync] table; the token in a file."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "station.token").write_text(token + "\n", encoding="ascii")
    values = {"interval_s": 0.1, "timeout_s": 2.0, "backoff_max_s": 0.5, **sync}
    lines = [f'hub = "{hub_url}"', 'token_file = "station.token"']
    lines += [
        f"{key} = {str(v).lower() if isinstance(v, bool) else v}" for key, v in values.items()
    ]
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace(
        'id = "DOCK-1"', f'id = "{station_id}"', 1
    )
    path = where / "station.toml"
    path.write_text(text + "\n[sync]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def open_synced(config_path: Path, data_dir: Path, *, demo: bool = True) -> Station:
    """A real station on `data_dir` with the config at `config_path` (demo manifests in)."""
    station = open_station(load_config(config_path), data_dir)
    if demo and not station.view.shipments():
        station.import_files(sorted(p for p in DEMO_DIR.iterdir() if p.suffix in (".json", ".csv")))
    return station


def seal_check(station: Station) -> StoredEvent:
    """A real seal check (an EPCIS ObjectEvent): the first in the log, or one made now by
    logging in and scanning a demo shipment's bill of lading and seal."""
    found = next(station.log.events(kinds=[EventKind.SEAL_CHECKED]), None)
    if found is None:
        for text in ("B-1001", "BOL-778001", "SL0041871"):
            assert station.recorder.handle(Scan(text)).durable
        found = next(station.log.events(kinds=[EventKind.SEAL_CHECKED]))
    return found


def record_events(station: Station, count: int, chunk: int = 500) -> None:
    """`count` more events: each tenth a seal check (an EPCIS ObjectEvent), the rest scans."""
    seal = seal_check(station)
    done = 0
    while done < count:
        events = []
        for i in range(done, min(count, done + chunk)):
            kind, payload = EventKind.SCAN_RECORDED, {"raw": f"SCAN-{i}", "device": "test"}
            if i % 10 == 0:
                kind, payload = EventKind.SEAL_CHECKED, dict(seal.event.payload)
            events.append(
                Event.new(
                    kind,
                    station_id=station.config.station_id,
                    operator_id="op-ana",
                    recorded_at=station.clock.now(),
                    payload=payload,
                )
            )
        station.log.append(events)
        done += len(events)


def expected_event_ids(station: Station) -> list[str]:
    """The EPCIS eventIDs of the whole log, in order, as the hub should hold them."""
    events = list(station.log.events())
    settings = station.config.epcis_settings()
    document = build_capture_document(events, settings, resolve=station.log.event_by_id)
    return [e["eventID"] for e in document["epcisBody"]["eventList"]]


def hub_event_ids(hub: Hub, station_id: str = "DOCK-1") -> list[str]:
    """Every eventID the hub holds from `station_id`, in record order (all pages)."""
    ids: list[str] = []
    with hub.client("admin-a") as client:
        url: str | None = f"/events?EQ_stationId={station_id}&perPage=1000"
        while url:
            answer = client.get(url)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            ids += [
                e["eventID"] for e in body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            ]
            link = answer.headers.get("Link")
            url = link.split(">")[0].lstrip("<") if link else None
            if url and url.startswith("http"):
                url = httpx.URL(url).raw_path.decode()
    return ids


def hub_head(hub: Hub, station_id: str = "DOCK-1") -> tuple[int, str]:
    with hub.client("admin-a") as client:
        body = client.get(f"/stations/{station_id}/head").json()
    return body["seq"], body["hash"]


def log_head(station: Station) -> tuple[int, str]:
    events: list[StoredEvent] = list(station.log.events(after_seq=max(0, station.log.count() - 1)))
    return events[-1].seq, events[-1].hash


def station_cli(
    config: Path, data_dir: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m station.cli ARGS --config --data-dir`` as a real process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "station.cli",
            *args,
            "--config",
            str(config),
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
        check=False,
    )


def with_sync(config: StationConfig, **changes: Any) -> StationConfig:
    assert config.sync is not None
    return dataclasses.replace(config, sync=dataclasses.replace(config.sync, **changes))
