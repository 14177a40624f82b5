-- Supplementary remittances (issue 4): money that funds a month after that month's
-- remittance was paid goes to BPJS in a further batch (setoran ke-2, ke-3, …), with its own
-- files and payment, instead of being refused or rewriting a file already sent.
--
-- One row per donation and month remitted: the batch it went in, its contributions, and
-- whether its money came after the month's due date (the 15th). Written in the same
-- transaction as the donation-month's escrow → payable transfers.
CREATE TABLE remittance_items (
    month       BIGINT NOT NULL,             -- yyyymm
    donation_id BIGINT NOT NULL REFERENCES donations (id),
    batch       BIGINT NOT NULL CHECK (batch >= 1),
    jkk         BIGINT NOT NULL,
    jkm         BIGINT NOT NULL,
    late        BOOLEAN NOT NULL,
    PRIMARY KEY (month, donation_id)
);
CREATE INDEX remittance_items_batch ON remittance_items (month, batch);

-- A month's remittance may now have several batches, each with its files.
ALTER TABLE remittances ADD COLUMN batch BIGINT NOT NULL DEFAULT 1;
ALTER TABLE remittances DROP CONSTRAINT remittances_month_programme_key;
ALTER TABLE remittances ADD CONSTRAINT remittances_month_programme_batch_key UNIQUE (month, programme, batch);

-- Months remitted before batches existed were batch 1.
INSERT INTO remittance_items (month, donation_id, batch, jkk, jkm, late)
SELECT m.month, m.donation_id, 1, SUM(m.jkk), SUM(m.jkm), FALSE
FROM worker_months m JOIN donations d ON d.id = m.donation_id
WHERE d.status = 'funded' AND m.month IN (SELECT month FROM remittances)
GROUP BY m.month, m.donation_id;
