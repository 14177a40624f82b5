//! The worker registry: submit, search, verify, reject, resolve possible duplicates.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{Json, Path, Query, Text};
use super::shapes;
use crate::app::AppState;
use crate::auth::role::{REGISTRY_READERS, STAFF};
use crate::auth::{Principal, Role};
use crate::db::audit::Actor;
use crate::db::imports::{self, ErrorRow, Pending, Submitter};
use crate::db::workers::{self, ChangeError, EligibilitySetting, Filter, WorkerRecord};
use crate::privacy::gate::{self, Sight};
use crate::regions::RegionTable;
use crate::wire;
use axum::extract::State;
use axum::http::StatusCode;
use lingkaran_domain::worker::{self, Eligibility, Occupation, RawWorker, WorkerStatus};
use lingkaran_domain::Problem;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, Default, ToSchema)]
pub struct WorkerInput {
    nik: String,
    /// Also accepted as `nama`.
    #[serde(alias = "nama")]
    full_name: String,
    #[serde(default)]
    sex: Option<String>,
    #[serde(default)]
    birth_date: Option<String>,
    village_code: String,
    #[serde(default)]
    phone: Option<String>,
    occupation: String,
    #[serde(default)]
    income: Option<i64>,
    #[serde(default)]
    decile: Option<i64>,
}

async fn rules(state: &AppState) -> Result<Eligibility> {
    Ok(workers::eligibility(&state.db).await?.rules())
}

fn field_problems(problems: Vec<worker::FieldProblem>) -> ApiError {
    ApiError::invalid(
        problems
            .into_iter()
            .map(|fp| {
                Problem::new(
                    fp.problem.code,
                    format!("{}: {}", fp.column, fp.problem.id),
                    format!("{}: {}", fp.column, fp.problem.en),
                )
            })
            .collect(),
    )
}

/// A proposer submits one worker. The same checks as a list row; a duplicate NIK is a 409
/// that names the existing record.
#[utoipa::path(post, path = "/api/v1/workers", tag = "registry",
    summary = "Submit one worker",
    description = "Roles: proposer.",
    responses(
        (status = 201, description = "The worker, proposed, with the row's warnings", body = wire::WorkerCreated),
        (status = 403, description = "Not a proposer, or the village is outside your organisation's region", body = ErrorEnvelope),
        (status = 409, description = "The NIK is registered or already covered (`duplicate_nik`, `already_covered`)", body = ErrorEnvelope),
        (status = 422, description = "A field does not hold: every problem, by column", body = ErrorEnvelope),
    ))]
pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Json(w): Json<WorkerInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&[Role::Proposer])?;
    let raw = RawWorker {
        nik: w.nik,
        name: w.full_name,
        sex: w.sex.unwrap_or_default(),
        birth_date: w.birth_date.unwrap_or_default(),
        village_code: w.village_code,
        phone: w.phone.unwrap_or_default(),
        occupation: w.occupation,
        income: w.income.map(|i| i.to_string()).unwrap_or_default(),
        decile: w.decile.map(|d| d.to_string()).unwrap_or_default(),
    };
    let valid = worker::validate(
        &raw,
        crate::clock::today(),
        RegionTable::get(),
        rules(&state).await?,
    )
    .map_err(field_problems)?;
    if !p.covers(&valid.village_code) {
        return Err(out_of_area(&valid.village_code));
    }
    let who = Submitter {
        organisation_id: p.organisation_id.unwrap_or(-1),
        user_id: p.user_id,
        import_id: None,
    };
    let warnings = valid
        .nik_warnings
        .iter()
        .map(|p| ErrorRow::warning(1, "nik", &raw.nik, p))
        .collect();
    let out = imports::write_batch(
        &state.db,
        who,
        &[Pending {
            line: 1,
            worker: valid,
        }],
        warnings,
        0,
        0,
        state.clock.now(),
    )
    .await?;
    if let Some((_, id)) = out.stored.first() {
        let rec = workers::get(&state.db, *id)
            .await?
            .ok_or_else(|| ApiError::not_found("Pekerja"))?;
        let mut body = shown_worker(&state, p, &rec).await?;
        body["warnings"] = json!(out
            .report
            .iter()
            .map(wire::error_row_json)
            .collect::<Vec<_>>());
        return Ok((StatusCode::CREATED, Json(body)));
    }
    // Not stored: the store says why (already covered, or registered before).
    let problems: Vec<Problem> = out.refused.into_iter().map(|(_, why)| why).collect();
    Err(ApiError {
        status: StatusCode::CONFLICT,
        problems,
    })
}

