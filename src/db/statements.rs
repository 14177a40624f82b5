//! Bank statements: each credit line is matched to an invoice by its virtual-account number
//! or invoice number, booked as a payment (or recognised as money a callback already
//! booked), or left in the officers' "unmatched" queue with the reason.
//!
//! Reading the same file again is safe: the statement is known by its SHA-256, its lines by
//! (statement, line number), and each line's payment by a fingerprint of the line, so a
//! second upload (or an upload after a crash half-way) books only what was not booked.

use super::payments::{self, NewPayment, Source, Target};
use super::Db;
use crate::on_db;
use crate::payments::statement::{self, StatementLine};
use chrono::{DateTime, Utc};
use lingkaran_domain::message::Problem;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub statement_id: i64,
    pub format: String,
    /// The file was uploaded before; this report is of what it holds now.
    pub again: bool,
    pub lines: usize,
    pub matched: usize,
    pub reconciled: usize,
    pub unmatched: usize,
    pub skipped_debits: usize,
    pub errors: Vec<(usize, Problem)>,
}

#[derive(Debug, Clone, FromRow)]
pub struct LineRow {
    pub id: i64,
    pub statement_id: i64,
    pub filename: String,
    pub line_no: i64,
    pub booked_on: String,
    pub amount: i64,
    pub reference: Option<String>,
    pub description: String,
    pub va_number: Option<String>,
    pub status: String,
    pub payment_id: Option<i64>,
    pub reason: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

const SELECT_LINE: &str =
    "SELECT l.id, l.statement_id, s.filename, l.line_no, l.booked_on, l.amount, l.reference,
    l.description, l.va_number, l.status, l.payment_id, l.reason, l.resolved_at
    FROM statement_lines l JOIN bank_statements s ON s.id = l.statement_id";

/// The payment reference of a bank line: the bank's own reference where it gave one,
/// otherwise a fingerprint of the day, amount and description.
pub fn fingerprint(
    booked_on: &str,
    amount: i64,
    reference: Option<&str>,
    description: &str,
) -> String {
    match reference.filter(|r| !r.trim().is_empty()) {
        Some(r) => format!("bank:{booked_on}:{amount}:{}", r.trim()),
        None => {
            let h = Sha256::digest(format!("{booked_on}\n{amount}\n{}", description.trim()));
            format!("bank:{booked_on}:{amount}:{}", hex::encode(&h[..12]))
        }
    }
}

/// `INV-2026-000123` anywhere in a text.
fn invoice_number_in(text: &str) -> Option<String> {
    let upper = text.to_uppercase();
    let bytes = upper.as_bytes();
    let mut i = 0;
    while let Some(pos) = upper[i..].find("INV-") {
        let s = i + pos;
        let rest = &bytes[s + 4..];
        let ok = rest.len() >= 11
            && rest[..4].iter().all(u8::is_ascii_digit)
            && rest[4] == b'-'
            && rest[5..11].iter().all(u8::is_ascii_digit);
        if ok {
            let mut end = s + 15;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            return Some(upper[s..end].to_string());
        }
        i = s + 4;
    }
    None
}

/// Every run of 10 to 20 digits in a text: the candidates for a virtual-account number. A
/// bank's own reference (`FT2611250001`) or an account number may be among them, so each is
/// tried against the numbers actually issued.
fn digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|r| (10..=20).contains(&r.len()))
        .map(str::to_string)
        .collect()
}

/// Which invoice a line names: by a VA number we issued, then by an invoice number in its
/// reference or description.
async fn invoice_for(db: &Db, l: &StatementLine) -> sqlx::Result<Option<(Target, i64)>> {
    let text = format!("{} {}", l.reference.as_deref().unwrap_or(""), l.description);
    let mut vas: Vec<String> = l.va_number.iter().cloned().collect();
    for r in digit_runs(&text) {
        if !vas.contains(&r) {
            vas.push(r);
        }
    }
    for va in vas {
        let id: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
            "SELECT id FROM invoices WHERE va_number = $1"
        )
        .bind(&va)
        .fetch_optional(pool)
        .await)?;
        if let Some(id) = id {
            return Ok(Some((Target::Va(va), id)));
        }
    }
    if let Some(num) = invoice_number_in(&text) {
        let id: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
            "SELECT id FROM invoices WHERE number = $1"
        )
        .bind(&num)
        .fetch_optional(pool)
        .await)?;
        if let Some(id) = id {
            return Ok(Some((Target::InvoiceNumber(num), id)));
        }
    }
    Ok(None)
}

