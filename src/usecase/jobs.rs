//! Running jobs (`db::jobs`): what each kind of job does, how a runner claims and runs one
//! under its lease, and which periodic jobs are due. `serve` (unless `--no-jobs`) and
//! `lingkaran worker` run the loop in `crate::scheduler`; the upload edges start an import's
//! job at once in the server that received it; the CLI runs its own import's job.
//!
//! Kinds, each keyed by what it covers, so two runners queue it once and one runs it:
//!
//! | kind | key | does |
//! |---|---|---|
//! | `import` | `import:ID` | stores an uploaded list's rows (`import::execute`) |
//! | `housekeeping` | `housekeeping:MINUTE` | gives back expired holds, deletes old idempotency keys and old periodic jobs |
//! | `outbox` | `outbox:MINUTE` | queues new receipts' e-mails with their PDF (`receipts::queue_mails`, given `Env::receipt_pdf`), sends the outbox's due messages |
//! | `audit_head` | `audit_head:DAY` | writes the audit trail's head to the log |
//! | `cycle` | `cycle:DAY` | the month's cycle and its lifecycle step, from the cycle day on |
//! | `reminders` | `reminders:DAY` | queues the reminders of funded periods that end soon |
//!
//! Every kind is idempotent (the cycle's transfers, reminders and messages are keyed, an import
//! re-run finds its own workers), so a job taken over from a killed runner finishes the rest.

use crate::db::audit::Actor;
use crate::db::jobs::{self, Job};
use crate::db::Db;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use lingkaran_domain::rates::Month;
use std::path::PathBuf;
use std::sync::Arc;

/// What the jobs need to know, handed over by the edge that holds the configuration.
#[derive(Clone)]
pub struct Env {
    /// This runner's name, written as `leased_by` (host, process, a random part).
    pub runner: String,
    /// How long a claim holds before another runner may take the job; renewed every third.
    pub lease: Duration,
    /// Day of the month from which the cycle runs (0: never).
    pub cycle_day: u32,
    pub cycle_batch: u32,
    pub remittance_dir: PathBuf,
    pub base_url: String,
    pub idempotency_ttl: Duration,
    /// Where messages go; `None`: the outbox is not sent (the senders could not be set up).
    pub senders: Option<Arc<crate::messages::Senders>>,
    /// What makes a receipt's PDF for its e-mail (`report::receipt::write`, handed down by
    /// `scheduler::env`); `None`: this runner queues no receipt's e-mail, and a runner that
    /// has it queues them (a receipt waits, unmailed, until then).
    pub receipt_pdf: Option<super::receipts::Pdf>,
}

impl Env {
    /// What an import's job needs (a server that takes uploads and starts their jobs at
    /// once): a runner's name and the lease; nothing periodic.
    pub fn for_imports(lease: Duration) -> Env {
        Env {
            runner: runner_name(),
            lease,
            cycle_day: 0,
            cycle_batch: 1,
            remittance_dir: PathBuf::from("remittances"),
            base_url: String::new(),
            idempotency_ttl: Duration::hours(24),
            senders: None,
            receipt_pdf: None,
        }
    }
}

/// A runner's name: the host, the process and a random part, so two runners never share one.
pub fn runner_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .unwrap_or_else(|| "host".into());
    let random = crate::auth::password::random_token();
    format!(
        "{host}:{}:{}",
        std::process::id(),
        random.get(0..8).unwrap_or("")
    )
}

/// What the scheduler's cycle is recorded as (audit trail, ledger).
const CYCLE: Actor = Actor::System("cycle");

/// The key of import `id`'s job.
pub fn import_key(id: i64) -> String {
    format!("import:{id}")
}

/// Queues the job of import `id` (its file stored first, so the job always finds it). An
/// import not done whose job ended (it failed, or its file could not be read) is queued again.
pub async fn queue_import(db: &Db, id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    let key = import_key(id);
    let payload = serde_json::json!({ "import": id }).to_string();
    if !jobs::enqueue(db, "import", &key, &payload, now).await? {
        jobs::requeue_ended(db, &key, now).await?;
    }
    Ok(())
}

