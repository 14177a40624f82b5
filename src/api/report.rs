//! A region's report for the quarterly UCJ review (issue 12 §3), as XLSX or PDF:
//! `GET /api/v1/regions/{code}/report?from=YYYY-MM&to=YYYY-MM&format=xlsx|pdf`. The same file
//! the dashboard's form downloads (`usecase::region_report`, written by `crate::report`).

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::{Caller, Path, Query};
use crate::app::AppState;
use crate::report::{self, Format};
use crate::usecase::region_report::{self, Period};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The first month, YYYY-MM. Without `from` and `to`: the last full quarter; with only
    /// `to`: the three months ending with it.
    from: Option<String>,
    /// The last month, YYYY-MM: this month at the latest, at most 36 months after `from`.
    to: Option<String>,
    /// `xlsx` (the default) or `pdf`.
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/regions/{code}/report", tag = "regions",
    summary = "A region's report for the UCJ review as XLSX or PDF, for a period of at most 36 months",
    description = "Roles: admin (any region, and `0` for the nation), officer and viewer in their regions. The coverage at the period's end (numerator, denominator, definition, target, gap, warnings; by segment where figures exist), each month's coverage, workers protected by funding source and paying alone, hand-overs, worker-months remitted to BPJS, accepted and rejected; the regions below in the last month; the regional budgets' realisation; claims of the region's workers with an event in the period (filed, paid and the amount paid per kind; a count under 10 is not published, nor the amount paid to fewer than 10). XLSX sheets `Ringkasan`, `Bulanan`, `Wilayah`, `Anggaran`; an A4 PDF in Indonesian. Sent as an attachment named `laporan-cakupan-{code}-{from}-{to}.{format}`.",
    params(("code" = String, Path, description = "A region code (35.25 is Kabupaten Gresik), or `0` for the nation"), ReportQuery),
    responses(
        (status = 200, description = "The report as a file", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 403, description = "Not a reader of this region (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No region has this code", body = ErrorEnvelope),
        (status = 422, description = "A month that is not YYYY-MM (`invalid_month`), a period that runs backwards (`period_reversed`), is longer than 36 months (`period_too_long`), ends after this month (`period_in_future`) or starts before 2000 (`period_too_early`), or a format other than xlsx or pdf (`invalid_format`)", body = ErrorEnvelope),
    ))]
pub async fn region_report(
    caller: Caller,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response> {
    if code.len() > 13 {
        return Err(ApiError::not_found("Wilayah"));
    }
    let ctx = state.ctx(&caller.0);
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), ctx.clock.today())?;
    let format = Format::parse(q.format.as_deref())?;
    let r = region_report::build(ctx, &code, period.from, period.to).await?;
    let (name, bytes) = report::render(&r, format)?;
    Ok(crate::http::download::attachment(
        bytes,
        format.content_type(),
        &name,
        "laporan-cakupan",
    ))
}
