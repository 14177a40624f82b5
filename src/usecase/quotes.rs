//! Quotes, contribution rates and relief rules: a quote's input checked and priced (every
//! worker-month by the domain's `price_month`), a new rate or relief rule checked and added,
//! the pricing settings changed within their bounds. The JSON API and the CLI call these, so
//! each bound and each sentence a reader sees is written here once.

use super::{Ctx, Error};
use crate::auth::Role;
use crate::db::audit::Actor;
use crate::db::rates::{self, SelfPayWindow};
use crate::db::Db;
use chrono::NaiveDate;
use lingkaran_domain::donor::DonorKind;
use lingkaran_domain::format;
use lingkaran_domain::pricing::{
    self, FundingSource, PriceError, PriceSettings, Pricing, QuoteError, Relief, Sector,
    MAX_INCOME, MAX_QUOTE_MONTHS, MAX_WORKERS,
};
use lingkaran_domain::rates::{Month, Rate};
use lingkaran_domain::worker::DEFAULT_INCOME;
use lingkaran_domain::Rupiah;

/// A quote as asked for, unchecked.
#[derive(Debug, Clone, Default)]
pub struct QuoteInput {
    pub workers: i64,
    pub months: u32,
    /// The first month, YYYY-MM (default: the first month not yet due).
    pub from: Option<String>,
    /// The declared income a month (default and minimum: the regional minimum).
    pub income: Option<i64>,
    /// A [`FundingSource`] code (default: the caller's, see [`assumed_funding`]).
    pub funding: Option<String>,
    /// A [`Sector`] code (default: other).
    pub sector: Option<String>,
}

/// A quote priced, with every sum already computed within the bounds of [`Rupiah`], so that
/// showing it cannot fail.
#[derive(Debug, Clone)]
pub struct Priced {
    pub quote: pricing::Quote,
    /// Each month's price for one worker (JKK + JKM), in the order of `quote.months`.
    pub per_worker: Vec<Rupiah>,
    /// Everything, for every worker.
    pub total: Rupiah,
    /// No funding source was given: the default was used (and is said).
    pub funding_assumed: bool,
    /// No sector was given: other was used.
    pub sector_assumed: bool,
}

/// A number with dots between thousands, as amounts are written: `10.000.000`.
fn dots(n: i64) -> String {
    format::rupiah(n).replacen("Rp ", "", 1)
}

fn unknown_funding(f: &str) -> Error {
    Error::invalid(
        "invalid_funding",
        format!("Sumber dana \"{f}\" tidak dikenal: apbn, apbd, dana-desa, csr, zakat, individual atau self."),
        format!("Unknown funding source \"{f}\": apbn, apbd, dana-desa, csr, zakat, individual or self."),
    )
}

fn unknown_sector(x: &str) -> Error {
    Error::invalid(
        "invalid_sector",
        format!("Sektor \"{x}\" tidak dikenal: transport atau other."),
        format!("Unknown sector \"{x}\": transport or other."),
    )
}

/// The funding source a quote assumes when none is given: a donor's own (their kind), else
/// APBD, the full price (APBN/APBD payers get no relief), so a quote is never too low.
pub fn assumed_funding(kind: Option<&str>) -> FundingSource {
    kind.and_then(DonorKind::parse)
        .map(|k| FundingSource::of_donor(k, None))
        .unwrap_or(FundingSource::Apbd)
}

