"""A second writer for the two-writer tests, run as its own process.

It opens the station the way a library caller would, without the data dir's writer
lock (the lock is tested on its own): this is the case the transactions alone must
keep safe. Usage::

    python writer_child.py scan  DATA CONFIG START_AT FILE   # one scan per line of FILE
    python writer_child.py print DATA CONFIG START_AT URL    # send the due print jobs
    python writer_child.py import DATA CONFIG START_AT FILE  # import one manifest file

It waits until the wall clock reads START_AT, so that both writers run at once, and
prints one JSON line: what it did.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

from station.bootstrap import open_station
from station.config import load_config
from station.domain.scanning.scan import Scan


def main(argv: list[str]) -> int:
    mode, data, config_path, start_at, arg = argv
    config = load_config(Path(config_path))
    if mode == "print":
        config = dataclasses.replace(config, printers=(arg,))
    station = open_station(config, Path(data))
    try:
        time.sleep(max(0.0, float(start_at) - time.time()))
        if mode == "scan":
            station.recorder.login("B-1001", device="child")
            verdicts: dict[str, int] = {}
            for line in Path(arg).read_text(encoding="utf-8").splitlines():
                recorded = station.recorder.handle(Scan(line, device="child"))
                key = recorded.outcome.verdict.value if recorded.durable else "not-recorded"
                verdicts[key] = verdicts.get(key, 0) + 1
            print(json.dumps({"verdicts": verdicts}))
        elif mode == "import":
            result = station.import_files([Path(arg)])
            print(json.dumps({"imported": result.imported, "refused": result.refused}))
        else:
            outcomes = station.printing.process()
            print(json.dumps({"states": [o.state for o in outcomes]}))
    finally:
        station.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
