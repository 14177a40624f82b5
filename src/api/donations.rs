//! Donations through the API: a donor (or an officer for them) chooses workers by NIK, by
//! criteria or by budget; the answer carries the price, the held workers and the invoice.

use super::error::{ApiError, Result};
use super::extract::Caller;
use super::wire::{problem_json, region_json};
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::{Principal, Role};
use crate::db::donations::{
    self, Choice, Criteria, DonationRow, DonationWorker, InvoiceRow, NewDonation,
};
use crate::db::donors::{self, Donor};
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

/// A donation the caller may see: staff see all, a donor account its own.
pub(crate) async fn visible(state: &AppState, p: &Principal, id: i64) -> Result<DonationRow> {
    let d = donations::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donasi"))?;
    if STAFF.contains(&p.role) {
        return Ok(d);
    }
    if p.role == Role::Donor {
        let own = donors::list(&state.db, Some(p.user_id)).await?;
        if own.iter().any(|o| o.id == d.donor_id) {
            return Ok(d);
        }
    }
    Err(ApiError::not_found("Donasi"))
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
        "status": i.status, "created_at": i.created_at.to_rfc3339(), "expires_at": i.expires_at.to_rfc3339(),
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
        "status": d.status,
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

/// "Siti Rahayu" → "S. R.": what a donor sees of a worker's name.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A funded worker as the caller may see them: staff see the whole NIK and name; a donor
/// sees the masked NIK and the initials.
pub fn donation_worker_json(w: &DonationWorker, full: bool) -> Value {
    let occ = Occupation::parse(&w.occupation);
    json!({
        "worker_id": w.worker_id,
        "nik": if full { w.nik.clone() } else { nik::mask(&w.nik) },
        "name": if full { w.full_name.clone() } else { initials(&w.full_name) },
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

fn bad(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, id, en)
}

fn parse_criteria(c: Option<CriteriaInput>) -> Result<Criteria> {
    let c = c.unwrap_or_default();
    let table = crate::regions::RegionTable::get();
    let region = c
        .region
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if let Some(r) = &region {
        if table.region(r).is_none() {
            return Err(bad(
                "unknown_region",
                format!("Wilayah {r} tidak dikenal (contoh: 35.25 untuk Kabupaten Gresik)."),
                format!("Region {r} does not exist (e.g. 35.25 for Kabupaten Gresik)."),
            ));
        }
    }
    let occupation = match c
        .occupation
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(o) => Some(
            Occupation::parse(o)
                .ok_or_else(|| {
                    bad(
                        "unknown_occupation",
                        format!("Pekerjaan \"{o}\" tidak dikenal."),
                        format!("Occupation \"{o}\" is not known."),
                    )
                })?
                .code()
                .to_string(),
        ),
        None => None,
    };
    let sex = match c.sex.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            match lingkaran_domain::Sex::parse(s) {
                Some(lingkaran_domain::Sex::Male) => "M",
                Some(lingkaran_domain::Sex::Female) => "F",
                None => {
                    return Err(bad(
                        "invalid_sex",
                        format!("Jenis kelamin \"{s}\" harus L atau P."),
                        format!("Sex \"{s}\" must be M or F."),
                    ))
                }
            }
            .to_string(),
        ),
        None => None,
    };
    if let Some(d) = c.max_decile {
        if !(1..=10).contains(&d) {
            return Err(bad(
                "invalid_decile",
                "Desil kemiskinan 1 sampai 10.",
                "The poverty decile is 1 to 10.",
            ));
        }
    }
    Ok(Criteria {
        region,
        occupation,
        sex,
        max_decile: c.max_decile,
    })
}

