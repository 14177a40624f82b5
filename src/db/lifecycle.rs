//! After the funded months (issue 4, part 4): a worker pays alone (`mandiri`), waits in the
//! pool for a new donor, or after three unpaid months is `lapsed`; a worker who died or left
//! stops their future months, whose escrow goes back to the donor; and graduation, the share
//! of sponsored workers still paying alone 3, 6 and 12 months after their sponsorship ended.
//!
//! The month's step (`run`) is set-based, a handful of statements whatever the number of
//! workers, and idempotent: every statement only moves workers whose status still says the
//! move has not happened.

use super::audit::{self, Actor};
use super::worker_events::{self, Change, Param};
use super::{ledger, Db, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_domain::format;
use lingkaran_domain::ledger::{Account, Phase, Transfer, TransferKey};
use lingkaran_domain::message::Problem;
use lingkaran_domain::programme::Programme;
use lingkaran_domain::rates::Month;
use lingkaran_domain::worker::WorkerStatus::{self, Lapsed, Mandiri, Verified};
use lingkaran_domain::Rupiah;
use serde_json::json;

/// The user the monthly cycle acts as (seeded by migration 0007).
pub const SYSTEM_USER: &str = "_sistem";

pub async fn system_user(db: &Db) -> anyhow::Result<i64> {
    let id: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM users WHERE username = $1"
    )
    .bind(SYSTEM_USER)
    .fetch_optional(pool)
    .await)?;
    id.ok_or_else(|| {
        anyhow::anyhow!("the system user {SYSTEM_USER} is missing: run `lingkaran migrate`")
    })
}

/// A month's index (year × 12 + month), in SQL, so month differences are subtractions.
fn month_index(col: &str) -> String {
    format!("(({col}) / 100 * 12 + ({col}) % 100)")
}

/// Months that protect a worker: funded by a donor (and not rejected by the insurer), or
/// paid by the worker.
const COVERED_MONTHS: &str = "SELECT m.worker_id, m.month FROM worker_months m
        JOIN donations d ON d.id = m.donation_id
        WHERE d.status = 'funded'
          AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = m.worker_id
                          AND c.month = m.month AND c.status = 'rejected')
     UNION ALL SELECT s.worker_id, s.month FROM self_payments s";

/// What one month's step changed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LifecycleReport {
    pub month: String,
    /// Workers who paid this month themselves and became `mandiri`.
    pub mandiri: u64,
    /// Workers with three unpaid months, now `lapsed`.
    pub lapsed: u64,
    /// Workers whose sponsorship ended last month and who wait for a new donor.
    pub back_to_pool: u64,
}

