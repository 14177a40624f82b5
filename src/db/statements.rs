//! Bank statements: each credit line is matched to an invoice by its virtual-account number
//! or invoice number, booked as a payment (or recognised as money a callback already
//! booked), or left in the officers' "unmatched" queue with the reason.
//!
//! **A transfer is booked once, whichever file or format brings it.** A bank credit is known
//! by (account, value date, amount, bank key): the bank's own reference of the transfer
//! (MT940 `:61:` after `//`, a CSV's reference column) or, when the line has none, the weaker
//! hash of its description with the number of identical lines before it in the file
//! ([`statement::keys`]). The first line that brings a credit claims it in `bank_credits`
//! (a unique key), in the same transaction that books it or queues it; any later line with
//! the same identity, from the CSV export, the MT940 export or an overlapping statement, is a
//! `duplicate` and books nothing.
//!
//! **An invoice is never paid past its amount automatically**: a line that would pay an
//! invoice already paid, or more than what is still due, waits in the queue with the reason.
//! An officer may book it there ([`resolve`]) only after confirming whose credit the excess
//! becomes.
//!
//! Reading the same file again is safe: the statement is known by its SHA-256 and its lines
//! by (statement, line number), so a second upload (or an upload after a crash half-way)
//! processes only what was not processed, and answers with the same report: the notices
//! about the file as a whole (gaps and balances between MT940 statements, the account
//! assumed, amounts read as whole rupiah) are kept with it.

use super::audit::{self, Actor};
use super::payments::{self, BookRefusal, NewPayment, Overpayment, Source, Target};
use super::{sealed, Db, Tx};
use crate::payments::statement::{self, StatementInfo, StatementLine};
use crate::privacy::{Keyring, Kind};
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use lingkaran_domain::format::rupiah;
use lingkaran_domain::message::Problem;
use lingkaran_domain::payment::StatementLineStatus::{
    self, Duplicate, Ignored, Matched, Reconciled, Resolved, Unmatched,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub statement_id: i64,
    pub format: String,
    /// The file was uploaded before; this report is of what it holds now.
    pub again: bool,
    /// The account its lines without one were counted under, if any.
    pub account: Option<String>,
    pub lines: usize,
    pub matched: usize,
    pub reconciled: usize,
    pub unmatched: usize,
    /// Lines whose bank credit an earlier line (of any file) already brought.
    pub duplicates: usize,
    pub skipped_debits: usize,
    pub errors: Vec<(usize, Problem)>,
    /// About the file as a whole: gaps, overlaps and balances between statements, the account
    /// assumed, amounts read as whole rupiah.
    pub notices: Vec<Problem>,
}

#[derive(Debug, Clone, FromRow)]
pub struct LineRow {
    pub id: i64,
    pub statement_id: i64,
    pub filename: String,
    pub line_no: i64,
    pub booked_on: String,
    pub amount: i64,
    /// The line's reference and description as the bank wrote them, opened: free text a
    /// donor typed, so it may carry a NIK or a phone, and is sealed at rest (`db::sealed`).
    #[sqlx(skip)]
    pub reference: Option<String>,
    #[sqlx(skip)]
    pub description: String,
    #[sqlx(rename = "reference")]
    sealed_reference: Option<Vec<u8>>,
    #[sqlx(rename = "description")]
    sealed_description: Vec<u8>,
    pub va_number: Option<String>,
    pub status: String,
    pub payment_id: Option<i64>,
    pub reason: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub account: Option<String>,
    pub value_date: Option<String>,
    pub bank_reference: Option<String>,
    pub credit_id: Option<i64>,
}

impl LineRow {
    /// Opens the sealed reference and description read from the store.
    fn opened(mut self, keys: &Keyring) -> sqlx::Result<LineRow> {
        self.reference = sealed::open_opt(keys, Kind::Text, self.sealed_reference.as_deref())?;
        self.description = sealed::open(keys, Kind::Text, &self.sealed_description)?;
        self.sealed_reference = None;
        self.sealed_description = Vec::new();
        Ok(self)
    }

    /// The line's status as the domain's enum (`None` only for a word the schema forbids).
    pub fn line_status(&self) -> Option<StatementLineStatus> {
        StatementLineStatus::parse(&self.status)
    }
}

const SELECT_LINE: &str =
    "SELECT l.id, l.statement_id, s.filename, l.line_no, l.booked_on, l.amount, l.reference,
    l.description, l.va_number, l.status, l.payment_id, l.reason, l.resolved_at,
    l.account, l.value_date, l.bank_reference, l.credit_id
    FROM statement_lines l JOIN bank_statements s ON s.id = l.statement_id";

