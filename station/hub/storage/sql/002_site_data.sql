-- Site data served down to stations (issue 11): manifests, roster and risk rules.
-- Every change takes the next number of its site's change counter (site_changes), so a
-- station asks for what changed after the last number it saw (?after=cursor).

CREATE TABLE site_changes (
    site        TEXT PRIMARY KEY,
    last_cursor BIGINT NOT NULL
);

-- The latest version of each manifest (inbound shipment or outbound order), in the
-- canonical JSON form stations read.
CREATE TABLE site_manifests (
    site             TEXT NOT NULL,
    direction        TEXT NOT NULL,
    shipment_id      TEXT NOT NULL,
    change_cursor    BIGINT NOT NULL,
    body             TEXT NOT NULL,
    updated_us       BIGINT NOT NULL,
    PRIMARY KEY (site, direction, shipment_id)
);
CREATE INDEX site_manifests_changes ON site_manifests (site, change_cursor);

-- The roster and the risk rules of a site, one document each.
CREATE TABLE site_documents (
    site          TEXT NOT NULL,
    name          TEXT NOT NULL CHECK (name IN ('roster', 'risk')),
    change_cursor BIGINT NOT NULL,
    body          TEXT NOT NULL,
    updated_us    BIGINT NOT NULL,
    PRIMARY KEY (site, name)
)
