-- Whole NIKs and phone numbers sealed at rest (issue 10 §2; src/privacy/keys.rs seals,
-- src/db/sealed.rs stores). A sealed value is bytes: the format (1), the id of the key that
-- sealed it (2 bytes), a random 24-byte nonce and the XChaCha20-Poly1305 ciphertext, bound
-- to what the value is (a NIK, a phone, free text). The keys are in the key file, never here.
--
-- workers: the unique NIK column becomes the NIK's blind index (HMAC-SHA-256, 32 bytes), so
-- workers_nik_key keeps one worker per NIK and an exact look-up stays an index probe; `nik`
-- holds the sealed NIK and `phone` the sealed phone. Possible duplicates need no NIK: they
-- use name_key, birth_date, regency_code. Older rows' text becomes its UTF-8 bytes here and
-- is sealed by the program (below).
ALTER TABLE workers RENAME COLUMN nik TO nik_index;
ALTER TABLE workers ALTER COLUMN nik_index TYPE BYTEA USING convert_to(nik_index, 'UTF8');
ALTER TABLE workers ADD COLUMN nik BYTEA;
ALTER TABLE workers ALTER COLUMN phone TYPE BYTEA USING convert_to(phone, 'UTF8');

-- The insurer's list of active participants, keyed by the NIK's blind index.
ALTER TABLE covered_niks RENAME COLUMN nik TO nik_index;
ALTER TABLE covered_niks ALTER COLUMN nik_index TYPE BYTEA USING convert_to(nik_index, 'UTF8');

-- Sealed in place as free text that may carry a NIK or a phone: import_errors.value (every
-- value: a clerk's cell may hold a NIK in any column) and its message_id and message_en
-- (a message may quote the cell), outbox.recipient and outbox.body,
-- idempotency_keys.body (a kept answer may list NIKs), donations.request (a named donation
-- lists NIKs).
ALTER TABLE import_errors ALTER COLUMN value TYPE BYTEA USING convert_to(value, 'UTF8');
ALTER TABLE import_errors ALTER COLUMN message_id TYPE BYTEA USING convert_to(message_id, 'UTF8');
ALTER TABLE import_errors ALTER COLUMN message_en TYPE BYTEA USING convert_to(message_en, 'UTF8');
ALTER TABLE outbox ALTER COLUMN recipient TYPE BYTEA USING convert_to(recipient, 'UTF8');
ALTER TABLE outbox ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
ALTER TABLE idempotency_keys ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
ALTER TABLE donations ALTER COLUMN request TYPE BYTEA USING convert_to(request, 'UTF8');

-- Rows written before this migration are still plain text: the program, which has the keys,
-- seals them the first time it opens the database (db::sealed::seal_plain: resumable, a
-- row at a time in batches; this marker row is deleted once nothing plain is left).
CREATE TABLE plain_text_left (
    id BIGINT PRIMARY KEY
);
INSERT INTO plain_text_left (id) VALUES (1);
