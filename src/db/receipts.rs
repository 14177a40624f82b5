//! Receipts (kuitansi) as documents (migration 0032): each payment, and each donation paid
//! from the donor's credit, gets one receipt with a number per calendar year without gaps
//! (`KW/2026/000123`, `lingkaran_domain::receipt::number`) and a random verification code.
//!
//! [`issue`] runs in the transaction that books the money (`payments::book_within`) or pays
//! a donation from credit (`donations::settle`): the year's counter in `receipt_years` is
//! incremented there, so a booking rolled back gives its number back and two bookings at once
//! take consecutive numbers (PostgreSQL holds the year's row until the commit; SQLite's write
//! transaction is the whole store's).

use super::{Db, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lingkaran_domain::format::{receipt_number, ReceiptOf};
use lingkaran_domain::receipt::{self, Code};
use rand::RngCore;
use sqlx::FromRow;

/// What a receipt is for: a payment, or a donation paid from credit (its settlement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum For {
    Payment(i64),
    CreditSettlement(i64),
}

/// A receipt as stored.
#[derive(Debug, Clone, FromRow)]
pub struct ReceiptRow {
    pub id: i64,
    pub year: i64,
    pub seq: i64,
    /// 12 characters, no dashes ([`Code`]).
    pub code: String,
    pub payment_id: Option<i64>,
    pub credit_settlement_id: Option<i64>,
    pub donor_id: i64,
    pub amount: i64,
    /// `YYYY-MM-DD`: the payment's day, or the day (WIB) the credit paid.
    pub issued_on: String,
    pub created_at: DateTime<Utc>,
}

impl ReceiptRow {
    /// `KW/2026/000123`.
    pub fn number(&self) -> String {
        receipt::number(i32::try_from(self.year).unwrap_or(0), self.seq)
    }

    /// The code as printed (`7KQ4-M2XD-9PFA`).
    pub fn code(&self) -> Code {
        Code::parse(&self.code).unwrap_or_else(|| Code::from_bits(0))
    }

    pub fn day(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.issued_on, "%Y-%m-%d").ok()
    }
}

/// A receipt's number from its year and number in the year; a row not numbered (none since
/// migration 0032 numbered every payment and credit settlement) keeps its old `KW-12`.
pub fn number_of(year: Option<i64>, seq: Option<i64>, legacy: ReceiptOf) -> String {
    match (year.and_then(|y| i32::try_from(y).ok()), seq) {
        (Some(y), Some(s)) => receipt::number(y, s),
        _ => receipt_number(legacy),
    }
}

const COLUMNS: &str = "id, year, seq, code, payment_id, credit_settlement_id, donor_id,
    amount, issued_on, created_at";

const SELECT: &str = "SELECT id, year, seq, code, payment_id, credit_settlement_id, donor_id,
    amount, issued_on, created_at FROM receipts";

/// Issues the receipt of `of` in the caller's transaction: the next number of `day`'s year
/// and a fresh code. Call it last before the change's audit entry, so the year's row is held
/// only until the commit.
pub(crate) async fn issue(
    tx: &mut Tx,
    of: For,
    donor_id: i64,
    amount: i64,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<ReceiptRow> {
    let year = i64::from(day.year());
    let seq: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "INSERT INTO receipt_years (year, last) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last = receipt_years.last + 1
         RETURNING last"
    )
    .bind(year)
    .fetch_one(c)
    .await)?;
    // 60 bits from the operating system's generator: unguessable, so a receipt is checked
    // only by whoever holds it.
    let code = Code::from_bits(rand::rngs::OsRng.next_u64());
    let (payment, settlement) = match of {
        For::Payment(id) => (Some(id), None),
        For::CreditSettlement(id) => (None, Some(id)),
    };
    let sql = format!(
        "INSERT INTO receipts (year, seq, code, payment_id, credit_settlement_id, donor_id,
           amount, issued_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING {COLUMNS}"
    );
    let row: ReceiptRow = on_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(year)
        .bind(seq)
        .bind(code.as_str())
        .bind(payment)
        .bind(settlement)
        .bind(donor_id)
        .bind(amount)
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(now)
        .fetch_one(c)
        .await)?;
    Ok(row)
}

/// The receipt of a payment or of a credit settlement.
pub async fn of(db: &Db, of: For) -> sqlx::Result<Option<ReceiptRow>> {
    let (column, id) = match of {
        For::Payment(id) => ("payment_id", id),
        For::CreditSettlement(id) => ("credit_settlement_id", id),
    };
    let sql = format!("{SELECT} WHERE {column} = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// A donor's receipts, newest first (at most `limit`).
pub async fn of_donor(db: &Db, donor_id: i64, limit: i64) -> sqlx::Result<Vec<ReceiptRow>> {
    let sql = format!("{SELECT} WHERE donor_id = $1 ORDER BY id DESC LIMIT $2");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(donor_id)
        .bind(limit)
        .fetch_all(pool)
        .await)
}

/// What the public check of a code reads: the receipt, and the donor's name only when the
/// donor chose to be named publicly (`donors.public_name`): the name its receipts print
/// (`donors.receipt_name`, else its registered name).
#[derive(Debug, Clone)]
pub struct Checked {
    pub receipt: ReceiptRow,
    pub public_name: Option<String>,
}

/// The receipt with this code, if any.
pub async fn by_code(db: &Db, code: &Code) -> sqlx::Result<Option<Checked>> {
    let sql = format!("{SELECT} WHERE code = $1");
    let row: Option<ReceiptRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(code.as_str())
        .fetch_optional(pool)
        .await)?;
    let Some(receipt) = row else {
        return Ok(None);
    };
    let named: Option<(String, bool)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT COALESCE(receipt_name, name), public_name FROM donors WHERE id = $1"
    )
    .bind(receipt.donor_id)
    .fetch_optional(pool)
    .await)?;
    Ok(Some(Checked {
        receipt,
        public_name: named.and_then(|(n, public)| public.then_some(n)),
    }))
}

/// A receipt whose e-mail is not queued yet, with the donor's name and e-mail address.
#[derive(Debug, Clone)]
pub struct Unmailed {
    pub receipt: ReceiptRow,
    pub donor_name: String,
    pub email: Option<String>,
}

/// Up to `limit` receipts whose e-mail is not queued yet, oldest first.
pub async fn unmailed(db: &Db, limit: i64) -> sqlx::Result<Vec<Unmailed>> {
    let sql = format!("{SELECT} WHERE mailed_at IS NULL ORDER BY id LIMIT $1");
    let rows: Vec<ReceiptRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    let mut out = Vec::with_capacity(rows.len());
    for receipt in rows {
        let (donor_name, email): (String, Option<String>) = on_db!(db, |pool| sqlx::query_as(
            "SELECT name, email FROM donors WHERE id = $1"
        )
        .bind(receipt.donor_id)
        .fetch_one(pool)
        .await)?;
        out.push(Unmailed {
            receipt,
            donor_name,
            email,
        });
    }
    Ok(out)
}

/// Marks a receipt's e-mail queued (or not needed: the donor gave no address).
pub async fn mark_mailed(db: &Db, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query(
        "UPDATE receipts SET mailed_at = $1 WHERE id = $2 AND mailed_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))
}
