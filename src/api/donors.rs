//! Donors: officers create institutional donors; governments get budget lines with ceilings.

use super::error::{ApiError, Result};
use super::extract::Caller;
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::{Principal, Role};
use crate::db::donors::{self, BudgetLine, Donor, NewDonor};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lingkaran_domain::donor::{parse_npwp, BudgetSource, DonorKind};
use serde::Deserialize;
use serde_json::{json, Value};

fn donor_json(d: &Donor, lines: &[BudgetLine]) -> Value {
    json!({
        "id": d.id, "kind": d.kind, "name": d.name, "npwp": d.npwp,
        "region": d.region_code.as_deref().map(super::wire::region_json),
        "budget_lines": lines.iter().map(|l| json!({
            "id": l.id, "source": l.source, "code": l.code, "fiscal_year": l.fiscal_year, "ceiling": l.ceiling,
        })).collect::<Vec<_>>(),
    })
}

/// A donor the caller may see: staff see all, a donor account its own.
async fn visible(state: &AppState, p: &Principal, id: i64) -> Result<Donor> {
    let d = donors::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    let ok = STAFF.contains(&p.role) || (p.role == Role::Donor && d.user_id == Some(p.user_id));
    if ok {
        Ok(d)
    } else {
        Err(ApiError::not_found("Donatur"))
    }
}

#[derive(Deserialize)]
pub struct DonorInput {
    kind: String,
    name: String,
    npwp: Option<String>,
    region_code: Option<String>,
    user_id: Option<i64>,
}

pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Json(d): Json<DonorInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&STAFF)?;
    let kind = DonorKind::parse(&d.kind).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_kind",
            "Jenis donatur harus individual, company, government atau institution.",
            "The donor kind must be individual, company, government or institution.",
        )
    })?;
    if d.name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "missing_name",
            "Nama donatur wajib diisi.",
            "The donor's name is required.",
        ));
    }
    let npwp = match d.npwp.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(n) => Some(parse_npwp(n).map_err(|e| ApiError::invalid(vec![e]))?),
        None if kind == DonorKind::Company => {
            return Err(ApiError::bad_request(
                "npwp_required",
                "Perusahaan wajib mencantumkan NPWP.",
                "A company must give its NPWP.",
            ))
        }
        None => None,
    };
    let region = d.region_code.as_deref().filter(|s| !s.trim().is_empty());
    if let Some(r) = region {
        if crate::regions::RegionTable::get().region(r).is_none() {
            return Err(ApiError::bad_request(
                "unknown_region",
                format!("Wilayah {r} tidak dikenal."),
                format!("Region {r} does not exist."),
            ));
        }
    }
    if kind == DonorKind::Government && region.is_none() {
        return Err(ApiError::bad_request(
            "region_required",
            "Donatur pemerintah daerah wajib menyebut wilayahnya (region_code).",
            "A government donor must name its region (region_code).",
        ));
    }
    let id = donors::create(
        &state.db,
        &NewDonor {
            kind: kind.code(),
            name: d.name.trim(),
            npwp: npwp.as_deref(),
            region_code: region,
            user_id: d.user_id,
            created_by: p.user_id,
        },
        state.clock.now(),
    )
    .await?;
    let donor = donors::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    Ok((StatusCode::CREATED, Json(donor_json(&donor, &[]))))
}

pub async fn list(caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let own = (p.role == Role::Donor).then_some(p.user_id);
    let all = donors::list(&state.db, own).await?;
    Ok(Json(
        json!({ "donors": all.iter().map(|d| donor_json(d, &[])).collect::<Vec<_>>() }),
    ))
}

pub async fn show(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let d = visible(&state, &caller.0, id).await?;
    let lines = donors::budget_lines(&state.db, id).await?;
    Ok(Json(donor_json(&d, &lines)))
}

#[derive(Deserialize)]
pub struct BudgetLineInput {
    source: String,
    code: String,
    fiscal_year: i64,
    ceiling: i64,
}