/// The payment reference of a line read before bank credits had an identity (migration
/// 0009): the bank's reference where it gave one, otherwise a fingerprint of the day, amount
/// and description.
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

/// The payment reference of a bank credit: its identity.
fn credit_reference(account: &str, value_date: &str, amount: i64, key: &str) -> String {
    format!("bank:{account}:{value_date}:{amount}:{key}")
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

/// A problem said once, in both languages.
fn say(code: &'static str, id: String, en: String) -> Problem {
    Problem::new(code, id, en)
}

/// The codes a stored notice may carry (a `Problem`'s code is `'static`).
const NOTICE_CODES: [&str; 6] = [
    "amounts_whole_rupiah",
    "account_assumed",
    "statement_missing",
    "statement_again",
    "balance_discontinuity",
    "no_sequence",
];

/// Which account the lines that name none are counted under: the officer's, else the file's
/// only account, else the only account Lingkaran knows (said in a notice). `Err` when the
/// file and the officer disagree, or nobody says.
async fn choose_account(
    db: &Db,
    parsed: &statement::Parsed,
    given: Option<&str>,
) -> anyhow::Result<Result<(Option<String>, Option<Problem>), Problem>> {
    let given = match given.map(str::trim).filter(|g| !g.is_empty()) {
        None => None,
        Some(raw) => match statement::normalise_account(raw) {
            Some(a) => Some(a),
            None => {
                return Ok(Err(Problem::new(
                    "bad_account",
                    format!("Nomor rekening \"{raw}\" tidak terbaca; tulis angkanya saja, misalnya 1230004567890."),
                    format!("Account number \"{raw}\" cannot be read; write its digits only, such as 1230004567890."),
                )))
            }
        },
    };
    let mut in_file: Vec<String> = parsed
        .lines
        .iter()
        .filter_map(|l| l.account.clone())
        .chain(parsed.statements.iter().filter_map(|s| s.account.clone()))
        .collect();
    in_file.sort();
    in_file.dedup();
    if let Some(g) = &given {
        if let Some(other) = in_file.iter().find(|a| *a != g) {
            return Ok(Err(Problem::new(
                "account_mismatch",
                format!("Berkas ini mutasi rekening {other}, bukan rekening {g} yang Anda tulis. Periksa berkasnya, atau kosongkan kolom rekening."),
                format!("This file is the statement of account {other}, not of account {g} that you wrote. Check the file, or leave the account field empty."),
            )));
        }
    }
    let needs = parsed.lines.iter().any(|l| l.account.is_none())
        || parsed.statements.iter().any(|s| s.account.is_none());
    if !needs {
        return Ok(Ok((given, None)));
    }
    if let Some(g) = given {
        return Ok(Ok((Some(g), None)));
    }
    if let [only] = in_file.as_slice() {
        return Ok(Ok((Some(only.clone()), None)));
    }
    let known: Vec<String> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT DISTINCT account FROM bank_credits ORDER BY account"
    )
    .fetch_all(pool)
    .await)?;
    if let [only] = known.as_slice() {
        let note = say(
            "account_assumed",
            format!("Berkas ini tidak menyebut nomor rekening; barisnya dicatat sebagai rekening {only}, satu-satunya rekening yang dikenal Lingkaran. Bila salah, unggah lagi dengan nomor rekening yang benar."),
            format!("This file names no account; its lines were counted as account {only}, the only account Lingkaran knows. If that is wrong, upload it again with the right account number."),
        );
        return Ok(Ok((Some(only.clone()), Some(note))));
    }
    let list = if known.is_empty() {
        ("belum ada".to_string(), "none yet".to_string())
    } else {
        (known.join(", "), known.join(", "))
    };
    Ok(Err(Problem::new(
        "account_required",
        format!("Berkas ini tidak menyebut nomor rekening, padahal uang yang sama dikenali dari rekening, tanggal valuta, jumlah dan referensi bank. Tulis nomor rekening di kolom rekening (account). Rekening yang dikenal: {}.", list.0),
        format!("This file names no account, yet the same money is recognised by account, value date, amount and bank reference. Write the account number in the account field. Known accounts: {}.", list.1),
    )))
}

/// A statement number as the file pads it: 11 in the width of `00012` is `00011`.
fn padded(n: u64, like: &str) -> String {
    let width = like.split('/').next().unwrap_or(like).trim().len();
    format!("{n:0width$}")
}

/// One stored MT940 statement of the same account, as the checks compare it.
#[derive(FromRow)]
struct Neighbour {
    sequence: Option<String>,
    number: Option<i64>,
    page: Option<i64>,
    opening: Option<i64>,
    closing: Option<i64>,
    filename: String,
}

