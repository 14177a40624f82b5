//! A region's coverage and the figures it is computed from (issue 12 §1–2):
//! `GET /api/v1/regions/{code}/coverage?on=` and `POST /api/v1/figures` (a CSV or XLSX file).

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::{Caller, Json, Multipart, Path, Query};
use super::shapes;
use crate::app::AppState;
use crate::http::upload::save_file;
use crate::wire;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageOn {
    /// The day, YYYY-MM-DD; today when absent.
    on: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/regions/{code}/coverage", tag = "regions",
    summary = "A region's coverage on a day: participants ÷ denominator, target, gap, Lingkaran's own workers",
    description = "Roles: admin (any region, and `0` for the nation), officer and viewer in their regions. The latest imported figures on or before the day; a region without its own sums its children's of one definition. `coverage` is exact; `coverage_pct` is rounded half-up to 2 decimals for display.",
    params(("code" = String, Path, description = "A region code (35.25 is Kabupaten Gresik), or `0` for the nation"), CoverageOn),
    responses(
        (status = 200, description = "The coverage with the figures used and warnings", body = wire::RegionCoverage),
        (status = 403, description = "Not a reader of this region (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No region has this code", body = ErrorEnvelope),
        (status = 422, description = "The date is not valid (`invalid_date`)", body = ErrorEnvelope),
    ))]
pub async fn coverage(
    caller: Caller,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<CoverageOn>,
) -> Result<Json<wire::RegionCoverage>> {
    let ctx = state.ctx(&caller.0);
    let day = match q.on.as_deref().map(str::trim) {
        None | Some("") => ctx.clock.today(),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            let shown = lingkaran_formats::snippet(s, 20);
            ApiError::bad_request(
                "invalid_date",
                format!("Tanggal \"{shown}\" harus berbentuk TTTT-BB-HH."),
                format!("The date \"{shown}\" must look like YYYY-MM-DD."),
            )
        })?,
    };
    if code.len() > 13 {
        return Err(ApiError::not_found("Wilayah"));
    }
    let c = crate::usecase::region_coverage::read(ctx, &code, day).await?;
    Ok(Json(wire::RegionCoverage::of(&c)))
}

#[utoipa::path(post, path = "/api/v1/figures", tag = "regions",
    summary = "Import figures for regions' coverage: a CSV or XLSX (multipart field 'file')",
    description = "Roles: admin, officer (rows of regions outside their working area are refused). Header `kode_wilayah,tanggal,ukuran,nilai,definisi,sumber` (or `region_code,date,measure,value,definition,source`). Every bad cell is reported with its line, column and value; the good rows are stored. Importing the same rows again changes nothing; a changed value is stored as a correction, the old one kept.",
    request_body(content = shapes::FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "What was stored, and every bad cell", body = wire::FiguresImport),
        (status = 403, description = "Not an admin or officer (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "No file, or a file that cannot be read, or a wrong header (`bad_figures_file`)", body = ErrorEnvelope),
    ))]
pub async fn import(
    caller: Caller,
    State(state): State<AppState>,
    Multipart(mp): Multipart,
) -> Result<Json<wire::FiguresImport>> {
    caller.require(&crate::auth::role::STAFF)?;
    let saved = save_file(mp).await?.map_err(ApiError::from)?;
    let r =
        crate::usecase::figures::import_as(state.ctx(&caller.0), &saved.path, &saved.name).await?;
    Ok(Json(wire::FiguresImport::of(&r)))
}
