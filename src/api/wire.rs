//! JSON shapes of the API, built from storage records for one caller: a field the caller may
//! not see is masked or left out here, in one place.

use crate::auth::Principal;
use crate::db::imports::{ErrorRow, ImportRecord};
use crate::db::workers::{WorkerEvent, WorkerRecord};
use crate::regions::RegionTable;
use chrono::Datelike;
use lingkaran_domain::nik;
use lingkaran_domain::worker::{Occupation, WorkerStatus};
use lingkaran_domain::Problem;
use serde_json::{json, Value};

pub fn region_json(code: &str) -> Value {
    let name = RegionTable::get().region(code).map(|r| r.name.clone());
    json!({ "code": code, "name": name })
}

pub fn problem_json(p: &Problem) -> Value {
    json!({ "code": p.code, "message": p.id, "message_en": p.en })
}

/// A worker as `who` may see them. The whole NIK, phone and birth date go only to officers
/// and admins in scope and to the proposing organisation; everyone else gets the masked NIK
/// and the birth year.
pub fn worker_json(w: &WorkerRecord, who: &Principal) -> Value {
    let full = who.sees_full_nik(&w.village_code, w.organisation_id);
    let occupation = Occupation::parse(&w.occupation);
    let status = WorkerStatus::parse(&w.status);
    json!({
        "id": w.id,
        "nik": if full { w.nik.clone() } else { nik::mask(&w.nik) },
        "nik_masked": nik::mask(&w.nik),
        "full_name": w.full_name,
        "sex": w.sex,
        "birth_date": if full { Some(w.birth_date.to_string()) } else { None },
        "birth_year": w.birth_date.year(),
        "village": region_json(&w.village_code),
        "regency": region_json(&w.regency_code),
        "phone": if full { w.phone.clone() } else { None },
        "occupation": { "code": w.occupation, "label": occupation.map(|o| o.label("id")), "label_en": occupation.map(|o| o.label("en")) },
        "sector": w.sector,
        "income": w.income,
        "decile": w.decile,
        "organisation": { "id": w.organisation_id, "name": w.organisation_name },
        "import_id": w.import_id,
        "status": w.status,
        "status_label": status.map(|s| s.label("id")),
        "status_reason": w.status_reason,
        "flag": w.flag,
        "possible_duplicate_of": w.possible_duplicate_of,
        "created_at": w.created_at.to_rfc3339(),
        "updated_at": w.updated_at.to_rfc3339(),
    })
}

pub fn event_json(e: &WorkerEvent) -> Value {
    json!({
        "from": e.from_status, "to": e.to_status, "action": e.action, "reason": e.reason,
        "by": { "id": e.actor_id, "name": e.actor_name }, "at": e.at.to_rfc3339(),
    })
}

pub fn error_row_json(e: &ErrorRow) -> Value {
    json!({
        "line": e.line, "column": e.column_name, "value": e.value, "code": e.code,
        "message": e.message_id, "message_en": e.message_en,
    })
}

/// The import report of the contract:
/// `{"import_id","rows","accepted","rejected","duplicates","possible_duplicates","errors":[…]}`
/// plus `warnings` (possible duplicates), `notes` and `already_imported`.
pub fn import_json(
    r: &ImportRecord,
    errors: &[ErrorRow],
    warnings: &[ErrorRow],
    already_imported: bool,
) -> Value {
    json!({
        "import_id": r.id,
        "file_name": r.file_name,
        "status": r.status,
        "rows": r.rows_total,
        "accepted": r.accepted,
        "rejected": r.rejected,
        "duplicates": r.duplicates,
        "possible_duplicates": r.possible_duplicates,
        "already_imported": already_imported,
        "errors": errors.iter().map(error_row_json).collect::<Vec<_>>(),
        "warnings": warnings.iter().map(error_row_json).collect::<Vec<_>>(),
        "notes": r.notes().iter().map(|n| json!({ "code": n.code, "message": n.id, "message_en": n.en })).collect::<Vec<_>>(),
        "errors_csv": format!("/api/v1/imports/{}/errors.csv", r.id),
        "created_at": r.created_at.to_rfc3339(),
    })
}

