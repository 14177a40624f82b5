//! Claims after an accident or a death (issue 13 §2, migration 0031): the facts of the event
//! month that the coverage check reads, and the claim's record, steps and BPJS's decided
//! amounts. The rules (stages, the check, the estimate) are the domain's.

use super::audit::{self, Actor};
use super::{ledger, Db, Tx};
use crate::privacy::Kind;
use crate::{on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_domain::claims::{EventMonth, PaidBy, Stage};
use lingkaran_domain::ledger::TransferKey;
use lingkaran_domain::programme::Programme;
use lingkaran_domain::rates::Month;
use serde_json::json;

/// A worker as a claim needs them.
#[derive(Debug, Clone)]
pub struct ClaimWorker {
    pub id: i64,
    pub name: String,
    pub village_code: String,
    pub organisation_id: i64,
    pub income: i64,
    pub status: String,
}

/// The worker with `nik`, if any.
pub async fn worker_by_nik(db: &Db, nik: &str) -> anyhow::Result<Option<ClaimWorker>> {
    let row: Option<(i64, String, String, i64, i64, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, full_name, village_code, organisation_id, income, status FROM workers
         WHERE nik_index = $1"
    )
    .bind(super::sealed::nik_index(db.keys(), nik))
    .fetch_optional(pool)
    .await)?;
    Ok(row.map(
        |(id, name, village_code, organisation_id, income, status)| ClaimWorker {
            id,
            name,
            village_code,
            organisation_id,
            income,
            status,
        },
    ))
}

/// What Lingkaran's records say of a worker's months up to an event.
#[derive(Debug, Clone)]
pub struct Facts {
    pub event: EventMonth,
    /// The donor whose donation paid the event month, if one did.
    pub donor_id: Option<i64>,
    /// Every month paid up to the event's month (donor-funded and not rejected, or self-paid).
    pub paid: Vec<Month>,
    pub sponsored_months: u32,
    pub self_months: u32,
}

/// The facts of `worker`'s months up to `event`'s month, for `programme` (JKK or JKM).
pub async fn facts(
    db: &Db,
    worker: i64,
    event: Month,
    programme: Programme,
) -> anyhow::Result<Facts> {
    let m = event.yyyymm();
    // The event month: a funded donor month (rejected or not), or a self-payment.
    let funded: Option<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT m.donation_id, d.donor_id FROM worker_months m JOIN donations d ON d.id = m.donation_id
         WHERE m.worker_id = $1 AND m.month = $2 AND d.status = 'funded'"
    )
    .bind(worker)
    .bind(m)
    .fetch_optional(pool)
    .await
    })?;
    let self_paid: bool = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM self_payments WHERE worker_id = $1 AND month = $2)"
    )
    .bind(worker)
    .bind(m)
    .fetch_one(pool)
    .await)?;
    let donor_id = funded.map(|(_, donor)| donor);
    let (paid_by, remitted) = match (funded.map(|(donation, _)| donation), self_paid) {
        (Some(donation), _) => {
            let remit = ledger::id_text(
                TransferKey::Remit {
                    donation,
                    month: event,
                    programme,
                }
                .id(),
            );
            let remitted: bool = on_db!(db, |pool| sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM ledger_transfers WHERE id = $1)"
            )
            .bind(remit)
            .fetch_one(pool)
            .await)?;
            (Some(PaidBy::Donor), remitted)
        }
        // Paid alone, to BPJS directly: the insurer's own data brought it.
        (None, true) => (Some(PaidBy::SelfPaid), true),
        (None, false) => (None, false),
    };
    let confirmation: Option<(String, Option<String>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT status, reason FROM confirmations
         WHERE worker_id = $1 AND month = $2 AND programme = $3"
    )
    .bind(worker)
    .bind(m)
    .bind(programme.code())
    .fetch_optional(pool)
    .await)?;
    let confirmation = match confirmation {
        None => None,
        Some((status, _)) if status == "accepted" => Some(Ok(())),
        Some((_, reason)) => Some(Err(reason.unwrap_or_else(|| "tanpa alasan".into()))),
    };
    // A self-paid month has no confirmation file of ours: BPJS's own data brought it.
    let confirmation = match (&paid_by, confirmation) {
        (Some(PaidBy::SelfPaid), None) => Some(Ok(())),
        (_, c) => c,
    };
    let rows: Vec<(i64, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT month, source FROM covered_months WHERE worker_id = $1 AND month <= $2
         ORDER BY month"
    )
    .bind(worker)
    .bind(m)
    .fetch_all(pool)
    .await)?;
    let mut paid = Vec::with_capacity(rows.len());
    let (mut sponsored, mut alone) = (0u32, 0u32);
    for (month, source) in rows {
        let Some(month) = Month::from_yyyymm(month) else {
            anyhow::bail!("covered month {month} of worker {worker} is not a month");
        };
        if !paid.contains(&month) {
            paid.push(month);
            if source == "self" {
                alone += 1;
            } else {
                sponsored += 1;
            }
        }
    }
    Ok(Facts {
        donor_id,
        event: EventMonth {
            month: event,
            paid_by,
            remitted,
            confirmation,
        },
        paid,
        sponsored_months: sponsored,
        self_months: alone,
    })
}

