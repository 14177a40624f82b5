//! Money an officer places by hand: a statement line no invoice claimed, and a manual entry
//! of money that came another way (a transfer to the programme's account, cash at the
//! branch), with its evidence. The API and the bank pages call these; neither reads the
//! other's answers.
//!
//! Either way, booking money to an invoice that is already paid, or past what it still
//! needs, waits for the officer's confirmation ([`Error::Unconfirmed`], said by
//! [`overpayment_unconfirmed`]): the excess becomes the donor's credit, and the officer is
//! told whose.

use super::{Ctx, Error};
use crate::auth::role::STAFF;
use crate::db::payments::{self, BookRefusal, NewPayment, Overpaid, Overpayment, PaymentRow};
use crate::db::payments::{Source, Target};
use crate::db::statements::{self, Decision, LineRow, ResolveRefusal};
use chrono::NaiveDate;
use lingkaran_domain::Problem;

/// The one sentence that asks for the confirmation: how much would become whose credit, and
/// how to book it anyway.
pub fn overpayment_unconfirmed(o: &Overpaid) -> Problem {
    let p = o.problem();
    Problem::new(
        "overpayment_unconfirmed",
        format!(
            "{} Untuk tetap membukukannya, konfirmasi (confirm_overpayment: true).",
            p.id
        ),
        format!(
            "{} To book it anyway, confirm it (confirm_overpayment: true).",
            p.en
        ),
    )
}

/// A booking refused by storage, by variant: money that waits for a confirmation, a
/// reference booked already for other money (the state forbids it), or input that names
/// nothing or is out of bounds.
fn refused(r: BookRefusal) -> Error {
    match r {
        BookRefusal::Overpayment(o) => Error::Unconfirmed(overpayment_unconfirmed(&o)),
        BookRefusal::ReferenceReused { .. } => Error::Conflict(r.problem()),
        BookRefusal::AmountOutOfBounds
        | BookRefusal::UnknownTarget(_)
        | BookRefusal::LedgerRefused { .. } => Error::Invalid(vec![r.problem()]),
    }
}

fn over(confirmed: bool) -> Overpayment {
    if confirmed {
        Overpayment::ToCredit
    } else {
        Overpayment::Refuse
    }
}

/// What an officer decides about a statement line that matched nothing.
#[derive(Debug, Clone, Default)]
pub struct Resolve {
    pub invoice_number: Option<String>,
    pub donor_id: Option<i64>,
    /// Not a donation (bank interest, a transfer between our own accounts): needs a note.
    pub ignore: bool,
    pub note: Option<String>,
    /// Book it even past the invoice's amount; the excess becomes the donor's credit.
    pub confirm_overpayment: bool,
}

/// Books an unmatched line to an invoice or a donor's credit, or sets it aside with a note.
pub async fn resolve_line(ctx: Ctx<'_>, line_id: i64, r: Resolve) -> Result<LineRow, Error> {
    let p = ctx.require(&STAFF)?;
    let note = r.note.as_deref().map(str::trim).unwrap_or("");
    lingkaran_domain::fields::check_len(
        "Catatan",
        "The note",
        note,
        lingkaran_domain::fields::NOTE_MAX,
    )
    .map_err(|p| Error::Invalid(vec![p]))?;
    let invoice = r.invoice_number.as_deref().map(str::trim);
    let decision = match (r.ignore, invoice, r.donor_id) {
        (true, _, _) => {
            if note.is_empty() {
                return Err(Error::invalid(
                    "note_required",
                    "Tulis alasan baris ini bukan donasi (note).",
                    "Say why this line is not a donation (note).",
                ));
            }
            Decision::Ignore
        }
        (false, Some(n), _) => Decision::Assign(Target::InvoiceNumber(n.to_uppercase())),
        (false, None, Some(d)) => Decision::Assign(Target::Donor(d)),
        (false, None, None) => {
            return Err(Error::invalid(
                "decision_required",
                "Pilih tagihan (invoice_number), donatur (donor_id), atau abaikan (ignore) dengan alasan.",
                "Choose an invoice (invoice_number), a donor (donor_id), or ignore it with a note.",
            ))
        }
    };
    let decided = statements::resolve(
        ctx.db,
        line_id,
        decision,
        note,
        r.confirm_overpayment,
        crate::db::audit::Actor::of(p),
        ctx.clock.now(),
    )
    .await?;
    decided.map_err(|e| match e {
        ResolveRefusal::NotFound => Error::NotFound("Baris mutasi"),
        ResolveRefusal::Book(b) => refused(b),
        ResolveRefusal::AlreadyDecided { .. } => Error::Invalid(vec![e.problem()]),
    })
}

