-- Projections for receiving.
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
