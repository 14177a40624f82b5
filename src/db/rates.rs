//! The contribution rate table.

use super::Db;
use crate::on_db;
use lingkaran_domain::rates::{Month, Rate};

#[derive(sqlx::FromRow)]
struct RateRow {
    effective_from: String,
    jkk_basis_points: i64,
    jkk_min: i64,
    jkk_max: i64,
    jkm_flat: i64,
}

/// Every rate, oldest first.
pub async fn all(db: &Db) -> anyhow::Result<Vec<Rate>> {
    let rows: Vec<RateRow> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT effective_from, jkk_basis_points, jkk_min, jkk_max, jkm_flat FROM contribution_rates
         ORDER BY effective_from"
    )
    .fetch_all(pool)
    .await
    })?;
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