/// The month's step of the worker lifecycle, its events stamped `now`. Running it again
/// changes nothing.
pub async fn run(
    db: &Db,
    month: Month,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<LifecycleReport> {
    let m = month.yyyymm();
    let label = format::month(month, "id");
    let prev = month.prev();

    // Paid alone this month → mandiri.
    let paid_alone =
        "EXISTS (SELECT 1 FROM self_payments s WHERE s.worker_id = w.id AND s.month = $1)";
    let mandiri_reason = self_paid_reason(month);
    // Three months after the last covered one, none paid → lapsed (domain.md §2: "after 3
    // consecutive unpaid months the membership becomes non-active").
    let unpaid = format!(
        "w.id IN (
            SELECT c.worker_id FROM ({COVERED_MONTHS}) c GROUP BY c.worker_id
            HAVING {} - {} >= 3)",
        month_index("$1"),
        month_index("MAX(c.month)")
    );
    let lapsed_reason = format!("Tiga bulan berturut-turut tanpa iuran (sampai {label})");
    // Sponsorship ended last month, no self-payment, nothing funded after → back in the pool
    // (an event only: `verified` is the pool).
    let pool_reason = format!(
        "Masa donasi berakhir {}; kembali ke daftar tunggu donatur",
        format::month(prev, "id")
    );
    let ended =
        "w.id IN (SELECT m.worker_id FROM worker_months m JOIN donations d ON d.id = m.donation_id
                     WHERE d.status = 'funded' GROUP BY m.worker_id HAVING MAX(m.month) = $3)
        AND NOT EXISTS (SELECT 1 FROM self_payments s WHERE s.worker_id = w.id AND s.month = $1)
        AND NOT EXISTS (SELECT 1 FROM worker_events e WHERE e.worker_id = w.id
                        AND e.action = 'back_to_pool' AND e.reason = $2)";

    let mut report = LifecycleReport {
        month: month.to_string(),
        ..LifecycleReport::default()
    };
    let change = |to, action, reason| Change {
        to,
        action,
        reason: Some(reason),
        actor,
        at: now,
    };
    let month_only = [Param::Int(m)];
    let mut tx = db.begin_write().await?;
    report.mandiri = worker_events::change_workers(
        &mut tx,
        &[Verified, Lapsed],
        paid_alone,
        &month_only,
        &change(Mandiri, "self_payment", &mandiri_reason),
    )
    .await?;
    report.lapsed = worker_events::change_workers(
        &mut tx,
        &[Verified, Mandiri],
        &unpaid,
        &month_only,
        &change(Lapsed, "lapse", &lapsed_reason),
    )
    .await?;
    // A note: `verified` is the pool, so the status stays.
    report.back_to_pool = worker_events::change_workers(
        &mut tx,
        &[Verified],
        ended,
        &[
            Param::Int(m),
            Param::Text(&pool_reason),
            Param::Int(prev.yyyymm()),
        ],
        &change(Verified, "back_to_pool", &pool_reason),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Why a worker became `mandiri`, as the event says it.
fn self_paid_reason(m: Month) -> String {
    format!("Membayar iuran sendiri untuk {}", format::month(m, "id"))
}

/// A month the worker paid alone.
#[derive(Debug, Clone)]
pub struct SelfPayment<'a> {
    pub nik: &'a str,
    pub month: Month,
    pub amount: i64,
    /// `manual` (an officer saw the receipt) or `insurer` (from BPJS's data).
    pub source: &'a str,
    pub reference: Option<&'a str>,
    /// The day it is recorded (WIB): the month must lie within the self-payment window
    /// around this day's month (`pricing_settings`, 3 months back to 1 ahead by default).
    pub today: NaiveDate,
}

/// What recording a self-payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// New; the worker's status now (`mandiri` unless they were somewhere else).
    New { worker_id: i64, status: String },
    /// This month was already recorded for this worker; nothing changed.
    Duplicate { worker_id: i64 },
}

/// Records one self-paid month. The month must lie within the self-payment window around
/// `p.today`, and the amount must be exactly the month's contribution for this worker paying
/// alone (`price_month` with funding `self`: the worker's income and sector, relief included).
/// A month a donor already pays is refused (it would be paid twice); a verified or lapsed
/// worker becomes `mandiri` in the same transaction.
pub async fn record_self_payment(
    db: &Db,
    p: &SelfPayment<'_>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Recorded, Problem>> {
    record_self_payment_in(db, p, None, actor, now).await
}