const SELECT_NEIGHBOUR: &str =
    "SELECT a.sequence, a.number, a.page, a.opening, a.closing, s.filename
    FROM account_statements a JOIN bank_statements s ON s.id = a.statement_id";

fn idr(sen: i64) -> (String, String) {
    statement::rupiah_sen(i128::from(sen))
}

/// What an MT940 statement says next to the account's statements already stored: a number
/// skipped, the same statement again, an opening balance that is not the previous closing
/// one. Runs in the upload's transaction, before the statement is stored.
fn sequence_notices(
    st: &StatementInfo,
    account: &str,
    same: Option<&Neighbour>,
    prev: Option<&Neighbour>,
    next: Option<&Neighbour>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some((n, page)) = st.number else {
        out.push(say(
            "no_sequence",
            format!("Rekening {account}, mutasi di baris {}: tidak ada nomor urut (:28C:), jadi celah antar mutasi tidak bisa diperiksa dari nomornya.", st.line_no),
            format!("Account {account}, statement at line {}: it has no sequence number (:28C:), so gaps between statements cannot be checked by number.", st.line_no),
        ));
        return out;
    };
    let written = st.sequence.clone().unwrap_or_else(|| n.to_string());
    let me = padded(n, &written);
    if let Some(s) = same {
        out.push(say(
            "statement_again",
            format!("Rekening {account}: mutasi {written} sudah diunggah di berkas {}; barisnya dikenali dan tidak dibukukan dua kali.", s.filename),
            format!("Account {account}: statement {written} was already uploaded in file {}; its lines are recognised and not booked twice.", s.filename),
        ));
        return out;
    }
    let num = |x: &Neighbour| x.number.and_then(|v| u64::try_from(v).ok());
    let pg = |x: &Neighbour| x.page.and_then(|v| u64::try_from(v).ok()).unwrap_or(1);
    let adjacent = |a: (u64, u64), b: (u64, u64)| b.0 == a.0 + 1 || (b.0 == a.0 && b.1 == a.1 + 1);
    if let Some(p) = prev {
        if let Some(pn) = num(p) {
            let before = padded(pn, p.sequence.as_deref().unwrap_or(&written));
            if n > pn + 1 {
                let (id_missing, en_missing) = if n == pn + 2 {
                    let m = padded(pn + 1, &written);
                    (
                        format!("mutasi {m} tidak ada"),
                        format!("statement {m} is missing"),
                    )
                } else {
                    let (a, b) = (padded(pn + 1, &written), padded(n - 1, &written));
                    (
                        format!("mutasi {a} sampai {b} tidak ada"),
                        format!("statements {a} to {b} are missing"),
                    )
                };
                out.push(say(
                    "statement_missing",
                    format!("Rekening {account}: mutasi {me} menyusul {before}: {id_missing} (belum diunggah). Unduh dari bank dan unggah, agar tidak ada uang masuk yang terlewat."),
                    format!("Account {account}: statement {me} follows {before}: {en_missing} (not uploaded). Download it from the bank and upload it, so no money in is overlooked."),
                ));
            } else if n == pn && page > pg(p) + 1 {
                out.push(say(
                    "statement_missing",
                    format!("Rekening {account}: mutasi {me} halaman {page} menyusul halaman {}: halaman di antaranya tidak ada.", pg(p)),
                    format!("Account {account}: statement {me} page {page} follows page {}: the pages between are missing.", pg(p)),
                ));
            }
            if adjacent((pn, pg(p)), (n, page)) {
                if let (Some((_, open)), Some(close)) = (st.opening, p.closing) {
                    if open != close {
                        let (id_o, en_o) = idr(open);
                        let (id_c, en_c) = idr(close);
                        out.push(say(
                            "balance_discontinuity",
                            format!("Rekening {account}, mutasi {me}: saldo awal {id_o} tidak sama dengan saldo akhir sebelumnya {id_c} (mutasi {before}, berkas {}); ada uang yang bergerak tanpa tercatat di mutasi yang diunggah, atau salah satu berkas telah diubah.", p.filename),
                            format!("Account {account}, statement {me}: opening balance {en_o} does not equal the previous closing balance {en_c} (statement {before}, file {}); money moved that no uploaded statement shows, or one of the files was edited.", p.filename),
                        ));
                    }
                }
            }
        }
    }
    if let Some(x) = next {
        if let Some(xn) = num(x) {
            let after = padded(xn, x.sequence.as_deref().unwrap_or(&written));
            if xn > n + 1 {
                let (id_missing, en_missing) = if xn == n + 2 {
                    let m = padded(n + 1, &written);
                    (
                        format!("mutasi {m} tidak ada"),
                        format!("statement {m} is missing"),
                    )
                } else {
                    let (a, b) = (padded(n + 1, &written), padded(xn - 1, &written));
                    (
                        format!("mutasi {a} sampai {b} tidak ada"),
                        format!("statements {a} to {b} are missing"),
                    )
                };
                out.push(say(
                    "statement_missing",
                    format!("Rekening {account}: mutasi {me} disusul {after} (berkas {}): {id_missing} (belum diunggah).", x.filename),
                    format!("Account {account}: statement {me} is followed by {after} (file {}): {en_missing} (not uploaded).", x.filename),
                ));
            }
            if adjacent((n, page), (xn, pg(x))) {
                if let (Some((_, close)), Some(open)) = (st.closing, x.opening) {
                    if open != close {
                        let (id_o, en_o) = idr(open);
                        let (id_c, en_c) = idr(close);
                        out.push(say(
                            "balance_discontinuity",
                            format!("Rekening {account}, mutasi {me}: saldo akhir {id_c} tidak sama dengan saldo awal mutasi berikutnya {id_o} (mutasi {after}, berkas {}).", x.filename),
                            format!("Account {account}, statement {me}: closing balance {en_c} does not equal the next opening balance {en_o} (statement {after}, file {}).", x.filename),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// A statement file about to be recorded.
struct NewFile<'a> {
    sha: &'a str,
    filename: &'a str,
    format: &'a str,
    /// The account its lines without one are counted under.
    account: Option<&'a str>,
    by: Actor,
}

/// Records a new statement file with its MT940 statements and notices, in one transaction.
/// `None` when the same bytes were recorded meanwhile (a concurrent upload).
async fn record_file(
    db: &Db,
    file: &NewFile<'_>,
    parsed: &statement::Parsed,
    first_notices: &[Problem],
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(i64, Vec<Problem>)>> {
    super::retrying(|| async move {
        let mut tx = db.begin_write().await?;
        let out = write_file(&mut tx, file, parsed, first_notices, now).await?;
        if out.is_some() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(out)
    })
    .await
}

/// [`record_file`]'s writes, in the caller's transaction.
async fn write_file(
    tx: &mut Tx,
    file: &NewFile<'_>,
    parsed: &statement::Parsed,
    first_notices: &[Problem],
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(i64, Vec<Problem>)>> {
    let NewFile {
        sha,
        filename,
        format,
        account,
        by,
    } = *file;
    let uploader = audit::user_id_in(tx, by).await?;
    let id: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO bank_statements
               (sha256, filename, format, uploaded_by, created_at, account)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING RETURNING id",
        )
        .bind(sha)
        .bind(filename)
        .bind(format)
        .bind(uploader)
        .bind(now)
        .bind(account)
        .fetch_optional(c)
        .await
    })?;
    let Some(id) = id else {
        return Ok(None);
    };
    let mut notices: Vec<Problem> = first_notices.to_vec();
    for st in &parsed.statements {
        let Some(acct) = st.account.as_deref().or(account) else {
            continue;
        };
        let number = st.number.map(|(n, _)| i64::try_from(n).unwrap_or(i64::MAX));
        let page = st.number.map(|(_, p)| i64::try_from(p).unwrap_or(i64::MAX));
        let (same, prev, next) = match (number, page) {
            (Some(n), Some(p)) => neighbours(tx, acct, n, p).await?,
            _ => (None, None, None),
        };
        notices.extend(sequence_notices(
            st,
            acct,
            same.as_ref(),
            prev.as_ref(),
            next.as_ref(),
        ));
        let day =
            |d: Option<(chrono::NaiveDate, i64)>| d.map(|(d, _)| d.format("%Y-%m-%d").to_string());
        on_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO account_statements (statement_id, line_no, account, sequence, number,
                   page, opening_on, opening, closing_on, closing)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(i64::try_from(st.line_no).unwrap_or(i64::MAX))
            .bind(acct)
            .bind(&st.sequence)
            .bind(number)
            .bind(page)
            .bind(day(st.opening))
            .bind(st.opening.map(|(_, b)| b))
            .bind(day(st.closing))
            .bind(st.closing.map(|(_, b)| b))
            .execute(c)
            .await
            .map(|_| ())
        })?;
    }
    for (seq, n) in notices.iter().enumerate() {
        on_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO statement_notices (statement_id, seq, code, message, message_en)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i64::try_from(seq).unwrap_or(i64::MAX))
            .bind(n.code)
            .bind(&n.id)
            .bind(&n.en)
            .execute(c)
            .await
            .map(|_| ())
        })?;
    }
    // One entry for the file: its lines are decided one by one after it, and each payment
    // they book has its own entry.
    audit::record(
        tx,
        now,
        by,
        "statement.upload",
        "statement",
        id,
        json!({ "filename": filename, "format": format, "sha256": sha, "account": account,
                "lines": parsed.lines.len() }),
    )
    .await?;
    Ok(Some((id, notices)))
}

/// The statements of `account` already recorded with this number and page, just before it
/// and just after it: (same, previous, next).
async fn neighbours(
    tx: &mut Tx,
    account: &str,
    number: i64,
    page: i64,
) -> anyhow::Result<(Option<Neighbour>, Option<Neighbour>, Option<Neighbour>)> {
    let same = format!(
        "{SELECT_NEIGHBOUR} WHERE a.account = $1 AND a.number = $2 AND a.page = $3
         ORDER BY a.id LIMIT 1"
    );
    let prev = format!(
        "{SELECT_NEIGHBOUR} WHERE a.account = $1 AND a.number IS NOT NULL
           AND (a.number < $2 OR (a.number = $2 AND a.page < $3))
         ORDER BY a.number DESC, a.page DESC LIMIT 1"
    );
    let next = format!(
        "{SELECT_NEIGHBOUR} WHERE a.account = $1 AND a.number IS NOT NULL
           AND (a.number > $2 OR (a.number = $2 AND a.page > $3))
         ORDER BY a.number, a.page LIMIT 1"
    );
    let same = on_tx!(tx, |c| sqlx::query_as(&same)
        .bind(account)
        .bind(number)
        .bind(page)
        .fetch_optional(c)
        .await)?;
    let prev = on_tx!(tx, |c| sqlx::query_as(&prev)
        .bind(account)
        .bind(number)
        .bind(page)
        .fetch_optional(c)
        .await)?;
    let next = on_tx!(tx, |c| sqlx::query_as(&next)
        .bind(account)
        .bind(number)
        .bind(page)
        .fetch_optional(c)
        .await)?;
    Ok((same, prev, next))
}

async fn stored_notices(db: &Db, statement_id: i64) -> sqlx::Result<Vec<Problem>> {
    let rows: Vec<(String, String, String)> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT code, message, message_en FROM statement_notices WHERE statement_id = $1 ORDER BY seq"
    )
    .bind(statement_id)
    .fetch_all(pool)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(code, id, en)| {
            let code = NOTICE_CODES
                .iter()
                .find(|c| **c == code)
                .copied()
                .unwrap_or("notice");
            Problem::new(code, id, en)
        })
        .collect())
}

