//! The `regions` table: loaded once from the embedded CSV, then read by the API.

use super::Db;
use crate::regions::{self, Region};
use crate::{on_db, on_tx};
use anyhow::Context;
use sqlx::{FromRow, QueryBuilder};

#[derive(Debug, Clone, FromRow)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent: Option<String>,
}

/// Loads all 91,599 regions when the table is empty, in one transaction. A crash midway
/// leaves the table empty, so the next start loads it again.
pub async fn load_if_empty(db: &Db) -> anyhow::Result<()> {
    let count: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM regions"
    )
    .fetch_one(pool)
    .await)?;
    if count > 0 {
        return Ok(());
    }
    let all: Vec<Region> = regions::rows().collect();
    insert_all(db, &all)
        .await
        .context("loading the region table")?;
    tracing::info!(regions = all.len(), "region table loaded");
    Ok(())
}

/// Inserts the regions in one transaction.
async fn insert_all(db: &Db, all: &[Region]) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    // 4 binds a row; 2,000 rows stay under SQLite's and PostgreSQL's parameter limits.
    for chunk in all.chunks(2000) {
        on_tx!(&mut tx, |c| insert_regions(chunk)
            .build()
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    tx.commit().await
}

/// One multi-row insert of regions.
fn insert_regions<'a, DB>(rows: &'a [Region]) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new("INSERT INTO regions (code, name, level, parent) ");
    qb.push_values(rows, |mut b, r| {
        b.push_bind(r.code.as_str())
            .push_bind(r.name.as_str())
            .push_bind(i64::from(r.level))
            .push_bind(r.parent());
    });
    qb
}

pub async fn get(db: &Db, code: &str) -> sqlx::Result<Option<RegionRow>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT code, name, level, parent FROM regions WHERE code = $1"
    )
    .bind(code)
    .fetch_optional(pool)
    .await)
}

pub async fn children(db: &Db, code: &str) -> sqlx::Result<Vec<RegionRow>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT code, name, level, parent FROM regions WHERE parent = $1 ORDER BY code"
    )
    .bind(code)
    .fetch_all(pool)
    .await)
}

pub async fn provinces(db: &Db) -> sqlx::Result<Vec<RegionRow>> {
    on_db!(db, |pool| sqlx::query_as(
        // A province is the one region without a parent (`parent_of`): `regions_parent` finds
        // the 38 of them, where `level = 1` read all 84,000 regions (219 ms at p95 for
        // SQLite's nation page at 1,000,000 workers).
        "SELECT code, name, level, parent FROM regions WHERE parent IS NULL ORDER BY code"
    )
    .fetch_all(pool)
    .await)
}

/// The regions directly below `code`: the provinces for the nation (`0`), else its children.
pub async fn below(db: &Db, code: &str) -> sqlx::Result<Vec<RegionRow>> {
    if code == "0" {
        provinces(db).await
    } else {
        children(db, code).await
    }
}

/// Every region of one level (1 province, 2 regency or city, …), by code.
pub async fn of_level(db: &Db, level: i64) -> sqlx::Result<Vec<RegionRow>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT code, name, level, parent FROM regions WHERE level = $1 ORDER BY code"
    )
    .bind(level)
    .fetch_all(pool)
    .await)
}

/// Regions whose name contains `q` (any case), optionally of one level, shallowest first.
pub async fn search(
    db: &Db,
    q: &str,
    level: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<RegionRow>> {
    let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
    on_db!(db, |pool| sqlx::query_as(
        "SELECT code, name, level, parent FROM regions
         WHERE lower(name) LIKE $1 AND ($2 IS NULL OR level = $2)
         ORDER BY level, code LIMIT $3"
    )
    .bind(&pattern)
    .bind(level)
    .bind(limit)
    .fetch_all(pool)
    .await)
}
