-- After the funded months (issue 4): self-payment, lapse, stopping the months of a worker who
-- died or left, and the reminders that go out before a funded period ends.

-- The monthly cycle writes worker events (mandiri, lapsed, back to the pool) in its own name.
-- Its password hash is no PHC string, so nobody can sign in as it.
INSERT INTO users (username, full_name, password_hash, role, created_at)
VALUES ('_sistem', 'Sistem Lingkaran (siklus bulanan)', '!', 'viewer', CURRENT_TIMESTAMP)
ON CONFLICT (username) DO NOTHING;

-- A month the worker paid alone, recorded by an officer or imported from the insurer's data.
-- One row per worker and month: the same month recorded twice is refused, not doubled.
CREATE TABLE self_payments (
    worker_id   BIGINT NOT NULL REFERENCES workers (id),
    month       BIGINT NOT NULL,             -- yyyymm
    amount      BIGINT NOT NULL CHECK (amount > 0),
    source      TEXT NOT NULL CHECK (source IN ('manual', 'insurer')),
    reference   TEXT,                        -- receipt or insurer reference
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (worker_id, month)
);

-- A worker who died or left: the funded months after that (not yet remitted) stop, and their
-- escrow goes back to the donor's credit, or to the programme pool if the donor chose that.
ALTER TABLE donors ADD COLUMN leftover_to_pool BOOLEAN NOT NULL DEFAULT FALSE;
INSERT INTO ledger_accounts (code, no_overdraft) VALUES ('programme_pool', TRUE)
ON CONFLICT (code) DO NOTHING;
CREATE TABLE worker_stops (
    id          INTEGER PRIMARY KEY,
    worker_id   BIGINT NOT NULL REFERENCES workers (id),
    reason      TEXT NOT NULL CHECK (reason IN ('deceased', 'left')),
    from_month  BIGINT NOT NULL,             -- the first month stopped (yyyymm)
    months      BIGINT NOT NULL,             -- worker-months stopped
    amount      BIGINT NOT NULL,             -- their contributions, returned
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
);
-- The stopped worker-months, moved out of worker_months (so they no longer count as
-- protection) with what they cost, so `ledger check` still finds every funded rupiah.
CREATE TABLE stopped_months (
    stop_id     BIGINT NOT NULL REFERENCES worker_stops (id),
    worker_id   BIGINT NOT NULL,
    month       BIGINT NOT NULL,
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    jkk         BIGINT NOT NULL,
    jkm         BIGINT NOT NULL,
    destination TEXT NOT NULL CHECK (destination IN ('credit', 'pool')),
    PRIMARY KEY (stop_id, month)
);
CREATE INDEX stopped_months_donation ON stopped_months (donation_id);

-- Whom reminders reach: a donor's e-mail address.
ALTER TABLE donors ADD COLUMN email TEXT;

-- Messages to donors and workers. Each has a key made from what it is about (worker, end
-- month, days before, channel), so the same reminder is queued once however often the job
-- runs. A sender claims a message (pending → sending) before it sends, so two senders never
-- send one message; a failure goes back to pending with a later attempt time.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       TEXT NOT NULL,
    subject         TEXT,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
