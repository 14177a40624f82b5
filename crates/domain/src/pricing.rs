//! What one worker-month costs (domain.md §2, issue 9 §3): the one function that prices a
//! worker-month, [`price_month`]. Quotes, donations and their invoices, the cycle's remittance,
//! refunds of rejected months, reminders, self-payment checks and the demo all call it.
//!
//! A worker-month's contribution depends on four things:
//! - the coverage month (the rate in force then, and the relief rules covering it);
//! - the worker's declared income (JKK is a percentage of it, held between a minimum and a
//!   maximum; JKM is flat);
//! - the payer's [`FundingSource`] (PP 50/2025 excludes contributions paid through APBN or
//!   APBD);
//! - the worker's [`Sector`] (PP 50/2025 gives transport a longer relief).
//!
//! Relief rules are data ([`Relief`]): a legal basis, the share of each programme's
//! contribution still to pay (basis points, rounded half up to the rupiah), a range of coverage
//! months, the sectors they apply to and the funding sources they exclude. The store keeps them
//! (`relief_rules`), seeded with PP 50/2025.

use crate::donor::{BudgetSource, DonorKind};
use crate::money::{Overflow, Rupiah};
use crate::rates::{rate_for, Month, Rate};
use crate::worker::Occupation;

/// Who pays a worker-month, as PP 50/2025 distinguishes payers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FundingSource {
    /// The state budget.
    Apbn,
    /// A regional budget (DBHCHT, the tobacco excise share, enters it and counts as APBD).
    Apbd,
    /// Village funds. Whether they count as APBN is not settled: [`PriceSettings`].
    DanaDesa,
    /// A company's CSR/TJSL money.
    Csr,
    /// A zakat body or another institution.
    Zakat,
    /// A person giving.
    Individual,
    /// The worker paying alone.
    SelfPaid,
}

impl FundingSource {
    pub const ALL: [FundingSource; 7] = [
        FundingSource::Apbn,
        FundingSource::Apbd,
        FundingSource::DanaDesa,
        FundingSource::Csr,
        FundingSource::Zakat,
        FundingSource::Individual,
        FundingSource::SelfPaid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FundingSource::Apbn => "apbn",
            FundingSource::Apbd => "apbd",
            FundingSource::DanaDesa => "dana-desa",
            FundingSource::Csr => "csr",
            FundingSource::Zakat => "zakat",
            FundingSource::Individual => "individual",
            FundingSource::SelfPaid => "self",
        }
    }

    /// How a page, a report or the public names it (`lang` is `id` or `en`).
    pub fn label(self, lang: &str) -> &'static str {
        let (id, en) = match self {
            FundingSource::Apbn => ("APBN", "National budget (APBN)"),
            FundingSource::Apbd => ("APBD", "Regional budget (APBD)"),
            FundingSource::DanaDesa => ("Dana Desa", "Village funds (Dana Desa)"),
            FundingSource::Csr => ("CSR perusahaan", "Company CSR"),
            FundingSource::Zakat => ("Zakat & lembaga", "Zakat & institutions"),
            FundingSource::Individual => ("Perorangan", "Individuals"),
            FundingSource::SelfPaid => ("Bayar sendiri (mandiri)", "Paying alone (mandiri)"),
        };
        if lang == "en" {
            en
        } else {
            id
        }
    }

    /// Exactly the codes of [`FundingSource::as_str`].
    pub fn parse(s: &str) -> Option<FundingSource> {
        FundingSource::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// A government donor pays from its budget line's source; DBHCHT enters the regional
    /// budget, so it is APBD.
    pub fn of_budget(b: BudgetSource) -> FundingSource {
        match b {
            BudgetSource::Apbd | BudgetSource::Dbhcht => FundingSource::Apbd,
            BudgetSource::DanaDesa => FundingSource::DanaDesa,
        }
    }

    /// The source of a donor's money: a government's budget line (APBD when it names none:
    /// government donors are regions), a company's CSR, an institution's zakat, a person's own.
    pub fn of_donor(kind: DonorKind, budget: Option<BudgetSource>) -> FundingSource {
        match (kind, budget) {
            (_, Some(b)) => FundingSource::of_budget(b),
            (DonorKind::Government, None) => FundingSource::Apbd,
            (DonorKind::Company, None) => FundingSource::Csr,
            (DonorKind::Institution, None) => FundingSource::Zakat,
            (DonorKind::Individual, None) => FundingSource::Individual,
        }
    }
}

