//! What the public sees (issue 12 §4): workers protected, worker-months funded, the money
//! received, remitted and returned, hand-overs to self-payment, by province, regency, source
//! and donor, and over time. No personal data: counts only, donors named only if they chose
//! to be, and a count from 1 to 9 is published as "< 10" so that nobody can be singled out.
//!
//! The page, its CSV and JSON downloads and the public API read one [`Summary`], computed
//! from the monthly totals and kept for [`FRESH_FOR`] so that a crowd of readers costs the
//! store one computation.

use super::Error;
use crate::db::donors::{self, PublicDonorLine};
use crate::db::{ledger, rates, regions, totals, Db};
use chrono::NaiveDate;
use lingkaran_domain::pricing::{FundingSource, Sector};
use lingkaran_domain::rates::Month;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts below this are not published.
pub const PUBLISH_MIN: u64 = 10;

/// How long a computed summary is served before it is computed again.
pub const FRESH_FOR: Duration = Duration::from_secs(30);

/// Months in the public series, this month included.
pub const MONTHS: u32 = 24;

/// The first day the public claims count reads from: before the programme, so every claim.
const CLAIMS_SINCE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The declared income the public prices are quoted at: the minimum, Rp 1.000.000.
pub const MINIMUM_INCOME: i64 = 1_000_000;

/// A count as the public sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Exact(u64),
    /// From 1 to 9: not published.
    FewerThanTen,
    /// Published, it would give away a neighbour's small count (the total is known): not
    /// published either.
    Withheld,
}

impl Published {
    pub fn of(n: i64) -> Published {
        let n = n.max(0) as u64;
        if n > 0 && n < PUBLISH_MIN {
            Published::FewerThanTen
        } else {
            Published::Exact(n)
        }
    }

    /// The number, or `None` when it is not published.
    pub fn value(self) -> Option<u64> {
        match self {
            Published::Exact(n) => Some(n),
            Published::FewerThanTen | Published::Withheld => None,
        }
    }

    /// `247.777`, `< 10`, or `–` when withheld.
    pub fn text(self) -> String {
        match self {
            Published::Exact(n) => lingkaran_domain::format::count(n),
            Published::FewerThanTen => format!("< {PUBLISH_MIN}"),
            Published::Withheld => "–".into(),
        }
    }
}

/// Where the parts of a published total are shown, one hidden part would be the total less
/// the others: then the smallest other part is withheld too, so that at least two are hidden
/// (the usual complementary suppression of statistical offices).
pub fn protect_parts(parts: &mut [&mut Published]) {
    let hidden = parts
        .iter()
        .filter(|p| !matches!(***p, Published::Exact(_)))
        .count();
    if hidden != 1 {
        return;
    }
    if let Some(smallest) = parts
        .iter_mut()
        .filter(|p| matches!(***p, Published::Exact(n) if n > 0))
        .min_by_key(|p| p.value())
    {
        **smallest = Published::Withheld;
    }
}

/// A province's or regency's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionLine {
    pub code: String,
    pub name: String,
    /// Workers protected this month (donors' and those paying alone).
    pub protected_now: Published,
    /// Donor-funded worker-months, all months.
    pub funded_months: Published,
    pub handovers: Published,
}

/// One month of the nation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    pub month: Month,
    /// Donors' and those paying alone.
    pub protected: Published,
    pub sponsored: Published,
    pub self_paying: Published,
    pub handovers: Published,
}

/// One funding source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// `apbd`, `csr`, … or `self`.
    pub source: String,
    pub protected_now: Published,
    pub funded_months: Published,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub as_of: NaiveDate,
    pub month: Month,
    pub protected_now: Published,
    pub sponsored_now: Published,
    pub self_paying_now: Published,
    pub funded_months: Published,
    pub handovers: Published,
    /// Rupiah received from donors, remitted to BPJS Ketenagakerjaan, refunded to donors.
    pub received: i64,
    pub remitted: i64,
    pub returned: i64,
    /// One worker-month this month at the minimum income: paid from APBD (no relief), and
    /// paid by anyone else (PP 50/2025 relief where it applies). `None` without a rate.
    pub price_budget: Option<i64>,
    pub price_other: Option<i64>,
    pub months: Vec<MonthLine>,
    pub sources: Vec<SourceLine>,
    pub provinces: Vec<RegionLine>,
    pub regencies: Vec<RegionLine>,
    pub donors: Vec<PublicDonorLine>,
    /// The nation's claims, every event up to today, by kind.
    pub claims: super::claim_counts::Claims,
}

