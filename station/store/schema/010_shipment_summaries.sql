-- What a document scan, the shipment list and the receiving counters need, kept by
-- triggers so that none of them parses a manifest or counts a shipment's units.

-- One row per shipment: read from the stored manifest once, when it is imported.
CREATE TABLE shipment_summaries (
    shipment_id TEXT PRIMARY KEY,
    seller TEXT,
    units INTEGER NOT NULL,
    seals TEXT NOT NULL  -- JSON array, in the manifest's order
);
CREATE TRIGGER shipment_summary_insert AFTER INSERT ON shipments BEGIN
    INSERT OR REPLACE INTO shipment_summaries (shipment_id, seller, units, seals) VALUES (
        NEW.shipment_id,
        json_extract(NEW.manifest, '$.seller.name'),
        coalesce(json_array_length(NEW.manifest, '$.units'), 0),
        coalesce(json_extract(NEW.manifest, '$.seals'), '[]')
    );
END;
CREATE TRIGGER shipment_summary_update AFTER UPDATE OF manifest ON shipments
WHEN NEW.manifest != '' BEGIN
    INSERT OR REPLACE INTO shipment_summaries (shipment_id, seller, units, seals) VALUES (
        NEW.shipment_id,
        json_extract(NEW.manifest, '$.seller.name'),
        coalesce(json_array_length(NEW.manifest, '$.units'), 0),
        coalesce(json_extract(NEW.manifest, '$.seals'), '[]')
    );
END;
CREATE TRIGGER shipment_summary_delete AFTER DELETE ON shipments BEGIN
    DELETE FROM shipment_summaries WHERE shipment_id = OLD.shipment_id;
    DELETE FROM shipment_manifests WHERE shipment_id = OLD.shipment_id;
END;
INSERT INTO shipment_summaries (shipment_id, seller, units, seals)
    SELECT shipment_id,
        json_extract(manifest, '$.seller.name'),
        coalesce(json_array_length(manifest, '$.units'), 0),
        coalesce(json_extract(manifest, '$.seals'), '[]')
    FROM shipments;

-- The manifest text in a table of its own: a shipment's row is updated when its
-- receipt opens or closes, and SQLite rewrites a whole row, megabytes of JSON included.
CREATE TABLE shipment_manifests (
    shipment_id TEXT PRIMARY KEY,
    manifest TEXT NOT NULL
);
CREATE TRIGGER shipment_manifest_move AFTER INSERT ON shipments
WHEN NEW.manifest != '' BEGIN
    INSERT OR REPLACE INTO shipment_manifests (shipment_id, manifest)
        VALUES (NEW.shipment_id, NEW.manifest);
    UPDATE shipments SET manifest = '' WHERE shipment_id = NEW.shipment_id;
END;
CREATE TRIGGER shipment_manifest_update AFTER UPDATE OF manifest ON shipments
WHEN NEW.manifest != '' BEGIN
    INSERT OR REPLACE INTO shipment_manifests (shipment_id, manifest)
        VALUES (NEW.shipment_id, NEW.manifest);
    UPDATE shipments SET manifest = '' WHERE shipment_id = NEW.shipment_id;
END;
INSERT INTO shipment_manifests (shipment_id, manifest)
    SELECT shipment_id, manifest FROM shipments WHERE manifest != '';
UPDATE shipments SET manifest = '' WHERE manifest != '';

-- Per shipment: expected units, those of them no longer waiting, units on hold,
-- units received that no manifest expected. Every change to `units` adjusts them.
CREATE TABLE unit_tallies (
    shipment_id TEXT PRIMARY KEY,
    expected INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    held INTEGER NOT NULL DEFAULT 0,
    unexpected INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER unit_tally_insert AFTER INSERT ON units BEGIN
    INSERT INTO unit_tallies (shipment_id, expected, done, held, unexpected) VALUES (
        NEW.shipment_id,
        NEW.expected = 1,
        NEW.expected = 1 AND NEW.status != 'expected',
        NEW.status = 'quarantined',
        NEW.expected = 0
    ) ON CONFLICT (shipment_id) DO UPDATE SET
        expected = expected + excluded.expected,
        done = done + excluded.done,
        held = held + excluded.held,
        unexpected = unexpected + excluded.unexpected;
END;
CREATE TRIGGER unit_tally_delete AFTER DELETE ON units BEGIN
    UPDATE unit_tallies SET
        expected = expected - (OLD.expected = 1),
        done = done - (OLD.expected = 1 AND OLD.status != 'expected'),
        held = held - (OLD.status = 'quarantined'),
        unexpected = unexpected - (OLD.expected = 0)
    WHERE shipment_id = OLD.shipment_id;
END;
CREATE TRIGGER unit_tally_update AFTER UPDATE OF shipment_id, expected, status ON units BEGIN
    UPDATE unit_tallies SET
        expected = expected - (OLD.expected = 1),
        done = done - (OLD.expected = 1 AND OLD.status != 'expected'),
        held = held - (OLD.status = 'quarantined'),
        unexpected = unexpected - (OLD.expected = 0)
    WHERE shipment_id = OLD.shipment_id;
    INSERT INTO unit_tallies (shipment_id, expected, done, held, unexpected) VALUES (
        NEW.shipment_id,
        NEW.expected = 1,
        NEW.expected = 1 AND NEW.status != 'expected',
        NEW.status = 'quarantined',
        NEW.expected = 0
    ) ON CONFLICT (shipment_id) DO UPDATE SET
        expected = expected + excluded.expected,
        done = done + excluded.done,
        held = held + excluded.held,
        unexpected = unexpected + excluded.unexpected;
END;
INSERT INTO unit_tallies (shipment_id, expected, done, held, unexpected)
    SELECT shipment_id,
        count(*) FILTER (WHERE expected = 1),
        count(*) FILTER (WHERE expected = 1 AND status != 'expected'),
        count(*) FILTER (WHERE status = 'quarantined'),
        count(*) FILTER (WHERE expected = 0)
    FROM units GROUP BY shipment_id;
