//! `GET /api/v1/coverage/{nik}?on=YYYY-MM-DD`: is this person protected on that day, by whom,
//! until when. For staff in the worker's region; a NIK outside the caller's region answers
//! exactly as one nobody registered.

use super::error::{ApiError, Result};
use super::extract::Caller;
use crate::app::AppState;
use crate::db::coverage::{self, Answer};
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
pub struct On {
    on: Option<String>,
}

pub async fn check(
    caller: Caller,
    State(state): State<AppState>,
    Path(nik): Path<String>,
    Query(q): Query<On>,
) -> Result<Json<Value>> {
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
    Ok(Json(super::wire::coverage_json(&answer)))
}
