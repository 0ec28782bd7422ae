-- Releases of outbound orders: units checked, seals applied, completion.
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
