//! Receipts (kuitansi) as documents (issue 14 §2): what a receipt's PDF and page print, the
//! public check of a verification code, and the e-mail that tells a donor their receipt is
//! issued.
//!
//! - [`of_payment`] and [`of_credit`] gather a receipt's document. Who may have it is
//!   [`super::account::receipt`]'s and [`super::account::credit_receipt`]'s rule (staff, or
//!   the donor whose money or credit it is); anyone else reads "not found".
//! - [`verify`] is public: a code that is malformed or unknown is not found alike; a real
//!   one confirms the number, the day, the amount and the donor's name as its receipts print
//!   it (`donors.receipt_name`, else its registered name), or "donatur anonim" when the donor
//!   did not choose to be named publicly (`donors.public_name`), and nothing else (no NIK,
//!   e-mail, address or NPWP).
//! - [`queue_mails`] (the outbox job) queues one e-mail per new receipt to the donor's
//!   address, with the number, the amount, the links and the receipt's PDF attached.
//! - [`mail_to_donor`] (the account's "Kirim ke e-mail") queues a receipt's e-mail with its
//!   PDF again, to the donor's own address only (`super::documents::mail_to_donor`).
//!
//! A use case makes no document: the PDF is `report::receipt`'s, above the use cases. The
//! job is handed it as a [`Pdf`] (`scheduler::env`); the account's edges render the PDF and
//! hand over its bytes.

use super::documents::{self, Mailed};
use super::{Ctx, Error};
use crate::db::donations::CreditSettlement;
use crate::db::payments::{self, PaymentRow};
use crate::db::receipts::{self, For, ReceiptRow};
use crate::db::{donations, donors, outbox, Db};
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_domain::format::{self, rupiah, terbilang};
use lingkaran_domain::payment::channel_label;
use lingkaran_domain::receipt::Code;

/// The programme, as the letterhead names it.
pub const PROGRAMME: &str = "GN Lingkaran — Gerakan Nasional Peduli Perlindungan Pekerja Rentan";
/// Whose programme it is.
pub const INSURER: &str = "BPJS Ketenagakerjaan";

/// What a receipt paid for: one donation, its workers and months.
#[derive(Debug, Clone)]
pub struct PaidFor {
    pub donation_id: i64,
    pub invoice_number: String,
    pub workers: i64,
    pub months: i64,
    /// `YYYYMM` of the first month.
    pub start_month: i64,
}

impl PaidFor {
    /// `Donasi #12 (INV-2026-000012): 25 pekerja × 12 bulan, Januari 2026 – Desember 2026`.
    pub fn text(&self, lang: &str) -> String {
        let start = lingkaran_domain::rates::Month::from_yyyymm(self.start_month);
        let period = match start {
            Some(s) if self.months > 1 => format!(
                "{} – {}",
                format::month(s, lang),
                format::month(s.plus(u32::try_from(self.months - 1).unwrap_or(0)), lang)
            ),
            Some(s) => format::month(s, lang),
            None => String::new(),
        };
        let (workers, months) = (
            format::count(self.workers.max(0).unsigned_abs()),
            format::count(self.months.max(0).unsigned_abs()),
        );
        if lang == "en" {
            format!(
                "Donation #{} ({}): {workers} workers × {months} months, {period}",
                self.donation_id, self.invoice_number
            )
        } else {
            format!(
                "Donasi #{} ({}): {workers} pekerja × {months} bulan, {period}",
                self.donation_id, self.invoice_number
            )
        }
    }
}

/// Renders a receipt's PDF: `report::receipt::write`, handed down by the edge that
/// runs the jobs (a use case names no document maker).
pub type Pdf = fn(&Document) -> anyhow::Result<Vec<u8>>;

