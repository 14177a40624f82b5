//! What happened to each donor's workers in a period (issue 14 §1, "updates"): months BPJS
//! confirmed or refused (and the money returned), workers stopped (died or left) and their
//! months returned, workers who went on to pay alone. Counts per donor only: the digest
//! names no worker and carries no NIK.

use super::Db;
use crate::on_db;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// One donor's news in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct News {
    pub donor_id: i64,
    pub donor_name: String,
    pub email: String,
    /// Worker-months BPJS confirmed (JKK: a month is one line per programme).
    pub confirmed: i64,
    /// Worker-months BPJS refused, and the rupiah returned for them.
    pub refused: i64,
    pub refused_amount: i64,
    /// Workers stopped (died or left), and the rupiah of their months returned or left to
    /// the programme.
    pub stopped_workers: i64,
    pub stopped_amount: i64,
    /// Workers the donor funded who began paying alone.
    pub graduated: i64,
}

impl News {
    pub fn is_empty(&self) -> bool {
        self.confirmed == 0 && self.refused == 0 && self.stopped_workers == 0 && self.graduated == 0
    }
}

/// Every donor with an e-mail address and something to tell from `from` to `to`.
pub async fn between(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> anyhow::Result<Vec<News>> {
    let donors: Vec<(i64, String, Option<String>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, name, email FROM donors WHERE email IS NOT NULL AND email <> ''"
    )
    .fetch_all(pool)
    .await)?;
    let mut news: BTreeMap<i64, News> = donors
        .into_iter()
        .filter_map(|(id, name, email)| {
            Some((
                id,
                News {
                    donor_id: id,
                    donor_name: name,
                    email: email?,
                    ..News::default()
                },
            ))
        })
        .collect();
    if news.is_empty() {
        return Ok(Vec::new());
    }
    let answers: Vec<(i64, String, i64, Option<i64>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT d.donor_id, c.status, COUNT(*), CAST(SUM(c.amount) AS BIGINT)
         FROM confirmations c JOIN donations d ON d.id = c.donation_id
         WHERE c.created_at >= $1 AND c.created_at < $2
           AND (c.programme = 'JKK' OR c.status = 'rejected')
         GROUP BY d.donor_id, c.status"
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await)?;
    for (donor, status, n, amount) in answers {
        if let Some(x) = news.get_mut(&donor) {
            if status == "accepted" {
                x.confirmed += n;
            } else {
                x.refused_amount += amount.unwrap_or(0);
            }
        }
    }
    // Refused worker-months: one per worker and month, whichever programmes BPJS refused.
    let refused: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT x.donor_id, COUNT(*) FROM (
             SELECT DISTINCT d.donor_id, c.worker_id, c.month
             FROM confirmations c JOIN donations d ON d.id = c.donation_id
             WHERE c.status = 'rejected' AND c.created_at >= $1 AND c.created_at < $2
         ) x GROUP BY x.donor_id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await)?;
    for (donor, n) in refused {
        if let Some(x) = news.get_mut(&donor) {
            x.refused = n;
        }
    }
    let stopped: Vec<(i64, i64, Option<i64>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT d.donor_id, COUNT(DISTINCT s.worker_id), CAST(SUM(s.jkk + s.jkm) AS BIGINT)
         FROM stopped_months s JOIN worker_stops w ON w.id = s.stop_id
         JOIN donations d ON d.id = s.donation_id
         WHERE w.created_at >= $1 AND w.created_at < $2
         GROUP BY d.donor_id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await)?;
    for (donor, workers, amount) in stopped {
        if let Some(x) = news.get_mut(&donor) {
            x.stopped_workers = workers;
            x.stopped_amount = amount.unwrap_or(0);
        }
    }
    let graduated: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT d.donor_id, COUNT(DISTINCT e.worker_id)
         FROM worker_events e
         JOIN donation_workers dw ON dw.worker_id = e.worker_id
         JOIN donations d ON d.id = dw.donation_id AND d.status = 'funded'
         WHERE e.to_status = 'mandiri' AND (e.from_status IS NULL OR e.from_status <> 'mandiri')
           AND e.at >= $1 AND e.at < $2
         GROUP BY d.donor_id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await)?;
    for (donor, n) in graduated {
        if let Some(x) = news.get_mut(&donor) {
            x.graduated = n;
        }
    }
    Ok(news.into_values().filter(|n| !n.is_empty()).collect())
}
