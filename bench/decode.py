"""Read rate, false reads and speed of every image decoder the station could use, side by side.

Backends, all fed the same BGR image as ``cv2.imread`` gives it:

* ``station-zxing``: `drivers.decoders.get_decoder("zxing")`, the station's
  pipeline (grey once, zxing-cpp in plain text mode, CLAHE retry);
* ``zxing-1pass``: the same without the CLAHE retry, to show what it adds;
* ``station-zbar``: `get_decoder("zbar")`, the pipeline over libzbar;
* ``bare-zxing``: ``zxingcpp.read_barcodes(img)`` with its defaults (all formats,
  ``TextMode.HRI``);
* ``bare-pyzbar``: ``pyzbar.pyzbar.decode(img)`` with its defaults.

Inputs:

* the ZXing black-box photos in ``../shared/corpus/blackbox`` (see its README):
  one expected text per image in ``<name>.txt`` (UTF-8) or ``<name>.bin``
  (ISO-8859-1); the ``falsepositives*`` folders must give nothing. ``pdf417-4``
  is left out (one symbol spread over several images). "usable" leaves out
  ``ean13-5`` and ``upca-6`` too, blurred sets that ZXing itself expects to
  fail. Without the corpus that part is skipped with a message.
* generated camera frames at 640x480, 1280x720 and 1920x1080: one label on a
  cluttered background (boxes, stripes, printed text), under perspective,
  rotation, blur, noise and JPEG compression, carrying a GS1 DataMatrix
  (``]d2``, written by zxing-cpp's writer), a GS1 Digital Link QR (segno) or a
  GS1 QR with FNC1 (``]Q3``); plus frames with no label (false reads).

A read is correct when one of the texts returned equals the expected one up to
the representation conventions of the libraries and of the corpus (`matches`):
GS1 content in bracketed HRI form vs element string with GS; UPC-A as 13 digits
with a leading 0 vs 12; DataBar given as its GTIN-14 alone vs with AI ``01``.
The HRI mode of the bare zxing call replaces control characters by pictures
(``<GS>``, ``␝``), so its reads of such symbols count as wrong, as they are for
a station. "wrong" counts images where a backend returned text but none
matched (a misread, or another code in the picture).

Targets reported against: station pipeline >= bare default zxing on the corpus,
no false reads on ``falsepositives*``, >= 30 frames/s at 1280x720 with one label
in view on one core.

    uv run python bench/decode.py            # everything, about 3 minutes
    uv run python bench/decode.py --frames 10 --fps-seconds 1   # about 1 minute

The whole process is pinned to one CPU and OpenCV to one thread, and times are
the thread's CPU time (``time.thread_time_ns``): every figure is single-core and
stays put when other work shares the machine. Frames per second are 1000 / mean
ms per frame. libzbar prints assertion warnings from its DataBar decoder on
stderr; the bench silences stderr around ZBar calls.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import segno
import zxingcpp

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from drivers.decoders import get_decoder  # noqa: E402
from station.errors import DeviceError  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "blackbox"
UNUSABLE_FOLDERS = frozenset({"ean13-5", "upca-6"})
"""Blurred sets the ZXing project itself expects to fail."""
SKIPPED_FOLDERS = frozenset({"pdf417-4"})
"""One PDF417 symbol spread over several images: no per-image expected text."""
RESOLUTIONS = ((640, 480), (1280, 720), (1920, 1080))

# ---------------------------------------------------------------------------
# Corpus


@dataclass(frozen=True, slots=True)
class CorpusImage:
    """One black-box photo and the text it should give (None: it must give nothing)."""

    folder: str
    path: Path
    expected: str | None

    @property
    def group(self) -> str:
        """Symbology group of the folder: ``qrcode-2`` -> ``qrcode``."""
        return self.folder.rsplit("-", 1)[0] if self.folder[-1].isdigit() else self.folder

    @property
    def usable(self) -> bool:
        """Whether the image counts in the "usable" total."""
        return self.expected is not None and self.folder not in UNUSABLE_FOLDERS


def expected_text(image: Path) -> str | None:
    """The expected text next to `image`: ``.txt`` as UTF-8, ``.bin`` as ISO-8859-1."""
    text_file, bin_file = image.with_suffix(".txt"), image.with_suffix(".bin")
    if text_file.exists():
        return text_file.read_bytes().decode("utf-8")  # bytes: keep CR LF as written
    if bin_file.exists():
        return bin_file.read_bytes().decode("iso-8859-1")
    return None


def load_corpus(root: Path = CORPUS) -> list[CorpusImage]:
    """Every image of the black-box corpus with its expectation, in a stable order."""
    images: list[CorpusImage] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name in SKIPPED_FOLDERS:
            continue
        false_positives = folder.name.startswith("falsepositives")
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".bmp"):
                continue
            expected = None if false_positives else expected_text(path)
            if expected is None and not false_positives:
                continue
            images.append(CorpusImage(folder.name, path, expected))
    return images


def _strip_gs1_marks(text: str) -> str:
    return text.replace("(", "").replace(")", "").replace("\x1d", "")


def matches(expected: str, text: str) -> bool:
    """Whether decoded `text` is the `expected` content, up to representation.

    Equal, or equal after one of: UPC-A given as 13 digits with a leading 0;
    GS1 content as bracketed HRI vs element string (parentheses and GS ignored
    on both sides); DataBar's GTIN-14 alone vs prefixed by AI 01.

    >>> matches("(01)09521234543213(10)AB", "010952123454321310AB")
    True
    >>> matches("036602301467", "0036602301467")
    True
    >>> matches("04412345678909", "(01)04412345678909")
    True
    >>> matches("9780345348036", "0706375348036")
    False
    """
    if text == expected:
        return True
    if len(text) == 13 and text[0] == "0" and text[1:] == expected:
        return True
    if len(expected) == 13 and expected[0] == "0" and expected[1:] == text:
        return True
    bare_text, bare_expected = _strip_gs1_marks(text), _strip_gs1_marks(expected)
    if bare_text == bare_expected:
        return True
    return len(bare_expected) == 14 and bare_text == "01" + bare_expected


# ---------------------------------------------------------------------------
# Generated frames


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


# ---------------------------------------------------------------------------
# Backends and measurement

Reader = Callable[[np.ndarray[Any, Any]], list[str]]


def _pyzbar_texts(image: np.ndarray[Any, Any]) -> list[str]:
    from pyzbar import pyzbar  # type: ignore[import-untyped]  # noqa: PLC0415

    texts = []
    for found in pyzbar.decode(image):
        try:
            texts.append(found.data.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(found.data.decode("iso-8859-1"))
    return texts


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """File descriptor 2 sent to /dev/null: libzbar writes its warnings there from C."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _quiet(read: Reader) -> Reader:
    def quietly(image: np.ndarray[Any, Any]) -> list[str]:
        with quiet_stderr():
            return read(image)

    return quietly


