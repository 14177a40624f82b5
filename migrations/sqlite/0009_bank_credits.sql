-- A transfer is booked once, whichever file or format brings it (issue 9 §2, statements).
--
-- Until now a statement line's payment reference was a fingerprint of the line as one file
-- wrote it, so the CSV and the MT940 export of the same transfer, or two overlapping
-- statements, could book the same money twice. A bank credit is now known by what the bank
-- itself says about it: the account it came into, its value date, its amount and the bank's
-- own reference of the transfer. That identity is a unique key, so two uploads running at
-- the same time cannot both claim it.

-- Every credit the bank made into one of the programme's accounts, once. The first statement
-- line that brings it claims it (in the transaction that books or queues the line); a later
-- line with the same identity, from any file or format, is a `duplicate` of it.
CREATE TABLE bank_credits (
    id         INTEGER PRIMARY KEY,
    account    TEXT NOT NULL,                -- normalised: digits and letters, no BIC, no currency
    value_date TEXT NOT NULL,                -- YYYY-MM-DD: MT940 :61: value date; CSV value-date column, else its date
    amount     BIGINT NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
    -- `ref:<bank reference>` (MT940 after `//`, CSV reference column), or without one the
    -- weaker `text:<hash of the description>:<n>`, n counting identical lines of the same file
    bank_key   TEXT NOT NULL,
    line_id    BIGINT NOT NULL REFERENCES statement_lines (id), -- the line that brought it first
    UNIQUE (account, value_date, amount, bank_key)
);

-- The lines table gains the identity's parts and the `duplicate` status; SQLite cannot change
-- a CHECK constraint, so the table is rebuilt (only bank_credits, still empty, references it).
-- status: matched (a new payment), reconciled (money already booked by a callback),
-- unmatched (an officer must decide), resolved (the officer assigned it), ignored,
-- duplicate (the same bank credit was brought by an earlier line: nothing booked).
CREATE TABLE statement_lines_v9 (
    id             INTEGER PRIMARY KEY,
    statement_id   BIGINT NOT NULL REFERENCES bank_statements (id),
    line_no        BIGINT NOT NULL,
    booked_on      TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount > 0),
    reference      TEXT,                     -- the payer's reference (MT940 customer reference, CSV reference)
    description    TEXT NOT NULL,
    va_number      TEXT,
    status         TEXT NOT NULL CHECK (status IN ('matched', 'reconciled', 'unmatched', 'resolved', 'ignored', 'duplicate')),
    payment_id     BIGINT REFERENCES payments (id),
    reason         TEXT,                     -- why it did not match, or the officer's note
    resolved_by    BIGINT REFERENCES users (id),
    resolved_at    TEXT,
    account        TEXT,                     -- NULL on lines read before migration 0009
    value_date     TEXT,
    bank_reference TEXT,
    credit_id      BIGINT REFERENCES bank_credits (id),
    UNIQUE (statement_id, line_no)
);
INSERT INTO statement_lines_v9 (id, statement_id, line_no, booked_on, amount, reference, description,
    va_number, status, payment_id, reason, resolved_by, resolved_at)
SELECT id, statement_id, line_no, booked_on, amount, reference, description,
    va_number, status, payment_id, reason, resolved_by, resolved_at FROM statement_lines;
DROP TABLE statement_lines;
ALTER TABLE statement_lines_v9 RENAME TO statement_lines;
CREATE INDEX statement_lines_status ON statement_lines (status, id);
CREATE INDEX statement_lines_credit ON statement_lines (credit_id);

-- The account the file's lines were counted under when the file named none (a CSV export
-- without an account column): given by the officer, or the only account Lingkaran knew.
ALTER TABLE bank_statements ADD COLUMN account TEXT;

-- Each MT940 statement of an account, for its sequence (:28C:) and balances (:60F:/:62F:):
-- a gap (00012 after 00010), a statement uploaded again, and an opening balance that is not
-- the previous closing balance are shown in the upload's report.
CREATE TABLE account_statements (
    id           INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES bank_statements (id), -- the file
    line_no      BIGINT NOT NULL,            -- its :20: line
    account      TEXT NOT NULL,
    sequence     TEXT,                       -- :28C: as written, 00325/001; NULL when absent
    number       BIGINT,                     -- 325
    page         BIGINT,                     -- 1
    opening_on   TEXT,                       -- YYYY-MM-DD
    opening      BIGINT,                     -- in sen (1/100 rupiah), signed
    closing_on   TEXT,
    closing      BIGINT,
    UNIQUE (statement_id, line_no)
);
CREATE INDEX account_statements_order ON account_statements (account, number, page);

-- What the report said about the file as a whole (gaps, balances, the account assumed, amounts
-- read as whole rupiah), kept so the same file uploaded again gets the same report.
CREATE TABLE statement_notices (
    statement_id BIGINT NOT NULL REFERENCES bank_statements (id),
    seq          BIGINT NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,              -- Indonesian
    message_en   TEXT NOT NULL,
    PRIMARY KEY (statement_id, seq)
);
