"""Label benchmark: allocate + render one label per renderer, and a batch of 1,000.

Prints median and p95 ms per label for ZPL, PNG, PDF and SVG, each including the
durable allocation of a new lot (a split recorded in a real SQLite store), and labels
per second for a batch of 1,000. Targets: under 10 ms per ZPL label, under 50 ms per
PNG label. Not part of the tests.

The baseline of the same run is the allocation alone (the split committed, no
label); each renderer's row says how much building and rendering adds to it.
Targets (issue 13): allocate + render ZPL under 3 ms median, PNG under 10 ms.

    uv run python bench/label_render.py [--batch 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from labels.document import RenderedLabel  # noqa: E402
from labels.layout import layout_document  # noqa: E402
from labels.render_svg import render_svg  # noqa: E402
from station.bootstrap import open_station  # noqa: E402
from station.config import load_config  # noqa: E402
from station.domain.lots.transform_plan import TransformKind  # noqa: E402
from station.domain.scanning.scan import Scan  # noqa: E402
from station.services.print_queue import build_label  # noqa: E402
from station.workflows.lots import TransformRequest  # noqa: E402

P1 = "006141412610010016"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    config = load_config(REPO / "config" / "station.example.toml")
    with tempfile.TemporaryDirectory() as tmp:
        station = open_station(config, Path(tmp))
        station.import_files([REPO / "config" / "demo" / "clean.json"])
        for text in ("B-1001", "BOL-778001", "SL0041871", f"00{P1}"):
            station.recorder.handle(Scan(text))
        operator = config.operator_by_badge("B-1001")
        assert operator is not None
        # Enough material for every split: the pallet holds 31 EA, each repack takes none.
        total = args.samples * 4 + args.batch
        station.log.connection.execute(
            "UPDATE lots SET quantity = ? WHERE lot_id = ?", (str(total * 2), P1)
        )

        def allocate() -> str:
            result = station.lot_desk.transform(
                TransformRequest(TransformKind.REPACK, ((P1, Decimal(1)),), (Decimal(1),)),
                operator,
            )
            assert result.ok, result.message
            return result.new_ids[0]

        renderers = {
            "zpl": lambda doc: doc.zpl(),
            "png": lambda doc: doc.png(),
            "pdf": lambda doc: doc.pdf(),
            "svg": lambda doc: render_svg(layout_document(doc.content)).encode(),
        }
        print(f"{'':<24}{'median ms':>10}{'p95 ms':>9}")
        times = []
        for _ in range(args.samples):
            start = time.perf_counter()
            allocate()
            times.append((time.perf_counter() - start) * 1000)
        base = statistics.median(times)
        print(f"{'baseline: allocate only':<24}{base:>10.2f}{percentile(times, 0.95):>9.2f}")
        print("allocate + build + render:")
        for name, render in renderers.items():
            times = []
            for _ in range(args.samples):
                start = time.perf_counter()
                lot_id = allocate()
                lot = station.lots.lot(lot_id)
                assert lot is not None
                doc = RenderedLabel(build_label(config, station.lots, lot), job_id=lot_id)
                render(doc)
                times.append((time.perf_counter() - start) * 1000)
            median = statistics.median(times)
            print(
                f"  {name:<22}{median:>10.2f}{percentile(times, 0.95):>9.2f}"
                f"   (+{median - base:.2f} over allocating)"
            )
        start = time.perf_counter()
        for _ in range(args.batch):
            lot_id = allocate()
            lot = station.lots.lot(lot_id)
            assert lot is not None
            RenderedLabel(build_label(config, station.lots, lot), job_id=lot_id).zpl()
        elapsed = time.perf_counter() - start
        print(
            f"batch of {args.batch} ZPL labels: {args.batch / elapsed:.0f} labels/s "
            f"({elapsed:.1f} s)"
        )
        print("targets (issue 13): ZPL < 3 ms per label, PNG < 10 ms per label (median)")
        station.close()


if __name__ == "__main__":
    main()
