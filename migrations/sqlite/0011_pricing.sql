-- Contributions as the law says (issue 9 §3, domain.md §2): a worker-month's price depends on
-- the coverage month, the declared income, the payer's funding source and the worker's
-- sector. `lingkaran_domain::pricing::price_month` is the one function that prices it; these
-- tables hold what it reads and what it decided.

-- Relief rules, as data with their legal basis: for coverage months from_month..to_month
-- (inclusive), workers of the listed sectors pay basis_points / 10 000 of each programme's
-- contribution (rounded half up to the rupiah), unless their payer's funding source is
-- excluded. A rule already in force (its first month has begun, in WIB) is never edited or
-- deleted: the triggers below refuse it, whatever the caller. Admins add rules for months to
-- come (`lingkaran rates relief add`, `POST /api/v1/reliefs`).
CREATE TABLE relief_rules (
    id           INTEGER PRIMARY KEY,
    basis        TEXT NOT NULL CHECK (basis <> ''),            -- the regulation, e.g. 'PP 50/2025'
    basis_points BIGINT NOT NULL CHECK (basis_points BETWEEN 0 AND 10000),  -- share to pay: 5000 = 50%
    from_month   BIGINT NOT NULL CHECK (from_month BETWEEN 200001 AND 299912),  -- yyyymm
    to_month     BIGINT NOT NULL CHECK (to_month BETWEEN 200001 AND 299912),
    sectors      TEXT NOT NULL CHECK (sectors <> ''),  -- codes joined by ',': transport, other
    excludes     TEXT NOT NULL,                        -- funding source codes joined by ',' ('' for none)
    note         TEXT,
    created_by   BIGINT REFERENCES users (id),         -- NULL for the rules the migration seeds
    created_at   TEXT NOT NULL,
    CHECK (to_month >= from_month)
);
CREATE TRIGGER relief_rules_in_force_no_update BEFORE UPDATE ON relief_rules
WHEN OLD.from_month <= CAST(strftime('%Y%m', 'now', '+7 hours') AS INTEGER)
BEGIN
    SELECT RAISE(ABORT, 'relief rule in force: a rule whose first month has begun is never edited; add a new rule');
END;
CREATE TRIGGER relief_rules_in_force_no_delete BEFORE DELETE ON relief_rules
WHEN OLD.from_month <= CAST(strftime('%Y%m', 'now', '+7 hours') AS INTEGER)
BEGIN
    SELECT RAISE(ABORT, 'relief rule in force: a rule whose first month has begun is never edited; add a new rule');
END;

-- PP 50/2025 (promulgated 22 December 2025): BPU JKK + JKM halved; APBN and APBD payers
-- excluded; DBHCHT is APBD (see donations.funding_source). Dana Desa: pricing_settings.
INSERT INTO relief_rules (basis, basis_points, from_month, to_month, sectors, excludes, note, created_at)
VALUES ('PP 50/2025', 5000, 202601, 202703, 'transport', 'apbn,apbd',
        'Sektor transportasi (ojek, ojek online, becak, sopir, kurir)', '2025-12-22T00:00:00Z'),
       ('PP 50/2025', 5000, 202604, 202612, 'other', 'apbn,apbd',
        'Sektor lain', '2025-12-22T00:00:00Z');

-- Settings pricing depends on that the law leaves open, one row, kept in the store so every
-- process (serve, the CLI's cycle, the scheduler) prices alike. `lingkaran rates settings`.
--   dana_desa_is_apbn: whether Dana Desa counts as APBN for PP 50/2025's exclusion. Public
--     sources do not say; by default it does (no relief), so nothing less than due is remitted.
--   self_pay_months_back / _ahead: a self-payment's month lies within this window around
--     the month of the day it is recorded.
CREATE TABLE pricing_settings (
    id                    BIGINT PRIMARY KEY CHECK (id = 1),
    dana_desa_is_apbn     BOOLEAN NOT NULL,
    self_pay_months_back  BIGINT NOT NULL CHECK (self_pay_months_back BETWEEN 0 AND 24),
    self_pay_months_ahead BIGINT NOT NULL CHECK (self_pay_months_ahead BETWEEN 0 AND 12)
);
INSERT INTO pricing_settings (id, dana_desa_is_apbn, self_pay_months_back, self_pay_months_ahead)
VALUES (1, TRUE, 3, 1);

-- The worker's sector, derived from the occupation when the worker is stored (transport:
-- ojek, ojek online, becak, sopir, kurir). A change is an officer's decision and keeps its
-- history in worker_sector_changes (append-only, like worker_events).
ALTER TABLE workers ADD COLUMN sector TEXT NOT NULL DEFAULT 'other' CHECK (sector IN ('transport', 'other'));
UPDATE workers SET sector = 'transport' WHERE occupation IN ('ojek', 'ojek_online', 'becak', 'sopir', 'kurir');

CREATE TABLE worker_sector_changes (
    id          INTEGER PRIMARY KEY,
    worker_id   BIGINT NOT NULL REFERENCES workers (id),
    from_sector TEXT NOT NULL,
    to_sector   TEXT NOT NULL CHECK (to_sector IN ('transport', 'other')),
    reason      TEXT NOT NULL,
    actor_id    BIGINT NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL
);
CREATE INDEX worker_sector_changes_worker ON worker_sector_changes (worker_id);

-- Who pays a donation's months, as PP 50/2025 distinguishes payers: a government's budget
-- line's source (DBHCHT counts as apbd; a government without a line, apbd), a company csr,
-- an institution zakat, a person individual. Self-payments are 'self'.
ALTER TABLE donations ADD COLUMN funding_source TEXT NOT NULL DEFAULT 'individual'
    CHECK (funding_source IN ('apbn', 'apbd', 'dana-desa', 'csr', 'zakat', 'individual', 'self'));
UPDATE donations SET funding_source = CASE
    WHEN budget_line_id IS NOT NULL THEN
        (SELECT CASE b.source WHEN 'dana_desa' THEN 'dana-desa' ELSE 'apbd' END
         FROM budget_lines b WHERE b.id = donations.budget_line_id)
    ELSE (SELECT CASE o.kind WHEN 'government' THEN 'apbd' WHEN 'company' THEN 'csr'
                             WHEN 'institution' THEN 'zakat' ELSE 'individual' END
          FROM donors o WHERE o.id = donations.donor_id)
END;

-- A month funded above the price due when it is remitted (a relief that came after the
-- money): the cycle remits what is due and returns the difference to the donor's credit
-- (ledger purpose Repriced, keyed by donation and month). remittance_items.jkk/jkm are what
-- was remitted; repriced_jkk/_jkm what went back, so funded = remitted + repriced.
-- repriced_months holds, for each such worker-month, the contribution remitted (worker_months
-- keeps what was paid, which is what `ledger check` counts against the escrow); the files and
-- a rejected month's refund read it first.
ALTER TABLE remittance_items ADD COLUMN repriced_jkk BIGINT NOT NULL DEFAULT 0 CHECK (repriced_jkk >= 0);
ALTER TABLE remittance_items ADD COLUMN repriced_jkm BIGINT NOT NULL DEFAULT 0 CHECK (repriced_jkm >= 0);
CREATE TABLE repriced_months (
    worker_id   BIGINT NOT NULL,
    month       BIGINT NOT NULL,              -- yyyymm
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    jkk         BIGINT NOT NULL CHECK (jkk >= 0),  -- remitted
    jkm         BIGINT NOT NULL CHECK (jkm >= 0),
    PRIMARY KEY (worker_id, month)
);