def backends() -> dict[str, Reader]:
    """Name -> function giving the texts a backend reads in a BGR image."""
    readers: dict[str, Reader] = {}
    station = get_decoder("zxing")
    one_pass = get_decoder("zxing", retry=False)
    readers["station-zxing"] = lambda image: [d.text for d in station.decode(image)]
    readers["zxing-1pass"] = lambda image: [d.text for d in one_pass.decode(image)]
    try:
        zbar = get_decoder("zbar")
    except DeviceError as exc:
        print(f"station-zbar left out: {exc}")
    else:
        readers["station-zbar"] = _quiet(lambda image: [d.text for d in zbar.decode(image)])
    readers["bare-zxing"] = lambda image: [b.text for b in zxingcpp.read_barcodes(image)]
    try:
        _pyzbar_texts(np.full((8, 8), 255, np.uint8))
    except ImportError as exc:
        print(f"bare-pyzbar left out: {exc}")
    else:
        readers["bare-pyzbar"] = _quiet(_pyzbar_texts)
    return readers


@dataclass(slots=True)
class Tally:
    """One table cell: reads and timings of one backend on one group of images."""

    total: int = 0
    correct: int = 0
    wrong: int = 0
    false_reads: int = 0
    expect_nothing: bool = False
    times_ms: list[float] = field(default_factory=list)

    def add(self, expected: str | None, texts: list[str], ms: float) -> None:
        self.total += 1
        self.times_ms.append(ms)
        if expected is None:
            self.expect_nothing = True
            self.false_reads += bool(texts)
        elif any(matches(expected, text) for text in texts):
            self.correct += 1
        elif texts:
            self.wrong += 1

    def merge(self, other: Tally) -> None:
        self.total += other.total
        self.correct += other.correct
        self.wrong += other.wrong
        self.false_reads += other.false_reads
        self.expect_nothing = self.expect_nothing or other.expect_nothing
        self.times_ms.extend(other.times_ms)

    def cell(self) -> str:
        times = sorted(self.times_ms) or [0.0]
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        timing = f"{median:5.1f}/{p95:5.1f}"
        if self.expect_nothing and self.correct == 0 and self.wrong == 0:
            return f"{'FP ' + str(self.false_reads) + '/' + str(self.total):>14} {timing}"
        rate = 100 * self.correct / self.total if self.total else 0.0
        reads = f"{self.correct}/{self.total} {rate:3.0f}%"
        return f"{reads:>14} {self.wrong:>2}w {timing}"