/// The last computed summary and when, shared by the server's requests.
#[derive(Default)]
pub struct Cache(tokio::sync::Mutex<Option<(Instant, NaiveDate, Arc<Summary>)>>);

/// The public summary on `today`, from the cache while it is fresh.
pub async fn summary(db: &Db, cache: &Cache, today: NaiveDate) -> Result<Arc<Summary>, Error> {
    let mut held = cache.0.lock().await;
    if let Some((at, day, s)) = held.as_ref() {
        if *day == today && at.elapsed() < FRESH_FOR {
            return Ok(s.clone());
        }
    }
    let s = Arc::new(compute(db, today).await?);
    *held = Some((Instant::now(), today, s.clone()));
    Ok(s)
}

async fn region_lines(db: &Db, level: i64, month: i64) -> Result<Vec<RegionLine>, Error> {
    let all = regions::of_level(db, level).await?;
    let codes: Vec<String> = all.iter().map(|r| r.code.clone()).collect();
    let sums: BTreeMap<String, (i64, i64)> = totals::sums_of_regions(db, &codes, month)
        .await?
        .into_iter()
        .map(|(c, now, all)| (c, (now, all)))
        .collect();
    let handed: BTreeMap<String, i64> = totals::handovers_of_regions(db, &codes, 0, 999_912)
        .await?
        .into_iter()
        .collect();
    Ok(all
        .into_iter()
        .filter(|r| sums.contains_key(&r.code) || handed.contains_key(&r.code))
        .map(|r| {
            let (now, funded) = sums.get(&r.code).copied().unwrap_or_default();
            RegionLine {
                protected_now: Published::of(now),
                funded_months: Published::of(funded),
                handovers: Published::of(handed.get(&r.code).copied().unwrap_or(0)),
                code: r.code,
                name: r.name,
            }
        })
        .collect())
}

