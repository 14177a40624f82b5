//! The worker registry: records, status changes with their history, duplicates, search.

use super::audit::{self, Actor};
use super::sql::Sql;
use super::worker_events::{self, Change};
use super::{sealed, Db};
use crate::auth::role::{Principal, Role};
use crate::privacy::{Keyring, Kind};
use crate::{bind_all, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_domain::worker::WorkerStatus;
use serde_json::json;
use sqlx::FromRow;

pub const FLAG_POSSIBLE_DUPLICATE: &str = "possible_duplicate";

/// A worker as callers read it: the NIK and phone opened (storage holds them sealed, see
/// `db::sealed`).
#[derive(Debug, Clone, FromRow)]
pub struct WorkerRecord {
    pub id: i64,
    /// The whole NIK, opened from `sealed_nik`.
    #[sqlx(skip)]
    pub nik: String,
    #[sqlx(rename = "nik")]
    sealed_nik: Vec<u8>,
    #[sqlx(rename = "phone")]
    sealed_phone: Option<Vec<u8>>,
    pub full_name: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub village_code: String,
    pub regency_code: String,
    #[sqlx(skip)]
    pub phone: Option<String>,
    pub occupation: String,
    /// `transport` or `other` (PP 50/2025), from the occupation; changes keep their history.
    pub sector: String,
    pub income: i64,
    pub decile: Option<i64>,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub proposed_by: i64,
    pub import_id: Option<i64>,
    pub status: String,
    pub status_reason: Option<String>,
    pub flag: Option<String>,
    pub possible_duplicate_of: Option<i64>,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
}

const SELECT_WORKER: &str = "SELECT w.id, w.nik, w.full_name, w.sex, w.birth_date, w.village_code, w.regency_code,
    w.phone, w.occupation, w.sector, w.income, w.decile, w.organisation_id, o.name AS organisation_name, w.proposed_by,
    w.import_id, w.status, w.status_reason, w.flag, w.possible_duplicate_of, w.created_at, w.updated_at
    FROM workers w JOIN organisations o ON o.id = w.organisation_id";

impl WorkerRecord {
    /// Opens the sealed NIK and phone read from the store.
    fn opened(mut self, keys: &Keyring) -> sqlx::Result<WorkerRecord> {
        self.nik = sealed::open(keys, Kind::Nik, &self.sealed_nik)?;
        self.phone = sealed::open_opt(keys, Kind::Phone, self.sealed_phone.as_deref())?;
        self.sealed_nik = Vec::new();
        self.sealed_phone = None;
        Ok(self)
    }
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<WorkerRecord>> {
    let sql = format!("{SELECT_WORKER} WHERE w.id = $1");
    let row: Option<WorkerRecord> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.map(|r| r.opened(db.keys())).transpose()
}

/// The worker with this NIK, found by its blind index.
pub async fn by_nik(db: &Db, nik: &str) -> sqlx::Result<Option<WorkerRecord>> {
    let sql = format!("{SELECT_WORKER} WHERE w.nik_index = $1");
    let row: Option<WorkerRecord> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(sealed::nik_index(db.keys(), nik))
        .fetch_optional(pool)
        .await)?;
    row.map(|r| r.opened(db.keys())).transpose()
}

/// Search and queue filters. Every field narrows; `None` means "any".
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub nik: Option<String>,
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<String>,
    pub occupation: Option<String>,
    pub organisation_id: Option<i64>,
    pub flag: Option<String>,
}

/// Restricts a query to what `who` may read: an officer's or viewer's regions, a proposer's
/// own organisation, everything for an admin, nothing for a donor.
fn scope(sql: &mut Sql, who: &Principal) {
    match who.role {
        Role::Admin => {}
        Role::Officer | Role::Viewer => {
            sql.in_regions("w.village_code", &who.scopes);
        }
        Role::Proposer => {
            sql.push(" AND w.organisation_id = ")
                .int_arg(who.organisation_id.unwrap_or(-1));
        }
        Role::Donor => {
            sql.push(" AND 1 = 0");
        }
    }
}

