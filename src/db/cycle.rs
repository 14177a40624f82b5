//! The monthly cycle's storage (issue 4; the steps are put together by `usecase::cycle`):
//! for a month, every funded worker-month's contribution moves from its donation's escrow to
//! the JKK and JKM payables, the rows of each remittance file are streamed (one row in memory
//! at a time; `crate::remittance` writes the file), and each programme's total is paid to
//! BPJS Ketenagakerjaan. Every ledger transfer's id is made from
//! (donation, month) or (month, programme), so running the cycle again posts nothing new, and
//! a run killed half-way finishes exactly the rest.

use super::audit::{self, Actor};
use super::{ledger, Db, Pool, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use lingkaran_domain::ledger::{Account, Phase, Refusal, Transfer, TransferKey};
use lingkaran_domain::programme::Programme;
use lingkaran_domain::rates::Month;
use lingkaran_domain::Rupiah;
use lingkaran_formats::confirmation;
use serde_json::json;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

/// Donations moved to the payables per transaction, unless the caller says otherwise
/// (`--cycle-batch` / `LINGKARAN_CYCLE_BATCH`: the kill-and-rerun test makes it small, to have
/// many commits to interrupt).
pub const DONATIONS_PER_TRANSACTION: u32 = 500;

/// A pooled SQLite connection with its temporary files on disk: the month's sorts and
/// groupings are as big as the month, and the pool's `temp_store = memory` (set for imports)
/// would hold them in the process. [`temp_in_memory`] puts the setting back before the
/// connection returns to the pool. PostgreSQL spills beyond `work_mem` by itself.
async fn temp_on_disk(pool: &SqlitePool) -> sqlx::Result<PoolConnection<Sqlite>> {
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA temp_store = FILE")
        .execute(&mut *conn)
        .await?;
    Ok(conn)
}

/// The pool's setting again, on a connection [`temp_on_disk`] gave.
async fn temp_in_memory(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    sqlx::query("PRAGMA temp_store = MEMORY")
        .execute(conn)
        .await
        .map(|_| ())
}

/// Step 1 of the month's cycle (`usecase::cycle::run`): every donation-month funded for
/// `month` and in no batch yet (normally every one on the first run, none on a re-run, the
/// late ones on a run after the month was paid) moves from escrow to the payables, in
/// transactions of `per_transaction` donations, and enters a batch. Returns the transfers
/// posted.
pub async fn move_to_payables(
    db: &Db,
    month: Month,
    per_transaction: u32,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let per_transaction = usize::try_from(per_transaction.max(1)).unwrap_or(1);
    let mut posted = 0;
    let m = month.yyyymm();
    // Grouped by what prices a worker-month (income, sector, the donation's funding source)
    //    and by the price paid, so each group is priced once by `price_month`.
    let groups: Vec<GroupRow> = match &db.pool {
        Pool::Sqlite(pool) => {
            let mut conn = temp_on_disk(pool).await?;
            let groups = month_groups(&mut *conn, m).await;
            temp_in_memory(&mut conn).await?;
            groups?
        }
        Pool::Postgres(pool) => month_groups(&mut *pool.acquire().await?, m).await?,
    };
    let new = if groups.is_empty() {
        Vec::new()
    } else {
        due_items(&super::rates::pricing(db).await?, month, groups)?
    };
    if !new.is_empty() {
        let batch = open_batch(db, month).await?;
        let deadline = crate::db::reconcile::due_deadline(month);
        for chunk in new.chunks(per_transaction) {
            posted += post_items(db, month, batch, chunk, deadline, actor, now).await?;
        }
        // The file query joins the batch's items; without fresh statistics PostgreSQL takes
        // the just-written table for empty and probes `workers` once per row (1.7× slower
        // at 200,000 workers). The table has one row per donation and month: cheap.
        if let Pool::Postgres(pool) = &db.pool {
            sqlx::query("ANALYZE remittance_items")
                .execute(pool)
                .await?;
        }
    }
    Ok(posted)
}

/// The month's funded worker-months in no batch yet, grouped by what prices them (see
/// [`move_to_payables`]), on one connection of either store.
async fn month_groups<C, DB>(c: &mut C, month: i64) -> sqlx::Result<Vec<GroupRow>>
where
    DB: sqlx::Database,
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    GroupRow: for<'r> sqlx::FromRow<'r, DB::Row>,
{
    sqlx::query_as(
        "SELECT m.donation_id, d.donor_id, d.funding_source, d.funded_at, w.income, w.sector,
                m.jkk, m.jkm, CAST(COUNT(*) AS BIGINT)
         FROM worker_months m JOIN donations d ON d.id = m.donation_id
         JOIN workers w ON w.id = m.worker_id
         WHERE m.month = $1 AND d.status = 'funded'
           AND NOT EXISTS (SELECT 1 FROM remittance_items i
                           WHERE i.month = $1 AND i.donation_id = m.donation_id)
         GROUP BY m.donation_id, d.donor_id, d.funding_source, d.funded_at, w.income, w.sector,
                  m.jkk, m.jkm
         ORDER BY m.donation_id",
    )
    .bind(month)
    .fetch_all(c)
    .await
}

/// The month's batches so far: (donations, JKK, JKM) over all of them.
pub async fn month_totals(db: &Db, month: Month) -> anyhow::Result<(i64, i64, i64)> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(jkk), 0) AS BIGINT), CAST(COALESCE(SUM(jkm), 0) AS BIGINT)
         FROM remittance_items WHERE month = $1"
    )
    .bind(month.yyyymm())
    .fetch_one(pool)
    .await
    })?)
}