/// Checks a quote's input and prices it: every worker-month by `price_month`.
/// `default_funding` is used (and said) when `funding` is absent; the first month defaults
/// to the first one not yet due on `today`.
pub fn price(
    pricing: &Pricing,
    q: &QuoteInput,
    default_funding: FundingSource,
    today: NaiveDate,
) -> Result<Priced, Error> {
    if !(1..=MAX_WORKERS).contains(&q.workers) {
        return Err(Error::invalid(
            "invalid_workers",
            format!(
                "Jumlah pekerja {} tidak bisa dihitung: harus 1 sampai {}.",
                q.workers,
                dots(MAX_WORKERS)
            ),
            format!(
                "{} workers cannot be quoted: between 1 and {}.",
                q.workers,
                dots(MAX_WORKERS)
            ),
        ));
    }
    if !(1..=MAX_QUOTE_MONTHS).contains(&q.months) {
        return Err(Error::invalid(
            "invalid_months",
            format!(
                "Lama {} bulan tidak bisa dihitung: harus 1 sampai {MAX_QUOTE_MONTHS} bulan.",
                q.months
            ),
            format!(
                "{} months cannot be quoted: between 1 and {MAX_QUOTE_MONTHS}.",
                q.months
            ),
        ));
    }
    let income = q.income.unwrap_or(DEFAULT_INCOME);
    if !(DEFAULT_INCOME..=MAX_INCOME).contains(&income) {
        return Err(Error::invalid(
            "invalid_income",
            format!(
                "Penghasilan {} di luar batas: paling sedikit {} dan paling banyak {}.",
                dots(income),
                format::rupiah(DEFAULT_INCOME),
                format::rupiah(MAX_INCOME)
            ),
            format!(
                "Income {} is out of bounds: at least {} and at most {}.",
                dots(income),
                format::rupiah(DEFAULT_INCOME),
                format::rupiah(MAX_INCOME)
            ),
        ));
    }
    let from = match q.from.as_deref() {
        Some(s) => Month::parse(s).ok_or_else(|| {
            Error::invalid(
                "invalid_month",
                format!("Bulan mulai \"{s}\" ditulis YYYY-MM, misalnya 2027-01."),
                format!("Write the start month \"{s}\" as YYYY-MM, e.g. 2027-01."),
            )
        })?,
        None => Month::first_payable(today),
    };
    let (funding, funding_assumed) = match q.funding.as_deref() {
        Some(f) => (
            FundingSource::parse(f.trim()).ok_or_else(|| unknown_funding(f))?,
            false,
        ),
        None => (default_funding, true),
    };
    let (sector, sector_assumed) = match q.sector.as_deref() {
        Some(x) => (
            Sector::parse(x.trim()).ok_or_else(|| unknown_sector(x))?,
            false,
        ),
        None => (Sector::Other, true),
    };
    let quote = pricing::quote(pricing, q.workers, q.months, from, income, funding, sector)
        .map_err(|e| match e {
            QuoteError::Price(PriceError::NoRate(m)) => Error::invalid(
                "no_rate",
                format!("Belum ada tarif yang berlaku untuk {m}."),
                format!("No rate is in force for {m}."),
            ),
            other => Error::invalid(
                "quote_out_of_bounds",
                format!("Harga ini tidak dapat dihitung dalam batas Rp 10^15: {other}."),
                format!("This price cannot be computed within Rp 10^15: {other}."),
            ),
        })?;
    let sums = || -> Result<(Vec<Rupiah>, Rupiah), lingkaran_domain::Overflow> {
        let per_worker = quote
            .months
            .iter()
            .map(|p| p.total())
            .collect::<Result<_, _>>()?;
        Ok((per_worker, quote.total()?))
    };
    let (per_worker, total) = sums().map_err(|_| {
        Error::invalid(
            "quote_out_of_bounds",
            "Harga di luar batas.",
            "Price out of bounds.",
        )
    })?;
    Ok(Priced {
        quote,
        per_worker,
        total,
        funding_assumed,
        sector_assumed,
    })
}

/// A quote for the caller: without a funding source, a donor's own is assumed
/// ([`assumed_funding`]), anyone else's the full price.
pub async fn quote(ctx: Ctx<'_>, q: &QuoteInput) -> Result<Priced, Error> {
    let kind = if ctx.actor.role == Role::Donor {
        crate::db::donors::list(ctx.db, Some(ctx.actor.user_id))
            .await?
            .into_iter()
            .next()
            .map(|d| d.kind)
    } else {
        None
    };
    let pricing = rates::pricing(ctx.db).await?;
    price(
        &pricing,
        q,
        assumed_funding(kind.as_deref()),
        ctx.clock.today(),
    )
}

