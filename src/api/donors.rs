//! Donors: officers create institutional donors; governments get budget lines with ceilings.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{Json, Path, Query};
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::{Principal, Role};
use crate::db::donors::{self, BudgetLine, Donor, NewDonor};
use axum::extract::State;
use axum::http::StatusCode;
use lingkaran_domain::donor::{parse_npwp, BudgetSource, DonorKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A government's budget line with its ceiling.
#[derive(Serialize, ToSchema)]
pub struct BudgetLineView {
    id: i64,
    /// `apbd`, `dbhcht` or `dana_desa`.
    source: String,
    code: String,
    fiscal_year: i64,
    /// The most its donations may cost, in rupiah.
    ceiling: i64,
}

/// A donor, with its budget lines (a government's; empty in lists).
#[derive(Serialize, ToSchema)]
pub struct DonorView {
    id: i64,
    /// `individual`, `company`, `government` or `institution`.
    kind: String,
    name: String,
    npwp: Option<String>,
    /// The postal address printed on receipts, when known.
    address: Option<String>,
    region: Option<crate::wire::RegionName>,
    budget_lines: Vec<BudgetLineView>,
}

fn donor_json(d: &Donor, lines: &[BudgetLine]) -> DonorView {
    DonorView {
        id: d.id,
        kind: d.kind.clone(),
        name: d.name.clone(),
        npwp: d.npwp.clone(),
        address: d.address.clone(),
        region: d.region_code.as_deref().map(crate::wire::RegionName::of),
        budget_lines: lines
            .iter()
            .map(|l| BudgetLineView {
                id: l.id,
                source: l.source.clone(),
                code: l.code.clone(),
                fiscal_year: l.fiscal_year,
                ceiling: l.ceiling,
            })
            .collect(),
    }
}

/// A donor the caller may see: staff see all, a donor account its own.
async fn visible(state: &AppState, p: &Principal, id: i64) -> Result<Donor> {
    let d = donors::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    let ok = STAFF.contains(&p.role) || (p.role == Role::Donor && d.user_id == Some(p.user_id));
    if ok {
        Ok(d)
    } else {
        Err(ApiError::not_found("Donatur"))
    }
}

#[derive(Deserialize, ToSchema)]
pub struct DonorInput {
    /// `individual`, `company` (NPWP required), `government` (region required) or `institution`.
    kind: String,
    name: String,
    npwp: Option<String>,
    region_code: Option<String>,
    /// The donor's own account: a user with the role `donor`.
    user_id: Option<i64>,
    /// The postal address printed on its receipts (at most 300 characters).
    address: Option<String>,
}

/// The longest address a receipt prints.
const ADDRESS_MAX: usize = 300;

#[utoipa::path(post, path = "/api/v1/donors", tag = "donations",
    summary = "Create a donor: individual, company (NPWP), government (region), institution",
    description = "Roles: admin, officer.",
    responses(
        (status = 201, description = "The donor", body = DonorView),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "Kind, name, NPWP, region or address (at most 300 characters) do not hold, or `user_id` is not a donor account (`unknown_user`)", body = ErrorEnvelope),
    ))]
pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Json(d): Json<DonorInput>,
) -> Result<(StatusCode, Json<DonorView>)> {
    let p = caller.require(&STAFF)?;
    let kind = DonorKind::parse(&d.kind).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_kind",
            "Jenis donatur harus individual, company, government atau institution.",
            "The donor kind must be individual, company, government or institution.",
        )
    })?;
    if d.name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "missing_name",
            "Nama donatur wajib diisi.",
            "The donor's name is required.",
        ));
    }
    lingkaran_domain::fields::check_name(
        "Nama donatur",
        "The donor's name",
        d.name.trim(),
        lingkaran_domain::fields::ORGANISATION_NAME_MAX,
    )
    .map_err(|p| ApiError::invalid(vec![p]))?;
    let npwp = match d.npwp.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(n) => Some(parse_npwp(n).map_err(|e| ApiError::invalid(vec![e]))?),
        None if kind == DonorKind::Company => {
            return Err(ApiError::bad_request(
                "npwp_required",
                "Perusahaan wajib mencantumkan NPWP.",
                "A company must give its NPWP.",
            ))
        }
        None => None,
    };
    let address = d
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if let Some(a) = address {
        lingkaran_domain::fields::check_name("Alamat", "The address", a, ADDRESS_MAX)
            .map_err(|p| ApiError::invalid(vec![p]))?;
    }
    let region = d.region_code.as_deref().filter(|s| !s.trim().is_empty());
    if let Some(r) = region {
        if crate::regions::RegionTable::get().region(r).is_none() {
            return Err(ApiError::bad_request(
                "unknown_region",
                format!("Wilayah {r} tidak dikenal."),
                format!("Region {r} does not exist."),
            ));
        }
    }
    if kind == DonorKind::Government && region.is_none() {
        return Err(ApiError::bad_request(
            "region_required",
            "Donatur pemerintah daerah wajib menyebut wilayahnya (region_code).",
            "A government donor must name its region (region_code).",
        ));
    }
    if let Some(user) = d.user_id {
        // The donor's own account: a donor user that exists (the store would refuse an
        // unknown id only at the insert, as a failure of ours).
        let role = crate::db::users::role_of(&state.db, user).await?;
        if role.as_deref() != Some(Role::Donor.code()) {
            return Err(ApiError::bad_request(
                "unknown_user",
                format!("Pengguna {user} tidak ada atau bukan akun donatur."),
                format!("User {user} does not exist or is not a donor account."),
            ));
        }
    }
    let id = donors::create(
        &state.db,
        &NewDonor {
            kind: kind.code(),
            name: d.name.trim(),
            npwp: npwp.as_deref(),
            region_code: region,
            user_id: d.user_id,
            created_by: p.user_id,
        },
        state.clock.now(),
    )
    .await?;
    if address.is_some() {
        donors::set_address(
            &state.db,
            id,
            address,
            crate::db::audit::Actor::User(p.user_id),
            state.clock.now(),
        )
        .await?;
    }
    let donor = donors::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    Ok((StatusCode::CREATED, Json(donor_json(&donor, &[]))))
}

/// Donors.
#[derive(Serialize, ToSchema)]
pub struct DonorList {
    donors: Vec<DonorView>,
}

#[utoipa::path(get, path = "/api/v1/donors", tag = "donations",
    summary = "Donors (a donor account sees its own)",
    description = "Roles: admin, officer, donor.",
    responses(
        (status = 200, description = "The donors", body = DonorList),
        (status = 403, description = "Not a donor or staff (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn list(caller: Caller, State(state): State<AppState>) -> Result<Json<DonorList>> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let own = (p.role == Role::Donor).then_some(p.user_id);
    let all = donors::list(&state.db, own).await?;
    Ok(Json(DonorList {
        donors: all.iter().map(|d| donor_json(d, &[])).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/donors/{id}", tag = "donations",
    summary = "A donor with its budget lines",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The donor", body = DonorView),
        (status = 404, description = "No such donor that you may see", body = ErrorEnvelope),
    ))]
pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<DonorView>> {
    let d = visible(&state, &caller.0, id).await?;
    let lines = donors::budget_lines(&state.db, id).await?;
    Ok(Json(donor_json(&d, &lines)))
}

#[derive(Deserialize, ToSchema)]
pub struct BudgetLineInput {
    /// `apbd`, `dbhcht` or `dana_desa`.
    source: String,
    code: String,
    fiscal_year: i64,
    ceiling: i64,
}

/// A budget line just added.
#[derive(Serialize, ToSchema)]
pub struct BudgetLineAdded {
    id: i64,
    donor_id: i64,
    source: &'static str,
    code: String,
    fiscal_year: i64,
    ceiling: i64,
}

#[utoipa::path(post, path = "/api/v1/donors/{id}/budget-lines", tag = "donations",
    summary = "Add a government's budget line (APBD, DBHCHT, Dana Desa) with its ceiling",
    description = "Roles: admin, officer.",
    params(("id" = i64, Path, description = "The government donor's id")),
    responses(
        (status = 201, description = "The budget line", body = BudgetLineAdded),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor", body = ErrorEnvelope),
        (status = 409, description = "That code and year exist (`budget_line_exists`)", body = ErrorEnvelope),
        (status = 422, description = "Not a government, or source, code, year or ceiling do not hold", body = ErrorEnvelope),
    ))]
