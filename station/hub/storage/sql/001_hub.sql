-- The hub's schema, for SQLite and PostgreSQL alike. Words in braces are replaced per
-- dialect by storage/migrate.py: {json} the type of event bodies, {partitioned} the
-- monthly range partitioning of the events (PostgreSQL only).

-- Bearer tokens: only a per-token salt and SHA-256(salt || secret) are kept.
CREATE TABLE hub_tokens (
    token_id    TEXT PRIMARY KEY,
    salt        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('station', 'admin', 'auditor')),
    site        TEXT,
    station_id  TEXT,
    label       TEXT NOT NULL DEFAULT '',
    created_us  BIGINT NOT NULL,
    revoked_us  BIGINT
);

-- The serialisation point of every capture: one row whose update hands out strictly
-- increasing record times and event row ids, so (record_time_us, id) follows commit order
-- and a keyset page never skips an event committed later.
CREATE TABLE hub_clock (
    one         INTEGER PRIMARY KEY CHECK (one = 1),
    last_us     BIGINT NOT NULL,
    last_id     BIGINT NOT NULL
);
INSERT INTO hub_clock (one, last_us, last_id) VALUES (1, 0, 0);

-- The eventID guard, one row per (site, eventID, kind), never partitioned, so a
-- duplicate is caught whatever month its first copy was stored in. An errorDeclaration
-- re-using an eventID is kept beside the original (kind 'errorDeclaration').
CREATE TABLE event_ids (
    site         TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    capture_id   TEXT NOT NULL,
    PRIMARY KEY (site, event_id, kind)
);

CREATE TABLE events (
    id            BIGINT NOT NULL,
    record_time_us BIGINT NOT NULL,
    site          TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    event_time_us BIGINT NOT NULL,
    biz_step      TEXT,
    disposition   TEXT,
    read_point    TEXT,
    biz_location  TEXT,
    station_id    TEXT,
    station_seq   BIGINT,
    capture_id    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    body          {json} NOT NULL,
    PRIMARY KEY (record_time_us, id)
) {partitioned};
CREATE INDEX events_site_keyset ON events (site, record_time_us, id);
CREATE INDEX events_site_event_id ON events (site, event_id);
CREATE INDEX events_site_event_time ON events (site, event_time_us);
CREATE INDEX events_site_biz_step ON events (site, biz_step, record_time_us);
CREATE INDEX events_site_station ON events (site, station_id, record_time_us);

-- Every EPC an event names, by role (epc, child, input, output, parent): MATCH_epc and
-- MATCH_anyEPC, and later the trace across stations, start here.
CREATE TABLE event_epcs (
    site          TEXT NOT NULL,
    epc           TEXT NOT NULL,
    role          TEXT NOT NULL,
    record_time_us BIGINT NOT NULL,
    event_row     BIGINT NOT NULL,
    PRIMARY KEY (epc, site, role, record_time_us, event_row)
);

-- Capture jobs (GET /capture/{captureID}).
CREATE TABLE captures (
    capture_id   TEXT PRIMARY KEY,
    site         TEXT NOT NULL,
    token_id     TEXT NOT NULL,
    behaviour    TEXT NOT NULL,
    created_us   BIGINT NOT NULL,
    finished_us  BIGINT NOT NULL,
    success      INTEGER NOT NULL,
    event_count  INTEGER NOT NULL,
    stored_count INTEGER NOT NULL,
    errors       TEXT NOT NULL
);

-- The off-box anchor: every acknowledged station log entry and each station's head.
CREATE TABLE station_log (
    site        TEXT NOT NULL,
    station_id  TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    event_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    capture_id  TEXT NOT NULL,
    PRIMARY KEY (site, station_id, seq)
);

CREATE TABLE station_heads (
    site        TEXT NOT NULL,
    station_id  TEXT NOT NULL,
    head_seq    BIGINT NOT NULL,
    head_hash   TEXT NOT NULL,
    updated_us  BIGINT NOT NULL,
    PRIMARY KEY (site, station_id)
);
