//! Figures from outside for a region's coverage (`region_figures`, migration 0026): stored
//! with their history, read as they stood on a day.

use super::audit::{self, Actor};
use super::{Db, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_formats::figures::Figure;
use serde_json::json;

/// The code of the nation in `region_figures` (not a row of `regions`).
pub const NATION: &str = "0";

/// Figures written per transaction, each transaction ending with one audit entry.
const BATCH: usize = 5_000;

/// What storing a file's figures did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Figures with no earlier value.
    pub added: usize,
    /// Figures whose value or source changed: a new row, the old one kept as history.
    pub corrected: usize,
    /// Figures already stored with the same value and source: nothing written.
    pub unchanged: usize,
    /// (line, region code) of figures naming a region that does not exist.
    pub unknown_regions: Vec<(i64, String)>,
}

/// A stored figure.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FigureRow {
    pub id: i64,
    pub region_code: String,
    pub on_date: NaiveDate,
    pub measure: String,
    pub definition: String,
    pub value: i64,
    pub source: String,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

async fn region_exists(tx: &mut Tx, code: &str) -> anyhow::Result<bool> {
    if code == NATION {
        return Ok(true);
    }
    let found: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT code FROM regions WHERE code = $1"
    )
    .bind(code)
    .fetch_optional(c)
    .await)?;
    Ok(found.is_some())
}

/// The latest (value, source) of a figure's identity.
async fn latest_of(tx: &mut Tx, f: &Figure) -> anyhow::Result<Option<(i64, String)>> {
    let definition = f.definition.as_deref().unwrap_or("");
    Ok(on_tx!(tx, |c| sqlx::query_as(
        "SELECT value, source FROM region_figures
         WHERE region_code = $1 AND measure = $2 AND definition = $3 AND on_date = $4
         ORDER BY id DESC LIMIT 1"
    )
    .bind(&f.region)
    .bind(f.measure.code())
    .bind(definition)
    .bind(f.on)
    .fetch_optional(c)
    .await)?)
}

/// Stores checked figures: a new identity is added, a changed value or source is a
/// correction (a new row; the history is kept), the same one again changes nothing. A figure
/// of a region that does not exist is reported, not stored.
pub async fn store(
    db: &Db,
    figures: &[Figure],
    file: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Stored> {
    let mut out = Stored::default();
    for batch in figures.chunks(BATCH) {
        let mut tx = db.begin_write().await?;
        let before = out.clone();
        for f in batch {
            if !region_exists(&mut tx, &f.region).await? {
                out.unknown_regions.push((f.line, f.region.clone()));
                continue;
            }
            let value = i64::try_from(f.value)?;
            match latest_of(&mut tx, f).await? {
                Some((v, s)) if v == value && s == f.source => {
                    out.unchanged += 1;
                    continue;
                }
                Some(_) => out.corrected += 1,
                None => out.added += 1,
            }
            on_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO region_figures (region_code, on_date, measure, definition, value,
                   source, imported_at, imported_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            )
            .bind(&f.region)
            .bind(f.on)
            .bind(f.measure.code())
            .bind(f.definition.as_deref().unwrap_or(""))
            .bind(value)
            .bind(&f.source)
            .bind(now)
            .bind(actor.text())
            .execute(c)
            .await
            .map(|_| ()))?;
        }
        audit::record(
            &mut tx,
            now,
            actor,
            "figures.import",
            "region_figures",
            file,
            json!({
                "added": out.added - before.added,
                "corrected": out.corrected - before.corrected,
                "unchanged": out.unchanged - before.unchanged,
                "unknown_regions": out.unknown_regions.len() - before.unknown_regions.len(),
            }),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(out)
}

/// The figures of `region` that stood on `day`: for each measure and definition, the one of
/// the latest date on or before `day`, as last imported.
pub async fn standing_on(db: &Db, region: &str, day: NaiveDate) -> anyhow::Result<Vec<FigureRow>> {
    let rows = of_regions(db, &[region.to_string()]).await?;
    Ok(standing_at(&rows, region, day))
}

/// The figures of `region` among `rows` that stood on `day` (see [`standing_on`]): the one
/// rule, in memory, so that a dashboard reads a region's figures once and asks it for every
/// month of its trend.
pub fn standing_at(rows: &[FigureRow], region: &str, day: NaiveDate) -> Vec<FigureRow> {
    let mut latest: std::collections::BTreeMap<(&str, &str), &FigureRow> = Default::default();
    for r in rows
        .iter()
        .filter(|r| r.region_code == region && r.on_date <= day)
    {
        let key = (r.measure.as_str(), r.definition.as_str());
        let later = |old: &&FigureRow| (r.on_date, r.id) > (old.on_date, old.id);
        if latest.get(&key).is_none_or(later) {
            latest.insert(key, r);
        }
    }
    latest.into_values().cloned().collect()
}

/// Every figure (history included) of each of `codes`, in date order. A region holds a few
/// dozen; callers pass a region and its children (at most a few hundred codes).
pub async fn of_regions(db: &Db, codes: &[String]) -> anyhow::Result<Vec<FigureRow>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let marks = (0..chunk.len())
            .map(|i| format!("${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT id, region_code, on_date, measure, definition, value, source, imported_at,
                    imported_by
             FROM region_figures WHERE region_code IN ({marks})
             ORDER BY region_code, on_date, id"
        );
        let rows: Vec<FigureRow> = on_db!(db, |pool| {
            let mut q = sqlx::query_as(&sql);
            for c in chunk {
                q = q.bind(c);
            }
            q.fetch_all(pool).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Every figure ever imported for `region`, corrections included, newest first (at most
/// `limit`).
pub async fn history(db: &Db, region: &str, limit: i64) -> anyhow::Result<Vec<FigureRow>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT id, region_code, on_date, measure, definition, value, source, imported_at,
                imported_by
         FROM region_figures WHERE region_code = $1
         ORDER BY on_date DESC, id DESC LIMIT $2"
    )
    .bind(region)
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}
