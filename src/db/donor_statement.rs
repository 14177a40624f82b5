//! The figures of a donor's statement (laporan donasi) for a period (issue 14 §2;
//! `lingkaran_domain::statement` holds the period's rules): the receipts whose day falls in
//! it, the credit returned to the donor's bank, and what the donor's money protected in the
//! coverage months the period holds, per month and per regency. No worker is named.
//!
//! What protects is the rule of the view `covered_months` (migration 0026), read here with
//! the donor's id: a funded donation's month the insurer did not refuse.

use super::receipts::ReceiptRow;
use super::Db;
use crate::on_db;
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use lingkaran_domain::ledger::Account;
use lingkaran_domain::rates::Month;

/// The most receipt lines one statement lists; the totals still count them all.
pub const MAX_LINES: i64 = 5_000;

/// One receipt of the period, with how it was paid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Line {
    #[sqlx(flatten)]
    pub receipt: ReceiptRow,
    /// The payment's source and channel (`callback`, `VIRTUAL_ACCOUNT_BRI`); `None` for a
    /// donation paid from the credit.
    pub source: Option<String>,
    pub channel: Option<String>,
    /// The donation it paid, when it paid one.
    pub donation_id: Option<i64>,
}

impl Line {
    pub fn from_credit(&self) -> bool {
        self.receipt.credit_settlement_id.is_some()
    }
}

/// The period's receipts, in the order of their day and number (at most [`MAX_LINES`]).
pub async fn receipts(
    db: &Db,
    donor_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Vec<Line>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT r.id, r.year, r.seq, r.code, r.payment_id, r.credit_settlement_id, r.donor_id,
                r.amount, r.issued_on, r.created_at, p.source, p.channel,
                COALESCE(cs.donation_id, i.donation_id) AS donation_id
         FROM receipts r
         LEFT JOIN payments p ON p.id = r.payment_id
         LEFT JOIN invoices i ON i.id = p.invoice_id
         LEFT JOIN credit_settlements cs ON cs.id = r.credit_settlement_id
         WHERE r.donor_id = $1 AND r.issued_on >= $2 AND r.issued_on <= $3
         ORDER BY r.issued_on, r.year, r.seq
         LIMIT $4"
    )
    .bind(donor_id)
    .bind(from.format("%Y-%m-%d").to_string())
    .bind(to.format("%Y-%m-%d").to_string())
    .bind(MAX_LINES)
    .fetch_all(pool)
    .await)
}

/// The money of the period: receipts of payments (new money), receipts of donations paid
/// from the credit, and how many receipts there are; summed over all of them, however many
/// [`receipts`] lists.
pub async fn receipt_sums(
    db: &Db,
    donor_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<(i64, i64, i64)> {
    let row: (Option<i64>, Option<i64>, i64) = on_db!(db, |pool| sqlx::query_as(
        "SELECT CAST(SUM(CASE WHEN payment_id IS NOT NULL THEN amount ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN credit_settlement_id IS NOT NULL THEN amount ELSE 0 END)
                     AS BIGINT),
                COUNT(*)
         FROM receipts WHERE donor_id = $1 AND issued_on >= $2 AND issued_on <= $3"
    )
    .bind(donor_id)
    .bind(from.format("%Y-%m-%d").to_string())
    .bind(to.format("%Y-%m-%d").to_string())
    .fetch_one(pool)
    .await)?;
    Ok((row.0.unwrap_or(0), row.1.unwrap_or(0), row.2))
}

/// The start of a day in Indonesia (WIB, UTC+7), as an instant.
fn wib_start(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)) - Duration::hours(7)
}

/// Credit returned to the donor's bank account on the period's days (WIB): the ledger's
/// donor credit → refunds transfers.
pub async fn refunded(db: &Db, donor_id: i64, from: NaiveDate, to: NaiveDate) -> sqlx::Result<i64> {
    let sum: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT CAST(SUM(amount) AS BIGINT) FROM ledger_transfers
         WHERE debit_account = $1 AND credit_account = $2 AND phase IN ('single', 'post')
           AND created_at >= $3 AND created_at < $4"
    )
    .bind(Account::DonorCredit(donor_id).code())
    .bind(Account::Refunds.code())
    .bind(wib_start(from))
    .bind(wib_start(to + Duration::days(1)))
    .fetch_one(pool)
    .await)?;
    Ok(sum.unwrap_or(0))
}

/// One coverage month of the period: the worker-months the donor's money protected (one
/// worker, one month) and the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: Month,
    pub workers: i64,
}

