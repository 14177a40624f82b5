//! Donations through the API: a donor (or an officer for them) chooses workers by NIK, by
//! criteria or by budget; the answer carries the price, the held workers and the invoice.
//! Every rule is in `usecase::donations`; a handler reads the JSON, calls the use case and
//! writes its view as JSON.

use super::error::{ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{Json, Path, Query};
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::db::donations::{self, DonationRow, InvoiceRow};
use crate::db::donors::Donor;
use crate::usecase::donation_workers as dw;
use crate::usecase::donations as uc;
use crate::wire::{problem_json, Labelled, Message, Named, RegionName};
use axum::extract::State;
use axum::http::StatusCode;
use lingkaran_domain::format::rupiah;
use lingkaran_domain::rates::Month;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// The donor a caller acts for ([`crate::usecase::account::acting_donor`]).
pub(crate) async fn acting_donor(
    state: &AppState,
    p: &Principal,
    donor_id: Option<i64>,
) -> Result<Donor> {
    Ok(crate::usecase::account::acting_donor(state.ctx(p), donor_id).await?)
}

/// The receipt of a donation paid from credit (`KW/2026/000123`, numbered with the payments).
#[derive(Serialize, ToSchema)]
pub struct CreditReceiptRef {
    pub id: i64,
    pub number: String,
}

/// An invoice: what to pay, to which virtual account, and what has been paid.
#[derive(Serialize, ToSchema)]
pub struct Invoice {
    pub id: i64,
    /// `INV-<year>-<id>`.
    pub number: String,
    /// The virtual account to pay into: `88908` + the donation id in 11 digits.
    pub va_number: String,
    pub amount: i64,
    pub amount_text: String,
    pub paid: i64,
    /// What is left to pay (amount − paid − credit applied; 0 once settled).
    pub outstanding: i64,
    pub credit_applied: i64,
    pub credit_applied_text: String,
    pub credit_receipt: Option<CreditReceiptRef>,
    /// `open`, `paid`, `expired`, `cancelled`.
    pub status: &'static str,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    #[schema(format = DateTime)]
    pub paid_at: Option<String>,
}

pub fn invoice_json(i: &InvoiceRow) -> Invoice {
    Invoice {
        id: i.id,
        number: i.number.clone(),
        va_number: i.va_number.clone(),
        amount: i.amount,
        amount_text: rupiah(i.amount),
        paid: i.paid,
        outstanding: i.outstanding(),
        credit_applied: i.credit_applied,
        credit_applied_text: rupiah(i.credit_applied),
        credit_receipt: i
            .credit_settlement_id
            .zip(i.credit_receipt_number())
            .map(|(id, number)| CreditReceiptRef { id, number }),
        status: i.status.code(),
        created_at: i.created_at.to_rfc3339(),
        expires_at: i.expires_at.to_rfc3339(),
        paid_at: i.paid_at.map(|t| t.to_rfc3339()),
    }
}

/// A donation with its invoice.
#[derive(Serialize, ToSchema)]
pub struct Donation {
    pub id: i64,
    pub donor: Named,
    /// `named`, `criteria` or `budget`.
    pub mode: String,
    /// `held`, `funded`, `expired`, `cancelled`, …
    pub status: &'static str,
    /// The funding source the months were priced for.
    pub funding: String,
    /// The first month, YYYY-MM.
    pub start: Option<String>,
    /// The last month, YYYY-MM.
    pub end: Option<String>,
    pub months: i64,
    pub workers: i64,
    pub total: i64,
    pub total_text: String,
    pub funded_total: i64,
    pub budget_line_id: Option<i64>,
    /// The donation this one extends.
    pub extends_id: Option<i64>,
    /// The request as it was made.
    pub request: Value,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub hold_expires_at: String,
    #[schema(format = DateTime)]
    pub funded_at: Option<String>,
    pub invoice: Option<Invoice>,
}

pub fn donation_json(d: &DonationRow, invoice: Option<&InvoiceRow>) -> Donation {
    let start = Month::from_yyyymm(d.start_month);
    let end = start.map(|s| s.plus(u32::try_from(d.months - 1).unwrap_or(0)));
    Donation {
        id: d.id,
        donor: Named {
            id: d.donor_id,
            name: d.donor_name.clone(),
        },
        mode: d.mode.clone(),
        status: d.status.code(),
        funding: d.funding_source.clone(),
        start: start.map(|m| m.to_string()),
        end: end.map(|m| m.to_string()),
        months: d.months,
        workers: d.workers,
        total: d.total,
        total_text: rupiah(d.total),
        funded_total: d.funded_total,
        budget_line_id: d.budget_line_id,
        extends_id: d.extends_id,
        request: serde_json::from_str::<Value>(&d.request).unwrap_or(Value::Null),
        created_at: d.created_at.to_rfc3339(),
        hold_expires_at: d.hold_expires_at.to_rfc3339(),
        funded_at: d.funded_at.map(|t| t.to_rfc3339()),
        invoice: invoice.map(invoice_json),
    }
}

/// A funded worker as the caller may see them (the gate): an admin and an officer in scope
/// see the whole NIK and name; the donor who funds them sees the mask and the masked name.
/// With what happened to them and to each month this donation paid (issue 14 §1).
#[derive(Serialize, ToSchema)]
pub struct DonationWorker {
    pub worker_id: i64,
    pub nik: String,
    pub name: String,
    pub village: RegionName,
    pub occupation: Labelled,
    /// Months of this donation that protect the worker (not refused by BPJS, not stopped).
    pub months: i64,
    /// YYYY-MM.
    pub first_month: Option<String>,
    /// YYYY-MM.
    pub last_month: Option<String>,
    /// `held` (the donation is not paid yet), `funded`, or null when none of its months is
    /// left.
    pub state: Option<String>,
    /// Where the worker stands today, and since when.
    pub standing: Standing,
    /// The last day a paid month protects the worker ("terlindungi sampai"), any donor's or
    /// their own.
    #[schema(value_type = Option<String>, format = Date)]
    pub protected_until: Option<chrono::NaiveDate>,
    /// Each month of this donation and what became of it.
    pub month_fates: Vec<MonthFate>,
    /// The worker's latest claim, once one is filed.
    pub claim: Option<WorkerClaim>,
    /// Place in the fair order (criteria and budget donations).
    pub rank: i64,
    /// Why this worker was chosen.
    pub why: String,
    pub why_en: String,
}

/// Where a worker stands today.
#[derive(Serialize, ToSchema)]
pub struct Standing {
    /// `protected`, `mandiri` (paying alone), `lapsed`, `deceased`, `left`, `waiting` (back in
    /// the pool) or `held` (the donation is not paid yet).
    pub code: &'static str,
    pub label: &'static str,
    pub label_en: &'static str,
    /// The day the worker took this standing, when recorded.
    #[schema(value_type = Option<String>, format = Date)]
    pub since: Option<chrono::NaiveDate>,
}

/// One month of a donation for one worker.
#[derive(Serialize, ToSchema)]
pub struct MonthFate {
    /// YYYY-MM.
    pub month: String,
    /// `held`, `paid`, `remitted` (sent to BPJS), `confirmed`, `rejected` or `stopped`.
    pub fate: &'static str,
    pub label: String,
    pub label_en: String,
    /// BPJS's reason, for a refused month.
    pub reason: Option<String>,
    /// Rupiah returned to the donor's credit (a refused or stopped month).
    pub returned: Option<i64>,
}

/// A worker's claim: its kind and stage.
#[derive(Serialize, ToSchema)]
pub struct WorkerClaim {
    pub kind: Labelled,
    pub stage: Labelled,
}

pub fn donation_worker_json(s: dw::ShownWorker) -> DonationWorker {
    use lingkaran_domain::outcome::MonthFate as Fate;
    let o = &s.outcome;
    let w = s.row;
    let protecting: Vec<Month> = o
        .months
        .iter()
        .filter(|(_, f)| f.protects())
        .map(|(m, _)| *m)
        .collect();
    let state = match (protecting.is_empty(), &o.standing) {
        (true, _) => None,
        (false, lingkaran_domain::outcome::Standing::Held) => Some("held".to_string()),
        (false, _) => Some("funded".to_string()),
    };
    DonationWorker {
        worker_id: w.worker_id,
        nik: s.nik,
        name: s.name,
        village: RegionName::of(&w.village_code),
        occupation: Labelled::occupation(&w.occupation),
        months: protecting.len() as i64,
        first_month: protecting.first().map(|m| m.to_string()),
        last_month: protecting.last().map(|m| m.to_string()),
        state,
        standing: Standing {
            code: o.standing.code(),
            label: o.standing.label("id"),
            label_en: o.standing.label("en"),
            since: o.since,
        },
        protected_until: o.protected_until,
        month_fates: o
            .months
            .iter()
            .map(|(m, f)| MonthFate {
                month: m.to_string(),
                fate: f.code(),
                label: f.label("id"),
                label_en: f.label("en"),
                reason: match f {
                    Fate::Rejected { reason, .. } => Some(reason.clone()),
                    _ => None,
                },
                returned: match f {
                    Fate::Rejected { amount, .. } | Fate::Stopped { amount } => Some(*amount),
                    _ => None,
                },
            })
            .collect(),
        claim: o.claim.map(|(k, st)| WorkerClaim {
            kind: Labelled {
                code: k.code().to_string(),
                label: Some(k.label("id")),
                label_en: Some(k.label("en")),
            },
            stage: Labelled {
                code: st.code().to_string(),
                label: Some(st.label("id")),
                label_en: Some(st.label("en")),
            },
        }),
        rank: w.rank,
        why: w.reason_id,
        why_en: w.reason_en,
    }
}

#[derive(Deserialize, Default, ToSchema)]
pub struct CriteriaInput {
    /// A region code the workers live in.
    region: Option<String>,
    occupation: Option<String>,
    /// `L` or `P`.
    sex: Option<String>,
    max_decile: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct DonationInput {
    /// The donor (staff acting for one; a donor account acts for itself).
    donor_id: Option<i64>,
    /// `named`, `criteria` or `budget`.
    mode: String,
    /// Named: the workers' NIKs.
    niks: Option<Vec<String>>,
    /// Named: leave out NIKs that cannot be funded instead of refusing.
    #[serde(default)]
    skip_unavailable: bool,
    #[serde(default, deserialize_with = "crate::api::extract::object_or_null")]
    criteria: Option<CriteriaInput>,
    /// Criteria: how many workers.
    count: Option<i64>,
    /// Budget: how much to spend, in rupiah.
    budget: Option<i64>,
    months: Option<i64>,
    /// The first month, YYYY-MM.
    start: Option<String>,
    budget_line_id: Option<i64>,
    /// Pay at once from the donor's credit.
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

/// A NIK a named donation left out, and why.
#[derive(Serialize, ToSchema)]
pub struct Skipped {
    /// Masked (`35.25 •••• •••• ••••`): an extension skips workers whose whole NIK the donor
    /// never saw. The problem names the NIK's place in the request.
    pub nik: String,
    pub problem: Message,
}

/// What `POST /donations` answers: the donation, its invoice, and what it could not do.
#[derive(Serialize, ToSchema)]
pub struct DonationMade {
    #[serde(flatten)]
    pub donation: Donation,
    /// Criteria donations: workers asked for but not found free.
    pub shortfall: i64,
    /// Named donations with `skip_unavailable`: the NIKs left out.
    pub skipped: Vec<Skipped>,
}

fn made_json(made: &uc::Made) -> DonationMade {
    DonationMade {
        donation: donation_json(&made.donation, made.invoice.as_ref()),
        shortfall: made.shortfall,
        skipped: made
            .skipped
            .iter()
            .map(|(nik, p)| Skipped {
                nik: crate::privacy::gate::mask_nik(nik),
                problem: problem_json(p),
            })
            .collect(),
    }
}

fn shown_json(s: &uc::Shown) -> Donation {
    donation_json(&s.donation, s.invoice.as_ref())
}

/// Refusals of a use case on one donation.
const NOT_YOURS: &str = "Not a donor, staff, or this donor (`forbidden`)";

#[utoipa::path(post, path = "/api/v1/donations", tag = "donations",
    summary = "Donate: choose workers by NIK (named), by criteria and count, or by budget; holds their months and issues an invoice with a virtual-account number",
    description = "Roles: admin, officer (for a donor), donor.",
    responses(
        (status = 201, description = "The donation, held, with its invoice", body = DonationMade),
        (status = 403, description = NOT_YOURS, body = ErrorEnvelope),
        (status = 404, description = "No such donor or budget line", body = ErrorEnvelope),
        (status = 409, description = "A hold limit is reached, or the budget line's ceiling", body = ErrorEnvelope),
        (status = 422, description = "The request does not hold: months, start, criteria, mode, NIKs", body = ErrorEnvelope),
    ))]
pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<DonationInput>,
) -> Result<(StatusCode, Json<DonationMade>)> {
    let made = uc::make(state.ctx(&caller.0), state.settings.terms(), input.into()).await?;
    Ok((StatusCode::CREATED, Json(made_json(&made))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this donor's donations.
    donor_id: Option<i64>,
}

/// Donations, newest first.
#[derive(Serialize, ToSchema)]
pub struct DonationList {
    donations: Vec<Donation>,
}

#[utoipa::path(get, path = "/api/v1/donations", tag = "donations",
    summary = "Donations, newest first (a donor sees their own)",
    description = "Roles: admin, officer, donor.",
    params(ListQuery),
    responses(
        (status = 200, description = "Up to 500 donations", body = DonationList),
        (status = 403, description = "Not a donor or staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "A donor asked for another donor's donations", body = ErrorEnvelope),
    ))]
pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<DonationList>> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let donor = match p.role {
        Role::Donor => Some(acting_donor(&state, p, q.donor_id).await?.id),
        _ => q.donor_id,
    };
    let rows = donations::list(&state.db, donor, 500).await?;
    let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
    let invoices = donations::invoices_of_list(&state.db, donor, &ids).await?;
    let out = rows
        .iter()
        .map(|d| donation_json(d, invoices.get(&d.id)))
        .collect();
    Ok(Json(DonationList { donations: out }))
}

