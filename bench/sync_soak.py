"""Soak: kill -9 of a station during its push and of the hub during a capture, many times.

Each round records new events at a real station, starts ``station sync --once`` as a
real process and, once the hub's head for the station moves, kills the station process
(or the hub, which is then restarted) with SIGKILL. At the end one more round must
succeed and the hub must hold exactly the station's EPCIS events, once each, in order,
with the station's chain head. Prints the figures; exits 1 if anything was lost or
doubled. Not part of the tests (tests/sync/worker/test_crash.py runs one of each).

    uv run python bench/sync_soak.py [--kills 20] [--events 300]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.sync.worker.crash import hub_kills, station_kills  # noqa: E402
from tests.sync.worker.support import launch_hub  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20, help="kills of each kind")
    parser.add_argument("--events", type=int, default=300, help="events recorded per round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="station-sync-soak-") as tmp:
        where = Path(tmp)
        hub = launch_hub(where / "hub")
        try:
            killed = station_kills(hub, where / "station-kills", args.kills, args.events)
            print(killed.line("station kill -9 during push"), flush=True)
            crashed, hub = hub_kills(hub, where / "hub-kills", args.kills, args.events)
            print(crashed.line("hub kill -9 during capture"), flush=True)
        finally:
            hub.stop()
    bad = killed.lost + killed.doubled + crashed.lost + crashed.doubled
    print("OK: nothing lost, nothing doubled" if not bad else "FAILED")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
