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
    /// `(donation id or 0, donor id or 0)`: the two binds every statement below takes.
    fn binds(self) -> (i64, i64) {
        match self {
            Scope::Donation(id) => (id, 0),
            Scope::Donor(id) => (0, id),
        }
    }
}

/// The condition on `d` (a paid donation in scope), binds `$1` (donation) and `$2` (donor).
const IN_SCOPE: &str = "d.status = 'funded' AND (d.id = $1 OR d.donor_id = $2)";

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
    let (donation, donor) = scope.binds();
    let months: (Option<i64>, i64, i64, i64) = on_db!(db, |pool| sqlx::query_as(&format!(
        "SELECT CAST(SUM(v.worker_months) AS BIGINT), COUNT(DISTINCT v.village_code),
                COUNT(DISTINCT SUBSTR(v.village_code, 1, 8)),
                COUNT(DISTINCT SUBSTR(v.village_code, 1, 5))
         FROM donation_villages v JOIN donations d ON d.id = v.donation_id
         WHERE v.worker_months > 0 AND {IN_SCOPE}"
    ))
    .bind(donation)
    .bind(donor)
    .fetch_one(pool)
    .await)?;
    let workers: i64 = on_db!(db, |pool| sqlx::query_scalar(&format!(
        "SELECT COUNT(DISTINCT m.worker_id) FROM worker_months m
         JOIN donations d ON d.id = m.donation_id
         WHERE {IN_SCOPE}
           AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.month = m.month
                           AND c.worker_id = m.worker_id AND c.status = 'rejected')"
    ))
    .bind(donation)
    .bind(donor)
    .fetch_one(pool)
    .await)?;
    let remitted: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(&format!(
        "SELECT CAST(SUM(r.jkk + r.jkm) AS BIGINT) FROM remittance_items r
         JOIN donations d ON d.id = r.donation_id WHERE {IN_SCOPE}"
    ))
    .bind(donation)
    .bind(donor)
    .fetch_one(pool)
    .await)?;
    let returned: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(&format!(
        "SELECT CAST(SUM(c.amount) AS BIGINT) FROM confirmations c
         JOIN donations d ON d.id = c.donation_id
         WHERE c.status = 'rejected' AND {IN_SCOPE}"
    ))
    .bind(donation)
    .bind(donor)
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
                                         WHERE {IN_SCOPE})
                   GROUP BY p.worker_id) x"
        ))
        .bind(donation)
        .bind(donor)
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