/// What every line of one upload shares.
struct Upload<'a> {
    statement_id: i64,
    format: &'a str,
    account: &'a str,
    by: Actor,
}

/// Decides and records one credit line, in one transaction: the line, its claim on the bank
/// credit, and its payment (or its place in the queue). A line already recorded is left as it
/// is.
async fn process_line(
    db: &Db,
    up: &Upload<'_>,
    l: &StatementLine,
    key: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let target = invoice_for(db, l).await?;
    let target = &target;
    super::retrying(|| async move {
        let mut tx = db.begin_write().await?;
        if decide_line(&mut tx, up, l, key, target, now).await? {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(())
    })
    .await
}

/// [`process_line`]'s writes, in the caller's transaction; false when the line was recorded
/// before (nothing written).
async fn decide_line(
    tx: &mut Tx,
    up: &Upload<'_>,
    l: &StatementLine,
    key: &str,
    target: &Option<(Target, i64)>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let account = l.account.as_deref().unwrap_or(up.account);
    let value_date = l.value_date.format("%Y-%m-%d").to_string();
    let booked_on = l.booked_on.format("%Y-%m-%d").to_string();
    let line_no = i64::try_from(l.line_no).unwrap_or(i64::MAX);
    let reference = l
        .reference
        .as_deref()
        .map(|r| tx.keys().seal(Kind::Text, r));
    let description = tx.keys().seal(Kind::Text, &l.description);
    let line_id: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO statement_lines (statement_id, line_no, booked_on, amount, reference,
               description, va_number, status, account, value_date, bank_reference)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $11, $8, $9, $10)
             ON CONFLICT (statement_id, line_no) DO NOTHING RETURNING id",
        )
        .bind(up.statement_id)
        .bind(line_no)
        .bind(&booked_on)
        .bind(l.amount)
        .bind(&reference)
        .bind(&description)
        .bind(&l.va_number)
        .bind(account)
        .bind(&value_date)
        .bind(&l.bank_reference)
        .bind(Unmatched.code())
        .fetch_optional(c)
        .await
    })?;
    let Some(line_id) = line_id else {
        return Ok(false);
    };
    let credit: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO bank_credits (account, value_date, amount, bank_key, line_id)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account, value_date, amount, bank_key) DO NOTHING RETURNING id",
        )
        .bind(account)
        .bind(&value_date)
        .bind(l.amount)
        .bind(key)
        .bind(line_id)
        .fetch_optional(c)
        .await
    })?;
    let (status, payment_id, reason, credit_id) = match (credit, target) {
        (None, _) => {
            // Brought before, by this or another file, in this or another format.
            let first: (i64, Option<i64>, String, i64) = on_tx!(tx, |c| {
                sqlx::query_as(
                    "SELECT c.id, f.payment_id, s.filename, f.line_no FROM bank_credits c
                       JOIN statement_lines f ON f.id = c.line_id
                       JOIN bank_statements s ON s.id = f.statement_id
                     WHERE c.account = $1 AND c.value_date = $2 AND c.amount = $3
                       AND c.bank_key = $4",
                )
                .bind(account)
                .bind(&value_date)
                .bind(l.amount)
                .bind(key)
                .fetch_one(c)
                .await
            })?;
            let (credit_id, first_payment, file, first_line) = first;
            let reason = duplicate_reason(l, account, &value_date, &file, first_line);
            (Duplicate, first_payment, Some(reason), credit_id)
        }
        (Some(credit_id), None) => (Unmatched, None, Some(NO_TARGET.to_string()), credit_id),
        (Some(credit_id), Some((target, invoice_id))) => {
            // Money a callback already booked shows up on the statement too: recognise it
            // rather than count it twice.
            let callback: Option<i64> = on_tx!(tx, |c| {
                sqlx::query_scalar(
                    "SELECT p.id FROM payments p
                     WHERE p.invoice_id = $1 AND p.amount = $2 AND p.source = 'callback'
                       AND NOT EXISTS (SELECT 1 FROM statement_lines s WHERE s.payment_id = p.id)
                     ORDER BY p.id LIMIT 1",
                )
                .bind(*invoice_id)
                .bind(l.amount)
                .fetch_optional(c)
                .await
            })?;
            if let Some(pid) = callback {
                (Reconciled, Some(pid), None, credit_id)
            } else {
                // A savepoint: a refused booking leaves the line to be queued.
                tx.savepoint("book_line").await?;
                let p = NewPayment {
                    source: Source::Statement,
                    reference: credit_reference(account, &value_date, l.amount, key),
                    target: target.clone(),
                    amount: l.amount,
                    paid_on: l.booked_on,
                    channel: Some(format!("statement:{}", up.format)),
                    evidence_name: None,
                    evidence: None,
                    recorded_by: up.by,
                    note: Some(l.description.clone()),
                };
                match payments::book_within(tx, &p, Overpayment::Refuse, now).await? {
                    Ok(b) => {
                        tx.release("book_line").await?;
                        let status = if b.new { Matched } else { Reconciled };
                        (status, Some(b.payment_id), None, credit_id)
                    }
                    Err(refusal) => {
                        tx.rollback_to("book_line").await?;
                        let p = refusal.problem();
                        let reason = format!(
                            "{} Menunggu keputusan petugas. / {} It waits for an officer's decision.",
                            p.id, p.en
                        );
                        (Unmatched, None, Some(reason), credit_id)
                    }
                }
            }
        }
    };
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE statement_lines SET status = $1, payment_id = $2, reason = $3,
               credit_id = $4
             WHERE id = $5",
        )
        .bind(status.code())
        .bind(payment_id)
        .bind(reason)
        .bind(credit_id)
        .bind(line_id)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(true)
}

