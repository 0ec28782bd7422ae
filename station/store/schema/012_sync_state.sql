-- The sync worker's state (station.sync.state). The outbox is not a table: it is the
-- suffix of the event log after the head the hub acknowledged (acked_seq, acked_hash),
-- which is also kept here as a second anchor of the log, off the chain itself.
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    acked_seq INTEGER NOT NULL DEFAULT 0,
    acked_hash TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    acked_at TEXT,
    online INTEGER,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error TEXT,
    refused_reason TEXT,
    refused_detail TEXT,
    refused_at TEXT
);
INSERT INTO sync_state (id) VALUES (1);

-- Site data pulled from the hub: per resource the validators of the last answer (ETag,
-- change cursor) and, for the roster and the risk rules, the copy the station applies.
CREATE TABLE sync_pulls (
    resource TEXT PRIMARY KEY,
    etag TEXT,
    cursor TEXT,
    digest TEXT,
    body TEXT,
    pulled_at TEXT NOT NULL
);
