//! The regional report for the quarterly UCJ review (issue 12 §3), for any period of at most
//! [`MAX_MONTHS`] months up to this month: the coverage at the period's end with its
//! numerator, denominator, definition, target and gap; by segment where figures exist; each
//! month's coverage and the workers GN Lingkaran protected (by funding source, and those
//! paying alone), hand-overs, and what was remitted to BPJS and how BPJS answered; the
//! children side by side for the last month; the regional budgets' realisation; and the
//! claims of the region's workers (filed, paid, the amount paid; small counts not published).
//!
//! The report is a typed value: the documents (`src/report`) write it as XLSX and PDF for
//! every edge. The same readers as the dashboard may have it (`region_coverage::in_reach`, `READERS`).

use super::region_budget::{self, BudgetLine};
use super::region_coverage::{self, FigureSet, RegionCoverage};
use super::region_dashboard::{self, month_end, Place};
use super::{Ctx, Error};
use crate::auth::role::READERS;
use crate::db::{figures, region_cycle, regions, totals};
use chrono::NaiveDate;
use lingkaran_domain::format;
use lingkaran_domain::rates::Month;
use lingkaran_domain::share::{Percent, Share};
use lingkaran_domain::Problem;
use lingkaran_formats::figures::Measure;
use std::collections::BTreeMap;

/// The longest period a report covers: three years, twelve quarterly meetings.
pub const MAX_MONTHS: u32 = 36;

/// The earliest month a report may start in.
pub const FIRST_YEAR: i32 = 2000;

/// The months `from..=to` of a report, checked by [`Period::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

/// Months from `from` to `to`, both counted; 0 when `to` is before `from`.
fn months_between(from: Month, to: Month) -> i64 {
    let n = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month())
        + 1;
    n.max(0)
}

impl Period {
    /// The months of the period, oldest first.
    pub fn months(&self) -> Vec<Month> {
        let n = u32::try_from(months_between(self.from, self.to)).unwrap_or(0);
        (0..n).map(|i| self.from.plus(i)).collect()
    }

    /// The last quarter that ended before `today`'s month: July–September 2026 on
    /// 5 December 2026, October–December 2026 in January 2027.
    pub fn last_full_quarter(today: NaiveDate) -> Period {
        let this = Month::of(today);
        // The first month of this quarter, then three months back.
        let start_of_this = this.minus((this.month() - 1) % 3);
        let to = start_of_this.prev();
        Period {
            from: to.minus(2),
            to,
        }
    }

    /// `from..=to`, refused in words when it runs backwards, is longer than [`MAX_MONTHS`],
    /// ends after this month or starts before [`FIRST_YEAR`].
    pub fn check(from: Month, to: Month, today: NaiveDate) -> Result<Period, Error> {
        let this = Month::of(today);
        let (f, t) = (format::month(from, "id"), format::month(to, "id"));
        let (fe, te) = (format::month(from, "en"), format::month(to, "en"));
        let mut problems = Vec::new();
        if from > to {
            problems.push(Problem::new(
                "period_reversed",
                format!("Bulan awal ({f}) jatuh sesudah bulan akhir ({t}). Tukar keduanya."),
                format!("The first month ({fe}) comes after the last month ({te}). Swap them."),
            ));
        }
        if to > this {
            problems.push(Problem::new(
                "period_in_future",
                format!(
                    "Bulan akhir ({t}) belum tiba: laporan paling jauh sampai bulan ini ({}).",
                    format::month(this, "id")
                ),
                format!(
                    "The last month ({te}) has not come yet: a report ends this month ({}) at the latest.",
                    format::month(this, "en")
                ),
            ));
        }
        let n = months_between(from, to);
        if n > i64::from(MAX_MONTHS) {
            problems.push(Problem::new(
                "period_too_long",
                format!(
                    "Periode {f} sampai {t} panjangnya {n} bulan; paling panjang {MAX_MONTHS} bulan."
                ),
                format!(
                    "The period {fe} to {te} is {n} months long; at most {MAX_MONTHS} months."
                ),
            ));
        }
        if from.year() < FIRST_YEAR {
            problems.push(Problem::new(
                "period_too_early",
                format!("Bulan awal ({f}) terlalu lama: laporan dimulai paling awal tahun {FIRST_YEAR}."),
                format!("The first month ({fe}) is too early: a report starts in {FIRST_YEAR} at the earliest."),
            ));
        }
        if problems.is_empty() {
            Ok(Period { from, to })
        } else {
            Err(Error::Invalid(problems))
        }
    }