/// A claim to record, with its check and estimate already made.
pub struct NewClaim<'a> {
    pub worker_id: i64,
    pub kind: &'a str,
    pub event_date: NaiveDate,
    pub event_time: Option<&'a str>,
    pub place: &'a str,
    pub cause: &'a str,
    pub notifier_name: &'a str,
    pub notifier_phone: &'a str,
    /// An occupational disease's job, exposure and diagnosis, as JSON text.
    pub disease: Option<&'a str>,
    pub verdict: &'a str,
    pub check_json: String,
    pub income: i64,
    pub body_bp: Option<u32>,
    pub function_loss_bp: Option<u32>,
    pub months_unable: Option<u32>,
    pub estimate_total: i64,
    pub estimate_json: String,
    pub redirected_from: Option<i64>,
    pub donor_id: Option<i64>,
}

/// Records a claim at `dilaporkan` with its first step, in the caller's transaction. Returns
/// the new id, or the id of the live claim already filed for the same worker, kind and event
/// (`false`: nothing was written).
pub async fn insert(
    tx: &mut Tx,
    c: &NewClaim<'_>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<(i64, bool)> {
    let existing: Option<i64> = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT id FROM claims WHERE worker_id = $1 AND kind = $2 AND event_date = $3
           AND stage NOT IN ('ditolak', 'dialihkan')"
    )
    .bind(c.worker_id)
    .bind(c.kind)
    .bind(c.event_date)
    .fetch_optional(conn)
    .await)?;
    if let Some(id) = existing {
        return Ok((id, false));
    }
    let by = audit::user_id_in(tx, actor).await?;
    let keys = tx.keys().clone();
    let id: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO claims (worker_id, kind, event_date, event_time, place, cause,
               notifier_name, notifier_phone, disease, stage, verdict, check_json, income,
               body_bp, function_loss_bp, months_unable, estimate_total, estimate_json,
               redirected_from, filed_by, filed_at, updated_at, donor_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'dilaporkan', $10, $11, $12, $13, $14,
                     $15, $16, $17, $18, $19, $20, $20, $21)
             RETURNING id",
        )
        .bind(c.worker_id)
        .bind(c.kind)
        .bind(c.event_date)
        .bind(c.event_time)
        .bind(c.place)
        .bind(c.cause)
        .bind(keys.seal(Kind::Text, c.notifier_name))
        .bind(keys.seal(Kind::Phone, c.notifier_phone))
        .bind(c.disease.map(|d| keys.seal(Kind::Text, d)))
        .bind(c.verdict)
        .bind(&c.check_json)
        .bind(c.income)
        .bind(c.body_bp.map(i64::from))
        .bind(c.function_loss_bp.map(i64::from))
        .bind(c.months_unable.map(i64::from))
        .bind(c.estimate_total)
        .bind(&c.estimate_json)
        .bind(c.redirected_from)
        .bind(by)
        .bind(now)
        .bind(c.donor_id)
        .fetch_one(conn)
        .await
    })?;
    step_row(tx, id, Stage::Reported, None, by, now).await?;
    audit::record(
        tx,
        now,
        actor,
        "claim.file",
        "claim",
        id,
        json!({ "worker_id": c.worker_id, "kind": c.kind, "event_date": c.event_date,
                "verdict": c.verdict, "estimate_total": c.estimate_total }),
    )
    .await?;
    Ok((id, true))
}

