//! The outbox: messages to donors and workers, queued in the store and sent by
//! `crate::messages`. A message is queued once (its `dedupe_key` is unique), claimed before it
//! is sent (pending → sending, conditional, so two senders never send one message), and then
//! marked sent, or put back with a later attempt time, or failed for good.

use super::{sealed, Db};
use crate::on_db;
use crate::privacy::{Keyring, Kind};
use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

/// Attempts before a message is given up as `failed` (shown to officers).
pub const MAX_ATTEMPTS: i64 = 6;

/// A claimed `sending` message older than this was interrupted mid-send: whether it went out
/// is unknown, so it is reported, never sent again on its own.
pub const STUCK_AFTER_MINUTES: i64 = 10;

#[derive(Debug, Clone)]
pub struct NewMessage {
    /// What the message is about, unique: the same reminder is queued once.
    pub dedupe_key: String,
    /// `email` or `sms`.
    pub channel: &'static str,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = OutboxMessage)]
pub struct Message {
    pub id: i64,
    pub dedupe_key: String,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message as stored: its recipient (a phone or an e-mail address) and body sealed.
#[derive(FromRow)]
struct Stored {
    id: i64,
    dedupe_key: String,
    channel: String,
    recipient: Vec<u8>,
    subject: Option<String>,
    body: Vec<u8>,
    status: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

impl Stored {
    fn opened(self, keys: &Keyring) -> sqlx::Result<Message> {
        Ok(Message {
            id: self.id,
            dedupe_key: self.dedupe_key,
            channel: self.channel,
            recipient: sealed::open(keys, Kind::Text, &self.recipient)?,
            subject: self.subject,
            body: sealed::open(keys, Kind::Text, &self.body)?,
            status: self.status,
            attempts: self.attempts,
            next_attempt_at: self.next_attempt_at,
            last_error: self.last_error,
            created_at: self.created_at,
            sent_at: self.sent_at,
        })
    }
}

const SELECT_MESSAGE: &str = "SELECT id, dedupe_key, channel, recipient, subject, body, status,
    attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox";

/// Queues a message; `false` when one with the same key is already queued (or sent).
pub async fn enqueue(db: &Db, m: &NewMessage, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let n = on_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO outbox (dedupe_key, channel, recipient, subject, body, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6) ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(&m.dedupe_key)
    .bind(m.channel)
    .bind(db.keys().seal(Kind::Text, &m.recipient))
    .bind(&m.subject)
    .bind(db.keys().seal(Kind::Text, &m.body))
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Claims up to `limit` due messages: each moves pending → sending with its attempt counted,
/// only if it is still pending, so a message is claimed by one sender.
pub async fn claim_due(db: &Db, now: DateTime<Utc>, limit: i64) -> sqlx::Result<Vec<Message>> {
    let ids: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar(
        "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT $2"
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await
    })?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let m: Option<Stored> = on_db!(db, |pool| {
            sqlx::query_as(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2
             WHERE id = $1 AND status = 'pending'
             RETURNING id, dedupe_key, channel, recipient, subject, body, status,
                       attempts, next_attempt_at, last_error, created_at, sent_at"
        )
        .bind(id)
        .bind(now)
        .fetch_optional(pool)
        .await
        })?;
        claimed.extend(m.map(|m| m.opened(db.keys())).transpose()?);
    }
    Ok(claimed)
}

pub async fn mark_sent(db: &Db, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    on_db!(db, |pool| {
        sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1 AND status = 'sending'"
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ())
    })
}

/// A send failed. `retry` puts it back for a later attempt (backing off 1, 2, 4, 8 … minutes)
/// until `MAX_ATTEMPTS`; after that, or when the failure is final (`retry == false`), the
/// message is `failed`.
pub async fn mark_failed(
    db: &Db,
    m: &Message,
    error: &str,
    retry: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let again = retry && m.attempts < MAX_ATTEMPTS;
    let next = now + Duration::minutes(1i64 << (m.attempts - 1).clamp(0, 10));
    on_db!(db, |pool| {
        sqlx::query(
        "UPDATE outbox SET status = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1 AND status = 'sending'"
    )
    .bind(m.id)
    .bind(if again { "pending" } else { "failed" })
    .bind(error)
    .bind(next)
    .execute(pool)
    .await
    .map(|_| ())
    })?;
    Ok(again)
}

/// Messages by status (`None`: all), newest first.
pub async fn list(db: &Db, status: Option<&str>, limit: i64) -> sqlx::Result<Vec<Message>> {
    let rows: Vec<Stored> = on_db!(db, |pool| sqlx::query_as(&format!(
        "{SELECT_MESSAGE} WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2"
    ))
    .bind(status)
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    rows.into_iter().map(|m| m.opened(db.keys())).collect()
}

/// How many messages are in each status, and how many were left `sending` for longer than
/// `STUCK_AFTER_MINUTES` (interrupted; someone must check whether they went out).
pub async fn counts(db: &Db, now: DateTime<Utc>) -> sqlx::Result<(Vec<(String, i64)>, i64)> {
    let by: Vec<(String, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT status, CAST(COUNT(*) AS BIGINT) FROM outbox GROUP BY status ORDER BY status"
    )
    .fetch_all(pool)
    .await)?;
    let stuck: i64 = on_db!(db, |pool| {
        sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE status = 'sending' AND next_attempt_at < $1"
    )
    .bind(now - Duration::minutes(STUCK_AFTER_MINUTES))
    .fetch_one(pool)
    .await
    })?;
    Ok((by, stuck))
}
