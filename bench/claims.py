"""Claims and mass-balance reports over one year of 1,000,000 receipt and sale events.

Builds a station file whose log holds a year of `unit.received` events (each with the
claims receiving records: group, category, certified share) and `release.completed`
events (outbound lines of the groups' output products), bulk-inserted in the shape the
workflows write, then times the code behind `station claims` and `station
mass-balance` on it. The baseline, measured in the same run, is the floor of any
report that reads the log: selecting the same rows and parsing their JSON. Target:
each report under 2 s. Not part of the tests.

    uv run python bench/claims.py [--events 1000000] [--db PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from station.domain.claims.credit_account import Ratio  # noqa: E402
from station.domain.claims.ledger import (  # noqa: E402
    LEDGER_KINDS,
    build_ledger,
    ledger_of_events,
)
from station.domain.claims.product_groups import Method, ProductGroup  # noqa: E402
from station.domain.claims.report import balance_rows, claims_rows  # noqa: E402
from station.domain.claims.settings import ClaimsSettings  # noqa: E402
from station.domain.events import Event, EventKind, StoredEvent  # noqa: E402
from station.store.eventlog import EventLog  # noqa: E402
from station.store.projections.claims import ClaimProjector  # noqa: E402
from station.store.views.claims import SqliteClaimsView  # noqa: E402

GROUPS = {
    "spf": ProductGroup("spf", "SPF sawlogs", "t", {"LUMBER-A": Ratio(2, 1)}, Method.PERCENTAGE,
                        rolling_periods=3, inputs=("09506000134352",)),
    "alder": ProductGroup("alder", "Alder sawlogs", "t", {"ALDER-B": Ratio(4, 1)}, Method.CREDIT,
                          credit_window_months=12, inputs=("09506000134369",)),
}  # fmt: skip
SETTINGS = ClaimsSettings(product_groups=GROUPS)


def build(path: Path, events: int, rng: random.Random) -> None:
    EventLog.open(path).close()  # the schema
    conn = sqlite3.connect(path)
    projector = ClaimProjector()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(days=365) / events
    rows = []
    for seq in range(1, events + 1):
        when = (start + step * seq).isoformat()
        group = "spf" if seq % 3 else "alder"
        if seq % 10:
            share = rng.choice(("1", "0.6", "0"))
            payload = {
                "unit_id": f"U{seq}",
                "shipment_id": f"SHP-{seq // 20}",
                "status": "accepted" if seq % 97 else "quarantined",
                "claims": [{"line": 1, "group": group, "quantity": "10", "uom": "TNE",
                            "category": "certified" if share != "0" else "other",
                            "certified_share": share, "verified": True}],
            }  # fmt: skip
            kind = "unit.received"
        else:
            product = "LUMBER-A" if group == "spf" else "ALDER-B"
            line = {"gtin": None, "product": product, "quantity": 2}
            payload = {"manifest": {"units": [{"contents": [line]}]}, "units": []}
            kind = "release.completed"
        if kind == "release.completed":
            ratio = 2 if group == "spf" else 4
            payload["claims"] = [{"group": group, "input_quantity": str(2 * ratio)}]
        event_id = str(uuid.uuid4())
        rows.append((seq, event_id, kind, "DOCK-1", "OP-1", when,
                     json.dumps(payload, sort_keys=True), "0" * 64, "0" * 64))  # fmt: skip
        # The projection's rows, made by the projector itself.
        event = Event(event_id, EventKind(kind), "DOCK-1", "OP-1",
                      dt.datetime.fromisoformat(when), payload)  # fmt: skip
        projector.apply(conn, StoredEvent(seq, event, "0" * 64, "0" * 64))
        if len(rows) == 50_000:
            _flush(conn, rows)
    _flush(conn, rows)
    conn.close()


def _flush(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    conn.executemany(
        "INSERT INTO events (seq, id, kind, station_id, operator_id, recorded_at, payload,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    rows.clear()


def timed(label: str, run: object) -> float:
    began = time.perf_counter()
    result = run()  # type: ignore[operator]
    took = time.perf_counter() - began
    print(f"{label:<44} {took:7.2f} s  ({result})")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse (or build) the station file here")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "station.sqlite3"
    if not path.exists():
        began = time.perf_counter()
        build(path, args.events, random.Random(7))
        print(f"built {args.events:,} events in {time.perf_counter() - began:.1f} s: {path}")
    log = EventLog.open(path)
    kinds = [k.value for k in LEDGER_KINDS]

    def floor() -> int:
        sql = f"SELECT payload FROM events WHERE kind IN ({','.join('?' * len(kinds))})"
        return sum(1 for (p,) in log.connection.execute(sql, kinds) if json.loads(p))

    view = SqliteClaimsView(log.connection)

    def claims() -> int:
        ledger = build_ledger(view.aggregates(), SETTINGS)
        return len(claims_rows(ledger, dict(GROUPS)))

    def balance() -> int:
        ledger = build_ledger(view.aggregates(), SETTINGS)
        return len(balance_rows(ledger, dict(GROUPS), Decimal("0.02")))

    def from_log() -> int:
        ledger = ledger_of_events(log.events(kinds=LEDGER_KINDS), SETTINGS)
        return len(claims_rows(ledger, dict(GROUPS)))

    print(f"events in the log: {log.count():,}")
    timed("baseline: read + parse the same rows", floor)
    timed("station claims (all groups, all periods)", claims)
    timed("station mass-balance (all groups, all periods)", balance)
    timed("the same claims, walking the log (no projection)", from_log)
    log.close()


if __name__ == "__main__":
    main()