fn where_clause(sql: &mut Sql, keys: &Keyring, f: &Filter, who: &Principal) {
    sql.push(" WHERE 1 = 1");
    scope(sql, who);
    if let Some(nik) = &f.nik {
        sql.push(" AND w.nik_index = ")
            .bytes_arg(sealed::nik_index(keys, nik));
    }
    if let Some(name) = &f.name {
        let key = lingkaran_domain::worker::name_key(name);
        sql.push(" AND w.name_key LIKE ")
            .text_arg(format!("%{}%", key.replace(['%', '_'], "")));
    }
    if let Some(region) = &f.region {
        sql.in_regions("w.village_code", std::slice::from_ref(region));
    }
    if let Some(status) = &f.status {
        sql.push(" AND w.status = ").text_arg(status.as_str());
    }
    if let Some(o) = &f.occupation {
        sql.push(" AND w.occupation = ").text_arg(o.as_str());
    }
    if let Some(org) = f.organisation_id {
        sql.push(" AND w.organisation_id = ").int_arg(org);
    }
    if let Some(flag) = &f.flag {
        sql.push(" AND w.flag = ").text_arg(flag.as_str());
    }
}

/// One page of matching workers, oldest first, and the total count.
pub async fn search(
    db: &Db,
    f: &Filter,
    who: &Principal,
    page: i64,
    per_page: i64,
) -> sqlx::Result<(Vec<WorkerRecord>, i64)> {
    let mut count = Sql::new("SELECT COUNT(*) FROM workers w");
    where_clause(&mut count, db.keys(), f, who);
    let mut list = Sql::new(SELECT_WORKER);
    where_clause(&mut list, db.keys(), f, who);
    list.push(" ORDER BY w.id LIMIT ")
        .int_arg(per_page)
        .push(" OFFSET ")
        .int_arg(lingkaran_domain::paging::offset(page, per_page).unwrap_or(0));
    let total: i64 = on_db!(db, |pool| bind_all!(sqlx::query_scalar(&count.text), count)
        .fetch_one(pool)
        .await)?;
    let rows: Vec<WorkerRecord> = on_db!(db, |pool| bind_all!(sqlx::query_as(&list.text), list)
        .fetch_all(pool)
        .await)?;
    let rows = rows
        .into_iter()
        .map(|r| r.opened(db.keys()))
        .collect::<sqlx::Result<_>>()?;
    Ok((rows, total))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeError {
    NotFound,
    /// The move is not allowed from the worker's current status (or it changed meanwhile).
    NotAllowed {
        from: String,
    },
    /// Proposers never verify or reject what they submitted themselves.
    OwnSubmission,
    OutOfScope,
    NotFlagged,
}

#[derive(Debug, Clone, FromRow)]
pub struct WorkerEvent {
    pub id: i64,
    pub worker_id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub action: String,
    pub reason: Option<String>,
    pub actor_id: i64,
    pub actor_name: String,
    pub at: chrono::DateTime<Utc>,
}

pub async fn events(db: &Db, worker_id: i64) -> sqlx::Result<Vec<WorkerEvent>> {
    on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT e.id, e.worker_id, e.from_status, e.to_status, e.action, e.reason, e.actor_id,
                u.full_name AS actor_name, e.at
         FROM worker_events e JOIN users u ON u.id = e.actor_id WHERE e.worker_id = $1 ORDER BY e.id"
    )
    .bind(worker_id)
    .fetch_all(pool)
    .await
    })
}

