//! Money received, whichever way it came (provider callback, bank statement, officer), booked
//! once, and the donation it pays for funded in the same transaction.
//!
//! Booking a payment, in one commit:
//! 1. the `payments` row, unique per (source, reference): a callback delivered again, or a
//!    statement line read twice, finds the row already there and books nothing;
//! 2. the ledger transfer bank clearing → the donor's credit, with an id made from the
//!    payment id;
//! 3. the invoice's `paid` sum;
//! 4. when the money paid on the invoice covers its donation: the donation is funded from
//!    the credit (`settle_donation`). Whatever is not spent stays the donor's credit: an
//!    overpayment, a budget's remainder, or the part of a late payment whose months another
//!    donor took meanwhile;
//! 5. its receipt's number of the year and verification code (`receipts::issue`).

use super::audit::{self, Actor};
use super::{donations, ledger, receipts, sealed, Db, Tx};
use crate::privacy::{Keyring, Kind};
use crate::{on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_domain::format::{rupiah, ReceiptOf};
use lingkaran_domain::ledger::{Account, Phase, Transfer, TransferKey};
use lingkaran_domain::message::Problem;
use lingkaran_domain::status::InvoiceStatus;
use lingkaran_domain::Rupiah;
use serde_json::json;
use sqlx::FromRow;

/// How a payment came in. The enum is the domain's `PaymentSource`; this name stays so the
/// callers that book payments read as before.
pub use lingkaran_domain::payment::PaymentSource as Source;

/// Where a payment goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The invoice with this virtual-account number.
    Va(String),
    /// The invoice with this number (`INV-2026-000123`).
    InvoiceNumber(String),
    /// No invoice: straight to the donor's credit.
    Donor(i64),
}

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub source: Source,
    /// The provider's transaction id, the bank line's reference or the receipt number.
    pub reference: String,
    pub target: Target,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub channel: Option<String>,
    pub evidence_name: Option<String>,
    pub evidence: Option<Vec<u8>>,
    /// Who books it: the officer (a statement's uploader, a manual entry), or the provider's
    /// callback (`Actor::System("provider")`). Also the actor of its ledger transfers.
    pub recorded_by: Actor,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub payment_id: i64,
    /// `false` when this payment was already booked (a retry): nothing moved this time.
    pub new: bool,
    pub invoice_id: Option<i64>,
    pub donor_id: i64,
    /// The donation this payment completed, if it did.
    pub funded_donation: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub source: String,
    pub reference: String,
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    pub donor_id: i64,
    pub amount: i64,
    pub paid_on: String,
    pub channel: Option<String>,
    pub evidence_name: Option<String>,
    /// Opened from `sealed_note`: a statement line's description or an officer's note, free
    /// text that may carry a NIK, sealed at rest (`db::sealed`).
    #[sqlx(skip)]
    pub note: Option<String>,
    #[sqlx(rename = "note")]
    sealed_note: Option<Vec<u8>>,
    pub received_at: DateTime<Utc>,
    /// Its receipt's year and number in the year (`receipts`).
    pub receipt_year: Option<i64>,
    pub receipt_seq: Option<i64>,
}

impl PaymentRow {
    fn opened(mut self, keys: &Keyring) -> sqlx::Result<PaymentRow> {
        self.note = sealed::open_opt(keys, Kind::Text, self.sealed_note.as_deref())?;
        self.sealed_note = None;
        Ok(self)
    }

    /// Its receipt's number, `KW/2026/000123` (`receipts::number_of`).
    pub fn receipt_number(&self) -> String {
        receipts::number_of(
            self.receipt_year,
            self.receipt_seq,
            ReceiptOf::Payment(self.id),
        )
    }
}

const SELECT_PAYMENT: &str =
    "SELECT p.id, p.source, p.reference, p.invoice_id, i.number AS invoice_number,
    p.donor_id, p.amount, p.paid_on, p.channel, p.evidence_name, p.note, p.received_at,
    r.year AS receipt_year, r.seq AS receipt_seq
    FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id
    LEFT JOIN receipts r ON r.payment_id = p.id";

/// What to do with money that would pay an invoice past its amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overpayment {
    /// Book it; what the invoice does not need stays the donor's credit. The provider's
    /// callback (the money has arrived; refusing it changes nothing), and an officer who
    /// confirmed it.
    ToCredit,
    /// Refuse it ([`BookRefusal::Overpayment`], nothing written), naming whose credit it
    /// would become: statement lines, and an officer's booking (a statement line, a manual
    /// entry) not confirmed yet.
    Refuse,
}