Table = dict[str, dict[str, Tally]]
"""Row name -> backend name -> tally."""


def measure(
    rows: Table,
    row: str,
    readers: dict[str, Reader],
    items: Iterable[tuple[str | None, np.ndarray[Any, Any]]],
) -> None:
    """Run every backend over `items` (expected text, BGR image) into `rows[row]`."""
    cells = rows.setdefault(row, {name: Tally() for name in readers})
    for expected, image in items:
        for name, read in readers.items():
            start = time.thread_time_ns()
            texts = read(image)
            elapsed = (time.thread_time_ns() - start) / 1e6
            cells[name].add(expected, texts, elapsed)


def print_table(rows: Table, names: Sequence[str]) -> None:
    """The side-by-side table, one column per backend."""
    width = max(len(row) for row in rows if not row.startswith("--")) + 2
    cell_width = 32
    print()
    print("cell: correct/total rate, wrong reads, median/p95 ms per image; FP n/m: false reads")
    print(" " * width + "".join(f"{name:>{cell_width}}" for name in names))
    for row, cells in rows.items():
        if row.startswith("--"):
            print(row)
            continue
        print(f"{row:<{width}}" + "".join(f"{cells[name].cell():>{cell_width}}" for name in names))


def corpus_rows(
    rows: Table, readers: dict[str, Reader], corpus: list[CorpusImage], root: Path
) -> None:
    """Per symbology group, then totals: all, usable, false positives."""
    groups: dict[str, list[CorpusImage]] = {}
    for image in corpus:
        groups.setdefault(image.group, []).append(image)
    rows[f"-- corpus {root}"] = {}
    per_image: dict[Path, dict[str, Tally]] = {}
    for group, images in sorted(groups.items()):
        for image in images:
            pixels = cv2.imread(str(image.path), cv2.IMREAD_COLOR)
            tallies: Table = {}
            measure(tallies, "x", readers, [(image.expected, pixels)])
            per_image[image.path] = tallies["x"]
        cells = {name: Tally() for name in readers}
        for image in images:
            for name in readers:
                cells[name].merge(per_image[image.path][name])
        rows[f"{group} ({len(images)})"] = cells
    for label, keep in (
        ("ALL with expected text", lambda image: image.expected is not None),
        ("USABLE (no ean13-5, upca-6)", lambda image: image.usable),
        ("falsepositives*", lambda image: image.expected is None),
    ):
        cells = {name: Tally() for name in readers}
        for image in corpus:
            if keep(image):
                for name in readers:
                    cells[name].merge(per_image[image.path][name])
        rows[label] = cells


def synthetic_rows(rows: Table, readers: dict[str, Reader], frames: int, seed: int) -> None:
    """Generated frames per resolution and label kind, and empty frames."""
    rows["-- generated frames (one label in view; blur, noise, perspective, rotation, JPEG)"] = {}
    for size in RESOLUTIONS:
        rng = np.random.default_rng(seed + size[0])
        for kind in LABELS:
            items = [(kind.expected, synthetic_frame(kind, size, rng)) for _ in range(frames)]
            measure(rows, f"{kind.name} {size[0]}x{size[1]}", readers, items)
        items = [(None, synthetic_frame(None, size, rng)) for _ in range(frames)]
        measure(rows, f"no label {size[0]}x{size[1]}", readers, items)