/// Why a line that names no invoice waits in the queue.
const NO_TARGET: &str = "Tidak ada nomor virtual account atau nomor tagihan yang dikenal. / \
    No known virtual-account or invoice number.";

/// Why a line whose bank credit an earlier line brought is a duplicate.
fn duplicate_reason(
    l: &StatementLine,
    account: &str,
    value_date: &str,
    file: &str,
    first_line: i64,
) -> String {
    let (what_id, what_en) = l.bank_reference.as_deref().map_or_else(
        || {
            (
                "keterangan yang sama".to_string(),
                "the same description".to_string(),
            )
        },
        |r| (format!("referensi bank {r}"), format!("bank reference {r}")),
    );
    let amount = rupiah(l.amount);
    format!(
        "Transfer yang sama (rekening {account}, valuta {value_date}, {amount}, {what_id}) sudah \
         ada di berkas {file} baris {first_line}; tidak dibukukan lagi. / The same transfer \
         (account {account}, value date {value_date}, {amount}, {what_en}) is already in file \
         {file} line {first_line}; it is not booked again."
    )
}

/// Reads a statement file, books what it can, queues the rest. `account` is the account the
/// officer says the file is of (needed when the file names none). `Err` when the file as a
/// whole cannot be read, or its account is unknown (nothing stored).
pub async fn import(
    db: &Db,
    filename: &str,
    bytes: &[u8],
    account: Option<&str>,
    by: Actor,
    now: DateTime<Utc>,
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
    let known: Option<(i64, Option<String>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, account FROM bank_statements WHERE sha256 = $1"
    )
    .bind(&sha)
    .fetch_optional(pool)
    .await)?;
    let (statement_id, again, account, notices) = match known {
        Some((id, account)) => (id, true, account, stored_notices(db, id).await?),
        None => {
            let (account, assumed) = match choose_account(db, &parsed, account).await? {
                Ok(a) => a,
                Err(p) => return Ok(Err(p)),
            };
            let first: Vec<Problem> = parsed.notes.iter().cloned().chain(assumed).collect();
            let file = NewFile {
                sha: &sha,
                filename,
                format: &format,
                account: account.as_deref(),
                by,
            };
            match record_file(db, &file, &parsed, &first, now).await? {
                Some((id, notices)) => (id, false, account, notices),
                None => {
                    // Recorded by a concurrent upload of the same bytes.
                    let (id, account): (i64, Option<String>) = on_db!(db, |pool| sqlx::query_as(
                        "SELECT id, account FROM bank_statements WHERE sha256 = $1"
                    )
                    .bind(&sha)
                    .fetch_one(pool)
                    .await)?;
                    (id, true, account, stored_notices(db, id).await?)
                }
            }
        }
    };
    let done: Vec<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT line_no FROM statement_lines WHERE statement_id = $1"
    )
    .bind(statement_id)
    .fetch_all(pool)
    .await)?;
    let done: std::collections::HashSet<i64> = done.into_iter().collect();
    let default_account = account.clone().unwrap_or_default();
    let keys = statement::keys(&parsed.lines, &default_account);
    let up = Upload {
        statement_id,
        format: &format,
        account: &default_account,
        by,
    };
    for (l, key) in parsed.lines.iter().zip(&keys) {
        if done.contains(&i64::try_from(l.line_no).unwrap_or(i64::MAX)) {
            continue;
        }
        process_line(db, &up, l, key, now).await?;
    }
    let counts: Vec<(String, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT status, CAST(COUNT(*) AS BIGINT) FROM statement_lines WHERE statement_id = $1 GROUP BY status"
    )
    .bind(statement_id)
    .fetch_all(pool)
    .await
    })?;
    let count = |s: StatementLineStatus| {
        counts
            .iter()
            .filter(|(k, _)| StatementLineStatus::parse(k) == Some(s))
            .map(|(_, n)| usize::try_from(*n).unwrap_or(0))
            .sum::<usize>()
    };
    Ok(Ok(Report {
        statement_id,
        format,
        again,
        account,
        lines: parsed.lines.len(),
        matched: count(Matched) + count(Resolved),
        reconciled: count(Reconciled),
        unmatched: count(Unmatched),
        duplicates: count(Duplicate),
        skipped_debits: parsed.skipped_debits,
        errors: parsed.errors,
        notices,
    }))
}

