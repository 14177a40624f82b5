//! Reference data: regions and the NIK check.

use super::error::{ApiError, Result};
use super::extract::Caller;
use super::wire;
use crate::app::AppState;
use crate::db::regions::{self, RegionRow};
use crate::regions::RegionTable;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "status": "ok", "database": state.db.kind() }))
}

fn region_row_json(r: &RegionRow) -> Value {
    json!({ "code": r.code, "name": r.name, "level": r.level, "parent": r.parent })
}

/// Region data is public: anyone may look codes up.
pub async fn region(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>> {
    let r = regions::get(&state.db, &code)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Wilayah {code}")))?;
    Ok(Json(region_row_json(&r)))
}

pub async fn children(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>> {
    let list = if code == "0" || code == "ID" {
        regions::provinces(&state.db).await?
    } else {
        if regions::get(&state.db, &code).await?.is_none() {
            return Err(ApiError::not_found(&format!("Wilayah {code}")));
        }
        regions::children(&state.db, &code).await?
    };
    Ok(Json(
        json!({ "parent": code, "children": list.iter().map(region_row_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize)]
pub struct RegionSearch {
    q: String,
    level: Option<i64>,
    limit: Option<i64>,
}

pub async fn search_regions(
    State(state): State<AppState>,
    Query(q): Query<RegionSearch>,
) -> Result<Json<Value>> {
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
    Ok(Json(
        json!({ "regions": list.iter().map(region_row_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize)]
pub struct NikInput {
    nik: String,
}

/// POST, not GET: a NIK never goes into a URL, where access logs would keep it.
pub async fn check_nik(_caller: Caller, Json(input): Json<NikInput>) -> Json<Value> {
    let c = lingkaran_domain::nik::check(&input.nik, crate::clock::today(), RegionTable::get());
    Json(wire::nik_check_json(&c))
}
