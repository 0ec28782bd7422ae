"""A camera reading a video file drives the workflow; when the file ends the app goes on."""

from __future__ import annotations

import io
import time
from pathlib import Path

import cv2
import numpy as np
import segno
from PIL import Image

from station.bootstrap import Station
from station.ports import DeviceState
from station.services.device_set import DeviceSet
from tests.tui.test_app import make_app, scan

SIZE = (640, 480)


def qr_frame(text: str) -> np.ndarray:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    qr = np.asarray(Image.open(buffer).convert("L"))
    frame = np.full((SIZE[1], SIZE[0]), 235, dtype=np.uint8)
    y, x = (SIZE[1] - qr.shape[0]) // 2, (SIZE[0] - qr.shape[1]) // 2
    frame[y : y + qr.shape[0], x : x + qr.shape[1]] = qr
    return cv2.cvtColor(cv2.GaussianBlur(frame, (3, 3), 0), cv2.COLOR_GRAY2BGR)


def write_video(path: Path, texts: list[str], frames_each: int = 15) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 15, SIZE)
    blank = np.full((SIZE[1], SIZE[0], 3), 235, dtype=np.uint8)
    for text in texts:
        frame = qr_frame(text)
        for _ in range(frames_each):
            writer.write(frame)
        for _ in range(5):
            writer.write(blank)
    writer.release()


async def test_camera_file_logs_in_and_opens_a_shipment_then_ends(
    station: Station, tmp_path: Path
) -> None:
    video = tmp_path / "dock.mp4"
    write_video(video, ["B-1001", "BOL-778001"])
    url = f"camera:file://{video}?debounce_ms=1500"
    station.devices = DeviceSet(["wedge", url])
    app = make_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = {s.device: s for s in station.devices.statuses()}[url]
            if status.state is DeviceState.ENDED and station.workflow.receipt() is not None:
                break
            await pilot.pause(0.1)
        assert station.workflow.operator is not None
        receipt = station.workflow.receipt()
        assert receipt is not None and receipt.shipment_ids == ("SHP-1001",)
        assert status.state is DeviceState.ENDED
        recorded = [s.event for s in station.log.events() if s.event.kind.value == "scan.recorded"]
        assert [e.payload["input"] for e in recorded] == ["B-1001", "BOL-778001"]  # once each
        # the wedge still works after the camera's file has ended
        await scan(pilot, "SL0041871")
        assert app.last is not None and app.last.outcome.verdict.value == "accept"
