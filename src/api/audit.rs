//! The audit trail over the API (admins only): `GET /api/v1/audit`, filtered by record, user
//! and date, a keyset page at a time.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::{Caller, Query};
use crate::app::AppState;
use crate::usecase::audit as uc;
use crate::wire::{AuditEntry, AuditPage};
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A record's kind: `worker`, `donation`, `payment`, `invoice`, `statement`, `cycle`, …
    record_kind: Option<String>,
    /// The record's id (with `record_kind`).
    record_id: Option<String>,
    /// A user's id: what they did.
    user: Option<i64>,
    /// Any actor as recorded: `cli`, `system:cycle`, `system:provider`, `user:12`.
    actor: Option<String>,
    /// From this day (UTC), YYYY-MM-DD.
    from: Option<String>,
    /// Through this day (UTC), YYYY-MM-DD.
    to: Option<String>,
    /// The next page: entries older than this id (`next_before` of the page before).
    before: Option<i64>,
    /// Entries per page, 1–200 (50).
    limit: Option<i64>,
}

fn day(field: &str, v: Option<&str>) -> Result<Option<NaiveDate>> {
    v.filter(|s| !s.trim().is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(
                    "invalid_date",
                    format!("{field} \"{s}\" harus berbentuk TTTT-BB-HH."),
                    format!("{field} \"{s}\" must look like YYYY-MM-DD."),
                )
            })
        })
        .transpose()
}

/// `GET /api/v1/audit`: the trail, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    summary = "The audit trail: who changed what, when (filter by record, user, date; keyset pages)",
    description = "Roles: admin.",
    params(AuditQuery),
    responses(
        (status = 200, description = "Up to `limit` entries, newest first", body = AuditPage),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "A bad date range or page size (`bad_range`, `bad_limit`)", body = ErrorEnvelope),
    ))]
pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<axum::Json<AuditPage>> {
    let query = uc::Query {
        record_kind: q.record_kind,
        record_id: q.record_id,
        user: q.user,
        actor: q.actor,
        from: day("from", q.from.as_deref())?,
        to: day("to", q.to.as_deref())?,
        before: q.before,
        limit: q.limit,
    };
    let page = uc::list(state.ctx(&caller.0), &query).await?;
    Ok(axum::Json(AuditPage {
        entries: page.entries.into_iter().map(AuditEntry::of).collect(),
        next_before: page.next_before,
    }))
}
