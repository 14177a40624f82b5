//! Jobs: long or periodic work (an import, the month's cycle, reminders, the outbox) as rows
//! that a runner claims with a lease (migration 0023). One job per unique `key`, so two
//! servers that both queue "the cycle of the 10th" queue it once; a claimed job is leased to
//! one runner (`leased_by`, `lease_until`) that renews the lease while it works. A job whose
//! lease ran out — its server was killed — is claimable again, and every job's steps are
//! idempotent, so running it again finishes exactly the rest.
//!
//! PostgreSQL claims with `FOR UPDATE SKIP LOCKED`: two runners asking at once get two
//! different jobs, never one twice. SQLite has one writer: the claim runs in a `BEGIN
//! IMMEDIATE` transaction, which excludes every other.

use super::{Db, TxConn};
use crate::on_db;
use crate::on_tx;
use crate::privacy::Kind;
use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;
use std::io::{Read, Write};
use std::path::Path;

/// Claims before a job is given up as `failed` (a job that kills its server each time, or
/// fails each time, stops being retried).
pub const MAX_ATTEMPTS: i64 = 5;

/// Bytes per stored part of an uploaded file.
pub const FILE_PART: usize = 1 << 20;

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub leased_by: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const SELECT_JOB: &str = "SELECT id, kind, key, payload, state, attempts, leased_by, lease_until,
    last_error, created_at, finished_at FROM jobs";

