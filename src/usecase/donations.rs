//! Donations: make one (or review it first, holding nothing), see it, extend it, pay it from
//! credit, cancel it. The API and the donate pages call these; neither reads the other's
//! answers.

use super::account::acting_donor;

use super::{Ctx, Error};
use crate::auth::role::{GIVERS, STAFF};
use crate::auth::Role;
use crate::db::donations::{
    self, Choice, Criteria, DonationRow, HoldLimits, InvoiceRow, NewDonation, Preview,
};
use crate::db::donors::{self, Donor};

use lingkaran_domain::format::rupiah;
use lingkaran_domain::rates::Month;
use lingkaran_domain::status::DonationStatus;
use lingkaran_domain::worker::Occupation;
use lingkaran_domain::Problem;
use serde_json::{json, Value};

/// The settings a donation obeys: the edge builds them from its configuration
/// (`Settings::terms` in `src/app.rs`) and hands them in, so a use case reads no settings of
/// its own.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    /// How long an unpaid donation holds its workers.
    pub hold: chrono::Duration,
    /// What a donor who signed up alone may hold at a time.
    pub limits: HoldLimits,
    /// How far ahead a donation may start, in months after the first payable one.
    pub max_months_ahead: u32,
}

/// At most this many NIKs in one named donation (docs/privacy.md, "Oracles closed").
pub const MAX_NAMED_NIKS: usize = 1_000;

/// Named donations are open only to donors an officer has verified: a donor who signed up a
/// minute ago cannot try NIKs by the thousand. Staff who register a donor verify it then;
/// an individual who signed up alone waits for an officer (`verify_donor`).
async fn named_allowed(ctx: Ctx<'_>, donor: &Donor, input: &DonationInput) -> Result<(), Error> {
    if input.mode != "named" || donors::is_verified(ctx.db, donor.id).await? {
        return Ok(());
    }
    Err(Error::conflict(
        "donor_not_verified",
        "Donasi dengan NIK terbuka setelah petugas memverifikasi akun donatur Anda. Sementara itu, pilih pekerja menurut kriteria atau anggaran.",
        "Donations by NIK open once an officer has verified your donor account. Meanwhile, choose workers by criteria or budget.",
    ))
}

/// An officer (or admin) verifies a donor, opening named donations to it.
pub async fn verify_donor(ctx: Ctx<'_>, donor_id: i64) -> Result<(), Error> {
    ctx.require(&STAFF)?;
    if donors::verify(ctx.db, donor_id, ctx.actor.user_id, ctx.clock.now()).await? {
        Ok(())
    } else {
        Err(Error::NotFound("Donatur"))
    }
}

/// Which workers a criteria or budget donation may choose; every field optional.
#[derive(Debug, Clone, Default)]
pub struct CriteriaInput {
    pub region: Option<String>,
    pub occupation: Option<String>,
    pub sex: Option<String>,
    pub max_decile: Option<i64>,
}

/// A donation as asked for, unchecked.
#[derive(Debug, Clone, Default)]
pub struct DonationInput {
    /// Staff name the donor; a donor account gives as itself.
    pub donor_id: Option<i64>,
    /// `named`, `criteria` or `budget`.
    pub mode: String,
    pub niks: Option<Vec<String>>,
    pub skip_unavailable: bool,
    pub criteria: Option<CriteriaInput>,
    pub count: Option<i64>,
    pub budget: Option<i64>,
    pub months: Option<i64>,
    pub start: Option<String>,
    pub budget_line_id: Option<i64>,
    pub pay_from_credit: bool,
}

/// A donation made: the donation, its invoice, and what it could not do.
pub struct Made {
    pub donation: DonationRow,
    pub invoice: Option<InvoiceRow>,
    /// Criteria donations: workers asked for but not found free.
    pub shortfall: i64,
    /// Named donations with `skip_unavailable`: the NIKs left out, and why.
    pub skipped: Vec<(String, Problem)>,
}

/// A donation with its invoice.
pub struct Shown {
    pub donation: DonationRow,
    pub invoice: Option<InvoiceRow>,
}