async fn step_row(
    tx: &mut Tx,
    claim: i64,
    stage: Stage,
    note: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO claim_steps (claim_id, stage, note, actor_id, at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(claim)
    .bind(stage.code())
    .bind(note)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// A claim as the pages and the API show it (the notifier opened).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimRow {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub village_code: String,
    pub organisation_id: i64,
    pub kind: String,
    pub event_date: NaiveDate,
    pub event_time: Option<String>,
    pub place: String,
    pub cause: String,
    #[sqlx(skip)]
    pub notifier_name: String,
    #[sqlx(skip)]
    pub notifier_phone: String,
    #[sqlx(skip)]
    pub disease: Option<String>,
    #[sqlx(rename = "notifier_name")]
    sealed_name: Vec<u8>,
    #[sqlx(rename = "notifier_phone")]
    sealed_phone: Vec<u8>,
    #[sqlx(rename = "disease")]
    sealed_disease: Option<Vec<u8>>,
    pub stage: String,
    pub verdict: String,
    pub check_json: String,
    pub income: i64,
    pub body_bp: Option<i64>,
    pub function_loss_bp: Option<i64>,
    pub months_unable: Option<i64>,
    pub estimate_total: i64,
    pub estimate_json: String,
    pub rejected_reason: Option<String>,
    pub redirected_to: Option<i64>,
    pub redirected_from: Option<i64>,
    pub filed_by: i64,
    pub filed_at: DateTime<Utc>,
    pub approved_by: Option<i64>,
    pub donor_id: Option<i64>,
}

impl ClaimRow {
    fn opened(mut self, keys: &crate::privacy::Keyring) -> sqlx::Result<ClaimRow> {
        self.notifier_name = super::sealed::open(keys, Kind::Text, &self.sealed_name)?;
        self.notifier_phone = super::sealed::open(keys, Kind::Phone, &self.sealed_phone)?;
        self.disease = super::sealed::open_opt(keys, Kind::Text, self.sealed_disease.as_deref())?;
        (self.sealed_name, self.sealed_phone, self.sealed_disease) = (Vec::new(), Vec::new(), None);
        Ok(self)
    }
}

const SELECT: &str = "SELECT c.id, c.worker_id, w.full_name AS worker_name, w.village_code,
        w.organisation_id, c.kind, c.event_date, c.event_time, c.place, c.cause,
        c.notifier_name, c.notifier_phone, c.disease, c.stage, c.verdict, c.check_json,
        c.income, c.body_bp, c.function_loss_bp, c.months_unable, c.estimate_total,
        c.estimate_json, c.rejected_reason, c.redirected_to, c.redirected_from, c.filed_by,
        c.filed_at, c.approved_by, c.donor_id
     FROM claims c JOIN workers w ON w.id = c.worker_id";

/// One claim.
pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<ClaimRow>> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row: Option<ClaimRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.map(|r| r.opened(db.keys())).transpose()?)
}