/// A quote for no one in particular (the CLI): without a funding source, the full price
/// (APBD: no relief) is assumed, and said.
pub async fn full_price(db: &Db, q: &QuoteInput, today: NaiveDate) -> Result<Priced, Error> {
    let pricing = rates::pricing(db).await?;
    price(&pricing, q, assumed_funding(None), today)
}

/// A contribution rate as asked for, unchecked.
#[derive(Debug, Clone, Default)]
pub struct RateInput {
    /// YYYY-MM.
    pub effective_from: String,
    pub jkk_basis_points: i64,
    pub jkk_min: i64,
    pub jkk_max: i64,
    pub jkm_flat: i64,
    /// The regulation.
    pub source: String,
}

/// Checks a new rate: its month written YYYY-MM and still to come on `today` (a rate in
/// force is never edited), and plausible amounts with the regulation named.
pub fn check_rate(r: &RateInput, today: NaiveDate) -> Result<Rate, Error> {
    let from = Month::parse(&r.effective_from).ok_or_else(|| {
        Error::invalid(
            "invalid_month",
            "Bulan berlaku ditulis YYYY-MM, misalnya 2027-01.",
            "Write the month as YYYY-MM, e.g. 2027-01.",
        )
    })?;
    if from <= Month::of(today) {
        return Err(Error::invalid(
            "rate_in_force",
            "Tarif hanya boleh ditambahkan untuk bulan yang akan datang; tarif yang sudah berlaku tidak diubah.",
            "Rates may only be added for a future month; a rate in force is never changed.",
        ));
    }
    if r.jkk_basis_points <= 0
        || r.jkk_min < 0
        || r.jkk_max < r.jkk_min
        || r.jkm_flat < 0
        || r.source.trim().is_empty()
    {
        return Err(Error::invalid(
            "invalid_rate",
            "Tarif tidak masuk akal: JKK > 0, minimum ≤ maksimum, JKM ≥ 0, dan sumber peraturan wajib diisi.",
            "Implausible rate: JKK > 0, minimum ≤ maximum, JKM ≥ 0, and the regulation must be named.",
        ));
    }
    Ok(Rate {
        from,
        jkk_basis_points: r.jkk_basis_points,
        jkk_min: r.jkk_min,
        jkk_max: r.jkk_max,
        jkm: r.jkm_flat,
    })
}

/// Adds a rate for a month that has not begun (admins). A month has one rate.
pub async fn add_rate(ctx: Ctx<'_>, r: &RateInput) -> Result<Rate, Error> {
    ctx.require(&[Role::Admin])?;
    let rate = check_rate(r, ctx.clock.today())?;
    if !rates::add(ctx.db, &rate, r.source.trim(), ctx.by(), ctx.clock.now()).await? {
        let from = rate.from;
        return Err(Error::conflict(
            "rate_exists",
            format!("Sudah ada tarif untuk {from}."),
            format!("A rate for {from} already exists."),
        ));
    }
    Ok(rate)
}

/// A relief rule as asked for, unchecked.
#[derive(Debug, Clone, Default)]
pub struct ReliefInput {
    pub basis: String,
    pub basis_points: i64,
    /// YYYY-MM.
    pub from: String,
    /// YYYY-MM.
    pub to: String,
    pub sectors: Vec<String>,
    pub excludes: Vec<String>,
    pub note: Option<String>,
}