fn invalid(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Error {
    Error::invalid(code, id, en)
}

/// A donation the caller may see: staff see all, a donor account its own. Anything else
/// reads as not found.
pub async fn visible(ctx: Ctx<'_>, id: i64) -> Result<DonationRow, Error> {
    let d = donations::get(ctx.db, id)
        .await?
        .ok_or(Error::NotFound("Donasi"))?;
    if STAFF.contains(&ctx.actor.role) {
        return Ok(d);
    }
    if ctx.actor.role == Role::Donor {
        let own = donors::list(ctx.db, Some(ctx.actor.user_id)).await?;
        if own.iter().any(|o| o.id == d.donor_id) {
            return Ok(d);
        }
    }
    Err(Error::NotFound("Donasi"))
}

/// One donation with its invoice.
pub async fn show(ctx: Ctx<'_>, id: i64) -> Result<Shown, Error> {
    let donation = visible(ctx, id).await?;
    let invoice = donations::invoice_of(ctx.db, id).await?;
    Ok(Shown { donation, invoice })
}

/// The one region a typed name means, or words saying which codes it could be.
fn region_by_name(table: &crate::regions::RegionTable, typed: &str) -> Result<String, Error> {
    let shown: String = typed.chars().take(60).collect();
    let found = table.by_name(typed);
    match found.as_slice() {
        [one] => Ok(one.code.clone()),
        [] => Err(invalid(
            "unknown_region",
            format!("Wilayah \"{shown}\" tidak dikenal: tulis namanya (misalnya Gresik atau Dukun) atau kodenya (35.25 untuk Kabupaten Gresik)."),
            format!("Region \"{shown}\" is not known: type its name (such as Gresik or Dukun) or its code (35.25 for Kabupaten Gresik)."),
        )),
        many => {
            let named = |r: &crate::regions::Region| {
                let above = r
                    .parent()
                    .and_then(|p| table.region(p))
                    .map(|p| format!(", {}", p.name))
                    .unwrap_or_default();
                format!("{}{above} ({})", r.name, r.code)
            };
            let list: Vec<String> = many.iter().take(8).map(|r| named(r)).collect();
            let more = if many.len() > 8 {
                format!(" dan {} lainnya", many.len() - 8)
            } else {
                String::new()
            };
            Err(invalid(
                "ambiguous_region",
                format!(
                    "Ada {} wilayah bernama \"{shown}\": {}{more}. Tulis kodenya.",
                    many.len(),
                    list.join("; ")
                ),
                format!(
                    "{} regions are called \"{shown}\": {}. Type its code.",
                    many.len(),
                    list.join("; ")
                ),
            ))
        }
    }
}

fn parse_criteria(c: Option<CriteriaInput>) -> Result<Criteria, Error> {
    let c = c.unwrap_or_default();
    let table = crate::regions::RegionTable::get();
    let region = c
        .region
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    // A code, or a name that means one region ("Gresik": Kabupaten Gresik).
    let region = match region {
        Some(r) if table.region(&r).is_none() => Some(region_by_name(table, &r)?),
        other => other,
    };
    let occupation = match c
        .occupation
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(o) => Some(
            Occupation::parse(o)
                .ok_or_else(|| {
                    invalid(
                        "unknown_occupation",
                        format!("Pekerjaan \"{o}\" tidak dikenal."),
                        format!("Occupation \"{o}\" is not known."),
                    )
                })?
                .code()
                .to_string(),
        ),
        None => None,
    };
    let sex = match c.sex.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            match lingkaran_domain::Sex::parse(s) {
                Some(lingkaran_domain::Sex::Male) => "M",
                Some(lingkaran_domain::Sex::Female) => "F",
                None => {
                    return Err(invalid(
                        "invalid_sex",
                        format!("Jenis kelamin \"{s}\" harus L atau P."),
                        format!("Sex \"{s}\" must be M or F."),
                    ))
                }
            }
            .to_string(),
        ),
        None => None,
    };
    if let Some(d) = c.max_decile {
        if !(1..=10).contains(&d) {
            return Err(invalid(
                "invalid_decile",
                "Desil kemiskinan 1 sampai 10.",
                "The poverty decile is 1 to 10.",
            ));
        }
    }
    Ok(Criteria {
        region,
        occupation,
        sex,
        max_decile: c.max_decile,
    })
}

