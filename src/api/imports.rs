//! Uploads of lists and their reports.

use super::error::{ApiError, Result};
use super::extract::Caller;
use super::wire;
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::db::imports::{self, ImportRecord, Submitter};
use crate::import::{self, ImportReport};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

/// The most report lines an API answer carries; the CSV has them all.
pub const REPORT_LIMIT: i64 = 1000;

/// Streams the multipart field `file` to a temporary file, so the upload never sits in memory.
pub async fn save_upload(
    mut mp: Multipart,
) -> Result<(tempfile::TempPath, String, Option<String>)> {
    let mut saved = None;
    let mut csrf = None;
    while let Some(mut field) = mp.next_field().await.map_err(bad_upload)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                let tmp = tempfile::NamedTempFile::new().map_err(anyhow::Error::from)?;
                let (std_file, path) = tmp.into_parts();
                let mut f = tokio::fs::File::from_std(std_file);
                while let Some(chunk) = field.chunk().await.map_err(bad_upload)? {
                    f.write_all(&chunk).await.map_err(anyhow::Error::from)?;
                }
                f.flush().await.map_err(anyhow::Error::from)?;
                saved = Some((path, name));
            }
            Some("csrf") => csrf = Some(field.text().await.map_err(bad_upload)?),
            _ => {}
        }
    }
    let (path, name) = saved.ok_or_else(|| {
        ApiError::bad_request(
            "no_file",
            "Pilih berkas CSV atau XLSX untuk diunggah (kolom 'file').",
            "Choose a CSV or XLSX file to upload (field 'file').",
        )
    })?;
    Ok((path, name, csrf))
}

fn bad_upload(e: axum::extract::multipart::MultipartError) -> ApiError {
    ApiError::bad_request(
        "bad_upload",
        format!("Unggahan terputus atau rusak: {e}"),
        format!("The upload was cut off or malformed: {e}"),
    )
}

/// Runs an import for a proposer and returns the report: the shared path of the API and the page.
pub async fn import_for(
    state: &AppState,
    p: &Principal,
    path: std::path::PathBuf,
    file_name: &str,
) -> Result<ImportReport> {
    let who = Submitter {
        organisation_id: p.organisation_id.ok_or_else(ApiError::forbidden)?,
        user_id: p.user_id,
        import_id: None,
    };
    match import::run(&state.db, path, file_name, who, state.clock.as_ref()).await? {
        Ok(report) => Ok(report),
        Err(e) => Err(ApiError::invalid(vec![e.0])),
    }
}

pub async fn report_json(state: &AppState, r: &ImportReport) -> Result<Value> {
    let errors = imports::errors(&state.db, r.import.id, "error", REPORT_LIMIT).await?;
    let warnings = imports::errors(&state.db, r.import.id, "warning", REPORT_LIMIT).await?;
    Ok(wire::import_json(
        &r.import,
        &errors,
        &warnings,
        r.already_imported,
    ))
}

pub async fn upload(
    caller: Caller,
    State(state): State<AppState>,
    mp: Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&[Role::Proposer])?;
    let (path, name, _) = save_upload(mp).await?;
    let report = import_for(&state, p, path.to_path_buf(), &name).await?;
    let status = if report.already_imported {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report_json(&state, &report).await?)))
}

/// The import, if the caller may see it: its proposer organisation, officers in scope of
/// that organisation's region, and admins.
pub async fn visible_import(state: &AppState, p: &Principal, id: i64) -> Result<ImportRecord> {
    let rec = imports::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Unggahan"))?;
    let ok = match p.role {
        Role::Admin => true,
        Role::Proposer => p.organisation_id == Some(rec.organisation_id),
        Role::Officer => {
            match crate::db::users::organisation(&state.db, rec.organisation_id).await? {
                Some(o) => p.covers(&o.region_code),
                None => false,
            }
        }
        Role::Donor | Role::Viewer => false,
    };
    if ok {
        Ok(rec)
    } else {
        Err(ApiError::not_found("Unggahan"))
    }
}

pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let rec = visible_import(&state, &caller.0, id).await?;
    let report = ImportReport {
        import: rec,
        already_imported: false,
    };
    Ok(Json(report_json(&state, &report).await?))
}

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
pub async fn errors_csv(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse> {
    let rec = visible_import(&state, &caller.0, id).await?;
    let rows = imports::errors(&state.db, rec.id, "error", i64::MAX).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["baris", "kolom", "nilai", "kode", "pesan", "message"])
        .map_err(anyhow::Error::from)?;
    for r in &rows {
        w.write_record([
            r.line.to_string().as_str(),
            &r.column_name,
            &r.value,
            &r.code,
            &r.message_id,
            &r.message_en,
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
