-- A donation's page lists its workers in the fair order a page at a time (issue 14 §1): the
-- page is cut on this index before anything is joined to it, so a page of a 10,000-worker
-- donation reads 100 rows, not 10,000 grouped and sorted.
CREATE INDEX donation_workers_rank ON donation_workers (donation_id, rank);
-- The workers of a donation with a month BPJS refused: the page's filter and its count.
CREATE INDEX confirmations_donation ON confirmations (donation_id, status);
-- A donor's credit history (issue 14 §1) reads the transfers of one account, newest first.
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, seq);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, seq);