/// The worker's sector, as PP 50/2025 distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sector {
    /// Ojek (also online), becak, drivers, couriers.
    Transport,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 2] = [Sector::Transport, Sector::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Transport => "transport",
            Sector::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Sector> {
        Sector::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The sector an occupation belongs to.
    pub fn of(o: Occupation) -> Sector {
        match o {
            Occupation::Ojek
            | Occupation::OjekOnline
            | Occupation::Becak
            | Occupation::Sopir
            | Occupation::Kurir => Sector::Transport,
            _ => Sector::Other,
        }
    }
}

/// A relief rule: for coverage months `from..=to`, workers of `sectors` whose payer is not in
/// `excludes` pay `basis_points` / 10 000 of each programme's contribution, rounded half up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relief {
    /// The store's id (0 for a rule not stored).
    pub id: i64,
    /// The legal basis, e.g. `PP 50/2025`.
    pub basis: String,
    /// The share still to pay: 5 000 is half.
    pub basis_points: i64,
    pub from: Month,
    pub to: Month,
    pub sectors: Vec<Sector>,
    pub excludes: Vec<FundingSource>,
}

impl Relief {
    /// PP 50/2025 (promulgated 22 December 2025): half of JKK and JKM for transport months
    /// 2026-01..2027-03 and other sectors' months 2026-04..2026-12; APBN and APBD excluded.
    pub fn pp_50_2025() -> Vec<Relief> {
        let m = |y, mo| Month::new(y, mo).unwrap_or_else(|| unreachable!());
        let rule = |from, to, sector| Relief {
            id: 0,
            basis: "PP 50/2025".into(),
            basis_points: 5_000,
            from,
            to,
            sectors: vec![sector],
            excludes: vec![FundingSource::Apbn, FundingSource::Apbd],
        };
        vec![
            rule(m(2026, 1), m(2027, 3), Sector::Transport),
            rule(m(2026, 4), m(2026, 12), Sector::Other),
        ]
    }

    /// Whether the rule covers this month, sector and payer.
    pub fn applies(
        &self,
        month: Month,
        sector: Sector,
        funding: FundingSource,
        settings: PriceSettings,
    ) -> bool {
        // Dana Desa counted as APBN is excluded wherever APBN is.
        let as_apbn = funding == FundingSource::DanaDesa
            && settings.dana_desa_is_apbn
            && self.excludes.contains(&FundingSource::Apbn);
        self.from <= month
            && month <= self.to
            && self.sectors.contains(&sector)
            && !self.excludes.contains(&funding)
            && !as_apbn
    }

    /// Whether the rule is plausible: a share between 0 and 100%, a range in order, at least
    /// one sector, a named basis.
    pub fn check(&self) -> Result<(), &'static str> {
        if !(0..=10_000).contains(&self.basis_points) {
            return Err("basis_points");
        }
        if self.to < self.from {
            return Err("range");
        }
        if self.sectors.is_empty() {
            return Err("sectors");
        }
        if self.basis.trim().is_empty() {
            return Err("basis");
        }
        Ok(())
    }
}

/// Settings that pricing depends on and that the law leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceSettings {
    /// Whether Dana Desa counts as APBN for the relief's exclusion. Public sources do not say;
    /// by default it does (no relief), so Lingkaran never remits less than may be due.
    pub dana_desa_is_apbn: bool,
}

impl Default for PriceSettings {
    fn default() -> Self {
        PriceSettings {
            dana_desa_is_apbn: true,
        }
    }
}

/// The highest declared monthly income priced: Rp 1.000.000.000. JKK reaches its maximum at
/// Rp 20.700.000; anything far above is a typing error.
pub const MAX_INCOME: i64 = 1_000_000_000;

/// Why a worker-month cannot be priced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("no contribution rate is in force for {0}")]
    NoRate(Month),
    #[error("declared income {0} is outside 1..={MAX_INCOME}")]
    Income(i64),
    #[error("amount overflow")]
    Overflow,
}

impl From<Overflow> for PriceError {
    fn from(_: Overflow) -> Self {
        PriceError::Overflow
    }
}

/// The relief a price used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub id: i64,
    pub basis: String,
    pub basis_points: i64,
}

/// One worker-month's price, by programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    pub month: Month,
    pub jkk: Rupiah,
    pub jkm: Rupiah,
    /// The relief that applied, if any.
    pub relief: Option<Applied>,
}

