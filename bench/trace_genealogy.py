"""Trace benchmark: back and forward through 100,000 lots, 8 levels deep with merges.

Builds a station file whose genealogy has received lots at level 0 and seven levels
of lots made from them (each made lot merges 1-3 parents from the level below), then
times `station.services.trace.trace` (the code behind `station trace` and the TUI tree) back
from random top-level lots and forward from random received lots. The genealogy rows
are bulk-inserted into the projection tables (the shape `lot.transformed` events
produce) so the fill takes seconds; the traced path is the real one. Prints median
and p99 ms. Target: p99 under 50 ms. Not part of the tests.

    uv run python bench/trace_genealogy.py [--lots 100000] [--levels 8] [--samples 500]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from station.bootstrap import open_station  # noqa: E402
from station.config import load_config  # noqa: E402
from station.services.trace import trace  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def build(conn: object, lots: int, levels: int, rng: random.Random) -> list[list[str]]:
    per_level = lots // levels
    tiers: list[list[str]] = []
    lot_rows = []
    link_rows = []
    for level in range(levels):
        ids = [f"L{level}-{i:06d}" for i in range(per_level)]
        tiers.append(ids)
        for lot_id in ids:
            origin = None
            if level == 0:
                origin = json.dumps(
                    {
                        "vendor": f"Vendor {rng.randrange(200)}",
                        "place_of_manufacture": {"country": rng.choice(["VN", "MY", "NO", "DE"])},
                        "date_of_manufacture": "2026-09-14",
                        "shipment_id": f"SHP-{rng.randrange(5000):04d}",
                        "bill_of_lading": "BOL-000001",
                    }
                )
            lot_rows.append(
                (
                    lot_id,
                    "received" if level == 0 else "produced",
                    "09506000134352",
                    "Module",
                    "100",
                    "0",
                    "EA",
                    "available",
                    None,
                    None,
                    origin,
                    "2026-11-23T08:00:00+00:00",
                    "op-ana",
                    "HCM",
                    "DOCK-1",
                    "e",
                )
            )
            if level:
                for parent in rng.sample(tiers[level - 1], rng.choice((1, 1, 2, 3))):
                    link_rows.append((lot_id, parent, "10", "e"))
    c = conn  # sqlite3.Connection
    c.execute("BEGIN")  # type: ignore[attr-defined]
    c.executemany(  # type: ignore[attr-defined]
        "INSERT INTO lots (lot_id, kind, gtin, product, quantity, consumed, uom, status, sscc,"
        " shipment_id, origin, made_at, made_by, site, station_id, event_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lot_rows,
    )
    c.executemany(  # type: ignore[attr-defined]
        "INSERT OR IGNORE INTO lot_links (child, parent, quantity, event_id) VALUES (?, ?, ?, ?)",
        link_rows,
    )
    c.execute("COMMIT")  # type: ignore[attr-defined]
    return tiers


def count(node: object) -> int:
    total, stack = 0, [node]
    while stack:
        n = stack.pop()
        total += 1
        stack.extend(n.children)  # type: ignore[attr-defined]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--levels", type=int, default=8)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    config = load_config(REPO / "config" / "station.example.toml")
    with tempfile.TemporaryDirectory() as tmp:
        station = open_station(config, Path(tmp))
        start = time.perf_counter()
        tiers = build(station.log.connection, args.lots, args.levels, rng)
        print(
            f"built {args.lots:,} lots in {args.levels} levels in "
            f"{time.perf_counter() - start:.1f} s"
        )
        for direction, pool in (("back", tiers[-1]), ("forward", tiers[0])):
            times, sizes = [], []
            for lot_id in rng.sample(pool, args.samples):
                t0 = time.perf_counter()
                node = trace(station.lots, station.view, lot_id, forward=direction == "forward")
                times.append((time.perf_counter() - t0) * 1000)
                sizes.append(count(node))
            print(
                f"trace {direction:<8} median {statistics.median(times):7.2f} ms   "
                f"p99 {percentile(times, 0.99):7.2f} ms   max {max(times):7.2f} ms   "
                f"(median {statistics.median(sizes):.0f} nodes per tree)"
            )
        print("target: p99 < 50 ms")
        station.close()


if __name__ == "__main__":
    main()