/// Why a payment was not booked; nothing was written. What an edge answers follows from the
/// variant; [`BookRefusal::problem`] says it in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookRefusal {
    /// Not more than Rp 0, or beyond Rp 10^15.
    AmountOutOfBounds,
    /// No invoice has this virtual-account number or invoice number, or no such donor.
    UnknownTarget(Target),
    /// The reference is booked already, for another amount, invoice or donor (`booked`: the
    /// amount booked under it).
    ReferenceReused { reference: String, booked: i64 },
    /// It would pay an invoice past its amount ([`Overpayment::Refuse`]).
    Overpayment(Overpaid),
    /// The ledger refused the transfer: a balance would leave its bound.
    LedgerRefused { amount: i64 },
}

/// Money that would pay an invoice past its amount: the invoice as it stands, the money, and
/// the donor whose credit the excess would become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overpaid {
    pub invoice_number: String,
    pub invoice: Rupiah,
    pub paid: Rupiah,
    /// The invoice is settled (paid, in money or from credit).
    pub settled: bool,
    pub amount: Rupiah,
    pub donor: String,
}

impl Overpaid {
    /// What the invoice still needs: nothing once it is settled.
    pub fn due(&self) -> Rupiah {
        if self.settled {
            Rupiah::ZERO
        } else {
            self.invoice
                .checked_sub(self.paid)
                .unwrap_or(Rupiah::ZERO)
                .max(Rupiah::ZERO)
        }
    }

    /// What would become the donor's credit.
    pub fn excess(&self) -> Rupiah {
        self.amount.checked_sub(self.due()).unwrap_or(self.amount)
    }

    /// The sentence: the invoice's state, then how much would become whose credit. A
    /// statement line that waits for an officer keeps it as its reason.
    pub fn problem(&self) -> Problem {
        let number = &self.invoice_number;
        let (due, excess, donor) = (self.due(), self.excess(), &self.donor);
        let (id_state, en_state) = if due == Rupiah::ZERO {
            (
                format!(
                    "Tagihan {number} sudah lunas ({} dari {})",
                    rupiah(self.paid.get()),
                    rupiah(self.invoice.get())
                ),
                format!(
                    "Invoice {number} is already paid ({} of {})",
                    rupiah(self.paid.get()),
                    rupiah(self.invoice.get())
                ),
            )
        } else {
            (
                format!(
                    "Tagihan {number} tinggal {} lagi, tetapi uang ini {}",
                    rupiah(due.get()),
                    rupiah(self.amount.get())
                ),
                format!(
                    "Invoice {number} has {} still due, but this money is {}",
                    rupiah(due.get()),
                    rupiah(self.amount.get())
                ),
            )
        };
        Problem::new(
            "overpayment",
            format!(
                "{id_state}: {} akan menjadi saldo {donor}.",
                rupiah(excess.get())
            ),
            format!(
                "{en_state}: {} would become the credit of {donor}.",
                rupiah(excess.get())
            ),
        )
    }
}

impl BookRefusal {
    /// The refusal in words, in both languages.
    pub fn problem(&self) -> Problem {
        match self {
            BookRefusal::AmountOutOfBounds => {
                lingkaran_domain::money::out_of_bounds("Jumlah / amount")
            }
            BookRefusal::UnknownTarget(Target::Va(va)) => Problem::new(
                "unknown_va",
                format!("Nomor virtual account {va} tidak dikenal."),
                format!("Virtual account number {va} is not known."),
            ),
            BookRefusal::UnknownTarget(Target::InvoiceNumber(n)) => Problem::new(
                "unknown_invoice",
                format!("Tagihan {n} tidak ada."),
                format!("There is no invoice {n}."),
            ),
            BookRefusal::UnknownTarget(Target::Donor(d)) => Problem::new(
                "unknown_donor",
                format!("Donatur {d} tidak ada."),
                format!("There is no donor {d}."),
            ),
            BookRefusal::ReferenceReused { reference, booked } => Problem::new(
                "reference_reused",
                format!(
                    "Referensi {reference} sudah tercatat untuk pembayaran lain ({}); pembayaran ini tidak dicatat dua kali.",
                    rupiah(*booked)
                ),
                format!(
                    "Reference {reference} is already booked for another payment ({}); this one is not booked twice.",
                    rupiah(*booked)
                ),
            ),
            BookRefusal::Overpayment(o) => o.problem(),
            BookRefusal::LedgerRefused { amount } => Problem::new(
                "ledger_refused",
                format!("Buku besar menolak pembayaran {} ini (saldo akan melewati batas); tidak ada yang dibukukan.", rupiah(*amount)),
                format!("The ledger refused this payment of {} (a balance would leave its bound); nothing was booked.", rupiah(*amount)),
            ),
        }
    }
}

