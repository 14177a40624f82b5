//! Rates and quotes: what a donation costs, month by month. Every check and sentence is in
//! `usecase::quotes`; a handler reads the JSON, calls the use case and writes its view.

use super::error::{ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::Json;
use crate::app::AppState;
use crate::db::rates;
use crate::usecase::quotes as uc;
use crate::wire::{self, PricingSettings, ReliefView};
use axum::extract::State;
use axum::http::StatusCode;
use lingkaran_domain::rates::Rate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A contribution rate, in force from its month.
#[derive(Serialize, ToSchema)]
pub struct RateView {
    /// YYYY-MM.
    effective_from: String,
    /// JKK as a share of the declared income, in basis points.
    jkk_basis_points: i64,
    jkk_min: i64,
    jkk_max: i64,
    /// JKM, a flat amount a month.
    jkm_flat: i64,
}

fn rate_json(r: &Rate) -> RateView {
    RateView {
        effective_from: r.from.to_string(),
        jkk_basis_points: r.jkk_basis_points,
        jkk_min: r.jkk_min,
        jkk_max: r.jkk_max,
        jkm_flat: r.jkm,
    }
}

/// The rate table.
#[derive(Serialize, ToSchema)]
pub struct RateList {
    rates: Vec<RateView>,
}

#[utoipa::path(get, path = "/api/v1/rates", tag = "donations",
    summary = "The contribution rate table with effective months",
    description = "Roles: any signed-in user.",
    responses((status = 200, description = "Every rate, oldest first", body = RateList)))]
pub async fn list(_caller: Caller, State(state): State<AppState>) -> Result<Json<RateList>> {
    let all = rates::all(&state.db).await?;
    Ok(Json(RateList {
        rates: all.iter().map(rate_json).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct RateInput {
    effective_from: String,
    jkk_basis_points: i64,
    jkk_min: i64,
    jkk_max: i64,
    jkm_flat: i64,
    source: String,
}

/// Adds a rate for a month that has not begun. A rate in force is never edited.
#[utoipa::path(post, path = "/api/v1/rates", tag = "donations",
    summary = "Add a rate for a future month (a rate in force is never edited)",
    description = "Roles: admin.",
    responses(
        (status = 201, description = "The rate added", body = RateView),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorEnvelope),
        (status = 409, description = "A rate for that month exists (`rate_exists`)", body = ErrorEnvelope),
        (status = 422, description = "The month is not to come, or the rate is implausible", body = ErrorEnvelope),
    ))]
pub async fn add(
    caller: Caller,
    State(state): State<AppState>,
    Json(r): Json<RateInput>,
) -> Result<(StatusCode, Json<RateView>)> {
    let rate = uc::add_rate(state.ctx(&caller.0), &r.into()).await?;
    Ok((StatusCode::CREATED, Json(rate_json(&rate))))
}

impl From<RateInput> for uc::RateInput {
    fn from(r: RateInput) -> uc::RateInput {
        uc::RateInput {
            effective_from: r.effective_from,
            jkk_basis_points: r.jkk_basis_points,
            jkk_min: r.jkk_min,
            jkk_max: r.jkk_max,
            jkm_flat: r.jkm_flat,
            source: r.source,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct QuoteInput {
    workers: i64,
    months: u32,
    /// The first month, YYYY-MM (default: the first month not yet due).
    from: Option<String>,
    /// The declared income a month (default and minimum: the regional minimum).
    income: Option<i64>,
    /// `apbn`, `apbd`, `dana-desa`, `csr`, `zakat`, `individual` or `self`.
    funding: Option<String>,
    /// `transport` or `other`.
    sector: Option<String>,
}

impl From<QuoteInput> for uc::QuoteInput {
    fn from(q: QuoteInput) -> uc::QuoteInput {
        uc::QuoteInput {
            workers: q.workers,
            months: q.months,
            from: q.from,
            income: q.income,
            funding: q.funding,
            sector: q.sector,
        }
    }
}

/// Prices `workers` × `months` from `from` (default: the first month whose 15th has not
/// passed) for a payer's funding source and the workers' sector.
#[utoipa::path(post, path = "/api/v1/quotes", tag = "donations",
    summary = "Price workers × months (from defaults to the first month not yet due) for a funding source and sector; each month says which relief applied",
    description = "Roles: any signed-in user.",
    responses(
        (status = 200, description = "The price", body = wire::Quote),
        (status = 422, description = "Workers, months, income, month, funding or sector out of bounds, or no rate for a month", body = ErrorEnvelope),
    ))]
pub async fn quote(
    caller: Caller,
    State(state): State<AppState>,
    Json(q): Json<QuoteInput>,
) -> Result<Json<wire::Quote>> {
    let priced = uc::quote(state.ctx(&caller.0), &q.into()).await?;
    Ok(Json(wire::Quote::of(&priced)))
}

/// The relief rules and the pricing settings.
#[derive(Serialize, ToSchema)]
pub struct Reliefs {
    reliefs: Vec<ReliefView>,
    settings: PricingSettings,
}

/// The relief rules and the pricing settings.
#[utoipa::path(get, path = "/api/v1/reliefs", tag = "donations",
    summary = "The relief rules (PP 50/2025 seeded) and the pricing settings",
    description = "Roles: any signed-in user.",
    responses((status = 200, description = "The rules and settings", body = Reliefs)))]
pub async fn reliefs(_caller: Caller, State(state): State<AppState>) -> Result<Json<Reliefs>> {
    let (p, w) = rates::pricing_and_window(&state.db).await?;
    Ok(Json(Reliefs {
        reliefs: p.reliefs.iter().map(ReliefView::of).collect(),
        settings: PricingSettings::of(&p.settings, &w),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReliefInput {
    basis: String,
    basis_points: i64,
    from: String,
    to: String,
    sectors: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
    note: Option<String>,
}

impl From<ReliefInput> for uc::ReliefInput {
    fn from(r: ReliefInput) -> uc::ReliefInput {
        uc::ReliefInput {
            basis: r.basis,
            basis_points: r.basis_points,
            from: r.from,
            to: r.to,
            sectors: r.sectors,
            excludes: r.excludes,
            note: r.note,
        }
    }
}

/// A relief rule just added, with how many held donations it re-priced.
#[derive(Serialize, ToSchema)]
pub struct ReliefAdded {
    #[serde(flatten)]
    relief: ReliefView,
    /// The held donations priced anew.
    repriced_donations: Vec<i64>,
}

/// Adds a relief rule for months to come (admins). Held, unpaid donations are re-priced.
#[utoipa::path(post, path = "/api/v1/reliefs", tag = "donations",
    summary = "Add a relief rule for months to come (a rule in force is never edited); held donations are re-priced",
    description = "Roles: admin.",
    responses(
        (status = 201, description = "The rule added", body = ReliefAdded),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "Months, sectors, sources or share do not hold", body = ErrorEnvelope),
    ))]
pub async fn add_relief(
    caller: Caller,
    State(state): State<AppState>,
    Json(r): Json<ReliefInput>,
) -> Result<(StatusCode, Json<ReliefAdded>)> {
    let added = uc::add_relief(state.ctx(&caller.0), &r.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReliefAdded {
            relief: ReliefView::of(&added.relief),
            repriced_donations: added.repriced_donations,
        }),
    ))
}
