-- Guards of issue 9.

-- Idempotency keys are now owned by the authenticated user (`user:<id>`), not by a hash of
-- the raw credential, and answers that issue a credential are never kept. Rows kept before
-- were owned by credential hashes or by "anonymous" (one key shared by every anonymous
-- caller) and may hold issued bearer tokens in plain text: they are dropped.
DELETE FROM idempotency_keys;
-- The once-a-minute job deletes keys older than LINGKARAN_IDEMPOTENCY_HOURS (24) by range.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- No hoarding: how many workers and unpaid (held) donations a donor may hold at a time.
-- NULL: the default, which limits only individuals who signed up themselves
-- (LINGKARAN_SELF_DONOR_MAX_WORKERS, 50; LINGKARAN_SELF_DONOR_MAX_HELD, 3). Officers and
-- admins set another limit per donor (PUT /api/v1/donors/{id}/hold-limits).
ALTER TABLE donors ADD COLUMN max_held_workers BIGINT CHECK (max_held_workers >= 0);
ALTER TABLE donors ADD COLUMN max_held_donations BIGINT CHECK (max_held_donations >= 0);

-- A donor may cancel a held donation: its invoice becomes `cancelled` (nothing was paid).
-- SQLite changes a CHECK only by rebuilding the table. Inside the migration's transaction
-- foreign keys cannot be switched off, so they are deferred: dropping `invoices` leaves
-- payments pointing at missing invoices, and putting the same rows back into the new table
-- resolves them before the commit checks.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE invoices_copy AS SELECT * FROM invoices;
DROP TABLE invoices;
CREATE TABLE invoices (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,        -- INV-2026-000123
    va_number   TEXT NOT NULL UNIQUE,
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    donor_id    BIGINT NOT NULL REFERENCES donors (id),
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    paid        BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0),
    status      TEXT NOT NULL CHECK (status IN ('open', 'paid', 'expired', 'cancelled')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    paid_at     TEXT
);
INSERT INTO invoices (id, number, va_number, donation_id, donor_id, amount, paid, status,
    created_at, expires_at, paid_at)
    SELECT id, number, va_number, donation_id, donor_id, amount, paid, status, created_at,
    expires_at, paid_at FROM invoices_copy;
DROP TABLE invoices_copy;
CREATE INDEX invoices_donor ON invoices (donor_id, id);

-- Sign-ups per network address, to throttle mass sign-up (LINGKARAN_SIGNUPS_PER_HOUR).
-- Rows older than an hour are deleted as new ones come.
CREATE TABLE signup_attempts (
    address TEXT NOT NULL,                   -- the peer's IP address
    at      TEXT NOT NULL
);
CREATE INDEX signup_attempts_address ON signup_attempts (address, at);