/// What a payment's target resolves to: (invoice, donor, donation, a statement payment of
/// this invoice still waiting for its callback, this callback already confirmed one).
type Resolved = (Option<i64>, i64, Option<i64>, bool, bool);

/// Books one payment (the module's steps) in the caller's transaction, refusing (per `over`)
/// money that would pay an invoice that is already paid, or past its amount. On
/// `Err(refusal)` the caller must roll back. `now` is when it is received.
pub(crate) async fn book_within(
    tx: &mut Tx,
    p: &NewPayment,
    over: Overpayment,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Booked, BookRefusal>> {
    let Some(amount) = Rupiah::positive(p.amount) else {
        return Ok(Err(BookRefusal::AmountOutOfBounds));
    };
    let (by_va, key) = match &p.target {
        Target::Va(va) => (true, va.as_str()),
        Target::InvoiceNumber(n) => (false, n.as_str()),
        Target::Donor(_) => (false, ""),
    };
    let resolved: Option<Resolved> = match &p.target {
        Target::Va(_) | Target::InvoiceNumber(_) => {
            let sql = format!(
                "SELECT i.id, i.donor_id, i.donation_id,
                   EXISTS (SELECT 1 FROM payments s WHERE s.invoice_id = i.id AND s.source = 'statement'
                           AND s.confirmed_by IS NULL),
                   EXISTS (SELECT 1 FROM payments c WHERE c.confirmed_by = $2)
                 FROM invoices i WHERE i.{} = $1",
                if by_va { "va_number" } else { "number" }
            );
            let row: Option<(i64, i64, i64, bool, bool)> = on_tx!(tx, |c| sqlx::query_as(&sql)
                .bind(key)
                .bind(&p.reference)
                .fetch_optional(c)
                .await)?;
            row.map(|(i, d, n, w, c)| (Some(i), d, Some(n), w, c))
        }
        Target::Donor(d) => on_tx!(tx, |c| sqlx::query_scalar::<_, i64>(
            "SELECT id FROM donors WHERE id = $1"
        )
        .bind(*d)
        .fetch_optional(c)
        .await)?
        .map(|d| (None, d, None, false, false)),
    };
    let Some((invoice_id, donor_id, donation_id, waiting, confirmed)) = resolved else {
        return Ok(Err(BookRefusal::UnknownTarget(p.target.clone())));
    };
    if p.source == Source::Callback && (waiting || confirmed) {
        // The bank statement brought this money first; the callback confirms it
        // rather than booking it again.
        let id: Option<i64> = if confirmed {
            on_tx!(tx, |c| sqlx::query_scalar(
                "SELECT id FROM payments WHERE confirmed_by = $1"
            )
            .bind(&p.reference)
            .fetch_optional(c)
            .await)?
        } else {
            on_tx!(tx, |c| {
                sqlx::query_scalar(
                    "UPDATE payments SET confirmed_by = $1 WHERE id = (SELECT id FROM payments
                       WHERE invoice_id = $2 AND amount = $3 AND source = 'statement'
                         AND confirmed_by IS NULL
                       ORDER BY id LIMIT 1)
                     RETURNING id",
                )
                .bind(&p.reference)
                .bind(invoice_id)
                .bind(p.amount)
                .fetch_optional(c)
                .await
            })?
        };
        if let Some(payment_id) = id {
            if !confirmed {
                audit::record(
                    tx,
                    now,
                    p.recorded_by,
                    "payment.confirm",
                    "payment",
                    payment_id,
                    json!({ "source": p.source.code(), "reference": p.reference }),
                )
                .await?;
            }
            return Ok(Ok(Booked {
                payment_id,
                new: false,
                invoice_id,
                donor_id,
                funded_donation: None,
            }));
        }
    }
    let note = p.note.as_deref().map(|n| tx.keys().seal(Kind::Text, n));
    let inserted: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO payments (source, reference, invoice_id, donor_id, amount, paid_on,
               channel, evidence_name, evidence, recorded_by, note, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (source, reference) DO NOTHING RETURNING id",
        )
        .bind(p.source.code())
        .bind(&p.reference)
        .bind(invoice_id)
        .bind(donor_id)
        .bind(p.amount)
        .bind(p.paid_on.format("%Y-%m-%d").to_string())
        .bind(&p.channel)
        .bind(&p.evidence_name)
        .bind(&p.evidence)
        .bind(p.recorded_by.user_id())
        .bind(&note)
        .bind(now)
        .fetch_optional(c)
        .await
    })?;
    let Some(payment_id) = inserted else {
        // Booked before: answer as then, unless the retry disagrees about the money.
        let (id, amount, inv, donor): (i64, i64, Option<i64>, i64) = on_tx!(tx, |c| {
            sqlx::query_as(
                "SELECT id, amount, invoice_id, donor_id FROM payments
                 WHERE source = $1 AND reference = $2",
            )
            .bind(p.source.code())
            .bind(&p.reference)
            .fetch_one(c)
            .await
        })?;
        if amount != p.amount || inv != invoice_id || donor != donor_id {
            return Ok(Err(BookRefusal::ReferenceReused {
                reference: p.reference.clone(),
                booked: amount,
            }));
        }
        return Ok(Ok(Booked {
            payment_id: id,
            new: false,
            invoice_id,
            donor_id,
            funded_donation: None,
        }));
    };
    if let (Overpayment::Refuse, Some(invoice_id)) = (over, invoice_id) {
        // A no-op update: it locks the invoice's row on PostgreSQL, so two
        // payments racing for the last rupiah due are decided one after the other.
        let (number, total, paid, status, donor): (String, i64, i64, String, String) =
            on_tx!(tx, |c| {
                sqlx::query_as(
                    "UPDATE invoices SET paid = paid WHERE id = $1
                     RETURNING number, amount, paid, status,
                       (SELECT name FROM donors WHERE id = invoices.donor_id)",
                )
                .bind(invoice_id)
                .fetch_one(c)
                .await
            })?;
        let total = Rupiah::new(total)?;
        let paid = Rupiah::new(paid)?;
        let settled = InvoiceStatus::parse(&status) == Some(InvoiceStatus::Paid);
        let within = !settled && paid.checked_add(amount).is_ok_and(|after| after <= total);
        if !within {
            return Ok(Err(BookRefusal::Overpayment(Overpaid {
                invoice_number: number,
                invoice: total,
                paid,
                settled,
                amount,
                donor,
            })));
        }
    }
    let money_in = Transfer {
        id: TransferKey::PaymentIn {
            payment: payment_id,
        }
        .id(),
        debit: Account::BankClearing,
        credit: Account::DonorCredit(donor_id),
        amount: p.amount,
        phase: Phase::Single,
        linked: false,
    };
    let mut funded_donation = None;
    let mut settle = None;
    if let (Some(invoice_id), Some(donation_id)) = (invoice_id, donation_id) {
        let (paid, total): (i64, i64) = on_tx!(tx, |c| sqlx::query_as(
            "UPDATE invoices SET paid = paid + $1,
               status = CASE WHEN paid + $1 >= amount THEN 'paid' ELSE status END,
               paid_at = CASE WHEN paid + $1 >= amount AND paid_at IS NULL THEN $2
                 ELSE paid_at END
             WHERE id = $3
             RETURNING paid, (SELECT total FROM donations WHERE id = $4)",
        )
        .bind(p.amount)
        .bind(now)
        .bind(invoice_id)
        .bind(donation_id)
        .fetch_one(c)
        .await)?;
        if paid >= total {
            settle = Some(donation_id);
        }
    }
    match settle {
        // The money comes in and, when it completes the invoice, funds the
        // donation: one ledger batch in the usual case.
        Some(donation_id) => {
            if donations::settle_donation(tx, donation_id, Some(money_in), p.recorded_by, now)
                .await?
            {
                funded_donation = Some(donation_id);
            }
        }
        None => {
            let r = ledger::apply_new_transfers(tx, &[money_in], p.recorded_by, now).await?;
            if let Some(Err(e)) = r.into_iter().next() {
                // Only money past every bound gets here; the caller rolls back.
                tracing::warn!(
                    payment.id = payment_id,
                    "the ledger refused a payment: {e:?}"
                );
                return Ok(Err(BookRefusal::LedgerRefused { amount: p.amount }));
            }
        }
    }
    // Its receipt's number of the year, in this transaction (`receipts::issue`).
    let receipt = receipts::issue(
        tx,
        receipts::For::Payment(payment_id),
        donor_id,
        p.amount,
        p.paid_on,
        now,
    )
    .await?;
    audit::record(
        tx,
        now,
        p.recorded_by,
        "payment.book",
        "payment",
        payment_id,
        json!({ "source": p.source.code(), "reference": p.reference, "amount": p.amount,
                "invoice": invoice_id, "donor": donor_id, "paid_on": p.paid_on.to_string(),
                "funded_donation": funded_donation, "receipt": receipt.number() }),
    )
    .await?;
    Ok(Ok(Booked {
        payment_id,
        new: true,
        invoice_id,
        donor_id,
        funded_donation,
    }))
}

