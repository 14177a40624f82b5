//! What happened to a page of a donation's workers (issue 14 §1), read for those workers
//! only, so that a page of a 10,000-worker donation costs a few index probes per worker:
//! each month of the donation with whether the cycle sent it to BPJS and BPJS's answer per
//! programme, the months stopped when the worker died or left, since when the worker has
//! their status, until when any paid month protects them, and their latest claim.
//!
//! `usecase::donations::workers` turns these facts into words through
//! `lingkaran_domain::outcome`.

use super::sql::Sql;
use super::Db;
use crate::{bind_all, on_db};
use chrono::{DateTime, Utc};
use lingkaran_domain::outcome::{Answer, MonthFacts};
use std::collections::HashMap;

/// The facts of one worker of a donation.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The donation's months for the worker, in order: (yyyymm, facts).
    pub months: Vec<(i64, MonthFacts)>,
    /// When the worker took their present status (the latest event into it).
    pub since: Option<DateTime<Utc>>,
    /// The last month (yyyymm) any paid month protects the worker: a funded donation's month
    /// BPJS did not refuse, or a month paid alone.
    pub protected_until: Option<i64>,
    /// The latest claim: (kind, stage).
    pub claim: Option<(String, String)>,
}

type MonthRow = (
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

fn answer(status: Option<String>, reason: Option<String>, amount: Option<i64>) -> Option<Answer> {
    match status.as_deref() {
        Some("accepted") => Some(Answer::Accepted),
        Some("rejected") => Some(Answer::Rejected {
            reason: reason.unwrap_or_default(),
            amount: amount.unwrap_or(0),
        }),
        _ => None,
    }
}

/// The facts of `workers` (a page: the caller caps it) in `donation`, paid or only held.
pub async fn of_workers(
    db: &Db,
    donation: i64,
    paid: bool,
    workers: &[i64],
) -> anyhow::Result<HashMap<i64, Facts>> {
    let mut out: HashMap<i64, Facts> = workers.iter().map(|w| (*w, Facts::default())).collect();
    if workers.is_empty() {
        return Ok(out);
    }

    // The donation's months, and those stopped (moved out of worker_months).
    let mut q = Sql::new(
        "SELECT m.worker_id, m.month,
                CAST(CASE WHEN r.month IS NULL THEN 0 ELSE 1 END AS BIGINT),
                ck.status, ck.reason, ck.amount, cm.status, cm.reason, cm.amount,
                CAST(NULL AS BIGINT)
         FROM worker_months m
         LEFT JOIN remittance_items r ON r.month = m.month AND r.donation_id = m.donation_id
         LEFT JOIN confirmations ck ON ck.month = m.month AND ck.programme = 'JKK'
              AND ck.worker_id = m.worker_id AND ck.donation_id = m.donation_id
         LEFT JOIN confirmations cm ON cm.month = m.month AND cm.programme = 'JKM'
              AND cm.worker_id = m.worker_id AND cm.donation_id = m.donation_id
         WHERE m.donation_id = ",
    );
    q.int_arg(donation).in_ints("m.worker_id", workers);
    q.push(
        " UNION ALL
         SELECT s.worker_id, s.month, CAST(0 AS BIGINT),
                CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS BIGINT),
                CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS BIGINT),
                CAST(s.jkk + s.jkm AS BIGINT)
         FROM stopped_months s WHERE s.donation_id = ",
    )
    .int_arg(donation)
    .in_ints("s.worker_id", workers)
    .push(" ORDER BY 1, 2");
    let rows: Vec<MonthRow> = on_db!(db, |pool| bind_all!(sqlx::query_as(&q.text), q)
        .fetch_all(pool)
        .await)?;
    for (w, month, remitted, ks, kr, ka, ms, mr, ma, stopped) in rows {
        if let Some(f) = out.get_mut(&w) {
            f.months.push((
                month,
                MonthFacts {
                    paid,
                    remitted: remitted != 0,
                    jkk: answer(ks, kr, ka),
                    jkm: answer(ms, mr, ma),
                    stopped,
                },
            ));
        }
    }

    // Since when: the latest event into the worker's present status.
    let mut q = Sql::new(
        "SELECT e.worker_id, MAX(e.at) FROM worker_events e JOIN workers w ON w.id = e.worker_id
         WHERE e.to_status = w.status",
    );
    q.in_ints("e.worker_id", workers)
        .push(" GROUP BY e.worker_id");
    let since: Vec<(i64, Option<DateTime<Utc>>)> =
        on_db!(db, |pool| bind_all!(sqlx::query_as(&q.text), q)
            .fetch_all(pool)
            .await)?;
    for (w, at) in since {
        if let Some(f) = out.get_mut(&w) {
            f.since = at;
        }
    }

    // Protected until: any funded donation's month BPJS did not refuse, or a month paid alone.
    let mut q = Sql::new(
        "SELECT x.worker_id, MAX(x.month) FROM (
             SELECT m.worker_id, m.month FROM worker_months m
             JOIN donations d ON d.id = m.donation_id
             WHERE d.status = 'funded'",
    );
    q.in_ints("m.worker_id", workers).push(
        " AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.month = m.month
                             AND c.worker_id = m.worker_id AND c.status = 'rejected')
             UNION ALL
             SELECT p.worker_id, p.month FROM self_payments p WHERE 1 = 1",
    );
    q.in_ints("p.worker_id", workers)
        .push(") x GROUP BY x.worker_id");
    let until: Vec<(i64, Option<i64>)> = on_db!(db, |pool| bind_all!(sqlx::query_as(&q.text), q)
        .fetch_all(pool)
        .await)?;
    for (w, m) in until {
        if let Some(f) = out.get_mut(&w) {
            f.protected_until = m;
        }
    }

    // The latest claim of each (a re-classified claim carries on as another).
    let mut q =
        Sql::new("SELECT c.worker_id, c.kind, c.stage FROM claims c WHERE c.stage <> 'dialihkan'");
    q.in_ints("c.worker_id", workers)
        .push(" ORDER BY c.event_date, c.id");
    let claims: Vec<(i64, String, String)> =
        on_db!(db, |pool| bind_all!(sqlx::query_as(&q.text), q)
            .fetch_all(pool)
            .await)?;
    for (w, kind, stage) in claims {
        if let Some(f) = out.get_mut(&w) {
            f.claim = Some((kind, stage));
        }
    }
    Ok(out)
}