/// `lingkaran nik check --json` and `POST /api/v1/nik/check` share this shape.
pub fn nik_check_json(c: &nik::NikCheck) -> Value {
    // An old code (`91.01`) keeps its place and is named by its current region, whose code
    // comes as `current_code`.
    let pair = |p: &Option<(String, String)>, now: &Option<String>| {
        p.as_ref().map(|(code, name)| match now {
            Some(now) => json!({"code": code, "name": name, "current_code": now}),
            None => json!({"code": code, "name": name}),
        })
    };
    json!({
        "valid": c.is_valid(),
        "nik": c.nik.map(|n| n.to_string()),
        "sex": c.nik.map(|n| n.sex().code()),
        "birth_date": c.nik.map(|n| n.birth_date().to_string()),
        "province": pair(&c.province, &None),
        "regency": pair(&c.regency, &c.regency_now),
        "district": pair(&c.district, &c.district_now),
        "errors": c.errors.iter().map(problem_json).collect::<Vec<_>>(),
        "warnings": c.warnings.iter().map(problem_json).collect::<Vec<_>>(),
    })
}

/// `lingkaran quote --json` and `POST /api/v1/quotes` share this shape:
/// `{"workers","months","from","per_worker_month","total","breakdown":{"jkk","jkm"}}` plus
/// the income and each month's price.
pub fn quote_json(
    q: &lingkaran_domain::pricing::Quote,
    funding_assumed: bool,
    sector_assumed: bool,
) -> Result<Value, lingkaran_domain::Overflow> {
    let mut by_month = Vec::with_capacity(q.months.len());
    for p in &q.months {
        by_month.push(json!({
            "month": p.month.to_string(), "jkk": p.jkk.get(), "jkm": p.jkm.get(),
            "per_worker": p.total()?.get(),
            "relief": p.relief.as_ref().map(|r| json!({
                "id": r.id, "basis": r.basis, "basis_points": r.basis_points,
            })),
        }));
    }
    let first = q.months.first().map(|p| p.total()).transpose()?;
    let mut v = json!({
        "workers": q.workers,
        "months": q.months.len(),
        "from": q.months.first().map(|p| p.month.to_string()),
        "income": q.income,
        "funding": q.funding.as_str(),
        "sector": q.sector.as_str(),
        "funding_assumed": funding_assumed,
        "sector_assumed": sector_assumed,
        "per_worker_month": first.map(|r| r.get()).unwrap_or_default(),
        "total": q.total()?.get(),
        "breakdown": { "jkk": q.jkk.get(), "jkm": q.jkm.get() },
        "by_month": by_month,
    });
    if funding_assumed {
        v["assumption"] = json!({
            "id": format!("Sumber dana tidak disebut; dihitung sebagai {}.", q.funding.as_str()),
            "en": format!("No funding source given; priced as {}.", q.funding.as_str()),
        });
    }
    Ok(v)
}

/// `lingkaran coverage check --json` and `GET /api/v1/coverage/{nik}`:
/// `{"protected","programmes","source","donor","until","status","worker_status"}`.
/// `status` is `protected`, `not_protected` or `not_registered`.
pub fn coverage_json(a: &crate::db::coverage::Answer) -> Value {
    use lingkaran_domain::coverage::Payer;
    let c = &a.coverage;
    let (source, donor) = match &c.payer {
        Some(Payer::Donor { name, .. }) => (Some("donor"), Some(json!({ "name": name }))),
        Some(Payer::SelfPaid) => (Some("self"), None),
        None => (None, None),
    };
    let status = match (&a.worker, c.protected) {
        (None, _) => "not_registered",
        (Some(_), true) => "protected",
        (Some(_), false) => "not_protected",
    };
    json!({
        "protected": c.protected,
        "programmes": if c.protected { vec!["JKK", "JKM"] } else { Vec::new() },
        "source": source,
        "donor": donor,
        "until": c.until.map(|d| d.to_string()),
        "status": status,
        "worker_status": a.worker.as_ref().map(|w| w.status.clone()),
    })
}
