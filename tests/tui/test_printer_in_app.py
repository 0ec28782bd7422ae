"""A printer that is away never stops the app: the job stays queued and the clerk is told."""

from __future__ import annotations

import dataclasses
import socket
import time
from decimal import Decimal

from station.bootstrap import Station
from station.domain.lots.transform_plan import TransformKind
from station.domain.scanning.scan import Scan
from station.store.projections.prints import PrintState
from station.workflows.lots import TransformRequest
from tests.tui.test_app import make_app, scan

P1 = "006141412610010016"


async def test_dead_printer_keeps_job_queued_and_app_running(station: Station) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    config = dataclasses.replace(station.config, printers=(f"zpl+tcp://127.0.0.1:{port}",))
    station.config = config
    station.printing.config = config
    for text in ("B-1001", "BOL-778001", "SL0041871", f"00{P1}"):
        station.recorder.handle(Scan(text))
    operator = config.operator_by_badge("B-1001")
    assert operator is not None
    result = station.lot_desk.transform(
        TransformRequest(TransformKind.SPLIT, ((P1, Decimal(10)),), (Decimal(5), Decimal(5))),
        operator,
    )
    assert result.ok
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            jobs = station.printing.jobs()
            if all(j.attempts >= 1 and j.state == PrintState.QUEUED for j in jobs):
                break
            await pilot.pause(0.2)
        jobs = station.printing.jobs()
        assert all(j.state == PrintState.QUEUED and j.attempts >= 1 for j in jobs)
        assert all("127.0.0.1" in (j.last_error or "") for j in jobs)
        # the clerk can go on scanning
        await scan(pilot, f"]C100{'006141412610010023'}")
        assert app.last is not None and app.last.outcome.verdict.value == "accept"