/// The start month: the one asked for, or the first whose due date (the 15th) has not
/// passed. A month already past its due date cannot be paid for any more, and one more than
/// `max_ahead` months after the first payable one cannot be paid for yet.
pub fn parse_start(
    start: Option<&str>,
    today: chrono::NaiveDate,
    max_ahead: u32,
) -> Result<Month, Error> {
    let first = Month::first_payable(today);
    match start.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(first),
        Some(s) => {
            let m = Month::parse(s).ok_or_else(|| {
                invalid(
                    "invalid_start",
                    format!("Bulan mulai \"{s}\" harus berbentuk TTTT-BB, misalnya {first}."),
                    format!("The start month \"{s}\" must look like YYYY-MM, e.g. {first}."),
                )
            })?;
            if m < first {
                return Err(invalid(
                    "start_past_due",
                    format!("Iuran bulan {m} sudah lewat jatuh tempo (tanggal 15); bulan paling awal yang bisa didanai adalah {first}."),
                    format!("Contributions for {m} are past their due date (the 15th); the earliest month that can be funded is {first}."),
                ));
            }
            check_ahead(m, today, max_ahead)?;
            Ok(m)
        }
    }
}

/// Refuses a start more than `max_ahead` months after the first payable month: a hold far
/// in the future would keep workers from donors who would pay now.
pub fn check_ahead(m: Month, today: chrono::NaiveDate, max_ahead: u32) -> Result<(), Error> {
    let latest = Month::first_payable(today).plus(max_ahead);
    if m > latest {
        return Err(invalid(
            "start_too_far",
            format!("Donasi paling jauh dimulai {max_ahead} bulan ke depan, yaitu {latest}; bulan {m} terlalu jauh."),
            format!("A donation may start at most {max_ahead} months ahead, that is {latest}; {m} is too far."),
        ));
    }
    Ok(())
}

pub fn parse_months(months: Option<i64>) -> Result<u32, Error> {
    match months {
        Some(m @ 1..=12) => Ok(m as u32),
        other => Err(invalid(
            "invalid_months",
            format!(
                "Lama pendanaan 1 sampai 12 bulan, bukan {}.",
                other
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "kosong".into())
            ),
            format!(
                "A donation lasts 1 to 12 months, not {}.",
                other
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "nothing".into())
            ),
        )),
    }
}

/// The donation a request asks for, checked.
fn new_donation(
    ctx: Ctx<'_>,
    terms: Terms,
    donor: &Donor,
    input: DonationInput,
) -> Result<NewDonation, Error> {
    let today = ctx.clock.today();
    let months = parse_months(input.months)?;
    let start = parse_start(input.start.as_deref(), today, terms.max_months_ahead)?;
    let choice = match input.mode.as_str() {
        "named" => {
            let niks = input.niks.clone().unwrap_or_default();
            if niks.is_empty() {
                return Err(invalid(
                    "niks_required",
                    format!("Sebutkan 1 sampai {MAX_NAMED_NIKS} NIK pekerja (niks)."),
                    format!("Give 1 to {MAX_NAMED_NIKS} workers' NIKs (niks)."),
                ));
            }
            if niks.len() > MAX_NAMED_NIKS {
                return Err(invalid(
                    "too_many_niks",
                    format!(
                        "Paling banyak {MAX_NAMED_NIKS} NIK sekali minta ({} dikirim). Untuk lebih banyak pekerja, pilih menurut kriteria atau anggaran.",
                        niks.len()
                    ),
                    format!(
                        "At most {MAX_NAMED_NIKS} NIKs a request ({} sent). For more workers, choose by criteria or budget.",
                        niks.len()
                    ),
                ));
            }
            let niks = donations::parse_named(&niks, today).map_err(Error::Invalid)?;
            Choice::Named {
                niks,
                skip_unavailable: input.skip_unavailable,
            }
        }
        "criteria" => {
            let count = input.count.unwrap_or(0);
            if !(1..=1_000_000).contains(&count) {
                return Err(invalid(
                    "invalid_count",
                    "Jumlah pekerja (count) 1 sampai 1.000.000.",
                    "The number of workers (count) is 1 to 1,000,000.",
                ));
            }
            Choice::Criteria {
                criteria: parse_criteria(input.criteria)?,
                count,
            }
        }
        "budget" => {
            let rupiah_in = input.budget.unwrap_or(0);
            if rupiah_in <= 0 {
                return Err(invalid(
                    "invalid_budget",
                    "Anggaran (budget) dalam rupiah, lebih dari Rp 0.",
                    "The budget is in rupiah, more than Rp 0.",
                ));
            }
            Choice::Budget {
                criteria: parse_criteria(input.criteria)?,
                rupiah: rupiah_in,
            }
        }
        other => {
            return Err(invalid(
                "invalid_mode",
                format!(
                    "Cara memilih pekerja \"{other}\" tidak dikenal: named, criteria atau budget."
                ),
                format!("Unknown way to choose workers \"{other}\": named, criteria or budget."),
            ))
        }
    };
    if input.budget_line_id.is_some() && donor.kind != "government" {
        return Err(invalid(
            "not_government",
            "Hanya donatur pemerintah yang memakai mata anggaran.",
            "Only government donors have budget lines.",
        ));
    }
    // The request as kept with the donation, to explain and to extend it.
    let request = json!({
        "mode": input.mode, "niks": input.niks.as_ref().map(|n| n.len()), "criteria": match &choice {
            Choice::Criteria { criteria, .. } | Choice::Budget { criteria, .. } => json!({
                "region": criteria.region, "occupation": criteria.occupation, "sex": criteria.sex, "max_decile": criteria.max_decile,
            }),
            Choice::Named { .. } => Value::Null,
        },
        "count": input.count, "budget": input.budget, "months": months, "start": start.to_string(),
    });
    Ok(NewDonation {
        donor_id: donor.id,
        budget_line_id: input.budget_line_id,
        choice,
        start,
        months,
        extends_id: None,
        created_by: ctx.actor.user_id,
        hold: terms.hold,
        request_json: request.to_string(),
        today,
    })
}