/// Queues a job unless one with `key` exists; `true` when queued now. A job of that key that
/// `failed` is queued again (a second upload of a list whose import failed retries it).
pub async fn enqueue(
    db: &Db,
    kind: &str,
    key: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = on_db!(db, |pool| sqlx::query(
        "INSERT INTO jobs (kind, key, payload, state, attempts, run_after, created_at)
         VALUES ($1, $2, $3, 'queued', 0, $4, $4)
         ON CONFLICT (key) DO UPDATE SET state = 'queued', attempts = 0, run_after = $4,
           leased_by = NULL, lease_until = NULL, finished_at = NULL
         WHERE jobs.state = 'failed'"
    )
    .bind(kind)
    .bind(key)
    .bind(payload)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Queues again the job `key` if it ended (`done` or `failed`); `true` when it did.
pub async fn requeue_ended(db: &Db, key: &str, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let n = on_db!(db, |pool| sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_after = $2, leased_by = NULL,
           lease_until = NULL, finished_at = NULL
         WHERE key = $1 AND state IN ('done', 'failed')"
    )
    .bind(key)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn get(db: &Db, key: &str) -> sqlx::Result<Option<Job>> {
    let sql = format!("{SELECT_JOB} WHERE key = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(key)
        .fetch_optional(pool)
        .await)
}

/// Jobs of `kind` (`None`: all), newest first.
pub async fn list(db: &Db, kind: Option<&str>, limit: i64) -> sqlx::Result<Vec<Job>> {
    let sql = format!("{SELECT_JOB} WHERE ($1 IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(kind)
        .bind(limit)
        .fetch_all(pool)
        .await)
}

/// The first due job: queued and due, or running with a lease that ran out.
const DUE: &str = "SELECT id FROM jobs
    WHERE ((state = 'queued' AND run_after <= $1) OR (state = 'running' AND lease_until < $1))
      AND ($2 IS NULL OR key = $2)
    ORDER BY run_after, id LIMIT 1";

/// Claims one due job — queued and due, or running with a lease that ran out — for `runner`
/// until `now + lease`, counting the attempt. `key`: only that job (the CLI runs its own
/// import). `None` when there is nothing to claim.
pub async fn claim(
    db: &Db,
    runner: &str,
    lease: Duration,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Job>> {
    // A plain read first: a runner with nothing to do takes no write lock (SQLite has one).
    let any: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(DUE)
        .bind(now)
        .bind(key)
        .fetch_optional(pool)
        .await)?;
    if any.is_none() {
        return Ok(None);
    }
    let mut tx = db.begin_write().await?;
    let skip = match tx.conn {
        TxConn::Sqlite(_) => "",
        TxConn::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let pick = format!("{DUE}{skip}");
    let id: Option<i64> = on_tx!(&mut tx, |c| sqlx::query_scalar(&pick)
        .bind(now)
        .bind(key)
        .fetch_optional(c)
        .await)?;
    let Some(id) = id else {
        tx.rollback().await?;
        return Ok(None);
    };
    let sql = "UPDATE jobs SET state = 'running', leased_by = $2, lease_until = $3,
                 attempts = attempts + 1
               WHERE id = $1
               RETURNING id, kind, key, payload, state, attempts, leased_by, lease_until,
                 last_error, created_at, finished_at";
    let job: Job = on_tx!(&mut tx, |c| sqlx::query_as(sql)
        .bind(id)
        .bind(runner)
        .bind(now + lease)
        .fetch_one(c)
        .await)?;
    tx.commit().await?;
    Ok(Some(job))
}

/// Extends `runner`'s lease on job `id`; `false` when it is no longer `runner`'s (it ran out
/// and another runner took the job).
pub async fn renew(db: &Db, id: i64, runner: &str, until: DateTime<Utc>) -> sqlx::Result<bool> {
    let n = on_db!(db, |pool| {
        sqlx::query(
        "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND leased_by = $2 AND state = 'running'"
    )
    .bind(id)
    .bind(runner)
    .bind(until)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// The job ended: `done`, or — when `error` is set — queued again after a back-off, or
/// `failed` after [`MAX_ATTEMPTS`] (or at once when `retry` is false). Only `runner`'s job
/// changes. Returns the state it was left in.
pub async fn finish(
    db: &Db,
    job: &Job,
    runner: &str,
    error: Option<(&str, bool)>,
    now: DateTime<Utc>,
) -> sqlx::Result<&'static str> {
    let state = match error {
        None => "done",
        Some((_, retry)) if retry && job.attempts < MAX_ATTEMPTS => "queued",
        Some(_) => "failed",
    };
    let again = now + Duration::seconds(5i64 << job.attempts.clamp(0, 8));
    let finished = (state != "queued").then_some(now);
    on_db!(db, |pool| sqlx::query(
        "UPDATE jobs SET state = $3, last_error = $4, run_after = $5, finished_at = $6,
           lease_until = NULL
         WHERE id = $1 AND leased_by = $2 AND state = 'running'"
    )
    .bind(job.id)
    .bind(runner)
    .bind(state)
    .bind(error.map(|(e, _)| e))
    .bind(again)
    .bind(finished)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(state)
}

/// Deletes finished periodic jobs (those of `kinds`) older than `before`: a job per minute
/// would otherwise pile up. Imports and the cycle's jobs are kept as a record.
pub async fn prune(db: &Db, kinds: &[&str], before: DateTime<Utc>) -> sqlx::Result<u64> {
    let mut total = 0;
    for kind in kinds {
        total += on_db!(db, |pool| sqlx::query(
            "DELETE FROM jobs WHERE kind = $1 AND state = 'done' AND finished_at < $2"
        )
        .bind(kind)
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(total)
}

/// Stores an uploaded file for import `import_id`, sealed, in parts. Storing the same file
/// again (a second upload of the same bytes) changes nothing.
pub async fn store_file(db: &Db, import_id: i64, path: &Path) -> anyhow::Result<()> {
    let mut f = std::fs::File::open(path)?;
    let mut part = 0i64;
    loop {
        let mut buf = Vec::with_capacity(FILE_PART);
        let n = (&mut f).take(FILE_PART as u64).read_to_end(&mut buf)?;
        if n == 0 && part > 0 {
            break;
        }
        let data = db.keys().seal_bytes(Kind::Text, &buf);
        on_db!(db, |pool| sqlx::query(
            "INSERT INTO import_files (import_id, part, data) VALUES ($1, $2, $3)
             ON CONFLICT (import_id, part) DO NOTHING"
        )
        .bind(import_id)
        .bind(part)
        .bind(&data)
        .execute(pool)
        .await
        .map(|_| ()))?;
        part += 1;
        if n < FILE_PART {
            break;
        }
    }
    Ok(())
}

/// Whether import `import_id` has its file stored.
pub async fn has_file(db: &Db, import_id: i64) -> sqlx::Result<bool> {
    let n: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM import_files WHERE import_id = $1"
    )
    .bind(import_id)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// Writes the stored file of import `import_id` to `out`, opened part by part.
pub async fn load_file(db: &Db, import_id: i64, out: &mut std::fs::File) -> anyhow::Result<()> {
    let parts: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM import_files WHERE import_id = $1"
    )
    .bind(import_id)
    .fetch_one(pool)
    .await)?;
    anyhow::ensure!(parts > 0, "the file of import {import_id} is not stored");
    for part in 0..parts {
        let data: Vec<u8> = on_db!(db, |pool| sqlx::query_scalar(
            "SELECT data FROM import_files WHERE import_id = $1 AND part = $2"
        )
        .bind(import_id)
        .bind(part)
        .fetch_one(pool)
        .await)?;
        let plain = db
            .keys()
            .open_bytes(Kind::Text, &data)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        out.write_all(&plain)?;
    }
    out.flush()?;
    Ok(())
}

/// Deletes the stored file of import `import_id` (its import ended).
pub async fn drop_file(db: &Db, import_id: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query(
        "DELETE FROM import_files WHERE import_id = $1"
    )
    .bind(import_id)
    .execute(pool)
    .await
    .map(|_| ()))
}
