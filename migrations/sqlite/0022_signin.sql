-- Sign-in and sessions (issue 11 §1, docs/operations.md "Sign-in and sessions").

-- Failed sign-ins per account and per client address, kept in the store so that several
-- servers share the throttle. `subject` is `account:` and the SHA-256 of the lower-cased
-- username (a typed username is never stored whole), or `address:` and the client address.
-- Times are seconds since 1970. Past `locked_until`, one more attempt is let through; each
-- failure past the free ones doubles the wait. A success clears the account's row.
CREATE TABLE signin_failures (
    subject        TEXT PRIMARY KEY,
    failures       BIGINT NOT NULL,
    last_failed_at BIGINT NOT NULL,
    locked_until   BIGINT NOT NULL
);
CREATE INDEX signin_failures_last ON signin_failures (last_failed_at);

-- A session ends after a while without use (the idle timeout), as well as at its
-- `expires_at`. NULL for sessions started before this migration: their `created_at` counts.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