/// [`record_self_payment`] for a worker living in `regions` (an officer's scope; `None`:
/// anywhere). A worker outside them is answered exactly as an unregistered NIK, so that an
/// officer of another region learns nothing of which NIKs exist there.
pub async fn record_self_payment_in(
    db: &Db,
    p: &SelfPayment<'_>,
    regions: Option<&[String]>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Recorded, Problem>> {
    let mut tx = db.begin_write().await?;
    let r = self_payment_in(&mut tx, p, regions, actor, now).await?;
    if let Ok(Recorded::New { worker_id, .. }) = &r {
        // After the worker's row: the trail's head is taken last (ARCHITECTURE.md).
        audit::record(
            &mut tx,
            now,
            actor,
            "self_payment.record",
            "worker",
            worker_id,
            json!({ "month": p.month.to_string(), "amount": p.amount, "source": p.source,
                    "reference": p.reference }),
        )
        .await?;
    }
    // A refusal wrote nothing: committing it is the same as rolling it back.
    tx.commit().await?;
    Ok(r)
}

/// [`record_self_payment_in`] in the caller's transaction, without its audit entry (one
/// line's, or a file batch's). A refusal writes nothing, so the transaction goes on.
async fn self_payment_in(
    tx: &mut Tx,
    p: &SelfPayment<'_>,
    regions: Option<&[String]>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Recorded, Problem>> {
    if Rupiah::positive(p.amount).is_none() {
        return Ok(Err(Problem::new(
            "bad_amount",
            format!(
                "Iuran {} tidak mungkin: harus lebih dari Rp 0 dan paling banyak {}.",
                p.amount,
                format::rupiah(Rupiah::MAX.get())
            ),
            format!(
                "A contribution of {} is impossible: above Rp 0 and at most {}.",
                p.amount,
                format::rupiah(Rupiah::MAX.get())
            ),
        )));
    }
    let m = p.month.yyyymm();
    let label = format::month(p.month, "id");
    let (pricing, window) = super::rates::pricing_in(tx).await?;
    let current = Month::of(p.today);
    let (earliest, latest) = (current.minus(window.back), current.plus(window.ahead));
    if p.month < earliest || p.month > latest {
        return Ok(Err(Problem::new(
            "month_outside_window",
            format!(
                "Iuran mandiri untuk {label} tidak dapat dicatat hari ini: bulannya harus antara {} dan {}.",
                format::month(earliest, "id"),
                format::month(latest, "id")
            ),
            format!(
                "A self-payment for {} cannot be recorded today: the month must lie between {earliest} and {latest}.",
                p.month
            ),
        )));
    }
    let index = super::sealed::nik_index(tx.keys(), p.nik);
    let worker: Option<(i64, String, i64, String, String)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, status, income, sector, village_code FROM workers WHERE nik_index = $1"
    )
    .bind(&index)
    .fetch_optional(c)
    .await)?;
    let worker = worker.filter(|w| {
        regions.is_none_or(|r| {
            r.iter()
                .any(|area| lingkaran_domain::region::within(&w.4, area))
        })
    });
    let Some((worker, status, income, sector, _)) = worker else {
        return Ok(Err(Problem::new(
            "unknown_nik",
            "NIK ini tidak terdaftar di Lingkaran.",
            "No worker with this NIK is registered.",
        )));
    };
    let funded: bool = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM worker_months m JOIN donations d ON d.id = m.donation_id
         WHERE m.worker_id = $1 AND m.month = $2 AND d.status = 'funded')",
    )
    .bind(worker)
    .bind(m)
    .fetch_one(c)
    .await)?;
    let sector = lingkaran_domain::pricing::Sector::parse(&sector)
        .unwrap_or(lingkaran_domain::pricing::Sector::Other);
    let due = pricing.price(
        p.month,
        income,
        lingkaran_domain::pricing::FundingSource::SelfPaid,
        sector,
    )?;
    let due_total = due.total()?.get();
    if p.amount != due_total && !funded {
        let why = due
            .relief
            .as_ref()
            .map(|r| {
                (
                    format!(" (keringanan {})", r.basis),
                    format!(" (relief under {})", r.basis),
                )
            })
            .unwrap_or_default();
        return Ok(Err(Problem::new(
            "wrong_amount",
            format!(
                "Iuran {} untuk {label} tidak sesuai: iuran pekerja ini untuk bulan itu {}{}.",
                format::rupiah(p.amount),
                format::rupiah(due_total),
                why.0
            ),
            format!(
                "A contribution of {} for {} does not match: this worker's contribution for that month is {}{}.",
                format::rupiah(p.amount),
                p.month,
                format::rupiah(due_total),
                why.1
            ),
        )));
    }
    if funded {
        return Ok(Err(Problem::new(
            "month_funded",
            format!("Iuran {label} pekerja ini sudah dibayar donatur; tidak perlu dibayar lagi."),
            format!(
                "A donor already pays {} for this worker; it must not be paid twice.",
                p.month
            ),
        )));
    }
    let by = audit::user_id_in(tx, actor).await?;
    let inserted = on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO self_payments
               (worker_id, month, amount, source, reference, recorded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (worker_id, month) DO NOTHING",
        )
        .bind(worker)
        .bind(m)
        .bind(p.amount)
        .bind(p.source)
        .bind(p.reference)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if inserted == 0 {
        return Ok(Ok(Recorded::Duplicate { worker_id: worker }));
    }
    let mut status = status;
    if let Some(from @ (Verified | Lapsed)) = WorkerStatus::parse(&status) {
        let reason = self_paid_reason(p.month);
        let change = Change {
            to: Mandiri,
            action: "self_payment",
            reason: Some(&reason),
            actor,
            at: now,
        };
        if worker_events::change_worker(tx, worker, from, &change).await? {
            status = Mandiri.code().into();
        }
    }
    Ok(Ok(Recorded::New {
        worker_id: worker,
        status,
    }))
}

