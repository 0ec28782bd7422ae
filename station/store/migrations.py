"""Schema migrations for the station's SQLite file, applied in order by version.

Each migration runs once, inside the transaction that bumps ``PRAGMA user_version``,
so a crash mid-migration leaves the file at the previous version.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    # 1: the event log, append-only, hash-chained.
    """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        station_id TEXT NOT NULL,
        operator_id TEXT,
        recorded_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX events_kind ON events(kind);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    """,
    # 2: projections for receiving.
    """
    CREATE TABLE shipments (
        shipment_id TEXT PRIMARY KEY,
        direction TEXT NOT NULL,
        bill_of_lading TEXT,
        asn TEXT,
        status TEXT NOT NULL,
        receipt_id TEXT,
        imported_seq INTEGER NOT NULL,
        -- last: a large manifest spills into overflow pages that reading the
        -- other columns must then not walk.
        manifest TEXT NOT NULL
    );
    CREATE INDEX shipments_bol ON shipments(bill_of_lading);
    CREATE INDEX shipments_asn ON shipments(asn);
    CREATE TABLE shipment_orders (
        shipment_id TEXT NOT NULL REFERENCES shipments(shipment_id),
        purchase_order TEXT NOT NULL,
        PRIMARY KEY (shipment_id, purchase_order)
    );
    CREATE INDEX shipment_orders_po ON shipment_orders(purchase_order);
    CREATE TABLE seals (
        shipment_id TEXT NOT NULL REFERENCES shipments(shipment_id),
        seal TEXT NOT NULL,
        expected INTEGER NOT NULL,
        status TEXT NOT NULL,
        checked_seq INTEGER,
        PRIMARY KEY (shipment_id, seal)
    );
    CREATE TABLE units (
        unit_id TEXT PRIMARY KEY,
        shipment_id TEXT NOT NULL,
        expected INTEGER NOT NULL,
        status TEXT NOT NULL,
        receipt_id TEXT,
        received_seq INTEGER,
        received_at TEXT,
        received_by TEXT,
        findings TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX units_shipment ON units(shipment_id);
    CREATE TABLE unit_keys (
        key TEXT PRIMARY KEY,
        unit_id TEXT NOT NULL REFERENCES units(unit_id)
    );
    CREATE TABLE receipts (
        receipt_id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL,
        status TEXT NOT NULL,
        opened_by TEXT,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        summary TEXT
    );
    CREATE TABLE receipt_actions (
        seq INTEGER PRIMARY KEY,
        receipt_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX receipt_actions_receipt ON receipt_actions(receipt_id);
    CREATE TABLE holds (
        entity_kind TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        shipment_id TEXT,
        findings TEXT NOT NULL,
        since TEXT NOT NULL,
        placed_by TEXT,
        seq INTEGER NOT NULL,
        PRIMARY KEY (entity_kind, entity_id)
    );
    """,
    # 3: indexes the per-scan queries need once a station has history.
    """
    CREATE INDEX shipments_receipt ON shipments(receipt_id);
    CREATE INDEX units_progress ON units(shipment_id, expected, status);
    """,
    # 4: supervisor decisions and notes on holds.
    """
    CREATE TABLE hold_actions (
        seq INTEGER PRIMARY KEY,
        entity_kind TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        action TEXT NOT NULL,
        operator_id TEXT,
        at TEXT NOT NULL,
        text TEXT NOT NULL,
        evidence TEXT
    );
    CREATE INDEX hold_actions_entity ON hold_actions(entity_kind, entity_id);
    """,
    # 5: lots and their genealogy; identifier counters.
    """
    CREATE TABLE lots (
        lot_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        gtin TEXT,
        product TEXT,
        quantity TEXT NOT NULL,
        consumed TEXT NOT NULL DEFAULT '0',
        uom TEXT NOT NULL,
        status TEXT NOT NULL,
        sscc TEXT,
        shipment_id TEXT,
        origin TEXT,
        made_at TEXT NOT NULL,
        made_by TEXT,
        site TEXT,
        station_id TEXT NOT NULL,
        event_id TEXT NOT NULL
    );
    CREATE TABLE lot_links (
        child TEXT NOT NULL,
        parent TEXT NOT NULL,
        quantity TEXT,
        event_id TEXT NOT NULL,
        PRIMARY KEY (child, parent)
    );
    CREATE INDEX lot_links_parent ON lot_links(parent);
    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        next INTEGER NOT NULL
    );
    """,
    # 6: the durable print queue.
    """
    CREATE TABLE print_jobs (
        job_id TEXT PRIMARY KEY,
        lot_id TEXT NOT NULL,
        template TEXT NOT NULL,
        printer TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at TEXT,
        reprint_of TEXT,
        reason TEXT,
        queued_at TEXT NOT NULL,
        queued_by TEXT
    );
    CREATE INDEX print_jobs_state ON print_jobs(state);
    """,
    # 7: releases of outbound orders: units checked, seals applied, completion.
    """
    CREATE TABLE releases (
        release_id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL,
        shipment_id TEXT NOT NULL,
        status TEXT NOT NULL,
        opened_by TEXT,
        opened_at TEXT NOT NULL,
        opened_seq INTEGER NOT NULL,
        bill_of_lading TEXT,
        refusals INTEGER NOT NULL DEFAULT 0,
        last_refusal TEXT,
        completed_at TEXT,
        completed_by TEXT,
        completed_event_id TEXT
    );
    CREATE INDEX releases_station ON releases(station_id, status);
    CREATE INDEX releases_shipment ON releases(shipment_id);
    CREATE TABLE release_units (
        release_id TEXT NOT NULL REFERENCES releases(release_id),
        unit_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        label TEXT NOT NULL,
        ok INTEGER NOT NULL,
        findings TEXT NOT NULL,
        gtin TEXT,
        product TEXT,
        quantity TEXT,
        uom TEXT,
        checked_at TEXT NOT NULL,
        checked_by TEXT,
        PRIMARY KEY (release_id, unit_id)
    );
    CREATE INDEX release_units_unit ON release_units(unit_id);
    CREATE TABLE release_seals (
        release_id TEXT NOT NULL REFERENCES releases(release_id),
        seal TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        applied_by TEXT,
        PRIMARY KEY (release_id, seal)
    );
    """,
)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to the newest version; return that version."""
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    for version, script in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