/// The officers' queue: lines that matched nothing, oldest first.
pub async fn unmatched(db: &Db, limit: i64) -> sqlx::Result<Vec<LineRow>> {
    let sql = format!("{SELECT_LINE} WHERE l.status = $2 ORDER BY l.id LIMIT $1");
    let rows: Vec<LineRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(limit)
        .bind(Unmatched.code())
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(|l| l.opened(db.keys())).collect()
}

pub async fn lines_of(db: &Db, statement_id: i64) -> sqlx::Result<Vec<LineRow>> {
    let sql = format!("{SELECT_LINE} WHERE l.statement_id = $1 ORDER BY l.line_no");
    let rows: Vec<LineRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(statement_id)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(|l| l.opened(db.keys())).collect()
}

pub async fn line(db: &Db, id: i64) -> sqlx::Result<Option<LineRow>> {
    let sql = format!("{SELECT_LINE} WHERE l.id = $1");
    let row: Option<LineRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.map(|l| l.opened(db.keys())).transpose()
}

/// What an officer decides about an unmatched line.
pub enum Decision {
    /// It pays this invoice (by number) or this donor's credit.
    Assign(Target),
    /// It is not a donation (bank interest, a transfer between our own accounts).
    Ignore,
}

/// Why an officer's decision about a line was not kept; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveRefusal {
    /// No such statement line.
    NotFound,
    /// The line is decided already (`status`: its status code, `None` when another officer
    /// decided it while this decision ran).
    AlreadyDecided { status: Option<String> },
    /// The payment could not be booked, or waits for `confirm_overpayment`.
    Book(BookRefusal),
}