pub async fn add_budget_line(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<BudgetLineInput>,
) -> Result<(StatusCode, Json<BudgetLineAdded>)> {
    caller.require(&STAFF)?;
    let d = visible(&state, &caller.0, id).await?;
    if d.kind != DonorKind::Government.code() {
        return Err(ApiError::bad_request(
            "not_government",
            "Hanya donatur pemerintah yang memakai mata anggaran.",
            "Only government donors have budget lines.",
        ));
    }
    let source = BudgetSource::parse(&b.source).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_source",
            "Sumber anggaran harus apbd, dbhcht atau dana_desa.",
            "The source must be apbd, dbhcht or dana_desa.",
        )
    })?;
    if b.code.trim().is_empty() || !(2000..=2100).contains(&b.fiscal_year) || b.ceiling <= 0 {
        return Err(ApiError::bad_request(
            "invalid_budget_line",
            "Kode anggaran wajib diisi, tahun anggaran 2000–2100, dan pagu lebih dari Rp 0.",
            "A budget code is required, the fiscal year is 2000–2100 and the ceiling above Rp 0.",
        ));
    }
    let Some(line) = donors::add_budget_line(
        &state.db,
        id,
        source.code(),
        b.code.trim(),
        b.fiscal_year,
        b.ceiling,
        crate::db::audit::Actor::of(&caller.0),
        state.clock.now(),
    )
    .await?
    else {
        return Err(ApiError::conflict(
            "budget_line_exists",
            format!(
                "Mata anggaran {} tahun {} sudah ada.",
                b.code.trim(),
                b.fiscal_year
            ),
            format!(
                "Budget line {} for {} already exists.",
                b.code.trim(),
                b.fiscal_year
            ),
        ));
    };
    Ok((
        StatusCode::CREATED,
        Json(BudgetLineAdded {
            id: line,
            donor_id: id,
            source: source.code(),
            code: b.code.trim().to_string(),
            fiscal_year: b.fiscal_year,
            ceiling: b.ceiling,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct HoldLimitsInput {
    /// Workers in unpaid donations at a time; `null` for the default.
    max_workers: Option<i64>,
    /// Unpaid (held) donations at a time; `null` for the default.
    max_donations: Option<i64>,
}

/// Limits on what a donor holds unpaid at a time (`null`: none).
#[derive(Serialize, ToSchema)]
pub struct Limits {
    max_workers: Option<i64>,
    max_donations: Option<i64>,
}

/// What a donor may hold: their own limits (`null`: the default), whether they signed up
/// alone (the default limits only them), and what is in force.
#[derive(Serialize, ToSchema)]
pub struct HoldLimits {
    donor_id: i64,
    max_workers: Option<i64>,
    max_donations: Option<i64>,
    signed_up_alone: bool,
    in_force: Limits,
}

/// What a donor may hold: their own limits, or the default (which limits only individuals
/// who signed up alone), and what is in force.
async fn hold_limits_json(state: &AppState, id: i64) -> Result<HoldLimits> {
    let (workers, donations, alone) = donors::hold_limits(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    let d = state.settings.self_donor_limits;
    Ok(HoldLimits {
        donor_id: id,
        max_workers: workers,
        max_donations: donations,
        signed_up_alone: alone,
        in_force: Limits {
            max_workers: workers.or(alone.then_some(d.workers)),
            max_donations: donations.or(alone.then_some(d.donations)),
        },
    })
}

#[utoipa::path(get, path = "/api/v1/donors/{id}/hold-limits", tag = "donations",
    summary = "How many workers and unpaid donations the donor may hold at a time",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The limits", body = HoldLimits),
        (status = 404, description = "No such donor that you may see", body = ErrorEnvelope),
    ))]
pub async fn hold_limits(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<HoldLimits>> {
    let d = visible(&state, &caller.0, id).await?;
    Ok(Json(hold_limits_json(&state, d.id).await?))
}

/// `PUT /api/v1/donors/{id}/hold-limits`: an officer or admin sets how many workers and
/// unpaid donations this donor may hold at a time (`null`: the default).
#[utoipa::path(put, path = "/api/v1/donors/{id}/hold-limits", tag = "donations",
    summary = "Set the donor's own hold limits (null: the default, which limits individuals who signed up alone)",
    description = "Roles: admin, officer.",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The limits now", body = HoldLimits),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor", body = ErrorEnvelope),
        (status = 422, description = "A limit out of bounds (`invalid_limit`)", body = ErrorEnvelope),
    ))]
pub async fn set_hold_limits(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<HoldLimitsInput>,
) -> Result<Json<HoldLimits>> {
    caller.require(&STAFF)?;
    for (field, v, max) in [
        ("max_workers", input.max_workers, 1_000_000),
        ("max_donations", input.max_donations, 1_000),
    ] {
        if let Some(v) = v.filter(|v| !(0..=max).contains(v)) {
            return Err(ApiError::bad_request(
                "invalid_limit",
                format!("{field} harus 0 sampai {max}, atau null untuk bawaan; bukan {v}."),
                format!("{field} is 0 to {max}, or null for the default; not {v}."),
            ));
        }
    }
    if !donors::set_hold_limits(
        &state.db,
        id,
        input.max_workers,
        input.max_donations,
        crate::db::audit::Actor::of(&caller.0),
        state.clock.now(),
    )
    .await?
    {
        return Err(ApiError::not_found("Donatur"));
    }
    Ok(Json(hold_limits_json(&state, id).await?))
}

