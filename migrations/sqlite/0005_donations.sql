-- Donations, worker-months, invoices and payments (SQLite).

-- When a worker was verified: the fair order funds the longest wait first.
ALTER TABLE workers ADD COLUMN verified_at TEXT;
UPDATE workers SET verified_at = updated_at WHERE status = 'verified';
-- The last month (yyyymm) any donation holds or funds for the worker, 0 for none. A donation
-- from month M looks only at workers taken through a month before M; kept with every
-- worker-month taken or given back (src/db/months.rs).
ALTER TABLE workers ADD COLUMN taken_through BIGINT NOT NULL DEFAULT 0;
-- The fair order (poorest decile first, unknown last; longest wait; lowest id), so a donation
-- reads candidates in order and stops at its count instead of sorting every verified worker;
-- `taken_through` last, so workers already taken are skipped inside the index.
CREATE INDEX workers_fair_order ON workers (status, (COALESCE(decile, 11)), verified_at, id, taken_through);

-- A donor's choice of workers and months, priced when made. `status`: held (waiting for
-- money), funded (every chosen worker-month that was still free is paid), expired (the hold
-- ran out unpaid; a late payment can still fund it), cancelled.
CREATE TABLE donations (
    id              INTEGER PRIMARY KEY,
    donor_id        BIGINT NOT NULL REFERENCES donors (id),
    budget_line_id  BIGINT REFERENCES budget_lines (id),
    mode            TEXT NOT NULL CHECK (mode IN ('named', 'criteria', 'budget')),
    request         TEXT NOT NULL,           -- the donor's request as JSON, to explain and extend
    start_month     BIGINT NOT NULL,         -- yyyymm
    months          BIGINT NOT NULL CHECK (months BETWEEN 1 AND 12),
    workers         BIGINT NOT NULL,         -- workers chosen
    total           BIGINT NOT NULL CHECK (total >= 0),  -- price of every chosen worker-month
    funded_total    BIGINT NOT NULL DEFAULT 0,           -- what the funded worker-months cost
    status          TEXT NOT NULL CHECK (status IN ('held', 'funded', 'expired', 'cancelled')),
    extends_id      BIGINT REFERENCES donations (id),
    created_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    hold_expires_at TEXT NOT NULL,
    funded_at       TEXT
);
CREATE INDEX donations_donor ON donations (donor_id, id);
CREATE INDEX donations_holds ON donations (status, hold_expires_at);
CREATE INDEX donations_budget_line ON donations (budget_line_id);

-- The workers a donation chose, in the fair order, with the reason for each.
--
-- This table and worker_months carry no foreign keys, on purpose: a 10,000-worker donation
-- writes 10,000 and 120,000 rows, and a key check per row made the insert four times slower
-- (bench/RESULTS.md). Their rows are written only by a donation, from worker and donation ids
-- read in the same transaction; workers and donations are never deleted; and `lingkaran
-- ledger check` names any row whose donation or worker does not exist.
CREATE TABLE donation_workers (
    donation_id BIGINT NOT NULL,
    worker_id   BIGINT NOT NULL,
    rank        BIGINT NOT NULL,
    reason_id   TEXT NOT NULL,
    reason_en   TEXT NOT NULL,
    PRIMARY KEY (donation_id, worker_id)
);
CREATE INDEX donation_workers_worker ON donation_workers (worker_id);

-- One row per worker and month, taken by one donation. The primary key is the guarantee
-- that no worker-month is ever held or funded twice. Whether the month is held or funded is
-- its donation's status (one row to update when the money comes, not 120,000). Rows of a
-- donation whose hold expired unpaid are deleted by the next donation that needs the month.
CREATE TABLE worker_months (
    worker_id   BIGINT NOT NULL,             -- workers (id); no foreign key, see donation_workers
    month       BIGINT NOT NULL,             -- yyyymm
    donation_id BIGINT NOT NULL,             -- donations (id)
    jkk         BIGINT NOT NULL CHECK (jkk >= 0),
    jkm         BIGINT NOT NULL CHECK (jkm >= 0),
    PRIMARY KEY (worker_id, month)
);
CREATE INDEX worker_months_donation ON worker_months (donation_id);