/// One line of a self-payment file that could not be recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = SelfPaymentLineError)]
pub struct LineError {
    pub line: usize,
    pub nik: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SelfPaymentImport {
    pub recorded: usize,
    pub duplicates: usize,
    pub errors: Vec<LineError>,
}

/// Whether `text` starts with the header of the insurer's self-payment data,
/// `nik,bulan,iuran[,referensi]` (any case): without it the first payment would be
/// read as the header and dropped, and another file (a worker list) would be read line by
/// line as payments.
pub fn self_payment_header(text: &str) -> Result<(), Problem> {
    let first = text
        .trim_start_matches('\u{feff}')
        .split(['\r', '\n'])
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let names: Vec<String> = first
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_lowercase())
        .collect();
    let ok = names.len() >= 3
        && names.len() <= 4
        && names[..3] == ["nik", "bulan", "iuran"]
        && names.get(3).is_none_or(|n| n == "referensi");
    if ok {
        return Ok(());
    }
    Err(Problem::new(
        "bad_header",
        "Baris pertama harus judul kolom nik,bulan,iuran (dan boleh referensi).",
        "The first line must be the column header nik,bulan,iuran (and optionally referensi).",
    ))
}

/// Imports self-payments from the insurer's data: CSV `nik,bulan,iuran[,referensi]`, `bulan`
/// as `YYYY-MM`, `iuran` in whole rupiah. Each bad line is reported and the rest recorded;
/// importing the same file again records nothing twice. With `regions` (an officer's scope),
/// a line for a worker outside them is refused as an unregistered NIK.
pub async fn import_self_payments(
    db: &Db,
    text: &str,
    regions: Option<&[String]>,
    actor: Actor,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<SelfPaymentImport> {
    // The callers refuse a wrong header in their own way first; this is the last net.
    if let Err(p) = self_payment_header(text) {
        anyhow::bail!("{}", p.en);
    }
    let mut out = SelfPaymentImport::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    // Lines are recorded in transactions of SELF_PAYMENT_BATCH, each ending with one audit
    // entry for its counts (a worker who becomes mandiri still gets that change's own entry).
    let mut open: Option<(Tx, SelfPaymentImport)> = None;
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(LineError {
                    line,
                    nik: String::new(),
                    code: "bad_line".into(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let field = |k: usize| row.get(k).unwrap_or("").to_string();
        let (nik, month, amount, reference) = (field(0), field(1), field(2), field(3));
        let bad = |code: &str, message: String| LineError {
            line,
            nik: nik.clone(),
            code: code.into(),
            message,
        };
        let Some(month) = Month::parse(&month) else {
            out.errors.push(bad(
                "bad_month",
                format!("Kolom bulan \"{month}\" harus berbentuk TTTT-BB, misalnya 2026-05."),
            ));
            continue;
        };
        let Ok(amount) = amount.parse::<i64>() else {
            out.errors.push(bad(
                "bad_amount",
                format!("Kolom iuran \"{amount}\" harus angka rupiah tanpa titik, misalnya 16800."),
            ));
            continue;
        };
        let p = SelfPayment {
            nik: &nik,
            month,
            amount,
            source: "insurer",
            reference: (!reference.is_empty()).then_some(reference.as_str()),
            today,
        };
        if open.is_none() {
            open = Some((db.begin_write().await?, SelfPaymentImport::default()));
        }
        let Some((tx, batch)) = open.as_mut() else {
            unreachable!("opened above")
        };
        match self_payment_in(tx, &p, regions, actor, now).await? {
            Ok(Recorded::New { .. }) => (out.recorded += 1, batch.recorded += 1),
            Ok(Recorded::Duplicate { .. }) => (out.duplicates += 1, batch.duplicates += 1),
            Err(problem) => {
                out.errors.push(bad(problem.code, problem.id.clone()));
                batch.errors.push(bad(problem.code, String::new()));
                continue;
            }
        };
        if batch.recorded + batch.duplicates >= SELF_PAYMENT_BATCH {
            if let Some((tx, batch)) = open.take() {
                close_self_payment_batch(tx, &batch, actor, now).await?;
            }
        }
    }
    if let Some((tx, batch)) = open.take() {
        close_self_payment_batch(tx, &batch, actor, now).await?;
    }
    Ok(out)
}

/// Self-payment lines recorded per transaction of an import.
const SELF_PAYMENT_BATCH: usize = 500;

/// Ends one batch of an import of self-payments: its audit entry, then the commit.
async fn close_self_payment_batch(
    mut tx: Tx,
    batch: &SelfPaymentImport,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    audit::record(
        &mut tx,
        now,
        actor,
        "self_payment.import",
        "self_payments",
        "insurer",
        json!({ "recorded": batch.recorded, "duplicates": batch.duplicates,
                "refused": batch.errors.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What stopping a worker's future months did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Stopped {
    pub stop_id: i64,
    pub months: i64,
    pub amount: i64,
    /// `credit` (back to the donor) or `pool` (the programme pool), per donor's choice.
    pub to_credit: i64,
    pub to_pool: i64,
}

/// Why a worker's months stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Deceased,
    Left,
}

impl StopReason {
    pub fn code(self) -> &'static str {
        match self {
            StopReason::Deceased => "deceased",
            StopReason::Left => "left",
        }
    }
}

/// A worker died or left on `on`: their status changes, and every funded month after `on`'s
/// month that has not been remitted to BPJS yet stops. Those months leave `worker_months` for
/// `stopped_months` (so they no longer count as protection) and their contribution goes from
/// the donation's escrow back to the donor's credit, or to the programme pool if the donor
/// chose that. One transaction; the month of the event itself stays covered (a death in a
/// covered month is a JKM claim).
pub async fn stop_worker(
    db: &Db,
    worker_id: i64,
    reason: StopReason,
    on: NaiveDate,
    note: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Stopped, Problem>> {
    let from = Month::of(on).next();
    let mut tx = db.begin_write().await?;
    // The worker's row is locked from here (SQLite's single writer does the same), so the
    // status change at the end, after the months and the money, cannot lose a race.
    let lock = format!(
        "SELECT status FROM workers WHERE id = $1{}",
        tx.for_update()
    );
    let status: Option<String> = on_tx!(&mut tx, |c| sqlx::query_scalar(&lock)
        .bind(worker_id)
        .fetch_optional(c)
        .await)?;
    let Some(status) = status else {
        return Ok(Err(Problem::new(
            "not_found",
            "Pekerja tidak ditemukan.",
            "No such worker.",
        )));
    };
    let to = match reason {
        StopReason::Deceased => WorkerStatus::Deceased,
        StopReason::Left => WorkerStatus::Left,
    };
    let Some(from_status) = WorkerStatus::parse(&status).filter(|s| s.can_become(to)) else {
        return Ok(Err(Problem::new(
            "not_allowed",
            format!(
                "Status pekerja \"{status}\" tidak dapat diubah menjadi \"{}\".",
                to.code()
            ),
            format!(
                "A worker who is \"{status}\" cannot become \"{}\".",
                to.code()
            ),
        )));
    };
    let why = note.map(str::to_string).unwrap_or_else(|| match reason {
        StopReason::Deceased => format!("Meninggal dunia pada {}", format::date(on, "id")),
        StopReason::Left => format!("Keluar dari program pada {}", format::date(on, "id")),
    });
    let change = Change {
        to,
        action: reason.code(),
        reason: Some(&why),
        actor,
        at: now,
    };
    // Funded months from `from` on, with their donor's choice.
    let rows: Vec<(i64, i64, i64, i64, i64, bool)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT m.month, m.donation_id, m.jkk, m.jkm, d.donor_id, o.leftover_to_pool
         FROM worker_months m JOIN donations d ON d.id = m.donation_id
         JOIN donors o ON o.id = d.donor_id
         WHERE m.worker_id = $1 AND m.month >= $2 AND d.status = 'funded' ORDER BY m.month",
    )
    .bind(worker_id)
    .bind(from.yyyymm())
    .fetch_all(c)
    .await)?;
    // A month already moved to the payables (the cycle ran) has gone to BPJS: it stays.
    let mut stop = Vec::new();
    for row in rows {
        let (month, donation) = (row.0, row.1);
        let Some(m) = Month::from_yyyymm(month) else {
            anyhow::bail!("worker-month {month} of donation {donation} is not a month");
        };
        let remit = super::ledger::id_text(
            TransferKey::Remit {
                donation,
                month: m,
                programme: Programme::Jkk,
            }
            .id(),
        );
        let remitted: bool = on_tx!(&mut tx, |c| sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM ledger_transfers WHERE id = $1)"
        )
        .bind(remit)
        .fetch_one(c)
        .await)?;
        if !remitted {
            stop.push(row);
        }
    }
    let months = stop.len() as i64;
    // What a stopped month returns: its JKK and JKM contributions.
    let back = |jkk: i64, jkm: i64| -> anyhow::Result<Rupiah> {
        Ok(Rupiah::new(jkk)?.checked_add(Rupiah::new(jkm)?)?)
    };
    let mut amount = Rupiah::ZERO;
    for r in &stop {
        amount = amount.checked_add(back(r.2, r.3)?)?;
    }
    let by = audit::user_id_in(&mut tx, actor).await?;
    let stop_id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO worker_stops
               (worker_id, reason, from_month, months, amount, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(worker_id)
        .bind(reason.code())
        .bind(from.yyyymm())
        .bind(months)
        .bind(amount.get())
        .bind(by)
        .bind(now)
        .fetch_one(c)
        .await
    })?;
    let mut transfers = Vec::with_capacity(stop.len());
    let (mut to_credit, mut to_pool) = (Rupiah::ZERO, Rupiah::ZERO);
    for (month, donation, jkk, jkm, donor, pool_choice) in &stop {
        on_tx!(&mut tx, |c| {
            sqlx::query(
                "INSERT INTO stopped_months
                   (stop_id, worker_id, month, donation_id, jkk, jkm, destination)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(stop_id)
            .bind(worker_id)
            .bind(month)
            .bind(donation)
            .bind(jkk)
            .bind(jkm)
            .bind(if *pool_choice { "pool" } else { "credit" })
            .execute(c)
            .await
            .map(|_| ())
        })?;
        on_tx!(&mut tx, |c| sqlx::query(
            "DELETE FROM worker_months WHERE worker_id = $1 AND month = $2"
        )
        .bind(worker_id)
        .bind(month)
        .execute(c)
        .await
        .map(|_| ()))?;
        let back = back(*jkk, *jkm)?;
        if *pool_choice {
            to_pool = to_pool.checked_add(back)?;
        } else {
            to_credit = to_credit.checked_add(back)?;
        }
        transfers.push(Transfer {
            id: TransferKey::Stopped {
                stop: stop_id,
                month: Month::from_yyyymm(*month)
                    .ok_or_else(|| anyhow::anyhow!("{month} is not a month"))?,
            }
            .id(),
            debit: Account::Escrow(*donation),
            credit: if *pool_choice {
                Account::ProgrammePool
            } else {
                Account::DonorCredit(*donor)
            },
            amount: back.get(),
            phase: Phase::Single,
            linked: false,
        });
    }
    for r in ledger::apply_transfers(&mut tx, &transfers, actor, now).await? {
        if let Err(e) = r {
            anyhow::bail!("the ledger refused returning a stopped month: {e:?}");
        }
    }
    // How far the worker is taken is their last remaining month.
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE workers SET taken_through =
           COALESCE((SELECT MAX(m.month) FROM worker_months m WHERE m.worker_id = $1), 0)
         WHERE id = $1",
    )
    .bind(worker_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    // The status change and its entry last, so the trail's head is held only until the
    // commit (ARCHITECTURE.md). A lost race rolls everything back (`tx` is dropped).
    if !worker_events::change_worker(&mut tx, worker_id, from_status, &change).await? {
        // Another change won the race since the status was read: nothing is written.
        return Ok(Err(Problem::new(
            "status_changed",
            "Status pekerja baru saja diubah orang lain; muat ulang dan coba lagi.",
            "The worker's status was changed meanwhile; reload and try again.",
        )));
    }
    audit::record(
        &mut tx,
        now,
        actor,
        "worker.stop",
        "worker",
        worker_id,
        json!({ "stop": stop_id, "reason": reason.code(), "from_month": from.to_string(),
                "months": months, "amount": amount.get(), "to_credit": to_credit.get(),
                "to_pool": to_pool.get() }),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Stopped {
        stop_id,
        months,
        amount: amount.get(),
        to_credit: to_credit.get(),
        to_pool: to_pool.get(),
    }))
}