impl Priced {
    pub fn total(&self) -> Result<Rupiah, Overflow> {
        self.jkk.checked_add(self.jkm)
    }
}

/// What the full rate asks: JKK as its percentage of income, rounded half up, held between its
/// minimum and maximum; JKM flat.
fn full_rate(rate: &Rate, income: Rupiah) -> Result<(Rupiah, Rupiah), Overflow> {
    let jkk = income
        .basis_points(rate.jkk_basis_points)?
        .max(Rupiah::new(rate.jkk_min)?)
        .min(Rupiah::new(rate.jkk_max)?);
    Ok((jkk, Rupiah::new(rate.jkm)?))
}

/// THE price of one worker-month: the rate in force in `month` for `income`, reduced by the
/// relief rule that covers the month, the worker's `sector` and the payer's `funding`. When
/// several rules cover it, the lowest share applies (rules do not compound).
pub fn price_month(
    rates: &[Rate],
    reliefs: &[Relief],
    month: Month,
    income: i64,
    funding: FundingSource,
    sector: Sector,
    settings: PriceSettings,
) -> Result<Priced, PriceError> {
    if !(1..=MAX_INCOME).contains(&income) {
        return Err(PriceError::Income(income));
    }
    let rate = rate_for(rates, month).ok_or(PriceError::NoRate(month))?;
    let (jkk, jkm) = full_rate(rate, Rupiah::new(income)?)?;
    let relief = reliefs
        .iter()
        .filter(|r| r.applies(month, sector, funding, settings))
        .min_by_key(|r| (r.basis_points, r.id));
    Ok(match relief {
        None => Priced {
            month,
            jkk,
            jkm,
            relief: None,
        },
        Some(r) => Priced {
            month,
            jkk: jkk.basis_points(r.basis_points)?,
            jkm: jkm.basis_points(r.basis_points)?,
            relief: Some(Applied {
                id: r.id,
                basis: r.basis.clone(),
                basis_points: r.basis_points,
            }),
        },
    })
}

/// Everything [`price_month`] needs but the worker and the month: the rate table, the relief
/// rules and the settings, read once from the store.
#[derive(Debug, Clone, Default)]
pub struct Pricing {
    pub rates: Vec<Rate>,
    pub reliefs: Vec<Relief>,
    pub settings: PriceSettings,
}

impl Pricing {
    pub fn price(
        &self,
        month: Month,
        income: i64,
        funding: FundingSource,
        sector: Sector,
    ) -> Result<Priced, PriceError> {
        price_month(
            &self.rates,
            &self.reliefs,
            month,
            income,
            funding,
            sector,
            self.settings,
        )
    }

    /// `months` consecutive months from `start`, each at its own price.
    pub fn block(
        &self,
        start: Month,
        months: u32,
        income: i64,
        funding: FundingSource,
        sector: Sector,
    ) -> Result<Vec<Priced>, PriceError> {
        (0..months)
            .map(|i| self.price(start.plus(i), income, funding, sector))
            .collect()
    }
}

/// The most workers a quote or a donation prices at once.
pub const MAX_WORKERS: i64 = 10_000_000;
/// The most months a quote prices.
pub const MAX_QUOTE_MONTHS: u32 = 120;

/// An exact quote: every worker-month priced by [`price_month`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub workers: i64,
    pub income: i64,
    pub funding: FundingSource,
    pub sector: Sector,
    /// Each month's price for one worker.
    pub months: Vec<Priced>,
    /// Everything, for every worker: JKK and JKM.
    pub jkk: Rupiah,
    pub jkm: Rupiah,
}

impl Quote {
    pub fn total(&self) -> Result<Rupiah, Overflow> {
        self.jkk.checked_add(self.jkm)
    }
}

/// Why a quote is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("workers {0} outside 1..={MAX_WORKERS}")]
    Workers(i64),
    #[error("months {0} outside 1..={MAX_QUOTE_MONTHS}")]
    Months(u32),
    #[error(transparent)]
    Price(#[from] PriceError),
}

