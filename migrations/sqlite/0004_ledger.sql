-- The ledger (SQLite), after TigerBeetle. Transfers are append-only: a mistake is
-- corrected by a new transfer, never by UPDATE or DELETE (the trigger refuses both).
-- Account balances are derived from the transfers and cached here; the CHECKs make the
-- store itself refuse an escrow or credit account below zero. `lingkaran ledger check`
-- re-derives every balance from the transfers.
CREATE TABLE ledger_accounts (
    code            TEXT PRIMARY KEY,          -- bank_clearing, donor_credit:12, escrow:7, payable_jkk, …
    no_overdraft    BOOLEAN NOT NULL,          -- debits may never exceed credits (escrow, credit)
    debits_posted   BIGINT NOT NULL DEFAULT 0,
    credits_posted  BIGINT NOT NULL DEFAULT 0,
    debits_pending  BIGINT NOT NULL DEFAULT 0,
    credits_pending BIGINT NOT NULL DEFAULT 0,
    CHECK (NOT no_overdraft OR debits_posted + debits_pending <= credits_posted),
    CHECK (debits_pending >= 0 AND credits_pending >= 0)
);

CREATE TABLE ledger_transfers (
    seq            INTEGER PRIMARY KEY,  -- order applied
    id             TEXT NOT NULL UNIQUE,       -- caller-chosen, 32 hex digits: the idempotency key
    debit_account  TEXT NOT NULL REFERENCES ledger_accounts (code),
    credit_account TEXT NOT NULL REFERENCES ledger_accounts (code),
    amount         BIGINT NOT NULL CHECK (amount > 0),  -- whole rupiah
    phase          TEXT NOT NULL CHECK (phase IN ('single', 'pending', 'post', 'void')),
    pending_id     TEXT UNIQUE REFERENCES ledger_transfers (id),  -- a hold is settled once
    created_at     TEXT NOT NULL,
    CHECK ((phase IN ('post', 'void')) = (pending_id IS NOT NULL))
);

-- Ledger writers take this row first, so batches apply one after another.
CREATE TABLE ledger_lock (
    id BIGINT PRIMARY KEY,
    n  BIGINT NOT NULL
);
INSERT INTO ledger_lock (id, n) VALUES (1, 0);

CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers is append-only: correct a transfer with a new one');
END;
CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers is append-only: correct a transfer with a new one');
END;
