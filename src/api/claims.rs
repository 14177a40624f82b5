//! Claims over the API (issue 13): file a notification, read the queue and a claim, record
//! BPJS's stages, and the benefit estimate on its own.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::{Caller, Json, Path, Query};
use crate::app::AppState;
use crate::auth::role::CLAIM_FILERS;
use crate::usecase::claims::{self, FileClaim, StepRequest};
use crate::wire;
use axum::extract::State;
use axum::http::StatusCode;
use lingkaran_domain::benefits::{parse_percent, Case, Kind};
use lingkaran_domain::claims::Stage;
use lingkaran_domain::Problem;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A date field: `None` when absent, a 422 naming the field when it cannot be read.
fn date_field(
    name: &str,
    value: Option<&str>,
) -> std::result::Result<Option<chrono::NaiveDate>, Problem> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                let shown = lingkaran_formats::snippet(s, 20);
                Problem::new(
                    "invalid_date",
                    format!("{name} \"{shown}\" harus berbentuk TTTT-BB-HH."),
                    format!("{name} \"{shown}\" must look like YYYY-MM-DD."),
                )
            }),
    }
}

fn percent_field(name: &str, value: Option<&str>) -> std::result::Result<Option<u32>, Problem> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => parse_percent(s).map(Some).ok_or_else(|| {
            let shown = lingkaran_formats::snippet(s, 20);
            Problem::new(
                "bad_percentage",
                format!("{name} \"{shown}\" bukan persentase (misalnya 40 atau 33,33)."),
                format!("{name} \"{shown}\" is not a percentage (e.g. 40 or 33.33)."),
            )
        }),
    }
}

/// A notification (Permenaker 1/2025's minimum content).
#[derive(Deserialize, Default, ToSchema)]
pub struct ClaimInput {
    /// The worker's NIK (16 digits).
    nik: String,
    /// `jkm`, `jkk-death`, `jkk-total-disability`, `jkk-partial` or `jkk-stmb`.
    kind: String,
    /// YYYY-MM-DD, not after today.
    event_date: String,
    /// HH:MM (WIB).
    #[serde(default)]
    event_time: Option<String>,
    place: String,
    cause: String,
    notifier_name: String,
    notifier_phone: String,
    /// For an occupational disease.
    #[serde(default)]
    disease: Option<DiseaseInput>,
    /// jkk-partial: the body part's percentage, e.g. "40" or "33,33".
    #[serde(default)]
    body_pct: Option<String>,
    /// jkk-partial: the loss of function in percent.
    #[serde(default)]
    function_loss_pct: Option<String>,
    /// jkk-stmb: months unable to work.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 600)]
    months_unable: Option<i64>,
}

#[derive(Deserialize, Default, ToSchema)]
pub struct DiseaseInput {
    job: String,
    exposure: String,
    diagnosis: String,
}

#[utoipa::path(post, path = "/api/v1/claims", tag = "claims",
    summary = "File a claim's notification: the coverage on the event date is checked and the benefit estimated",
    description = "Roles: admin, officer (workers in their regions), proposer (its organisation's workers). Filing the same worker, kind and event again returns the claim already filed. A death or a permanent total disability stops the worker's future months. The family's SMS and the donor's e-mail are queued.",
    request_body = ClaimInput,
    responses(
        (status = 201, description = "The claim", body = wire::Claim),
        (status = 403, description = "Not a filer (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No worker with this NIK that you reach", body = ErrorEnvelope),
        (status = 422, description = "A field does not hold: every problem", body = ErrorEnvelope),
    ))]
