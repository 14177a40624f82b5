//! After the funded months, over the API: self-payments, death or leaving, graduation, the
//! month's reconciliation, the outbox, and a donor's preferences.

use super::error::{ApiError, Result};
use super::extract::Caller;
use crate::app::AppState;
use crate::auth::role::{READERS, STAFF};
use crate::auth::Principal;
use crate::db::lifecycle::{self, GraduationBy, Recorded, SelfPayment, StopReason};
use crate::db::{outbox, reconcile, workers};
use axum::extract::{Path, Query, State};
use axum::Json;
use lingkaran_domain::rates::Month;
use serde::Deserialize;
use serde_json::{json, Value};

fn month_param(s: &str) -> Result<Month> {
    Month::parse(s).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_month",
            format!("Bulan \"{s}\" harus berbentuk TTTT-BB, misalnya 2026-05."),
            format!("The month \"{s}\" must look like YYYY-MM, e.g. 2026-05."),
        )
    })
}

/// The worker, if the caller's regions hold them (else 404, like any record out of scope).
async fn worker_in_scope(
    state: &AppState,
    p: &Principal,
    id: i64,
) -> Result<workers::WorkerRecord> {
    workers::get(&state.db, id)
        .await?
        .filter(|w| p.covers(&w.village_code))
        .ok_or_else(|| ApiError::not_found("Pekerja"))
}

#[derive(Deserialize)]
pub struct SelfPaymentInput {
    month: String,
    amount: i64,
    reference: Option<String>,
}

/// `POST /api/v1/workers/{id}/self-payments`: an officer records a month the worker paid alone.
pub async fn self_payment(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<SelfPaymentInput>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let w = worker_in_scope(&state, p, id).await?;
    let month = month_param(&body.month)?;
    let sp = SelfPayment {
        nik: &w.nik,
        month,
        amount: body.amount,
        source: "manual",
        reference: body.reference.as_deref(),
        today: crate::clock::today(),
    };
    match lifecycle::record_self_payment(&state.db, &sp, p.user_id, state.clock.now()).await? {
        Ok(Recorded::New { status, .. }) => Ok(Json(
            json!({ "recorded": true, "worker_id": id, "month": month.to_string(), "status": status }),
        )),
        Ok(Recorded::Duplicate { .. }) => Ok(Json(
            json!({ "recorded": false, "worker_id": id, "month": month.to_string(), "status": w.status }),
        )),
        Err(problem) => Err(ApiError::invalid(vec![problem])),
    }
}

/// `POST /api/v1/self-payments/import`: the insurer's data as CSV `nik,bulan,iuran[,referensi]`
/// in the body. Bad lines are listed; the rest are recorded.
pub async fn import_self_payments(
    caller: Caller,
    State(state): State<AppState>,
    body: String,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let now = state.clock.now();
    let r = lifecycle::import_self_payments(
        &state.db,
        &body,
        p.user_id,
        crate::clock::wib_date(now),
        now,
    )
    .await?;
    Ok(Json(serde_json::to_value(r).unwrap_or_default()))
}

#[derive(Deserialize)]
pub struct StopInput {
    /// `deceased` or `left`.
    reason: String,
    /// YYYY-MM-DD.
    on: String,
    note: Option<String>,
}

/// `POST /api/v1/workers/{id}/stop`: the worker died or left; future months stop.
pub async fn stop(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<StopInput>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    worker_in_scope(&state, p, id).await?;
    let reason = match body.reason.as_str() {
        "deceased" => StopReason::Deceased,
        "left" => StopReason::Left,
        other => {
            return Err(ApiError::bad_request(
                "invalid_reason",
                format!("Alasan \"{other}\" harus deceased (meninggal) atau left (keluar)."),
                format!("The reason \"{other}\" must be deceased or left."),
            ))
        }
    };
    let on = chrono::NaiveDate::parse_from_str(&body.on, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(
            "invalid_date",
            format!("Tanggal \"{}\" harus berbentuk TTTT-BB-HH.", body.on),
            format!("The date \"{}\" must look like YYYY-MM-DD.", body.on),
        )
    })?;
    match lifecycle::stop_worker(
        &state.db,
        id,
        reason,
        on,
        body.note.as_deref(),
        p.user_id,
        state.clock.now(),
    )
    .await?
    {
        Ok(s) => Ok(Json(serde_json::to_value(s).unwrap_or_default())),
        Err(problem) => Err(ApiError::conflict(problem.code, problem.id, problem.en)),
    }
}

#[derive(Deserialize)]
pub struct GraduationQuery {
    by: Option<String>,
    as_of: Option<String>,
}

/// `GET /api/v1/graduation?by=donor|region&as_of=YYYY-MM`.
pub async fn graduation(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<GraduationQuery>,
) -> Result<Json<Value>> {
    caller.require(&READERS)?;
    let as_of = match q.as_of.as_deref() {
        None | Some("") => Month::of(crate::clock::today()),
        Some(s) => month_param(s)?,
    };
    let by = match q.by.as_deref() {
        Some("region") => GraduationBy::Region,
        _ => GraduationBy::Donor,
    };
    let rows = lifecycle::graduation(&state.db, as_of, by).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|g| {
            json!({
                "key": g.key, "name": g.name, "ended": g.ended,
                "after": g.after.iter().map(|(k, n, paying)| json!({
                    "months": k, "workers": n, "paying": paying,
                    "share": if *n > 0 { Some(*paying as f64 / *n as f64) } else { None },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "as_of": as_of.to_string(), "items": items })))
}

/// `GET /api/v1/cycle/{month}`: the month's three-way reconciliation.
pub async fn reconciliation(
    caller: Caller,
    State(state): State<AppState>,
    Path(month): Path<String>,
) -> Result<Json<Value>> {
    caller.require(&READERS)?;
    let r = reconcile::month(&state.db, month_param(&month)?).await?;
    Ok(Json(serde_json::to_value(r).unwrap_or_default()))
}

#[derive(Deserialize)]
pub struct OutboxQuery {
    status: Option<String>,
}

/// `GET /api/v1/outbox?status=`: messages, newest first (recipients are contact data: staff
/// only).
pub async fn list_outbox(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> Result<Json<Value>> {
    caller.require(&STAFF)?;
    let items = outbox::list(&state.db, q.status.as_deref(), 200).await?;
    let (counts, stuck) = outbox::counts(&state.db, chrono::Utc::now()).await?;
    Ok(Json(json!({
        "counts": counts.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "stuck": stuck,
        "items": items,
    })))
}

/// `GET /api/v1/donors/{id}/preferences`: the donor themself, or staff.
pub async fn preferences(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let p = crate::usecase::account::preferences(state.ctx(&caller.0), id).await?;
    Ok(Json(serde_json::to_value(p).unwrap_or_default()))
}

#[derive(Deserialize)]
pub struct PreferencesInput {
    email: Option<String>,
    public_name: bool,
    leftover_to_pool: bool,
}

/// `PUT /api/v1/donors/{id}/preferences`: where reminders go, whether the public page may name
/// the donor, and where a stopped month's money goes.
pub async fn set_preferences(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<PreferencesInput>,
) -> Result<Json<Value>> {
    let input = crate::usecase::account::PreferencesInput {
        email: body.email,
        public_name: body.public_name,
        leftover_to_pool: body.leftover_to_pool,
    };
    let p = crate::usecase::account::set_preferences(state.ctx(&caller.0), id, input).await?;
    Ok(Json(serde_json::to_value(p).unwrap_or_default()))
}
