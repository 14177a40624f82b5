-- Receipts (kuitansi) as printed documents (issue 14 §2): every payment, and every donation
-- paid from the donor's credit, gets one receipt with
--   * a number per calendar year without gaps, `KW/2026/000123` (lingkaran_domain::receipt::
--     number): `seq` is taken from `receipt_years` in the transaction that books the payment
--     (db::payments::book_within) or the credit settlement (db::donations::settle), so a
--     booking rolled back gives its number back, and two bookings at once wait for each other
--     on the year's row (PostgreSQL) or the write lock (SQLite);
--   * a verification code, 12 characters of Crockford's base32 (60 random bits), which the
--     public page /verifikasi/CODE and GET /api/v1/public/receipts/CODE look up. It is
--     printed with a QR code; unguessable, so only whoever holds the receipt can check it.
-- The year is that of the payment's day (`paid_on`) or of the day in WIB the credit paid.
--
-- `mailed_at`: when the receipt's e-mail was queued to the donor (db::receipts::queue_mails,
-- run by the outbox job); receipts numbered here for older payments are not e-mailed.

-- The donor's postal address, printed on the receipt when known (a company's, for its books).
ALTER TABLE donors ADD COLUMN address TEXT;

CREATE TABLE receipt_years (
    year BIGINT PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
    last BIGINT NOT NULL CHECK (last > 0)          -- the last seq given out in that year
);

CREATE TABLE receipts (
    id                   INTEGER PRIMARY KEY,
    year                 BIGINT NOT NULL REFERENCES receipt_years (year),
    seq                  BIGINT NOT NULL CHECK (seq > 0),
    code                 TEXT NOT NULL UNIQUE CHECK (length(code) = 12),
    payment_id           BIGINT UNIQUE REFERENCES payments (id),
    credit_settlement_id BIGINT UNIQUE REFERENCES credit_settlements (id),
    donor_id             BIGINT NOT NULL REFERENCES donors (id),
    amount               BIGINT NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
    issued_on            TEXT NOT NULL,         -- YYYY-MM-DD, the day printed; its year is `year`
    created_at           TEXT NOT NULL,
    mailed_at            TEXT,
    UNIQUE (year, seq),
    CHECK ((payment_id IS NULL) <> (credit_settlement_id IS NULL))
);
CREATE INDEX receipts_donor ON receipts (donor_id, id);
CREATE INDEX receipts_unmailed ON receipts (id) WHERE mailed_at IS NULL;

-- Numbers for what was paid before this migration, per year in the order of the day, then
-- the moment it was recorded, then the id.
CREATE TEMPORARY TABLE receipts_backfill AS
SELECT CAST(substr(issued_on, 1, 4) AS BIGINT) AS year,
       row_number() OVER (PARTITION BY substr(issued_on, 1, 4)
                          ORDER BY issued_on, at, payment_id, credit_settlement_id) AS seq,
       payment_id, credit_settlement_id, donor_id, amount, issued_on, at
  FROM (SELECT p.id AS payment_id, CAST(NULL AS BIGINT) AS credit_settlement_id, p.donor_id,
               p.amount, p.paid_on AS issued_on, p.received_at AS at
          FROM payments p
        UNION ALL
        SELECT NULL, s.id, s.donor_id, s.amount, date(s.settled_at, '+7 hours'), s.settled_at
          FROM credit_settlements s) issued;

INSERT INTO receipt_years (year, last)
SELECT year, max(seq) FROM receipts_backfill GROUP BY year;

-- The code: 5 bits of each of 12 calls to SQLite's random(), which draws from SQLite's
-- cryptographic generator (sqlite3_randomness, seeded by the operating system).
INSERT INTO receipts (year, seq, code, payment_id, credit_settlement_id, donor_id, amount,
                      issued_on, created_at, mailed_at)
SELECT year, seq,
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1) ||
       substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (random() & 31) + 1, 1),
       payment_id, credit_settlement_id, donor_id, amount, issued_on, at, at
  FROM receipts_backfill;

DROP TABLE receipts_backfill;
