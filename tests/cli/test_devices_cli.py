"""`station decode` on a label the station renders, and `station devices` probing real peers."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from labels.content import lot_label
from labels.document import RenderedLabel
from tests.cli.test_headless import run


def test_decode_reads_back_a_rendered_label(tmp_path: Path) -> None:
    import datetime as dt

    label = lot_label(
        resolver="id.example.com",
        gtin="09506000134352",
        lot="HCM26327-0001",
        product="Module",
        quantity=10,
        uom="EA",
        produced_on=dt.date(2026, 11, 23),
        place="HCM",
        parent_lots=1,
    )
    path = tmp_path / "label.png"
    path.write_bytes(RenderedLabel(label, job_id="t").png())
    code, out, _ = run(["decode", str(path), "--json"], tmp_path / "data")
    assert code == 0
    (result,) = json.loads(out)
    (found,) = result["codes"]
    assert found["kind"] == "Gs1Code"
    assert found["text"] == "https://id.example.com/01/09506000134352/10/HCM26327-0001?11=261123"
    code, out, _ = run(["decode", str(tmp_path / "missing.png")], tmp_path / "data")
    assert code == 1 and "error" in out


def test_devices_probes_serial_and_printers(tmp_path: Path) -> None:
    master, slave = os.openpty()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()
    config = tmp_path / "station.toml"
    repo_config = Path(__file__).resolve().parents[2] / "config" / "station.example.toml"
    text = (
        repo_config.read_text(encoding="utf-8")
        .replace(
            'scanners = ["wedge"]',
            f'scanners = ["wedge", "serial://{os.ttyname(slave)}?suffix=CR", "serial:///dev/nonexistent-tty"]',
        )
        .replace(
            "printers = []",
            f'printers = ["dir://{tmp_path / "labels"}", "zpl+tcp://127.0.0.1:{dead_port}"]',
        )
    )
    config.write_text(text, encoding="utf-8")
    import contextlib
    import io

    from station.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            [
                "devices",
                "--json",
                "--wait",
                "3",
                "--config",
                str(config),
                "--data-dir",
                str(tmp_path / "data"),
            ]
        )
    results = {r["url"]: r for r in json.loads(out.getvalue())}
    assert code == 1  # two devices are away
    assert results["wedge"]["ok"]
    assert results[f"serial://{os.ttyname(slave)}?suffix=CR"]["state"] == "connected"
    assert results["serial:///dev/nonexistent-tty"]["state"] in ("reconnecting", "error")
    assert results[f"dir://{tmp_path / 'labels'}"]["ok"]
    dead = results[f"zpl+tcp://127.0.0.1:{dead_port}"]
    assert not dead["ok"] and "127.0.0.1" in dead["detail"]
    listener.close()
    os.close(master)
    os.close(slave)
