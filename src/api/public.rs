//! `GET /api/v1/public/summary`: GN Lingkaran in numbers, for anyone, the same figures as
//! `/transparansi` (issue 12 §4). No personal data; counts from 1 to 9 are null.

use super::error::Result;
use super::extract::Json;
use crate::app::AppState;
use crate::wire;
use axum::extract::State;

#[utoipa::path(get, path = "/api/v1/public/summary", tag = "public",
    summary = "GN Lingkaran in numbers: workers protected, worker-months funded, money received, remitted and returned, hand-overs; by month, source, province, regency and donor",
    description = "Roles: anyone (no token). No personal data: a count from 1 to 9 is `null` (the page shows \"< 10\"); donors are named only if they chose to be, the others are summed per kind as \"donatur anonim\". Recomputed at most every 30 seconds.",
    security(),
    responses(
        (status = 200, description = "The summary", body = wire::PublicSummary),
    ))]
pub async fn summary(State(state): State<AppState>) -> Result<Json<wire::PublicSummary>> {
    let s = crate::usecase::transparency::summary(&state.db, &state.public, state.clock.today())
        .await?;
    Ok(Json(wire::PublicSummary::of(&s)))
}