/// Checks a new relief rule: months written YYYY-MM, the first one still to come (a rule in
/// force is never edited, and a new one never reaches back), known sectors and sources, a
/// share between 0 and 10 000 basis points, a named basis.
pub fn check_relief(r: &ReliefInput, today: NaiveDate) -> Result<Relief, Error> {
    let month = |field: &str, s: &str| {
        Month::parse(s).ok_or_else(|| {
            Error::invalid(
                "invalid_month",
                format!("{field} \"{s}\" ditulis YYYY-MM, misalnya 2027-01."),
                format!("{field} \"{s}\": write the month as YYYY-MM, e.g. 2027-01."),
            )
        })
    };
    let (from, to) = (month("from", &r.from)?, month("to", &r.to)?);
    if from <= Month::of(today) {
        return Err(Error::invalid(
            "relief_in_force",
            format!("Aturan keringanan hanya boleh ditambahkan mulai bulan yang akan datang, bukan {from}; aturan yang sudah berlaku tidak diubah."),
            format!("A relief rule may only start in a month to come, not {from}; a rule in force is never changed."),
        ));
    }
    let sectors = r
        .sectors
        .iter()
        .map(|s| Sector::parse(s.trim()).ok_or_else(|| unknown_sector(s)))
        .collect::<Result<_, _>>()?;
    let excludes = r
        .excludes
        .iter()
        .map(|f| FundingSource::parse(f.trim()).ok_or_else(|| unknown_funding(f)))
        .collect::<Result<_, _>>()?;
    let rule = Relief {
        id: 0,
        basis: r.basis.trim().to_string(),
        basis_points: r.basis_points,
        from,
        to,
        sectors,
        excludes,
    };
    rule.check().map_err(|field| {
        Error::invalid(
            "invalid_relief",
            format!("Aturan keringanan tidak masuk akal ({field}): bagian yang dibayar 0–10.000 basis poin, bulan akhir tidak sebelum bulan awal, paling sedikit satu sektor, dan dasar hukum wajib diisi."),
            format!("Implausible relief rule ({field}): a share of 0–10,000 basis points, an end month not before the first, at least one sector, and the legal basis named."),
        )
    })?;
    Ok(rule)
}

/// A relief rule just added (with its id), and the held donations it re-priced.
#[derive(Debug, Clone)]
pub struct ReliefAdded {
    pub relief: Relief,
    pub repriced_donations: Vec<i64>,
}

/// Adds a relief rule for months to come (admins). Held, unpaid donations are re-priced.
pub async fn add_relief(ctx: Ctx<'_>, r: &ReliefInput) -> Result<ReliefAdded, Error> {
    ctx.require(&[Role::Admin])?;
    add_relief_by(ctx.db, ctx.by(), ctx.clock.now(), r).await
}

/// [`add_relief`] recorded as the work of `by`, for the CLI, which runs with the
/// server's own authority and names who asked.
pub async fn add_relief_by(
    db: &Db,
    by: Actor,
    now: chrono::DateTime<chrono::Utc>,
    r: &ReliefInput,
) -> Result<ReliefAdded, Error> {
    let mut relief = check_relief(r, crate::clock::wib_date(now))?;
    let (id, repriced_donations) =
        rates::add_relief(db, &relief, r.note.as_deref(), by, now).await?;
    relief.id = id;
    Ok(ReliefAdded {
        relief,
        repriced_donations,
    })
}

/// How far back a self-payment may be for, in months before the current one.
pub const MAX_SELF_PAY_BACK: u32 = 24;
/// How far ahead a self-payment may be for, in months after the current one.
pub const MAX_SELF_PAY_AHEAD: u32 = 12;

/// Changes the pricing settings given (whether Dana Desa counts as APBN, the self-payment
/// window within its bounds); held donations are re-priced. Returns the settings in force.
pub async fn change_settings(
    db: &Db,
    dana_desa_is_apbn: Option<bool>,
    window: Option<SelfPayWindow>,
    by: Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(PriceSettings, SelfPayWindow), Error> {
    if let Some(w) = window {
        if w.back > MAX_SELF_PAY_BACK || w.ahead > MAX_SELF_PAY_AHEAD {
            return Err(Error::invalid(
                "invalid_self_pay_window",
                format!("Iuran mandiri paling jauh {MAX_SELF_PAY_BACK} bulan ke belakang dan {MAX_SELF_PAY_AHEAD} bulan ke depan."),
                format!("A self-payment is at most {MAX_SELF_PAY_BACK} months back and {MAX_SELF_PAY_AHEAD} months ahead."),
            ));
        }
    }
    Ok(rates::set_settings(db, dana_desa_is_apbn, window, by, now).await?)
}
