-- The personal-data gate (issue 10, docs/privacy.md).

-- Named donations are open only to donors an officer has verified. A donor registered by
-- staff was verified by them when they registered it; an individual who signed up alone is
-- not, until an officer verifies it (POST /api/v1/donors/{id}/verify).
ALTER TABLE donors ADD COLUMN verified_by BIGINT REFERENCES users (id);
ALTER TABLE donors ADD COLUMN verified_at TEXT;
UPDATE donors SET verified_by = created_by, verified_at = created_at
 WHERE user_id IS NULL OR user_id <> created_by;

-- Public protection checks per client address, in fixed windows, kept in the store so that
-- several servers share the limit. `window_start` is seconds since 1970 at the start of the
-- window; rows of past windows are deleted as new ones come.
CREATE TABLE check_attempts (
    client       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    attempts     BIGINT NOT NULL,
    PRIMARY KEY (client, window_start)
);
CREATE INDEX check_attempts_window ON check_attempts (window_start);

-- A NIK a proposer sent that another organisation registered: the proposer is told only
-- that it is registered; the officer sees here who sent it for which record. No NIK is
-- kept here: the worker's id names the record.
CREATE TABLE duplicate_submissions (
    id              INTEGER PRIMARY KEY,
    worker_id       BIGINT NOT NULL REFERENCES workers (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    submitted_by    BIGINT NOT NULL REFERENCES users (id),
    import_id       BIGINT REFERENCES imports (id),
    line            BIGINT NOT NULL,
    submitted_at    TEXT NOT NULL
);
CREATE INDEX duplicate_submissions_worker ON duplicate_submissions (worker_id);