/// One regency (kabupaten/kota): the donor's workers there, their worker-months and villages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegencyFigures {
    pub code: String,
    pub name: String,
    pub workers: i64,
    pub worker_months: i64,
    pub villages: i64,
}

/// What the donor's money protected in the months `first..=last`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protection {
    pub workers: i64,
    pub worker_months: i64,
    pub villages: i64,
    pub districts: i64,
    pub months: Vec<MonthFigures>,
    /// The most worker-months first.
    pub regencies: Vec<RegencyFigures>,
    /// Rupiah sent to BPJS for these months, and rupiah of months BPJS refused (returned).
    pub remitted: i64,
    pub returned: i64,
    /// Workers the donor funded who paid alone in one of these months.
    pub paying_alone: i64,
}

pub async fn protection(
    db: &Db,
    donor_id: i64,
    first: Month,
    last: Month,
) -> anyhow::Result<Protection> {
    let (a, b) = (first.yyyymm(), last.yyyymm());
    let months: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT c.month, COUNT(*) FROM covered_months c
         WHERE c.donor_id = $1 AND c.month >= $2 AND c.month <= $3
         GROUP BY c.month ORDER BY c.month"
    )
    .bind(donor_id)
    .bind(a)
    .bind(b)
    .fetch_all(pool)
    .await)?;
    let regencies: Vec<(String, Option<String>, i64, i64, i64)> =
        on_db!(db, |pool| sqlx::query_as(
            "SELECT SUBSTR(w.village_code, 1, 5), MIN(r.name), COUNT(DISTINCT c.worker_id),
                    COUNT(*), COUNT(DISTINCT w.village_code)
             FROM covered_months c JOIN workers w ON w.id = c.worker_id
             LEFT JOIN regions r ON r.code = SUBSTR(w.village_code, 1, 5)
             WHERE c.donor_id = $1 AND c.month >= $2 AND c.month <= $3
             GROUP BY SUBSTR(w.village_code, 1, 5)
             ORDER BY 4 DESC, 1"
        )
        .bind(donor_id)
        .bind(a)
        .bind(b)
        .fetch_all(pool)
        .await)?;
    let totals: (i64, i64, i64) = on_db!(db, |pool| sqlx::query_as(
        "SELECT COUNT(DISTINCT c.worker_id), COUNT(DISTINCT w.village_code),
                COUNT(DISTINCT SUBSTR(w.village_code, 1, 8))
         FROM covered_months c JOIN workers w ON w.id = c.worker_id
         WHERE c.donor_id = $1 AND c.month >= $2 AND c.month <= $3"
    )
    .bind(donor_id)
    .bind(a)
    .bind(b)
    .fetch_one(pool)
    .await)?;
    let money: (Option<i64>, Option<i64>) = on_db!(db, |pool| sqlx::query_as(
        "SELECT (SELECT CAST(SUM(r.jkk + r.jkm) AS BIGINT) FROM remittance_items r
                 JOIN donations d ON d.id = r.donation_id
                 WHERE d.donor_id = $1 AND r.month >= $2 AND r.month <= $3),
                (SELECT CAST(SUM(c.amount) AS BIGINT) FROM confirmations c
                 JOIN donations d ON d.id = c.donation_id
                 WHERE d.donor_id = $1 AND c.status = 'rejected'
                   AND c.month >= $2 AND c.month <= $3)"
    )
    .bind(donor_id)
    .bind(a)
    .bind(b)
    .fetch_one(pool)
    .await)?;
    let paying_alone: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(DISTINCT s.worker_id) FROM self_payments s
         WHERE s.month >= $2 AND s.month <= $3
           AND s.worker_id IN (SELECT dw.worker_id FROM donation_workers dw
                               JOIN donations d ON d.id = dw.donation_id
                               WHERE d.donor_id = $1 AND d.status = 'funded')"
    )
    .bind(donor_id)
    .bind(a)
    .bind(b)
    .fetch_one(pool)
    .await)?;
    Ok(Protection {
        workers: totals.0,
        worker_months: months.iter().map(|(_, n)| n).sum(),
        villages: totals.1,
        districts: totals.2,
        months: months
            .into_iter()
            .filter_map(|(m, n)| {
                Some(MonthFigures {
                    month: Month::from_yyyymm(m)?,
                    workers: n,
                })
            })
            .collect(),
        regencies: regencies
            .into_iter()
            .map(
                |(code, name, workers, worker_months, villages)| RegencyFigures {
                    name: name.unwrap_or_else(|| code.clone()),
                    code,
                    workers,
                    worker_months,
                    villages,
                },
            )
            .collect(),
        remitted: money.0.unwrap_or(0),
        returned: money.1.unwrap_or(0),
        paying_alone,
    })
}
