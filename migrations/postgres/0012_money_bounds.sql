-- Money is bounded (issue 9): no transfer and no cached balance goes beyond Rp 10^15, the
-- bound of the `Rupiah` type. The ledger's rule book already refuses such a transfer
-- (`Refusal::AmountExceedsLimit`, `Overflows*`); these CHECKs are the store's own net under
-- it, so that no other writer can mint either. NOT VALID: rows written before the bound are
-- left for `lingkaran ledger check` to report, rather than blocking the upgrade.
ALTER TABLE ledger_transfers
    ADD CONSTRAINT ledger_transfers_amount_bound CHECK (amount <= 1000000000000000) NOT VALID;
ALTER TABLE ledger_accounts
    ADD CONSTRAINT ledger_accounts_bound CHECK (
        debits_posted >= 0 AND credits_posted >= 0
        AND debits_posted <= 1000000000000000 - debits_pending
        AND credits_posted <= 1000000000000000 - credits_pending
    ) NOT VALID;