/// Reads a statement file, books what it can, queues the rest. `Err` when the file as a
/// whole cannot be read (nothing stored).
pub async fn import(
    db: &Db,
    filename: &str,
    bytes: &[u8],
    by: i64,
) -> anyhow::Result<Result<Report, Problem>> {
    let parsed = match statement::parse(filename, bytes) {
        Ok(p) => p,
        Err(p) => return Ok(Err(p)),
    };
    let format = parsed
        .format
        .unwrap_or_else(|| statement::Format::detect(filename, bytes))
        .code()
        .to_string();
    let sha = hex::encode(Sha256::digest(bytes));
    let now = Utc::now();
    let inserted: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar(
        "INSERT INTO bank_statements (sha256, filename, format, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING RETURNING id"
    )
    .bind(&sha)
    .bind(filename)
    .bind(&format)
    .bind(by)
    .bind(now)
    .fetch_optional(pool)
    .await
    })?;
    let (statement_id, again) = match inserted {
        Some(id) => (id, false),
        None => (
            on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
                "SELECT id FROM bank_statements WHERE sha256 = $1"
            )
            .bind(&sha)
            .fetch_one(pool)
            .await)?,
            true,
        ),
    };
    let done: Vec<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT line_no FROM statement_lines WHERE statement_id = $1"
    )
    .bind(statement_id)
    .fetch_all(pool)
    .await)?;
    let done: std::collections::HashSet<i64> = done.into_iter().collect();
    for l in &parsed.lines {
        let line_no = l.line_no as i64;
        if done.contains(&line_no) {
            continue;
        }
        let booked_on = l.booked_on.format("%Y-%m-%d").to_string();
        let (status, payment_id, reason) = match invoice_for(db, l).await? {
            None => (
                "unmatched",
                None,
                Some("Tidak ada nomor virtual account atau nomor tagihan yang dikenal. / No known virtual-account or invoice number.".to_string()),
            ),
            Some((target, invoice_id)) => {
                // Money a callback already booked shows up on the statement too: recognise
                // it rather than count it twice.
                let callback: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
                    "SELECT p.id FROM payments p WHERE p.invoice_id = $1 AND p.amount = $2 AND p.source = 'callback'
                       AND NOT EXISTS (SELECT 1 FROM statement_lines s WHERE s.payment_id = p.id)
                     ORDER BY p.id LIMIT 1"
                )
                .bind(invoice_id)
                .bind(l.amount)
                .fetch_optional(pool)
                .await)?;
                if let Some(pid) = callback {
                    ("reconciled", Some(pid), None)
                } else {
                    let booked = payments::book(
                        db,
                        &NewPayment {
                            source: Source::Statement,
                            reference: fingerprint(&booked_on, l.amount, l.reference.as_deref(), &l.description),
                            target,
                            amount: l.amount,
                            paid_on: l.booked_on,
                            channel: Some(format!("statement:{format}")),
                            evidence_name: None,
                            evidence: None,
                            recorded_by: Some(by),
                            note: Some(l.description.clone()),
                        },
                    )
                    .await?;
                    match booked {
                        Ok(b) if b.new => ("matched", Some(b.payment_id), None),
                        Ok(b) => ("reconciled", Some(b.payment_id), None),
                        Err(p) => ("unmatched", None, Some(format!("{} / {}", p.id, p.en))),
                    }
                }
            }
        };
        on_db!(db, |pool| {
            sqlx::query(
            "INSERT INTO statement_lines (statement_id, line_no, booked_on, amount, reference, description, va_number,
               status, payment_id, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (statement_id, line_no) DO NOTHING"
        )
        .bind(statement_id)
        .bind(line_no)
        .bind(&booked_on)
        .bind(l.amount)
        .bind(&l.reference)
        .bind(&l.description)
        .bind(&l.va_number)
        .bind(status)
        .bind(payment_id)
        .bind(&reason)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    let counts: Vec<(String, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT status, CAST(COUNT(*) AS BIGINT) FROM statement_lines WHERE statement_id = $1 GROUP BY status"
    )
    .bind(statement_id)
    .fetch_all(pool)
    .await
    })?;
    let count = |s: &str| {
        counts
            .iter()
            .filter(|(k, _)| k == s)
            .map(|(_, n)| *n as usize)
            .sum::<usize>()
    };
    Ok(Ok(Report {
        statement_id,
        format,
        again,
        lines: parsed.lines.len(),
        matched: count("matched") + count("resolved"),
        reconciled: count("reconciled"),
        unmatched: count("unmatched"),
        skipped_debits: parsed.skipped_debits,
        errors: parsed.errors,
    }))
}

