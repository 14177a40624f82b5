//! Who is protected when: a worker's covered months, read for one day.

use super::Db;
use crate::on_db;
use chrono::NaiveDate;
use lingkaran_domain::coverage::{self, Coverage, CoveredMonth, Payer};
use lingkaran_domain::rates::Month;

/// The answer about one NIK on one day.
#[derive(Debug, Clone)]
pub struct Answer {
    /// `None` when no worker has this NIK.
    pub worker: Option<Registered>,
    pub coverage: Coverage,
}

#[derive(Debug, Clone)]
pub struct Registered {
    pub id: i64,
    pub status: String,
    pub birth_date: NaiveDate,
    pub village_code: String,
    /// The phone on record: its last four digits are the public check's second factor.
    pub phone: Option<String>,
}

/// Coverage of the worker with `nik` on `day`: the funded months from that day's month on,
/// without months the insurer rejected, and the months the worker paid alone.
pub async fn check(db: &Db, nik: &str, day: NaiveDate) -> anyhow::Result<Answer> {
    // (id, status, birth date, village, sealed phone)
    type Row = (i64, String, NaiveDate, String, Option<Vec<u8>>);
    let worker: Option<Row> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, status, birth_date, village_code, phone FROM workers WHERE nik_index = $1"
    )
    .bind(super::sealed::nik_index(db.keys(), nik))
    .fetch_optional(pool)
    .await)?;
    let Some((id, status, birth_date, village_code, phone)) = worker else {
        return Ok(Answer {
            worker: None,
            coverage: coverage::on(&[], day),
        });
    };
    let from = Month::of(day).yyyymm();
    // Donor-funded months (less those the insurer rejected), and months the worker paid: the
    // `covered_months` view (migration 0026).
    let rows: Vec<(i64, Option<String>, bool)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.month, o.name, COALESCE(o.public_name, FALSE) FROM covered_months c
         LEFT JOIN donors o ON o.id = c.donor_id
         WHERE c.worker_id = $1 AND c.month >= $2
         ORDER BY 1",
        )
        .bind(id)
        .bind(from)
        .fetch_all(pool)
        .await
    })?;
    let months: Vec<CoveredMonth> = rows
        .into_iter()
        .filter_map(|(m, name, public)| {
            Some(CoveredMonth {
                month: Month::from_yyyymm(m)?,
                payer: match name {
                    Some(name) => Payer::Donor { name, public },
                    None => Payer::SelfPaid,
                },
            })
        })
        .collect();
    Ok(Answer {
        worker: Some(Registered {
            id,
            status,
            birth_date,
            village_code,
            phone: super::sealed::open_opt(
                db.keys(),
                crate::privacy::Kind::Phone,
                phone.as_deref(),
            )?,
        }),
        coverage: coverage::on(&months, day),
    })
}

/// Counts one public check from `client` in the fixed window starting at `window_start`
/// (seconds since 1970) and returns the window's count so far, this one included. One
/// statement, so that servers sharing the store count together and two checks at once both
/// count. Windows that ended are deleted as the first check of a new one comes.
pub async fn count_check(db: &Db, client: &str, window_start: i64) -> sqlx::Result<i64> {
    let n: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "INSERT INTO check_attempts (client, window_start, attempts) VALUES ($1, $2, 1)
         ON CONFLICT (client, window_start) DO UPDATE SET attempts = check_attempts.attempts + 1
         RETURNING attempts"
    )
    .bind(client)
    .bind(window_start)
    .fetch_one(pool)
    .await)?;
    if n == 1 {
        on_db!(db, |pool| sqlx::query(
            "DELETE FROM check_attempts WHERE window_start < $1"
        )
        .bind(window_start)
        .execute(pool)
        .await
        .map(|_| ()))?;
    }
    Ok(n)
}