async fn made(ctx: Ctx<'_>, made: donations::Created) -> Result<Made, Error> {
    let Shown {
        donation, invoice, ..
    } = show_any(ctx, made.id).await?;
    Ok(Made {
        donation,
        invoice,
        shortfall: made.shortfall,
        skipped: made.skipped,
    })
}

/// A donation just written by this caller: read back without the visibility check.
async fn show_any(ctx: Ctx<'_>, id: i64) -> Result<Shown, Error> {
    let donation = donations::get(ctx.db, id)
        .await?
        .ok_or(Error::NotFound("Donasi"))?;
    let invoice = donations::invoice_of(ctx.db, id).await?;
    Ok(Shown { donation, invoice })
}

/// Makes the donation for the donor the caller acts for and, when asked, pays it from the
/// donor's credit (a credit that does not cover it leaves it held, with its invoice open).
pub async fn make(ctx: Ctx<'_>, terms: Terms, input: DonationInput) -> Result<Made, Error> {
    ctx.require(&GIVERS)?;
    let donor = acting_donor(ctx, input.donor_id).await?;
    named_allowed(ctx, &donor, &input).await?;
    let pay_from_credit = input.pay_from_credit;
    let d = new_donation(ctx, terms, &donor, input)?;
    let created = donations::create_limited(ctx.db, &d, Some(terms.limits), ctx.clock.now())
        .await?
        .map_err(Error::Invalid)?;
    if pay_from_credit {
        donations::settle(ctx.db, created.id, ctx.by(), ctx.clock.now()).await?;
    }
    made(ctx, created).await
}

/// The review step: the donation made and rolled back, with the workers it would choose now
/// and their exact price, by the same code that writes the invoice. Nothing is held.
pub async fn review(ctx: Ctx<'_>, terms: Terms, input: DonationInput) -> Result<Preview, Error> {
    ctx.require(&GIVERS)?;
    let donor = acting_donor(ctx, input.donor_id).await?;
    named_allowed(ctx, &donor, &input).await?;
    let d = new_donation(ctx, terms, &donor, input)?;
    donations::preview(ctx.db, &d, Some(terms.limits), ctx.clock.now())
        .await?
        .map_err(Error::Invalid)
}

/// How to extend: for how many months, from when (default: after the donation ends).
#[derive(Debug, Clone, Default)]
pub struct ExtendInput {
    pub months: Option<i64>,
    pub start: Option<String>,
}

