//! The monthly cycle (issue 4), first steps: for a month, every funded worker-month's
//! contribution moves from its donation's escrow to the JKK and JKM payables, one remittance
//! file per programme is written (streamed: one row in memory at a time), and each
//! programme's total is paid to BPJS Ketenagakerjaan. Every ledger transfer's id is made from
//! (donation, month) or (month, programme), so running the cycle again posts nothing new, and
//! a run killed half-way finishes exactly the rest.

use super::ledger::LedgerTx;
use super::{BeginWrite, Db};
use crate::on_db;
use chrono::Utc;
use futures_util::TryStreamExt;
use lingkaran_domain::ledger::{transfer_id, Account, Phase, Purpose, Refusal, Transfer};
use lingkaran_domain::rates::Month;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Donations moved to the payables per transaction; `LINGKARAN_CYCLE_BATCH` changes it (the
/// kill-and-rerun test makes it small, to have many commits to interrupt).
fn donations_per_batch() -> usize {
    std::env::var("LINGKARAN_CYCLE_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n: &usize| *n > 0)
        .unwrap_or(500)
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CycleReport {
    pub month: String,
    pub donations: usize,
    /// Transfers this run posted (0 when the month was already done).
    pub posted: usize,
    pub jkk: i64,
    pub jkm: i64,
    pub files: Vec<(String, PathBuf, i64)>,
}

/// The id of a per-donation, per-month transfer: the donation in the high bits, the month
/// (yyyymm, under 2^20) in the low 20.
fn donation_month(donation_id: i64, month: Month) -> i64 {
    (donation_id << 20) | month.yyyymm()
}

pub async fn run(db: &Db, month: Month, dir: &Path) -> anyhow::Result<CycleReport> {
    let mut report = CycleReport {
        month: month.to_string(),
        ..CycleReport::default()
    };
    // 1. Escrow → payables, per donation.
    let sums: Vec<(i64, i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT m.donation_id, CAST(SUM(m.jkk) AS BIGINT), CAST(SUM(m.jkm) AS BIGINT)
         FROM worker_months m JOIN donations d ON d.id = m.donation_id
         WHERE m.month = $1 AND d.status = 'funded'
         GROUP BY m.donation_id ORDER BY m.donation_id"
    )
    .bind(month.yyyymm())
    .fetch_all(pool)
    .await)?;
    report.donations = sums.len();
    for chunk in sums.chunks(donations_per_batch()) {
        let mut batch = Vec::with_capacity(chunk.len() * 2);
        for (donation, jkk, jkm) in chunk {
            report.jkk += jkk;
            report.jkm += jkm;
            let key = donation_month(*donation, month);
            if *jkk > 0 {
                batch.push(Transfer {
                    id: transfer_id(Purpose::RemitJkk, key),
                    debit: Account::Escrow(*donation),
                    credit: Account::PayableJkk,
                    amount: *jkk,
                    phase: Phase::Single,
                    linked: false,
                });
            }
            if *jkm > 0 {
                batch.push(Transfer {
                    id: transfer_id(Purpose::RemitJkm, key),
                    debit: Account::Escrow(*donation),
                    credit: Account::PayableJkm,
                    amount: *jkm,
                    phase: Phase::Single,
                    linked: false,
                });
            }
        }
        report.posted += apply(db, &batch).await?;
    }
    // 2. One remittance file per programme, then 3. its total paid to BPJS.
    for (programme, payable, code) in [
        ("JKK", Account::PayableJkk, 1i64),
        ("JKM", Account::PayableJkm, 2i64),
    ] {
        let (path, lines, total) = write_file(db, month, programme, dir).await?;
        report
            .files
            .push((programme.to_string(), path.clone(), lines));
        if total > 0 {
            report.posted += apply(
                db,
                &[Transfer {
                    id: transfer_id(Purpose::PayBpjs, month.yyyymm() * 10 + code),
                    debit: payable,
                    credit: Account::Remitted,
                    amount: total,
                    phase: Phase::Single,
                    linked: false,
                }],
            )
            .await?;
        }
    }
    Ok(report)
}

/// Applies a batch in its own transaction; returns how many transfers were new. A transfer
/// already posted (a re-run) is fine; any other refusal is an error.
async fn apply(db: &Db, batch: &[Transfer]) -> anyhow::Result<usize> {
    let results = on_db!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let r = tx.apply_transfers(batch).await?;
        tx.commit().await?;
        Ok::<_, anyhow::Error>(r)
    })?;
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

/// Writes `remit-YYYY-MM-<programme>.csv`: a header, one line per funded worker-month
/// (NIK, name, declared income, the programme's contribution, donor and donation reference),
/// and a totals line. Streamed from the store; written to a temporary file and renamed, so a
/// file that exists is whole. Returns (path, lines, total).
async fn write_file(
    db: &Db,
    month: Month,
    programme: &str,
    dir: &Path,
) -> anyhow::Result<(PathBuf, i64, i64)> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("remit-{month}-{programme}.csv"));
    let tmp = dir.join(format!(".remit-{month}-{programme}.csv.tmp"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    writeln!(
        out,
        "nik,nama,upah,{},donatur,donasi",
        programme.to_lowercase()
    )?;
    let amount = if programme == "JKK" { "m.jkk" } else { "m.jkm" };
    let sql = format!(
        "SELECT w.nik, w.full_name, w.income, {amount}, o.name, d.id
         FROM worker_months m JOIN donations d ON d.id = m.donation_id
         JOIN workers w ON w.id = m.worker_id JOIN donors o ON o.id = d.donor_id
         WHERE m.month = $1 AND d.status = 'funded' ORDER BY w.nik"
    );
    let (mut lines, mut total) = (0i64, 0i64);
    on_db!(db, |pool| {
        let mut rows = sqlx::query_as::<_, (String, String, i64, i64, String, i64)>(&sql)
            .bind(month.yyyymm())
            .fetch(pool);
        while let Some((nik, name, income, contribution, donor, donation)) = rows.try_next().await?
        {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            w.write_record([
                nik,
                name,
                income.to_string(),
                contribution.to_string(),
                donor,
                format!("DON-{donation}"),
            ])?;
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
            lines += 1;
            total += contribution;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    writeln!(out, "TOTAL,{lines},,{total},,")?;
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &path)?;
    let sha = hex::encode(Sha256::digest(std::fs::read(&path)?));
    let now = Utc::now();
    let file = path.display().to_string();
    on_db!(db, |pool| {
        sqlx::query(
        "INSERT INTO remittances (month, programme, lines, total, file, sha256, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (month, programme) DO UPDATE SET lines = $3, total = $4, file = $5, sha256 = $6"
    )
    .bind(month.yyyymm())
    .bind(programme)
    .bind(lines)
    .bind(total)
    .bind(&file)
    .bind(&sha)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ())
    })?;
    Ok((path, lines, total))
}
