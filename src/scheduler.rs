//! What `serve` does by itself, on a clock (WIB decides the day):
//!
//! - every minute: gives back expired holds, deletes expired idempotency keys, and sends the
//!   outbox's due messages;
//! - once a day, from `LINGKARAN_CYCLE_DAY` of the month on (default the 10th, before the
//!   15th when contributions are due): runs the month's cycle (escrow → payables, remittance
//!   files in `LINGKARAN_REMITTANCE_DIR`, payment to BPJS) and its lifecycle step (mandiri,
//!   lapsed, back to the pool);
//! - once a day: queues the reminders of funded periods that end in 30 or 7 days.
//!
//! Every job is idempotent (the cycle's transfers are keyed, reminders are keyed, messages are
//! claimed), so a restart, a second instance or a retry does nothing twice.

use crate::config::Config;
use crate::db::audit::Actor;
use crate::db::Db;
use chrono::{Datelike, NaiveDate};
use lingkaran_domain::rates::Month;
use std::time::Duration;

/// Starts the jobs in the background.
/// Everything they need is the [`Config`]: the cycle's day, batch size and directory, the
/// idempotency keys' lifetime, where messages go, the public address for links.
pub fn spawn(db: Db, config: Config) {
    let minute_db = db.clone();
    let idempotency_ttl = chrono::Duration::hours(i64::from(config.idempotency_hours));
    let senders = crate::messages::Senders::from_config(&config);
    tokio::spawn(async move {
        let senders = match senders {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::error!(error = %e, "messages will not be sent");
                None
            }
        };
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = crate::db::donations::expire_holds(&minute_db, chrono::Utc::now()).await
            {
                tracing::warn!(error = %e, "expiring holds failed");
            }
            let before = chrono::Utc::now() - idempotency_ttl;
            if let Err(e) = crate::db::idempotency::purge(&minute_db, before).await {
                tracing::warn!(error = %e, "purging idempotency keys failed");
            }
            if let Some(s) = &senders {
                match crate::messages::deliver_due(&minute_db, s, 500).await {
                    Ok(d) if d.sent + d.retrying + d.failed > 0 => {
                        tracing::info!(
                            sent = d.sent,
                            retrying = d.retrying,
                            failed = d.failed,
                            "outbox"
                        )
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "sending the outbox failed"),
                }
            }
        }
    });
    tokio::spawn(async move {
        let mut last_day: Option<NaiveDate> = None;
        // The first run waits two minutes: a service restarting in a loop does not rerun the
        // day's jobs each time, and a freshly started one answers requests first.
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + Duration::from_secs(120),
            Duration::from_secs(15 * 60),
        );
        loop {
            tick.tick().await;
            let today = crate::clock::today();
            if last_day == Some(today) {
                continue;
            }
            match daily(&db, &config, today).await {
                Ok(()) => last_day = Some(today),
                Err(e) => tracing::warn!(error = %e, "the daily jobs failed; retrying later"),
            }
        }
    });
}

/// What the scheduler's cycle is recorded as (audit trail, ledger).
const CYCLE: Actor = Actor::System("cycle");

/// The day's jobs; safe to run again. The audit head is logged first, so a failing job
/// never keeps it from the day's log.
pub async fn daily(db: &Db, config: &Config, today: NaiveDate) -> anyhow::Result<()> {
    crate::usecase::audit::log_head(db).await?;
    if config.cycle_day > 0 && today.day() >= config.cycle_day {
        let month = Month::of(today);
        // A month nobody funds has no batch: the cycle posts nothing and writes no file.
        let now = crate::clock::now();
        let dir = &config.remittance_dir;
        let r =
            crate::usecase::cycle::run_in(db, month, dir, config.cycle_batch, CYCLE, now).await?;
        tracing::info!(month = %month, posted = r.posted, "monthly cycle: remittance");
        let life = crate::db::lifecycle::run(db, month, CYCLE, now).await?;
        tracing::info!(month = %month, mandiri = life.mandiri, lapsed = life.lapsed,
            back_to_pool = life.back_to_pool, "monthly cycle: workers");
    }
    let r = crate::db::reminders::queue(
        db,
        today,
        &crate::db::reminders::DEFAULT_DAYS,
        config.base_url(),
        crate::clock::now(),
    )
    .await?;
    tracing::info!(
        workers = r.worker_messages,
        donors = r.donor_messages,
        "reminders queued"
    );
    Ok(())
}
