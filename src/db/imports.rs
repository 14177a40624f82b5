//! Imports of proposers' lists: the import record, its error report, and the batch write that
//! registers workers (also used for a single worker submitted through the API).

use super::audit::{self, Actor};
use super::bulk::{self, Existing};
use super::{sealed, Db};
use crate::privacy::Kind;
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use lingkaran_domain::worker::{ValidWorker, WorkerStatus};
use serde_json::json;
use sqlx::{FromRow, QueryBuilder};
use std::collections::HashMap;

#[derive(Debug, Clone, FromRow)]
pub struct ImportRecord {
    pub id: i64,
    pub organisation_id: i64,
    pub uploaded_by: i64,
    pub file_name: String,
    pub content_hash: String,
    pub status: String,
    pub rows_total: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub duplicates: i64,
    pub possible_duplicates: i64,
    pub notice: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

/// A note about a file as a whole (read as Latin-1, `;` separated, columns ignored, or why it
/// stopped), stored with the import in both languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    pub code: String,
    pub id: String,
    pub en: String,
}

impl ImportRecord {
    /// The notes stored in `notice` (a JSON list).
    pub fn notes(&self) -> Vec<Note> {
        self.notice
            .as_deref()
            .and_then(|n| serde_json::from_str(n).ok())
            .unwrap_or_default()
    }
}

impl From<&lingkaran_domain::Problem> for Note {
    fn from(p: &lingkaran_domain::Problem) -> Note {
        Note {
            code: p.code.to_string(),
            id: p.id.clone(),
            en: p.en.clone(),
        }
    }
}

const SELECT_IMPORT: &str =
    "SELECT id, organisation_id, uploaded_by, file_name, content_hash, status, rows_total,
    accepted, rejected, duplicates, possible_duplicates, notice, created_at FROM imports";

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<ImportRecord>> {
    let sql = format!("{SELECT_IMPORT} WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

pub async fn find_by_hash(
    db: &Db,
    organisation_id: i64,
    hash: &str,
) -> sqlx::Result<Option<ImportRecord>> {
    let sql = format!("{SELECT_IMPORT} WHERE organisation_id = $1 AND content_hash = $2");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(organisation_id)
        .bind(hash)
        .fetch_optional(pool)
        .await)
}

pub async fn list(
    db: &Db,
    organisation_id: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<ImportRecord>> {
    let sql = format!(
        "{SELECT_IMPORT} WHERE ($1 IS NULL OR organisation_id = $1) ORDER BY id DESC LIMIT $2"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(organisation_id)
        .bind(limit)
        .fetch_all(pool)
        .await)
}

/// Creates the import record, or — when the same organisation uploaded the same bytes before —
/// returns the earlier one. `(record, is_new)`. The unique (organisation, hash) constraint
/// makes two simultaneous uploads of one file one import.
pub async fn create_or_find(
    db: &Db,
    organisation_id: i64,
    uploaded_by: i64,
    file_name: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<(ImportRecord, bool)> {
    let mut tx = db.begin_write().await?;
    let inserted: Option<i64> = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO imports (organisation_id, uploaded_by, file_name, content_hash, status, created_at)
         VALUES ($1, $2, $3, $4, 'running', $5)
         ON CONFLICT (organisation_id, content_hash) DO NOTHING RETURNING id"
    )
    .bind(organisation_id)
    .bind(uploaded_by)
    .bind(file_name)
    .bind(hash)
    .bind(now)
    .fetch_optional(c)
    .await
    })?;
    if let Some(id) = inserted {
        // The uploader is the actor: imports are only ever made by a signed-in user.
        audit::record(
            &mut tx,
            now,
            Actor::User(uploaded_by),
            "import.create",
            "import",
            id,
            json!({ "organisation": organisation_id, "file_name": file_name, "sha256": hash }),
        )
        .await?;
    }
    tx.commit().await?;
    let record = find_by_hash(db, organisation_id, hash)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok((record, inserted.is_some()))
}

