"""The print queue against a real TCP listener: sent once, retried when nothing printed,
uncertain (never resent blindly) when it may have printed, reprints only with a reason."""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from station.bootstrap import Station, open_station
from station.config import StationConfig
from station.domain.lots.transform_plan import TransformKind
from station.domain.operators import Operator
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code
from station.domain.scanning.scan import Scan
from station.store.projections.prints import PrintState
from station.workflows.lots import TransformRequest

P1 = "006141412610010016"


class Listener:
    """A ZPL printer stand-in: accepts, records every byte, closes when the job ends."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
            self.jobs.append(data)
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def make_station(tmp_path: Path, config: StationConfig, clock: Any, printer: str) -> Station:
    cfg = dataclasses.replace(config, printers=(printer,))
    station = open_station(cfg, tmp_path / "data", clock)
    demo = Path(__file__).resolve().parents[2] / "config" / "demo"
    station.import_files([demo / "clean.json"])
    for text in ("B-1001", "BOL-778001", "SL0041871", f"00{P1}"):
        station.recorder.handle(Scan(text))
    return station


def ana(station: Station) -> Operator:
    operator = station.config.operator_by_badge("B-1001")
    assert operator is not None
    return operator


def split(station: Station) -> tuple[str, ...]:
    operator = station.config.operator_by_badge("B-1001")
    assert operator is not None
    result = station.lot_desk.transform(
        TransformRequest(TransformKind.SPLIT, ((P1, Decimal(20)),), (Decimal(10), Decimal(10))),
        operator,
    )
    assert result.ok, result.message
    return result.new_ids


def test_new_lots_are_queued_and_printed_once(
    tmp_path: Path, config: StationConfig, clock: Any, listener: Listener
) -> None:
    station = make_station(tmp_path, config, clock, f"zpl+tcp://127.0.0.1:{listener.port}")
    try:
        new_ids = split(station)
        jobs = station.printing.jobs()
        assert [j.lot_id for j in jobs] == list(new_ids)
        assert all(j.state == PrintState.QUEUED for j in jobs)
        outcomes = station.printing.process()
        assert [o.state for o in outcomes] == [PrintState.SENT, PrintState.SENT]
        assert len(listener.jobs) == 2
        assert listener.jobs[0].startswith(b"^XA") and listener.jobs[0].rstrip().endswith(b"^XZ")
        assert station.printing.process() == []  # nothing is sent twice
        assert len(listener.jobs) == 2
    finally:
        station.close()


def test_refused_connection_retries_later_and_then_prints(
    tmp_path: Path, config: StationConfig, clock: Any
) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens here now
    station = make_station(tmp_path, config, clock, f"zpl+tcp://127.0.0.1:{port}")
    try:
        (first, _) = split(station)
        outcomes = station.printing.process()
        assert all(o.state == PrintState.QUEUED for o in outcomes)
        assert "127.0.0.1" in outcomes[0].message
        assert station.printing.process() == []  # backing off
        clock.advance(5)
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen()
        received: list[bytes] = []

        def serve() -> None:
            for _ in range(2):
                conn, _ = server.accept()
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
                received.append(data)
                conn.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        outcomes = station.printing.process()
        thread.join(5)
        server.close()
        assert [o.state for o in outcomes] == [PrintState.SENT, PrintState.SENT]
        assert len(received) == 2
        job = next(j for j in station.printing.jobs() if j.lot_id == first)
        assert job.attempts == 2
    finally:
        station.close()


def test_crash_while_sending_leaves_the_job_uncertain_until_a_confirmed_reprint(
    tmp_path: Path, config: StationConfig, clock: Any, listener: Listener
) -> None:
    url = f"zpl+tcp://127.0.0.1:{listener.port}"
    station = make_station(tmp_path, config, clock, url)
    split(station)
    job = station.printing.jobs()[0]
    # the station records "sending" and dies before it learns the outcome
    station.log.append(
        [
            station.printing._event(
                __import__("station.domain.events", fromlist=["EventKind"]).EventKind.PRINT_SENDING,
                {"job_id": job.job_id},
            )
        ]
    )
    station.close()
    again = open_station(dataclasses.replace(config, printers=(url,)), tmp_path / "data", clock)
    try:
        assert again.printing.recover() == [job.job_id]
        outcomes = again.printing.process()
        assert [o.job_id for o in outcomes] != [job.job_id]  # not resent blindly
        assert len(listener.jobs) == 1  # only the other lot's label
        with pytest.raises(Exception, match="needs a reason"):
            again.printing.reprint(job.job_id, ana(again), "")
        new_job = again.printing.reprint(job.job_id, ana(again), "label missing after power cut")
        again.printing.process()
        assert len(listener.jobs) == 2
        states = {j.job_id: j.state for j in again.printing.jobs()}
        assert states[job.job_id] == PrintState.REPRINTED and states[new_job] == PrintState.SENT
        events = [s.event for s in again.log.events() if s.event.kind.value == "print.reprint"]
        assert events[0].payload["reason"] == "label missing after power cut"
        assert again.log.verify().ok
    finally:
        again.close()


def test_printed_label_scans_back_to_the_same_lot(
    tmp_path: Path, config: StationConfig, clock: Any
) -> None:
    out = tmp_path / "labels"
    station = make_station(tmp_path, config, clock, f"dir://{out}")
    try:
        (first, _) = split(station)
        station.printing.process()
        png = out / f"{first}.png"
        assert png.is_file() and (out / f"{first}.pdf").is_file()
        image = np.asarray(Image.open(png).convert("L"))
        (barcode,) = zxingcpp.read_barcodes(image)
        code = classify(barcode.text)
        assert isinstance(code, Gs1Code)
        assert code.lot == first and code.gtin == station.lots.lot(first).gtin  # type: ignore[union-attr]
    finally:
        station.close()


def test_no_label_for_held_material(tmp_path: Path, config: StationConfig, clock: Any) -> None:
    station = make_station(tmp_path, config, clock, f"dir://{tmp_path / 'labels'}")
    try:
        demo = Path(__file__).resolve().parents[2] / "config" / "demo"
        station.import_files([demo / "high-risk.json"])
        for text in ("#CLOSE", "BOL-778004", "SL0042001", "00073500532610040026"):
            station.recorder.handle(Scan(text))
        with pytest.raises(Exception, match="quarantined: no label until a supervisor releases it"):
            station.printing.queue("073500532610040026", ana(station))
        assert station.printing.jobs() == []
    finally:
        station.close()


def test_sscc_range_running_low_is_warned(
    tmp_path: Path, config: StationConfig, clock: Any
) -> None:
    from station.domain.lots.sscc_range import SsccRange

    small = dataclasses.replace(
        config.identifiers, sscc_range=SsccRange("0614141", 9, 100000, 100004)
    )
    station = make_station(
        tmp_path, dataclasses.replace(config, identifiers=small), clock, "dir:///tmp/x"
    )
    try:
        operator = station.config.operator_by_badge("B-1001")
        assert operator is not None
        result = station.lot_desk.transform(
            TransformRequest(TransformKind.PALLETISE, ((P1, Decimal(1)),)), operator
        )
        assert result.ok and "WARNING" in result.message
    finally:
        station.close()
