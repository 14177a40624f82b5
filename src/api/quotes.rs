//! Rates and quotes: what a donation costs, month by month.

use super::error::{ApiError, Result};
use super::extract::Caller;
use super::wire;
use crate::app::AppState;
use crate::auth::Role;
use crate::db::rates;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use lingkaran_domain::rates::{Month, Rate};
use lingkaran_domain::worker::DEFAULT_INCOME;
use serde::Deserialize;
use serde_json::{json, Value};

fn rate_json(r: &Rate) -> Value {
    json!({
        "effective_from": r.from.to_string(), "jkk_basis_points": r.jkk_basis_points,
        "jkk_min": r.jkk_min, "jkk_max": r.jkk_max, "jkm_flat": r.jkm,
    })
}

pub async fn list(_caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    let all = rates::all(&state.db).await?;
    Ok(Json(
        json!({ "rates": all.iter().map(rate_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize)]
pub struct RateInput {
    effective_from: String,
    jkk_basis_points: i64,
    jkk_min: i64,
    jkk_max: i64,
    jkm_flat: i64,
    source: String,
}

/// Adds a rate for a month that has not begun. A rate in force is never edited.
pub async fn add(
    caller: Caller,
    State(state): State<AppState>,
    Json(r): Json<RateInput>,
) -> Result<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let from = Month::parse(&r.effective_from).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_month",
            "Bulan berlaku ditulis YYYY-MM, misalnya 2027-01.",
            "Write the month as YYYY-MM, e.g. 2027-01.",
        )
    })?;
    if from <= Month::of(crate::clock::today()) {
        return Err(ApiError::bad_request(
            "rate_in_force",
            "Tarif hanya boleh ditambahkan untuk bulan yang akan datang; tarif yang sudah berlaku tidak diubah.",
            "Rates may only be added for a future month; a rate in force is never changed.",
        ));
    }
    if r.jkk_basis_points <= 0
        || r.jkk_min < 0
        || r.jkk_max < r.jkk_min
        || r.jkm_flat < 0
        || r.source.trim().is_empty()
    {
        return Err(ApiError::bad_request(
            "invalid_rate",
            "Tarif tidak masuk akal: JKK > 0, minimum ≤ maksimum, JKM ≥ 0, dan sumber peraturan wajib diisi.",
            "Implausible rate: JKK > 0, minimum ≤ maximum, JKM ≥ 0, and the regulation must be named.",
        ));
    }
    let rate = Rate {
        from,
        jkk_basis_points: r.jkk_basis_points,
        jkk_min: r.jkk_min,
        jkk_max: r.jkk_max,
        jkm: r.jkm_flat,
    };
    if !rates::add(&state.db, &rate, r.source.trim()).await? {
        return Err(ApiError::conflict(
            "rate_exists",
            format!("Sudah ada tarif untuk {from}."),
            format!("A rate for {from} already exists."),
        ));
    }
    Ok((StatusCode::CREATED, Json(rate_json(&rate))))
}

#[derive(Deserialize)]
pub struct QuoteInput {
    workers: i64,
    months: u32,
    from: Option<String>,
    income: Option<i64>,
}

/// Prices `workers` × `months` from `from` (default: the first month whose 15th has not passed).
pub async fn quote(
    _caller: Caller,
    State(state): State<AppState>,
    Json(q): Json<QuoteInput>,
) -> Result<Json<Value>> {
    if q.workers < 1 || !(1..=12).contains(&q.months) {
        return Err(ApiError::bad_request(
            "invalid_quote",
            "Jumlah pekerja paling sedikit 1 dan lama 1–12 bulan.",
            "At least 1 worker, for 1 to 12 months.",
        ));
    }
    let income = q.income.unwrap_or(DEFAULT_INCOME);
    if income < DEFAULT_INCOME {
        return Err(ApiError::bad_request(
            "income_below_minimum",
            "Penghasilan paling sedikit Rp 1.000.000.",
            "Income must be at least Rp 1.000.000.",
        ));
    }
    let from = match q.from.as_deref() {
        Some(s) => Month::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_month",
                "Bulan mulai ditulis YYYY-MM, misalnya 2027-01.",
                "Write the start month as YYYY-MM, e.g. 2027-01.",
            )
        })?,
        None => Month::first_payable(crate::clock::today()),
    };
    let all = rates::all(&state.db).await?;
    let quote = lingkaran_domain::rates::quote(&all, q.workers, q.months, from, income)
        .ok_or_else(|| {
            ApiError::bad_request(
                "no_rate",
                format!("Belum ada tarif yang berlaku untuk {from}."),
                format!("No rate is in force for {from}."),
            )
        })?;
    Ok(Json(wire::quote_json(&quote, income)))
}