/// Prepares an import that did not finish (the process died) to be run again from the top.
/// Its report is rebuilt; the workers it already stored are found again by NIK and counted
/// as its own, so nothing is stored twice.
pub async fn reset_for_rerun(db: &Db, id: i64) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM import_errors WHERE import_id = $1"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    on_tx!(&mut tx, |c| {
        sqlx::query(
            "UPDATE imports SET status = 'running', rows_total = 0, accepted = 0, rejected = 0,
               duplicates = 0, possible_duplicates = 0, notice = NULL, finished_at = NULL
             WHERE id = $1",
        )
        .bind(id)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    tx.commit().await
}

pub async fn finish(
    db: &Db,
    id: i64,
    status: &str,
    notice: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE imports SET status = $1, notice = $2, finished_at = $3 WHERE id = $4"
    )
    .bind(status)
    .bind(notice)
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    // The run's totals, once: the batches each recorded theirs.
    let counts: (i64, i64, i64, i64, i64) = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT rows_total, accepted, rejected, duplicates, possible_duplicates
         FROM imports WHERE id = $1"
    )
    .bind(id)
    .fetch_one(c)
    .await)?;
    audit::record(
        &mut tx,
        now,
        actor,
        "import.finish",
        "import",
        id,
        json!({ "status": status, "rows": counts.0, "accepted": counts.1, "rejected": counts.2,
                "duplicates": counts.3, "possible_duplicates": counts.4 }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One line of an import report.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct ErrorRow {
    pub line: i64,
    pub column_name: String,
    pub value: String,
    pub code: String,
    pub message_id: String,
    pub message_en: String,
    pub severity: String,
}

impl ErrorRow {
    pub fn error(line: i64, column: &str, value: &str, p: &lingkaran_domain::Problem) -> ErrorRow {
        ErrorRow {
            line,
            column_name: column.to_string(),
            value: value.to_string(),
            code: p.code.to_string(),
            message_id: p.id.clone(),
            message_en: p.en.clone(),
            severity: "error".into(),
        }
    }

    /// A report line for a row that is stored anyway.
    pub fn warning(
        line: i64,
        column: &str,
        value: &str,
        p: &lingkaran_domain::Problem,
    ) -> ErrorRow {
        ErrorRow {
            severity: "warning".into(),
            ..ErrorRow::error(line, column, value, p)
        }
    }
}

pub async fn errors(
    db: &Db,
    import_id: i64,
    severity: &str,
    limit: i64,
) -> sqlx::Result<Vec<ErrorRow>> {
    type Row = (i64, String, Vec<u8>, String, Vec<u8>, Vec<u8>, String);
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT line, column_name, value, code, message_id, message_en, severity FROM import_errors
         WHERE import_id = $1 AND severity = $2 ORDER BY line, column_name LIMIT $3"
    )
    .bind(import_id)
    .bind(severity)
    .bind(limit)
    .fetch_all(pool)
    .await
    })?;
    rows.into_iter()
        .map(
            |(line, column_name, value, code, message_id, message_en, severity)| {
                Ok(ErrorRow {
                    line,
                    column_name,
                    value: sealed::open(db.keys(), Kind::Text, &value)?,
                    code,
                    message_id: sealed::open(db.keys(), Kind::Text, &message_id)?,
                    message_en: sealed::open(db.keys(), Kind::Text, &message_en)?,
                    severity,
                })
            },
        )
        .collect()
}

/// A validated row waiting to be stored, with its line in the file.
#[derive(Debug, Clone)]
pub struct Pending {
    pub line: i64,
    pub worker: ValidWorker,
}

/// Who submits a batch, and under which import.
#[derive(Debug, Clone, Copy)]
pub struct Submitter {
    pub organisation_id: i64,
    pub user_id: i64,
    pub import_id: Option<i64>,
}

/// What a batch did. Every row ends in exactly one of accepted, rejected or duplicates.
#[derive(Debug, Default, Clone)]
pub struct BatchOutcome {
    pub rows: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub duplicates: i64,
    pub possible_duplicates: i64,
    /// `(line, worker id)` of every stored row.
    pub stored: Vec<(i64, i64)>,
    /// The report lines this batch added (errors and warnings).
    pub report: Vec<ErrorRow>,
    /// `(line, why)` of every row this step refused (already covered, NIK registered before),
    /// also among `report`: a single worker's answer says it without reading codes back.
    pub refused: Vec<(i64, lingkaran_domain::Problem)>,
}