    /// The period as an edge receives it: two months written `YYYY-MM`, either left out.
    /// Neither: the last full quarter. Only the first: three months from it, to this month at
    /// most. Only the last: the three months ending with it.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Period, Error> {
        let mut problems = Vec::new();
        let mut read = |text: Option<&str>, id: &str, en: &str| {
            let text = text.map(str::trim).filter(|s| !s.is_empty())?;
            let m = Month::parse(text);
            if m.is_none() {
                let shown = lingkaran_formats::snippet(text, 20);
                problems.push(Problem::new(
                    "invalid_month",
                    format!("{id} \"{shown}\" harus berbentuk TTTT-BB, misalnya 2026-07."),
                    format!("The {en} \"{shown}\" must look like YYYY-MM, such as 2026-07."),
                ));
            }
            m
        };
        let from_m = read(from, "Bulan awal", "first month");
        let to_m = read(to, "Bulan akhir", "last month");
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let this = Month::of(today);
        let (from, to) = match (from_m, to_m) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, f.plus(2).min(this).max(f)),
            (None, Some(t)) => (t.minus(2), t),
            (None, None) => {
                let q = Period::last_full_quarter(today);
                (q.from, q.to)
            }
        };
        Period::check(from, to, today)
    }

    /// `Juli 2026 – September 2026`, or one month alone.
    pub fn text(&self, lang: &str) -> String {
        if self.from == self.to {
            format::month(self.from, lang)
        } else {
            format!(
                "{} – {}",
                format::month(self.from, lang),
                format::month(self.to, lang)
            )
        }
    }
}

/// Participants of one segment (a `peserta` figure whose `definisi` names the segment, such
/// as `bpu` or `pu`), as it stood on the report's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub code: String,
    pub participants: u64,
    pub on: NaiveDate,
    pub source: String,
    /// The segment's part of all participants (of the same day's standing), when known.
    pub of_all: Option<Share>,
}

/// What the monthly cycle did for the region's workers, in worker-months.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cycle {
    /// Remitted to BPJS.
    pub remitted: u64,
    /// Accepted by BPJS, for every programme answered.
    pub accepted: u64,
    /// Rejected by BPJS for some programme (the month is not counted as protection).
    pub rejected: u64,
}

impl Cycle {
    /// Remitted months BPJS has not answered yet.
    pub fn unanswered(&self) -> u64 {
        self.remitted.saturating_sub(self.accepted + self.rejected)
    }

    fn add(&mut self, other: Cycle) {
        self.remitted += other.remitted;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
    }
}

/// One month of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    pub month: Month,
    /// The day the month's standing is read on: its last day, or today for this month.
    pub day: NaiveDate,
    pub participants: Option<u64>,
    pub denominator: Option<u64>,
    pub definition: Option<String>,
    pub share: Option<Share>,
    pub target: Option<Percent>,
    /// Donor-funded workers of the month by funding source (`apbd`, `csr`, …).
    pub by_source: Vec<(String, u64)>,
    /// Donor-funded workers, all sources.
    pub sponsored: u64,
    /// Graduates paying alone.
    pub self_paying: u64,
    /// Workers handed over to self-payment in the month.
    pub handovers: u64,
    pub cycle: Cycle,
}

impl MonthLine {
    /// Workers protected in the month: donors' and those paying alone.
    pub fn protected(&self) -> u64 {
        self.sponsored + self.self_paying
    }
}

/// One child region (a district of a regency, …) in the period's last month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildLine {
    pub place: Place,
    pub participants: Option<u64>,
    pub denominator: Option<u64>,
    pub definition: Option<String>,
    pub share: Option<Share>,
    pub sponsored: u64,
    pub self_paying: u64,
    pub handovers: u64,
    pub cycle: Cycle,
}

