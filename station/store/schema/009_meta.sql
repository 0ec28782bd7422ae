-- Facts about the database file itself (see station/store/integrity.py): its random
-- id, how its hash chain is computed, from which event payloads are stored canonical.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