/// Books a payment in one transaction (see the module's steps); what an invoice does not
/// need stays the donor's credit. Safe to call any number of times with the same (source,
/// reference). `now` is when it is received.
pub async fn book(
    db: &Db,
    p: &NewPayment,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Booked, BookRefusal>> {
    book_as(db, p, Overpayment::ToCredit, now).await
}

/// [`book`], with `over` saying whether money that would pay an invoice past its amount is
/// booked (the excess to credit) or refused.
pub async fn book_as(
    db: &Db,
    p: &NewPayment,
    over: Overpayment,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Booked, BookRefusal>> {
    if Rupiah::positive(p.amount).is_none() {
        return Ok(Err(BookRefusal::AmountOutOfBounds));
    }
    super::retrying(|| async move {
        let mut tx = db.begin_write().await?;
        let out = book_within(&mut tx, p, over, now).await?;
        if out.is_ok() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(out)
    })
    .await
}

pub async fn of_donor(db: &Db, donor_id: i64) -> sqlx::Result<Vec<PaymentRow>> {
    let sql = format!("{SELECT_PAYMENT} WHERE p.donor_id = $1 ORDER BY p.id DESC");
    let rows: Vec<PaymentRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(donor_id)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(|p| p.opened(db.keys())).collect()
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<PaymentRow>> {
    let sql = format!("{SELECT_PAYMENT} WHERE p.id = $1");
    let row: Option<PaymentRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.map(|p| p.opened(db.keys())).transpose()
}

/// A manual entry's evidence: (file name, bytes).
pub async fn evidence(db: &Db, id: i64) -> sqlx::Result<Option<(String, Vec<u8>)>> {
    let row: Option<(Option<String>, Option<Vec<u8>>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT evidence_name, evidence FROM payments WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    Ok(row.and_then(|(n, b)| Some((n?, b?))))
}

/// The donor's unspent money: the posted balance of their credit account.
pub async fn credit_of(db: &Db, donor_id: i64) -> anyhow::Result<i64> {
    let code = Account::DonorCredit(donor_id).code();
    let row: Option<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(ledger::NET_POSTED)
        .bind(&code)
        .fetch_optional(pool)
        .await)?;
    Ok(ledger::net_of(row))
}

/// Returns `amount` of a donor's credit to them. Refused (nothing written) when the credit
/// does not cover it.
pub async fn refund(
    db: &Db,
    donor_id: i64,
    amount: i64,
    reason: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<i64, Problem>> {
    if Rupiah::positive(amount).is_none() {
        return Ok(Err(lingkaran_domain::money::out_of_bounds(
            "Jumlah pengembalian / refund amount",
        )));
    }
    let mut tx = db.begin_write().await?;
    let by = audit::user_id_in(&mut tx, actor).await?;
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO refunds (donor_id, amount, reason, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(donor_id)
        .bind(amount)
        .bind(reason)
        .bind(by)
        .bind(now)
        .fetch_one(c)
        .await
    })?;
    let back = Transfer {
        id: TransferKey::Refund { refund: id }.id(),
        debit: Account::DonorCredit(donor_id),
        credit: Account::Refunds,
        amount,
        phase: Phase::Single,
        linked: false,
    };
    let r = ledger::apply_transfers(&mut tx, &[back], actor, now).await?;
    if let Some(Ok(())) = r.into_iter().next() {
        audit::record(
            &mut tx,
            now,
            actor,
            "refund.create",
            "refund",
            id,
            json!({ "donor": donor_id, "amount": amount, "reason": reason }),
        )
        .await?;
        tx.commit().await?;
        return Ok(Ok(id));
    }
    tx.rollback().await?;
    Ok(Err(Problem::new(
        "exceeds_credit",
        format!(
            "Pengembalian {} melebihi saldo kredit donatur.",
            rupiah(amount)
        ),
        format!("A refund of {} exceeds the donor's credit.", rupiah(amount)),
    )))
}