/// Claims (JKK accidents, JKM deaths) of the region's workers whose event fell in the
/// period: counted once for the report, the dashboard and the public page.
pub use super::claim_counts::{ClaimLine, Claims};

/// Sums over the period's months.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodTotals {
    /// Donor-funded worker-months.
    pub sponsored: u64,
    /// Worker-months paid by graduates alone.
    pub self_paying: u64,
    pub handovers: u64,
    pub cycle: Cycle,
}

/// The report of one region for one period.
#[derive(Debug, Clone)]
pub struct Report {
    pub place: Place,
    pub period: Period,
    /// The day the report was made.
    pub made_on: NaiveDate,
    /// The day its coverage is read on: the period's last day, or today when the period
    /// ends this month.
    pub day: NaiveDate,
    /// The coverage on [`Report::day`], with the figures used and the warnings, and the
    /// workers protected in the period's last month.
    pub coverage: RegionCoverage,
    pub segments: Vec<Segment>,
    /// Every funding source seen in the period, in code order (a column each).
    pub sources: Vec<String>,
    pub months: Vec<MonthLine>,
    pub children: Vec<ChildLine>,
    /// The budget lines of the region's governments for the fiscal year of the period's last
    /// month, with their use in that month.
    pub budget: Vec<BudgetLine>,
    pub claims: Claims,
}

impl Report {
    pub fn totals(&self) -> PeriodTotals {
        let mut t = PeriodTotals::default();
        for m in &self.months {
            t.sponsored += m.sponsored;
            t.self_paying += m.self_paying;
            t.handovers += m.handovers;
            t.cycle.add(m.cycle);
        }
        t
    }

    /// Worker-months of each funding source over the period.
    pub fn source_totals(&self) -> Vec<(String, u64)> {
        self.sources
            .iter()
            .map(|s| {
                let n = self
                    .months
                    .iter()
                    .flat_map(|m| m.by_source.iter())
                    .filter(|(c, _)| c == s)
                    .map(|(_, n)| *n)
                    .sum();
                (s.clone(), n)
            })
            .collect()
    }

