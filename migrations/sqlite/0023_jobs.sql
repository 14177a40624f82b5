-- Long work as jobs (issue 11, part 4): imports, the month's cycle, reminders and the outbox
-- run as rows here, claimed with a lease. A runner (`serve` or `lingkaran worker`) takes a due
-- job with `FOR UPDATE SKIP LOCKED`, sets `leased_by` and `lease_until`, and renews the lease
-- while it works; a job whose lease ran out (its server was killed) is claimable again.
-- `key` is unique: one job per (kind, period) — `cycle:2026-12-10`, `outbox:2026-12-10T08:15`,
-- `import:42` — so two servers queue the same work once.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,
    payload     TEXT NOT NULL DEFAULT '{}',
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts    BIGINT NOT NULL DEFAULT 0,
    leased_by   TEXT,
    lease_until TEXT,
    run_after   TEXT NOT NULL,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX jobs_due ON jobs (state, run_after);

-- An uploaded list waiting for its import job, in parts of up to 1 MiB, each sealed (it holds
-- NIKs and phones). Any server can run the job; the parts are deleted when it ends.
CREATE TABLE import_files (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    part      BIGINT NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (import_id, part)
);