fn out_of_area(code: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "out_of_scope",
        format!("Desa {code} di luar wilayah lembaga Anda."),
        format!("Village {code} is outside your organisation's region."),
    )
}

#[derive(Deserialize, Default, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// An exact NIK: only in the body of `POST /api/v1/workers/search` (in a URL it is
    /// refused with 422 `nik_in_url`), and only for admins, officers and proposers (a viewer,
    /// who sees masks, is refused with 403 `nik_search_forbidden`).
    nik: Option<String>,
    /// Part of the name.
    name: Option<String>,
    /// A region code the workers live in.
    region: Option<String>,
    /// `proposed`, `verified`, `rejected`, …
    status: Option<String>,
    /// A village code (wins over `region`).
    village: Option<String>,
    occupation: Option<String>,
    /// The proposing organisation's id.
    proposer: Option<i64>,
    flag: Option<String>,
    /// From 1.
    page: Option<i64>,
    /// 1–500, default 50.
    per_page: Option<i64>,
}

impl SearchQuery {
    /// The filter, for `p`. A caller who sees masked NIKs may not search by a whole one
    /// (`privacy::gate::may_search_by_nik`): the refusal names no NIK.
    fn filter(&self, p: &Principal) -> Result<Filter> {
        let nik = match self.nik.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(_) if !gate::may_search_by_nik(p) => return Err(nik_search_refused()),
            Some(n) => Some(
                lingkaran_domain::Nik::parse(n, crate::clock::today())
                    .map_err(ApiError::invalid)?
                    .to_string(),
            ),
        };
        if let Some(s) = &self.status {
            if WorkerStatus::parse(s).is_none() {
                return Err(ApiError::bad_request(
                    "invalid_status",
                    format!("Status {s} tidak dikenal."),
                    format!("Unknown status {s}."),
                ));
            }
        }
        let occupation = match &self.occupation {
            Some(o) if !o.is_empty() => Some(
                Occupation::parse(o)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "unknown_occupation",
                            format!("Pekerjaan {o} tidak dikenal."),
                            format!("Unknown occupation {o}."),
                        )
                    })?
                    .code()
                    .to_string(),
            ),
            _ => None,
        };
        let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        Ok(Filter {
            nik,
            name: nonempty(&self.name),
            region: nonempty(&self.village).or(nonempty(&self.region)),
            status: nonempty(&self.status),
            occupation,
            organisation_id: self.proposer,
            flag: nonempty(&self.flag),
        })
    }
}

/// Records an admin's reveal of `count` whole NIKs (one entry per answer, not per row).
async fn reveal(state: &AppState, p: &Principal, what: &str, id: i64, count: usize) -> Result<()> {
    if count == 0 {
        return Ok(());
    }
    crate::usecase::privacy::record(
        state.ctx(p),
        crate::usecase::privacy::Reveal::Shown,
        if what == "worker" {
            "worker"
        } else {
            "worker_search"
        },
        id,
        json!({ "workers": count }),
    )
    .await?;
    Ok(())
}

/// One worker as this caller may see it, for an answer: an admin's sight of the whole NIK is
/// recorded as a reveal first, whether the answer is a read or the result of a change.
async fn shown_worker(state: &AppState, p: &Principal, w: &WorkerRecord) -> Result<Value> {
    if wire::sight_of(w, p).audited() {
        reveal(state, p, "worker", w.id, 1).await?;
    }
    Ok(wire::worker_json(w, p))
}

