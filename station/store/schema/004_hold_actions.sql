-- Supervisor decisions and notes on holds.
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
