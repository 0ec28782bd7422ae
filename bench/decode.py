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

The frame generator (``tests/drivers/synthetic_labels.py``) and the corpus
reader with its notion of a correct read (``tests/drivers/blackbox_corpus.py``)
live with the tests, which check the same frames; the bench imports them from
there (a test never imports the bench).

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
import zxingcpp

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from drivers.decoders import get_decoder  # noqa: E402
from station.errors import DeviceError  # noqa: E402
from tests.drivers.blackbox_corpus import CORPUS, CorpusImage, load_corpus, matches  # noqa: E402
from tests.drivers.synthetic_labels import LABELS, LabelKind, synthetic_frame  # noqa: E402

RESOLUTIONS = ((640, 480), (1280, 720), (1920, 1080))


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
    empty_frames(seconds, seed)
    for label, decoder_name, formats, retry, every in (
        ("zxing, all formats, retry every 2nd (camera)", "zxing", None, True, 2),
        ("zxing, all formats, retry every empty frame", "zxing", None, True, 1),
        ("zxing, formats=qr,datamatrix,code128,ean13,upca", "zxing", dock, True, 2),
        ("zxing, all formats, retry=0", "zxing", None, False, 1),
        ("zbar, all formats", "zbar", None, True, 1),
    ):
        try:
            decoder = get_decoder(decoder_name, formats, retry=retry, retry_every=every)
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


class _Bare:
    """The baseline: ``zxingcpp.read_barcodes`` with its defaults, as a decoder."""

    def decode(self, image: np.ndarray[Any, Any]) -> list[Any]:
        return list(zxingcpp.read_barcodes(image))


def empty_frames(seconds: float, seed: int) -> None:
    """Frames with no code: the station's cost next to the bare call's (target 1.2x)."""
    rng = np.random.default_rng(seed + 1)
    for size in ((1280, 720), (1920, 1080)):
        pool = [synthetic_frame(None, size, rng) for _ in range(8)]
        rows: dict[str, float] = {}
        for label, decoder in (
            ("bare zxingcpp.read_barcodes (baseline)", _Bare()),
            ("station, camera (retry every 2nd)", get_decoder("zxing", retry_every=2)),
            ("station, retry every empty frame", get_decoder("zxing")),
        ):
            times: list[float] = []
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                start = time.thread_time_ns()
                decoder.decode(pool[len(times) % len(pool)])
                times.append((time.thread_time_ns() - start) / 1e6)
            rows[label] = statistics.fmean(times)
        base = rows["bare zxingcpp.read_barcodes (baseline)"]
        for label, mean in rows.items():
            print(
                f"  empty {size[0]}x{size[1]}: {label:<40} {mean:6.1f} ms/frame"
                f" {1000 / mean:6.1f} fps  {mean / base:4.2f}x bare"
            )


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
