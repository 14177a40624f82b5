//! After the funded months, over the API: self-payments, death or leaving, graduation, the
//! month's reconciliation, the outbox, and a donor's preferences.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{Json, Path, Query, Text};
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::Principal;
use crate::db::audit::Actor;
use crate::db::lifecycle::{self, GraduationBy, Recorded, SelfPayment, StopReason};
use crate::db::{outbox, reconcile, workers};
use axum::extract::State;
use lingkaran_domain::rates::Month;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

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

#[derive(Deserialize, ToSchema)]
pub struct SelfPaymentInput {
    /// YYYY-MM.
    month: String,
    /// What the worker paid, in rupiah.
    amount: i64,
    reference: Option<String>,
}

/// A self-payment recorded (`recorded` false: that month was recorded before).
#[derive(Serialize, ToSchema)]
pub struct SelfPaymentRecorded {
    recorded: bool,
    worker_id: i64,
    /// YYYY-MM.
    month: String,
    /// The worker's status now (`mandiri` once they pay alone).
    status: String,
}

/// `POST /api/v1/workers/{id}/self-payments`: an officer records a month the worker paid alone.
#[utoipa::path(post, path = "/api/v1/workers/{id}/self-payments", tag = "lifecycle",
    summary = "Record a month the worker paid alone {month, amount, reference}; the worker becomes mandiri",
    description = "Roles: admin, officer in the worker's region.",
    params(("id" = i64, Path, description = "The worker's id")),
    responses(
        (status = 200, description = "Recorded, or recorded before", body = SelfPaymentRecorded),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such worker in your region", body = ErrorEnvelope),
        (status = 422, description = "The month or amount do not hold, or a donor pays that month", body = ErrorEnvelope),
    ))]
pub async fn self_payment(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<SelfPaymentInput>,
) -> Result<Json<SelfPaymentRecorded>> {
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
    match lifecycle::record_self_payment(&state.db, &sp, Actor::of(p), state.clock.now()).await? {
        Ok(Recorded::New { status, .. }) => Ok(Json(SelfPaymentRecorded {
            recorded: true,
            worker_id: id,
            month: month.to_string(),
            status: status.to_string(),
        })),
        Ok(Recorded::Duplicate { .. }) => Ok(Json(SelfPaymentRecorded {
            recorded: false,
            worker_id: id,
            month: month.to_string(),
            status: w.status,
        })),
        Err(problem) => Err(ApiError::invalid(vec![problem])),
    }
}

/// `POST /api/v1/self-payments/import`: the insurer's data as CSV `nik,bulan,iuran[,referensi]`
/// in the body. Bad lines are listed; the rest are recorded.
#[utoipa::path(post, path = "/api/v1/self-payments/import", tag = "lifecycle",
    summary = "Import self-payments from the insurer's data (CSV body nik,bulan,iuran[,referensi])",
    description = "Roles: admin, officer (workers in their regions; a line for another region's worker is refused as `unknown_nik`).",
    request_body(content = String, description = "CSV with a header: `nik,bulan,iuran[,referensi]`", content_type = "text/csv"),
    responses(
        (status = 200, description = "What was recorded, and the lines that were not", body = lifecycle::SelfPaymentImport),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "The first line is not the header `nik,bulan,iuran[,referensi]` (`bad_header`); nothing was recorded", body = ErrorEnvelope),
    ))]
pub async fn import_self_payments(
    caller: Caller,
    State(state): State<AppState>,
    Text(body): Text,
) -> Result<Json<lifecycle::SelfPaymentImport>> {
    let p = caller.require(&STAFF)?;
    lifecycle::self_payment_header(&body).map_err(|e| ApiError::invalid(vec![e]))?;
    let now = state.clock.now();
    // An officer records self-payments of the workers in their regions only; a line for
    // any other reads as an unregistered NIK.
    let r = lifecycle::import_self_payments(
        &state.db,
        &body,
        crate::usecase::privacy::regions_of(p),
        crate::db::audit::Actor::of(p),
        crate::clock::wib_date(now),
        now,
    )
    .await?;
    Ok(Json(r))
}

#[derive(Deserialize, ToSchema)]
pub struct StopInput {
    /// `deceased` or `left`.
    reason: String,
    /// YYYY-MM-DD.
    on: String,
    note: Option<String>,
}

