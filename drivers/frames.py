"""Where camera frames come from: a `FrameSource` per kind of source.

A camera, a network stream or a video file are read through ``cv2.VideoCapture``
(`CaptureFrames`); a folder of images is read in name order (`DirectoryFrames`).
`drivers.camera_scanner` decodes whatever a source yields; tests hand it their own source,
the one seam where a physical camera is replaced.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2

from station.errors import DeviceError

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm", ".pbm"}
)
"""Files a ``camera:dir:`` folder yields as frames; others are ignored."""

STREAM_TIMEOUT_MS = 5000
"""Open and read timeouts for network streams, so a dead camera is noticed."""
DIRECTORY_FPS = 10.0


@dataclass(frozen=True, slots=True)
class Frame:
    """One image from a frame source."""

    image: Any
    """The picture: a NumPy array, BGR or grey."""
    t_ns: int
    """When it was taken, on the source's own clock (see the module docstring)."""


class FrameSource(Protocol):
    """Where frames come from: a camera, a stream, a video file, a folder."""

    live: bool
    """True for cameras and streams: a missing frame means trouble, not the end."""

    def read(self) -> Frame | None:
        """The next frame; None at the end (finite) or when the device failed (live)."""
        ...

    def close(self) -> None: ...


FrameOpener = Callable[[], FrameSource]
"""Opens a source; raises `DeviceError` with the reason when it cannot."""


class CaptureFrames:
    """A `FrameSource` over ``cv2.VideoCapture``: camera index or path, stream, video file."""

    def __init__(self, target: int | str, *, live: bool, stream: bool = False) -> None:
        quiet_opencv()
        self.live = live
        self.target = target
        if stream:
            params = [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                STREAM_TIMEOUT_MS,
                cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                STREAM_TIMEOUT_MS,
            ]
            self._capture = cv2.VideoCapture(str(target), cv2.CAP_FFMPEG, params)
        elif isinstance(target, int):
            self._capture = cv2.VideoCapture(target)
        else:
            self._capture = cv2.VideoCapture(target)
        if not self._capture.isOpened():
            self._capture.release()
            what = f"camera {target}" if isinstance(target, int) else repr(target)
            raise DeviceError(f"Cannot open {what}.")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self._frame_ns = int(1e9 / fps) if fps and 0 < fps < 1000 else int(1e9 / 30)
        self._index = 0

    def read(self) -> Frame | None:
        ok, image = self._capture.read()
        if not ok or image is None:
            return None
        # Files: frame times from the index. CAP_PROP_POS_MSEC is not reliable for
        # all containers, and the debounce must not depend on decoding speed.
        t_ns = time.monotonic_ns() if self.live else self._index * self._frame_ns
        self._index += 1
        return Frame(image, t_ns)

    def close(self) -> None:
        self._capture.release()


class DirectoryFrames:
    """A finite `FrameSource`: the images of a folder in sorted name order, one frame each."""

    live = False

    def __init__(self, folder: Path, *, fps: float = DIRECTORY_FPS) -> None:
        quiet_opencv()
        if not folder.is_dir():
            raise DeviceError(f"Cannot open folder {str(folder)!r}: it is not a directory.")
        self.folder = folder
        self._files = sorted(
            path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES
        )
        self._frame_ns = int(1e9 / fps)
        self._index = 0
        self.unreadable: list[Path] = []

    def read(self) -> Frame | None:
        while self._index < len(self._files):
            path = self._files[self._index]
            t_ns = self._index * self._frame_ns
            self._index += 1
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is not None:
                return Frame(image, t_ns)
            self.unreadable.append(path)
        return None

    def close(self) -> None:
        self._index = len(self._files)


_OPENCV_QUIET = False


def quiet_opencv() -> None:
    global _OPENCV_QUIET  # noqa: PLW0603 - a process-wide OpenCV setting, made once
    if not _OPENCV_QUIET:
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        _OPENCV_QUIET = True