/// `POST /api/v1/donors/{id}/verify`: an officer or admin has checked who the donor is;
/// named donations (by NIK) open to it (`usecase::donations::verify_donor`).
#[utoipa::path(post, path = "/api/v1/donors/{id}/verify", tag = "donations",
    summary = "Verify a donor: opens donations by NIK (named) to it",
    description = "Roles: admin, officer.",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "Verified", body = DonorVerified),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor", body = ErrorEnvelope),
    ))]
pub async fn verify(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<DonorVerified>> {
    crate::usecase::donations::verify_donor(state.ctx(&caller.0), id).await?;
    Ok(Json(DonorVerified {
        donor_id: id,
        verified: true,
    }))
}

/// A donor an officer has verified.
#[derive(Serialize, ToSchema)]
pub struct DonorVerified {
    donor_id: i64,
    verified: bool,
}

/// One movement of a donor's credit.
#[derive(Serialize, ToSchema)]
pub struct CreditLine {
    #[schema(format = DateTime)]
    pub at: String,
    /// Why it moved, from the ledger transfer's own key.
    pub reason: String,
    pub reason_en: String,
    /// Rupiah into the credit (positive) or out of it (negative).
    pub change: i64,
    /// The credit after this movement.
    pub balance: i64,
}

/// A donor's credit, line by line, newest first.
#[derive(Serialize, ToSchema)]
pub struct CreditHistory {
    pub donor_id: i64,
    /// The credit now.
    pub balance: i64,
    pub lines: Vec<CreditLine>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryPage {
    /// 1–1000, default 200.
    limit: Option<i64>,
    /// Lines after the newest `offset`; default 0.
    offset: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/donors/{id}/credit-history", tag = "donations",
    summary = "A donor's credit line by line: payments in, donations paid, months refused or stopped and returned, refunds, each with its reason and the balance after it",
    description = "Roles: the donor (their own), admin, officer (a donor funding workers in their regions). The first line's balance is the credit now; each older line's balance is the credit after it.",
    params(("id" = i64, Path, description = "The donor's id"), HistoryPage),
    responses(
        (status = 200, description = "The newest movements first", body = CreditHistory),
        (status = 403, description = "Not one who sees this donor's account (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor that you may see", body = ErrorEnvelope),
    ))]
pub async fn credit_history(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(page): Query<HistoryPage>,
) -> Result<Json<CreditHistory>> {
    let limit = page
        .limit
        .unwrap_or(crate::usecase::credit_history::PAGE)
        .clamp(1, 1000);
    let offset = page.offset.unwrap_or(0).clamp(0, i64::from(i32::MAX));
    let h =
        crate::usecase::credit_history::of_donor(state.ctx(&caller.0), id, limit, offset).await?;
    Ok(Json(CreditHistory {
        donor_id: h.donor_id,
        balance: h.balance,
        lines: h
            .lines
            .into_iter()
            .map(|l| CreditLine {
                at: l.at.to_rfc3339(),
                reason: l.reason,
                reason_en: l.reason_en,
                change: l.change,
                balance: l.balance,
            })
            .collect(),
        limit,
        offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/donors/{id}/impact", tag = "donations",
    summary = "What all of a donor's paid donations did: workers and worker-months protected, regions, rupiah sent to BPJS and returned, workers who went on paying alone, claims paid to families",
    description = "Roles: the donor (their own), admin, officer (a donor funding workers in their regions).",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The donor's impact", body = crate::wire::Impact),
        (status = 403, description = "Not one who sees this donor's account (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor that you may see", body = ErrorEnvelope),
    ))]
pub async fn impact(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<crate::wire::Impact>> {
    let i = crate::usecase::impact::of_donor(state.ctx(&caller.0), id).await?;
    Ok(Json(crate::wire::Impact::of(&i)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The first day, YYYY-MM-DD. Without `from` and `to`: 1 January of this year to today.
    from: Option<String>,
    /// The last day, YYYY-MM-DD: not before `from`, at most five years after it.
    to: Option<String>,
    /// `laporan` (the statement, the default) or `csr` (the CSR/TJSL report, with charts).
    kind: Option<String>,
    /// `pdf` or `xlsx` (the default).
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/donors/{id}/statement", tag = "donations",
    summary = "A donor's statement (laporan donasi) or CSR report for any period, as PDF or XLSX",
    description = "Roles: the donor (their own), admin, officer (a donor funding workers in their regions). For the days `from`..`to`: what was given (receipts of payments, less credit returned to the bank; a donation paid from the credit is listed, not counted again), every receipt of the period, and what the money protected in the coverage months whose first day falls in the period (workers, worker-months, villages, districts, per month and per regency, rupiah sent to BPJS and returned, workers paying alone, claims paid to families). No worker is named. `kind=csr` adds charts to the PDF. Sent as an attachment named `laporan-donasi-{id}-{from}_{to}.{format}` (`laporan-csr-…` for the CSR report).",
    params(("id" = i64, Path, description = "The donor's id"), StatementQuery),
    responses(
        (status = 200, description = "The statement as a file", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 403, description = "Not one who sees this donor's account (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor that you may see", body = ErrorEnvelope),
        (status = 422, description = "A date that is not YYYY-MM-DD, one date without the other, a period that runs backwards, is longer than five years or lies outside 2000–2100 (`bad_period`), a kind other than laporan or csr (`bad_kind`), a format other than xlsx or pdf (`invalid_format`)", body = ErrorEnvelope),
    ))]
pub async fn statement(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<StatementQuery>,
) -> Result<axum::response::Response> {
    use crate::usecase::donor_statement as uc;
    let ctx = state.ctx(&caller.0);
    let period = uc::period(q.from.as_deref(), q.to.as_deref(), ctx.clock.today())?;
    let kind = uc::Kind::parse(q.kind.as_deref())?;
    let format = crate::report::Format::parse(q.format.as_deref())?;
    let s = uc::build(ctx, id, period, kind).await?;
    let (name, bytes) = crate::report::donor_statement::render(&s, format)?;
    Ok(crate::http::download::attachment(
        bytes,
        format.content_type(),
        &name,
        "laporan-donasi",
    ))
}

/// What a statement sent by e-mail covers.
#[derive(Deserialize, ToSchema)]
pub struct StatementMail {
    /// The first day, YYYY-MM-DD (with `to`; without both: 1 January of this year to today).
    from: Option<String>,
    /// The last day, YYYY-MM-DD.
    to: Option<String>,
    /// `laporan` (the default) or `csr`.
    kind: Option<String>,
    /// `pdf` (the default) or `xlsx`.
    format: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/donors/{id}/statement/email", tag = "donations",
    summary = "Send a donor's statement or CSR report, attached, to the donor's own e-mail address",
    description = "Roles: as `GET /api/v1/donors/{id}/statement`. The file is the one that operation sends (PDF unless `format` is `xlsx`), attached to one e-mail to the address the donor keeps in their preferences, never one from the request. The same file asked for again the same day (WIB) is queued once (`queued` false). At most 20 documents a donor a day.",
    params(("id" = i64, Path, description = "The donor's id")),
    request_body = StatementMail,
    responses(
        (status = 202, description = "Queued (or already queued today): the outbox message", body = super::receipts::Mailed),
        (status = 403, description = "Not one who sees this donor's account (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor that you may see", body = ErrorEnvelope),
        (status = 409, description = "The donor has no e-mail address on record (`no_email`)", body = ErrorEnvelope),
        (status = 422, description = "Bad dates (`bad_period`), kind (`bad_kind`) or format (`invalid_format`)", body = ErrorEnvelope),
        (status = 429, description = "20 documents were sent to this donor today (`too_many_mails`), with `Retry-After`", body = ErrorEnvelope),
    ))]
pub async fn statement_email(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<StatementMail>,
) -> super::receipts::MailResult {
    use super::error::refusal;
    use crate::usecase::donor_statement as uc;
    let ctx = state.ctx(&caller.0);
    let period =
        uc::period(body.from.as_deref(), body.to.as_deref(), ctx.clock.today()).map_err(refusal)?;
    let kind = uc::Kind::parse(body.kind.as_deref()).map_err(refusal)?;
    let format = crate::report::Format::parse(Some(body.format.as_deref().unwrap_or("pdf")))
        .map_err(refusal)?;
    let s = uc::build(ctx, id, period, kind).await.map_err(refusal)?;
    let (name, bytes) = crate::report::donor_statement::render(&s, format)
        .map_err(|e| axum::response::IntoResponse::into_response(ApiError::from(e)))?;
    let m = uc::mail(ctx, &s, &name, format.content_type(), bytes)
        .await
        .map_err(refusal)?;
    Ok(super::receipts::Mailed::accepted(m))
}