/// Claims at `stages` (all when empty), oldest first, whose workers live in one of `regions`
/// (any when `None`; at most 50 codes) or, with `organisation`, belong to it; at most `limit`.
pub async fn list(
    db: &Db,
    stages: &[Stage],
    regions: Option<&[String]>,
    organisation: Option<i64>,
    limit: i64,
) -> anyhow::Result<Vec<ClaimRow>> {
    let regions = regions.map(|r| &r[..r.len().min(50)]);
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    if !stages.is_empty() {
        // The codes are the enum's own words.
        let list = stages
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ");
        sql.push_str(&format!(" AND c.stage IN ({list})"));
    }
    let mut next = 2;
    if organisation.is_some() {
        sql.push_str(&format!(" AND w.organisation_id = ${next}"));
        next += 1;
    }
    if let Some(regions) = regions {
        // A region and everything inside it, on dot boundaries (`within`).
        let mut any = Vec::new();
        for _ in regions {
            any.push(format!(
                "w.village_code = ${next} OR w.village_code LIKE ${}",
                next + 1
            ));
            next += 2;
        }
        if any.is_empty() {
            return Ok(Vec::new());
        }
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    sql.push_str(" ORDER BY c.filed_at, c.id LIMIT $1");
    let rows: Vec<ClaimRow> = on_db!(db, |pool| {
        let mut q = sqlx::query_as(&sql).bind(limit.clamp(1, 1000));
        if let Some(o) = organisation {
            q = q.bind(o);
        }
        for r in regions.unwrap_or(&[]) {
            q = q.bind(r.clone()).bind(format!("{r}.%"));
        }
        q.fetch_all(pool).await
    })?;
    let keys = db.keys();
    rows.into_iter()
        .map(|r| r.opened(keys).map_err(anyhow::Error::from))
        .collect()
}

/// A claim's steps, oldest first: (stage, note, actor's username, when).
pub async fn steps(
    db: &Db,
    claim: i64,
) -> anyhow::Result<Vec<(String, Option<String>, String, DateTime<Utc>)>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT s.stage, s.note, u.username, s.at FROM claim_steps s
         JOIN users u ON u.id = s.actor_id WHERE s.claim_id = $1 ORDER BY s.id"
    )
    .bind(claim)
    .fetch_all(pool)
    .await)?)
}

/// BPJS's decided amounts of a claim: (code, amount).
pub async fn amounts(db: &Db, claim: i64) -> anyhow::Result<Vec<(String, i64)>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT code, amount FROM claim_amounts WHERE claim_id = $1 ORDER BY code"
    )
    .bind(claim)
    .fetch_all(pool)
    .await)?)
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefusal {
    NotFound,
    /// The claim is at `from`, which cannot become the stage asked for.
    NotAllowed {
        from: String,
    },
    /// The officer who recorded BPJS's approval cannot record its payment.
    SameOfficer,
}

/// What a step carries beyond its stage.
#[derive(Debug, Default, Clone)]
pub struct StepInput<'a> {
    pub note: Option<&'a str>,
    /// BPJS's reason, for `ditolak`.
    pub rejected_reason: Option<&'a str>,
    /// BPJS's decided amounts (code, amount), recorded at any step: replaced line by line.
    pub amounts: &'a [(String, i64)],
    /// For `dialihkan`: the new claim, already inserted in this transaction.
    pub redirected_to: Option<i64>,
}

