//! The worker registry: submit, search, verify, reject, resolve possible duplicates.

use super::error::{ApiError, Result};
use super::extract::Caller;
use super::wire;
use crate::app::AppState;
use crate::auth::role::{REGISTRY_READERS, STAFF};
use crate::auth::{Principal, Role};
use crate::db::imports::{self, ErrorRow, Pending, Submitter};
use crate::db::workers::{self, ChangeError, EligibilitySetting, Filter};
use crate::regions::RegionTable;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use lingkaran_domain::worker::{self, Eligibility, Occupation, RawWorker, WorkerStatus};
use lingkaran_domain::Problem;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, Default)]
pub struct WorkerInput {
    nik: String,
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
        let mut body = wire::worker_json(&rec, p);
        body["warnings"] = json!(out
            .report
            .iter()
            .map(wire::error_row_json)
            .collect::<Vec<_>>());
        return Ok((StatusCode::CREATED, Json(body)));
    }
    let problems: Vec<Problem> = out
        .report
        .iter()
        .map(|e| {
            Problem::new(
                if e.code == "duplicate_nik" {
                    "duplicate_nik"
                } else {
                    "already_covered"
                },
                e.message_id.clone(),
                e.message_en.clone(),
            )
        })
        .collect();
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

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    nik: Option<String>,
    name: Option<String>,
    region: Option<String>,
    status: Option<String>,
    village: Option<String>,
    occupation: Option<String>,
    proposer: Option<i64>,
    flag: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

impl SearchQuery {
    fn filter(&self) -> Result<Filter> {
        let nik = match self.nik.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
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
    Ok(Json(json!({
        "page": page, "per_page": per_page, "total": total,
        "workers": rows.iter().map(|w| wire::worker_json(w, p)).collect::<Vec<_>>(),
    })))
}

/// Search by exact NIK, name, region and status, within the caller's scope.
pub async fn search(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>> {
    let p = caller.require(&REGISTRY_READERS)?;
    let f = q.filter()?;
    page_of(&state, p, f, &q).await
}

/// The officer's queue: proposed workers in their regions, filtered by village, occupation,
/// proposer and flag.
pub async fn queue(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let mut f = q.filter()?;
    f.status = Some(WorkerStatus::Proposed.code().to_string());
    page_of(&state, p, f, &q).await
}

pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let p = caller.require(&REGISTRY_READERS)?;
    let w = workers::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Pekerja"))?;
    if !p.reads_registry(&w.village_code, w.organisation_id) {
        // Not 403: whether a record exists outside your scope is itself not yours to know.
        return Err(ApiError::not_found("Pekerja"));
    }
    let mut body = wire::worker_json(&w, p);
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

#[derive(Deserialize, Default)]
pub struct ReasonInput {
    reason: Option<String>,
}

async fn decide(
    state: &AppState,
    p: &Principal,
    id: i64,
    verify: bool,
    reason: Option<&str>,
) -> Result<Value> {
    let (to, action) = if verify {
        (WorkerStatus::Verified, "verify")
    } else {
        (WorkerStatus::Rejected, "reject")
    };
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
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
    Ok(wire::worker_json(&w, p))
}

pub async fn verify(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Option<Json<ReasonInput>>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let reason = body.and_then(|b| b.0.reason);
    Ok(Json(decide(&state, p, id, true, reason.as_deref()).await?))
}

pub async fn reject(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<ReasonInput>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    Ok(Json(
        decide(&state, p, id, false, body.reason.as_deref()).await?,
    ))
}

#[derive(Deserialize)]
pub struct BulkDecision {
    ids: Vec<i64>,
    action: String,
    reason: Option<String>,
}

/// Verify or reject many at once. Each worker is decided on its own; the answer lists each
/// outcome, so one worker that changed meanwhile does not block the rest.
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
                results.push(json!({ "id": id, "ok": true, "status": w["status"] }));
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

#[derive(Deserialize)]
pub struct DuplicateDecision {
    decision: String,
}

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
    Ok(Json(wire::worker_json(&w, p)))
}

pub async fn get_eligibility(caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    caller.require(&crate::auth::role::REGISTRY_READERS)?;
    let e = workers::eligibility(&state.db).await?;
    Ok(Json(
        json!({ "programme": crate::db::DEFAULT_PROGRAMME, "min_age": e.min_age, "max_age": e.max_age }),
    ))
}

#[derive(Deserialize)]
pub struct EligibilityInput {
    min_age: i64,
    max_age: Option<i64>,
}

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
        state.clock.now(),
    )
    .await?;
    Ok(Json(
        json!({ "programme": crate::db::DEFAULT_PROGRAMME, "min_age": e.min_age, "max_age": e.max_age }),
    ))
}

/// The insurer's list of NIKs already active: a text body, one NIK per line (a header line
/// `nik` and CSV columns after the first are ignored).
pub async fn add_covered(
    caller: Caller,
    State(state): State<AppState>,
    body: String,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let today = crate::clock::today();
    let list = lingkaran_domain::nik::parse_list(&body, today);
    let niks: Vec<String> = list.niks.iter().map(|n| n.to_string()).collect();
    let invalid: Vec<Value> = list
        .invalid
        .iter()
        .map(|(line, value, ps)| {
            json!({ "line": line, "value": lingkaran_domain::nik::mask(value), "errors": ps.iter().map(wire::problem_json).collect::<Vec<_>>() })
        })
        .collect();
    let added = workers::add_covered_niks(&state.db, &niks, p.user_id, state.clock.now()).await?;
    Ok(Json(
        json!({ "received": niks.len(), "added": added, "invalid": invalid }),
    ))
}
