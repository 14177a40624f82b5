-- Lingkaran's registry schema (SQLite). The PostgreSQL twin is migrations/postgres/0001_registry.sql;
-- the two must say the same thing. Integers are BIGINT so both stores decode them as i64.

-- Kemendagri regions, all four levels (loaded at migrate time from data/regions.csv).
CREATE TABLE regions (
    code   TEXT PRIMARY KEY,            -- '35', '35.25', '35.25.01', '35.25.01.2001'
    name   TEXT NOT NULL,
    level  BIGINT NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent TEXT                         -- NULL for provinces
);
CREATE INDEX regions_parent ON regions (parent);

-- Proposing organisations: a village office, a fishers' association, a labour office.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,          -- desa, asosiasi, disnaker, lainnya
    region_code TEXT NOT NULL REFERENCES regions (code),  -- the proposer's scope
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    full_name       TEXT NOT NULL,
    password_hash   TEXT NOT NULL,      -- argon2id PHC string
    role            TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'proposer', 'donor', 'viewer')),
    organisation_id BIGINT REFERENCES organisations (id),
    created_at      TEXT NOT NULL,
    CHECK (role <> 'proposer' OR organisation_id IS NOT NULL)
);

-- Region scopes of officers and viewers (a proposer's scope is its organisation's region).
CREATE TABLE user_regions (
    user_id     BIGINT NOT NULL REFERENCES users (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (user_id, region_code)
);

-- Browser sessions. Only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Bearer tokens for integrations and scripts. Only the SHA-256 is stored.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Programme settings. Eligibility is a setting because no legal age limit was found.
CREATE TABLE programmes (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    min_age    BIGINT NOT NULL DEFAULT 15,
    max_age    BIGINT,
    updated_at TEXT NOT NULL
);

-- One upload of a list. Unique per organisation and content: the same file twice is one import.
CREATE TABLE imports (
    id                  INTEGER PRIMARY KEY,
    organisation_id     BIGINT NOT NULL REFERENCES organisations (id),
    uploaded_by         BIGINT NOT NULL REFERENCES users (id),
    file_name           TEXT NOT NULL,
    content_hash        TEXT NOT NULL,  -- SHA-256 of the bytes uploaded
    status              TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    rows_total          BIGINT NOT NULL DEFAULT 0,
    accepted            BIGINT NOT NULL DEFAULT 0,
    rejected            BIGINT NOT NULL DEFAULT 0,
    duplicates          BIGINT NOT NULL DEFAULT 0,
    possible_duplicates BIGINT NOT NULL DEFAULT 0,
    notice              TEXT,           -- file-level note (Latin-1 read, delimiter) or failure
    created_at          TEXT NOT NULL,
    finished_at         TEXT,
    UNIQUE (organisation_id, content_hash)
);

-- Every bad row of an import, one line per problem, so a clerk can fix just those.
CREATE TABLE import_errors (
    import_id   BIGINT NOT NULL REFERENCES imports (id),
    line        BIGINT NOT NULL,        -- 1-based line in the file (the header is line 1)
    column_name TEXT NOT NULL,
    value       TEXT NOT NULL,
    code        TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    message_en  TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('error', 'warning'))  -- warning: stored but flagged
);
CREATE INDEX import_errors_import ON import_errors (import_id, line);

-- The registry. One person, one record: the NIK is unique.
CREATE TABLE workers (
    id                    INTEGER PRIMARY KEY,
    nik                   TEXT NOT NULL,
    full_name             TEXT NOT NULL,
    name_key              TEXT NOT NULL,  -- normalised name, for possible-duplicate checks
    sex                   TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date            TEXT NOT NULL,
    village_code          TEXT NOT NULL REFERENCES regions (code),
    regency_code          TEXT NOT NULL,  -- kept at hand for scope, partitioning and sharding
    phone                 TEXT,
    occupation            TEXT NOT NULL,
    income                BIGINT NOT NULL CHECK (income > 0),  -- declared monthly, whole rupiah
    decile                BIGINT CHECK (decile BETWEEN 1 AND 10),
    organisation_id       BIGINT NOT NULL REFERENCES organisations (id),
    proposed_by           BIGINT NOT NULL REFERENCES users (id),
    import_id             BIGINT REFERENCES imports (id),
    status                TEXT NOT NULL,
    status_reason         TEXT,
    flag                  TEXT,           -- 'possible_duplicate' until an officer decides
    possible_duplicate_of BIGINT REFERENCES workers (id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CONSTRAINT workers_nik_key UNIQUE (nik)
);
CREATE INDEX workers_duplicate_key ON workers (name_key, birth_date, regency_code);
CREATE INDEX workers_queue ON workers (status, village_code);
CREATE INDEX workers_regency ON workers (regency_code, status);
CREATE INDEX workers_import ON workers (import_id);

-- Who changed a worker's status, when and why. Append-only.
CREATE TABLE worker_events (
    id          INTEGER PRIMARY KEY,
    worker_id   BIGINT NOT NULL REFERENCES workers (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    action      TEXT NOT NULL,            -- verify, reject, merge, distinct, ...
    reason      TEXT,
    actor_id    BIGINT NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL
);
CREATE INDEX worker_events_worker ON worker_events (worker_id);

-- The insurer's list of NIKs that are already active participants: refused as already_covered.
CREATE TABLE covered_niks (
    nik         TEXT PRIMARY KEY,
    imported_by BIGINT NOT NULL REFERENCES users (id),
    imported_at TEXT NOT NULL
);
