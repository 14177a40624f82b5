//! The job runner: what `serve` runs beside the pages (unless `--no-jobs`) and all that
//! `lingkaran worker` runs. Every poll it queues the periodic jobs now due — each keyed by its
//! period, so however many runners queue them, each exists once (`usecase::jobs::queue_due`):
//!
//! - every minute: give back expired holds and delete expired idempotency keys
//!   (`housekeeping`), and send the outbox's due messages (`outbox`);
//! - every day (from `LINGKARAN_JOB_DAILY_DELAY_SECONDS` after the runner started, so that a
//!   freshly started server answers requests first): write the audit head to the log; from `LINGKARAN_CYCLE_DAY` of the month on
//!   (default the 10th, before the 15th when contributions are due), run the month's cycle
//!   (escrow → payables, remittance files in `LINGKARAN_REMITTANCE_DIR`, payment to BPJS) and
//!   its lifecycle step (`cycle`); queue the reminders of funded periods that end in 30 or 7
//!   days (`reminders`);
//!
//! then claims due jobs one at a time, under a lease (`db::jobs`), until none is left, imports
//! included. Several web servers and one worker, or several of each, share the jobs: a job is
//! run by one runner, and one whose runner died is taken over when its lease runs out.

use crate::config::Config;
use crate::db::Db;
use crate::usecase::jobs::{self, Env};
use std::sync::Arc;
use std::time::Duration;

/// What the jobs need, from the configuration.
pub fn env(config: &Config) -> Env {
    let senders = match crate::messages::Senders::from_config(config) {
        Ok(s) => Some(Arc::new(s)),
        Err(e) => {
            tracing::error!(error = %e, "messages will not be sent");
            None
        }
    };
    Env {
        runner: jobs::runner_name(),
        lease: chrono::Duration::seconds(i64::from(config.job_lease_seconds)),
        cycle_day: config.cycle_day,
        cycle_batch: config.cycle_batch,
        remittance_dir: config.remittance_dir.clone(),
        base_url: config.base_url().to_string(),
        idempotency_ttl: chrono::Duration::hours(i64::from(config.idempotency_hours)),
        senders,
        // The receipts' e-mails carry their PDF; the use case is handed the maker.
        receipt_pdf: Some(crate::report::receipt::write),
    }
}

/// How often a runner looks for work, and when it starts queueing the day's jobs.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub poll: Duration,
    pub daily_delay: Duration,
}

impl Pace {
    pub fn of(config: &Config) -> Pace {
        Pace {
            poll: Duration::from_millis(u64::from(config.job_poll_ms)),
            daily_delay: Duration::from_secs(u64::from(config.job_daily_delay_seconds)),
        }
    }
}

/// Starts the runner in the background.
pub fn spawn(db: Db, config: &Config) {
    let env = env(config);
    let pace = Pace::of(config);
    tokio::spawn(async move { run(db, env, pace).await });
}

/// Runs jobs until the process ends: queue what is due, run what can be claimed, wait.
pub async fn run(db: Db, env: Env, pace: Pace) {
    tracing::info!(runner = %env.runner, "running jobs");
    let started = std::time::Instant::now();
    // What was queued last (the minute, and whether the day's jobs were): queueing writes,
    // so it is done once a minute, not at every poll.
    let mut queued: Option<(i64, bool)> = None;
    loop {
        let daily = started.elapsed() >= pace.daily_delay;
        let now = chrono::Utc::now();
        let minute = now.timestamp().div_euclid(60);
        if queued != Some((minute, daily)) {
            match jobs::queue_due(&db, &env, now, daily).await {
                Ok(()) => queued = Some((minute, daily)),
                Err(e) => tracing::warn!(error = %e, "queueing the periodic jobs failed"),
            }
        }
        loop {
            match jobs::run_one(&db, &env, None).await {
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming or finishing a job failed");
                    break;
                }
            }
        }
        tokio::time::sleep(pace.poll).await;
    }
}
