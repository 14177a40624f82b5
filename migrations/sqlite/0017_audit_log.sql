-- The audit trail (issue 10): who did what to which record, when, appended in the transaction
-- of the change, on a hash chain (lingkaran_domain::audit) that `lingkaran audit verify`
-- walks. Ids are given out by `audit_head`, not by a sequence, so they run 1, 2, 3 without
-- gaps (a rolled-back transaction gives its id back) and a gap means a deleted entry.
--
-- `at` is the RFC 3339 text the hash covers, byte for byte; `detail` never holds a whole NIK
-- or phone number (the personal-data gate writes a blind index or a mask instead).
CREATE TABLE audit_log (
    id          BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL
);
CREATE INDEX audit_log_record ON audit_log (record_kind, record_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);

-- One row: the last id and hash. Appending updates it first, which takes the write lock, so
-- two appends never chain from the same head.
CREATE TABLE audit_head (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    last_id   BIGINT NOT NULL,
    last_hash BLOB NOT NULL
);
INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, 0, zeroblob(32));

-- Append-only: an entry is never changed or removed, by the service or by anyone with SQL.
-- (Dropping these triggers is possible for the database's owner; the chain catches what is
-- done then.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries are never changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries are never deleted');
END;