#[utoipa::path(get, path = "/api/v1/donations/{id}", tag = "donations",
    summary = "One donation with its invoice",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "The donation", body = Donation),
        (status = 404, description = "No such donation that you may see", body = ErrorEnvelope),
    ))]
pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Donation>> {
    let s = uc::show(state.ctx(&caller.0), id).await?;
    Ok(Json(shown_json(&s)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// 1–1000, default 100.
    limit: Option<i64>,
    /// Default 0.
    offset: Option<i64>,
    /// Only the workers standing so today: `protected`, `mandiri`, `lapsed`, `deceased`,
    /// `left`, `waiting`, `held`; or `rejected` (a month refused by BPJS).
    state: Option<String>,
}

/// A page of a donation's workers.
#[derive(Serialize, ToSchema)]
pub struct DonationWorkers {
    donation_id: i64,
    workers: Vec<DonationWorker>,
    limit: i64,
    offset: i64,
    /// How many workers the filter keeps (of those you may see).
    total: i64,
    /// How many of the workers you may see stand so today, by standing code.
    counts: std::collections::BTreeMap<&'static str, i64>,
    /// How many had a month refused by BPJS.
    rejected: i64,
}

#[utoipa::path(get, path = "/api/v1/donations/{id}/workers", tag = "donations",
    summary = "The workers a donation funds: why each was chosen, each month's fate (sent to BPJS, confirmed, refused with the money returned, stopped), protected until when, where they stand today and since when, any claim (a donor sees masked NIKs and names)",
    description = "Roles: admin (each page recorded in the audit trail), officer (the workers in their regions only), the donor.",
    params(("id" = i64, Path, description = "The donation's id"), Page),
    responses(
        (status = 200, description = "A page of the workers", body = DonationWorkers),
        (status = 404, description = "No such donation that you may see", body = ErrorEnvelope),
        (status = 422, description = "An unknown `state` (`bad_state`)", body = ErrorEnvelope),
    ))]