/// The start month: the one asked for, or the first whose due date (the 15th) has not
/// passed. A month already past its due date cannot be paid for any more, and one more than
/// `max_ahead` months after the first payable one cannot be paid for yet.
pub(crate) fn parse_start(
    start: Option<&str>,
    today: chrono::NaiveDate,
    max_ahead: u32,
) -> Result<Month> {
    let first = Month::first_payable(today);
    match start.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(first),
        Some(s) => {
            let m = Month::parse(s).ok_or_else(|| {
                bad(
                    "invalid_start",
                    format!("Bulan mulai \"{s}\" harus berbentuk TTTT-BB, misalnya {first}."),
                    format!("The start month \"{s}\" must look like YYYY-MM, e.g. {first}."),
                )
            })?;
            if m < first {
                return Err(bad(
                    "start_past_due",
                    format!("Iuran bulan {m} sudah lewat jatuh tempo (tanggal 15); bulan paling awal yang bisa didanai adalah {first}."),
                    format!("Contributions for {m} are past their due date (the 15th); the earliest month that can be funded is {first}."),
                ));
            }
            check_ahead(m, today, max_ahead)?;
            Ok(m)
        }
    }
}

/// Refuses a start more than `max_ahead` months after the first payable month: a hold far
/// in the future would keep workers from donors who would pay now.
pub(crate) fn check_ahead(m: Month, today: chrono::NaiveDate, max_ahead: u32) -> Result<()> {
    let latest = Month::first_payable(today).plus(max_ahead);
    if m > latest {
        return Err(bad(
            "start_too_far",
            format!("Donasi paling jauh dimulai {max_ahead} bulan ke depan, yaitu {latest}; bulan {m} terlalu jauh."),
            format!("A donation may start at most {max_ahead} months ahead, that is {latest}; {m} is too far."),
        ));
    }
    Ok(())
}

pub(crate) fn parse_months(months: Option<i64>) -> Result<u32> {
    match months {
        Some(m @ 1..=12) => Ok(m as u32),
        other => Err(bad(
            "invalid_months",
            format!(
                "Lama pendanaan 1 sampai 12 bulan, bukan {}.",
                other
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "kosong".into())
            ),
            format!(
                "A donation lasts 1 to 12 months, not {}.",
                other
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "nothing".into())
            ),
        )),
    }
}