impl BatchOutcome {
    /// Records a row refused by `write_batch`: in the report, and in `refused`.
    fn refuse(&mut self, line: i64, nik: &str, why: lingkaran_domain::Problem) {
        self.report.push(ErrorRow::error(line, "nik", nik, &why));
        self.refused.push((line, why));
    }
}

/// Stores one batch in one transaction: refuses NIKs the insurer already covers and NIKs
/// already registered (naming the record), stores the rest, flags possible duplicates, writes
/// the report lines and adds the counts to the import. `invalid` are the report lines of rows
/// refused before this point: `invalid_rows` that failed validation and `duplicate_rows` that
/// repeat a NIK earlier in the same file.
pub async fn write_batch(
    db: &Db,
    who: Submitter,
    pending: &[Pending],
    invalid: Vec<ErrorRow>,
    invalid_rows: i64,
    duplicate_rows: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<BatchOutcome> {
    let mut out = BatchOutcome {
        rows: invalid_rows + duplicate_rows + i64::try_from(pending.len()).unwrap_or(i64::MAX),
        rejected: invalid_rows,
        duplicates: duplicate_rows,
        report: invalid,
        ..BatchOutcome::default()
    };
    // Each NIK is known to the store by its blind index only (db::sealed).
    let keys = db.keys();
    let indexes: Vec<Vec<u8>> = pending
        .iter()
        .map(|p| sealed::nik_index(keys, &p.worker.nik.to_string()))
        .collect();
    // A writer from the start: on SQLite a deferred transaction that reads, then writes after
    // another writer (a job runner) committed, fails with "database is locked".
    let mut tx = db.begin_write().await?;

    // 1. The insurer's active participants are already protected: refuse them.
    let covered: std::collections::HashSet<Vec<u8>> = bulk::covered_among(&mut tx, &indexes)
        .await?
        .into_iter()
        .collect();

    // 2. Insert the rest, each NIK and phone sealed; a NIK already present is skipped, not
    //    overwritten.
    let to_insert: Vec<bulk::Sealed> = pending
        .iter()
        .zip(&indexes)
        .filter(|(_, ix)| !covered.contains(*ix))
        .map(|(p, ix)| bulk::Sealed {
            p,
            index: ix.clone(),
            nik: keys.seal(Kind::Nik, &p.worker.nik.to_string()),
            phone: p
                .worker
                .phone
                .as_deref()
                .map(|ph| keys.seal(Kind::Phone, ph)),
        })
        .collect();
    let inserted: HashMap<Vec<u8>, i64> = bulk::insert_workers(&mut tx, &to_insert, who, now)
        .await?
        .into_iter()
        .map(|(id, ix)| (ix, id))
        .collect();

    // 3. Rows not inserted: registered before. If by this very import (a re-run after a
    //    crash), they are ours; otherwise a duplicate, and the clerk is told which record.
    let not_inserted: Vec<Vec<u8>> = to_insert
        .iter()
        .map(|s| s.index.clone())
        .filter(|ix| !inserted.contains_key(ix))
        .collect();
    drop(to_insert);
    let existing: HashMap<Vec<u8>, Existing> = if not_inserted.is_empty() {
        HashMap::new()
    } else {
        bulk::existing_among(&mut tx, &not_inserted)
            .await?
            .into_iter()
            .map(|e| (e.nik_index.clone(), e))
            .collect()
    };

    // 4. Flag possible duplicates among the new rows: another NIK with the same
    //    normalised name, birth date and regency, registered earlier.
    let new_ids: Vec<i64> = inserted.values().copied().collect();
    let flagged: HashMap<i64, i64> = bulk::flag_possible_duplicates(&mut tx, &new_ids)
        .await?
        .into_iter()
        .map(|(id, of)| (id, of.unwrap_or(0)))
        .collect();

    let mut elsewhere: Vec<(i64, i64)> = Vec::new();
    for (p, ix) in pending.iter().zip(&indexes) {
        let nik = p.worker.nik.to_string();
        if covered.contains(ix) {
            out.rejected += 1;
            out.refuse(p.line, &nik, lingkaran_domain::Problem::new(
                "already_covered",
                "Pekerja ini sudah menjadi peserta aktif BPJS Ketenagakerjaan; tidak perlu diusulkan.",
                "This worker is already an active BPJS Ketenagakerjaan participant; no need to propose them.",
            ));
        } else if let Some(id) = inserted.get(ix) {
            out.accepted += 1;
            out.stored.push((p.line, *id));
            if flagged.contains_key(id) {
                out.possible_duplicates += 1;
                out.report.push(possible_duplicate_row(p.line, &nik));
            }
        } else if let Some(e) = existing.get(ix) {
            if who.import_id.is_some() && e.import_id == who.import_id {
                out.accepted += 1;
                out.stored.push((p.line, e.id));
                if e.flag.as_deref() == Some(super::workers::FLAG_POSSIBLE_DUPLICATE) {
                    out.possible_duplicates += 1;
                    out.report.push(possible_duplicate_row(p.line, &nik));
                }
            } else if e.organisation_id == who.organisation_id {
                // The proposer's own worker: it may see that record, so it is named.
                out.duplicates += 1;
                out.refuse(p.line, &nik, lingkaran_domain::Problem::new(
                    "duplicate_nik",
                    format!(
                        "NIK sudah terdaftar sebagai pekerja #{} ({}) dari lembaga Anda, status {}. Tidak disimpan lagi.",
                        e.id, e.full_name,
                        WorkerStatus::parse(&e.status).map_or(e.status.as_str(), |s| s.label("id"))
                    ),
                    format!(
                        "This NIK is already registered as worker #{} ({}) of your organisation, status {}. Not stored again.",
                        e.id, e.full_name,
                        WorkerStatus::parse(&e.status).map_or(e.status.as_str(), |s| s.label("en"))
                    ),
                ));
            } else {
                // Another organisation's worker: the proposer learns only that the NIK is
                // taken (docs/privacy.md, "Oracles closed"); the officer's list of duplicate
                // submissions gets who sent it for which record.
                out.duplicates += 1;
                out.refuse(p.line, &nik, registered_elsewhere());
                elsewhere.push((e.id, p.line));
            }
        }
    }

    // 4b. The officer's list of NIKs sent again by another organisation.
    for (worker_id, line) in &elsewhere {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO duplicate_submissions
               (worker_id, organisation_id, submitted_by, import_id, line, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(*worker_id)
        .bind(who.organisation_id)
        .bind(who.user_id)
        .bind(who.import_id)
        .bind(*line)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    }

    // 5. The report lines and the import's counts, in the same transaction as the rows.
    if let Some(import_id) = who.import_id {
        for chunk in out.report.chunks(2000) {
            let values: Vec<[Vec<u8>; 3]> = chunk
                .iter()
                .map(|e| [&e.value, &e.message_id, &e.message_en].map(|t| keys.seal(Kind::Text, t)))
                .collect();
            on_tx!(&mut tx, |c| report_lines(import_id, chunk, &values)
                .build()
                .execute(c)
                .await
                .map(|_| ()))?;
        }
        on_tx!(&mut tx, |c| {
            sqlx::query(
                "UPDATE imports SET rows_total = rows_total + $1, accepted = accepted + $2,
                   rejected = rejected + $3, duplicates = duplicates + $4,
                   possible_duplicates = possible_duplicates + $5
                 WHERE id = $6",
            )
            .bind(out.rows)
            .bind(out.accepted)
            .bind(out.rejected)
            .bind(out.duplicates)
            .bind(out.possible_duplicates)
            .bind(import_id)
            .execute(c)
            .await
            .map(|_| ())
        })?;
    }
    // One entry per batch (5,000 or 50,000 rows), with its counts: never one per row. The
    // submitter is the actor. A worker added alone (no import) is named.
    let (action, kind, record) = match (who.import_id, out.stored.as_slice()) {
        (Some(id), _) => ("import.batch", "import", id.to_string()),
        (None, [(_, id)]) => ("worker.create", "worker", id.to_string()),
        (None, _) => ("workers.create", "workers", String::new()),
    };
    audit::record(
        &mut tx,
        now,
        Actor::User(who.user_id),
        action,
        kind,
        record,
        json!({ "rows": out.rows, "accepted": out.accepted, "rejected": out.rejected,
                "duplicates": out.duplicates, "possible_duplicates": out.possible_duplicates }),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// One multi-row insert of report lines (8 binds a row; 2,000 rows stay under both stores'
/// parameter limits), each value and its messages sealed (`sealed`, in the order of `rows`):
/// a cell may hold a NIK or a phone whatever its column, and a message may quote the cell.
fn report_lines<'a, DB>(
    import_id: i64,
    rows: &'a [ErrorRow],
    sealed: &'a [[Vec<u8>; 3]],
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a [u8]: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(
        "INSERT INTO import_errors
           (import_id, line, column_name, value, code, message_id, message_en, severity) ",
    );
    qb.push_values(rows.iter().zip(sealed), |mut b, (e, [value, id, en])| {
        b.push_bind(import_id)
            .push_bind(e.line)
            .push_bind(e.column_name.as_str())
            .push_bind(value.as_slice())
            .push_bind(e.code.as_str())
            .push_bind(id.as_slice())
            .push_bind(en.as_slice())
            .push_bind(e.severity.as_str());
    });
    qb
}

/// What a proposer is told of a NIK another organisation registered: one sentence, the same
/// for every such NIK, naming nothing of the record.
pub fn registered_elsewhere() -> lingkaran_domain::Problem {
    lingkaran_domain::Problem::new(
        "duplicate_nik",
        "NIK sudah terdaftar; petugas akan menghubungi Anda.",
        "This NIK is already registered; an officer will contact you.",
    )
}

/// A NIK sent again by another organisation than the one that registered it, for the
/// officer (`GET /api/v1/duplicate-submissions`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DuplicateSubmission {
    pub id: i64,
    pub worker_id: i64,
    pub village_code: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub submitted_by: i64,
    pub import_id: Option<i64>,
    pub line: i64,
    pub submitted_at: DateTime<Utc>,
}

/// The latest duplicate submissions of workers living in `regions` (`None`: all), newest
/// first.
pub async fn duplicate_submissions(
    db: &Db,
    regions: Option<&[String]>,
    limit: i64,
) -> sqlx::Result<Vec<DuplicateSubmission>> {
    let mut sql = super::sql::Sql::new(
        "SELECT s.id, s.worker_id, w.village_code, s.organisation_id, o.name AS organisation_name,
                s.submitted_by, s.import_id, s.line, s.submitted_at
         FROM duplicate_submissions s JOIN workers w ON w.id = s.worker_id
         JOIN organisations o ON o.id = s.organisation_id WHERE 1 = 1",
    );
    if let Some(r) = regions {
        sql.in_regions("w.village_code", r);
    }
    sql.push(" ORDER BY s.id DESC LIMIT ").int_arg(limit);
    crate::on_db!(db, |pool| crate::bind_all!(sqlx::query_as(&sql.text), sql)
        .fetch_all(pool)
        .await)
}

/// The proposer is told that the row looks like a worker already registered, not which one:
/// that record may be another organisation's (docs/privacy.md, "Oracles closed"). The officer
/// sees the pair on the queue (`possible_duplicate_of`).
fn possible_duplicate_row(line: i64, nik: &str) -> ErrorRow {
    ErrorRow {
        line,
        column_name: "nama".into(),
        value: nik.to_string(),
        code: "possible_duplicate".into(),
        message_id: "Disimpan, tetapi nama, tanggal lahir dan kabupaten sama dengan pekerja lain yang sudah terdaftar (NIK lain). Petugas akan memeriksa apakah orangnya sama.".into(),
        message_en: "Stored, but the name, birth date and regency match another registered worker (another NIK). An officer will check whether they are the same person.".into(),
        severity: "warning".into(),
    }
}