/// A receipt as printed.
#[derive(Debug, Clone)]
pub struct Document {
    /// Whose receipt it is (the e-mail goes to this donor's own address).
    pub donor_id: i64,
    /// `{base_url}/kuitansi/{id}` or `{base_url}/kuitansi/kredit/{id}`: the receipt's page.
    pub page_url: String,
    /// `KW/2026/000123`.
    pub number: String,
    pub code: Code,
    /// The payment's day, or the day (WIB) the credit paid.
    pub day: NaiveDate,
    pub amount: i64,
    /// The name the donor chose for its receipts, else its registered name.
    pub donor_name: String,
    pub donor_address: Option<String>,
    /// As printed (`01.234.567.8-901.000`).
    pub donor_npwp: Option<String>,
    /// Paid from the donor's credit (no money came in).
    pub from_credit: bool,
    /// `payments.source` and `payments.channel`, for [`Document::channel`].
    pub source: String,
    pub channel: Option<String>,
    /// The provider's, bank's or officer's reference of the payment.
    pub reference: Option<String>,
    /// Empty: money to the donor's credit, no invoice.
    pub paid_for: Vec<PaidFor>,
    /// `{base_url}/verifikasi/{code}`.
    pub verify_url: String,
}

impl Document {
    /// How it was paid, in words (`Virtual Account BRI`; from credit: the donor's credit).
    pub fn channel(&self, lang: &str) -> String {
        if self.from_credit {
            return if lang == "en" {
                "The donor's credit at GN Lingkaran".into()
            } else {
                "Saldo kredit donatur di GN Lingkaran".into()
            };
        }
        channel_label(&self.source, self.channel.as_deref(), lang)
    }

    /// The amount in words, capitalised as a receipt writes it.
    pub fn amount_words(&self) -> String {
        let words = terbilang(self.amount);
        let mut cs = words.chars();
        cs.next()
            .map(|f| f.to_uppercase().collect::<String>() + cs.as_str())
            .unwrap_or_default()
    }

    /// The PDF's file name: `kuitansi-KW-2026-000123.pdf`.
    pub fn file_name(&self) -> String {
        format!("kuitansi-{}.pdf", self.number.replace('/', "-"))
    }
}

/// The verification link of a code.
pub fn verify_url(base_url: &str, code: &Code) -> String {
    format!(
        "{}/verifikasi/{}",
        base_url.trim_end_matches('/'),
        code.grouped()
    )
}

async fn stored(db: &Db, of: For) -> Result<ReceiptRow, Error> {
    receipts::of(db, of)
        .await?
        .ok_or(Error::NotFound("Kuitansi"))
}

/// The donor as its receipts and statements name it: the name, the address and the NPWP
/// (grouped for reading) when known.
pub(crate) async fn donor_lines(
    db: &Db,
    donor_id: i64,
) -> Result<(String, Option<String>, Option<String>), Error> {
    let d = donors::get(db, donor_id)
        .await?
        .ok_or(Error::NotFound("Donatur"))?;
    Ok((
        d.name_on_receipts().to_string(),
        d.address.filter(|a| !a.trim().is_empty()),
        d.npwp.as_deref().map(lingkaran_domain::donor::npwp_text),
    ))
}

async fn paid_for(db: &Db, donation_id: i64) -> Result<Vec<PaidFor>, Error> {
    let Some(d) = donations::get(db, donation_id).await? else {
        return Ok(Vec::new());
    };
    let invoice = donations::invoice_of(db, donation_id).await?;
    Ok(vec![PaidFor {
        donation_id: d.id,
        invoice_number: invoice.map(|i| i.number).unwrap_or_default(),
        workers: d.workers,
        months: d.months,
        start_month: d.start_month,
    }])
}

/// The document of payment `payment_id`'s receipt, for whoever may see the payment.
pub async fn of_payment(ctx: Ctx<'_>, payment_id: i64, base_url: &str) -> Result<Document, Error> {
    let r = super::account::receipt(ctx, payment_id).await?;
    payment_document(ctx.db, &r.payment, base_url).await
}

