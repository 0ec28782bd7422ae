-- The durable print queue.
CREATE TABLE print_jobs (
    job_id TEXT PRIMARY KEY,
    lot_id TEXT NOT NULL,
    template TEXT NOT NULL,
    printer TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT,
    reprint_of TEXT,
    reason TEXT,
    queued_at TEXT NOT NULL,
    queued_by TEXT
);
CREATE INDEX print_jobs_state ON print_jobs(state);