pub async fn workers(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(page): Query<Page>,
) -> Result<Json<DonationWorkers>> {
    let limit = page.limit.unwrap_or(100).clamp(1, 1000);
    let offset = page.offset.unwrap_or(0).clamp(0, i64::from(i32::MAX));
    let filter = match page.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(dw::Filter::parse(code).ok_or_else(|| {
            crate::api::error::ApiError::invalid(vec![lingkaran_domain::Problem::new(
                "bad_state",
                "Keadaan harus protected, mandiri, lapsed, deceased, left, waiting, held atau rejected.",
                "The state must be protected, mandiri, lapsed, deceased, left, waiting, held or rejected.",
            )])
        })?),
    };
    let shown = dw::workers(state.ctx(&caller.0), id, filter, limit, offset).await?;
    Ok(Json(DonationWorkers {
        donation_id: shown.donation.id,
        counts: shown.counts.iter().map(|(s, n)| (s.code(), *n)).collect(),
        rejected: shown.rejected,
        workers: shown
            .workers
            .into_iter()
            .map(donation_worker_json)
            .collect(),
        limit,
        offset,
        total: shown.total,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ExtendInput {
    /// How many more months (default: as many as the donation had).
    months: Option<i64>,
    /// The first new month, YYYY-MM (default: the month after the donation's last).
    start: Option<String>,
}

/// The same workers again, for more months (`usecase::donations::extend`).
#[utoipa::path(post, path = "/api/v1/donations/{id}/extend", tag = "donations",
    summary = "Extend a funded donation: the same workers for more months, as a new held donation with its invoice",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The donation to extend")),
    responses(
        (status = 201, description = "The new donation, held", body = DonationMade),
        (status = 403, description = NOT_YOURS, body = ErrorEnvelope),
        (status = 404, description = "No such donation that you may see", body = ErrorEnvelope),
        (status = 409, description = "The donation may not be extended now, or a hold limit is reached", body = ErrorEnvelope),
        (status = 422, description = "Months or start do not hold", body = ErrorEnvelope),
    ))]
pub async fn extend(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<ExtendInput>,
) -> Result<(StatusCode, Json<DonationMade>)> {
    let input = uc::ExtendInput {
        months: input.months,
        start: input.start,
    };
    let made = uc::extend(state.ctx(&caller.0), state.settings.terms(), id, input).await?;
    Ok((StatusCode::CREATED, Json(made_json(&made))))
}

/// Pays a held donation from the donor's credit (`usecase::donations::pay_from_credit`).
#[utoipa::path(post, path = "/api/v1/donations/{id}/pay-from-credit", tag = "donations",
    summary = "Pay a held donation from the donor's credit; it gets a receipt (KW/2026/000123) like a payment",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The held donation")),
    responses(
        (status = 200, description = "The donation, funded", body = Donation),
        (status = 403, description = NOT_YOURS, body = ErrorEnvelope),
        (status = 404, description = "No such donation that you may see", body = ErrorEnvelope),
        (status = 409, description = "Not held any more, or the credit does not cover it", body = ErrorEnvelope),
    ))]