/// A manual entry as the officer typed it (the API's multipart fields or the page's form).
#[derive(Debug, Clone, Default)]
pub struct Manual {
    /// The invoice it pays (`INV-2026-000123`, any case), or empty with a donor.
    pub invoice_number: String,
    /// The donor whose credit it becomes, when no invoice is named.
    pub donor_id: String,
    /// Rupiah as written: `1.500.000`, `Rp 50.000`.
    pub amount: String,
    /// `YYYY-MM-DD`, not in the future.
    pub paid_on: String,
    /// The receipt or transfer number: the payment is booked once per number.
    pub reference: String,
    pub note: String,
    /// The file's name and bytes: a photo or scan of the receipt or transfer.
    pub evidence: Option<(String, Vec<u8>)>,
    /// Book it even past the invoice's amount; the excess becomes the donor's credit.
    pub confirm_overpayment: bool,
}

/// A manual entry booked.
pub struct Recorded {
    pub payment: PaymentRow,
    /// `false`: this receipt number was booked before; nothing moved this time.
    pub new: bool,
    /// The donation this payment completed, if it did.
    pub funded_donation: Option<i64>,
}

/// Records money an officer received, with its evidence.
pub async fn manual(ctx: Ctx<'_>, m: Manual) -> Result<Recorded, Error> {
    let p = ctx.require(&STAFF)?;
    let confirmed = m.confirm_overpayment;
    let payment =
        checked(ctx, m, crate::db::audit::Actor::of(p)).map_err(|e| Error::Invalid(vec![e]))?;
    let booked = payments::book_as(ctx.db, &payment, over(confirmed), ctx.clock.now())
        .await?
        .map_err(refused)?;
    let payment = payments::get(ctx.db, booked.payment_id)
        .await?
        .ok_or(Error::NotFound("Pembayaran"))?;
    Ok(Recorded {
        payment,
        new: booked.new,
        funded_donation: booked.funded_donation,
    })
}

/// Checks a manual entry, in this order: evidence attached, an amount in rupiah, a payment
/// date not in the future, a receipt or transfer number, and an invoice or a donor.
fn checked(ctx: Ctx<'_>, e: Manual, by: crate::db::audit::Actor) -> Result<NewPayment, Problem> {
    let Some((evidence_name, evidence_bytes)) = e.evidence else {
        return Err(Problem::new(
            "evidence_required",
            "Lampirkan bukti pembayaran (foto atau pindaian kuitansi/bukti transfer) di kolom evidence.",
            "Attach the evidence (a photo or scan of the receipt or transfer) in the field evidence.",
        ));
    };
    let written = e.amount.trim();
    let amount = lingkaran_domain::worker::parse_rupiah(written)
        .filter(|a| *a > 0)
        .ok_or_else(|| {
            Problem::new(
                "bad_amount",
                format!("Jumlah \"{written}\" bukan jumlah rupiah yang sah."),
                format!("Amount \"{written}\" is not a valid rupiah amount."),
            )
        })?;
    let paid_on = NaiveDate::parse_from_str(e.paid_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= ctx.clock.today())
        .ok_or_else(|| {
            Problem::new(
                "bad_date",
                "Tanggal bayar (paid_on) berbentuk TTTT-BB-HH dan tidak di masa depan.",
                "The payment date (paid_on) looks like YYYY-MM-DD and is not in the future.",
            )
        })?;
    let reference = e.reference.trim();
    if reference.is_empty() {
        return Err(Problem::new(
            "reference_required",
            "Nomor kuitansi atau nomor transfer (reference) wajib diisi, agar pembayaran tidak tercatat dua kali.",
            "The receipt or transfer number (reference) is required, so the payment is never booked twice.",
        ));
    }
    let target = match (e.invoice_number.trim(), e.donor_id.trim()) {
        ("", "") => {
            return Err(Problem::new(
                "target_required",
                "Sebutkan nomor tagihan (invoice_number) atau donatur (donor_id).",
                "Name the invoice (invoice_number) or the donor (donor_id).",
            ))
        }
        ("", d) => Target::Donor(d.parse().map_err(|_| {
            Problem::new(
                "bad_donor",
                "donor_id harus angka.",
                "donor_id must be a number.",
            )
        })?),
        (n, _) => Target::InvoiceNumber(n.to_uppercase()),
    };
    let note = e.note.trim();
    lingkaran_domain::fields::check_len(
        "Catatan",
        "The note",
        note,
        lingkaran_domain::fields::NOTE_MAX,
    )?;
    Ok(NewPayment {
        source: Source::Manual,
        reference: reference.to_string(),
        target,
        amount,
        paid_on,
        channel: Some("manual".into()),
        evidence_name: Some(evidence_name),
        evidence: Some(evidence_bytes),
        recorded_by: by,
        note: (!note.is_empty()).then(|| note.to_string()),
    })
}
