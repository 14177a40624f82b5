//! Stored answers to POSTs that carried an `Idempotency-Key`.

use super::sealed;
use super::Db;
use crate::on_db;
use crate::privacy::Kind;
use chrono::{DateTime, Duration, Utc};

/// What the store knows of a key when a request claims it.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or its first request died long ago): run the request.
    Run,
    /// The first request is still running.
    InProgress,
    /// The key was used for another request (method, path or body differ).
    Mismatch,
    /// The answer to give again: status, content type, body.
    Replay(u16, String, String),
}

/// request_hash, status, content_type, body, created_at
type KeyRow = (
    String,
    Option<i64>,
    Option<String>,
    Option<Vec<u8>>,
    DateTime<Utc>,
);

/// A first request that left no answer for this long is taken to have died with its server.
const ABANDONED_AFTER_MINUTES: i64 = 10;

/// Claims `key` for `owner`. A key first used more than `ttl` ago is expired: it is taken
/// over as a new key.
pub async fn claim(
    db: &Db,
    owner: &str,
    key: &str,
    request_hash: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> sqlx::Result<Claim> {
    let inserted = on_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO idempotency_keys (owner, key, request_hash, status, body, content_type, created_at)
         VALUES ($1, $2, $3, NULL, NULL, NULL, $4) ON CONFLICT (owner, key) DO NOTHING"
    )
    .bind(owner)
    .bind(key)
    .bind(request_hash)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    if inserted == 1 {
        return Ok(Claim::Run);
    }
    let row: Option<KeyRow> = on_db!(db, |pool| sqlx::query_as(
        "SELECT request_hash, status, content_type, body, created_at FROM idempotency_keys
             WHERE owner = $1 AND key = $2"
    )
    .bind(owner)
    .bind(key)
    .fetch_optional(pool)
    .await)?;
    let Some((hash, status, content_type, body, created_at)) = row else {
        return Ok(Claim::Run);
    };
    if created_at < now - ttl {
        // Expired: a new key. Only one taker wins the conditional update.
        let n = on_db!(db, |pool| sqlx::query(
            "UPDATE idempotency_keys SET request_hash = $1, status = NULL, content_type = NULL,
             body = NULL, created_at = $2 WHERE owner = $3 AND key = $4 AND created_at = $5"
        )
        .bind(request_hash)
        .bind(now)
        .bind(owner)
        .bind(key)
        .bind(created_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        return Ok(if n == 1 {
            Claim::Run
        } else {
            Claim::InProgress
        });
    }
    if hash != request_hash {
        return Ok(Claim::Mismatch);
    }
    match status {
        Some(s) => Ok(Claim::Replay(
            u16::try_from(s).unwrap_or(500),
            content_type.unwrap_or_else(|| "application/json".into()),
            // Kept sealed: an answer may list NIKs (db::sealed).
            sealed::open_opt(db.keys(), Kind::Text, body.as_deref())?.unwrap_or_default(),
        )),
        None if created_at < now - Duration::minutes(ABANDONED_AFTER_MINUTES) => {
            // Take the abandoned key over; only one taker wins the conditional update.
            let n = on_db!(db, |pool| sqlx::query(
                "UPDATE idempotency_keys SET created_at = $1 WHERE owner = $2 AND key = $3
                 AND status IS NULL AND created_at = $4"
            )
            .bind(now)
            .bind(owner)
            .bind(key)
            .bind(created_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
            Ok(if n == 1 {
                Claim::Run
            } else {
                Claim::InProgress
            })
        }
        None => Ok(Claim::InProgress),
    }
}

/// Keeps the answer for the next request with the same key.
pub async fn finish(
    db: &Db,
    owner: &str,
    key: &str,
    status: u16,
    content_type: &str,
    body: &str,
) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        sqlx::query(
        "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 WHERE owner = $4 AND key = $5"
    )
    .bind(i64::from(status))
    .bind(content_type)
    .bind(db.keys().seal(Kind::Text, body))
    .bind(owner)
    .bind(key)
    .execute(pool)
    .await
    .map(|_| ())
    })
}

/// Forgets a key whose request failed on our side, so that a retry runs again.
pub async fn release(db: &Db, owner: &str, key: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query(
        "DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2"
    )
    .bind(owner)
    .bind(key)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// Deletes the keys first used before `before` (the once-a-minute job). Returns how many.
pub async fn purge(db: &Db, before: DateTime<Utc>) -> sqlx::Result<u64> {
    on_db!(db, |pool| sqlx::query(
        "DELETE FROM idempotency_keys WHERE created_at < $1"
    )
    .bind(before)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
}
