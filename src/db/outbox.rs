//! The outbox: messages to donors and workers, queued in the store and sent by
//! `crate::messages`. A message is queued once (its `dedupe_key` is unique), claimed before it
//! is sent (pending → sending, conditional, so two senders never send one message), and then
//! marked sent, or put back with a later attempt time, or failed for good.
//!
//! An e-mail may carry one attachment (migration 0035, `outbox_attachments`): its bytes are
//! sealed like the body and read back only to be sent ([`attachment`]); a listing carries
//! its name, type and size ([`AttachmentInfo`]), never its bytes.

use super::{sealed, Db, Tx};
use crate::privacy::{Keyring, Kind};
use crate::{on_db, on_tx};
use chrono::{DateTime, Duration, Utc};
pub use lingkaran_domain::attachment::Attachment;
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
    /// One file sent with an e-mail (checked by [`Attachment::new`]: at most 5 MB).
    pub attachment: Option<Attachment>,
}

/// What a listing shows of a message's attachment: never its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = OutboxAttachment)]
pub struct AttachmentInfo {
    /// `kuitansi-KW-2026-000123.pdf`.
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
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
    /// The attached file's name, type and size, if any.
    pub attachment: Option<AttachmentInfo>,
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
    attachment_name: Option<String>,
    attachment_type: Option<String>,
    attachment_size: Option<i64>,
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
            attachment: match (
                self.attachment_name,
                self.attachment_type,
                self.attachment_size,
            ) {
                (Some(file_name), Some(content_type), Some(size)) => Some(AttachmentInfo {
                    file_name,
                    content_type,
                    size,
                }),
                _ => None,
            },
        })
    }
}

/// A message with its attachment's name, type and size (not its bytes).
const SELECT_MESSAGE: &str = "SELECT o.id, o.dedupe_key, o.channel, o.recipient, o.subject,
    o.body, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at,
    a.file_name AS attachment_name, a.content_type AS attachment_type,
    a.size AS attachment_size
    FROM outbox o LEFT JOIN outbox_attachments a ON a.message_id = o.id";

/// Queues a message; `false` when one with the same key is already queued (or sent).
pub async fn enqueue(db: &Db, m: &NewMessage, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let mut tx = db.begin_write().await?;
    let id = enqueue_in(&mut tx, m, now).await?;
    tx.commit().await?;
    Ok(id.is_some())
}

/// Queues a message, with its attachment, in the caller's transaction: its id, or `None`
/// when one with the same key is already queued (or sent).
pub async fn enqueue_in(
    tx: &mut Tx,
    m: &NewMessage,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let (recipient, body) = (
        tx.keys().seal(Kind::Text, &m.recipient),
        tx.keys().seal(Kind::Text, &m.body),
    );
    let id: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO outbox (dedupe_key, channel, recipient, subject, body, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6) ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id"
    )
    .bind(&m.dedupe_key)
    .bind(m.channel)
    .bind(&recipient)
    .bind(&m.subject)
    .bind(&body)
    .bind(now)
    .fetch_optional(c)
    .await
    })?;
    if let (Some(id), Some(a)) = (id, &m.attachment) {
        let content = tx.keys().seal_bytes(Kind::Text, a.bytes());
        let size = i64::try_from(a.size()).unwrap_or(i64::MAX);
        on_tx!(tx, |c| sqlx::query(
            "INSERT INTO outbox_attachments (message_id, file_name, content_type, size, content)
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(a.file_name())
        .bind(a.content_type())
        .bind(size)
        .bind(&content)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    Ok(id)
}

/// What [`enqueue_capped`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capped {
    /// Queued now, with this id.
    Queued(i64),
    /// A message with the same key was queued before (a second click): its id.
    Already(i64),
    /// `cap` messages of the family are queued already: nothing was.
    Full,
}

/// Queues `m` for donor `donor_id` unless a message with its key exists already (its id is
/// answered) or `cap` messages whose key starts with `family` do. The donor's row is locked
/// first (the no-op `UPDATE` that `donations::hold_room` takes too), so two requests at once
/// never both take the last place. In the caller's transaction.
pub async fn enqueue_capped(
    tx: &mut Tx,
    donor_id: i64,
    m: &NewMessage,
    family: &str,
    cap: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Capped> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE donors SET max_held_workers = max_held_workers WHERE id = $1"
    )
    .bind(donor_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    if let Some(id) = id_of(tx, &m.dedupe_key).await? {
        return Ok(Capped::Already(id));
    }
    // A key's start, by the index each store can use for it (migration 0035).
    let (count, pattern) = match tx.kind() {
        "sqlite" => (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE dedupe_key GLOB $1",
            format!("{family}*"),
        ),
        _ => (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE dedupe_key LIKE $1",
            format!("{family}%"),
        ),
    };
    let queued: i64 = on_tx!(tx, |c| sqlx::query_scalar(count)
        .bind(&pattern)
        .fetch_one(c)
        .await)?;
    if queued >= cap {
        return Ok(Capped::Full);
    }
    Ok(match enqueue_in(tx, m, now).await? {
        Some(id) => Capped::Queued(id),
        // Queued meanwhile by a writer that did not take the lock.
        None => id_of(tx, &m.dedupe_key)
            .await?
            .map_or(Capped::Full, Capped::Already),
    })
}

/// The id of the message queued with `key`, if any.
async fn id_of(tx: &mut Tx, key: &str) -> sqlx::Result<Option<i64>> {
    on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM outbox WHERE dedupe_key = $1"
    )
    .bind(key)
    .fetch_optional(c)
    .await)
}

/// The attachment of message `id`, opened, to be sent with it.
pub async fn attachment(db: &Db, id: i64) -> sqlx::Result<Option<Attachment>> {
    let row: Option<(String, String, Vec<u8>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT file_name, content_type, content FROM outbox_attachments WHERE message_id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    let Some((name, content_type, sealed)) = row else {
        return Ok(None);
    };
    let bytes = db
        .keys()
        .open_bytes(Kind::Text, &sealed)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Attachment::new(&name, "lampiran", &content_type, bytes)
        .map(Some)
        .map_err(|p| sqlx::Error::Decode(p.to_string().into()))
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
        let mine: Option<i64> = on_db!(db, |pool| {
            sqlx::query_scalar(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2
                 WHERE id = $1 AND status = 'pending' RETURNING id",
            )
            .bind(id)
            .bind(now)
            .fetch_optional(pool)
            .await
        })?;
        if mine.is_none() {
            continue;
        }
        let m: Option<Stored> = on_db!(db, |pool| sqlx::query_as(&format!(
            "{SELECT_MESSAGE} WHERE o.id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await)?;
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
        "{SELECT_MESSAGE} WHERE ($1 IS NULL OR o.status = $1) ORDER BY o.id DESC LIMIT $2"
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
