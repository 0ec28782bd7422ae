-- Lots and their genealogy; identifier counters.
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
