"""Decode the codes in image and video files: what ``station decode FILE...`` shows.

A clerk or an installer points the station at a photo of a label, a screenshot
or a short video from the dock camera and sees, per file, every code found, as
the station would take it: the text (shown through
`station.domain.printable.printable`, so a GS is ``<GS>`` and an escape sequence
cannot reach the terminal), the AIM symbology identifier, the decoder's format
name, and what `station.domain.scanning.classify.classify` makes of it (``Gs1Code``
with its AIs, ``SealCode``, ``InvalidCode`` with the reason, ...).

- Images: anything OpenCV reads (PNG, JPEG, TIFF, BMP, WebP, PNM, ...). A
  transparent background is taken as white, the way the label is printed.
- Videos: anything OpenCV's FFmpeg reads; every `every_nth` frame is decoded and
  each distinct code (text and symbology) is listed once, with the first frame
  it was seen in and how many decoded frames showed it.
- A folder stands for the images and videos in it, in name order.

A file that cannot be read is a result with an ``error``, never an exception:
the other files are still decoded. `result_as_dict` gives the JSON form, with
the raw text (control characters escaped by JSON itself) beside the display
form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from drivers.decoders import get_decoder, parse_formats
from station.domain.gs1.requisites import label_findings
from station.domain.printable import printable
from station.domain.scanning.classify import DEFAULT_RULES, ClassifierRules, classify
from station.domain.scanning.codes import Code, Gs1Code
from station.errors import DeviceError
from station.ports import Decoded, Decoder

__all__ = ["FileCode", "FileResult", "decode_paths", "result_as_dict"]

VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"})
"""Suffixes a folder's videos are recognised by; named files are probed whatever their name."""