/// Moves a claim to `to` in the caller's transaction, if its stage allows it and, for the
/// payment, the officer is not the one who recorded the approval. The claim's row is locked
/// first, so two officers moving it at once cannot both pass the check.
pub async fn step(
    tx: &mut Tx,
    claim: i64,
    to: Stage,
    input: &StepInput<'_>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), StepRefusal>> {
    let lock = format!(
        "SELECT stage, approved_by FROM claims WHERE id = $1{}",
        tx.for_update()
    );
    let row: Option<(String, Option<i64>)> = on_tx!(tx, |c| sqlx::query_as(&lock)
        .bind(claim)
        .fetch_optional(c)
        .await)?;
    let Some((from, approved_by)) = row else {
        return Ok(Err(StepRefusal::NotFound));
    };
    let Some(current) = Stage::parse(&from).filter(|s| s.may_become(to)) else {
        return Ok(Err(StepRefusal::NotAllowed { from }));
    };
    let by = audit::user_id_in(tx, actor).await?;
    if to == Stage::Paid && approved_by == Some(by) {
        return Ok(Err(StepRefusal::SameOfficer));
    }
    on_tx!(tx, |c| sqlx::query(
        "UPDATE claims SET stage = $1, updated_at = $2,
           approved_by = CASE WHEN $1 = 'persetujuan' THEN $3 ELSE approved_by END,
           rejected_reason = CASE WHEN $1 = 'ditolak' THEN $4 ELSE rejected_reason END,
           redirected_to = COALESCE($5, redirected_to)
         WHERE id = $6"
    )
    .bind(to.code())
    .bind(now)
    .bind(by)
    .bind(input.rejected_reason)
    .bind(input.redirected_to)
    .bind(claim)
    .execute(c)
    .await
    .map(|_| ()))?;
    for (code, amount) in input.amounts {
        on_tx!(tx, |c| sqlx::query(
            "INSERT INTO claim_amounts (claim_id, code, amount, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (claim_id, code) DO UPDATE SET amount = excluded.amount,
               decided_by = excluded.decided_by, decided_at = excluded.decided_at"
        )
        .bind(claim)
        .bind(code)
        .bind(amount)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    step_row(tx, claim, to, input.note, by, now).await?;
    audit::record(
        tx,
        now,
        actor,
        "claim.step",
        "claim",
        claim,
        json!({ "from": current.code(), "to": to.code(),
                "amounts": input.amounts.iter().map(|(c, a)| json!({ "code": c, "amount": a }))
                    .collect::<Vec<_>>(),
                "redirected_to": input.redirected_to }),
    )
    .await?;
    Ok(Ok(()))
}

/// A donor's e-mail address, if they gave one.
pub async fn donor_email(db: &Db, donor: i64) -> anyhow::Result<Option<String>> {
    let email: Option<Option<String>> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT email FROM donors WHERE id = $1"
    )
    .bind(donor)
    .fetch_optional(pool)
    .await)?;
    Ok(email.flatten().filter(|e| !e.trim().is_empty()))
}

/// An heir of a claim, opened.
#[derive(Debug, Clone)]
pub struct Heir {
    pub id: i64,
    pub relationship: String,
    pub rank: i64,
    pub name: String,
    pub phone: Option<String>,
}

/// Adds an heir to a claim in the caller's transaction; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn add_heir(
    tx: &mut Tx,
    claim: i64,
    relationship: &str,
    rank: i64,
    name: &str,
    phone: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let by = audit::user_id_in(tx, actor).await?;
    let keys = tx.keys().clone();
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO claim_heirs (claim_id, relationship, rank, name, phone, added_by, added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(claim)
    .bind(relationship)
    .bind(rank)
    .bind(keys.seal(Kind::Text, name))
    .bind(phone.map(|p| keys.seal(Kind::Phone, p)))
    .bind(by)
    .bind(now)
    .fetch_one(c)
    .await
    })?;
    audit::record(
        tx,
        now,
        actor,
        "claim.heir",
        "claim",
        claim,
        json!({ "heir_id": id, "relationship": relationship, "rank": rank }),
    )
    .await?;
    Ok(id)
}

/// A claim's heirs, in the legal order.
pub async fn heirs(db: &Db, claim: i64) -> anyhow::Result<Vec<Heir>> {
    // (id, relationship, rank, sealed name, sealed phone)
    type Row = (i64, String, i64, Vec<u8>, Option<Vec<u8>>);
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, relationship, rank, name, phone FROM claim_heirs WHERE claim_id = $1
             ORDER BY rank, id",
        )
        .bind(claim)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter()
        .map(|(id, relationship, rank, name, phone)| {
            Ok(Heir {
                id,
                relationship,
                rank,
                name: super::sealed::open(db.keys(), Kind::Text, &name)?,
                phone: super::sealed::open_opt(db.keys(), Kind::Phone, phone.as_deref())?,
            })
        })
        .collect()
}

