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
ALTER TABLE invoices DROP CONSTRAINT invoices_status_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_status_check
    CHECK (status IN ('open', 'paid', 'expired', 'cancelled'));

-- Sign-ups per network address, to throttle mass sign-up (LINGKARAN_SIGNUPS_PER_HOUR).
-- Rows older than an hour are deleted as new ones come.
CREATE TABLE signup_attempts (
    address TEXT NOT NULL,                   -- the peer's IP address
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX signup_attempts_address ON signup_attempts (address, at);