/// Moves a worker to `to`, recording who, when and why. The UPDATE is conditional on the
/// status read, so two officers racing on one worker cannot both win.
pub async fn change_status(
    db: &Db,
    worker_id: i64,
    to: WorkerStatus,
    action: &str,
    reason: Option<&str>,
    actor: &Principal,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<WorkerRecord, ChangeError>> {
    let Some(w) = get(db, worker_id).await? else {
        return Ok(Err(ChangeError::NotFound));
    };
    if !actor.covers(&w.village_code) {
        return Ok(Err(ChangeError::OutOfScope));
    }
    if w.proposed_by == actor.user_id || actor.organisation_id == Some(w.organisation_id) {
        return Ok(Err(ChangeError::OwnSubmission));
    }
    let from = WorkerStatus::parse(&w.status);
    if !from.is_some_and(|f| f.can_become(to)) {
        return Ok(Err(ChangeError::NotAllowed { from: w.status }));
    }
    let Some(from) = from else {
        return Ok(Err(ChangeError::NotAllowed { from: w.status }));
    };
    let change = Change {
        to,
        action,
        reason,
        actor: Actor::of(actor),
        at: now,
    };
    let mut tx = db.begin().await?;
    let changed = worker_events::change_worker(&mut tx, worker_id, from, &change).await?;
    tx.commit().await?;
    if !changed {
        return Ok(Err(ChangeError::NotAllowed { from: w.status }));
    }
    Ok(get(db, worker_id).await?.ok_or(ChangeError::NotFound))
}

/// An officer's decision on a possible duplicate: `distinct` (two people; the flag is cleared)
/// or `merge` (the flagged record is the same person as the older one and is rejected, naming
/// it). Either way the decision is recorded; nothing is merged without one.
pub async fn resolve_duplicate(
    db: &Db,
    worker_id: i64,
    merge: bool,
    actor: &Principal,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<WorkerRecord, ChangeError>> {
    let Some(w) = get(db, worker_id).await? else {
        return Ok(Err(ChangeError::NotFound));
    };
    if !actor.covers(&w.village_code) {
        return Ok(Err(ChangeError::OutOfScope));
    }
    if w.flag.as_deref() != Some(FLAG_POSSIBLE_DUPLICATE) {
        return Ok(Err(ChangeError::NotFlagged));
    }
    let other = w.possible_duplicate_of.unwrap_or(0);
    let Some(from) = WorkerStatus::parse(&w.status) else {
        return Ok(Err(ChangeError::NotAllowed { from: w.status }));
    };
    let (to, flag, action, reason) = if merge {
        if !from.can_become(WorkerStatus::Rejected) {
            return Ok(Err(ChangeError::NotAllowed { from: w.status }));
        }
        (
            WorkerStatus::Rejected,
            "merged",
            "merge",
            format!("duplikat dari pekerja #{other} / duplicate of worker #{other}"),
        )
    } else {
        (
            from,
            "distinct",
            "distinct",
            format!(
                "orang berbeda dari pekerja #{other} / a different person from worker #{other}"
            ),
        )
    };
    let change = Change {
        to,
        action,
        reason: Some(&reason),
        actor: Actor::of(actor),
        at: now,
    };
    let mut tx = db.begin().await?;
    // The decision takes the flag; losing the race for it (another officer decided, or
    // the status moved) changes nothing.
    let n = on_tx!(&mut tx, |c| {
        sqlx::query(
            "UPDATE workers SET flag = $1, updated_at = $2
             WHERE id = $3 AND flag = $4 AND status = $5",
        )
        .bind(flag)
        .bind(change.at)
        .bind(worker_id)
        .bind(FLAG_POSSIBLE_DUPLICATE)
        .bind(from.code())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let changed = n == 1 && worker_events::change_worker(&mut tx, worker_id, from, &change).await?;
    if changed {
        tx.commit().await?;
    }
    if !changed {
        return Ok(Err(ChangeError::NotFlagged));
    }
    Ok(get(db, worker_id).await?.ok_or(ChangeError::NotFound))
}

/// Adds NIKs from the insurer's list of active participants. Returns how many were new.
pub async fn add_covered_niks(
    db: &Db,
    niks: &[String],
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let mut tx = db.begin_write().await?;
    let by = audit::user_id_in(&mut tx, actor).await?;
    let mut added = 0;
    let indexes: Vec<Vec<u8>> = niks
        .iter()
        .map(|n| sealed::nik_index(db.keys(), n))
        .collect();
    for chunk in indexes.chunks(5000) {
        added += on_tx!(&mut tx, |c| insert_covered(chunk, by, now)
            .build()
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    // One entry for the list, with its counts (no NIK).
    audit::record(
        &mut tx,
        now,
        actor,
        "covered_niks.import",
        "covered_niks",
        "",
        json!({ "given": niks.len(), "added": added }),
    )
    .await?;
    tx.commit().await?;
    Ok(added)
}

/// Which of `niks` are on the insurer's list of active participants.
pub async fn covered_among(db: &Db, niks: &[String]) -> sqlx::Result<Vec<String>> {
    let covered: std::collections::HashSet<Vec<u8>> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT nik_index FROM covered_niks"
    )
    .fetch_all(pool)
    .await)?
    .into_iter()
    .collect();
    Ok(niks
        .iter()
        .filter(|n| covered.contains(&sealed::nik_index(db.keys(), n)))
        .cloned()
        .collect())
}

/// One multi-row insert of covered NIKs' blind indexes, skipping those already there.
fn insert_covered<'a, DB>(
    indexes: &'a [Vec<u8>],
    actor: i64,
    now: DateTime<Utc>,
) -> sqlx::QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a [u8]: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb =
        sqlx::QueryBuilder::new("INSERT INTO covered_niks (nik_index, imported_by, imported_at) ");
    qb.push_values(indexes, |mut b, index| {
        b.push_bind(index.as_slice())
            .push_bind(actor)
            .push_bind(now);
    });
    qb.push(" ON CONFLICT (nik_index) DO NOTHING");
    qb
}

#[derive(Debug, Clone, Copy)]
pub struct EligibilitySetting {
    pub min_age: i64,
    pub max_age: Option<i64>,
}

impl EligibilitySetting {
    /// The domain's rules for these settings (ages outside `u32` fall back to the defaults).
    pub fn rules(self) -> lingkaran_domain::worker::Eligibility {
        lingkaran_domain::worker::Eligibility {
            min_age: u32::try_from(self.min_age).unwrap_or(15),
            max_age: self.max_age.and_then(|m| u32::try_from(m).ok()),
        }
    }
}

pub async fn eligibility(db: &Db) -> sqlx::Result<EligibilitySetting> {
    let (min_age, max_age): (i64, Option<i64>) = on_db!(db, |pool| sqlx::query_as(
        "SELECT min_age, max_age FROM programmes WHERE name = $1"
    )
    .bind(super::DEFAULT_PROGRAMME)
    .fetch_one(pool)
    .await)?;
    Ok(EligibilitySetting { min_age, max_age })
}

pub async fn set_eligibility(
    db: &Db,
    e: EligibilitySetting,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE programmes SET min_age = $1, max_age = $2, updated_at = $3 WHERE name = $4"
    )
    .bind(e.min_age)
    .bind(e.max_age)
    .bind(now)
    .bind(super::DEFAULT_PROGRAMME)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        &mut tx,
        now,
        actor,
        "settings.eligibility",
        "programme",
        super::DEFAULT_PROGRAMME,
        json!({ "min_age": e.min_age, "max_age": e.max_age }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Counts per status in the caller's scope, for dashboards and the queue header.
pub async fn status_counts(db: &Db, who: &Principal) -> sqlx::Result<Vec<(String, i64)>> {
    let mut sql = Sql::new("SELECT w.status, COUNT(*) FROM workers w");
    where_clause(&mut sql, db.keys(), &Filter::default(), who);
    sql.push(" GROUP BY w.status ORDER BY w.status");
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql.text), sql)
        .fetch_all(pool)
        .await)
}

