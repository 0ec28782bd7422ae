"""The station's own printed labels, filmed badly, come back through the camera exactly.

Labels rendered by `labels` (lot and pallet templates) are placed in video frames
with perspective, rotation, blur and noise; the camera driver reads the video file
and every Digital Link arrives once, intact, and classifies back to the same lot.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from drivers.camera import open_camera_scanner
from drivers.urls import parse_device_url
from labels.content import lot_label, pallet_label
from labels.document import RenderedLabel
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code
from station.domain.scanning.scan import Scan
from station.ports import DeviceState, DeviceStatus

SIZE = (1280, 720)


def label_png(kind: str) -> tuple[np.ndarray, str]:
    day = dt.date(2026, 11, 23)
    if kind == "lot":
        label = lot_label(
            resolver="id.example.com",
            gtin="09506000134352",
            lot="HCM26327-0001",
            product="PV module 550 W",
            quantity=10,
            uom="EA",
            produced_on=day,
            place="Ho Chi Minh City",
            parent_lots=2,
        )
    else:
        label = pallet_label(resolver="id.example.com", sscc="906141410001000007", produced_on=day)
    png = RenderedLabel(label, job_id=kind).png()
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return image, label.qr_payload


def filmed(label: np.ndarray, rng: np.random.Generator, angle: float) -> np.ndarray:
    """The label on a grey bench, seen at an angle, rotated, blurred and noisy."""
    scale = 560 / max(label.shape)
    small = cv2.resize(label, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    frame = np.full((SIZE[1], SIZE[0]), 120, dtype=np.uint8)
    x0, y0 = (SIZE[0] - w) // 2, (SIZE[1] - h) // 2
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32(
        [[x0 + 40, y0 + 10], [x0 + w - 10, y0 + 30], [x0 + w + 20, y0 + h - 5], [x0 - 15, y0 + h]]
    )
    warped = cv2.warpPerspective(
        small, cv2.getPerspectiveTransform(src, dst), SIZE, borderValue=120
    )
    mask = cv2.warpPerspective(
        np.full_like(small, 255), cv2.getPerspectiveTransform(src, dst), SIZE
    )
    frame = np.where(mask > 0, warped, frame).astype(np.uint8)
    rotation = cv2.getRotationMatrix2D((SIZE[0] / 2, SIZE[1] / 2), angle, 1.0)
    frame = cv2.warpAffine(frame, rotation, SIZE, borderValue=120)
    frame = cv2.GaussianBlur(frame, (5, 5), 1.2)
    noise = rng.normal(0, 8, frame.shape)
    frame = np.clip(frame.astype(np.float64) + noise, 0, 255).astype(np.uint8)
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def test_filmed_labels_decode_to_their_digital_link(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    lot, lot_uri = label_png("lot")
    pallet, pallet_uri = label_png("pallet")
    blank = np.full((SIZE[1], SIZE[0], 3), 120, dtype=np.uint8)
    video = tmp_path / "bench.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 10, SIZE)
    for image, angle in ((lot, 12.0), (pallet, -25.0)):
        for i in range(8):
            writer.write(filmed(image, rng, angle + i))
        for _ in range(20):
            writer.write(blank)
    writer.release()

    scans: list[Scan] = []
    ended = threading.Event()

    def on_status(status: DeviceStatus) -> None:
        if status.state is DeviceState.ENDED:
            ended.set()

    scanner = open_camera_scanner(parse_device_url(f"camera:file://{video}"))
    scanner.start(scans.append, on_status)
    try:
        assert ended.wait(60), "the video never ended"
    finally:
        scanner.stop()
    assert [s.text for s in scans] == [lot_uri, pallet_uri]
    first, second = (classify(s.text, symbology=s.symbology) for s in scans)
    assert isinstance(first, Gs1Code) and first.lot == "HCM26327-0001"
    assert first.gtin == "09506000134352"
    assert isinstance(second, Gs1Code) and second.sscc == "906141410001000007"
