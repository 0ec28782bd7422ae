"""SQLite store: schema migrations, the hash-chained event log, and projections."""