/// Quotes `workers` workers of `sector` at `income`, paid from `funding`, for `months` months
/// from `from`.
pub fn quote(
    pricing: &Pricing,
    workers: i64,
    months: u32,
    from: Month,
    income: i64,
    funding: FundingSource,
    sector: Sector,
) -> Result<Quote, QuoteError> {
    if !(1..=MAX_WORKERS).contains(&workers) {
        return Err(QuoteError::Workers(workers));
    }
    if !(1..=MAX_QUOTE_MONTHS).contains(&months) {
        return Err(QuoteError::Months(months));
    }
    let per = pricing.block(from, months, income, funding, sector)?;
    let jkk = Rupiah::sum(per.iter().map(|p| p.jkk)).map_err(PriceError::from)?;
    let jkm = Rupiah::sum(per.iter().map(|p| p.jkm)).map_err(PriceError::from)?;
    Ok(Quote {
        workers,
        income,
        funding,
        sector,
        months: per,
        jkk: jkk.times(workers).map_err(PriceError::from)?,
        jkm: jkm.times(workers).map_err(PriceError::from)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn month(s: &str) -> Month {
        Month::parse(s).unwrap_or_else(|| panic!("month {s}"))
    }

    fn pricing() -> Pricing {
        Pricing {
            rates: vec![Rate::permenaker_5_2021()],
            reliefs: Relief::pp_50_2025(),
            settings: PriceSettings::default(),
        }
    }

    fn total(p: &Pricing, m: &str, f: FundingSource, s: Sector) -> i64 {
        p.price(month(m), 1_000_000, f, s)
            .and_then(|x| Ok(x.total()?))
            .map(Rupiah::get)
            .unwrap_or(-1)
    }

    #[test]
    fn domain_md_examples() {
        let p = pricing();
        use FundingSource::*;
        // CSR, 1,000 non-transport workers, Jan–Dec 2026: 3 × 16,800 + 9 × 8,400.
        let q = quote(
            &p,
            1_000,
            12,
            month("2026-01"),
            1_000_000,
            Csr,
            Sector::Other,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let per_worker: i64 = q
            .months
            .iter()
            .map(|m| m.total().map(Rupiah::get).unwrap_or(0))
            .sum();
        assert_eq!(per_worker, 126_000);
        assert_eq!(q.total().map(Rupiah::get), Ok(126_000_000));
        // APBD pays the full price in December 2026.
        assert_eq!(total(&p, "2026-12", Apbd, Sector::Other), 16_800);
        assert_eq!(total(&p, "2026-12", Csr, Sector::Other), 8_400);
        // Transport is relieved from January, other sectors only from April.
        assert_eq!(total(&p, "2026-01", Csr, Sector::Transport), 8_400);
        assert_eq!(total(&p, "2026-01", Csr, Sector::Other), 16_800);
        // After March 2027 everybody pays 16,800.
        for f in FundingSource::ALL {
            for s in Sector::ALL {
                assert_eq!(total(&p, "2027-04", f, s), 16_800, "{f:?} {s:?}");
            }
        }
        // Each programme is halved and rounded half up: 1% of Rp 2.345.679 is 23.457, half
        // of it 11.728,5 → 11.729.
        let x = p
            .price(month("2026-05"), 2_345_679, Individual, Sector::Other)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((x.jkk.get(), x.jkm.get()), (11_729, 3_400));
        assert_eq!(x.relief.map(|r| r.basis), Some("PP 50/2025".to_string()));
    }

    #[test]
    fn published_budgets_come_out_exactly() {
        // Paid through APBD, so never relieved.
        let p = pricing();
        let q = |w, m| {
            quote(
                &p,
                w,
                m,
                month("2026-01"),
                1_000_000,
                FundingSource::Apbd,
                Sector::Other,
            )
            .and_then(|q| Ok(q.total().map_err(PriceError::from)?.get()))
        };
        assert_eq!(q(5_000, 12), Ok(1_008_000_000)); // Penajam Paser Utara
        assert_eq!(q(7_000, 6), Ok(705_600_000)); // Jawa Tengah + Bank Jateng
        assert_eq!(q(5, 1), Ok(84_000)); // Makassar, a month
    }

    #[test]
    fn jkk_is_held_between_its_minimum_and_maximum() {
        let p = pricing();
        let jkk = |income| {
            p.price(month("2025-01"), income, FundingSource::Csr, Sector::Other)
                .map(|x| x.jkk.get())
        };
        assert_eq!(jkk(1_000_000), Ok(10_000));
        assert_eq!(jkk(2_345_678), Ok(23_457));
        assert_eq!(jkk(500_000), Ok(10_000));
        assert_eq!(jkk(50_000_000), Ok(207_000));
    }

    #[test]
    fn dana_desa_follows_the_setting() {
        let mut p = pricing();
        assert_eq!(
            total(&p, "2026-06", FundingSource::DanaDesa, Sector::Other),
            16_800
        );
        p.settings.dana_desa_is_apbn = false;
        assert_eq!(
            total(&p, "2026-06", FundingSource::DanaDesa, Sector::Other),
            8_400
        );
    }

    #[test]
    fn codes_and_sectors() {
        for f in FundingSource::ALL {
            assert_eq!(FundingSource::parse(f.as_str()), Some(f));
        }
        assert_eq!(FundingSource::parse("dana_desa"), None);
        assert_eq!(
            FundingSource::of_budget(BudgetSource::Dbhcht),
            FundingSource::Apbd
        );
        assert_eq!(
            FundingSource::of_donor(DonorKind::Company, None),
            FundingSource::Csr
        );
        for o in [
            Occupation::Ojek,
            Occupation::OjekOnline,
            Occupation::Becak,
            Occupation::Sopir,
            Occupation::Kurir,
        ] {
            assert_eq!(Sector::of(o), Sector::Transport, "{o:?}");
        }
        assert_eq!(Sector::of(Occupation::Petani), Sector::Other);
    }

    #[test]
    fn absurd_inputs_are_refused_not_wrapped() {
        let p = pricing();
        let f = FundingSource::Csr;
        assert_eq!(
            quote(
                &p,
                i64::MAX,
                1,
                month("2026-01"),
                1_000_000,
                f,
                Sector::Other
            ),
            Err(QuoteError::Workers(i64::MAX))
        );
        assert_eq!(
            quote(&p, 1, 0, month("2026-01"), 1_000_000, f, Sector::Other),
            Err(QuoteError::Months(0))
        );
        assert_eq!(
            p.price(month("2026-01"), i64::MAX, f, Sector::Other),
            Err(PriceError::Income(i64::MAX))
        );
        assert_eq!(
            p.price(month("2021-03"), 1_000_000, f, Sector::Other),
            Err(PriceError::NoRate(month("2021-03")))
        );
        // The largest quote fits the bound.
        let q = quote(
            &p,
            MAX_WORKERS,
            MAX_QUOTE_MONTHS,
            month("2026-01"),
            MAX_INCOME,
            FundingSource::Apbd,
            Sector::Other,
        );
        assert!(q.is_ok(), "{q:?}");
    }

    /// The table the law gives: for every month from 2025-06 to 2028-01, sector and payer, what
    /// one worker-month costs at the minimum income.
    fn expected(m: Month, s: Sector, f: FundingSource, dana_desa_is_apbn: bool) -> i64 {
        let excluded = matches!(f, FundingSource::Apbn | FundingSource::Apbd)
            || (f == FundingSource::DanaDesa && dana_desa_is_apbn);
        let ym = m.yyyymm();
        let relieved = match s {
            Sector::Transport => (202601..=202703).contains(&ym),
            Sector::Other => (202604..=202612).contains(&ym),
        };
        if relieved && !excluded {
            8_400
        } else {
            16_800
        }
    }

    proptest! {
        #[test]
        fn price_follows_the_table(
            offset in 0u32..32,
            s in 0usize..2,
            f in 0usize..7,
            dd in any::<bool>(),
            income in 1i64..=MAX_INCOME,
        ) {
            let m = month("2025-06").plus(offset);
            let (s, f) = (Sector::ALL[s], FundingSource::ALL[f]);
            let mut p = pricing();
            p.settings.dana_desa_is_apbn = dd;
            let got = p.price(m, 1_000_000, f, s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(got.total().map(Rupiah::get), Ok(expected(m, s, f, dd)));
            prop_assert_eq!(got.relief.is_some(), expected(m, s, f, dd) == 8_400);
            // At any income: the relieved price is each programme's full price halved, rounded
            // half up; JKK stays within its bounds before the relief.
            let full = p.price(m, income, FundingSource::Apbn, s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!((10_000..=207_000).contains(&full.jkk.get()));
            let any = p.price(m, income, f, s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if any.relief.is_some() {
                prop_assert_eq!(any.jkk.get(), (full.jkk.get() + 1) / 2);
                prop_assert_eq!(any.jkm.get(), (full.jkm.get() + 1) / 2);
            } else {
                prop_assert_eq!(any, Priced { month: m, ..full });
            }
        }
    }
}
