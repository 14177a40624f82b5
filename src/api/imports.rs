//! Uploads of lists and their reports.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{Json, Multipart, Path};
use super::shapes;
use crate::app::AppState;
use crate::auth::Role;
use crate::db::imports;
use crate::http::upload::save_file;
use crate::usecase::imports::{self as uc, Report};
use crate::wire;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};

fn report_json(r: &Report) -> Value {
    wire::import_json(&r.import, &r.errors, &r.warnings, r.already_imported)
}

#[utoipa::path(post, path = "/api/v1/imports", tag = "imports",
    summary = "Upload a CSV or XLSX list (multipart field 'file')",
    description = "Roles: proposer.",
    request_body(content = shapes::FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Taken: the import's id and its report so far (`status` `running`). Its rows are stored by a background job; `GET /api/v1/imports/{id}` shows the rows done until `status` is `done` or `failed`.", body = wire::ImportReport),
        (status = 200, description = "The same file was imported before: that report", body = wire::ImportReport),
        (status = 403, description = "Not a proposer (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "No file, an unreadable upload, or a file that cannot be read as a list", body = ErrorEnvelope),
    ))]
pub async fn upload(
    caller: Caller,
    State(state): State<AppState>,
    Multipart(mp): Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&uc::UPLOADERS)?;
    let saved = save_file(mp).await?.map_err(ApiError::from)?;
    let upload = uc::Upload {
        path: &saved.path,
        file_name: &saved.name,
    };
    let report = uc::submit(state.ctx(p), upload).await?;
    let status = if report.already_imported {
        StatusCode::OK
    } else {
        // This server starts the job now (unless it runs none); the answer does not wait.
        state.start_import(report.import.id);
        StatusCode::ACCEPTED
    };
    Ok((status, Json(report_json(&report))))
}

#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports",
    summary = "An import's report, and while it runs the rows done so far",
    description = "Roles: its proposer, officers in scope, admin.",
    params(("id" = i64, Path, description = "The import's id")),
    responses(
        (status = 200, description = "The report (up to 1 000 rows of each kind)", body = wire::ImportReport),
        (status = 404, description = "No such import that you may see", body = ErrorEnvelope),
    ))]
pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let report = uc::report(state.ctx(&caller.0), id).await?;
    Ok(Json(report_json(&report)))
}

#[utoipa::path(get, path = "/api/v1/imports", tag = "imports",
    summary = "Recent imports",
    description = "Roles: admin, proposer (own).",
    responses(
        (status = 200, description = "Up to 100 imports, newest first", body = shapes::ImportList),
        (status = 403, description = "Not an admin or proposer (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn list(caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    let p = caller.require(&[Role::Admin, Role::Proposer])?;
    let org = if p.role == Role::Proposer {
        p.organisation_id
    } else {
        None
    };
    let list = imports::list(&state.db, org, 100).await?;
    Ok(Json(
        json!({ "imports": list.iter().map(|r| wire::import_json(r, &[], &[], false)).collect::<Vec<_>>() }),
    ))
}

/// The report as CSV, for a clerk to fix and re-upload just the bad rows:
/// `baris,kolom,nilai,kode,pesan,message`.
#[utoipa::path(get, path = "/api/v1/imports/{id}/errors.csv", tag = "imports",
    summary = "The bad rows as CSV",
    description = "Roles: its proposer, officers in scope, admin. Each export is recorded in the audit trail.",
    params(("id" = i64, Path, description = "The import's id")),
    responses(
        (status = 200, description = "`baris,kolom,nilai,kode,pesan,message`, UTF-8 with a BOM", body = String, content_type = "text/csv"),
        (status = 404, description = "No such import that you may see", body = ErrorEnvelope),
    ))]
pub async fn errors_csv(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let rows = uc::errors_export(state.ctx(&caller.0), id).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["baris", "kolom", "nilai", "kode", "pesan", "message"])
        .map_err(anyhow::Error::from)?;
    // Every text cell through `csv_text`: a rejected value like `=HYPERLINK(…)` goes out as
    // text (`'=HYPERLINK(…)`), never as a live formula.
    use lingkaran_domain::fields::csv_text;
    for r in &rows {
        w.write_record([
            r.line.to_string().as_str(),
            &csv_text(&r.column_name),
            &csv_text(&r.value),
            &csv_text(&r.code),
            &csv_text(&r.message_id),
            &csv_text(&r.message_en),
        ])
        .map_err(anyhow::Error::from)?;
    }
    let body = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    // A BOM so that Excel opens the UTF-8 text with its accents intact.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(body);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"laporan-unggahan-{id}.csv\""),
            ),
        ],
        bytes,
    ))
}

/// A NIK sent again by another organisation, as the officer sees it (no NIK: the worker's
/// id names the record, which the officer opens within their scope).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DuplicateSubmission {
    pub id: i64,
    pub worker_id: i64,
    pub village: crate::wire::RegionName,
    pub organisation: crate::wire::Named,
    pub submitted_by: i64,
    pub import_id: Option<i64>,
    pub line: i64,
    #[schema(format = DateTime)]
    pub submitted_at: String,
}

/// The officer's list of duplicate submissions.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DuplicateSubmissions {
    pub submissions: Vec<DuplicateSubmission>,
}

/// NIKs a proposer sent that another organisation had registered. The proposer was told only
/// "sudah terdaftar; petugas akan menghubungi Anda"; the officer contacts them from here.
#[utoipa::path(get, path = "/api/v1/duplicate-submissions", tag = "verification",
    summary = "NIKs sent again by another organisation than the one that registered them (newest 500)",
    description = "Roles: admin, officer (workers in their regions).",
    responses(
        (status = 200, description = "The submissions", body = DuplicateSubmissions),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn duplicate_submissions(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<DuplicateSubmissions>> {
    let rows = uc::duplicate_submissions(state.ctx(&caller.0)).await?;
    Ok(Json(DuplicateSubmissions {
        submissions: rows
            .into_iter()
            .map(|r| DuplicateSubmission {
                id: r.id,
                worker_id: r.worker_id,
                village: crate::wire::RegionName::of(&r.village_code),
                organisation: crate::wire::Named {
                    id: r.organisation_id,
                    name: r.organisation_name,
                },
                submitted_by: r.submitted_by,
                import_id: r.import_id,
                line: r.line,
                submitted_at: r.submitted_at.to_rfc3339(),
            })
            .collect(),
    }))
}
