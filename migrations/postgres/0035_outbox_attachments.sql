-- An e-mail's one attachment (issue 14 §2): a receipt's PDF sent when it is issued, or a
-- document a donor asked to have sent to their own address. A receipt carries the donor's
-- name, address and NPWP, so the bytes are sealed like the message's body (db::sealed, kind
-- text, as bytes); the name, type and size are not personal and stay plain, so the officers'
-- list shows them without opening anything. A message has at most one (the key is the
-- message's id); SMS messages have none.
--
-- The bounds repeat lingkaran_domain::attachment: at most 5 MB (5242880 bytes), a name of
-- safe characters of at most 100, a PDF, an XLSX or a CSV file.
CREATE TABLE outbox_attachments (
    message_id   BIGINT PRIMARY KEY REFERENCES outbox (id),
    file_name    TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 100),
    content_type TEXT NOT NULL CHECK (content_type IN (
        'application/pdf',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'text/csv')),
    size         BIGINT NOT NULL CHECK (size BETWEEN 1 AND 5242880),
    content      BYTEA NOT NULL
);

-- A donor may have at most so many documents sent a day (usecase::documents): their
-- messages are counted by the start of their key (`document:<donor>:<day>:`), which this
-- index answers (`LIKE 'prefix%'`; the unique index's collation cannot). SQLite answers the
-- same count with `GLOB` on its unique index, which is binary already.
CREATE INDEX outbox_key_prefix ON outbox (dedupe_key text_pattern_ops);
