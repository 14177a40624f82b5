//! A document sent to a donor by e-mail on request (issue 14 §2): "Kirim ke e-mail" beside a
//! receipt on the account page, `POST /api/v1/payments/{id}/receipt/email`, and a donor's
//! statements alike. The document is made above the use cases (the `report` module, called
//! by the edge) and handed over as bytes; this decides where it goes and how often:
//!
//! - only to the donor's **own stored address** (`donors.email`, set in the account's
//!   preferences), never an address from the request, so a stolen session cannot send a
//!   donor's receipts (name, address, NPWP) elsewhere; a donor without one is refused
//!   (`no_email`);
//! - for the donor themself or staff acting for them ([`super::account::acting_donor`]);
//!   another donor's id reads as not found;
//! - once per document and day: the outbox's key is `document:<donor>:<WIB day>:<SHA-256 of
//!   the bytes>`, so a double click (or a retried request) queues one e-mail and answers the
//!   same outbox id;
//! - at most [`PER_DAY`] a donor a day (WIB), counted in the store under the donor's row
//!   lock, then `Throttled` until midnight;
//! - the attachment is checked by `lingkaran_domain::attachment::Attachment::new` (at most
//!   5 MB, PDF, XLSX or CSV, a safe file name) and sealed in the outbox like the text.
//!
//! Each e-mail queued is an entry in the audit trail (`document.mail`: the donor, the file's
//! name and size, the outbox id), since staff may send it for a donor.

use super::{Ctx, Error};
use crate::db::audit;
use crate::db::donors;
use crate::db::outbox::{self, Attachment, Capped, NewMessage};
use chrono::{Duration, TimeZone, Utc};
use lingkaran_domain::wib::wib_date;
use sha2::{Digest, Sha256};

/// The most documents sent to one donor's e-mail a day (WIB).
pub const PER_DAY: i64 = 20;

/// What was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailed {
    /// The outbox message that carries it.
    pub outbox_id: i64,
    /// `false`: the same document was asked for earlier today and is already queued (or
    /// sent); nothing new was queued.
    pub queued: bool,
    /// Where it goes, masked as a page may show it (`k***@semen.example`).
    pub to: String,
}

/// `keuangan@semen.example` → `k***@semen.example`.
pub fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Queues one e-mail to donor `donor_id`'s own address with `subject`, `body` and one
/// attached document (`file_name`, `content_type`, `bytes`). See the module's rules.
pub async fn mail_to_donor(
    ctx: Ctx<'_>,
    donor_id: i64,
    subject: &str,
    body: &str,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<Mailed, Error> {
    let donor = super::account::acting_donor(ctx, Some(donor_id)).await?;
    let attachment = Attachment::new(file_name, "dokumen", content_type, bytes)
        .map_err(|p| Error::Invalid(vec![p]))?;
    let email = donors::preferences(ctx.db, donor.id)
        .await?
        .and_then(|p| p.email)
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Error::conflict(
                "no_email",
                "Donatur ini belum mencatat alamat e-mail. Isi alamat e-mail di Pengaturan akun, lalu kirim lagi.",
                "This donor has no e-mail address on record. Add one in the account's preferences, then send again.",
            )
        })?;
    let now = ctx.clock.now();
    let day = wib_date(now);
    let family = format!("document:{}:{day}:", donor.id);
    let (name, size) = (attachment.file_name().to_string(), attachment.size());
    let m = NewMessage {
        dedupe_key: format!(
            "{family}{}",
            hex::encode(Sha256::digest(attachment.bytes()))
        ),
        channel: "email",
        recipient: email.clone(),
        subject: Some(subject.to_string()),
        body: body.to_string(),
        attachment: Some(attachment),
    };
    let mut tx = ctx.db.begin_write().await?;
    let done = outbox::enqueue_capped(&mut tx, donor.id, &m, &family, PER_DAY, now).await?;
    if let Capped::Queued(id) = done {
        audit::record(
            &mut tx,
            now,
            ctx.by(),
            "document.mail",
            "donor",
            donor.id,
            serde_json::json!({ "outbox": id, "file_name": name, "size": size }),
        )
        .await?;
    }
    tx.commit().await?;
    let to = masked(&email);
    match done {
        Capped::Queued(outbox_id) => Ok(Mailed {
            outbox_id,
            queued: true,
            to,
        }),
        Capped::Already(outbox_id) => Ok(Mailed {
            outbox_id,
            queued: false,
            to,
        }),
        Capped::Full => {
            // Until the next midnight in WIB (UTC+7).
            let midnight = day
                .succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| Utc.from_utc_datetime(&t) - Duration::hours(7));
            let retry_after = midnight
                .map(|m| (m - now).num_seconds().max(1))
                .unwrap_or(3600);
            Err(Error::Throttled {
                problem: lingkaran_domain::Problem::new(
                    "too_many_mails",
                    format!(
                        "Paling banyak {PER_DAY} dokumen sehari dikirim ke e-mail donatur. Coba lagi besok, atau unduh dokumennya dari halaman akun."
                    ),
                    format!(
                        "At most {PER_DAY} documents a day are sent to a donor's e-mail. Try again tomorrow, or download the document from the account page."
                    ),
                ),
                retry_after,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_masked() {
        assert_eq!(masked("keuangan@semen.example"), "k***@semen.example");
        assert_eq!(masked("bukan"), "***");
    }
}