impl ResolveRefusal {
    /// The refusal in words, in both languages.
    pub fn problem(&self) -> Problem {
        match self {
            ResolveRefusal::NotFound => Problem::new(
                "not_found",
                "Baris mutasi tidak ditemukan.",
                "Statement line not found.",
            ),
            ResolveRefusal::AlreadyDecided { status } => {
                let known = status.as_deref().and_then(StatementLineStatus::parse);
                let (id, en) = match (known, status) {
                    (Some(s), _) => (s.label("id"), s.label("en")),
                    (None, Some(raw)) => (raw.as_str(), raw.as_str()),
                    (None, None) => ("?", "?"),
                };
                Problem::new(
                    "already_decided",
                    format!("Baris ini sudah diputuskan ({id})."),
                    format!("This line is already decided ({en})."),
                )
            }
            ResolveRefusal::Book(b) => b.problem(),
        }
    }
}

/// Settles an unmatched line: books it as the officer says, or sets it aside, in one
/// transaction. Only a line still unmatched can be decided; deciding twice changes nothing.
/// Booking to an invoice that is already paid, or past what it still needs, is refused with
/// [`BookRefusal::Overpayment`] (saying whose credit the excess becomes) unless
/// `confirm_overpayment`.
pub async fn resolve(
    db: &Db,
    id: i64,
    decision: Decision,
    note: &str,
    confirm_overpayment: bool,
    by: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<LineRow, ResolveRefusal>> {
    let Some(l) = line(db, id).await? else {
        return Ok(Err(ResolveRefusal::NotFound));
    };
    if !l.line_status().is_some_and(StatementLineStatus::open) {
        return Ok(Err(ResolveRefusal::AlreadyDecided {
            status: Some(l.status),
        }));
    }
    let reference = match l.credit_id {
        Some(credit) => {
            let (account, value_date, amount, key): (String, String, i64, String) =
                on_db!(db, |pool| sqlx::query_as(
                    "SELECT account, value_date, amount, bank_key FROM bank_credits WHERE id = $1"
                )
                .bind(credit)
                .fetch_one(pool)
                .await)?;
            credit_reference(&account, &value_date, amount, &key)
        }
        None => fingerprint(
            &l.booked_on,
            l.amount,
            l.reference.as_deref(),
            &l.description,
        ),
    };
    let payment = match &decision {
        Decision::Ignore => None,
        Decision::Assign(target) => Some(NewPayment {
            source: Source::Statement,
            reference,
            target: target.clone(),
            amount: l.amount,
            paid_on: chrono::NaiveDate::parse_from_str(&l.booked_on, "%Y-%m-%d")?,
            channel: Some("statement:resolved".into()),
            evidence_name: None,
            evidence: None,
            recorded_by: by,
            note: Some(note.to_string()),
        }),
    };
    let over = if confirm_overpayment {
        Overpayment::ToCredit
    } else {
        Overpayment::Refuse
    };
    let payment = &payment;
    let decided = super::retrying(|| async move {
        let mut tx = db.begin_write().await?;
        let out = decide(&mut tx, id, payment.as_ref(), over, note, by, now).await?;
        if out.is_ok() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(out)
    })
    .await?;
    if let Err(p) = decided {
        return Ok(Err(p));
    }
    Ok(line(db, id).await?.ok_or(ResolveRefusal::NotFound))
}

/// [`resolve`]'s writes, in the caller's transaction: books the payment (`None`: the line is
/// set aside) and marks the line, if it is still unmatched. On `Err` the caller rolls back.
async fn decide(
    tx: &mut Tx,
    id: i64,
    payment: Option<&NewPayment>,
    over: Overpayment,
    note: &str,
    by: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), ResolveRefusal>> {
    let (status, payment_id) = match payment {
        None => (Ignored, None),
        Some(p) => match payments::book_within(tx, p, over, now).await? {
            Ok(b) => (Resolved, Some(b.payment_id)),
            Err(refusal) => return Ok(Err(ResolveRefusal::Book(refusal))),
        },
    };
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE statement_lines SET status = $1, payment_id = $2, reason = $3,
               resolved_by = $4, resolved_at = $5
             WHERE id = $6 AND status = $7",
        )
        .bind(status.code())
        .bind(payment_id)
        .bind(note)
        .bind(by.user_id())
        .bind(now)
        .bind(id)
        .bind(Unmatched.code())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        // Another officer decided it meanwhile: nothing of this decision is kept.
        return Ok(Err(ResolveRefusal::AlreadyDecided { status: None }));
    }
    audit::record(
        tx,
        now,
        by,
        "statement_line.resolve",
        "statement_line",
        id,
        json!({ "status": status.code(), "payment": payment_id, "note": note }),
    )
    .await?;
    Ok(Ok(()))
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
