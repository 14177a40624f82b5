-- A donation's invoice is found by `donation_id` on every donation answer, on cancel (inside
-- the write transaction), on paying from credit, on repricing and in a budget line's sum;
-- without this index each was a scan of every invoice ever made (bench/load.sh, issue 11 §6).
CREATE INDEX invoices_donation ON invoices (donation_id);
