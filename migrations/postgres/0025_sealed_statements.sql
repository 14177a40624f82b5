-- More free text sealed at rest (issue 10 §2, after 0018): what a donor types with a bank
-- transfer reaches the statement line's reference and description, and a booked line's
-- description becomes its payment's note, so any of them may carry a NIK or a phone.
-- Sealed like 0018's columns (src/db/sealed.rs, SEALED). The bank's own reference
-- (bank_reference), the virtual-account number and the account stay plain: the bank wrote
-- them, they name no person, and bank credits are matched on them.
ALTER TABLE statement_lines ALTER COLUMN reference TYPE BYTEA USING convert_to(reference, 'UTF8');
ALTER TABLE statement_lines ALTER COLUMN description TYPE BYTEA USING convert_to(description, 'UTF8');
ALTER TABLE payments ALTER COLUMN note TYPE BYTEA USING convert_to(note, 'UTF8');

-- Rows written before are still plain: the program seals them when it next opens the
-- database (db::sealed::seal_plain), as after 0018.
INSERT INTO plain_text_left (id) VALUES (1) ON CONFLICT (id) DO NOTHING;