def frame_rate(seconds: float, seed: int) -> None:
    """Frames per second of the station pipeline at 1280x720 on one core."""
    rng = np.random.default_rng(seed)
    size = (1280, 720)
    kinds: tuple[LabelKind | None, ...] = (LABELS[0], LABELS[1], None)
    pools = {kind: [synthetic_frame(kind, size, rng) for _ in range(8)] for kind in kinds}
    dock = frozenset({"qr", "datamatrix", "code128", "ean13", "upca"})
    print()
    print(f"Station pipeline at {size[0]}x{size[1]}, one core (BGR frame in, codes out):")
    for label, decoder_name, formats, retry in (
        ("zxing, all formats, retry (camera default)", "zxing", None, True),
        ("zxing, formats=qr,datamatrix,code128,ean13,upca", "zxing", dock, True),
        ("zxing, all formats, retry=0", "zxing", None, False),
        ("zbar, all formats", "zbar", None, True),
    ):
        try:
            decoder = get_decoder(decoder_name, formats, retry=retry)
        except DeviceError as exc:
            print(f"  {label}: left out ({exc})")
            continue
        for kind in kinds:
            pool = pools[kind]
            expected = kind.expected if kind else None
            done = hits = 0
            times: list[float] = []
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                frame = pool[done % len(pool)]
                start = time.thread_time_ns()
                with quiet_stderr():
                    found = decoder.decode(frame)
                times.append((time.thread_time_ns() - start) / 1e6)
                done += 1
                hits += any(d.text == expected for d in found) if expected else bool(found)
            fps = 1000 * len(times) / sum(times)
            what = kind.name if kind else "no label"
            tail = f"read {hits}/{done}" if expected else f"false reads {hits}/{done}"
            print(
                f"  {label:<50} {what:<16} {fps:6.1f} fps"
                f"  median {statistics.median(times):5.1f} ms  {tail}"
            )
    camera_end_to_end(pools[LABELS[0]], size)


def camera_end_to_end(frames: list[np.ndarray[Any, Any]], size: tuple[int, int]) -> None:
    """The whole camera driver on one core: an mp4 file, capture and decode threads."""
    from drivers.camera import open_camera_scanner  # noqa: PLC0415
    from drivers.urls import parse_device_url  # noqa: PLC0415
    from station.ports import DeviceState, DeviceStatus  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "dock.mp4"
        writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 30, size)
        for index in range(150):
            writer.write(frames[index % len(frames)])
        writer.release()
        scanner = open_camera_scanner(parse_device_url(f"camera:file://{video}"))
        done = threading.Event()
        final: list[DeviceStatus] = []

        def on_status(status: DeviceStatus) -> None:
            if status.state in (DeviceState.ENDED, DeviceState.ERROR):
                final.append(status)
                done.set()

        cpu_start, wall_start = time.process_time(), time.perf_counter()
        scanner.start(lambda scan: None, on_status)
        done.wait(120)
        cpu, wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
        scanner.stop()
    frames_done = scanner.frames_decoded
    state = final[0].state.value if final else "none"
    rate = final[0].decode_rate if final else None
    print(
        f"  camera:file: mp4 {size[0]}x{size[1]}, dm-gs1 in view, capture + decode threads: "
        f"{frames_done} frames in {wall:.2f} s wall = {frames_done / wall:.1f} fps "
        f"({1000 * cpu / max(frames_done, 1):.1f} ms CPU per frame incl. video decoding); "
        f"status {state}, decode_rate {rate}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--frames", type=int, default=30, help="generated frames per row")
    parser.add_argument("--fps-seconds", type=float, default=4.0, help="time per fps figure")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)

    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    readers = backends()
    rows: Table = {}
    if args.corpus.is_dir():
        corpus_rows(rows, readers, load_corpus(args.corpus), args.corpus)
    else:
        print(f"No corpus at {args.corpus} (it lives in ../shared/corpus): corpus rows skipped.")
    synthetic_rows(rows, readers, args.frames, args.seed)
    print_table(rows, list(readers))
    frame_rate(args.fps_seconds, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
