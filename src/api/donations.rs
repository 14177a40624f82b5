//! Donations through the API: a donor (or an officer for them) chooses workers by NIK, by
//! criteria or by budget; the answer carries the price, the held workers and the invoice.
//! Every rule is in `usecase::donations`; a handler reads the JSON, calls the use case and
//! writes its view as JSON.

use super::error::Result;
use super::extract::Caller;
use super::wire::{problem_json, region_json};
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::{Principal, Role};
use crate::db::donations::{self, DonationRow, DonationWorker, InvoiceRow};
use crate::db::donors::Donor;
use crate::usecase::donations::{self as uc, Terms};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use lingkaran_domain::format::{receipt_number, rupiah, ReceiptOf};
use lingkaran_domain::nik;
use lingkaran_domain::rates::Month;
use lingkaran_domain::worker::Occupation;
use serde::Deserialize;
use serde_json::{json, Value};

/// The donor a caller acts for ([`crate::usecase::account::acting_donor`]).
pub(crate) async fn acting_donor(
    state: &AppState,
    p: &Principal,
    donor_id: Option<i64>,
) -> Result<Donor> {
    Ok(crate::usecase::account::acting_donor(state.ctx(p), donor_id).await?)
}

fn month_text(yyyymm: i64) -> String {
    Month::from_yyyymm(yyyymm)
        .map(|m| m.to_string())
        .unwrap_or_default()
}

pub fn invoice_json(i: &InvoiceRow) -> Value {
    json!({
        "id": i.id, "number": i.number, "va_number": i.va_number, "amount": i.amount,
        "amount_text": rupiah(i.amount), "paid": i.paid, "outstanding": i.outstanding(),
        "credit_applied": i.credit_applied, "credit_applied_text": rupiah(i.credit_applied),
        "credit_receipt": i.credit_settlement_id.map(|id| json!({
            "id": id, "number": receipt_number(ReceiptOf::CreditSettlement(id)),
        })),
        "status": i.status.code(), "created_at": i.created_at.to_rfc3339(), "expires_at": i.expires_at.to_rfc3339(),
        "paid_at": i.paid_at.map(|t| t.to_rfc3339()),
    })
}

pub fn donation_json(d: &DonationRow, invoice: Option<&InvoiceRow>) -> Value {
    let start = Month::from_yyyymm(d.start_month);
    let end = start.map(|s| s.plus(u32::try_from(d.months - 1).unwrap_or(0)));
    json!({
        "id": d.id,
        "donor": { "id": d.donor_id, "name": d.donor_name },
        "mode": d.mode,
        "status": d.status.code(),
        "funding": d.funding_source,
        "start": start.map(|m| m.to_string()),
        "end": end.map(|m| m.to_string()),
        "months": d.months,
        "workers": d.workers,
        "total": d.total,
        "total_text": rupiah(d.total),
        "funded_total": d.funded_total,
        "budget_line_id": d.budget_line_id,
        "extends_id": d.extends_id,
        "request": serde_json::from_str::<Value>(&d.request).unwrap_or(Value::Null),
        "created_at": d.created_at.to_rfc3339(),
        "hold_expires_at": d.hold_expires_at.to_rfc3339(),
        "funded_at": d.funded_at.map(|t| t.to_rfc3339()),
        "invoice": invoice.map(invoice_json),
    })
}

/// A funded worker as the caller may see them: staff see the whole NIK and name; a donor
/// sees the masked NIK and the initials.
pub fn donation_worker_json(w: &DonationWorker, full: bool) -> Value {
    let occ = Occupation::parse(&w.occupation);
    json!({
        "worker_id": w.worker_id,
        "nik": if full { w.nik.clone() } else { nik::mask(&w.nik) },
        "name": if full { w.full_name.clone() } else { uc::initials(&w.full_name) },
        "village": region_json(&w.village_code),
        "occupation": { "code": w.occupation, "label": occ.map(|o| o.label("id")), "label_en": occ.map(|o| o.label("en")) },
        "months": w.months,
        "first_month": w.first_month.map(month_text),
        "last_month": w.last_month.map(month_text),
        "state": w.state,
        "rank": w.rank,
        "why": w.reason_id,
        "why_en": w.reason_en,
    })
}

#[derive(Deserialize, Default)]
pub struct CriteriaInput {
    region: Option<String>,
    occupation: Option<String>,
    sex: Option<String>,
    max_decile: Option<i64>,
}