/// What `POST /donations` answers: the donation, its invoice, and what it could not do.
pub(crate) async fn created_json(state: &AppState, made: &donations::Created) -> Result<Value> {
    let d = donations::get(&state.db, made.id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donasi"))?;
    let inv = donations::invoice_of(&state.db, made.id).await?;
    let mut v = donation_json(&d, inv.as_ref());
    v["shortfall"] = json!(made.shortfall);
    v["skipped"] = json!(made
        .skipped
        .iter()
        .map(|(nik, p)| json!({ "nik": nik, "problem": problem_json(p) }))
        .collect::<Vec<_>>());
    Ok(v)
}

/// The donation a request asks for, checked; and whether to pay it from credit.
fn new_donation(
    state: &AppState,
    p: &Principal,
    donor: &Donor,
    input: DonationInput,
) -> Result<(NewDonation, bool)> {
    let today = crate::clock::today();
    let months = parse_months(input.months)?;
    let start = parse_start(
        input.start.as_deref(),
        today,
        state.settings.max_months_ahead,
    )?;
    let choice = match input.mode.as_str() {
        "named" => {
            let niks = input.niks.clone().unwrap_or_default();
            if niks.is_empty() || niks.len() > 100_000 {
                return Err(bad(
                    "niks_required",
                    "Sebutkan 1 sampai 100.000 NIK pekerja (niks).",
                    "Give 1 to 100,000 workers' NIKs (niks).",
                ));
            }
            let niks = donations::parse_named(&niks, today).map_err(ApiError::invalid)?;
            Choice::Named {
                niks,
                skip_unavailable: input.skip_unavailable,
            }
        }
        "criteria" => {
            let count = input.count.unwrap_or(0);
            if !(1..=1_000_000).contains(&count) {
                return Err(bad(
                    "invalid_count",
                    "Jumlah pekerja (count) 1 sampai 1.000.000.",
                    "The number of workers (count) is 1 to 1,000,000.",
                ));
            }
            Choice::Criteria {
                criteria: parse_criteria(input.criteria)?,
                count,
            }
        }
        "budget" => {
            let rupiah_in = input.budget.unwrap_or(0);
            if rupiah_in <= 0 {
                return Err(bad(
                    "invalid_budget",
                    "Anggaran (budget) dalam rupiah, lebih dari Rp 0.",
                    "The budget is in rupiah, more than Rp 0.",
                ));
            }
            Choice::Budget {
                criteria: parse_criteria(input.criteria)?,
                rupiah: rupiah_in,
            }
        }
        other => {
            return Err(bad(
                "invalid_mode",
                format!(
                    "Cara memilih pekerja \"{other}\" tidak dikenal: named, criteria atau budget."
                ),
                format!("Unknown way to choose workers \"{other}\": named, criteria or budget."),
            ))
        }
    };
    if input.budget_line_id.is_some() && donor.kind != "government" {
        return Err(bad(
            "not_government",
            "Hanya donatur pemerintah yang memakai mata anggaran.",
            "Only government donors have budget lines.",
        ));
    }
    let request = json!({
        "mode": input.mode, "niks": input.niks.as_ref().map(|n| n.len()), "criteria": match &choice {
            Choice::Criteria { criteria, .. } | Choice::Budget { criteria, .. } => json!({
                "region": criteria.region, "occupation": criteria.occupation, "sex": criteria.sex, "max_decile": criteria.max_decile,
            }),
            Choice::Named { .. } => Value::Null,
        },
        "count": input.count, "budget": input.budget, "months": months, "start": start.to_string(),
    });
    Ok((
        NewDonation {
            donor_id: donor.id,
            budget_line_id: input.budget_line_id,
            choice,
            start,
            months,
            extends_id: None,
            created_by: p.user_id,
            hold: state.settings.hold,
            request_json: request.to_string(),
            today,
        },
        input.pay_from_credit,
    ))
}

/// Makes the donation and, when asked, pays it from the donor's credit.
pub(crate) async fn make(
    state: &AppState,
    p: &Principal,
    donor: &Donor,
    input: DonationInput,
) -> Result<Value> {
    let (d, pay_from_credit) = new_donation(state, p, donor, input)?;
    let made = donations::create_limited(&state.db, &d, Some(state.settings.self_donor_limits))
        .await?
        .map_err(ApiError::invalid)?;
    if pay_from_credit {
        donations::settle(&state.db, made.id, Some(p.user_id), state.clock.now()).await?;
    }
    created_json(state, &made).await
}

/// What the donation would be, made and rolled back: the workers it would choose now and
/// their exact price, by the same code that writes the invoice. Nothing is held.
pub(crate) async fn review(
    state: &AppState,
    p: &Principal,
    donor: &Donor,
    input: DonationInput,
) -> Result<donations::Preview> {
    let (d, _) = new_donation(state, p, donor, input)?;
    donations::preview(&state.db, &d, Some(state.settings.self_donor_limits))
        .await?
        .map_err(ApiError::invalid)
}

pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<DonationInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let donor = acting_donor(&state, p, input.donor_id).await?;
    let v = make(&state, p, &donor, input).await?;
    Ok((StatusCode::CREATED, Json(v)))
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
    let d = visible(&state, &caller.0, id).await?;
    let inv = donations::invoice_of(&state.db, id).await?;
    Ok(Json(donation_json(&d, inv.as_ref())))
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
    let d = visible(&state, &caller.0, id).await?;
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

/// The same workers again, for more months: a named donation of the workers this donation
/// funded, starting after it ends (or later), skipping any another donor funds meanwhile.
pub async fn extend(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<ExtendInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let d = visible(&state, p, id).await?;
    if d.status != "funded" {
        return Err(ApiError::conflict(
            "not_funded",
            "Hanya donasi yang sudah terbayar yang dapat diperpanjang.",
            "Only a paid donation can be extended.",
        ));
    }
    let today = crate::clock::today();
    let after = Month::from_yyyymm(d.start_month)
        .map(|s| s.plus(u32::try_from(d.months).unwrap_or(0)))
        .unwrap_or_else(|| Month::first_payable(today));
    let ahead = state.settings.max_months_ahead;
    let start = match input.start.as_deref() {
        Some(s) => parse_start(Some(s), today, ahead)?,
        None => after.max(Month::first_payable(today)),
    };
    check_ahead(start, today, ahead)?;
    let months = parse_months(input.months)?;
    let niks: Vec<String> = donations::workers_of(&state.db, d.id, i64::MAX, 0)
        .await?
        .into_iter()
        .filter(|w| w.state.as_deref() == Some("funded"))
        .map(|w| w.nik)
        .collect();
    let donor = donors::get(&state.db, d.donor_id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    let made = donations::create_limited(
        &state.db,
        &NewDonation {
            donor_id: donor.id,
            budget_line_id: d.budget_line_id,
            choice: Choice::Named {
                niks,
                skip_unavailable: true,
            },
            start,
            months,
            extends_id: Some(d.id),
            created_by: p.user_id,
            hold: state.settings.hold,
            request_json: json!({ "mode": "extend", "extends": d.id, "months": months, "start": start.to_string() }).to_string(),
            today,
        },
        Some(state.settings.self_donor_limits),
    )
    .await?
    .map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(created_json(&state, &made).await?),
    ))
}