-- What the donor is asked to pay, at a virtual-account number of its own, until it expires.
CREATE TABLE invoices (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,        -- INV-2026-000123
    va_number   TEXT NOT NULL UNIQUE,
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    donor_id    BIGINT NOT NULL REFERENCES donors (id),
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    paid        BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0),
    status      TEXT NOT NULL CHECK (status IN ('open', 'paid', 'expired')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    paid_at     TEXT
);
CREATE INDEX invoices_donor ON invoices (donor_id, id);

-- Money received, whichever way it came. (source, reference) is unique: the provider's
-- transaction id, the bank line's fingerprint or the officer's receipt number, so a retry
-- or a statement read twice never books the same money twice.
CREATE TABLE payments (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL CHECK (source IN ('callback', 'statement', 'manual')),
    reference     TEXT NOT NULL,
    invoice_id    BIGINT REFERENCES invoices (id),
    donor_id      BIGINT NOT NULL REFERENCES donors (id),
    amount        BIGINT NOT NULL CHECK (amount > 0),
    paid_on       TEXT NOT NULL,             -- the day the bank says, YYYY-MM-DD
    channel       TEXT,                      -- VIRTUAL_ACCOUNT_BCA, the bank, …
    evidence_name TEXT,                      -- manual entries: the receipt's file name
    evidence      BLOB,                     -- and its bytes
    recorded_by   BIGINT REFERENCES users (id),
    note          TEXT,
    confirmed_by  TEXT,                      -- the provider transaction that confirmed money a statement booked first
    received_at   TEXT NOT NULL,
    UNIQUE (source, reference)
);
CREATE INDEX payments_donor ON payments (donor_id, id);
CREATE INDEX payments_invoice ON payments (invoice_id);
-- Unique where set; most payments never carry one, and a partial index keeps them out of it.
CREATE UNIQUE INDEX payments_confirmed_by ON payments (confirmed_by) WHERE confirmed_by IS NOT NULL;

-- Bank statements an officer uploaded, and their credit lines.
CREATE TABLE bank_statements (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,        -- the same file twice is the same statement
    filename    TEXT NOT NULL,
    format      TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
);
-- status: matched (a new payment), reconciled (money already booked by a callback),
-- unmatched (an officer must decide), resolved (the officer assigned it), ignored.
CREATE TABLE statement_lines (
    id           INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES bank_statements (id),
    line_no      BIGINT NOT NULL,
    booked_on    TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    reference    TEXT,
    description  TEXT NOT NULL,
    va_number    TEXT,
    status       TEXT NOT NULL CHECK (status IN ('matched', 'reconciled', 'unmatched', 'resolved', 'ignored')),
    payment_id   BIGINT REFERENCES payments (id),
    reason       TEXT,                       -- why it did not match, or the officer's note
    resolved_by  BIGINT REFERENCES users (id),
    resolved_at  TEXT,
    UNIQUE (statement_id, line_no)
);
CREATE INDEX statement_lines_status ON statement_lines (status, id);

-- Responses to POSTs that carried an Idempotency-Key: the same key gets the same answer.
-- `status` is NULL while the first request is still running.
CREATE TABLE idempotency_keys (
    owner        TEXT NOT NULL,              -- who asked: user id, or the session
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,              -- method, path and body: a reused key with another request is refused
    status       BIGINT,
    body         TEXT,
    content_type TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (owner, key)
);

-- Money returned to a donor from their credit; each row is one ledger transfer.
CREATE TABLE refunds (
    id         INTEGER PRIMARY KEY,
    donor_id   BIGINT NOT NULL REFERENCES donors (id),
    amount     BIGINT NOT NULL CHECK (amount > 0),
    reason     TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);

-- Ledger writers no longer queue on one row: each locks only the accounts with a limit that
-- it touches (see src/db/ledger.rs). The accounts without a limit are fixed and exist from
-- here on, so no writer has to create them.
DROP TABLE ledger_lock;
INSERT INTO ledger_accounts (code, no_overdraft) VALUES
    ('bank_clearing', FALSE), ('payable_jkk', FALSE), ('payable_jkm', FALSE), ('refunds', FALSE)
ON CONFLICT (code) DO NOTHING;