/// The month's batch numbers, in order.
pub async fn batches(db: &Db, month: Month) -> anyhow::Result<Vec<i64>> {
    Ok(on_db!(db, |pool| sqlx::query_scalar(
        "SELECT DISTINCT batch FROM remittance_items WHERE month = $1 ORDER BY batch"
    )
    .bind(month.yyyymm())
    .fetch_all(pool)
    .await)?)
}

/// The file already written for a batch and programme: (file, lines, total).
pub async fn written(
    db: &Db,
    month: Month,
    programme: Programme,
    batch: i64,
) -> anyhow::Result<Option<(String, i64, i64)>> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT file, lines, total FROM remittances WHERE month = $1 AND programme = $2 AND batch = $3"
    )
    .bind(month.yyyymm())
    .bind(programme.code())
    .bind(batch)
    .fetch_optional(pool)
    .await
    })?)
}

/// A batch's total for a programme paid to BPJS: payable → remitted, keyed by (month,
/// programme, batch). Returns the transfers posted (0 when it was already paid).
pub async fn pay_bpjs(
    db: &Db,
    month: Month,
    programme: Programme,
    batch: i64,
    total: i64,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    if total <= 0 {
        return Ok(0);
    }
    let payable = match programme {
        Programme::Jkk => Account::PayableJkk,
        Programme::Jkm => Account::PayableJkm,
    };
    let pay = [Transfer {
        id: TransferKey::PayBpjs {
            month,
            programme,
            batch,
        }
        .id(),
        debit: payable,
        credit: Account::Remitted,
        amount: total,
        phase: Phase::Single,
        linked: false,
    }];
    let mut tx = db.begin_write().await?;
    let new = count_new(
        &pay,
        ledger::apply_transfers(&mut tx, &pay, actor, now).await?,
    )?;
    if new > 0 {
        audit::record(
            &mut tx,
            now,
            actor,
            "cycle.remit",
            "cycle",
            month.to_string(),
            json!({ "programme": programme.code(), "batch": batch, "total": total }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(new)
}

/// The batch new donation-months go in: the month's last batch while none of its files is
/// written (a run interrupted before its files), else the next one (a supplementary
/// remittance: money that came after the month was remitted).
async fn open_batch(db: &Db, month: Month) -> anyhow::Result<i64> {
    let (last, written): (Option<i64>, bool) = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT MAX(i.batch), EXISTS (SELECT 1 FROM remittances r WHERE r.month = $1
                                      AND r.batch = (SELECT MAX(batch) FROM remittance_items WHERE month = $1))
         FROM remittance_items i WHERE i.month = $1"
    )
    .bind(month.yyyymm())
    .fetch_one(pool)
    .await
    })?;
    Ok(match last {
        None => 1,
        Some(b) if written => b + 1,
        Some(b) => b,
    })
}