/// `POST /api/v1/workers/{id}/stop`: the worker died or left; future months stop.
#[utoipa::path(post, path = "/api/v1/workers/{id}/stop", tag = "lifecycle",
    summary = "The worker died or left {reason: deceased|left, on, note}: future months stop, their money goes back",
    description = "Roles: admin, officer in the worker's region.",
    params(("id" = i64, Path, description = "The worker's id")),
    responses(
        (status = 200, description = "The months stopped and where their money went", body = lifecycle::Stopped),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such worker in your region", body = ErrorEnvelope),
        (status = 409, description = "The worker cannot be stopped so (already stopped, a day out of range)", body = ErrorEnvelope),
        (status = 422, description = "Unknown reason or a date that is not YYYY-MM-DD", body = ErrorEnvelope),
    ))]
pub async fn stop(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<StopInput>,
) -> Result<Json<lifecycle::Stopped>> {
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
    if let Some(note) = &body.note {
        lingkaran_domain::fields::check_len(
            "Catatan",
            "The note",
            note,
            lingkaran_domain::fields::NOTE_MAX,
        )
        .map_err(|p| ApiError::invalid(vec![p]))?;
    }
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
        crate::db::audit::Actor::of(p),
        state.clock.now(),
    )
    .await?
    {
        Ok(s) => Ok(Json(s)),
        Err(problem) => Err(ApiError::conflict(problem.code, problem.id, problem.en)),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GraduationQuery {
    /// `donor` (default) or `region`.
    by: Option<String>,
    /// YYYY-MM (default: this month).
    as_of: Option<String>,
}

/// How many of a group's workers pay alone some months after their sponsored months ended.
#[derive(Serialize, ToSchema)]
pub struct After {
    months: u32,
    workers: i64,
    paying: i64,
    /// `paying / workers`; `null` with no workers.
    share: Option<f64>,
}

/// One donor's or region's sponsored workers.
#[derive(Serialize, ToSchema)]
pub struct GraduationItem {
    key: String,
    name: String,
    /// Workers whose sponsored months ended.
    ended: i64,
    after: Vec<After>,
}

/// Graduation: who goes on paying alone.
#[derive(Serialize, ToSchema)]
pub struct Graduation {
    /// YYYY-MM.
    as_of: String,
    items: Vec<GraduationItem>,
}

/// `GET /api/v1/graduation?by=donor|region&as_of=YYYY-MM`.
#[utoipa::path(get, path = "/api/v1/graduation", tag = "lifecycle",
    summary = "Share of sponsored workers paying alone 3, 6 and 12 months after (?by=donor|region&as_of=YYYY-MM)",
    description = "Roles: admin, officer, viewer.",
    params(GraduationQuery),
    responses(
        (status = 200, description = "By donor or region", body = Graduation),
        (status = 403, description = "Not staff or a viewer (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "`as_of` is not YYYY-MM (`invalid_month`)", body = ErrorEnvelope),
    ))]
pub async fn graduation(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<GraduationQuery>,
) -> Result<Json<Graduation>> {
    let as_of = match q.as_of.as_deref() {
        None | Some("") => Month::of(crate::clock::today()),
        Some(s) => month_param(s)?,
    };
    let by = match q.by.as_deref() {
        Some("region") => GraduationBy::Region,
        _ => GraduationBy::Donor,
    };
    let rows = crate::usecase::cycle::graduation(state.ctx(&caller.0), as_of, by).await?;
    let items = rows
        .iter()
        .map(|g| GraduationItem {
            key: g.key.clone(),
            name: g.name.clone(),
            ended: g.ended,
            after: g
                .after
                .iter()
                .map(|&(months, workers, paying)| After {
                    months,
                    workers,
                    paying,
                    share: (workers > 0).then(|| paying as f64 / workers as f64),
                })
                .collect(),
        })
        .collect();
    Ok(Json(Graduation {
        as_of: as_of.to_string(),
        items,
    }))
}

/// `GET /api/v1/cycle/{month}`: the month's three-way reconciliation.
#[utoipa::path(get, path = "/api/v1/cycle/{month}", tag = "cycle",
    summary = "The month's three-way reconciliation: funded ↔ remitted ↔ confirmed, rejected and late months",
    description = "Roles: admin, officer, viewer. Totals for all; rejected months only of workers in the caller's regions (a viewer sees masked names).",
    params(("month" = String, Path, description = "YYYY-MM")),
    responses(
        (status = 200, description = "The reconciliation", body = reconcile::Reconciliation),
        (status = 403, description = "Not staff or a viewer (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "The month is not YYYY-MM (`invalid_month`)", body = ErrorEnvelope),
    ))]