/// The document of credit settlement `settlement_id`'s receipt, for whoever may see it.
pub async fn of_credit(
    ctx: Ctx<'_>,
    settlement_id: i64,
    base_url: &str,
) -> Result<Document, Error> {
    let r = super::account::credit_receipt(ctx, settlement_id).await?;
    credit_document(ctx.db, &r.settlement, base_url).await
}

/// A payment's receipt as a document, whoever asks (the callers check).
async fn payment_document(
    db: &Db,
    payment: &PaymentRow,
    base_url: &str,
) -> Result<Document, Error> {
    let row = stored(db, For::Payment(payment.id)).await?;
    let (donor_name, donor_address, donor_npwp) = donor_lines(db, payment.donor_id).await?;
    let paid = match payment.invoice_id {
        Some(invoice) => match donations::donation_of_invoice(db, invoice).await? {
            Some(d) => paid_for(db, d).await?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let code = row.code();
    Ok(Document {
        donor_id: payment.donor_id,
        page_url: format!("{}/kuitansi/{}", base_url.trim_end_matches('/'), payment.id),
        number: row.number(),
        verify_url: verify_url(base_url, &code),
        code,
        day: row.day().unwrap_or_default(),
        amount: row.amount,
        donor_name,
        donor_address,
        donor_npwp,
        from_credit: false,
        source: payment.source.clone(),
        channel: payment.channel.clone(),
        reference: Some(payment.reference.clone()),
        paid_for: paid,
    })
}

/// A credit settlement's receipt as a document, whoever asks (the callers check).
async fn credit_document(
    db: &Db,
    settlement: &CreditSettlement,
    base_url: &str,
) -> Result<Document, Error> {
    let row = stored(db, For::CreditSettlement(settlement.id)).await?;
    let (donor_name, donor_address, donor_npwp) = donor_lines(db, settlement.donor_id).await?;
    let code = row.code();
    Ok(Document {
        donor_id: settlement.donor_id,
        page_url: format!(
            "{}/kuitansi/kredit/{}",
            base_url.trim_end_matches('/'),
            settlement.id
        ),
        number: row.number(),
        verify_url: verify_url(base_url, &code),
        code,
        day: row.day().unwrap_or_default(),
        amount: row.amount,
        donor_name,
        donor_address,
        donor_npwp,
        from_credit: true,
        source: "credit".into(),
        channel: None,
        reference: None,
        paid_for: paid_for(db, settlement.donation_id).await?,
    })
}

/// A receipt's e-mail: its subject and its text (the PDF goes as its attachment).
pub fn mail(doc: &Document) -> (String, String) {
    let number = &doc.number;
    let body = format!(
        "Yth. {donor},\n\n\
         Terima kasih. Kuitansi {number} telah terbit untuk pembayaran Anda kepada GN Lingkaran.\n\n\
         Nomor kuitansi: {number}\n\
         Tanggal: {day}\n\
         Jumlah: {amount} ({words})\n\
         Kode verifikasi: {code}\n\n\
         PDF kuitansi terlampir ({file}). Kuitansi juga dapat dilihat setelah masuk: {page}\n\
         Siapa pun dapat memeriksa keasliannya di: {link}\n\n\
         Receipt {number} for {amount} is issued; its PDF is attached ({file}). \
         See it at {page} and check it at {link}.\n\n\
         Salam,\nGN Lingkaran",
        donor = doc.donor_name,
        day = format::date(doc.day, "id"),
        amount = rupiah(doc.amount),
        words = terbilang(doc.amount),
        code = doc.code.grouped(),
        file = doc.file_name(),
        page = doc.page_url,
        link = doc.verify_url,
    );
    (format!("Kuitansi {number} — GN Lingkaran"), body)
}

/// Sends a receipt's e-mail with its PDF (`pdf`, rendered by the edge from `doc`) to the
/// donor's own address, for the donor or staff acting for them: once however often it is
/// asked the same day, and within the day's cap (`documents::mail_to_donor`). `doc` comes
/// from [`of_payment`] or [`of_credit`], which decided that the caller may have it.
pub async fn mail_to_donor(ctx: Ctx<'_>, doc: &Document, pdf: Vec<u8>) -> Result<Mailed, Error> {
    let (subject, body) = mail(doc);
    documents::mail_to_donor(
        ctx,
        doc.donor_id,
        &subject,
        &body,
        &doc.file_name(),
        "application/pdf",
        pdf,
    )
    .await
}

/// What the public check of a code confirms, and nothing else.
#[derive(Debug, Clone)]
pub struct Verified {
    pub number: String,
    pub day: NaiveDate,
    pub amount: i64,
    /// The donor's name on its receipts if they chose to be named publicly; `None`:
    /// "donatur anonim".
    pub donor: Option<String>,
}

/// The public check of a verification code, typed or from the QR code: lower case and
/// missing dashes are fine. Malformed and unknown codes are both `NotFound`.
pub async fn verify(db: &Db, code: &str) -> Result<Verified, Error> {
    let code = Code::parse(code).ok_or(Error::NotFound("Kuitansi"))?;
    let c = receipts::by_code(db, &code)
        .await?
        .ok_or(Error::NotFound("Kuitansi"))?;
    Ok(Verified {
        number: c.receipt.number(),
        day: c.receipt.day().unwrap_or_default(),
        amount: c.receipt.amount,
        donor: c.public_name,
    })
}

/// How many receipts one run of [`queue_mails`] handles; the next run takes the rest.
pub const MAILS_PER_RUN: i64 = 500;

/// Queues the e-mail of each receipt issued since the last run to its donor's address (a
/// donor without one is passed over), with its PDF (made by `pdf`) attached, at most
/// [`MAILS_PER_RUN`]. Each is queued once (the outbox's key `receipt:<id>`, and
/// `receipts.mailed_at`). Returns how many were queued.
pub async fn queue_mails(
    db: &Db,
    base_url: &str,
    pdf: Pdf,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut queued = 0;
    for u in receipts::unmailed(db, MAILS_PER_RUN).await? {
        if let Some(email) = u.email.as_deref().filter(|e| !e.trim().is_empty()) {
            let doc = document_of(db, &u.receipt, base_url).await?;
            let (subject, body) = mail(&doc);
            let attachment = outbox::Attachment::new(
                &doc.file_name(),
                "kuitansi.pdf",
                "application/pdf",
                pdf(&doc)?,
            )
            .map_err(|p| anyhow::anyhow!("receipt {}: {p}", doc.number))?;
            let fresh = outbox::enqueue(
                db,
                &outbox::NewMessage {
                    dedupe_key: format!("receipt:{}", u.receipt.id),
                    channel: "email",
                    recipient: email.trim().to_string(),
                    subject: Some(subject),
                    body,
                    attachment: Some(attachment),
                },
                now,
            )
            .await?;
            if fresh {
                queued += 1;
            }
        }
        receipts::mark_mailed(db, u.receipt.id, now).await?;
    }
    Ok(queued)
}

/// The document of a stored receipt, for the job (no caller to check).
async fn document_of(db: &Db, r: &ReceiptRow, base_url: &str) -> anyhow::Result<Document> {
    let internal = |e: Error| anyhow::anyhow!("receipt {}: {e:?}", r.id);
    match (r.payment_id, r.credit_settlement_id) {
        (Some(p), _) => {
            let payment = payments::get(db, p)
                .await?
                .ok_or_else(|| anyhow::anyhow!("receipt {}: payment {p} not found", r.id))?;
            payment_document(db, &payment, base_url)
                .await
                .map_err(internal)
        }
        (_, Some(s)) => {
            let settlement = donations::credit_settlement(db, s).await?.ok_or_else(|| {
                anyhow::anyhow!("receipt {}: credit settlement {s} not found", r.id)
            })?;
            credit_document(db, &settlement, base_url)
                .await
                .map_err(internal)
        }
        _ => anyhow::bail!("receipt {} is of nothing", r.id),
    }
}