/// Computes the summary from the store (no cache).
pub async fn compute(db: &Db, today: NaiveDate) -> Result<Summary, Error> {
    let this = Month::of(today);
    let first = this.minus(MONTHS - 1);
    let nation = totals::NATION;

    let mut months: Vec<(Month, i64, i64, i64)> =
        (0..MONTHS).map(|i| (first.plus(i), 0, 0, 0)).collect();
    for r in totals::months(db, nation, first.yyyymm(), this.yyyymm()).await? {
        if let Some(m) = months.iter_mut().find(|m| m.0.yyyymm() == r.month) {
            if r.source == "self" {
                m.2 += r.worker_months;
            } else {
                m.1 += r.worker_months;
            }
        }
    }
    for (month, n) in totals::handovers(db, nation, first.yyyymm(), this.yyyymm()).await? {
        if let Some(m) = months.iter_mut().find(|m| m.0.yyyymm() == month) {
            m.3 += n;
        }
    }
    let (_, sponsored_now, self_now, _) = months.last().copied().unwrap_or((this, 0, 0, 0));

    let now_by_source: BTreeMap<String, i64> = totals::by_source(db, nation, this.yyyymm())
        .await?
        .into_iter()
        .collect();
    let all_by_source = totals::all_time_by_source(db, nation).await?;
    let funded_months: i64 = all_by_source
        .iter()
        .filter(|(s, _)| s != "self")
        .map(|(_, n)| n)
        .sum();
    let mut sources: Vec<SourceLine> = all_by_source
        .iter()
        .map(|(s, n)| SourceLine {
            source: s.clone(),
            protected_now: Published::of(now_by_source.get(s).copied().unwrap_or(0)),
            funded_months: Published::of(*n),
        })
        .collect();
    // The order the programme names them: governments first, the workers themselves last.
    let rank = |s: &str| {
        FundingSource::parse(s)
            .and_then(|f| FundingSource::ALL.iter().position(|x| *x == f))
            .unwrap_or(usize::MAX)
    };
    sources.sort_by_key(|l| rank(&l.source));
    let handovers: i64 = totals::handovers(db, nation, 0, 999_912)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();

    let (received, remitted, returned) = ledger::public_money(db).await?;
    let pricing = rates::pricing(db).await?;
    let price = |f| {
        pricing
            .price(this, MINIMUM_INCOME, f, Sector::Other)
            .ok()
            .and_then(|p| p.total().ok())
            .map(|r| r.get())
    };
    let mut provinces = region_lines(db, 1, this.yyyymm()).await?;
    let mut regencies = region_lines(db, 2, this.yyyymm()).await?;
    // Each column of a group of parts whose total is published: the provinces of the nation,
    // the regencies of each province.
    let columns: [fn(&mut RegionLine) -> &mut Published; 3] = [
        |r| &mut r.protected_now,
        |r| &mut r.funded_months,
        |r| &mut r.handovers,
    ];
    for column in columns {
        protect_parts(&mut provinces.iter_mut().map(column).collect::<Vec<_>>());
        for p in &provinces {
            let mut group: Vec<&mut Published> = regencies
                .iter_mut()
                .filter(|r| r.code.starts_with(&format!("{}.", p.code)))
                .map(column)
                .collect();
            protect_parts(&mut group);
        }
    }
    let mut sponsored = Published::of(sponsored_now);
    let mut own = Published::of(self_now);
    protect_parts(&mut [&mut sponsored, &mut own]);
    protect_parts(
        &mut sources
            .iter_mut()
            .map(|l| &mut l.protected_now)
            .collect::<Vec<_>>(),
    );
    // The donors' sources add up to `funded_months`; months paid alone are not part of it.
    protect_parts(
        &mut sources
            .iter_mut()
            .filter(|l| l.source != "self")
            .map(|l| &mut l.funded_months)
            .collect::<Vec<_>>(),
    );
    Ok(Summary {
        as_of: today,
        month: this,
        protected_now: Published::of(sponsored_now + self_now),
        sponsored_now: sponsored,
        self_paying_now: own,
        funded_months: Published::of(funded_months),
        handovers: Published::of(handovers),
        received,
        remitted,
        returned,
        price_budget: price(FundingSource::Apbd),
        price_other: price(FundingSource::Csr),
        months: months
            .into_iter()
            .map(|(month, s, own, h)| {
                let (mut sponsored, mut self_paying) = (Published::of(s), Published::of(own));
                protect_parts(&mut [&mut sponsored, &mut self_paying]);
                MonthLine {
                    month,
                    protected: Published::of(s + own),
                    sponsored,
                    self_paying,
                    handovers: Published::of(h),
                }
            })
            .collect(),
        sources,
        provinces,
        regencies,
        donors: donors::public_lines(db).await?,
        claims: super::claim_counts::of_region(db, nation, CLAIMS_SINCE, today).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_not_published() {
        assert_eq!(Published::of(0), Published::Exact(0));
        assert_eq!(Published::of(1), Published::FewerThanTen);
        assert_eq!(Published::of(9), Published::FewerThanTen);
        assert_eq!(Published::of(10), Published::Exact(10));
        assert_eq!(Published::of(-3), Published::Exact(0));
        assert_eq!(Published::of(9).text(), "< 10");
        assert_eq!(Published::of(247_777).text(), "247.777");
        assert_eq!(Published::of(5).value(), None);
    }

    #[test]
    fn one_hidden_part_hides_the_smallest_other() {
        let (mut a, mut b, mut c) = (Published::of(120), Published::of(1), Published::of(40));
        protect_parts(&mut [&mut a, &mut b, &mut c]);
        assert_eq!(
            (a, b, c),
            (
                Published::Exact(120),
                Published::FewerThanTen,
                Published::Withheld
            )
        );
        // Two hidden already: the total gives only their sum; nothing more is withheld.
        let (mut a, mut b, mut c) = (Published::of(120), Published::of(1), Published::of(4));
        protect_parts(&mut [&mut a, &mut b, &mut c]);
        assert_eq!(a, Published::Exact(120));
        // A zero is no cover: it tells nothing more when withheld.
        let (mut a, mut b) = (Published::of(0), Published::of(3));
        protect_parts(&mut [&mut a, &mut b]);
        assert_eq!(a, Published::Exact(0));
    }
}
