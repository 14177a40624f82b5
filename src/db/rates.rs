//! The contribution rate table.

use super::audit::{self, Actor};
use super::{Db, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use lingkaran_domain::rates::{Month, Rate};
use serde_json::json;

#[derive(sqlx::FromRow)]
struct RateRow {
    effective_from: String,
    jkk_basis_points: i64,
    jkk_min: i64,
    jkk_max: i64,
    jkm_flat: i64,
}

/// Every rate, oldest first (also read inside transactions, e.g. to price a late payment).
const SELECT_RATES: &str = "SELECT effective_from, jkk_basis_points, jkk_min, jkk_max, jkm_flat
    FROM contribution_rates ORDER BY effective_from";

fn from_rows(rows: Vec<RateRow>) -> anyhow::Result<Vec<Rate>> {
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
pub async fn add(
    db: &Db,
    r: &Rate,
    source: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, |pool| {
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
    if n == 1 {
        audit::record(
            &mut tx,
            now,
            actor,
            "settings.rate",
            "contribution_rate",
            r.from.to_string(),
            json!({ "jkk_basis_points": r.jkk_basis_points, "jkk_min": r.jkk_min,
                    "jkk_max": r.jkk_max, "jkm": r.jkm, "source": source }),
        )
        .await?;
    }
    tx.commit().await?;
    if n == 1 {
        // A new rate changes the price of months to come: held donations follow it.
        super::donations::reprice_held(db, actor, now).await?;
    }
    Ok(n == 1)
}

// ---- Relief rules and the pricing settings (issue 9 §3) --------------------------------------

use lingkaran_domain::pricing::{FundingSource, PriceSettings, Pricing, Relief, Sector};

#[derive(sqlx::FromRow)]
struct ReliefRow {
    id: i64,
    basis: String,
    basis_points: i64,
    from_month: i64,
    to_month: i64,
    sectors: String,
    excludes: String,
}

const SELECT_RELIEFS: &str =
    "SELECT id, basis, basis_points, from_month, to_month, sectors, excludes FROM relief_rules ORDER BY id";

const SELECT_SETTINGS: &str =
    "SELECT dana_desa_is_apbn, self_pay_months_back, self_pay_months_ahead FROM pricing_settings WHERE id = 1";

/// The settings row: (Dana Desa counts as APBN, self-payment months back, months ahead).
type SettingsRow = (bool, i64, i64);

fn codes<T>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    id: i64,
) -> anyhow::Result<Vec<T>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).ok_or_else(|| anyhow::anyhow!("relief rule {id}: unknown {what} {s:?}")))
        .collect()
}

fn reliefs_from_rows(rows: Vec<ReliefRow>) -> anyhow::Result<Vec<Relief>> {
    rows.into_iter()
        .map(|r| {
            let month = |n: i64| {
                Month::from_yyyymm(n)
                    .ok_or_else(|| anyhow::anyhow!("relief rule {}: bad month {n}", r.id))
            };
            Ok(Relief {
                id: r.id,
                basis: r.basis.clone(),
                basis_points: r.basis_points,
                from: month(r.from_month)?,
                to: month(r.to_month)?,
                sectors: codes(&r.sectors, Sector::parse, "sector", r.id)?,
                excludes: codes(&r.excludes, FundingSource::parse, "funding source", r.id)?,
            })
        })
        .collect()
}

/// The self-payment window: months before and after the current month a self-payment may be
/// for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelfPayWindow {
    pub back: u32,
    pub ahead: u32,
}

fn settings_from_row(row: Option<SettingsRow>) -> (PriceSettings, SelfPayWindow) {
    let (dd, back, ahead) = row.unwrap_or((true, 3, 1));
    (
        PriceSettings {
            dana_desa_is_apbn: dd,
        },
        SelfPayWindow {
            back: u32::try_from(back).unwrap_or(3),
            ahead: u32::try_from(ahead).unwrap_or(1),
        },
    )
}