/// The officers' queue: lines that matched nothing, oldest first.
pub async fn unmatched(db: &Db, limit: i64) -> sqlx::Result<Vec<LineRow>> {
    let sql = format!("{SELECT_LINE} WHERE l.status = 'unmatched' ORDER BY l.id LIMIT $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(limit)
        .fetch_all(pool)
        .await)
}

pub async fn lines_of(db: &Db, statement_id: i64) -> sqlx::Result<Vec<LineRow>> {
    let sql = format!("{SELECT_LINE} WHERE l.statement_id = $1 ORDER BY l.line_no");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(statement_id)
        .fetch_all(pool)
        .await)
}

pub async fn line(db: &Db, id: i64) -> sqlx::Result<Option<LineRow>> {
    let sql = format!("{SELECT_LINE} WHERE l.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// What an officer decides about an unmatched line.
pub enum Decision {
    /// It pays this invoice (by number) or this donor's credit.
    Assign(Target),
    /// It is not a donation (bank interest, a transfer between our own accounts).
    Ignore,
}

/// Settles an unmatched line: books it as the officer says, or sets it aside. Only a line
/// still unmatched can be decided; deciding twice changes nothing.
pub async fn resolve(
    db: &Db,
    id: i64,
    decision: Decision,
    note: &str,
    by: i64,
) -> anyhow::Result<Result<LineRow, Problem>> {
    let Some(l) = line(db, id).await? else {
        return Ok(Err(Problem::new(
            "not_found",
            "Baris mutasi tidak ditemukan.",
            "Statement line not found.",
        )));
    };
    if l.status != "unmatched" {
        return Ok(Err(Problem::new(
            "already_decided",
            format!("Baris ini sudah diputuskan ({}).", l.status),
            format!("This line is already decided ({}).", l.status),
        )));
    }
    let (status, payment_id) = match decision {
        Decision::Ignore => ("ignored", None),
        Decision::Assign(target) => {
            let paid_on = chrono::NaiveDate::parse_from_str(&l.booked_on, "%Y-%m-%d")?;
            let booked = payments::book(
                db,
                &NewPayment {
                    source: Source::Statement,
                    reference: fingerprint(
                        &l.booked_on,
                        l.amount,
                        l.reference.as_deref(),
                        &l.description,
                    ),
                    target,
                    amount: l.amount,
                    paid_on,
                    channel: Some("statement:resolved".into()),
                    evidence_name: None,
                    evidence: None,
                    recorded_by: Some(by),
                    note: Some(note.to_string()),
                },
            )
            .await?;
            match booked {
                Ok(b) => ("resolved", Some(b.payment_id)),
                Err(p) => return Ok(Err(p)),
            }
        }
    };
    let now = Utc::now();
    on_db!(db, |pool| {
        sqlx::query(
        "UPDATE statement_lines SET status = $1, payment_id = $2, reason = $3, resolved_by = $4, resolved_at = $5
         WHERE id = $6 AND status = 'unmatched'"
    )
    .bind(status)
    .bind(payment_id)
    .bind(note)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(line(db, id).await?.ok_or_else(|| {
        Problem::new(
            "not_found",
            "Baris mutasi tidak ditemukan.",
            "Statement line not found.",
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_invoice_number_in_a_description() {
        assert_eq!(
            invoice_number_in("TRF dr PT SEMEN utk inv-2026-000012 donasi").as_deref(),
            Some("INV-2026-000012")
        );
        assert_eq!(invoice_number_in("INV-26-12 bukan"), None);
        assert_eq!(invoice_number_in(""), None);
    }

    #[test]
    fn every_long_digit_run_is_a_va_candidate() {
        assert_eq!(
            digit_runs("FT2611250001 TRF VA 8890800000000012/081234567890"),
            vec!["2611250001", "8890800000000012", "081234567890"]
        );
        assert!(digit_runs("RT 005 RW 002").is_empty());
    }

    #[test]
    fn a_line_without_a_bank_reference_is_known_by_its_content() {
        let a = fingerprint("2026-11-25", 100_800, None, "SETORAN TUNAI");
        assert_eq!(
            a,
            fingerprint("2026-11-25", 100_800, Some(" "), "SETORAN TUNAI ")
        );
        assert_ne!(a, fingerprint("2026-11-25", 100_801, None, "SETORAN TUNAI"));
        assert_eq!(
            fingerprint("2026-11-25", 5, Some("FT123"), "x"),
            "bank:2026-11-25:5:FT123"
        );
    }
}