/// Pays a held donation from the donor's credit.
pub async fn pay_from_credit(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let d = visible(&state, p, id).await?;
    if !donations::settle(&state.db, d.id, Some(p.user_id), state.clock.now()).await? {
        let credit = crate::db::payments::credit_of(&state.db, d.donor_id).await?;
        return Err(ApiError::conflict(
            "credit_insufficient",
            format!(
                "Saldo kredit {} belum cukup untuk donasi {} ({}), atau donasi sudah terbayar.",
                rupiah(credit),
                d.id,
                rupiah(d.total)
            ),
            format!(
                "The credit of {} does not cover donation {} ({}), or it is already paid.",
                rupiah(credit),
                d.id,
                rupiah(d.total)
            ),
        ));
    }
    let d = visible(&state, p, id).await?;
    let inv = donations::invoice_of(&state.db, id).await?;
    Ok(Json(donation_json(&d, inv.as_ref())))
}

/// `POST /api/v1/donations/{id}/cancel`: the donor (or staff) cancels a held donation. Its
/// months are given back as an expired hold's are, its invoice is cancelled; a paid or
/// otherwise ended donation is refused.
pub async fn cancel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let p = caller.require(&[Role::Admin, Role::Officer, Role::Donor])?;
    let d = visible(&state, p, id).await?;
    if let Err(status) = donations::cancel(&state.db, d.id).await? {
        let (why_id, why_en) = match status.as_str() {
            "funded" => (
                "sudah dibayar; uangnya sudah menjadi iuran pekerja",
                "is paid; its money already pays the workers' contributions",
            ),
            "expired" => (
                "sudah kedaluwarsa; pekerjanya sudah dilepas",
                "has expired; its workers were already released",
            ),
            "cancelled" => ("sudah dibatalkan", "is already cancelled"),
            _ => ("tidak sedang ditahan", "is not held"),
        };
        return Err(ApiError::conflict(
            "not_held",
            format!("Donasi {id} tidak dapat dibatalkan: donasi ini {why_id}."),
            format!("Donation {id} cannot be cancelled: it {why_en}."),
        ));
    }
    let d = donations::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donasi"))?;
    let inv = donations::invoice_of(&state.db, id).await?;
    Ok(Json(donation_json(&d, inv.as_ref())))
}