    /// The file name of the report: `laporan-cakupan-35.25-2026-07-2026-09`, without its
    /// extension (the code is a checked region code: digits and dots).
    pub fn file_stem(&self) -> String {
        format!(
            "laporan-cakupan-{}-{}-{}",
            self.place.code, self.period.from, self.period.to
        )
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The segments among the region's own figures standing on `day`.
fn segments(set: &FigureSet, day: NaiveDate, all: Option<u64>) -> Vec<Segment> {
    figures::standing_at(&set.rows, &set.region, day)
        .into_iter()
        .filter(|r| {
            Measure::parse(&r.measure) == Some(Measure::Participants) && !r.definition.is_empty()
        })
        .map(|r| {
            let participants = count(r.value);
            Segment {
                of_all: all.and_then(|a| Share::new(participants, a)),
                code: r.definition,
                participants,
                on: r.on_date,
                source: r.source,
            }
        })
        .collect()
}

/// The cycle's counts by (region, month).
async fn cycles(
    ctx: &Ctx<'_>,
    region: &str,
    level_len: usize,
    from: Month,
    to: Month,
) -> Result<BTreeMap<(String, i64), Cycle>, Error> {
    let mut out: BTreeMap<(String, i64), Cycle> = BTreeMap::new();
    let (f, t) = (from.yyyymm(), to.yyyymm());
    for c in region_cycle::remitted(ctx.db, region, level_len, f, t).await? {
        out.entry((c.region_code, c.month)).or_default().remitted = count(c.n);
    }
    for a in region_cycle::answers(ctx.db, region, level_len, f, t).await? {
        let e = out.entry((a.region_code, a.month)).or_default();
        e.accepted = count(a.accepted);
        e.rejected = count(a.rejected);
    }
    Ok(out)
}

/// The length of a level's codes: the nation's own counts group to the empty prefix.
fn code_len(code: &str) -> usize {
    if code == totals::NATION {
        0
    } else {
        code.len()
    }
}

/// The report of `code` for the months `from..=to`, for a reader inside the region.
pub async fn build(ctx: Ctx<'_>, code: &str, from: Month, to: Month) -> Result<Report, Error> {
    ctx.require(&READERS)?;
    if !region_coverage::in_reach(ctx.actor, code) {
        return Err(Error::Forbidden);
    }
    let here = region_dashboard::place(&ctx, code).await?;
    let today = ctx.clock.today();
    let period = Period::check(from, to, today)?;
    let db = ctx.db;
    let set = FigureSet::load(db, &here.code).await?;
    let day = month_end(period.to, today);
    let coverage = region_coverage::of_set(db, &set, day).await?;
    let segments = segments(&set, day, coverage.assessment.participants);

    // Each month: its standing at its end, its totals, hand-overs and the cycle.
    let mut months: Vec<MonthLine> = period
        .months()
        .into_iter()
        .map(|m| {
            let d = month_end(m, today);
            let (a, _, _) = set.on(d);
            MonthLine {
                month: m,
                day: d,
                participants: a.participants,
                denominator: a.denominator,
                definition: a.definition,
                share: a.share,
                target: a.target,
                by_source: Vec::new(),
                sponsored: 0,
                self_paying: 0,
                handovers: 0,
                cycle: Cycle::default(),
            }
        })
        .collect();
    let (f, t) = (period.from.yyyymm(), period.to.yyyymm());
    let mut sources: Vec<String> = Vec::new();
    for row in totals::months(db, &here.code, f, t).await? {
        let Some(line) = months.iter_mut().find(|l| l.month.yyyymm() == row.month) else {
            continue;
        };
        let n = count(row.worker_months);
        if row.source == "self" {
            line.self_paying += n;
        } else {
            line.sponsored += n;
            if !sources.contains(&row.source) {
                sources.push(row.source.clone());
            }
            line.by_source.push((row.source, n));
        }
    }
    sources.sort();
    for (month, n) in totals::handovers(db, &here.code, f, t).await? {
        if let Some(line) = months.iter_mut().find(|l| l.month.yyyymm() == month) {
            line.handovers = count(n);
        }
    }
    let own = cycles(
        &ctx,
        &here.code,
        code_len(&here.code),
        period.from,
        period.to,
    )
    .await?;
    for ((_, month), c) in own {
        if let Some(line) = months.iter_mut().find(|l| l.month.yyyymm() == month) {
            line.cycle = c;
        }
    }

    let children = children(&ctx, &here, &set, day, period.to).await?;
    let budget = region_budget::of(db, &here.code, period.to).await?;
    let claims = claims_of(db, &here.code, &period).await?;
    Ok(Report {
        place: here,
        period,
        made_on: today,
        day,
        coverage,
        segments,
        sources,
        months,
        children,
        budget,
        claims,
    })
}

/// The children in the period's last month `last`, their figures as they stood on `day`.
async fn children(
    ctx: &Ctx<'_>,
    here: &Place,
    set: &FigureSet,
    day: NaiveDate,
    last: Month,
) -> Result<Vec<ChildLine>, Error> {
    let db = ctx.db;
    let kids = regions::below(db, &here.code).await?;
    let Some(first) = kids.first() else {
        return Ok(Vec::new());
    };
    let child_len = first.code.len();
    let codes: Vec<String> = kids.iter().map(|r| r.code.clone()).collect();
    let counts = totals::split_of_regions(db, &codes, last.yyyymm()).await?;
    let handed: BTreeMap<String, i64> =
        totals::handovers_of_regions(db, &codes, last.yyyymm(), last.yyyymm())
            .await?
            .into_iter()
            .collect();
    let cycle = cycles(ctx, &here.code, child_len, last, last).await?;
    Ok(kids
        .into_iter()
        .map(|r| {
            let (a, _, _) = set.of_child(&r.code).on(day);
            let (sponsored, self_paying) = counts.get(&r.code).copied().unwrap_or_default();
            ChildLine {
                handovers: count(handed.get(&r.code).copied().unwrap_or(0)),
                cycle: cycle
                    .get(&(r.code.clone(), last.yyyymm()))
                    .copied()
                    .unwrap_or_default(),
                place: Place {
                    level: region_dashboard::level_of(&r.code),
                    code: r.code,
                    name: r.name,
                },
                participants: a.participants,
                denominator: a.denominator,
                definition: a.definition,
                share: a.share,
                sponsored,
                self_paying,
            }
        })
        .collect())
}

/// The claims of `region`'s workers with an event in the period.
async fn claims_of(db: &crate::db::Db, region: &str, period: &Period) -> anyhow::Result<Claims> {
    let last = lingkaran_domain::coverage::last_day(period.to);
    super::claim_counts::of_region(db, region, period.from.first_day(), last).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn month(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn codes(e: Error) -> Vec<&'static str> {
        match e {
            Error::Invalid(ps) => ps.iter().map(|p| p.code).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_default_is_the_last_full_quarter() {
        let q = Period::last_full_quarter(day(2026, 12, 5));
        assert_eq!((q.from, q.to), (month("2026-07"), month("2026-09")));
        let q = Period::last_full_quarter(day(2027, 1, 1));
        assert_eq!((q.from, q.to), (month("2026-10"), month("2026-12")));
        let q = Period::last_full_quarter(day(2026, 9, 30));
        assert_eq!((q.from, q.to), (month("2026-04"), month("2026-06")));
        assert_eq!(q.months().len(), 3);
    }

    #[test]
    fn a_period_is_checked_in_words() {
        let today = day(2026, 12, 5);
        let p = Period::parse(Some("2026-01"), Some("2026-12"), today).unwrap();
        assert_eq!(p.months().len(), 12);
        assert_eq!(
            Period::parse(None, None, today).unwrap(),
            Period::last_full_quarter(today)
        );
        // Only the first month: three months, never past this month.
        let p = Period::parse(Some("2026-11"), None, today).unwrap();
        assert_eq!((p.from, p.to), (month("2026-11"), month("2026-12")));
        let p = Period::parse(None, Some("2026-06"), today).unwrap();
        assert_eq!(p.from, month("2026-04"));
        // 36 months pass, 40 do not.
        assert!(Period::parse(Some("2024-01"), Some("2026-12"), today).is_ok());
        let e = Period::parse(Some("2023-09"), Some("2026-12"), today).unwrap_err();
        assert_eq!(codes(e), ["period_too_long"]);
        let e = Period::parse(Some("2026-09"), Some("2026-07"), today).unwrap_err();
        assert_eq!(codes(e), ["period_reversed"]);
        let e = Period::parse(Some("2026-12"), Some("2027-01"), today).unwrap_err();
        assert_eq!(codes(e), ["period_in_future"]);
        let e = Period::parse(Some("1999-12"), Some("2000-01"), today).unwrap_err();
        assert_eq!(codes(e), ["period_too_early"]);
        let e = Period::parse(Some("07-2026"), Some("2026-13"), today).unwrap_err();
        assert_eq!(codes(e), ["invalid_month", "invalid_month"]);
        let Error::Invalid(ps) = Period::parse(Some("2026/07"), None, today).unwrap_err() else {
            unreachable!()
        };
        assert_eq!(
            ps[0].id,
            "Bulan awal \"2026/07\" harus berbentuk TTTT-BB, misalnya 2026-07."
        );
    }

    #[test]
    fn a_period_reads_in_indonesian() {
        let p = Period {
            from: month("2026-07"),
            to: month("2026-09"),
        };
        assert_eq!(p.text("id"), "Juli 2026 – September 2026");
        assert_eq!(
            Period {
                from: p.to,
                to: p.to
            }
            .text("id"),
            "September 2026"
        );
    }

    #[test]
    fn cycles_count_what_is_unanswered() {
        let c = Cycle {
            remitted: 12,
            accepted: 11,
            rejected: 1,
        };
        assert_eq!(c.unanswered(), 0);
        assert_eq!(
            Cycle {
                remitted: 5,
                ..Cycle::default()
            }
            .unanswered(),
            5
        );
    }
}