/// A search by whole NIK from a role that sees masks: refused in words, the NIK not echoed.
fn nik_search_refused() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "nik_search_forbidden",
        "Peran Anda melihat NIK tersamar, jadi tidak bisa mencari dengan NIK utuh. Cari dengan nama atau desa.",
        "Your role sees masked NIKs, so it cannot search by a whole NIK. Search by name or village.",
    )
}

/// A page number outside 1 ..= `paging::MAX_PAGE`, in words.
fn bad_page() -> ApiError {
    ApiError::invalid(vec![lingkaran_domain::Problem::new(
        "invalid_page",
        format!(
            "Nomor halaman (page) harus antara 1 dan {}.",
            lingkaran_domain::paging::MAX_PAGE
        ),
        format!(
            "The page number must be between 1 and {}.",
            lingkaran_domain::paging::MAX_PAGE
        ),
    )])
}

async fn page_of(
    state: &AppState,
    p: &Principal,
    f: Filter,
    q: &SearchQuery,
) -> Result<Json<Value>> {
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1);
    if lingkaran_domain::paging::offset(page, per_page).is_none() {
        return Err(bad_page());
    }
    let (rows, total) = workers::search(&state.db, &f, p, page, per_page).await?;
    reveal(
        state,
        p,
        "search",
        page,
        rows.iter()
            .filter(|w| wire::sight_of(w, p).audited())
            .count(),
    )
    .await?;
    Ok(Json(json!({
        "page": page, "per_page": per_page, "total": total,
        "workers": rows.iter().map(|w| wire::worker_json(w, p)).collect::<Vec<_>>(),
    })))
}

/// Search by exact NIK, name, region and status, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/workers", tag = "registry",
    summary = "Search workers by name, region, status (page, per_page); by NIK: POST /api/v1/workers/search",
    description = "Roles: admin, officer, viewer (scoped), proposer (own).",
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of workers", body = wire::WorkerPage),
        (status = 403, description = "Your role may not read the registry (`forbidden`), or may not search by whole NIK (`nik_search_forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "NIK, status, occupation or page do not hold", body = ErrorEnvelope),
    ))]
pub async fn search(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>> {
    let p = caller.require(&REGISTRY_READERS)?;
    refuse_nik_in_url(&q)?;
    let f = q.filter(p)?;
    page_of(&state, p, f, &q).await
}

/// The same search with the filters in the body: the one way to search by NIK, so that a
/// NIK never travels in a URL (proxy logs, browser history).
#[utoipa::path(post, path = "/api/v1/workers/search", tag = "registry",
    summary = "Search workers, the filters (and an exact nik) in the body",
    description = "Roles: admin, officer, viewer (scoped; no nik), proposer (own).",
    responses(
        (status = 200, description = "A page of workers", body = wire::WorkerPage),
        (status = 403, description = "Your role may not read the registry (`forbidden`), or may not search by whole NIK (`nik_search_forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "NIK, status, occupation or page do not hold", body = ErrorEnvelope),
    ))]
pub async fn search_by_body(
    caller: Caller,
    State(state): State<AppState>,
    Json(q): Json<SearchQuery>,
) -> Result<Json<Value>> {
    let p = caller.require(&REGISTRY_READERS)?;
    let f = q.filter(p)?;
    page_of(&state, p, f, &q).await
}

/// A NIK in a URL's query string: refused in words (which name no NIK), whoever asks.
fn refuse_nik_in_url(q: &SearchQuery) -> Result<()> {
    if q.nik.as_deref().is_some_and(|n| !n.trim().is_empty()) {
        return Err(ApiError::bad_request(
            "nik_in_url",
            "NIK tidak dikirim di alamat (URL). Cari dengan POST /api/v1/workers/search, NIK di isi permintaan.",
            "A NIK is not sent in a URL. Search with POST /api/v1/workers/search, the NIK in the body.",
        ));
    }
    Ok(())
}