/// A claim's attachment, without its bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub heir_id: Option<i64>,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub added_at: DateTime<Utc>,
}

/// A new attachment, already checked (`claims::check_document`).
pub struct NewDocument<'a> {
    pub claim: i64,
    pub heir_id: Option<i64>,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// Stores an attachment sealed, in the caller's transaction. The same file on the same claim
/// is kept once: returns (id, whether it is new).
pub async fn add_document(
    tx: &mut Tx,
    d: &NewDocument<'_>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<(i64, bool)> {
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(d.bytes));
    let existing: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM claim_documents WHERE claim_id = $1 AND sha256 = $2"
    )
    .bind(d.claim)
    .bind(&sha)
    .fetch_optional(c)
    .await)?;
    if let Some(id) = existing {
        return Ok((id, false));
    }
    let by = audit::user_id_in(tx, actor).await?;
    let sealed = tx.keys().seal_bytes(Kind::Text, d.bytes);
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "INSERT INTO claim_documents (claim_id, heir_id, kind, file_name, content_type, size,
           sha256, content, added_by, added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
    )
    .bind(d.claim)
    .bind(d.heir_id)
    .bind(d.kind)
    .bind(d.file_name)
    .bind(d.content_type)
    .bind(d.bytes.len() as i64)
    .bind(&sha)
    .bind(sealed)
    .bind(by)
    .bind(now)
    .fetch_one(c)
    .await)?;
    audit::record(
        tx,
        now,
        actor,
        "claim.document",
        "claim",
        d.claim,
        json!({ "document_id": id, "kind": d.kind, "size": d.bytes.len(), "sha256": sha }),
    )
    .await?;
    Ok((id, true))
}

/// A claim's attachments, without their bytes.
pub async fn documents(db: &Db, claim: i64) -> anyhow::Result<Vec<Document>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT id, heir_id, kind, file_name, content_type, size, sha256, added_at
         FROM claim_documents WHERE claim_id = $1 ORDER BY id"
    )
    .bind(claim)
    .fetch_all(pool)
    .await)?)
}

/// One attachment's bytes, opened: (its row, the bytes).
pub async fn document(db: &Db, claim: i64, id: i64) -> anyhow::Result<Option<(Document, Vec<u8>)>> {
    let row: Option<Document> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, heir_id, kind, file_name, content_type, size, sha256, added_at
         FROM claim_documents WHERE claim_id = $1 AND id = $2"
    )
    .bind(claim)
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let sealed: Vec<u8> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT content FROM claim_documents WHERE id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)?;
    let bytes = db
        .keys()
        .open_bytes(Kind::Text, &sealed)
        .map_err(|e| anyhow::anyhow!("claim document {id}: {e:?}"))?;
    Ok(Some((row, bytes)))
}

/// What BPJS paid on the claim `c`, as a SQL expression: the sum of the amounts it decided
/// (those the filter keeps), or Lingkaran's estimate where it recorded none. One expression,
/// so that the regions' counts, the donor's news and the donor's e-mail agree.
macro_rules! paid_sql {
    ($filter:expr) => {
        concat!(
            "CAST(COALESCE((SELECT SUM(a.amount) FROM claim_amounts a WHERE a.claim_id = c.id",
            $filter,
            "), c.estimate_total) AS BIGINT)"
        )
    };
}

/// What the family received: medical care (`jkk.medical`) is paid to the hospital.
macro_rules! TO_FAMILY {
    () => {
        " AND a.code <> 'jkk.medical'"
    };
}