/// Queues the periodic jobs due at `now` (each once per period, whoever queues it first): the
/// minute's, and with `daily` the day's.
pub async fn queue_due(db: &Db, env: &Env, now: DateTime<Utc>, daily: bool) -> anyhow::Result<()> {
    let minute = (now + Duration::hours(7))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let today = crate::clock::wib_date(now);
    jobs::enqueue(
        db,
        "housekeeping",
        &format!("housekeeping:{minute}"),
        "{}",
        now,
    )
    .await?;
    if env.senders.is_some() {
        jobs::enqueue(db, "outbox", &format!("outbox:{minute}"), "{}", now).await?;
    }
    if !daily {
        return Ok(());
    }
    jobs::enqueue(db, "audit_head", &format!("audit_head:{today}"), "{}", now).await?;
    if env.cycle_day > 0 && today.day() >= env.cycle_day {
        let payload = serde_json::json!({ "month": Month::of(today).to_string() }).to_string();
        jobs::enqueue(db, "cycle", &format!("cycle:{today}"), &payload, now).await?;
    }
    jobs::enqueue(db, "reminders", &format!("reminders:{today}"), "{}", now).await?;
    // The month just ended, once: the key is the month, and a job done is not queued again.
    let ended = Month::of(today).prev();
    let payload = serde_json::json!({ "month": ended.to_string() }).to_string();
    jobs::enqueue(db, "digest", &format!("digest:{ended}"), &payload, now).await?;
    Ok(())
}

/// Claims one due job (only the one keyed `key`, when given) and runs it to its end under the
/// lease. `None`: nothing was due.
pub async fn run_one(db: &Db, env: &Env, key: Option<&str>) -> anyhow::Result<Option<Ran>> {
    run_one_with(db, env, key, |_| {}).await
}

/// [`run_one`], telling `progress` an import's rows done after each batch.
pub async fn run_one_with(
    db: &Db,
    env: &Env,
    key: Option<&str>,
    progress: impl FnMut(i64) + Send,
) -> anyhow::Result<Option<Ran>> {
    let Some(job) = jobs::claim(db, &env.runner, env.lease, key, Utc::now()).await? else {
        return Ok(None);
    };
    Ok(Some(run_claimed(db, env, job, progress).await?))
}

/// What a run left the job as.
#[derive(Debug, Clone)]
pub struct Ran {
    pub job: Job,
    /// `done`, `queued` (failed, to be tried again) or `failed`.
    pub state: &'static str,
}

/// Runs a job this runner claimed, renewing its lease while it works; `progress` hears an
/// import's rows done. The job's own failure is recorded on it (retried with a back-off);
/// only a failure to record that is an error here.
pub async fn run_claimed(
    db: &Db,
    env: &Env,
    job: Job,
    progress: impl FnMut(i64) + Send,
) -> anyhow::Result<Ran> {
    let heartbeat = {
        let (db, runner, lease, id) = (db.clone(), env.runner.clone(), env.lease, job.id);
        tokio::spawn(async move {
            let every = (lease / 3)
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(10));
            loop {
                tokio::time::sleep(every).await;
                match jobs::renew(&db, id, &runner, Utc::now() + lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::error!(job.id = id, "the job's lease was lost to another runner");
                        return;
                    }
                    Err(e) => tracing::warn!(job.id = id, error = %e, "renewing a lease failed"),
                }
            }
        })
    };
    let started = std::time::Instant::now();
    let outcome = run_kind(db, env, &job, progress).await;
    heartbeat.abort();
    let error = outcome.as_ref().err().map(|e| format!("{e:#}"));
    let state = jobs::finish(
        db,
        &job,
        &env.runner,
        error.as_deref().map(|e| (e, true)),
        Utc::now(),
    )
    .await?;
    if state == "failed" && job.kind == "import" {
        give_up_import(db, &job, error.as_deref().unwrap_or_default()).await?;
    }
    match &error {
        None => tracing::info!(job.key = %job.key, attempt = job.attempts,
            duration_ms = started.elapsed().as_millis() as u64, "job done"),
        Some(e) => {
            tracing::warn!(job.key = %job.key, attempt = job.attempts, state, error = %e, "job failed")
        }
    }
    Ok(Ran { job, state })
}