@dataclass(frozen=True, slots=True)
class FileCode:
    """One distinct code found in a file."""

    text: str
    """The decoded text exactly as read (GS as ``\\x1d``)."""
    symbology: str | None
    """AIM symbology identifier, e.g. ``]d2``."""
    format: str
    """The decoder's format name, e.g. ``DataMatrix``."""
    gs1: bool
    """Whether the symbol declares GS1 content."""
    code: Code
    """What the classifier makes of the text and symbology."""
    frame: int | None = None
    """Videos: index of the first frame the code was decoded in."""
    frames: int = 1
    """Videos: in how many decoded frames the code was found."""

    @property
    def display(self) -> str:
        """The text made safe to show (GS as ``<GS>``, controls escaped)."""
        return printable(self.text)

    @property
    def kind(self) -> str:
        """The classification's kind, e.g. ``Gs1Code``."""
        return type(self.code).__name__


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one file gave."""

    path: Path
    kind: str
    """``image``, ``video``, or ``unreadable``."""
    codes: tuple[FileCode, ...] = ()
    frames: int = 0
    """How many images or video frames were decoded."""
    error: str | None = None
    """Why the file gave nothing, when it could not be read."""
    width: int | None = None
    height: int | None = None


@dataclass(slots=True)
class _Found:
    decoded: Decoded
    frame: int | None
    frames: int = 1
    order: int = field(default=0)


def decode_paths(
    paths: Iterable[str | Path],
    decoder_name: str = "zxing",
    formats: str | Iterable[str] | None = None,
    *,
    every_nth: int = 5,
    rules: ClassifierRules = DEFAULT_RULES,
    decoder: Decoder | None = None,
) -> list[FileResult]:
    """One `FileResult` per file (folders expanded), in the order given.

    `formats` restricts the symbologies (``"qr,datamatrix"`` or names, see
    `drivers.decoders.SYMBOLOGIES`); `every_nth` is the video frame step; `rules`
    are the site's classifier rules. Raises `DeviceError` only for a bad decoder
    name or format list (before any file is read); `decoder` replaces the one
    built from `decoder_name` and `formats`.
    """
    if every_nth < 1:
        raise DeviceError(f"every_nth={every_nth!r}: expected a whole number of at least 1.")
    if decoder is None:
        decoder = get_decoder(decoder_name, parse_formats(formats))
    results: list[FileResult] = []
    for path in _expand(Path(p) for p in paths):
        results.append(_decode_file(path, decoder, every_nth, rules))
    return results


def result_as_dict(result: FileResult) -> dict[str, Any]:
    """The JSON-ready form of `result` (``json.dumps(..., ensure_ascii=True)`` keeps it ASCII)."""
    data: dict[str, Any] = {
        "path": str(result.path),
        "kind": result.kind,
        "frames": result.frames,
        "codes": [_code_as_dict(code) for code in result.codes],
    }
    symbols = [c.code.ais for c in result.codes if isinstance(c.code, Gs1Code)]
    if result.kind == "image" and len(symbols) > 1:
        # The GS1 barcodes of one image are taken as one label's: requisite and
        # exclusive AIs hold over all of them (station.domain.gs1.requisites).
        data["label_findings"] = [f.as_dict() for f in label_findings(symbols)]
    if result.width is not None:
        data["size"] = [result.width, result.height]
    if result.error is not None:
        data["error"] = result.error
    return data


def _code_as_dict(code: FileCode) -> dict[str, Any]:
    classified = code.code
    data: dict[str, Any] = {
        "text": code.text,
        "display": code.display,
        "symbology": code.symbology,
        "format": code.format,
        "gs1": code.gs1,
        "kind": code.kind,
        "findings": [f.as_dict() for f in getattr(classified, "findings", ())],
    }
    if code.frame is not None:
        data |= {"frame": code.frame, "frames": code.frames}
    if isinstance(classified, Gs1Code):
        data |= {
            "form": classified.form.value,
            "ais": [{"ai": ai, "value": value} for ai, value in classified.ais],
            "dates": {ai: day.isoformat() for ai, day in classified.dates},
        }
    else:
        for name in ("number", "badge", "command"):
            value = getattr(classified, name, None)
            if value is not None:
                data[name] = getattr(value, "value", value)
        document_kind = getattr(classified, "kind", None)
        if document_kind is not None:
            data["document"] = getattr(document_kind, "value", document_kind)
    return data


def _expand(paths: Iterable[Path]) -> list[Path]:
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(
                child
                for child in sorted(path.iterdir())
                if child.is_file() and (_is_image(child) or child.suffix.lower() in VIDEO_SUFFIXES)
            )
        else:
            expanded.append(path)
    return expanded


def _is_image(path: Path) -> bool:
    try:
        return bool(cv2.haveImageReader(str(path)))
    except cv2.error:
        return False


def _decode_file(
    path: Path, decoder: Decoder, every_nth: int, rules: ClassifierRules
) -> FileResult:
    if not path.exists():
        return FileResult(path, "unreadable", error=f"{str(path)!r}: no such file.")
    if not path.is_file():
        return FileResult(path, "unreadable", error=f"{str(path)!r}: not a file.")
    try:
        if _is_image(path):
            return _decode_image(path, decoder, rules)
        return _decode_video(path, decoder, every_nth, rules)
    except (DeviceError, cv2.error, ValueError, OSError) as exc:
        return FileResult(path, "unreadable", error=f"{str(path)!r}: {exc}")


def _decode_image(path: Path, decoder: Decoder, rules: ClassifierRules) -> FileResult:
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        return FileResult(path, "unreadable", error=f"{str(path)!r}: OpenCV cannot read it.")
    image = _on_white(image)
    found = {_key(d): _Found(d, None, order=i) for i, d in enumerate(decoder.decode(image))}
    height, width = image.shape[:2]
    return FileResult(
        path, "image", _codes(found.values(), rules), frames=1, width=width, height=height
    )


def _decode_video(
    path: Path, decoder: Decoder, every_nth: int, rules: ClassifierRules
) -> FileResult:
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            message = f"{str(path)!r}: not an image or video OpenCV can read."
            return FileResult(path, "unreadable", error=message)
        found: dict[tuple[str, str | None], _Found] = {}
        index = decoded_frames = 0
        width = height = None
        while True:
            if index % every_nth:
                if not capture.grab():
                    break
                index += 1
                continue
            ok, frame = capture.read()
            if not ok or frame is None:
                break
            height, width = frame.shape[:2]
            decoded_frames += 1
            for decoded in decoder.decode(frame):
                seen = found.get(_key(decoded))
                if seen is None:
                    found[_key(decoded)] = _Found(decoded, index, order=len(found))
                else:
                    seen.frames += 1
            index += 1
    finally:
        capture.release()
    if decoded_frames == 0:
        message = f"{str(path)!r}: not an image, and no video frame could be read."
        return FileResult(path, "unreadable", error=message)
    return FileResult(
        path,
        "video",
        _codes(found.values(), rules),
        frames=decoded_frames,
        width=width,
        height=height,
    )


def _on_white(image: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Colour images with an alpha channel composed onto white paper."""
    if image.ndim != 3 or image.shape[2] != 4:
        return image
    colour = image[:, :, :3].astype(np.float32)
    full = 65535.0 if image.dtype == np.uint16 else 255.0
    alpha = image[:, :, 3:4].astype(np.float32) / full
    composed: np.ndarray[Any, Any] = (colour * alpha + full * (1 - alpha)).astype(image.dtype)
    return composed


def _key(decoded: Decoded) -> tuple[str, str | None]:
    return decoded.text, decoded.symbology


def _codes(found: Iterable[_Found], rules: ClassifierRules) -> tuple[FileCode, ...]:
    ordered: Sequence[_Found] = sorted(found, key=lambda item: item.order)
    return tuple(
        FileCode(
            text=item.decoded.text,
            symbology=item.decoded.symbology,
            format=item.decoded.format,
            gs1=item.decoded.gs1,
            code=classify(item.decoded.text, rules, symbology=item.decoded.symbology),
            frame=item.frame,
            frames=item.frames,
        )
        for item in ordered
    )