/// The same workers again, for more months: a named donation of the workers this donation
/// funded, starting after it ends (or later), skipping any another donor funds meanwhile.
pub async fn extend(
    ctx: Ctx<'_>,
    terms: Terms,
    id: i64,
    input: ExtendInput,
) -> Result<Made, Error> {
    ctx.require(&GIVERS)?;
    let d = visible(ctx, id).await?;
    if d.status != DonationStatus::Funded {
        return Err(Error::conflict(
            "not_funded",
            "Hanya donasi yang sudah terbayar yang dapat diperpanjang.",
            "Only a paid donation can be extended.",
        ));
    }
    let today = ctx.clock.today();
    let after = Month::from_yyyymm(d.start_month)
        .map(|s| s.plus(u32::try_from(d.months).unwrap_or(0)))
        .unwrap_or_else(|| Month::first_payable(today));
    let ahead = terms.max_months_ahead;
    let start = match input.start.as_deref() {
        Some(s) => parse_start(Some(s), today, ahead)?,
        None => after.max(Month::first_payable(today)),
    };
    check_ahead(start, today, ahead)?;
    let months = parse_months(input.months)?;
    let niks: Vec<String> = donations::niks_with_months(ctx.db, d.id).await?;
    let donor = donors::get(ctx.db, d.donor_id)
        .await?
        .ok_or(Error::NotFound("Donatur"))?;
    let created = donations::create_limited(
        ctx.db,
        &NewDonation {
            donor_id: donor.id,
            budget_line_id: d.budget_line_id,
            choice: Choice::Named {
                niks,
                skip_unavailable: true,
            },
            start,
            months,
            extends_id: Some(d.id),
            created_by: ctx.actor.user_id,
            hold: terms.hold,
            request_json: json!({ "mode": "extend", "extends": d.id, "months": months, "start": start.to_string() }).to_string(),
            today,
        },
        Some(terms.limits),
        ctx.clock.now(),
    )
    .await?
    .map_err(Error::Invalid)?;
    made(ctx, created).await
}

/// Pays a held donation from the donor's credit: the invoice is settled with what the
/// credit paid, and the donor gets a receipt for it (`account::credit_receipt`).
pub async fn pay_from_credit(ctx: Ctx<'_>, id: i64) -> Result<Shown, Error> {
    ctx.require(&GIVERS)?;
    let d = visible(ctx, id).await?;
    match d.status {
        DonationStatus::Funded => {
            return Err(Error::conflict(
                "already_paid",
                format!("Donasi {id} sudah terbayar; saldo kredit tidak dipakai lagi."),
                format!("Donation {id} is already paid; no credit was used again."),
            ))
        }
        DonationStatus::Cancelled => {
            return Err(Error::conflict(
                "cancelled",
                format!("Donasi {id} sudah dibatalkan dan tidak dapat dibayar."),
                format!("Donation {id} is cancelled and cannot be paid."),
            ))
        }
        _ => {}
    }
    if !donations::settle(ctx.db, d.id, ctx.by(), ctx.clock.now()).await? {
        let credit = crate::db::payments::credit_of(ctx.db, d.donor_id).await?;
        return Err(Error::conflict(
            "credit_insufficient",
            format!(
                "Saldo kredit {} belum cukup untuk donasi {} ({}), atau donasi sudah terbayar.",
                rupiah(credit),
                d.id,
                rupiah(d.total)
            ),
            format!(
                "The credit of {} does not cover donation {} ({}), or it is already paid.",
                rupiah(credit),
                d.id,
                rupiah(d.total)
            ),
        ));
    }
    show_any(ctx, id).await
}

/// The donor (or staff) cancels a held donation. Its months are given back as an expired
/// hold's are, its invoice is cancelled; a paid or otherwise ended donation is refused.
pub async fn cancel(ctx: Ctx<'_>, id: i64) -> Result<Shown, Error> {
    ctx.require(&[Role::Admin, Role::Officer, Role::Donor])?;
    let d = visible(ctx, id).await?;
    if let Err(status) = donations::cancel(ctx.db, d.id, ctx.by(), ctx.clock.now()).await? {
        let (why_id, why_en) = match status {
            Some(DonationStatus::Funded) => (
                "sudah dibayar; uangnya sudah menjadi iuran pekerja",
                "is paid; its money already pays the workers' contributions",
            ),
            Some(DonationStatus::Expired) => (
                "sudah kedaluwarsa; pekerjanya sudah dilepas",
                "has expired; its workers were already released",
            ),
            Some(DonationStatus::Cancelled) => ("sudah dibatalkan", "is already cancelled"),
            _ => ("tidak sedang ditahan", "is not held"),
        };
        return Err(Error::conflict(
            "not_held",
            format!("Donasi {id} tidak dapat dibatalkan: donasi ini {why_id}."),
            format!("Donation {id} cannot be cancelled: it {why_en}."),
        ));
    }
    show_any(ctx, id).await
}
