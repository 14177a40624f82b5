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
pub(crate) fn donation_month(donation_id: i64, yyyymm: i64) -> i64 {
    (donation_id << 20) | yyyymm
}

pub async fn run(db: &Db, month: Month, dir: &Path) -> anyhow::Result<CycleReport> {
    let mut report = CycleReport {
        month: month.to_string(),
        ..CycleReport::default()
    };
    // 1. Escrow → payables, per donation.
    let sums: Vec<(i64, i64, i64)> = on_db!(db, |pool| {
        let mut conn = pool.acquire().await?;
        // The grouping sorts the month's rows: on SQLite in temporary files, not in memory
        // (see `write_file`).
        let sqlite = db.kind() == "sqlite";
        if sqlite {
            sqlx::query("PRAGMA temp_store = FILE")
                .execute(&mut *conn)
                .await?;
        }
        let sums = sqlx::query_as(
            "SELECT m.donation_id, CAST(SUM(m.jkk) AS BIGINT), CAST(SUM(m.jkm) AS BIGINT)
             FROM worker_months m JOIN donations d ON d.id = m.donation_id
             WHERE m.month = $1 AND d.status = 'funded'
             GROUP BY m.donation_id ORDER BY m.donation_id",
        )
        .bind(month.yyyymm())
        .fetch_all(&mut *conn)
        .await?;
        if sqlite {
            sqlx::query("PRAGMA temp_store = MEMORY")
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, anyhow::Error>(sums)
    })?;
    report.donations = sums.len();
    for chunk in sums.chunks(donations_per_batch()) {
        let mut batch = Vec::with_capacity(chunk.len() * 2);
        for (donation, jkk, jkm) in chunk {
            report.jkk += jkk;
            report.jkm += jkm;
            let key = donation_month(*donation, month.yyyymm());
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
/// and a totals line. Streamed from the store: each row's fields are borrowed from the row
/// and go through one CSV writer into a buffered file, so memory stays bounded whatever the
/// month's size; the SHA-256 is taken of the bytes as they are written, not by reading the
/// file back. Written to a temporary file and renamed, so a file that exists is whole.
/// Returns (path, lines, total).
async fn write_file(
    db: &Db,
    month: Month,
    programme: &str,
    dir: &Path,
) -> anyhow::Result<(PathBuf, i64, i64)> {
    /// A writer that hashes every byte it passes on.
    struct Hashing<W> {
        inner: W,
        sha: Sha256,
    }
    impl<W: Write> Write for Hashing<W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.inner.write(buf)?;
            self.sha.update(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }

    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("remit-{month}-{programme}.csv"));
    let tmp = dir.join(format!(".remit-{month}-{programme}.csv.tmp"));
    let file = Hashing {
        inner: std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?),
        sha: Sha256::new(),
    };
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .buffer_capacity(1 << 16)
        .from_writer(file);
    out.write_record([
        "nik",
        "nama",
        "upah",
        &programme.to_lowercase(),
        "donatur",
        "donasi",
    ])?;
    let amount = if programme == "JKK" { "m.jkk" } else { "m.jkm" };
    let sql = format!(
        "SELECT w.nik, w.full_name, w.income, {amount}, o.name, d.id
         FROM worker_months m JOIN donations d ON d.id = m.donation_id
         JOIN workers w ON w.id = m.worker_id JOIN donors o ON o.id = d.donor_id
         WHERE m.month = $1 AND d.status = 'funded' ORDER BY w.nik"
    );
    let (mut lines, mut total) = (0i64, 0i64);
    // Numbers are formatted into this one buffer, reused for every field.
    let mut num: Vec<u8> = Vec::with_capacity(32);
    on_db!(db, |pool| {
        use sqlx::Row;
        let mut conn = pool.acquire().await?;
        // `ORDER BY nik` sorts the month's rows. SQLite sorts in the process, and with the
        // pool's `temp_store = memory` (set for imports) its spill files are in memory too,
        // so the sort would hold the whole month; on this connection they go to temporary
        // files for the query, and the setting is put back after. PostgreSQL's sort spills
        // to disk beyond `work_mem` by itself.
        let sqlite = db.kind() == "sqlite";
        if sqlite {
            sqlx::query("PRAGMA temp_store = FILE")
                .execute(&mut *conn)
                .await?;
        }
        let mut rows = sqlx::query(&sql).bind(month.yyyymm()).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let contribution: i64 = row.try_get(3)?;
            out.write_field(row.try_get::<&str, _>(0)?)?;
            out.write_field(row.try_get::<&str, _>(1)?)?;
            num.clear();
            write!(num, "{}", row.try_get::<i64, _>(2)?)?;
            out.write_field(&num)?;
            num.clear();
            write!(num, "{contribution}")?;
            out.write_field(&num)?;
            out.write_field(row.try_get::<&str, _>(4)?)?;
            num.clear();
            write!(num, "DON-{}", row.try_get::<i64, _>(5)?)?;
            out.write_field(&num)?;
            out.write_record(None::<&[u8]>)?;
            lines += 1;
            total += contribution;
        }
        drop(rows);
        if sqlite {
            sqlx::query("PRAGMA temp_store = MEMORY")
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    out.write_record(["TOTAL", &lines.to_string(), "", &total.to_string(), "", ""])?;
    let mut file = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    file.flush()?;
    let sha = hex::encode(file.sha.finalize());
    file.inner
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::rename(&tmp, &path)?;
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
) -> anyhow::Result<ConfirmReport> {
    let mut report = ConfirmReport::default();
    let jkm = programme == "JKM";
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                report.unknown.push((line, String::new(), e.to_string()));
                continue;
            }
        };
        let field = |k: usize| row.get(k).unwrap_or("").trim().to_string();
        let (nik, status, kpj, reason) = (field(0), field(1), field(2), field(3));
        let status = match status.as_str() {
            "diterima" | "accepted" => "accepted",
            "ditolak" | "rejected" => "rejected",
            other => {
                report.unknown.push((
                    line,
                    nik,
                    format!("status \"{other}\" is neither diterima nor ditolak"),
                ));
                continue;
            }
        };
        let found: Option<(i64, i64, i64, i64, i64)> = on_db!(db, |pool| sqlx::query_as(
            "SELECT m.worker_id, m.donation_id, m.jkk, m.jkm, d.donor_id FROM worker_months m
             JOIN workers w ON w.id = m.worker_id JOIN donations d ON d.id = m.donation_id
             WHERE w.nik = $1 AND m.month = $2 AND d.status = 'funded'"
        )
        .bind(&nik)
        .bind(month.yyyymm())
        .fetch_optional(pool)
        .await)?;
        let Some((worker, donation, c_jkk, c_jkm, donor)) = found else {
            report.unknown.push((
                line,
                nik,
                "no funded worker-month for this NIK in that month".into(),
            ));
            continue;
        };
        let amount = if jkm { c_jkm } else { c_jkk };
        let now = Utc::now();
        let refunded = on_db!(db, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO confirmations (month, programme, worker_id, donation_id, status, kpj, reason, amount, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (month, programme, worker_id) DO NOTHING",
            )
            .bind(month.yyyymm())
            .bind(programme)
            .bind(worker)
            .bind(donation)
            .bind(status)
            .bind((!kpj.is_empty()).then_some(&kpj))
            .bind((!reason.is_empty()).then_some(&reason))
            .bind(amount)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let mut refunded = false;
            if status == "accepted" && !kpj.is_empty() {
                sqlx::query("UPDATE workers SET kpj = $1 WHERE id = $2")
                    .bind(&kpj)
                    .bind(worker)
                    .execute(&mut *tx)
                    .await?;
            } else if status == "rejected" && amount > 0 {
                let key = ((worker << 20) | month.yyyymm()) * 2 + i64::from(jkm);
                let r = tx
                    .apply_transfers(&[Transfer {
                        id: transfer_id(Purpose::Rejected, key),
                        debit: Account::Remitted,
                        credit: Account::DonorCredit(donor),
                        amount,
                        phase: Phase::Single,
                        linked: false,
                    }])
                    .await?;
                refunded = matches!(r.first(), Some(Ok(())));
            }
            tx.commit().await?;
            Ok::<_, anyhow::Error>(refunded)
        })?;
        match status {
            "accepted" => report.accepted += 1,
            _ => report.rejected += 1,
        }
        if refunded {
            report.refunded += 1;
        }
    }
    Ok(report)
}