/// Changes a worker's sector (a pricing input under PP 50/2025), keeping the change in
/// `worker_sector_changes` with who, when and why, in the same transaction. Returns the
/// sector it had. The same sector again changes nothing and records nothing.
pub async fn set_sector(
    db: &Db,
    nik: &str,
    sector: lingkaran_domain::pricing::Sector,
    reason: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<String, lingkaran_domain::Problem>> {
    if reason.trim().is_empty() {
        return Ok(Err(lingkaran_domain::Problem::new(
            "reason_required",
            "Tuliskan alasan perubahan sektor.",
            "Give the reason for the change of sector.",
        )));
    }
    let mut tx = db.begin_write().await?;
    let row: Option<(i64, String)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT id, sector FROM workers WHERE nik_index = $1"
    )
    .bind(sealed::nik_index(db.keys(), nik))
    .fetch_optional(c)
    .await)?;
    let Some((id, from)) = row else {
        return Ok(Err(lingkaran_domain::Problem::new(
            "unknown_nik",
            "NIK ini tidak terdaftar di Lingkaran.",
            "No worker with this NIK is registered.",
        )));
    };
    if from != sector.as_str() {
        // Conditional on the sector read, so two officers cannot both record a change.
        let n = on_tx!(&mut tx, |c| sqlx::query(
            "UPDATE workers SET sector = $1, updated_at = $2 WHERE id = $3 AND sector = $4"
        )
        .bind(sector.as_str())
        .bind(now)
        .bind(id)
        .bind(&from)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 1 {
            let by = audit::user_id_in(&mut tx, actor).await?;
            on_tx!(&mut tx, |c| {
                sqlx::query(
                    "INSERT INTO worker_sector_changes
                       (worker_id, from_sector, to_sector, reason, actor_id, at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(&from)
                .bind(sector.as_str())
                .bind(reason.trim())
                .bind(by)
                .bind(now)
                .execute(c)
                .await
                .map(|_| ())
            })?;
            audit::record(
                &mut tx,
                now,
                actor,
                "worker.sector",
                "worker",
                id,
                json!({ "from": from, "to": sector.as_str(), "reason": reason.trim() }),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Ok(from))
}
