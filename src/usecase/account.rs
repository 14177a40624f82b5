//! A donor's account: who a caller acts for, receipts, and the donor's preferences.

use super::{Ctx, Error};
use crate::auth::role::STAFF;
use crate::auth::Role;
use crate::db::donations::{self, CreditSettlement};
use crate::db::donors::{self, Donor, Preferences};
use crate::db::payments::{self, PaymentRow};
use lingkaran_domain::format::{receipt_number, ReceiptOf};

/// The donor a caller acts for: a donor account acts for its own donor record (the one named,
/// or its first); staff must name one. Anyone else is refused.
pub async fn acting_donor(ctx: Ctx<'_>, donor_id: Option<i64>) -> Result<Donor, Error> {
    match ctx.actor.role {
        Role::Donor => {
            let own = donors::list(ctx.db, Some(ctx.actor.user_id)).await?;
            let d = match donor_id {
                Some(id) => own.into_iter().find(|d| d.id == id),
                None => own.into_iter().next(),
            };
            d.ok_or(Error::NotFound("Donatur"))
        }
        Role::Admin | Role::Officer => {
            let id = donor_id.ok_or_else(|| {
                Error::invalid(
                    "donor_required",
                    "Sebutkan donatur (donor_id) yang berdonasi.",
                    "Name the donor (donor_id) who gives.",
                )
            })?;
            donors::get(ctx.db, id)
                .await?
                .ok_or(Error::NotFound("Donatur"))
        }
        _ => Err(Error::Forbidden),
    }
}

/// A payment the caller may see: staff see all, a donor account its own donor's. Anything
/// else reads as not found.
pub async fn visible_payment(ctx: Ctx<'_>, id: i64) -> Result<PaymentRow, Error> {
    let pay = payments::get(ctx.db, id)
        .await?
        .ok_or(Error::NotFound("Pembayaran"))?;
    if STAFF.contains(&ctx.actor.role)
        || (ctx.actor.role == Role::Donor && acting_donor(ctx, Some(pay.donor_id)).await.is_ok())
    {
        return Ok(pay);
    }
    Err(Error::NotFound("Pembayaran"))
}

/// The receipt (kuitansi) of one payment.
pub struct Receipt {
    /// `KW-12`: [`receipt_number`].
    pub number: String,
    pub payment: PaymentRow,
    pub donor_name: Option<String>,
}

pub async fn receipt(ctx: Ctx<'_>, payment_id: i64) -> Result<Receipt, Error> {
    let payment = visible_payment(ctx, payment_id).await?;
    let donor = donors::get(ctx.db, payment.donor_id).await?;
    Ok(Receipt {
        number: receipt_number(ReceiptOf::Payment(payment.id)),
        payment,
        donor_name: donor.map(|d| d.name),
    })
}

/// The receipt of a donation paid from the donor's credit: no money came in, the credit the
/// donor already had paid the invoice, and this says how much and for which donation.
pub struct CreditReceipt {
    /// `KWK-5`: [`receipt_number`].
    pub number: String,
    pub settlement: CreditSettlement,
    pub donor_name: Option<String>,
}

/// Who may see it as for a payment: staff, or the donor whose credit paid.
pub async fn credit_receipt(ctx: Ctx<'_>, settlement_id: i64) -> Result<CreditReceipt, Error> {
    let settlement = donations::credit_settlement(ctx.db, settlement_id)
        .await?
        .ok_or(Error::NotFound("Kuitansi"))?;
    let own =
        ctx.actor.role == Role::Donor && acting_donor(ctx, Some(settlement.donor_id)).await.is_ok();
    if !(STAFF.contains(&ctx.actor.role) || own) {
        return Err(Error::NotFound("Kuitansi"));
    }
    let donor = donors::get(ctx.db, settlement.donor_id).await?;
    Ok(CreditReceipt {
        number: receipt_number(ReceiptOf::CreditSettlement(settlement.id)),
        settlement,
        donor_name: donor.map(|d| d.name),
    })
}

/// A donor's preferences: the donor themself, or staff.
pub async fn preferences(ctx: Ctx<'_>, donor_id: i64) -> Result<Preferences, Error> {
    acting_donor(ctx, Some(donor_id)).await?;
    donors::preferences(ctx.db, donor_id)
        .await?
        .ok_or(Error::NotFound("Donatur"))
}

/// Where reminders go, whether the public page may name the donor, and where a stopped
/// month's money goes.
pub struct PreferencesInput {
    pub email: Option<String>,
    pub public_name: bool,
    pub leftover_to_pool: bool,
}

/// The longest e-mail address SMTP carries (RFC 5321: 254 characters in a path).
const MAX_EMAIL: usize = 254;

pub async fn set_preferences(
    ctx: Ctx<'_>,
    donor_id: i64,
    input: PreferencesInput,
) -> Result<Preferences, Error> {
    acting_donor(ctx, Some(donor_id)).await?;
    let email = input
        .email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if let Some(e) = &email {
        if e.chars().count() > MAX_EMAIL || e.parse::<lettre::Address>().is_err() {
            let shown: String = e.chars().take(60).collect();
            return Err(Error::invalid(
                "invalid_email",
                format!("\"{shown}\" bukan alamat e-mail."),
                format!("\"{shown}\" is not an e-mail address."),
            ));
        }
    }
    let p = Preferences {
        email,
        public_name: input.public_name,
        leftover_to_pool: input.leftover_to_pool,
    };
    if !donors::set_preferences(ctx.db, donor_id, &p).await? {
        return Err(Error::NotFound("Donatur"));
    }
    Ok(p)
}