/// One group of a month's worker-months: (donation, donor, funding source, funded at, income,
/// sector, JKK paid, JKM paid, how many).
type GroupRow = (
    i64,
    i64,
    String,
    Option<DateTime<Utc>>,
    i64,
    String,
    i64,
    i64,
    i64,
);

/// Worker-months of one donation whose price due is below the price paid: (income, sector,
/// JKK paid, JKM paid, JKK due, JKM due).
type Repriced = (i64, String, i64, i64, i64, i64);

/// What one donation remits for the month.
#[derive(Debug, Default)]
struct Item {
    donation: i64,
    donor: i64,
    funded_at: Option<DateTime<Utc>>,
    /// What is due and remitted.
    jkk: i64,
    jkm: i64,
    /// What was paid above it, going back to the donor's credit.
    back_jkk: i64,
    back_jkm: i64,
    repriced: Vec<Repriced>,
}

/// Prices each group with `price_month` and sums per donation: a worker-month remits what is
/// due, never more than was paid for it (a price that rose after the money came is not
/// collected here), and the rest goes back.
fn due_items(
    pricing: &lingkaran_domain::pricing::Pricing,
    month: Month,
    groups: Vec<GroupRow>,
) -> anyhow::Result<Vec<Item>> {
    use lingkaran_domain::pricing::{FundingSource, Sector};
    let add = |a: i64, b: i64, n: i64| -> anyhow::Result<i64> {
        Ok(Rupiah::new(a)?
            .checked_add(Rupiah::new(b)?.times(n)?)?
            .get())
    };
    let sub = |a: i64, b: i64| -> anyhow::Result<i64> {
        Ok(Rupiah::new(a)?.checked_sub(Rupiah::new(b)?)?.get())
    };
    let mut out: Vec<Item> = Vec::new();
    for (donation, donor, funding, funded_at, income, sector, jkk, jkm, n) in groups {
        let f = FundingSource::parse(&funding).ok_or_else(|| {
            anyhow::anyhow!("donation {donation}: unknown funding source {funding:?}")
        })?;
        let sec = Sector::parse(&sector).unwrap_or(Sector::Other);
        let due = pricing.price(month, income, f, sec)?;
        let (due_jkk, due_jkm) = (due.jkk.get().min(jkk), due.jkm.get().min(jkm));
        if out.last().map(|i| i.donation) != Some(donation) {
            out.push(Item {
                donation,
                donor,
                funded_at,
                ..Item::default()
            });
        }
        let Some(item) = out.last_mut() else {
            continue;
        };
        item.jkk = add(item.jkk, due_jkk, n)?;
        item.jkm = add(item.jkm, due_jkm, n)?;
        item.back_jkk = add(item.back_jkk, sub(jkk, due_jkk)?, n)?;
        item.back_jkm = add(item.back_jkm, sub(jkm, due_jkm)?, n)?;
        if (due_jkk, due_jkm) != (jkk, jkm) {
            item.repriced
                .push((income, sector, jkk, jkm, due_jkk, due_jkm));
        }
    }
    Ok(out)
}

