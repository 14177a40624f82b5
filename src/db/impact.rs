//! What a donation, or all of a donor's donations, did (issue 14 §1): the workers and
//! worker-months protected, the villages, districts and regencies they live in, the rupiah
//! sent to BPJS and returned, the workers who went on paying alone for 3, 6 and 12 months, and
//! the claims BPJS paid to families. Paid donations only. The months are read from
//! `donation_villages` (kept by triggers, migration 0030), so a donation of 10,000 workers
//! costs one index range, not its 120,000 worker-months.

use super::Db;
use crate::on_db;

/// Whose impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Donation(i64),
    Donor(i64),
}

impl Scope {
    /// The condition on `d` (a paid donation in scope), binding `$1`: one form per scope, so
    /// each plans on its own index (the donation's key, or the donor's donations).
    fn condition(self) -> &'static str {
        match self {
            Scope::Donation(_) => "d.status = 'funded' AND d.id = $1",
            Scope::Donor(_) => "d.status = 'funded' AND d.donor_id = $1",
        }
    }

    fn id(self) -> i64 {
        match self {
            Scope::Donation(id) | Scope::Donor(id) => id,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Impact {
    /// Workers with at least one month protected (not refused by BPJS, not stopped).
    pub workers: i64,
    pub worker_months: i64,
    pub villages: i64,
    pub districts: i64,
    pub regencies: i64,
    /// Rupiah sent to BPJS Ketenagakerjaan for these months.
    pub remitted: i64,
    /// Rupiah of months BPJS refused, returned to the donor.
    pub returned: i64,
    /// Workers who went on paying alone for at least 3, 6 and 12 months.
    pub graduated: [i64; 3],
    /// Claims BPJS paid to families, and what they received.
    pub claims_paid: i64,
    pub claims_amount: i64,
}

pub async fn of(db: &Db, scope: Scope) -> anyhow::Result<Impact> {
    let (in_scope, id) = (scope.condition(), scope.id());
    let months: (Option<i64>, i64, i64, i64) = on_db!(db, |pool| sqlx::query_as(&format!(
        "SELECT CAST(SUM(v.worker_months) AS BIGINT), COUNT(DISTINCT v.village_code),
                COUNT(DISTINCT SUBSTR(v.village_code, 1, 8)),
                COUNT(DISTINCT SUBSTR(v.village_code, 1, 5))
         FROM donation_villages v JOIN donations d ON d.id = v.donation_id
         WHERE v.worker_months > 0 AND {in_scope}"
    ))
    .bind(id)
    .fetch_one(pool)
    .await)?;
    // A worker counts once a month of theirs protects: the probe stops at the first. It
    // must read the worker's own months (the key `(worker_id, month)`): `+m.donation_id`
    // keeps SQLite's planner off the index on `donation_id`, which it otherwise picks and
    // then walks all of the donation's months for every worker (10,000 workers × 12
    // months: 33 s instead of milliseconds; bench/donation_page.rs).
    let workers: i64 = on_db!(db, |pool| sqlx::query_scalar(&format!(
        "SELECT COUNT(DISTINCT dw.worker_id) FROM donation_workers dw
         JOIN donations d ON d.id = dw.donation_id
         WHERE {in_scope}
           AND EXISTS (SELECT 1 FROM worker_months m
                       WHERE m.worker_id = dw.worker_id AND +m.donation_id = dw.donation_id
                         AND NOT EXISTS (SELECT 1 FROM confirmations c
                                         WHERE c.month = m.month AND c.worker_id = m.worker_id
                                           AND c.status = 'rejected'))"
    ))
    .bind(id)
    .fetch_one(pool)
    .await)?;
    let remitted: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(&format!(
        "SELECT CAST(SUM(r.jkk + r.jkm) AS BIGINT) FROM remittance_items r
         JOIN donations d ON d.id = r.donation_id WHERE {in_scope}"
    ))
    .bind(id)
    .fetch_one(pool)
    .await)?;
    let returned: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(&format!(
        "SELECT CAST(SUM(c.amount) AS BIGINT) FROM confirmations c
         JOIN donations d ON d.id = c.donation_id
         WHERE c.status = 'rejected' AND {in_scope}"
    ))
    .bind(id)
    .fetch_one(pool)
    .await)?;
    let graduated: (Option<i64>, Option<i64>, Option<i64>) =
        on_db!(db, |pool| sqlx::query_as(&format!(
            "SELECT CAST(SUM(CASE WHEN x.n >= 3 THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN x.n >= 6 THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN x.n >= 12 THEN 1 ELSE 0 END) AS BIGINT)
             FROM (SELECT p.worker_id, COUNT(*) AS n FROM self_payments p
                   WHERE p.worker_id IN (SELECT dw.worker_id FROM donation_workers dw
                                         JOIN donations d ON d.id = dw.donation_id
                                         WHERE {in_scope})
                   GROUP BY p.worker_id) x"
        ))
        .bind(id)
        .fetch_one(pool)
        .await)?;
    let donor_id = match scope {
        Scope::Donor(id) => id,
        Scope::Donation(id) => on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT donor_id FROM donations WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?
        .unwrap_or(0),
    };
    let (claims_paid, claims_amount) = super::claims::paid_for_donor(
        db,
        donor_id,
        match scope {
            Scope::Donation(id) => Some(id),
            Scope::Donor(_) => None,
        },
        None,
    )
    .await?;
    Ok(Impact {
        workers,
        worker_months: months.0.unwrap_or(0),
        villages: months.1,
        districts: months.2,
        regencies: months.3,
        remitted: remitted.unwrap_or(0),
        returned: returned.unwrap_or(0),
        graduated: [
            graduated.0.unwrap_or(0),
            graduated.1.unwrap_or(0),
            graduated.2.unwrap_or(0),
        ],
        claims_paid,
        claims_amount,
    })
}
