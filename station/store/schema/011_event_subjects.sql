-- Which events name a unit, a lot or a held entity: a report on a few lots reads
-- their events through this index instead of the whole log. Kept by a trigger, so
-- every writer of the log (append, imports, tools) keeps it without knowing of it.
CREATE TABLE event_subjects (
    subject TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (subject, seq)
) WITHOUT ROWID;
CREATE TRIGGER event_subjects_insert AFTER INSERT ON events BEGIN
    INSERT OR IGNORE INTO event_subjects (subject, seq)
        SELECT value, NEW.seq FROM json_tree(NEW.payload)
        WHERE key IN ('unit_id', 'lot_id', 'entity_id') AND type = 'text';
END;
INSERT OR IGNORE INTO event_subjects (subject, seq)
    SELECT j.value, e.seq FROM events e, json_tree(e.payload) j
    WHERE j.key IN ('unit_id', 'lot_id', 'entity_id') AND j.type = 'text';