pub async fn pay_from_credit(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Donation>> {
    let s = uc::pay_from_credit(state.ctx(&caller.0), id).await?;
    Ok(Json(shown_json(&s)))
}

/// `POST /api/v1/donations/{id}/cancel`: the donor (or staff) cancels a held donation
/// (`usecase::donations::cancel`).
#[utoipa::path(post, path = "/api/v1/donations/{id}/cancel", tag = "donations",
    summary = "Cancel a held donation: its months go back to the pool and the invoice closes",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The held donation")),
    responses(
        (status = 200, description = "The donation, cancelled", body = Donation),
        (status = 403, description = NOT_YOURS, body = ErrorEnvelope),
        (status = 404, description = "No such donation that you may see", body = ErrorEnvelope),
        (status = 409, description = "Not held any more (`not_held`)", body = ErrorEnvelope),
    ))]
pub async fn cancel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Donation>> {
    let s = uc::cancel(state.ctx(&caller.0), id).await?;
    Ok(Json(shown_json(&s)))
}

#[utoipa::path(get, path = "/api/v1/donations/{id}/impact", tag = "donations",
    summary = "What a paid donation did: workers and worker-months protected, regions, rupiah sent to BPJS and returned, workers who went on paying alone, claims paid to families",
    description = "Roles: admin, officer, the donor. A donation not paid yet did nothing yet: all zeros.",
    params(("id" = i64, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "The donation's impact", body = crate::wire::Impact),
        (status = 404, description = "No such donation that you may see", body = ErrorEnvelope),
    ))]
pub async fn impact(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<crate::wire::Impact>> {
    let i = crate::usecase::impact::of_donation(state.ctx(&caller.0), id).await?;
    Ok(Json(crate::wire::Impact::of(&i)))
}
