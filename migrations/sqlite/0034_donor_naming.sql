-- How a donor is named (issue 14 §3): three separate choices, each the donor's own (set on
-- /akun or PUT /api/v1/donors/{id}/preferences, recorded in the audit trail).
--   * `public_name` (migration 0006) stays what it was: whether the public pages
--     (/transparansi, /verifikasi, a worker's /perlindungan) may name the donor, or say
--     "donatur anonim". Staff always know who the donor is.
--   * `receipt_name`: the name printed on the donor's receipts (the PDF and the receipt's
--     page) and, when the donor is named publicly, on /verifikasi. NULL: the registered
--     `name`. Trimmed, 1 to 200 characters, no control characters
--     (lingkaran_domain::donor::parse_receipt_name says it first, in words).
--   * `show_total`: whether /transparansi lists the donor with its amount. FALSE: its funded
--     donations still count in every national total, and in the donor table they are summed
--     into the anonymous line of its kind, so that the table still adds up.
-- The defaults keep what every donor had before: its registered name on receipts, and its
-- total listed when it is named publicly.
ALTER TABLE donors ADD COLUMN receipt_name TEXT
    CHECK (receipt_name IS NULL OR length(receipt_name) BETWEEN 1 AND 200);
ALTER TABLE donors ADD COLUMN show_total BOOLEAN NOT NULL DEFAULT TRUE;
