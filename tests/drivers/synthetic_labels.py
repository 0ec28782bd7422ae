"""Synthetic camera frames with a GS1 label in view: the one definition of "a dock camera frame".

The decoder tests (`tests/drivers/test_decoders.py`), the camera tests and the
decode benchmark (``bench/decode.py``) all draw their frames here, so the
benchmark measures the same pictures the tests check. A frame is a cluttered
dock-like background (boxes, stripes, printed text, uneven light) with one
paper label warped onto it (perspective, rotation), then blurred, noised and
JPEG-compressed as a camera delivers it. The label carries a GS1 DataMatrix
(``]d2``, written by zxing-cpp's writer), a GS1 Digital Link QR (segno) or a
GS1 QR with FNC1 (``]Q3``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import segno
import zxingcpp


@dataclass(frozen=True, slots=True)
class LabelKind:
    """A label the generator can draw: how to make its symbol, and what it must read as."""

    name: str
    content: str
    """What is encoded (bracketed form for GS1 element strings)."""
    expected: str
    """The text a correct station decoder returns."""
    symbology: str
    writer: str
    """``segno`` or a zxing-cpp `BarcodeFormat` name."""
    gs1: bool = False


LABELS: tuple[LabelKind, ...] = (
    LabelKind(
        "dm-gs1",
        "(01)09521234543213(17)271231(10)AB12C(21)SER000123",
        "01095212345432131727123110AB12C\x1d21SER000123",
        "]d2",
        "DataMatrix",
        gs1=True,
    ),
    LabelKind(
        "qr-digital-link",
        "https://id.gs1.org/01/09521234543213/10/AB12C/21/SER000123?17=271231",
        "https://id.gs1.org/01/09521234543213/10/AB12C/21/SER000123?17=271231",
        "]Q1",
        "segno",
    ),
    LabelKind(
        "qr-gs1",
        "(00)395212345678901236(02)09521234543213(37)24(10)LOT42",
        "0039521234567890123602095212345432133724\x1d10LOT42",
        "]Q3",
        "QRCode",
        gs1=True,
    ),
)
"""The labels of the synthetic benchmark: the GS1 carriers a dock camera must read."""


def symbol_matrix(kind: LabelKind) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """The symbol of `kind` as a grey image, one pixel per module, with its quiet zone."""
    return render_symbol(kind.writer, kind.content, gs1=kind.gs1)


def render_symbol(writer: str, content: str, *, gs1: bool = False) -> np.ndarray[Any, Any]:
    """`content` as a symbol: `writer` is ``segno`` (QR) or a zxing-cpp format name."""
    if writer == "segno":
        qr = segno.make(content, error="m", micro=False)
        modules = np.array(qr.matrix, dtype=np.uint8)
        image = np.where(modules > 0, 0, 255).astype(np.uint8)
        return cv2.copyMakeBorder(image, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=255)
    fmt = getattr(zxingcpp.BarcodeFormat, writer)
    options: dict[str, Any] = {"gs1": True} if gs1 else {}
    if writer == "DataMatrix":
        options["force_square"] = True  # what GS1 label templates use
    barcode = zxingcpp.create_barcode(content, fmt, **options)
    image = np.array(zxingcpp.write_barcode_to_image(barcode, scale=1, add_quiet_zones=True))
    if image.ndim == 3:
        image = image[:, :, 0]
    return image.astype(np.uint8)


def render_label(
    symbol: np.ndarray[Any, Any], module_px: int, lines: Sequence[str]
) -> np.ndarray[Any, Any]:
    """A white paper label: the symbol at `module_px` pixels per module, text lines below."""
    big = cv2.resize(
        symbol,
        (symbol.shape[1] * module_px, symbol.shape[0] * module_px),
        interpolation=cv2.INTER_NEAREST,
    )
    scale = max(big.shape[1] / 560, 0.3)  # two text lines about as wide as the symbol
    line_height = int(30 * scale) + 4
    text_width = max(
        (cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0] for line in lines),
        default=0,
    )
    width = max(big.shape[1], text_width) + 2 * module_px
    height = big.shape[0] + 2 * module_px + line_height * len(lines) + module_px
    label = np.full((height, width), 250, dtype=np.uint8)
    left = (width - big.shape[1]) // 2
    label[module_px : module_px + big.shape[0], left : left + big.shape[1]] = big
    y = module_px + big.shape[0] + line_height
    for line in lines:
        cv2.putText(
            label, line, (module_px, y), cv2.FONT_HERSHEY_SIMPLEX, scale, 30, 1, cv2.LINE_AA
        )
        y += line_height
    return label


def background(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray[Any, Any]:
    """A dock-like BGR scene: cardboard tones, boxes, stripes and printed text, unevenly lit."""
    width, height = size
    low = rng.uniform(70, 210, size=(6, 8, 1)) * rng.uniform(0.9, 1.1, size=(6, 8, 3))
    low = low.astype(np.float32)
    smooth = cv2.resize(low, (width, height), interpolation=cv2.INTER_CUBIC)
    smooth *= np.array([0.75, 0.9, 1.0], dtype=np.float32)  # brownish
    scene = np.clip(smooth, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(4, 9))):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(40, width // 2)), y0 + int(rng.integers(40, height // 2))
        colour = tuple(float(c) for c in rng.uniform(40, 220, 3))
        cv2.rectangle(scene, (x0, y0), (x1, y1), colour, -1 if rng.random() < 0.6 else 3)
    for _ in range(int(rng.integers(1, 3))):  # shelf or strap stripes
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        step = int(rng.integers(3, 12))
        for i in range(int(rng.integers(5, 20))):
            cv2.line(scene, (x0 + i * step, y0), (x0 + i * step, y0 + height // 6), (30, 30, 30), 2)
    for _ in range(int(rng.integers(2, 6))):
        words = "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789 "), 14))
        org = (int(rng.integers(0, width - 100)), int(rng.integers(20, height)))
        cv2.putText(scene, words, org, cv2.FONT_HERSHEY_SIMPLEX, height / 700, (20, 20, 20), 2)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 0.75 + 0.35 * np.cos((xx / width - rng.uniform(0, 1)) * math.pi) * np.cos(
        (yy / height - rng.uniform(0, 1)) * math.pi
    )
    return np.clip(scene * light[:, :, None], 0, 255).astype(np.uint8)


def place(
    scene: np.ndarray[Any, Any],
    label: np.ndarray[Any, Any],
    rng: np.random.Generator,
    *,
    max_angle: float = 30.0,
    max_tilt: float = 0.08,
) -> np.ndarray[Any, Any]:
    """`scene` with `label` warped onto it: rotated, in perspective, somewhere in view."""
    height, width = scene.shape[:2]
    lh, lw = label.shape[:2]
    corners = np.float32([[0, 0], [lw, 0], [lw, lh], [0, lh]])
    jitter = rng.uniform(-max_tilt, max_tilt, size=(4, 2)) * np.float32([lw, lh])
    warped = corners + jitter.astype(np.float32)
    angle = math.radians(rng.uniform(-max_angle, max_angle))
    rotation = np.float32([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    warped = (warped - warped.mean(axis=0)) @ rotation.T
    span = warped.max(axis=0) - warped.min(axis=0)
    room = np.float32([width, height]) - span
    if (room < 0).any():
        raise ValueError(f"label {lw}x{lh} does not fit a {width}x{height} frame")
    centre = warped.min(axis=0) * -1 + rng.uniform(0, 1, 2).astype(np.float32) * room
    target = (warped + centre).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    paper = cv2.cvtColor(label, cv2.COLOR_GRAY2BGR)
    overlay = cv2.warpPerspective(paper, matrix, (width, height), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.full((lh, lw), 255, np.uint8), matrix, (width, height), flags=cv2.INTER_LINEAR
    )
    alpha = (mask.astype(np.float32) / 255)[:, :, None]
    tint = np.float32(rng.uniform(0.8, 1.05))  # the label is lit like the scene
    mixed = scene * (1 - alpha) + overlay * alpha * tint
    return np.clip(mixed, 0, 255).astype(np.uint8)


def degrade(
    frame: np.ndarray[Any, Any],
    rng: np.random.Generator,
    *,
    blur_sigma: float,
    noise_sigma: float,
    jpeg_quality: int = 85,
) -> np.ndarray[Any, Any]:
    """`frame` as a camera delivers it: defocus blur, sensor noise, JPEG/video compression."""
    if blur_sigma > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), blur_sigma)
    noise = rng.normal(0, noise_sigma, frame.shape).astype(np.float32)
    frame = np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    if not ok:
        return frame
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)


def synthetic_frame(
    kind: LabelKind | None, size: tuple[int, int], rng: np.random.Generator
) -> np.ndarray[Any, Any]:
    """One camera frame at `size` with one label of `kind` in view (None: no label)."""
    width, _ = size
    scene = background(size, rng)
    if kind is not None:
        symbol = symbol_matrix(kind)
        # The label spans about a quarter to a third of the field of view.
        module_px = max(2, round(width * rng.uniform(0.18, 0.26) / symbol.shape[1]))
        lines = ["SSCC 395212345678901236", "LOT AB12C  BEST BEFORE 31.12.27"]
        scene = place(scene, render_label(symbol, module_px, lines), rng)
    scale = width / 640
    return degrade(
        scene,
        rng,
        blur_sigma=float(rng.uniform(0.3, 1.0) * scale),
        noise_sigma=float(rng.uniform(2, 7)),
        jpeg_quality=int(rng.integers(70, 92)),
    )
