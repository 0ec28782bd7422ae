"""The camera scanner on real OpenCV captures: a generated video file, a folder, a missing camera.

Only a physical camera is replaced, and only at the `FrameSource` seam (a live
source that delivers frames and then fails). Files, folders and the missing
camera index go through the real ``cv2.VideoCapture``. Tests wait on events set
by the scanner's callbacks, never on sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from drivers.camera import open_camera_scanner
from drivers.camera_scanner import CameraScanner
from drivers.debounce import Debouncer
from drivers.decoders import get_decoder
from drivers.decoders.zbar import zbar_available
from drivers.frames import Frame, FrameSource
from drivers.registry import open_scanner
from drivers.urls import parse_device_url
from station.domain.scanning.scan import Scan
from station.errors import DeviceError
from station.ports import DeviceState, DeviceStatus
from tests.drivers.synthetic_labels import LabelKind, synthetic_frame

SIZE = (640, 480)


def label(name: str, writer: str, content: str, expected: str, symbology: str) -> Any:
    return LabelKind(name, content, expected, symbology, writer, gs1=writer != "segno")


PALLET_A = label(
    "a",
    "DataMatrix",
    "(00)395212345678901236(02)09521234543213(37)24",
    "0039521234567890123602095212345432133724",
    "]d2",
)
PALLET_B = label(
    "b",
    "QRCode",
    "(01)09521234543213(10)LOT7(17)271231",
    "010952123454321310LOT7\x1d17271231",
    "]Q3",
)
PALLET_C = label(
    "c",
    "segno",
    "https://id.gs1.org/01/09521234543213/21/SN123",
    "https://id.gs1.org/01/09521234543213/21/SN123",
    "]Q1",
)


class Recorder:
    """Collects scans and statuses; `wait_for` blocks until a state is reported."""

    def __init__(self) -> None:
        self.scans: list[Scan] = []
        self.statuses: list[DeviceStatus] = []
        self._changed = threading.Condition()

    def on_scan(self, scan: Scan) -> None:
        with self._changed:
            self.scans.append(scan)
            self._changed.notify_all()

    def on_status(self, status: DeviceStatus) -> None:
        with self._changed:
            self.statuses.append(status)
            self._changed.notify_all()

    def states(self) -> list[DeviceState]:
        states: list[DeviceState] = []
        for status in self.statuses:
            if not states or states[-1] != status.state:
                states.append(status.state)
        return states

    def wait_for(self, state: DeviceState, timeout: float = 20.0, count: int = 1) -> DeviceStatus:
        with self._changed:
            ok = self._changed.wait_for(
                lambda: sum(s.state == state for s in self.statuses) >= count, timeout
            )
            assert ok, f"no {state} within {timeout} s; statuses: {self.statuses}"
            return [s for s in self.statuses if s.state == state][count - 1]

    def wait_for_scans(self, count: int, timeout: float = 20.0) -> None:
        with self._changed:
            ok = self._changed.wait_for(lambda: len(self.scans) >= count, timeout)
            assert ok, f"{len(self.scans)} scans within {timeout} s: {self.scans}"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def started() -> Iterator[list[CameraScanner]]:
    """Scanners a test starts; stopped afterwards whatever happens."""
    scanners: list[CameraScanner] = []
    yield scanners
    for scanner in scanners:
        scanner.stop()


def run(scanner: CameraScanner, recorder: Recorder, started: list[CameraScanner]) -> None:
    started.append(scanner)
    scanner.start(recorder.on_scan, recorder.on_status)


def frames_for(sequence: list[tuple[Any, int]], seed: int) -> list[np.ndarray]:
    """Frames showing each label (None: nothing) for the given number of frames."""
    rng = np.random.default_rng(seed)
    return [synthetic_frame(kind, SIZE, rng) for kind, count in sequence for _ in range(count)]


def write_video(path: Path, frames: list[np.ndarray], fps: float = 10) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, SIZE)
    assert writer.isOpened(), "this OpenCV cannot write mp4v"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


# At 10 frames/s: A, a 0.4 s gap (shorter than the 1.5 s debounce: still A), more
# A, 2 s of nothing, B, C, 2 s of nothing, A again (a new scan).
SEQUENCE = [
    (PALLET_A, 5),
    (None, 4),
    (PALLET_A, 4),
    (None, 20),
    (PALLET_B, 6),
    (PALLET_C, 6),
    (None, 20),
    (PALLET_A, 5),
]


def test_video_file_gives_each_label_once_then_ends(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    video = write_video(tmp_path / "dock.mp4", frames_for(SEQUENCE, seed=1))
    url = f"camera:file://{video}"
    scanner = open_camera_scanner(parse_device_url(url))
    run(scanner, recorder, started)

    ended = recorder.wait_for(DeviceState.ENDED)

    expected = [PALLET_A, PALLET_B, PALLET_C, PALLET_A]
    assert [(s.text, s.symbology) for s in recorder.scans] == [
        (kind.expected, kind.symbology) for kind in expected
    ]
    assert {scan.device for scan in recorder.scans} == {url}
    stamps = [scan.monotonic_ns for scan in recorder.scans]
    assert stamps == sorted(stamps) and stamps[0] > 0
    assert recorder.states() == [DeviceState.CONNECTING, DeviceState.CONNECTED, DeviceState.ENDED]
    assert recorder.statuses[1].detail == "640x480"
    assert ended.detail == f"{sum(count for _, count in SEQUENCE)} frames decoded."
    assert ended.scans == 4
    assert ended.fps is not None and ended.fps > 0
    assert ended.decode_rate is not None and 0 < ended.decode_rate < 1
    assert scanner.status() == ended
    assert scanner.frames_dropped == 0  # a file hands every frame over


def test_folder_of_images_in_name_order(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    frames = frames_for([(PALLET_C, 1), (PALLET_C, 1), (PALLET_B, 1), (None, 1), (PALLET_A, 1)], 2)
    for index, frame in enumerate(frames):
        cv2.imwrite(str(tmp_path / f"frame-{index:03d}.png"), frame)
    (tmp_path / "frame-002b.png").write_bytes(b"broken")  # unreadable: skipped
    (tmp_path / "notes.txt").write_text("ignored")
    scanner = open_camera_scanner(parse_device_url(f"camera:dir://{tmp_path}/"))
    run(scanner, recorder, started)

    recorder.wait_for(DeviceState.ENDED)

    assert [s.text for s in recorder.scans] == [
        PALLET_C.expected,  # two frames 0.1 s apart: one scan
        PALLET_B.expected,
        PALLET_A.expected,
    ]


@pytest.mark.skipif(not zbar_available(), reason="pyzbar needs the zbar system library")
def test_folder_with_zbar(tmp_path: Path, recorder: Recorder, started: list[CameraScanner]) -> None:
    for index, frame in enumerate(frames_for([(PALLET_B, 1), (PALLET_C, 1)], 3)):
        cv2.imwrite(str(tmp_path / f"{index}.png"), frame)
    url = f"camera:dir://{tmp_path}?decoder=zbar&formats=qr"
    run(open_camera_scanner(parse_device_url(url)), recorder, started)
    recorder.wait_for(DeviceState.ENDED)
    assert [(s.text, s.symbology) for s in recorder.scans] == [
        (PALLET_B.expected, "]Q3"),
        (PALLET_C.expected, "]Q1"),
    ]


def test_missing_camera_reconnects_with_a_reason_and_stops_promptly(
    recorder: Recorder, started: list[CameraScanner]
) -> None:
    scanner = open_camera_scanner(parse_device_url("camera://99"))
    run(scanner, recorder, started)

    status = recorder.wait_for(DeviceState.RECONNECTING, timeout=5)
    assert status.detail == "Cannot open camera 99. Retrying in 0.5 s."

    begin = time.monotonic()
    scanner.stop()
    assert time.monotonic() - begin < 1.5
    assert scanner.status().state == DeviceState.STOPPED
    settled = len(recorder.statuses)
    time.sleep(0.7)  # past the next retry: a stopped scanner stays quiet
    assert len(recorder.statuses) == settled


def test_missing_file_is_an_error_not_an_exception(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    url = f"camera:file://{tmp_path}/absent.mp4"
    run(open_camera_scanner(parse_device_url(url)), recorder, started)
    status = recorder.wait_for(DeviceState.ERROR)
    assert status.detail == f"Cannot open video file '{tmp_path}/absent.mp4': no such file."
    assert DeviceState.ENDED not in recorder.states()


def test_start_again_after_stop(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    cv2.imwrite(str(tmp_path / "0.png"), frames_for([(PALLET_B, 1)], 9)[0])
    scanner = open_camera_scanner(parse_device_url(f"camera:dir://{tmp_path}?debounce_ms=0"))
    run(scanner, recorder, started)
    recorder.wait_for(DeviceState.ENDED)
    scanner.stop()
    scanner.start(recorder.on_scan, recorder.on_status)
    recorder.wait_for(DeviceState.ENDED, count=2)
    assert [s.text for s in recorder.scans] == [PALLET_B.expected] * 2
    assert recorder.states() == [
        DeviceState.CONNECTING,
        DeviceState.CONNECTED,
        DeviceState.ENDED,
        DeviceState.STOPPED,
        DeviceState.CONNECTING,
        DeviceState.CONNECTED,
        DeviceState.ENDED,
    ]


def test_empty_folder_ends(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    run(open_camera_scanner(parse_device_url(f"camera:dir://{tmp_path}")), recorder, started)
    assert recorder.wait_for(DeviceState.ENDED).detail == "0 frames decoded."


class FlakyCamera:
    """A live camera that delivers `frames` and then stops, as an unplugged USB camera does."""

    live = True

    def __init__(self, frames: list[np.ndarray]) -> None:
        self.frames = list(frames)
        self.closed = False

    def read(self) -> Frame | None:
        if not self.frames:
            return None
        return Frame(self.frames.pop(0), time.monotonic_ns())

    def close(self) -> None:
        self.closed = True


def test_live_camera_lost_and_found(recorder: Recorder, started: list[CameraScanner]) -> None:
    first = FlakyCamera(frames_for([(PALLET_A, 3)], 4))
    second = FlakyCamera(frames_for([(PALLET_B, 3)], 5))
    attempts: list[str] = []

    def opener() -> FrameSource:
        attempts.append("open")
        if len(attempts) == 1:
            return first
        if len(attempts) == 2:
            raise DeviceError("USB camera not found.")
        return second

    scanner = CameraScanner("camera://0", opener, get_decoder(), live=True, backoff_s=(0.05, 0.2))
    run(scanner, recorder, started)

    recorder.wait_for_scans(2)
    assert [s.text for s in recorder.scans] == [PALLET_A.expected, PALLET_B.expected]
    reconnecting = [s.detail for s in recorder.statuses if s.state == DeviceState.RECONNECTING]
    assert reconnecting[:2] == [
        "The camera stopped sending frames. Retrying in 0.05 s.",
        "USB camera not found. Retrying in 0.1 s.",
    ]
    assert first.closed
    assert recorder.states()[:4] == [
        DeviceState.CONNECTING,
        DeviceState.CONNECTED,
        DeviceState.RECONNECTING,
        DeviceState.CONNECTED,
    ]


def test_a_failing_listener_does_not_stop_the_camera(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    for index, frame in enumerate(frames_for([(PALLET_B, 1), (None, 15), (PALLET_C, 1)], 6)):
        cv2.imwrite(str(tmp_path / f"{index:02d}.png"), frame)
    seen: list[str] = []

    def explode(scan: Scan) -> None:
        seen.append(scan.text)
        raise RuntimeError("listener bug")

    scanner = open_camera_scanner(parse_device_url(f"camera:dir://{tmp_path}"))
    started.append(scanner)
    scanner.start(explode, recorder.on_status)
    recorder.wait_for(DeviceState.ENDED)
    assert seen == [PALLET_B.expected, PALLET_C.expected]


def test_loop_replays_a_file_until_stopped(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    video = write_video(tmp_path / "short.mp4", frames_for([(PALLET_C, 3)], 7))
    scanner = open_camera_scanner(parse_device_url(f"camera:file://{video}?loop=1"))
    run(scanner, recorder, started)
    recorder.wait_for_scans(1)
    deadline = time.monotonic() + 10
    while scanner.frames_decoded < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert scanner.frames_decoded >= 10
    scanner.stop()
    assert DeviceState.ENDED not in recorder.states()
    assert len(recorder.scans) == 1  # always in view: one scan


def test_fps_caps_the_decode_rate(
    tmp_path: Path, recorder: Recorder, started: list[CameraScanner]
) -> None:
    for index, frame in enumerate(frames_for([(None, 6)], 8)):
        cv2.imwrite(str(tmp_path / f"{index}.png"), frame)
    scanner = open_camera_scanner(parse_device_url(f"camera:dir://{tmp_path}?fps=20&retry=0"))
    begin = time.monotonic()
    run(scanner, recorder, started)
    recorder.wait_for(DeviceState.ENDED)
    assert time.monotonic() - begin >= 5 / 20


def test_debouncer_window_slides() -> None:
    debounce = Debouncer(window_ns=1000)
    key = ("X", "]Q1")
    assert [debounce.is_new(key, t) for t in (0, 900, 1800, 2700)] == [True, False, False, False]
    assert debounce.is_new(key, 3701)
    assert debounce.is_new(("X", "]d1"), 3702)  # another symbology is another code
    assert debounce.is_new(key, 10)  # the clock went back (a file restarted): new


# ---------------------------------------------------------------------------
# URLs


def test_registry_opens_camera_urls(tmp_path: Path) -> None:
    scanner = open_scanner(f"camera:file://{tmp_path}/x.mp4?decoder=zxing&debounce_ms=500")
    assert isinstance(scanner, CameraScanner)
    assert scanner.device_id == f"camera:file://{tmp_path}/x.mp4?decoder=zxing&debounce_ms=500"
    assert scanner.target == f"file {tmp_path}/x.mp4"


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("camera://0", "index 0"),
        ("camera://2?fps=15&formats=qr,datamatrix", "index 2"),
        ("camera:///dev/video2", "device /dev/video2"),
        ("camera:dir:///frames/?fps=5", "dir /frames/"),
        (
            "camera:rtsp://10.0.0.5:554/live?decoder=zxing&channel=1&subtype=0",
            "stream rtsp://10.0.0.5:554/live?channel=1&subtype=0",
        ),
    ],
)
def test_camera_url_forms(url: str, target: str) -> None:
    assert open_camera_scanner(parse_device_url(url)).target == target


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "camera://0?debounce=100",
            "camera://0?debounce=100: unknown parameter 'debounce': expected one of "
            "decoder, formats, debounce_ms, fps, loop, retry; did you mean 'debounce_ms'?",
        ),
        (
            "camera://front",
            "camera://front: 'front' is not a camera index (expected e.g. camera://0).",
        ),
        (
            "camera:file:///x.mp4?loop=maybe",
            "camera:file:///x.mp4?loop=maybe: loop='maybe': expected 0 or 1.",
        ),
        (
            "camera://0?loop=1",
            "camera://0?loop=1: loop=1 applies to files and folders, not to cameras.",
        ),
        ("camera://0?fps=fast", "camera://0?fps=fast: fps='fast' is not a whole number."),
        (
            "camera://0?decoder=opencv",
            "camera://0?decoder=opencv: decoder='opencv': expected one of zxing, zbar.",
        ),
        (
            "camera:ftp://host/x.mp4",
            "camera:ftp://host/x.mp4: unknown camera source 'ftp' "
            "(expected one of file, dir, rtsp, rtsps, http, https).",
        ),
    ],
)
def test_bad_camera_urls(url: str, message: str) -> None:
    with pytest.raises(DeviceError) as caught:
        open_camera_scanner(parse_device_url(url))
    assert str(caught.value) == message


def test_bad_formats_name_the_url() -> None:
    with pytest.raises(DeviceError, match=r"^camera://0\?formats=qr,dm2: Unknown symbology 'dm2'"):
        open_camera_scanner(parse_device_url("camera://0?formats=qr,dm2"))
