//! Reference data: regions and the NIK check.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{Json, Path, Query};
use crate::app::AppState;
use crate::db::regions::{self, RegionRow};
use crate::regions::RegionTable;
use crate::wire;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Whether the service and its store answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
}

#[utoipa::path(get, path = "/api/v1/health", tag = "meta",
    summary = "Service and database health",
    description = "Roles: anyone.",
    security(),
    responses((status = 200, description = "The service answers", body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        database: state.db.kind(),
    })
}

/// A region of the Kemendagri table.
#[derive(Serialize, ToSchema)]
pub struct Region {
    pub code: String,
    pub name: String,
    /// 1 province, 2 regency, 3 district, 4 village.
    pub level: i64,
    pub parent: Option<String>,
}

impl From<&RegionRow> for Region {
    fn from(r: &RegionRow) -> Region {
        Region {
            code: r.code.clone(),
            name: r.name.clone(),
            level: r.level,
            parent: r.parent.clone(),
        }
    }
}

/// Region data is public: anyone may look codes up.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions",
    summary = "Look up a region code",
    description = "Roles: anyone.",
    security(),
    params(("code" = String, Path, description = "A region code: `35`, `35.25`, `35.25.01`, `35.25.01.2001`")),
    responses(
        (status = 200, description = "The region", body = Region),
        (status = 404, description = "No region has this code", body = ErrorEnvelope),
    ))]
pub async fn region(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Region>> {
    let r = regions::get(&state.db, &code)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Wilayah {code}")))?;
    Ok(Json(Region::from(&r)))
}

/// A region's children.
#[derive(Serialize, ToSchema)]
pub struct Children {
    /// The code asked for (`0` for the provinces).
    parent: String,
    children: Vec<Region>,
}

#[utoipa::path(get, path = "/api/v1/regions/{code}/children", tag = "regions",
    summary = "List a region's children (code 0 lists provinces)",
    description = "Roles: anyone.",
    security(),
    params(("code" = String, Path, description = "A region code, or `0` for the provinces")),
    responses(
        (status = 200, description = "The children, by code", body = Children),
        (status = 404, description = "No region has this code", body = ErrorEnvelope),
    ))]
pub async fn children(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Children>> {
    let list = if code == "0" || code == "ID" {
        regions::provinces(&state.db).await?
    } else {
        if regions::get(&state.db, &code).await?.is_none() {
            return Err(ApiError::not_found(&format!("Wilayah {code}")));
        }
        regions::children(&state.db, &code).await?
    };
    Ok(Json(Children {
        parent: code,
        children: list.iter().map(Region::from).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionSearch {
    /// At least 2 letters of the name.
    q: String,
    /// 1 province, 2 regency, 3 district, 4 village.
    level: Option<i64>,
    /// 1–500, default 50.
    limit: Option<i64>,
}

/// Regions whose name matches.
#[derive(Serialize, ToSchema)]
pub struct RegionList {
    regions: Vec<Region>,
}

#[utoipa::path(get, path = "/api/v1/regions", tag = "regions",
    summary = "Search regions by name (q, level, limit)",
    description = "Roles: anyone.",
    security(),
    params(RegionSearch),
    responses(
        (status = 200, description = "Matching regions", body = RegionList),
        (status = 422, description = "`q` has fewer than 2 letters (`query_too_short`)", body = ErrorEnvelope),
    ))]
pub async fn search_regions(
    State(state): State<AppState>,
    Query(q): Query<RegionSearch>,
) -> Result<Json<RegionList>> {
    if q.q.trim().chars().count() < 2 {
        return Err(ApiError::bad_request(
            "query_too_short",
            "Ketik paling sedikit 2 huruf nama wilayah.",
            "Type at least 2 letters of the region's name.",
        ));
    }
    let list = regions::search(
        &state.db,
        q.q.trim(),
        q.level,
        q.limit.unwrap_or(50).clamp(1, 500),
    )
    .await?;
    Ok(Json(RegionList {
        regions: list.iter().map(Region::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NikInput {
    nik: String,
}

/// POST, not GET: a NIK never goes into a URL, where access logs would keep it.
#[utoipa::path(post, path = "/api/v1/nik/check", tag = "nik",
    summary = "Check a NIK: parts, regions, errors and warnings",
    description = "Roles: any signed-in user.",
    responses((status = 200, description = "The check; `valid` is false when there are errors", body = wire::NikCheck)))]
pub async fn check_nik(_caller: Caller, Json(input): Json<NikInput>) -> Json<wire::NikCheck> {
    let c = lingkaran_domain::nik::check(&input.nik, crate::clock::today(), RegionTable::get());
    Json(wire::NikCheck::of(&c))
}
