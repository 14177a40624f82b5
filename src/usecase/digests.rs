//! The donors' monthly digest (issue 14 §1, "updates"): one e-mail per donor per month,
//! through the outbox, saying what happened to the workers they protect: months confirmed or
//! refused (with the money returned), workers stopped, workers who began paying alone. Not a
//! message per event, and no NIK or name. Queued by the daily job for the month just ended;
//! the outbox's key (`digest:{donor}:{month}`) sends it once however often it is queued.

use crate::db::{digests, outbox, Db};
use chrono::{DateTime, Duration, Utc};
use lingkaran_domain::outcome::{digest, MonthNews};
use lingkaran_domain::rates::Month;

/// The instant a month begins in Indonesia's western time (WIB, UTC+7).
fn start_of(m: Month) -> DateTime<Utc> {
    m.first_day()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc() - Duration::hours(7))
        .unwrap_or_default()
}

/// Queues `month`'s digest for every donor with an e-mail address and news. Returns how
/// many were queued (a digest already queued is not queued again).
pub async fn queue(
    db: &Db,
    month: Month,
    base_url: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let news = digests::between(db, start_of(month), start_of(month.next())).await?;
    let link = format!("{}/akun", base_url.trim_end_matches('/'));
    let mut queued = 0;
    for n in news {
        let (subject, body) = digest(
            &n.donor_name,
            month,
            &MonthNews {
                confirmed: n.confirmed,
                refused: n.refused,
                refused_amount: n.refused_amount,
                stopped_workers: n.stopped_workers,
                stopped_amount: n.stopped_amount,
                graduated: n.graduated,
            },
            &link,
        );
        if outbox::enqueue(
            db,
            &outbox::NewMessage {
                dedupe_key: format!("digest:{}:{month}", n.donor_id),
                channel: "email",
                recipient: n.email,
                subject: Some(subject),
                body,
                attachment: None,
            },
            now,
        )
        .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}
