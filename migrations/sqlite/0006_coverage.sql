-- Coverage through time (issue 4). Whether the public page may name a donor: companies,
-- governments and institutions are named by default (their CSR is public); an individual
-- is not, unless they say so.
ALTER TABLE donors ADD COLUMN public_name BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE donors SET public_name = TRUE WHERE kind <> 'individual';