/// Records donation-months in `batch` and moves their contributions from each donation's
/// escrow to the payables, in one transaction: a donation-month is in a batch exactly when
/// its money has left escrow. What was paid above the price due goes back to the donor's
/// credit in the same transaction (`TransferKey::Repriced`, by donation and month), and the
/// worker-months concerned get their remitted price in `repriced_months`. Returns the
/// transfers posted.
async fn post_items(
    db: &Db,
    month: Month,
    batch: i64,
    items: &[Item],
    deadline: Option<DateTime<Utc>>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let m = month.yyyymm();
    let mut transfers = Vec::with_capacity(items.len() * 2);
    for it in items {
        let back = Rupiah::new(it.back_jkk)?.checked_add(Rupiah::new(it.back_jkm)?)?;
        let remit = |programme| TransferKey::Remit {
            donation: it.donation,
            month,
            programme,
        };
        for (key, credit, amount) in [
            (remit(Programme::Jkk), Account::PayableJkk, it.jkk),
            (remit(Programme::Jkm), Account::PayableJkm, it.jkm),
            (
                TransferKey::Repriced {
                    donation: it.donation,
                    month,
                },
                Account::DonorCredit(it.donor),
                back.get(),
            ),
        ] {
            if amount > 0 {
                transfers.push(Transfer {
                    id: key.id(),
                    debit: Account::Escrow(it.donation),
                    credit,
                    amount,
                    phase: Phase::Single,
                    linked: false,
                });
            }
        }
    }
    let mut tx = db.begin_write().await?;
    for it in items {
        let late = matches!((it.funded_at, deadline), (Some(f), Some(d)) if f > d);
        let new = on_tx!(&mut tx, |c| {
            sqlx::query(
                "INSERT INTO remittance_items (month, donation_id, batch, jkk, jkm, late,
                   repriced_jkk, repriced_jkm)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (month, donation_id) DO NOTHING",
            )
            .bind(m)
            .bind(it.donation)
            .bind(batch)
            .bind(it.jkk)
            .bind(it.jkm)
            .bind(late)
            .bind(it.back_jkk)
            .bind(it.back_jkm)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if new == 0 {
            continue;
        }
        for (income, sector, jkk, jkm, due_jkk, due_jkm) in &it.repriced {
            on_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO repriced_months (worker_id, month, donation_id, jkk, jkm)
                 SELECT m.worker_id, m.month, m.donation_id, $1, $2 FROM worker_months m
                 JOIN workers w ON w.id = m.worker_id
                 WHERE m.donation_id = $3 AND m.month = $4 AND m.jkk = $5 AND m.jkm = $6
                   AND w.income = $7 AND w.sector = $8
                 ON CONFLICT (worker_id, month) DO NOTHING",
            )
            .bind(due_jkk)
            .bind(due_jkm)
            .bind(it.donation)
            .bind(m)
            .bind(jkk)
            .bind(jkm)
            .bind(income)
            .bind(sector)
            .execute(c)
            .await
            .map(|_| ()))?;
        }
    }
    let results = ledger::apply_transfers(&mut tx, &transfers, actor, now).await?;
    let posted = count_new(&transfers, results)?;
    // One entry per transaction of donations (`per_transaction`), with its counts: never one
    // per worker-month.
    if posted > 0 {
        let (jkk, jkm) = items.iter().fold((0i64, 0i64), |(a, b), it| {
            (a.saturating_add(it.jkk), b.saturating_add(it.jkm))
        });
        audit::record(
            &mut tx,
            now,
            actor,
            "cycle.payables",
            "cycle",
            month.to_string(),
            json!({ "batch": batch, "donations": items.len(), "transfers": posted,
                    "jkk": jkk, "jkm": jkm }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(posted)
}

/// How many transfers of `batch` were new. A transfer already posted (a re-run) is fine; any
/// other refusal is an error.
fn count_new(batch: &[Transfer], results: Vec<Result<(), Refusal>>) -> anyhow::Result<usize> {
    let mut new = 0;
    for (t, r) in batch.iter().zip(results) {
        match r {
            Ok(()) => new += 1,
            Err(Refusal::Exists) => {}
            Err(e) => anyhow::bail!(
                "the ledger refused {} → {} ({}): {e:?}",
                t.debit.code(),
                t.credit.code(),
                t.amount
            ),
        }
    }
    Ok(new)
}

/// One line of a remittance file, borrowed from the row the store streams.
pub struct RemitRow<'a> {
    pub nik: &'a str,
    pub name: &'a str,
    pub income: i64,
    /// What was remitted for this worker-month: the re-priced contribution where the month
    /// was re-priced.
    pub contribution: i64,
    pub donor: &'a str,
    pub donation: i64,
}

/// Streams a batch's worker-months of one programme, in worker order, to `each`: one row in
/// memory at a time, whatever the month's size (`crate::remittance` writes them).
pub async fn stream_rows(
    db: &Db,
    month: Month,
    programme: Programme,
    batch: i64,
    mut each: impl FnMut(RemitRow<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let amount = match programme {
        Programme::Jkk => "COALESCE(r.jkk, m.jkk)",
        Programme::Jkm => "COALESCE(r.jkm, m.jkm)",
    };
    let sql = format!(
        "SELECT w.nik, w.full_name, w.income, {amount}, o.name, d.id
         FROM worker_months m
         JOIN remittance_items i ON i.month = m.month AND i.donation_id = m.donation_id AND i.batch = $2
         LEFT JOIN repriced_months r ON r.worker_id = m.worker_id AND r.month = m.month
         JOIN donations d ON d.id = m.donation_id
         JOIN workers w ON w.id = m.worker_id JOIN donors o ON o.id = d.donor_id
         WHERE m.month = $1 ORDER BY w.id"
    );
    let (m, each, keys) = (month.yyyymm(), &mut each, db.keys());
    match &db.pool {
        Pool::Sqlite(pool) => {
            let mut conn = temp_on_disk(pool).await?;
            let out = remit_rows(&mut *conn, &sql, m, batch, keys, each).await;
            temp_in_memory(&mut conn).await?;
            out
        }
        Pool::Postgres(pool) => {
            remit_rows(&mut *pool.acquire().await?, &sql, m, batch, keys, each).await
        }
    }
}

/// [`stream_rows`] on one connection of either store.
async fn remit_rows<C, DB>(
    c: &mut C,
    sql: &str,
    month: i64,
    batch: i64,
    keys: &crate::privacy::Keyring,
    each: &mut impl FnMut(RemitRow<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()>
where
    DB: sqlx::Database,
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB> + sqlx::Decode<'q, DB>,
    for<'r> &'r str: sqlx::Decode<'r, DB> + sqlx::Type<DB>,
    for<'r> &'r [u8]: sqlx::Decode<'r, DB> + sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    use sqlx::Row;
    let mut rows = sqlx::query(sql).bind(month).bind(batch).fetch(c);
    while let Some(row) = rows.try_next().await? {
        // The file must carry the whole NIK (BPJS registers by it): opened here, one row at
        // a time, and written to a file only its owner reads (src/remittance.rs).
        let nik = super::sealed::open(keys, crate::privacy::Kind::Nik, row.try_get(0)?)?;
        each(RemitRow {
            nik: &nik,
            name: row.try_get(1)?,
            income: row.try_get(2)?,
            contribution: row.try_get(3)?,
            donor: row.try_get(4)?,
            donation: row.try_get(5)?,
        })?;
    }
    Ok(())
}

/// Records a batch's file once it is on disk: path, lines, total and the CSV's SHA-256.
#[allow(clippy::too_many_arguments)]
pub async fn record_file(
    db: &Db,
    month: Month,
    programme: Programme,
    batch: i64,
    lines: i64,
    total: i64,
    file: &str,
    sha256: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |pool| {
        sqlx::query(
            "INSERT INTO remittances (month, programme, batch, lines, total, file, sha256, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (month, programme, batch) DO UPDATE SET lines = $4, total = $5, file = $6, sha256 = $7",
        )
        .bind(month.yyyymm())
        .bind(programme.code())
        .bind(batch)
        .bind(lines)
        .bind(total)
        .bind(file)
        .bind(sha256)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    audit::record(
        &mut tx,
        now,
        actor,
        "cycle.file",
        "cycle",
        month.to_string(),
        json!({ "programme": programme.code(), "batch": batch, "lines": lines, "total": total,
                "file": file, "sha256": sha256 }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What importing a confirmation file did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConfirmReport {
    pub accepted: usize,
    pub rejected: usize,
    /// Rejected months whose contribution went back to the donor's credit in this import.
    pub refunded: usize,
    /// Lines naming no funded worker-month of that month: (line, NIK or text, why).
    pub unknown: Vec<(usize, String, String)>,
}

/// Imports the insurer's confirmation for one month and programme (see `crate::insurer` for
/// the format). Accepted workers get their KPJ; a rejected month's contribution comes back to
/// the donor's credit (transfer keyed by worker, month and programme) and stops counting as
/// protection. Importing the same file again changes nothing.
pub async fn import_confirmation(
    db: &Db,
    month: Month,
    programme: &str,
    text: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<ConfirmReport> {
    let mut report = ConfirmReport::default();
    let jkm = programme == "JKM";
    // Lines are written in transactions of CONFIRM_BATCH lines, each ending with one audit
    // entry for its lines' counts: a crash loses no entry for what committed, and a re-import
    // (every line is keyed) changes nothing but appends its own entries.
    let mut open: Option<(Tx, BatchCounts)> = None;
    for row in confirmation::lines(text) {
        let confirmation::Line {
            line,
            nik,
            verdict,
            kpj,
            reason,
        } = match row {
            Ok(l) => l,
            Err(bad) => {
                report.unknown.push((bad.line, bad.nik, bad.why));
                continue;
            }
        };
        let status = verdict.code();
        if open.is_none() {
            open = Some((db.begin_write().await?, BatchCounts::default()));
        }
        let Some((tx, batch)) = open.as_mut() else {
            unreachable!("opened above")
        };
        let index = super::sealed::nik_index(tx.keys(), &nik);
        let found: Option<(i64, i64, i64, i64, i64)> = on_tx!(tx, |c| {
            sqlx::query_as(
            "SELECT m.worker_id, m.donation_id, COALESCE(r.jkk, m.jkk), COALESCE(r.jkm, m.jkm), d.donor_id
             FROM worker_months m
             JOIN workers w ON w.id = m.worker_id JOIN donations d ON d.id = m.donation_id
             LEFT JOIN repriced_months r ON r.worker_id = m.worker_id AND r.month = m.month
             WHERE w.nik_index = $1 AND m.month = $2 AND d.status = 'funded'"
        )
        .bind(&index)
        .bind(month.yyyymm())
        .fetch_optional(c)
        .await
        })?;
        let Some((worker, donation, c_jkk, c_jkm, donor)) = found else {
            report.unknown.push((
                line,
                nik,
                "no funded worker-month for this NIK in that month".into(),
            ));
            batch.unknown += 1;
            continue;
        };
        let amount = if jkm { c_jkm } else { c_jkk };
        on_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO confirmations (month, programme, worker_id, donation_id, status, kpj,
                   reason, amount, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (month, programme, worker_id) DO NOTHING",
            )
            .bind(month.yyyymm())
            .bind(programme)
            .bind(worker)
            .bind(donation)
            .bind(status)
            .bind(&kpj)
            .bind(&reason)
            .bind(amount)
            .bind(now)
            .execute(c)
            .await
            .map(|_| ())
        })?;
        let mut refunded = false;
        if let (confirmation::Verdict::Accepted, Some(kpj)) = (verdict, &kpj) {
            on_tx!(tx, |c| sqlx::query(
                "UPDATE workers SET kpj = $1 WHERE id = $2"
            )
            .bind(kpj)
            .bind(worker)
            .execute(c)
            .await
            .map(|_| ()))?;
        } else if verdict == confirmation::Verdict::Rejected && amount > 0 {
            let back = Transfer {
                id: TransferKey::Rejected {
                    worker,
                    month,
                    programme: if jkm { Programme::Jkm } else { Programme::Jkk },
                }
                .id(),
                debit: Account::Remitted,
                credit: Account::DonorCredit(donor),
                amount,
                phase: Phase::Single,
                linked: false,
            };
            let r = ledger::apply_transfers(tx, &[back], actor, now).await?;
            refunded = matches!(r.first(), Some(Ok(())));
        }
        match verdict {
            confirmation::Verdict::Accepted => (report.accepted += 1, batch.accepted += 1),
            confirmation::Verdict::Rejected => (report.rejected += 1, batch.rejected += 1),
        };
        if refunded {
            report.refunded += 1;
            batch.refunded += 1;
        }
        if batch.accepted + batch.rejected >= CONFIRM_BATCH {
            if let Some((tx, batch)) = open.take() {
                close_confirm_batch(tx, &batch, month, programme, actor, now).await?;
            }
        }
    }
    if let Some((tx, batch)) = open.take() {
        close_confirm_batch(tx, &batch, month, programme, actor, now).await?;
    }
    Ok(report)
}

/// Confirmation lines written per transaction.
const CONFIRM_BATCH: usize = 500;

/// What one transaction of confirmation lines did, for its audit entry.
#[derive(Default)]
struct BatchCounts {
    accepted: usize,
    rejected: usize,
    refunded: usize,
    unknown: usize,
}

/// Ends one batch of confirmation lines: its audit entry (the trail's head last), then the
/// commit.
async fn close_confirm_batch(
    mut tx: Tx,
    batch: &BatchCounts,
    month: Month,
    programme: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    audit::record(
        &mut tx,
        now,
        actor,
        "cycle.confirmations",
        "cycle",
        month.to_string(),
        json!({ "programme": programme, "accepted": batch.accepted, "rejected": batch.rejected,
                "refunded": batch.refunded, "unknown": batch.unknown }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