pub async fn file(
    caller: Caller,
    State(state): State<AppState>,
    Json(c): Json<ClaimInput>,
) -> Result<(StatusCode, Json<wire::Claim>)> {
    caller.require(&CLAIM_FILERS)?;
    let mut problems = Vec::new();
    let event_date = date_field("event_date", Some(&c.event_date)).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let body_bp = percent_field("body_pct", c.body_pct.as_deref()).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let function_loss_bp = percent_field("function_loss_pct", c.function_loss_pct.as_deref())
        .unwrap_or_else(|p| {
            problems.push(p);
            None
        });
    let months_unable = match c.months_unable {
        None => None,
        Some(n) => match u32::try_from(n).ok().filter(|n| (1..=600).contains(n)) {
            Some(n) => Some(n),
            None => {
                problems.push(Problem::new(
                    "bad_months",
                    "months_unable harus antara 1 dan 600.",
                    "months_unable must lie between 1 and 600.",
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let input = FileClaim {
        nik: c.nik,
        kind: c.kind,
        event_date,
        event_time: c.event_time.filter(|t| !t.trim().is_empty()),
        place: c.place,
        cause: c.cause,
        notifier_name: c.notifier_name,
        notifier_phone: c.notifier_phone,
        disease: c.disease.map(|d| (d.job, d.exposure, d.diagnosis)),
        body_bp,
        function_loss_bp,
        months_unable,
    };
    let v = claims::file(state.ctx(&caller.0), &input).await?;
    Ok((StatusCode::CREATED, Json(wire::Claim::of(&v))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// One stage (`dilaporkan`, `diajukan`, …); the open ones when absent.
    tahap: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/claims", tag = "claims",
    summary = "The claims queue: open claims (or those at one stage), oldest first",
    description = "Roles: admin, officer (their regions), proposer (its organisation's). No notifier or health data in the list.",
    params(QueueQuery),
    responses(
        (status = 200, description = "The claims", body = Vec<wire::ClaimSummary>),
        (status = 403, description = "Not a filer (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "Unknown stage (`bad_stage`)", body = ErrorEnvelope),
    ))]
pub async fn queue(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Vec<wire::ClaimSummary>>> {
    let stages = match q.tahap.as_deref().map(str::trim) {
        None | Some("") => Vec::new(),
        Some(s) => vec![Stage::parse(s).ok_or_else(|| {
            ApiError::invalid(vec![Problem::new(
                "bad_stage",
                "Tahap tidak dikenal.",
                "Unknown stage.",
            )])
        })?],
    };
    let rows = claims::queue(state.ctx(&caller.0), &stages).await?;
    Ok(Json(rows.iter().map(wire::ClaimSummary::of).collect()))
}

#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "claims",
    summary = "A claim with its coverage check, estimate, stages and BPJS's amounts",
    description = "Roles: admin, officer (their regions), proposer (its organisation's).",
    params(("id" = i64, Path, description = "The claim's id")),
    responses(
        (status = 200, description = "The claim", body = wire::Claim),
        (status = 403, description = "Not a filer (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such claim that you reach", body = ErrorEnvelope),
    ))]
pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<wire::Claim>> {
    let v = claims::open(state.ctx(&caller.0), id).await?;
    Ok(Json(wire::Claim::of(&v)))
}

/// BPJS's next stage, as an officer records it.
#[derive(Deserialize, Default, ToSchema)]
pub struct StepInput {
    /// The stage to move to: one step forward, or `ditolak` / `dialihkan` before payment.
    to: String,
    #[serde(default)]
    note: Option<String>,
    /// BPJS's reason, required for `ditolak`.
    #[serde(default)]
    rejected_reason: Option<String>,
    /// BPJS's decided amounts, at most 20 lines (`jkk.medical` for the medical care it paid).
    #[serde(default)]
    amounts: Vec<AmountInput>,
}

#[derive(Deserialize, ToSchema)]
pub struct AmountInput {
    code: String,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    amount: i64,
}

#[utoipa::path(post, path = "/api/v1/claims/{id}/steps", tag = "claims",
    summary = "Record BPJS's next stage of a claim, with its decided amounts",
    description = "Roles: admin, officer (their regions). One step at a time along dilaporkan → diajukan → agenda → penetapan → persetujuan → dibayar → selesai, or ditolak (with BPJS's reason) or dialihkan (a JKK claim re-classified as JKM: the JKM claim is filed) before payment. The officer who recorded the approval cannot record the payment.",
    params(("id" = i64, Path, description = "The claim's id")),
    request_body = StepInput,
    responses(
        (status = 200, description = "The claim after the step", body = wire::Claim),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such claim that you reach", body = ErrorEnvelope),
        (status = 409, description = "The stage cannot follow (`stage_not_allowed`), the same officer (`same_officer`), or not a JKK claim (`not_redirectable`)", body = ErrorEnvelope),
        (status = 422, description = "A field does not hold: every problem", body = ErrorEnvelope),
    ))]
pub async fn step(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(s): Json<StepInput>,
) -> Result<Json<wire::Claim>> {
    let req = StepRequest {
        to: s.to,
        note: s.note.filter(|n| !n.trim().is_empty()),
        rejected_reason: s.rejected_reason,
        amounts: s.amounts.into_iter().map(|a| (a.code, a.amount)).collect(),
    };
    let v = claims::step(state.ctx(&caller.0), id, &req).await?;
    Ok(Json(wire::Claim::of(&v)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EstimateQuery {
    /// `jkm`, `jkk-death`, `jkk-total-disability`, `jkk-partial` or `jkk-stmb`.
    kind: String,
    /// The day of the event, YYYY-MM-DD.
    event: String,
    /// Declared monthly income, whole rupiah.
    income: i64,
    membership_months: u32,
    paid_months: u32,
    body_pct: Option<String>,
    function_loss_pct: Option<String>,
    months_unable: Option<u32>,
    /// When the claim is made, YYYY-MM-DD (a JKK claim holds 5 years).
    filed: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/claims/estimate", tag = "claims",
    summary = "What the law gives for an event, by the rules in force on its date",
    description = "Roles: admin, officer, proposer. The same answer as `lingkaran claims estimate --json`; the rules and their sources are in docs/claims.md.",
    params(EstimateQuery),
    responses(
        (status = 200, description = "The estimate", body = wire::BenefitEstimate),
        (status = 403, description = "Not a filer (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "An input does not hold: every problem", body = ErrorEnvelope),
    ))]
pub async fn estimate(
    caller: Caller,
    Query(q): Query<EstimateQuery>,
) -> Result<Json<wire::BenefitEstimate>> {
    caller.require(&CLAIM_FILERS)?;
    let mut problems = Vec::new();
    let kind = Kind::parse(&q.kind);
    if kind.is_none() {
        problems.push(Problem::new(
            "bad_kind",
            "Jenis harus jkm, jkk-death, jkk-total-disability, jkk-partial atau jkk-stmb.",
            "The kind must be jkm, jkk-death, jkk-total-disability, jkk-partial or jkk-stmb.",
        ));
    }
    let mut dates = [None, None];
    for (slot, (name, value)) in dates.iter_mut().zip([
        ("event", Some(q.event.as_str())),
        ("filed", q.filed.as_deref()),
    ]) {
        match date_field(name, value) {
            Ok(d) => *slot = d,
            Err(p) => problems.push(p),
        }
    }
    let [event, filed] = dates;
    let mut pcts = [None, None];
    for (slot, (name, value)) in pcts.iter_mut().zip([
        ("body_pct", q.body_pct.as_deref()),
        ("function_loss_pct", q.function_loss_pct.as_deref()),
    ]) {
        match percent_field(name, value) {
            Ok(v) => *slot = v,
            Err(p) => problems.push(p),
        }
    }
    let [body_bp, function_loss_bp] = pcts;
    if event.is_none() && !problems.iter().any(|p| p.code == "invalid_date") {
        problems.push(Problem::new(
            "required",
            "Tanggal kejadian (event) wajib diisi.",
            "The event date is required.",
        ));
    }
    let (Some(kind), Some(event), true) = (kind, event, problems.is_empty()) else {
        return Err(ApiError::invalid(problems));
    };
    let e = crate::usecase::benefits::estimate(&Case {
        kind,
        event,
        income: q.income,
        membership_months: q.membership_months,
        paid_months: q.paid_months,
        body_bp,
        function_loss_bp,
        months_unable: q.months_unable,
        filed,
    })
    .map_err(ApiError::invalid)?;
    Ok(Json(wire::BenefitEstimate::of(&e)))
}

/// An heir, in the legal order by relationship.
#[derive(Deserialize, Default, ToSchema)]
pub struct HeirInput {
    /// `istri`, `suami`, `anak`, `ayah`, `ibu`, `kakek`, `nenek`, `cucu`, `saudara`, `mertua`
    /// or `wasiat` (a person named in a will).
    relationship: String,
    name: String,
    #[serde(default)]
    phone: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/claims/{id}/heirs", tag = "claims",
    summary = "Add an heir to a claim (ranked in the legal order by the relationship)",
    description = "Roles: admin, officer (their regions), proposer (its organisation's). The name and phone are sealed at rest.",
    params(("id" = i64, Path, description = "The claim's id")),
    request_body = HeirInput,
    responses(
        (status = 200, description = "The claim with its heirs", body = wire::Claim),
        (status = 403, description = "Not a filer (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such claim that you reach", body = ErrorEnvelope),
        (status = 422, description = "A field does not hold: every problem", body = ErrorEnvelope),
    ))]
pub async fn add_heir(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(h): Json<HeirInput>,
) -> Result<Json<wire::Claim>> {
    let v = claims::add_heir(
        state.ctx(&caller.0),
        id,
        &h.relationship,
        &h.name,
        h.phone.as_deref(),
    )
    .await?;
    Ok(Json(wire::Claim::of(&v)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `akta_kematian`, `kk`, `ktp`, `surat_ahli_waris`, `surat_dokter`, `kuitansi`,
    /// `formulir_tahap_1`, `formulir_tahap_2`, `buku_tabungan`, `buku_nikah`, `kartu_peserta`
    /// or `lainnya`.
    kind: String,
    /// The heir the document belongs to, if any.
    heir_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/claims/{id}/documents", tag = "claims",
    summary = "Attach a document to a claim: a PDF, JPEG or PNG of at most 5 MB (multipart field 'file')",
    description = "Roles: admin, officer (their regions), proposer (its organisation's). The type is read from the file's first bytes, not its name. Kept sealed with its SHA-256; the same file twice is kept once.",
    params(("id" = i64, Path, description = "The claim's id"), DocumentQuery),
    request_body(content = super::shapes::FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The claim with its documents", body = wire::Claim),
        (status = 403, description = "Not a filer (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such claim that you reach", body = ErrorEnvelope),
        (status = 413, description = "The upload is over the server's limit", body = ErrorEnvelope),
        (status = 422, description = "No file, an unknown kind, a file that is not PDF, JPEG or PNG (`bad_file_type`), over 5 MB (`file_too_large`), or an unknown heir", body = ErrorEnvelope),
    ))]
pub async fn add_document(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<DocumentQuery>,
    super::extract::Multipart(mp): super::extract::Multipart,
) -> Result<Json<wire::Claim>> {
    caller.require(&CLAIM_FILERS)?;
    let saved = crate::http::upload::save_file(mp)
        .await?
        .map_err(ApiError::from)?;
    let size = std::fs::metadata(&saved.path).map(|m| m.len()).unwrap_or(0);
    if size > lingkaran_domain::claims::DOCUMENT_MAX as u64 {
        return Err(ApiError::invalid(vec![Problem::new(
            "file_too_large",
            "Berkas paling besar 5 MB: foto atau pindai ulang dengan ukuran lebih kecil.",
            "A file is at most 5 MB: take or scan it again smaller.",
        )]));
    }
    let bytes = std::fs::read(&saved.path).map_err(anyhow::Error::from)?;
    let v = claims::add_document(
        state.ctx(&caller.0),
        id,
        &q.kind,
        &saved.name,
        &bytes,
        q.heir_id,
    )
    .await?;
    Ok(Json(wire::Claim::of(&v)))
}

#[utoipa::path(get, path = "/api/v1/claims/{id}/documents/{doc}", tag = "claims",
    summary = "One of a claim's documents, as the file it was",
    description = "Roles: admin, officer (their regions), proposer (its organisation's). Each reading is recorded in the audit trail.",
    params(("id" = i64, Path, description = "The claim's id"), ("doc" = i64, Path, description = "The document's id")),
    responses(
        (status = 200, description = "The file", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
        )),
        (status = 403, description = "Not a filer (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such claim or document that you reach", body = ErrorEnvelope),
    ))]
pub async fn document(
    caller: Caller,
    State(state): State<AppState>,
    Path((id, doc)): Path<(i64, i64)>,
) -> Result<axum::response::Response> {
    let (row, bytes) = claims::document(state.ctx(&caller.0), id, doc).await?;
    Ok(crate::http::download::attachment(
        bytes,
        &row.content_type,
        &row.file_name,
        &format!("dokumen-{doc}"),
    ))
}