/// The officer's queue: proposed workers in their regions, filtered by village, occupation,
/// proposer and flag.
#[utoipa::path(get, path = "/api/v1/queue", tag = "verification",
    summary = "Proposed workers to verify (village, occupation, proposer, flag)",
    description = "Roles: admin, officer.",
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of proposed workers", body = wire::WorkerPage),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "NIK, status, occupation or page do not hold", body = ErrorEnvelope),
    ))]
pub async fn queue(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    refuse_nik_in_url(&q)?;
    let mut f = q.filter(p)?;
    f.status = Some(WorkerStatus::Proposed.code().to_string());
    page_of(&state, p, f, &q).await
}

#[utoipa::path(get, path = "/api/v1/workers/{id}", tag = "registry",
    summary = "One worker with their history",
    description = "Roles: admin, officer, viewer (scoped), proposer (own).",
    params(("id" = i64, Path, description = "The worker's id")),
    responses(
        (status = 200, description = "The worker", body = wire::WorkerDetail),
        (status = 403, description = "Your role may not read the registry (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such worker in your scope", body = ErrorEnvelope),
    ))]
pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let p = caller.require(&REGISTRY_READERS)?;
    let w = workers::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Pekerja"))?;
    if wire::sight_of(&w, p) == Sight::Hidden {
        // Not 403: whether a record exists outside your scope is itself not yours to know.
        return Err(ApiError::not_found("Pekerja"));
    }
    let mut body = shown_worker(&state, p, &w).await?;
    body["history"] = json!(workers::events(&state.db, id)
        .await?
        .iter()
        .map(wire::event_json)
        .collect::<Vec<_>>());
    Ok(Json(body))
}

fn change_error(e: ChangeError) -> ApiError {
    match e {
        ChangeError::NotFound | ChangeError::OutOfScope => ApiError::not_found("Pekerja"),
        ChangeError::NotAllowed { from } => ApiError::conflict(
            "status_conflict",
            format!("Tidak bisa: status pekerja sekarang {from}."),
            format!("Not possible: the worker's status is now {from}."),
        ),
        ChangeError::OwnSubmission => ApiError::new(
            StatusCode::FORBIDDEN,
            "own_submission",
            "Anda tidak boleh memverifikasi usulan Anda sendiri.",
            "You may not verify your own submissions.",
        ),
        ChangeError::NotFlagged => ApiError::conflict(
            "not_flagged",
            "Pekerja ini tidak ditandai sebagai kemungkinan duplikat.",
            "This worker is not flagged as a possible duplicate.",
        ),
    }
}

#[derive(Deserialize, Default, ToSchema)]
pub struct ReasonInput {
    reason: Option<String>,
}

async fn decide(
    state: &AppState,
    p: &Principal,
    id: i64,
    verify: bool,
    reason: Option<&str>,
) -> Result<WorkerRecord> {
    let (to, action) = if verify {
        (WorkerStatus::Verified, "verify")
    } else {
        (WorkerStatus::Rejected, "reject")
    };
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = reason {
        lingkaran_domain::fields::check_len(
            "Alasan",
            "The reason",
            r,
            lingkaran_domain::fields::NOTE_MAX,
        )
        .map_err(|p| ApiError::invalid(vec![p]))?;
    }
    if !verify && reason.is_none() {
        return Err(ApiError::bad_request(
            "reason_required",
            "Alasan penolakan wajib diisi.",
            "A reason for the rejection is required.",
        ));
    }
    let w = workers::change_status(&state.db, id, to, action, reason, p, state.clock.now())
        .await?
        .map_err(change_error)?;
    Ok(w)
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/verify", tag = "verification",
    summary = "Verify a proposed worker",
    description = "Roles: admin, officer (scoped; never own submissions).",
    params(("id" = i64, Path, description = "The worker's id")),
    request_body(content = Option<ReasonInput>, description = "Optional: a note", content_type = "application/json"),
    responses(
        (status = 200, description = "The worker, verified", body = wire::Worker),
        (status = 403, description = "Not staff, or your own submission (`own_submission`)", body = ErrorEnvelope),
        (status = 404, description = "No such worker in your scope", body = ErrorEnvelope),
        (status = 409, description = "The worker's status no longer allows it (`status_conflict`)", body = ErrorEnvelope),
    ))]
