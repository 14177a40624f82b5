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

-- A month's remittance may now have several batches, each with its files (SQLite cannot drop
-- a table's UNIQUE constraint: the table is rebuilt).
CREATE TABLE remittances_batched (
    id         INTEGER PRIMARY KEY,
    month      BIGINT NOT NULL,              -- yyyymm
    programme  TEXT NOT NULL CHECK (programme IN ('JKK', 'JKM')),
    lines      BIGINT NOT NULL,              -- worker-months in the file
    total      BIGINT NOT NULL,
    file       TEXT NOT NULL,                -- where the remittance file was written
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    batch      BIGINT NOT NULL DEFAULT 1,
    UNIQUE (month, programme, batch)
);
INSERT INTO remittances_batched (id, month, programme, lines, total, file, sha256, created_at, batch)
SELECT id, month, programme, lines, total, file, sha256, created_at, 1 FROM remittances;
DROP TABLE remittances;
ALTER TABLE remittances_batched RENAME TO remittances;

-- Months remitted before batches existed were batch 1.
INSERT INTO remittance_items (month, donation_id, batch, jkk, jkm, late)
SELECT m.month, m.donation_id, 1, SUM(m.jkk), SUM(m.jkm), FALSE
FROM worker_months m JOIN donations d ON d.id = m.donation_id
WHERE d.status = 'funded' AND m.month IN (SELECT month FROM remittances)
GROUP BY m.month, m.donation_id;