async fn run_kind(
    db: &Db,
    env: &Env,
    job: &Job,
    progress: impl FnMut(i64) + Send,
) -> anyhow::Result<()> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let now = Utc::now();
    match job.kind.as_str() {
        "import" => {
            let id = payload["import"]
                .as_i64()
                .ok_or_else(|| anyhow::anyhow!("import job without an import id"))?;
            run_import(db, id, progress).await
        }
        "housekeeping" => {
            crate::db::donations::expire_holds(db, now).await?;
            crate::db::idempotency::purge(db, now - env.idempotency_ttl).await?;
            jobs::prune(
                db,
                &["housekeeping", "outbox", "audit_head", "reminders"],
                now - Duration::days(7),
            )
            .await?;
            Ok(())
        }
        "outbox" => {
            // The e-mails of receipts issued since the last run, each with its PDF, then
            // whatever is due.
            if let Some(pdf) = env.receipt_pdf {
                let receipts = super::receipts::queue_mails(db, &env.base_url, pdf, now).await?;
                if receipts > 0 {
                    tracing::info!(receipts, "receipts' e-mails queued");
                }
            }
            if let Some(s) = &env.senders {
                let d = crate::messages::deliver_due(db, s, 500).await?;
                if d.sent + d.retrying + d.failed > 0 {
                    tracing::info!(
                        sent = d.sent,
                        retrying = d.retrying,
                        failed = d.failed,
                        "outbox"
                    );
                }
            }
            Ok(())
        }
        "audit_head" => {
            super::audit::log_head(db).await?;
            Ok(())
        }
        "cycle" => {
            let month = payload["month"]
                .as_str()
                .and_then(Month::parse)
                .ok_or_else(|| anyhow::anyhow!("cycle job without a month"))?;
            cycle(db, env, month, now).await
        }
        "reminders" => {
            let today = day_of(&job.key).unwrap_or_else(|| crate::clock::wib_date(now));
            let r = crate::db::reminders::queue(
                db,
                today,
                &crate::db::reminders::DEFAULT_DAYS,
                &env.base_url,
                now,
            )
            .await?;
            tracing::info!(
                workers = r.worker_messages,
                donors = r.donor_messages,
                "reminders queued"
            );
            Ok(())
        }
        "digest" => {
            let month = payload["month"]
                .as_str()
                .and_then(Month::parse)
                .ok_or_else(|| anyhow::anyhow!("digest job without a month"))?;
            let n = super::digests::queue(db, month, &env.base_url, now).await?;
            tracing::info!(donors = n, month = %month, "monthly digests queued");
            Ok(())
        }
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// An import whose job failed for good (every attempt): the import is marked failed, with
/// why, so its page stops saying "in progress"; uploading the same file again retries it.
async fn give_up_import(db: &Db, job: &Job, error: &str) -> anyhow::Result<()> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let Some(id) = payload["import"].as_i64() else {
        return Ok(());
    };
    let Some(rec) = crate::db::imports::get(db, id).await? else {
        return Ok(());
    };
    if rec.status != "running" {
        return Ok(());
    }
    let p = lingkaran_domain::Problem::new(
        "job_failed",
        format!("Impor berhenti setelah {} percobaan: {error}. Unggah berkas yang sama lagi untuk mencoba ulang.", job.attempts),
        format!("The import stopped after {} attempts: {error}. Upload the same file again to retry.", job.attempts),
    );
    let note = serde_json::to_string(&[crate::db::imports::Note::from(&p)])?;
    crate::db::imports::finish(
        db,
        id,
        "failed",
        Some(&note),
        Actor::User(rec.uploaded_by),
        Utc::now(),
    )
    .await
}

/// The day a daily job's key names (`cycle:2026-12-10`).
fn day_of(key: &str) -> Option<NaiveDate> {
    key.split_once(':')
        .and_then(|(_, d)| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The month's cycle (escrow → payables, remittance files, payment to BPJS) and its
/// lifecycle step (mandiri, lapsed, back to the pool).
async fn cycle(db: &Db, env: &Env, month: Month, now: DateTime<Utc>) -> anyhow::Result<()> {
    let dir = &env.remittance_dir;
    let r = super::cycle::run_in(db, month, dir, env.cycle_batch, CYCLE, now).await?;
    tracing::info!(month = %month, posted = r.posted, "monthly cycle: remittance");
    let life = crate::db::lifecycle::run(db, month, CYCLE, now).await?;
    tracing::info!(month = %month, mandiri = life.mandiri, lapsed = life.lapsed,
        back_to_pool = life.back_to_pool, "monthly cycle: workers");
    Ok(())
}

/// An import's job: its stored file to a private temporary file, every row stored, the
/// stored file deleted once the import ended (done, or failed for a reason in the file).
async fn run_import(db: &Db, id: i64, progress: impl FnMut(i64) + Send) -> anyhow::Result<()> {
    let Some(rec) = crate::db::imports::get(db, id).await? else {
        anyhow::bail!("import {id} not found");
    };
    if rec.status == "done" {
        jobs::drop_file(db, id).await?;
        return Ok(());
    }
    let (mut file, path) = tempfile::NamedTempFile::new()?.into_parts();
    jobs::load_file(db, id, &mut file).await?;
    drop(file);
    let clock = crate::clock::SystemClock;
    let ran = crate::import::execute(
        db,
        id,
        path.to_path_buf(),
        &clock,
        db.batch_rows(),
        progress,
    )
    .await?;
    if let Err(e) = ran {
        // The header read when it was uploaded; it cannot be read now: the import failed.
        let note = serde_json::to_string(&[crate::db::imports::Note::from(&e.0)])?;
        crate::db::imports::finish(
            db,
            id,
            "failed",
            Some(&note),
            Actor::User(rec.uploaded_by),
            Utc::now(),
        )
        .await?;
    }
    jobs::drop_file(db, id).await?;
    Ok(())
}