/// What BPJS paid the family on claim `id` (medical care, paid to the hospital, left out):
/// the amounts it decided, or the estimate where it recorded none.
pub async fn paid_to_family(db: &Db, id: i64) -> anyhow::Result<Option<i64>> {
    Ok(on_db!(db, |pool| sqlx::query_scalar(concat!(
        "SELECT ",
        paid_sql!(TO_FAMILY!()),
        " FROM claims c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await)?)
}

/// Claims of the workers of `region` (`0` for the nation) whose event fell in `from..=to`,
/// per kind: (kind, filed, paid, amount paid). A claim re-classified counts once, as the claim
/// that carries on. The amount paid is what BPJS decided, or the estimate where no amount was
/// recorded.
pub async fn counts(
    db: &Db,
    region: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Vec<(String, i64, i64, i64)>> {
    Ok(on_db!(db, |pool| sqlx::query_as(concat!(
        "SELECT c.kind, COUNT(*),
                CAST(SUM(CASE WHEN c.stage IN ('dibayar', 'selesai') THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN c.stage IN ('dibayar', 'selesai') THEN ",
        paid_sql!(""),
        " ELSE 0 END) AS BIGINT)
         FROM claims c JOIN workers w ON w.id = c.worker_id
         WHERE c.stage <> 'dialihkan' AND c.event_date BETWEEN $1 AND $2
           AND ($3 = '0' OR w.village_code = $3 OR w.village_code LIKE $4)
         GROUP BY c.kind ORDER BY c.kind"
    ))
    .bind(from)
    .bind(to)
    .bind(region)
    .bind(format!("{region}.%"))
    .fetch_all(pool)
    .await)?)
}

/// The claims a donor's money stands behind (the event month was theirs), newest first:
/// (kind, worker's name, village, event date, stage, amount paid to the family when paid:
/// medical care, paid to the hospital, left out). Claims
/// re-classified are left out: the claim that carries on is listed.
pub async fn of_donor(
    db: &Db,
    donor: i64,
) -> anyhow::Result<Vec<(String, String, String, NaiveDate, String, Option<i64>)>> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "SELECT c.kind, w.full_name, w.village_code, c.event_date, c.stage,
                CASE WHEN c.stage IN ('dibayar', 'selesai') THEN ",
            paid_sql!(TO_FAMILY!()),
            " END
         FROM claims c JOIN workers w ON w.id = c.worker_id
         WHERE c.donor_id = $1 AND c.stage <> 'dialihkan'
         ORDER BY c.event_date DESC, c.id DESC LIMIT 100",
        ))
        .bind(donor)
        .fetch_all(pool)
        .await
    })?)
}

/// Claims BPJS paid to the families of workers a donor's money protected (the claim's donor;
/// only the workers of `donation` when given): how many, and what the families received
/// (medical care, paid to the hospital, left out), of events between the two days when given.
/// Claims re-classified count once.
pub async fn paid_for_donor(
    db: &Db,
    donor: i64,
    donation: Option<i64>,
    events: Option<(NaiveDate, NaiveDate)>,
) -> anyhow::Result<(i64, i64)> {
    let (from, to) = (events.map(|e| e.0), events.map(|e| e.1));
    let row: (i64, Option<i64>) = on_db!(db, |pool| sqlx::query_as(concat!(
        "SELECT COUNT(*), CAST(SUM(",
        paid_sql!(TO_FAMILY!()),
        ") AS BIGINT)
         FROM claims c
         WHERE c.donor_id = $1 AND c.stage IN ('dibayar', 'selesai')
           AND ($2 = 0 OR EXISTS (SELECT 1 FROM donation_workers dw
                                  WHERE dw.donation_id = $2 AND dw.worker_id = c.worker_id))
           AND ($3 IS NULL OR (c.event_date >= $3 AND c.event_date <= $4))"
    ))
    .bind(donor)
    .bind(donation.unwrap_or(0))
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await)?;
    Ok((row.0, row.1.unwrap_or(0)))
}