pub async fn reconciliation(
    caller: Caller,
    State(state): State<AppState>,
    Path(month): Path<String>,
) -> Result<Json<reconcile::Reconciliation>> {
    let month = month_param(&month)?;
    Ok(Json(
        crate::usecase::cycle::reconciliation(state.ctx(&caller.0), month).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sending`, `sent` or `failed`.
    status: Option<String>,
}

/// Messages, newest first, with counts by status.
#[derive(Serialize, ToSchema)]
pub struct Outbox {
    /// Messages by status.
    counts: BTreeMap<String, i64>,
    /// Messages claimed for sending long ago and never marked: look at them.
    stuck: i64,
    /// The messages (recipients and bodies are contact data): an admin's list, recorded in
    /// the audit trail; empty for an officer, who sees the counts.
    items: Vec<outbox::Message>,
}

/// `GET /api/v1/outbox?status=`: messages, newest first (recipients are contact data: staff
/// only).
#[utoipa::path(get, path = "/api/v1/outbox", tag = "messages",
    summary = "Messages to donors and workers (?status=pending|sending|sent|failed), with counts",
    description = "Roles: admin (the messages, each reading recorded in the audit trail), officer (the counts only).",
    params(OutboxQuery),
    responses(
        (status = 200, description = "Up to 200 messages", body = Outbox),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn list_outbox(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> Result<Json<Outbox>> {
    let o =
        crate::usecase::messages::outbox(state.ctx(&caller.0), q.status.as_deref(), 200).await?;
    Ok(Json(Outbox {
        counts: o.counts.into_iter().collect(),
        stuck: o.stuck,
        items: o.items.unwrap_or_default(),
    }))
}

/// `GET /api/v1/donors/{id}/preferences`: the donor themself, or staff.
#[utoipa::path(get, path = "/api/v1/donors/{id}/preferences", tag = "donors",
    summary = "A donor's e-mail for reminders, how it is named (publicly, on receipts, its total on /transparansi), and where stopped months' money goes",
    description = "Roles: the donor, admin, officer.",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The preferences", body = crate::db::donors::Preferences),
        (status = 403, description = "Not this donor or staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor", body = ErrorEnvelope),
    ))]
pub async fn preferences(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<crate::db::donors::Preferences>> {
    let p = crate::usecase::account::preferences(state.ctx(&caller.0), id).await?;
    Ok(Json(p))
}

/// The preferences to set. `email`, `public_name` and `leftover_to_pool` are set as given
/// (an absent or empty `email`: none); the naming fields added later (`receipt_name`,
/// `show_total`) may be left out, which leaves them as they are, so a client written before
/// them changes nothing it does not know.
#[derive(Deserialize, ToSchema)]
pub struct PreferencesInput {
    email: Option<String>,
    /// Named on the public pages (`/transparansi`, `/verifikasi`, `/perlindungan`); `false`:
    /// "donatur anonim" there (staff still know who the donor is).
    public_name: bool,
    leftover_to_pool: bool,
    /// The name printed on the donor's receipts and, when `public_name`, on `/verifikasi`:
    /// trimmed, at most 200 characters, no control characters (else 422 `bad_receipt_name`).
    /// Absent: unchanged; `null` or `""`: the donor's registered name.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    receipt_name: Option<Option<String>>,
    /// Whether `/transparansi` lists the donor with its amount (when `public_name`); `false`:
    /// its donations are summed into the anonymous line of its kind, still in every total.
    /// Absent or `null`: unchanged.
    show_total: Option<bool>,
}

/// A field that is present (`Some`, its value possibly `null`), as against absent (`None`,
/// by `#[serde(default)]`).
fn present<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// `PUT /api/v1/donors/{id}/preferences`: where reminders go, how the donor is named, and
/// where a stopped month's money goes.
#[utoipa::path(put, path = "/api/v1/donors/{id}/preferences", tag = "donors",
    summary = "Set {email, public_name, leftover_to_pool, receipt_name, show_total}",
    description = "Roles: the donor, admin, officer. `receipt_name` and `show_total` may be left out: absent, they stay as they are.",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The preferences now", body = crate::db::donors::Preferences),
        (status = 403, description = "Not this donor or staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor", body = ErrorEnvelope),
        (status = 422, description = "The e-mail address (`invalid_email`) or the name on receipts (`bad_receipt_name`) does not hold; nothing is changed", body = ErrorEnvelope),
    ))]
pub async fn set_preferences(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<PreferencesInput>,
) -> Result<Json<crate::db::donors::Preferences>> {
    let input = crate::usecase::account::PreferencesInput {
        email: body.email,
        public_name: body.public_name,
        leftover_to_pool: body.leftover_to_pool,
        receipt_name: body.receipt_name.map(Option::unwrap_or_default),
        show_total: body.show_total,
    };
    let p = crate::usecase::account::set_preferences(state.ctx(&caller.0), id, input).await?;
    Ok(Json(p))
}
