-- Coverage through time (issue 4). Whether the public page may name a donor: companies,
-- governments and institutions are named by default (their CSR is public); an individual
-- is not, unless they say so.
ALTER TABLE donors ADD COLUMN public_name BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE donors SET public_name = TRUE WHERE kind <> 'individual';

-- The monthly cycle: a month's contributions move from each donation's escrow to the
-- payables (one transfer per donation, programme and month), are written to one remittance
-- file per programme, and are paid to BPJS Ketenagakerjaan (one transfer per programme and
-- month). Every step is keyed, so a run killed half-way and run again does only the rest.
CREATE TABLE remittances (
    id         INTEGER PRIMARY KEY,
    month      BIGINT NOT NULL,              -- yyyymm
    programme  TEXT NOT NULL CHECK (programme IN ('JKK', 'JKM')),
    lines      BIGINT NOT NULL,              -- worker-months in the file
    total      BIGINT NOT NULL,
    file       TEXT NOT NULL,                -- where the remittance file was written
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (month, programme)
);
INSERT INTO ledger_accounts (code, no_overdraft) VALUES ('remitted', FALSE)
ON CONFLICT (code) DO NOTHING;

-- The insurer's answer for each remitted worker-month and programme: accepted with the
-- participant number (KPJ), or rejected with a reason. A rejected month's contribution comes
-- back to the donor's credit (one ledger transfer, keyed), and the month no longer counts
-- as protection.
CREATE TABLE confirmations (
    month       BIGINT NOT NULL,             -- yyyymm
    programme   TEXT NOT NULL CHECK (programme IN ('JKK', 'JKM')),
    worker_id   BIGINT NOT NULL REFERENCES workers (id),
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    status      TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    kpj         TEXT,
    reason      TEXT,
    amount      BIGINT NOT NULL,             -- the contribution this line is about
    created_at  TEXT NOT NULL,
    PRIMARY KEY (month, programme, worker_id)
);
CREATE INDEX confirmations_rejected ON confirmations (status, month);
ALTER TABLE workers ADD COLUMN kpj TEXT;