/// Graduation of one donor or region: of the workers whose sponsorship ended at least k
/// months ago, how many paid alone in the k-th month after it (k = 3, 6, 12).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Graduation {
    /// Donor id or regency code.
    pub key: String,
    pub name: String,
    /// Sponsored workers whose sponsorship has ended.
    pub ended: i64,
    /// (k, workers whose sponsorship ended at least k months ago, of them paying in month k).
    pub after: Vec<(u32, i64, i64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraduationBy {
    Donor,
    Region,
}

/// Graduation as of `as_of` (the latest month whose payments are in). A worker's sponsorship
/// ended with their last funded month E < `as_of`; the worker counts for k when E + k ≤
/// `as_of`, and graduated at k when they paid month E + k themselves. The donor is the one
/// who paid month E; the region is the worker's regency.
pub async fn graduation(
    db: &Db,
    as_of: Month,
    by: GraduationBy,
) -> anyhow::Result<Vec<Graduation>> {
    let plus = |k: u32| {
        // E + k as yyyymm, in SQL.
        let i = format!("(l.last / 100 * 12 + l.last % 100 - 1 + {k})");
        format!("(({i}) / 12 * 100 + ({i}) % 12 + 1)")
    };
    let now = as_of.yyyymm();
    let mut cols = String::new();
    for k in [3u32, 6, 12] {
        let target = plus(k);
        cols.push_str(&format!(
            ", CAST(SUM(CASE WHEN {target} <= {now} THEN 1 ELSE 0 END) AS BIGINT)
             , CAST(SUM(CASE WHEN {target} <= {now} AND EXISTS (SELECT 1 FROM self_payments s
                        WHERE s.worker_id = l.worker_id AND s.month = {target}) THEN 1 ELSE 0 END) AS BIGINT)"
        ));
    }
    let (key, name, join) = match by {
        GraduationBy::Donor => (
            "CAST(o.id AS TEXT)",
            "o.name",
            "JOIN worker_months lm ON lm.worker_id = l.worker_id AND lm.month = l.last
             JOIN donations d ON d.id = lm.donation_id JOIN donors o ON o.id = d.donor_id",
        ),
        GraduationBy::Region => (
            "w.regency_code",
            "r.name",
            "JOIN workers w ON w.id = l.worker_id JOIN regions r ON r.code = w.regency_code",
        ),
    };
    let sql = format!(
        "SELECT {key}, {name}, CAST(COUNT(*) AS BIGINT) {cols}
         FROM (SELECT m.worker_id, MAX(m.month) AS last FROM worker_months m
               JOIN donations d0 ON d0.id = m.donation_id WHERE d0.status = 'funded'
               GROUP BY m.worker_id) l
         {join}
         WHERE l.last < {now}
         GROUP BY {key}, {name} ORDER BY {name}"
    );
    type Row = (String, String, i64, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Row> = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|r| Graduation {
            key: r.0,
            name: r.1,
            ended: r.2,
            after: vec![(3, r.3, r.4), (6, r.5, r.6), (12, r.7, r.8)],
        })
        .collect())
}
