-- Guards of issue 9: idempotency keys scoped to the user and kept for a day.

-- Idempotency keys are now owned by the authenticated user (`user:<id>`), not by a hash of
-- the raw credential, and answers that issue a credential are never kept. Rows kept before
-- were owned by credential hashes or by "anonymous" (one key shared by every anonymous
-- caller) and may hold issued bearer tokens in plain text: they are dropped.
DELETE FROM idempotency_keys;
-- The once-a-minute job deletes keys older than LINGKARAN_IDEMPOTENCY_HOURS (24) by range.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