pub async fn add_budget_line(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<BudgetLineInput>,
) -> Result<(StatusCode, Json<Value>)> {
    caller.require(&STAFF)?;
    let d = visible(&state, &caller.0, id).await?;
    if d.kind != DonorKind::Government.code() {
        return Err(ApiError::bad_request(
            "not_government",
            "Hanya donatur pemerintah yang memakai mata anggaran.",
            "Only government donors have budget lines.",
        ));
    }
    let source = BudgetSource::parse(&b.source).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_source",
            "Sumber anggaran harus apbd, dbhcht atau dana_desa.",
            "The source must be apbd, dbhcht or dana_desa.",
        )
    })?;
    if b.code.trim().is_empty() || !(2000..=2100).contains(&b.fiscal_year) || b.ceiling <= 0 {
        return Err(ApiError::bad_request(
            "invalid_budget_line",
            "Kode anggaran wajib diisi, tahun anggaran 2000–2100, dan pagu lebih dari Rp 0.",
            "A budget code is required, the fiscal year is 2000–2100 and the ceiling above Rp 0.",
        ));
    }
    let Some(line) = donors::add_budget_line(
        &state.db,
        id,
        source.code(),
        b.code.trim(),
        b.fiscal_year,
        b.ceiling,
        state.clock.now(),
    )
    .await?
    else {
        return Err(ApiError::conflict(
            "budget_line_exists",
            format!(
                "Mata anggaran {} tahun {} sudah ada.",
                b.code.trim(),
                b.fiscal_year
            ),
            format!(
                "Budget line {} for {} already exists.",
                b.code.trim(),
                b.fiscal_year
            ),
        ));
    };
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "id": line, "donor_id": id, "source": source.code(), "code": b.code.trim(), "fiscal_year": b.fiscal_year, "ceiling": b.ceiling }),
        ),
    ))
}

#[derive(Deserialize)]
pub struct HoldLimitsInput {
    /// Workers in unpaid donations at a time; `null` for the default.
    max_workers: Option<i64>,
    /// Unpaid (held) donations at a time; `null` for the default.
    max_donations: Option<i64>,
}

/// What a donor may hold: their own limits, or the default (which limits only individuals
/// who signed up alone), and what is in force.
async fn hold_limits_json(state: &AppState, id: i64) -> Result<Value> {
    let (workers, donations, alone) = donors::hold_limits(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    let d = state.settings.self_donor_limits;
    Ok(json!({
        "donor_id": id,
        "max_workers": workers, "max_donations": donations,
        "signed_up_alone": alone,
        "in_force": {
            "max_workers": workers.or(alone.then_some(d.workers)),
            "max_donations": donations.or(alone.then_some(d.donations)),
        },
    }))
}

pub async fn hold_limits(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let d = visible(&state, &caller.0, id).await?;
    Ok(Json(hold_limits_json(&state, d.id).await?))
}

/// `PUT /api/v1/donors/{id}/hold-limits`: an officer or admin sets how many workers and
/// unpaid donations this donor may hold at a time (`null`: the default).
pub async fn set_hold_limits(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<HoldLimitsInput>,
) -> Result<Json<Value>> {
    caller.require(&STAFF)?;
    for (field, v, max) in [
        ("max_workers", input.max_workers, 1_000_000),
        ("max_donations", input.max_donations, 1_000),
    ] {
        if let Some(v) = v.filter(|v| !(0..=max).contains(v)) {
            return Err(ApiError::bad_request(
                "invalid_limit",
                format!("{field} harus 0 sampai {max}, atau null untuk bawaan; bukan {v}."),
                format!("{field} is 0 to {max}, or null for the default; not {v}."),
            ));
        }
    }
    if !donors::set_hold_limits(&state.db, id, input.max_workers, input.max_donations).await? {
        return Err(ApiError::not_found("Donatur"));
    }
    Ok(Json(hold_limits_json(&state, id).await?))
}