pub async fn verify(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Option<Json<ReasonInput>>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let reason = body.and_then(|b| b.0.reason);
    let w = decide(&state, p, id, true, reason.as_deref()).await?;
    Ok(Json(shown_worker(&state, p, &w).await?))
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/reject", tag = "verification",
    summary = "Reject a worker with a reason",
    description = "Roles: admin, officer (scoped).",
    params(("id" = i64, Path, description = "The worker's id")),
    responses(
        (status = 200, description = "The worker, rejected", body = wire::Worker),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such worker in your scope", body = ErrorEnvelope),
        (status = 409, description = "The worker's status no longer allows it (`status_conflict`)", body = ErrorEnvelope),
        (status = 422, description = "No reason given (`reason_required`)", body = ErrorEnvelope),
    ))]
pub async fn reject(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<ReasonInput>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let w = decide(&state, p, id, false, body.reason.as_deref()).await?;
    Ok(Json(shown_worker(&state, p, &w).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct BulkDecision {
    /// At most 1 000.
    ids: Vec<i64>,
    /// `verify` or `reject`.
    action: String,
    reason: Option<String>,
}

/// Verify or reject many at once. Each worker is decided on its own; the answer lists each
/// outcome, so one worker that changed meanwhile does not block the rest.
#[utoipa::path(post, path = "/api/v1/workers/decisions", tag = "verification",
    summary = "Verify or reject many workers",
    description = "Roles: admin, officer.",
    responses(
        (status = 200, description = "Each worker's outcome", body = shapes::BulkDecided),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "Unknown action, or more than 1 000 workers", body = ErrorEnvelope),
    ))]
