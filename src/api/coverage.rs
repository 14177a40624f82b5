//! `GET /api/v1/coverage/{nik}?on=YYYY-MM-DD`: is this person protected on that day, by whom,
//! until when. For staff in the worker's region; a NIK outside the caller's region answers
//! exactly as one nobody registered.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{Json, Path, Query};
use crate::app::AppState;
use crate::db::coverage::{self, Answer};
use crate::wire;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct On {
    /// The day, YYYY-MM-DD; today when absent.
    on: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/coverage/{nik}", tag = "coverage",
    summary = "Is this person protected on a day (?on=YYYY-MM-DD), by whom, until when",
    description = "Roles: admin, officer and viewer in the worker's region (a NIK outside it answers `not_registered`).",
    params(("nik" = String, Path, description = "The person's NIK"), On),
    responses(
        (status = 200, description = "The answer", body = wire::Coverage),
        (status = 403, description = "Your role may not check coverage (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "The NIK or the date is not valid", body = ErrorEnvelope),
    ))]
pub async fn check(
    caller: Caller,
    State(state): State<AppState>,
    Path(nik): Path<String>,
    Query(q): Query<On>,
) -> Result<Json<wire::Coverage>> {
    let p = caller.require(&crate::auth::role::READERS)?;
    let today = crate::clock::today();
    let day = match q.on.as_deref() {
        None | Some("") => today,
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(
                "invalid_date",
                format!("Tanggal \"{s}\" harus berbentuk TTTT-BB-HH."),
                format!("The date \"{s}\" must look like YYYY-MM-DD."),
            )
        })?,
    };
    let nik = lingkaran_domain::Nik::parse(&nik, today)
        .map_err(ApiError::invalid)?
        .to_string();
    let mut answer = coverage::check(&state.db, &nik, day).await?;
    if answer
        .worker
        .as_ref()
        .is_some_and(|w| !p.covers(&w.village_code))
    {
        answer = Answer {
            worker: None,
            coverage: lingkaran_domain::coverage::on(&[], day),
        };
    }
    Ok(Json(wire::Coverage::of(&answer)))
}
