"""Cameras as scanners: frames in, debounced scans out, without ever stopping the station.

URLs (the ``camera`` scheme of `drivers.registry`)::

    camera://0                          V4L2 / OS camera by index
    camera:///dev/video2                camera by device path
    camera:rtsp://10.0.0.5/stream1      network stream (also rtsps, http, https)
    camera:file:///videos/dock.mp4      a video file, read once (loop=1: forever)
    camera:dir:///frames/               a folder of images, read in sorted name order

Parameters, in the query (``camera://0?decoder=zbar&formats=qr,datamatrix``):

- ``decoder=zxing|zbar`` (zxing): the back end, see `drivers.decoders`.
- ``formats=qr,datamatrix,code128,...`` (all the back end reads): fewer is faster.
- ``debounce_ms=1500``: a code seen again within this time of its last sighting
  is the same scan. The window slides: a label that stays in view, even if a
  few blurred frames miss it, is one scan; it scans again once it has been
  out of view for longer than the window. Time is the source's own: the
  camera clock for live cameras, the video's frame times for files, one
  frame per 1/``fps`` (default 1/10 s) for folders, so a file debounces the
  same however fast it is decoded.
- ``fps=N``: decode at most N frames per second (saves CPU on a live camera;
  plays a file or folder in real time when N is its frame rate). Default: as
  fast as decoding goes.
- ``loop=0|1`` (0): files and folders start again at the end instead of ending.
- ``retry=0|1`` (1): the pipeline's contrast-equalised second pass on frames
  where nothing was found (`drivers.decoders.pipeline`), on every other such frame.

For network streams, parameters with other names stay in the stream URL for
the camera. Elsewhere an unknown parameter is a `DeviceError` naming the
nearest known one.

What runs is a `drivers.camera_scanner.CameraScanner`: this module only turns
the URL into one, without opening anything.

OpenCV's log level is lowered to errors when a camera is opened: its warnings
(e.g. "can't open camera by index") are written from C straight to the
terminal, under the TUI; the reason is in the device status instead.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from drivers.camera_scanner import CameraScanner
from drivers.decoders import DECODER_NAMES, get_decoder, parse_formats
from drivers.frames import (
    DIRECTORY_FPS,
    CaptureFrames,
    DirectoryFrames,
    FrameOpener,
    FrameSource,
)
from drivers.urls import DeviceURL
from station.domain.suggestions import did_you_mean
from station.errors import DeviceError

__all__ = ["PARAMETERS", "STREAM_SCHEMES", "CameraScanner", "open_camera_scanner"]

CAMERA_RETRY_EVERY = 2
"""The contrast retry runs on one empty frame in this many (a label stays in view)."""
PARAMETERS = ("decoder", "formats", "debounce_ms", "fps", "loop", "retry")
"""Query parameters this driver reads from a camera URL."""

STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")


def open_camera_scanner(url: DeviceURL) -> CameraScanner:
    """The scanner for a ``camera`` URL; `DeviceError` for a malformed one (nothing opened yet)."""
    target, params = _target(url)
    decoder_name = params.get("decoder", "zxing")
    if decoder_name not in DECODER_NAMES:
        known = ", ".join(DECODER_NAMES)
        raise DeviceError(f"{url.text}: decoder={decoder_name!r}: expected one of {known}.")
    try:
        formats = parse_formats(params.get("formats"))
    except DeviceError as exc:
        raise DeviceError(f"{url.text}: {exc}") from None
    given = dataclasses.replace(url, params=params)
    try:
        retry = given.flag_param("retry", default=True)
        loop = given.flag_param("loop", default=False)
        debounce_ms = _not_negative(given, "debounce_ms", 1500)
        fps = _not_negative(given, "fps", 0) or None
    except DeviceError as exc:
        raise DeviceError(f"{exc}.") from None  # this driver's messages are sentences
    decoder = get_decoder(decoder_name, formats, retry=retry, retry_every=CAMERA_RETRY_EVERY)

    kind, where = target
    opener: FrameOpener
    live = kind in ("index", "device", "stream")
    if kind == "index":
        index = int(where)
        opener = lambda: CaptureFrames(index, live=True)  # noqa: E731
    elif kind == "device":
        opener = lambda: CaptureFrames(where, live=True)  # noqa: E731
    elif kind == "stream":
        opener = lambda: CaptureFrames(where, live=True, stream=True)  # noqa: E731
    elif kind == "file":
        path = where

        def open_file() -> FrameSource:
            if not Path(path).is_file():
                raise DeviceError(f"Cannot open video file {path!r}: no such file.")
            return CaptureFrames(path, live=False)

        opener = open_file
    else:
        folder = Path(where)
        rate = fps or DIRECTORY_FPS
        opener = lambda: DirectoryFrames(folder, fps=rate)  # noqa: E731
    if loop and live:
        raise DeviceError(f"{url.text}: loop=1 applies to files and folders, not to cameras.")
    return CameraScanner(
        url.text,
        opener,
        decoder,
        live=live,
        debounce_ms=debounce_ms,
        fps=fps,
        loop=loop,
        target=f"{kind} {where}",
    )


def _target(url: DeviceURL) -> tuple[tuple[str, str], dict[str, str]]:
    """(kind, where) and the driver's parameters, from either URL form."""
    if url.inner is None:  # camera://0, camera:///dev/video2
        params = dict(url.params)
        _reject_unknown(url, params)
        if url.host and not url.path.strip("/"):
            if not url.host.isdigit():
                raise DeviceError(
                    f"{url.text}: {url.host!r} is not a camera index (expected e.g. camera://0)."
                )
            return ("index", url.host), params
        if url.path and not url.host:
            return ("device", url.path), params
        raise DeviceError(
            f"{url.text}: expected camera://INDEX, camera:///dev/videoN, camera:rtsp://..., "
            "camera:file:///video.mp4 or camera:dir:///folder/."
        )
    parts = urlsplit(url.inner)
    scheme = parts.scheme.lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = {key: value for key, value in query if key in PARAMETERS}
    if scheme in STREAM_SCHEMES:
        rest = urlencode([(key, value) for key, value in query if key not in PARAMETERS])
        stream = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment))
        return ("stream", stream), params
    _reject_unknown(url, dict(query))
    if scheme in ("file", "dir"):
        path = parts.path
        if parts.netloc and parts.netloc != "localhost":
            path = parts.netloc + path  # camera:file://relative/x.mp4
        if not path:
            raise DeviceError(f"{url.text}: no path after {scheme}:.")
        return (scheme, path), params
    raise DeviceError(
        f"{url.text}: unknown camera source {scheme!r} "
        f"(expected one of file, dir, {', '.join(STREAM_SCHEMES)})."
    )


def _reject_unknown(url: DeviceURL, params: dict[str, str]) -> None:
    for key in params:
        if key not in PARAMETERS:
            hint = did_you_mean(key, PARAMETERS) or "."
            raise DeviceError(
                f"{url.text}: unknown parameter {key!r}: expected one of "
                f"{', '.join(PARAMETERS)}{hint}"
            )


def _not_negative(url: DeviceURL, name: str, default: int) -> int:
    value = url.int_param(name, default)
    if value < 0:
        raise DeviceError(f"{url.text}: {name}={url.params[name]!r}: expected at least 0")
    return value
