-- Money is bounded (issue 9): no transfer and no cached balance goes beyond Rp 10^15, the
-- bound of the `Rupiah` type. The ledger's rule book already refuses such a transfer
-- (`Refusal::AmountExceedsLimit`, `Overflows*`); these triggers are the store's own net under
-- it, so that no other writer can mint either. SQLite cannot add a CHECK to a table, hence
-- triggers; rows written before the bound are left for `lingkaran ledger check` to report.
CREATE TRIGGER ledger_transfers_amount_bound BEFORE INSERT ON ledger_transfers
WHEN NEW.amount > 1000000000000000
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers: amount beyond Rp 10^15');
END;
CREATE TRIGGER ledger_accounts_bound BEFORE UPDATE ON ledger_accounts
WHEN NEW.debits_posted < 0 OR NEW.credits_posted < 0
  OR NEW.debits_posted > 1000000000000000 - NEW.debits_pending
  OR NEW.credits_posted > 1000000000000000 - NEW.credits_pending
BEGIN
    SELECT RAISE(ABORT, 'ledger_accounts: balance beyond Rp 10^15');
END;
