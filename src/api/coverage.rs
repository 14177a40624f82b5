//! `POST /api/v1/coverage` with `{"nik": …, "on": "YYYY-MM-DD"}`: is this person protected
//! on that day, by whom, until when. The NIK travels in the body, never in a URL, so that
//! no proxy or request log records it. For admins and officers in the worker's region; a NIK
//! outside the caller's region answers exactly as one nobody registered
//! (`usecase::coverage::check`).

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::Json;
use crate::app::AppState;
use crate::wire;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct CoverageQuery {
    /// The person's NIK.
    nik: String,
    /// The day, YYYY-MM-DD; today when absent.
    #[serde(default)]
    on: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/coverage", tag = "coverage",
    summary = "Is this person protected on a day, by whom, until when (the NIK in the body)",
    description = "Roles: admin, officer in the worker's region (a NIK outside it answers `not_registered`). A viewer, who sees masked NIKs, may not look up a whole NIK (403).",
    responses(
        (status = 200, description = "The answer", body = wire::Coverage),
        (status = 403, description = "Your role may not look up a whole NIK (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "The NIK or the date is not valid", body = ErrorEnvelope),
    ))]
pub async fn check(
    caller: Caller,
    State(state): State<AppState>,
    Json(q): Json<CoverageQuery>,
) -> Result<Json<wire::Coverage>> {
    let ctx = state.ctx(&caller.0);
    let day = match q.on.as_deref() {
        None | Some("") => ctx.clock.today(),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(
                "invalid_date",
                format!("Tanggal \"{s}\" harus berbentuk TTTT-BB-HH."),
                format!("The date \"{s}\" must look like YYYY-MM-DD."),
            )
        })?,
    };
    let answer = crate::usecase::coverage::check(ctx, &q.nik, day).await?;
    Ok(Json(wire::Coverage::of(&answer)))
}