/// Reads everything pricing needs on one connection of either store: the pool's (through
/// [`pricing_and_window`]) or an open transaction's ([`pricing_in`]). Generic over the
/// connection so the three reads are written once.
async fn read_pricing<C, DB>(c: &mut C) -> anyhow::Result<(Pricing, SelfPayWindow)>
where
    DB: sqlx::Database,
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    RateRow: for<'r> sqlx::FromRow<'r, DB::Row>,
    ReliefRow: for<'r> sqlx::FromRow<'r, DB::Row>,
    SettingsRow: for<'r> sqlx::FromRow<'r, DB::Row>,
{
    let rates: Vec<RateRow> = sqlx::query_as(SELECT_RATES).fetch_all(&mut *c).await?;
    let reliefs: Vec<ReliefRow> = sqlx::query_as(SELECT_RELIEFS).fetch_all(&mut *c).await?;
    let settings: Option<SettingsRow> = sqlx::query_as(SELECT_SETTINGS)
        .fetch_optional(&mut *c)
        .await?;
    let (settings, window) = settings_from_row(settings);
    let pricing = Pricing {
        rates: from_rows(rates)?,
        reliefs: reliefs_from_rows(reliefs)?,
        settings,
    };
    Ok((pricing, window))
}

/// Everything pricing needs, read in the caller's transaction (a late payment pricing the
/// months it takes again, a self-payment checking its amount).
pub(crate) async fn pricing_in(tx: &mut Tx) -> anyhow::Result<(Pricing, SelfPayWindow)> {
    on_tx!(tx, |c| read_pricing(c).await)
}

/// Everything pricing needs: the rates, the relief rules, the settings.
pub async fn pricing(db: &Db) -> anyhow::Result<Pricing> {
    Ok(pricing_and_window(db).await?.0)
}

pub async fn pricing_and_window(db: &Db) -> anyhow::Result<(Pricing, SelfPayWindow)> {
    on_db!(db, |pool| read_pricing(&mut *pool.acquire().await?).await)
}

/// Every relief rule, oldest first.
pub async fn reliefs(db: &Db) -> anyhow::Result<Vec<Relief>> {
    Ok(pricing(db).await?.reliefs)
}

/// Adds a relief rule (the caller checks that its first month is still to come), then
/// re-prices every held, unpaid donation's months that the rules now price differently.
/// Returns the rule's id and the donations re-priced.
pub async fn add_relief(
    db: &Db,
    r: &Relief,
    note: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<(i64, Vec<i64>)> {
    let join = |xs: Vec<&str>| xs.join(",");
    let sectors = join(r.sectors.iter().map(|s| s.as_str()).collect());
    let excludes = join(r.excludes.iter().map(|s| s.as_str()).collect());
    let mut tx = db.begin_write().await?;
    let by = audit::user_id_in(&mut tx, actor).await?;
    let id: i64 = on_tx!(&mut tx, |pool| {
        sqlx::query_scalar(
        "INSERT INTO relief_rules (basis, basis_points, from_month, to_month, sectors, excludes, note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(r.basis.trim())
    .bind(r.basis_points)
    .bind(r.from.yyyymm())
    .bind(r.to.yyyymm())
    .bind(&sectors)
    .bind(&excludes)
    .bind(note)
    .bind(by)
    .bind(now)
    .fetch_one(pool)
    .await
    })?;
    audit::record(
        &mut tx,
        now,
        actor,
        "settings.relief",
        "relief_rule",
        id,
        json!({ "basis": r.basis.trim(), "basis_points": r.basis_points,
                "from": r.from.to_string(), "to": r.to.to_string(), "sectors": sectors,
                "excludes": excludes, "note": note }),
    )
    .await?;
    tx.commit().await?;
    let repriced = super::donations::reprice_held(db, actor, now).await?;
    Ok((id, repriced))
}

/// Changes the pricing settings; held donations are re-priced as for a new rule.
pub async fn set_settings(
    db: &Db,
    dana_desa_is_apbn: Option<bool>,
    window: Option<SelfPayWindow>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<(PriceSettings, SelfPayWindow)> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |pool| sqlx::query(
        "UPDATE pricing_settings SET dana_desa_is_apbn = COALESCE($1, dana_desa_is_apbn),
             self_pay_months_back = COALESCE($2, self_pay_months_back),
             self_pay_months_ahead = COALESCE($3, self_pay_months_ahead) WHERE id = 1"
    )
    .bind(dana_desa_is_apbn)
    .bind(window.map(|w| i64::from(w.back)))
    .bind(window.map(|w| i64::from(w.ahead)))
    .execute(pool)
    .await
    .map(|_| ()))?;
    audit::record(
        &mut tx,
        now,
        actor,
        "settings.pricing",
        "pricing_settings",
        1,
        json!({ "dana_desa_is_apbn": dana_desa_is_apbn, "self_pay_months_back": window.map(|w| w.back),
                "self_pay_months_ahead": window.map(|w| w.ahead) }),
    )
    .await?;
    tx.commit().await?;
    super::donations::reprice_held(db, actor, now).await?;
    let (p, w) = pricing_and_window(db).await?;
    Ok((p.settings, w))
}