#[derive(Deserialize)]
pub struct DonationInput {
    donor_id: Option<i64>,
    /// `named`, `criteria` or `budget`.
    mode: String,
    niks: Option<Vec<String>>,
    #[serde(default)]
    skip_unavailable: bool,
    criteria: Option<CriteriaInput>,
    count: Option<i64>,
    budget: Option<i64>,
    months: Option<i64>,
    start: Option<String>,
    budget_line_id: Option<i64>,
    #[serde(default)]
    pay_from_credit: bool,
}

impl From<DonationInput> for uc::DonationInput {
    fn from(i: DonationInput) -> uc::DonationInput {
        uc::DonationInput {
            donor_id: i.donor_id,
            mode: i.mode,
            niks: i.niks,
            skip_unavailable: i.skip_unavailable,
            criteria: i.criteria.map(|c| uc::CriteriaInput {
                region: c.region,
                occupation: c.occupation,
                sex: c.sex,
                max_decile: c.max_decile,
            }),
            count: i.count,
            budget: i.budget,
            months: i.months,
            start: i.start,
            budget_line_id: i.budget_line_id,
            pay_from_credit: i.pay_from_credit,
        }
    }
}

/// What `POST /donations` answers: the donation, its invoice, and what it could not do.
fn made_json(made: &uc::Made) -> Value {
    let mut v = donation_json(&made.donation, made.invoice.as_ref());
    v["shortfall"] = json!(made.shortfall);
    v["skipped"] = json!(made
        .skipped
        .iter()
        .map(|(nik, p)| json!({ "nik": nik, "problem": problem_json(p) }))
        .collect::<Vec<_>>());
    v
}

fn shown_json(s: &uc::Shown) -> Value {
    donation_json(&s.donation, s.invoice.as_ref())
}

pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<DonationInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let made = uc::make(
        state.ctx(&caller.0),
        Terms::of(&state.settings),
        input.into(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(made_json(&made))))
}

#[derive(Deserialize)]
pub struct ListQuery {
    donor_id: Option<i64>,
}

pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let donor = match p.role {
        Role::Donor => Some(acting_donor(&state, p, q.donor_id).await?.id),
        _ => q.donor_id,
    };
    let rows = donations::list(&state.db, donor, 500).await?;
    let mut out = Vec::with_capacity(rows.len());
    for d in &rows {
        let inv = donations::invoice_of(&state.db, d.id).await?;
        out.push(donation_json(d, inv.as_ref()));
    }
    Ok(Json(json!({ "donations": out })))
}

pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let s = uc::show(state.ctx(&caller.0), id).await?;
    Ok(Json(shown_json(&s)))
}

#[derive(Deserialize)]
pub struct Page {
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn workers(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(page): Query<Page>,
) -> Result<Json<Value>> {
    let d = uc::visible(state.ctx(&caller.0), id).await?;
    let limit = page.limit.unwrap_or(100).clamp(1, 1000);
    let offset = page.offset.unwrap_or(0).max(0);
    let rows = donations::workers_of(&state.db, d.id, limit, offset).await?;
    let full = STAFF.contains(&caller.0.role);
    Ok(Json(json!({
        "donation_id": d.id,
        "workers": rows.iter().map(|w| donation_worker_json(w, full)).collect::<Vec<_>>(),
        "limit": limit, "offset": offset, "total": d.workers,
    })))
}

#[derive(Deserialize)]
pub struct ExtendInput {
    months: Option<i64>,
    start: Option<String>,
}

/// The same workers again, for more months (`usecase::donations::extend`).
pub async fn extend(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<ExtendInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let input = uc::ExtendInput {
        months: input.months,
        start: input.start,
    };
    let made = uc::extend(state.ctx(&caller.0), Terms::of(&state.settings), id, input).await?;
    Ok((StatusCode::CREATED, Json(made_json(&made))))
}

/// Pays a held donation from the donor's credit (`usecase::donations::pay_from_credit`).
pub async fn pay_from_credit(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let s = uc::pay_from_credit(state.ctx(&caller.0), id).await?;
    Ok(Json(shown_json(&s)))
}

/// `POST /api/v1/donations/{id}/cancel`: the donor (or staff) cancels a held donation
/// (`usecase::donations::cancel`).
pub async fn cancel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let s = uc::cancel(state.ctx(&caller.0), id).await?;
    Ok(Json(shown_json(&s)))
}
