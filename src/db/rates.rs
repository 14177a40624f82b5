//! The contribution rate table.

use super::Db;
use crate::on_db;
use lingkaran_domain::rates::{Month, Rate};

#[derive(sqlx::FromRow)]
pub(crate) struct RateRow {
    effective_from: String,
    jkk_basis_points: i64,
    jkk_min: i64,
    jkk_max: i64,
    jkm_flat: i64,
}

/// Every rate, oldest first (also read inside transactions, e.g. to price a late payment).
pub(crate) const SELECT_RATES: &str =
    "SELECT effective_from, jkk_basis_points, jkk_min, jkk_max, jkm_flat
    FROM contribution_rates ORDER BY effective_from";

pub(crate) fn from_rows(rows: Vec<RateRow>) -> anyhow::Result<Vec<Rate>> {
    rows.into_iter()
        .map(|r| {
            Ok(Rate {
                from: Month::parse(&r.effective_from).ok_or_else(|| {
                    anyhow::anyhow!("bad month {:?} in contribution_rates", r.effective_from)
                })?,
                jkk_basis_points: r.jkk_basis_points,
                jkk_min: r.jkk_min,
                jkk_max: r.jkk_max,
                jkm: r.jkm_flat,
            })
        })
        .collect()
}

/// Every rate, oldest first.
pub async fn all(db: &Db) -> anyhow::Result<Vec<Rate>> {
    let rows: Vec<RateRow> = on_db!(db, |pool| sqlx::query_as(SELECT_RATES)
        .fetch_all(pool)
        .await)?;
    from_rows(rows)
}

/// Adds a rate for a future month. `Ok(false)` when that month already has one.
pub async fn add(db: &Db, r: &Rate, source: &str) -> sqlx::Result<bool> {
    let n = on_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO contribution_rates (effective_from, jkk_basis_points, jkk_min, jkk_max, jkm_flat, source)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (effective_from) DO NOTHING"
    )
    .bind(r.from.to_string())
    .bind(r.jkk_basis_points)
    .bind(r.jkk_min)
    .bind(r.jkk_max)
    .bind(r.jkm)
    .bind(source)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