pub async fn decide_bulk(
    caller: Caller,
    State(state): State<AppState>,
    Json(b): Json<BulkDecision>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let verify = match b.action.as_str() {
        "verify" => true,
        "reject" => false,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_action",
                "Tindakan harus verify atau reject.",
                "Action must be verify or reject.",
            ))
        }
    };
    if b.ids.len() > 1000 {
        return Err(ApiError::bad_request(
            "too_many",
            "Paling banyak 1.000 pekerja sekali jalan.",
            "At most 1,000 workers at a time.",
        ));
    }
    let mut results = Vec::with_capacity(b.ids.len());
    let (mut done, mut failed) = (0, 0);
    for id in b.ids {
        match decide(&state, p, id, verify, b.reason.as_deref()).await {
            Ok(w) => {
                done += 1;
                results.push(json!({ "id": id, "ok": true, "status": w.status }));
            }
            Err(e) if e.status.is_client_error() => {
                failed += 1;
                results.push(json!({ "id": id, "ok": false, "errors": e.problems.iter().map(wire::problem_json).collect::<Vec<_>>() }));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Json(
        json!({ "done": done, "failed": failed, "results": results }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DuplicateDecision {
    /// `merge` or `distinct`.
    decision: String,
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/duplicate", tag = "verification",
    summary = "Decide a possible duplicate: merge or distinct",
    description = "Roles: admin, officer (scoped).",
    params(("id" = i64, Path, description = "The flagged worker's id")),
    responses(
        (status = 200, description = "The worker after the decision", body = wire::Worker),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such worker in your scope", body = ErrorEnvelope),
        (status = 409, description = "Not flagged, or the status no longer allows it", body = ErrorEnvelope),
        (status = 422, description = "Unknown decision (`invalid_decision`)", body = ErrorEnvelope),
    ))]
pub async fn resolve_duplicate(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(d): Json<DuplicateDecision>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let merge = match d.decision.as_str() {
        "merge" => true,
        "distinct" => false,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_decision",
                "Keputusan harus merge atau distinct.",
                "The decision must be merge or distinct.",
            ))
        }
    };
    let w = workers::resolve_duplicate(&state.db, id, merge, p, state.clock.now())
        .await?
        .map_err(change_error)?;
    Ok(Json(shown_worker(&state, p, &w).await?))
}

#[utoipa::path(get, path = "/api/v1/eligibility", tag = "registry",
    summary = "The programme's eligibility rules",
    description = "Roles: admin, officer, proposer, viewer.",
    responses(
        (status = 200, description = "The rules", body = shapes::Eligibility),
        (status = 403, description = "Your role may not read the registry (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn get_eligibility(caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    caller.require(&crate::auth::role::REGISTRY_READERS)?;
    let e = workers::eligibility(&state.db).await?;
    Ok(Json(
        json!({ "programme": crate::db::DEFAULT_PROGRAMME, "min_age": e.min_age, "max_age": e.max_age }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct EligibilityInput {
    min_age: i64,
    max_age: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/eligibility", tag = "registry",
    summary = "Set minimum and maximum age",
    description = "Roles: admin.",
    responses(
        (status = 200, description = "The rules now", body = shapes::Eligibility),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "Ages out of bounds (`invalid_ages`)", body = ErrorEnvelope),
    ))]
pub async fn put_eligibility(
    caller: Caller,
    State(state): State<AppState>,
    Json(e): Json<EligibilityInput>,
) -> Result<Json<Value>> {
    caller.require(&[Role::Admin])?;
    if !(0..=100).contains(&e.min_age) || e.max_age.is_some_and(|m| m < e.min_age || m > 120) {
        return Err(ApiError::bad_request(
            "invalid_ages",
            "Umur minimum 0–100 dan umur maksimum tidak boleh di bawah minimum.",
            "Minimum age must be 0–100 and the maximum no lower than the minimum.",
        ));
    }
    workers::set_eligibility(
        &state.db,
        EligibilitySetting {
            min_age: e.min_age,
            max_age: e.max_age,
        },
        Actor::of(&caller.0),
        state.clock.now(),
    )
    .await?;
    Ok(Json(
        json!({ "programme": crate::db::DEFAULT_PROGRAMME, "min_age": e.min_age, "max_age": e.max_age }),
    ))
}

/// The insurer's list of NIKs already active: a text body, one NIK per line (a header line
/// `nik` and CSV columns after the first are ignored).
#[utoipa::path(post, path = "/api/v1/covered-niks", tag = "registry",
    summary = "Import the insurer's list of NIKs already active (text, one per line)",
    description = "Roles: admin, officer (the NIKs issued in their regions; others are counted in `outside_scope` and not added).",
    request_body(content = String, description = "One NIK per line; a header `nik` and further CSV columns are ignored", content_type = "text/plain"),
    responses(
        (status = 200, description = "What was added, and the lines that are not NIKs", body = shapes::CoveredImport),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn add_covered(
    caller: Caller,
    State(state): State<AppState>,
    Text(body): Text,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let today = crate::clock::today();
    let list = lingkaran_domain::nik::parse_list(&body, today);
    // An officer adds the NIKs issued in their regions only; the rest are counted as outside
    // and not looked at, so the answer tells nothing of another region's NIKs.
    let (niks, outside): (Vec<&lingkaran_domain::Nik>, Vec<_>) = list
        .niks
        .iter()
        .partition(|n| p.role == Role::Admin || p.covers(&n.district_code()));
    let niks: Vec<String> = niks.into_iter().map(|n| n.to_string()).collect();
    let invalid: Vec<Value> = list
        .invalid
        .iter()
        .map(|(line, value, ps)| {
            json!({ "line": line, "value": gate::mask_nik(value), "errors": ps.iter().map(wire::problem_json).collect::<Vec<_>>() })
        })
        .collect();
    let added =
        workers::add_covered_niks(&state.db, &niks, Actor::of(p), state.clock.now()).await?;
    Ok(Json(
        json!({ "received": niks.len() + outside.len(), "added": added, "outside_scope": outside.len(), "invalid": invalid }),
    ))
}
