-- What each receipt, declared loss and release counts for the site's claims, per product group
-- (station.domain.claims.entries): the claims and mass-balance reports read monthly
-- sums of these rows instead of the whole log. Quantities are in millionths of the
-- group's unit (a manifest quantity has at most 6 decimals), so SUM is exact.
CREATE TABLE claim_entries (
    seq INTEGER NOT NULL,
    unit_id TEXT,
    group_name TEXT NOT NULL,
    month TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'loss')),
    category TEXT NOT NULL,
    quantity_micro INTEGER NOT NULL,
    certified_micro INTEGER NOT NULL,
    pending INTEGER NOT NULL DEFAULT 0,
    released_seq INTEGER
);

CREATE INDEX claim_entries_counted ON claim_entries (group_name, month) WHERE pending = 0;
CREATE INDEX claim_entries_pending ON claim_entries (unit_id) WHERE pending = 1;

-- The same entries summed per group, month, direction and category as they are
-- counted, so a report reads a few dozen rows whatever the length of the log.
CREATE TABLE claim_months (
    group_name TEXT NOT NULL,
    month TEXT NOT NULL,
    direction TEXT NOT NULL,
    category TEXT NOT NULL,
    quantity_micro INTEGER NOT NULL,
    certified_micro INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (group_name, month, direction, category)
);