/// How many of a donation's workers (in `regions` when given) have each status, and how many
/// had a month refused by BPJS: the counts beside the page's filters.
pub async fn counts(
    db: &Db,
    donation: i64,
    regions: Option<&[String]>,
) -> anyhow::Result<(Vec<(String, i64)>, i64)> {
    let mut q = Sql::new(
        "SELECT w.status, COUNT(*) FROM donation_workers dw JOIN workers w ON w.id = dw.worker_id
         WHERE dw.donation_id = ",
    );
    q.int_arg(donation);
    if let Some(r) = regions {
        q.in_regions("w.village_code", r);
    }
    q.push(" GROUP BY w.status");
    let by_status: Vec<(String, i64)> = on_db!(db, |pool| bind_all!(sqlx::query_as(&q.text), q)
        .fetch_all(pool)
        .await)?;
    let mut q = Sql::new(
        "SELECT COUNT(DISTINCT c.worker_id) FROM confirmations c JOIN workers w ON w.id = c.worker_id
         WHERE c.status = 'rejected' AND c.donation_id = ",
    );
    q.int_arg(donation);
    if let Some(r) = regions {
        q.in_regions("w.village_code", r);
    }
    let rejected: i64 = on_db!(db, |pool| bind_all!(sqlx::query_scalar(&q.text), q)
        .fetch_one(pool)
        .await)?;
    Ok((by_status, rejected))
}
