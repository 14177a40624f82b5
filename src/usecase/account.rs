//! A donor's account: signing up, who a caller acts for, receipts, and the donor's
//! preferences.

use super::{Ctx, Error};
use crate::auth::role::STAFF;
use crate::auth::Role;
use crate::db::donations::{self, CreditSettlement};
use crate::db::donors::{self, Donor, Preferences, PreferencesChange};
use crate::db::payments::{self, PaymentRow};
use crate::db::receipts;
use lingkaran_domain::receipt::Code;

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

/// Whether the caller sees a donor's account in full (invoices, payments, receipts) or its
/// totals only: the donor's own account and an admin see it in full; an officer when the
/// donor funds workers in their regions, or is a government donor of one of them; anyone
/// else the totals.
pub async fn sees_account(ctx: Ctx<'_>, donor: &Donor) -> Result<bool, Error> {
    let p = ctx.actor;
    Ok(match p.role {
        Role::Admin => true,
        Role::Donor => donor.user_id == Some(p.user_id),
        Role::Officer => {
            donor.region_code.as_deref().is_some_and(|r| p.covers(r))
                || donors::funds_in_regions(ctx.db, donor.id, &p.scopes).await?
        }
        _ => false,
    })
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
    /// `KW/2026/000123` (`db::receipts`).
    pub number: String,
    pub payment: PaymentRow,
    /// The name the receipt prints ([`Donor::name_on_receipts`]).
    pub donor_name: Option<String>,
    /// Its verification code (`/verifikasi/{code}`).
    pub code: Option<Code>,
}

pub async fn receipt(ctx: Ctx<'_>, payment_id: i64) -> Result<Receipt, Error> {
    let payment = visible_payment(ctx, payment_id).await?;
    let donor = donors::get(ctx.db, payment.donor_id).await?;
    let code = receipts::of(ctx.db, receipts::For::Payment(payment.id))
        .await?
        .map(|r| r.code());
    Ok(Receipt {
        code,
        number: payment.receipt_number(),
        payment,
        donor_name: donor.map(|d| d.name_on_receipts().to_string()),
    })
}

/// The receipt of a donation paid from the donor's credit: no money came in, the credit the
/// donor already had paid the invoice, and this says how much and for which donation.
pub struct CreditReceipt {
    /// `KW/2026/000124` (`db::receipts`).
    pub number: String,
    pub settlement: CreditSettlement,
    /// The name the receipt prints ([`Donor::name_on_receipts`]).
    pub donor_name: Option<String>,
    /// Its verification code (`/verifikasi/{code}`).
    pub code: Option<Code>,
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
    let code = receipts::of(ctx.db, receipts::For::CreditSettlement(settlement.id))
        .await?
        .map(|r| r.code());
    Ok(CreditReceipt {
        code,
        number: settlement.receipt_number(),
        settlement,
        donor_name: donor.map(|d| d.name_on_receipts().to_string()),
    })
}

/// A donor's preferences: the donor themself, or staff.
pub async fn preferences(ctx: Ctx<'_>, donor_id: i64) -> Result<Preferences, Error> {
    acting_donor(ctx, Some(donor_id)).await?;
    donors::preferences(ctx.db, donor_id)
        .await?
        .ok_or(Error::NotFound("Donatur"))
}

/// Where reminders go, how the donor is named, and where a stopped month's money goes.
pub struct PreferencesInput {
    pub email: Option<String>,
    /// Named on the public pages, or "donatur anonim".
    pub public_name: bool,
    pub leftover_to_pool: bool,
    /// The name on its receipts as typed: `None` leaves it as it is; empty (or blank) goes
    /// back to the registered name ([`lingkaran_domain::donor::parse_receipt_name`]).
    pub receipt_name: Option<String>,
    /// Whether `/transparansi` lists its total: `None` leaves it as it is.
    pub show_total: Option<bool>,
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
    let receipt_name = input
        .receipt_name
        .as_deref()
        .map(lingkaran_domain::donor::parse_receipt_name)
        .transpose()
        .map_err(|p| Error::Invalid(vec![p]))?;
    let change = PreferencesChange {
        email,
        public_name: input.public_name,
        leftover_to_pool: input.leftover_to_pool,
        receipt_name,
        show_total: input.show_total,
    };
    donors::change_preferences(ctx.db, donor_id, &change, ctx.by(), ctx.clock.now())
        .await?
        .ok_or(Error::NotFound("Donatur"))
}

/// An individual's sign-up as typed: the username is taken in lower case, the name trimmed.
pub struct SignUp {
    pub username: String,
    pub full_name: String,
    pub password: String,
    /// The network address it came from, which the throttle counts.
    pub address: String,
}

/// A donor who signed up: their user and donor records, and the username as stored.
pub struct SignedUp {
    pub user_id: i64,
    pub donor_id: i64,
    pub username: String,
}

/// An individual becomes a donor: at most `per_hour` sign-ups per network address an hour
/// (`LINGKARAN_SIGNUPS_PER_HOUR`, counted in the store so that every instance counts the
/// same), then a username of 3–40 characters, a name and a password the policy accepts
/// ([`super::signin::check_new_password`]).
///
/// Nobody is signed in yet, so it takes the store and the clock rather than a [`Ctx`].
pub async fn sign_up(
    db: &crate::db::Db,
    clock: &dyn crate::clock::Clock,
    per_hour: i64,
    input: SignUp,
) -> Result<SignedUp, Error> {
    let now = clock.now();
    if let Err(secs) = donors::signup_allowed(db, &input.address, now, per_hour).await? {
        let minutes = (secs + 59) / 60;
        return Err(Error::Throttled {
            problem: lingkaran_domain::Problem::new(
                "too_many_signups",
                format!(
                    "Terlalu banyak pendaftaran dari alamat jaringan ini ({per_hour} dalam satu jam). \
                     Coba lagi dalam {minutes} menit."
                ),
                format!(
                    "Too many sign-ups from this network address ({per_hour} in an hour). \
                     Try again in {minutes} minutes."
                ),
            ),
            retry_after: secs,
        });
    }
    let username = input.username.trim().to_lowercase();
    let full_name = input.full_name.trim();
    let valid_name = (3..=40).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid_name {
        return Err(Error::invalid(
            "invalid_username",
            "Nama pengguna 3–40 karakter: huruf, angka, titik, garis bawah atau tanda hubung.",
            "A username has 3–40 characters: letters, digits, dot, underscore or hyphen.",
        ));
    }
    if full_name.is_empty() {
        return Err(Error::invalid(
            "missing_name",
            "Nama lengkap wajib diisi.",
            "Your full name is required.",
        ));
    }
    lingkaran_domain::fields::check_name(
        "Nama lengkap",
        "The full name",
        full_name,
        lingkaran_domain::fields::PERSON_NAME_MAX,
    )
    .map_err(|p| Error::Invalid(vec![p]))?;
    super::signin::check_new_password(&input.password, &username)?;
    // Hashed in the bounded password pool, like every argon2 computation of a request.
    let hash = crate::auth::password::hash_bounded(&input.password)
        .await
        .map_err(super::signin::busy)??;
    let (user_id, donor_id) = donors::sign_up(db, &username, full_name, &hash, now)
        .await?
        .ok_or_else(|| {
            Error::conflict(
                "username_taken",
                format!("Nama pengguna {username} sudah dipakai."),
                format!("Username {username} is already taken."),
            )
        })?;
    donors::record_signup(db, &input.address, now).await?;
    Ok(SignedUp {
        user_id,
        donor_id,
        username,
    })
}
