//! A region's dashboard (issue 12 §3): its coverage today, the trend of the last months with
//! the target, its children (districts of a regency, …) side by side, and the hand-overs,
//! for a reader inside the region's scope. Everything is read from the figures
//! (`db::figures`) and the monthly totals (`db::totals`), never from worker-months.

use super::region_coverage::{self, FigureSet, RegionCoverage};
use super::{Ctx, Error};
use crate::auth::role::READERS;
use crate::db::{regions, totals};
use chrono::NaiveDate;
use lingkaran_domain::rates::Month;
use lingkaran_domain::share::{Assessment, Percent, Share};
use std::collections::BTreeMap;

/// Months in the trend, this month included.
pub const TREND_MONTHS: u32 = 24;

/// A region as a page names it. The nation is code `0`, "Indonesia".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub code: String,
    pub name: String,
    /// 0 for the nation, 1 province, 2 regency or city, 3 district, 4 village.
    pub level: u8,
}

impl Place {
    fn nation() -> Place {
        Place {
            code: totals::NATION.into(),
            name: "Indonesia".into(),
            level: 0,
        }
    }
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    pub month: Month,
    /// The coverage that stood at the month's end (or today, for this month).
    pub participants: Option<u64>,
    pub denominator: Option<u64>,
    pub definition: Option<String>,
    pub share: Option<Share>,
    pub target: Option<Percent>,
    /// Lingkaran's donor-funded workers that month, and graduates paying alone.
    pub sponsored: u64,
    pub self_paying: u64,
}

/// One child region in the table and the bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildRow {
    pub place: Place,
    /// Its own figures on the day, when it has them.
    pub participants: Option<u64>,
    pub denominator: Option<u64>,
    pub definition: Option<String>,
    pub share: Option<Share>,
    pub sponsored: u64,
    pub self_paying: u64,
    /// Hand-overs in the trend's months.
    pub handovers: u64,
    /// Whether the reader may open it (inside their scope).
    pub open: bool,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub place: Place,
    /// The regions above it that the reader may open, top first.
    pub trail: Vec<Place>,
    pub day: NaiveDate,
    pub coverage: RegionCoverage,
    /// The last [`TREND_MONTHS`] months, oldest first.
    pub trend: Vec<TrendPoint>,
    pub children: Vec<ChildRow>,
    /// Hand-overs to self-payment this month, and over the trend's months.
    pub handovers_month: u64,
    pub handovers_trend: u64,
    /// Donor-funded worker-months over the trend's months.
    pub funded_months_trend: u64,
    /// The budget lines of the region's governments this fiscal year.
    pub budget: Vec<super::region_budget::BudgetLine>,
    /// Claims of the region's workers with an event in the trend's months, up to the day.
    pub claims: super::claim_counts::Claims,
}

impl Dashboard {
    /// Workers protected this month: donors' and those paying alone.
    pub fn protected_this_month(&self) -> u64 {
        self.coverage.sponsored.total + self.coverage.sponsored.self_paying
    }
}

/// A region's level from its code (see [`Place::level`]).
pub fn level_of(code: &str) -> u8 {
    if code == totals::NATION {
        0
    } else {
        // 35 · 35.25 · 35.25.01 · 35.25.01.2001
        (code.matches('.').count() + 1).min(4) as u8
    }
}

/// The region `code` names (the nation for `0`), or `NotFound`.
pub async fn place(ctx: &Ctx<'_>, code: &str) -> Result<Place, Error> {
    if code == totals::NATION {
        return Ok(Place::nation());
    }
    let r = regions::get(ctx.db, code)
        .await?
        .ok_or(Error::NotFound("wilayah"))?;
    Ok(Place {
        level: level_of(&r.code),
        code: r.code,
        name: r.name,
    })
}

/// The codes above `code`, top first: the nation, then its province, regency, district.
fn ancestors(code: &str) -> Vec<String> {
    if code == totals::NATION {
        return Vec::new();
    }
    let mut out = vec![totals::NATION.to_string()];
    let parts: Vec<&str> = code.split('.').collect();
    for n in 1..parts.len() {
        out.push(parts[..n].join("."));
    }
    out
}

/// Whether the reader may open `code` (the one rule: `region_coverage::in_reach`).
fn may_open(ctx: &Ctx<'_>, code: &str) -> bool {
    region_coverage::in_reach(ctx.actor, code)
}

/// Where a reader's dashboard starts: the nation for an admin, else their first region.
pub fn home_region(ctx: &Ctx<'_>) -> Option<String> {
    if ctx.actor.role == crate::auth::Role::Admin {
        Some(totals::NATION.into())
    } else if READERS.contains(&ctx.actor.role) {
        ctx.actor.scopes.first().cloned()
    } else {
        None
    }
}

/// The day a month's standing is read on: its last day, or `today` for this month.
pub fn month_end(m: Month, today: NaiveDate) -> NaiveDate {
    let next = m.next();
    let end = NaiveDate::from_ymd_opt(next.year(), next.month(), 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    end.min(today)
}

fn point_of(month: Month, a: &Assessment) -> TrendPoint {
    TrendPoint {
        month,
        participants: a.participants,
        denominator: a.denominator,
        definition: a.definition.clone(),
        share: a.share,
        target: a.target,
        sponsored: 0,
        self_paying: 0,
    }
}

/// The dashboard of `code` on `day`, for a staff member or a regional government inside it.
pub async fn open(ctx: &Ctx<'_>, code: &str, day: NaiveDate) -> Result<Dashboard, Error> {
    if !READERS.contains(&ctx.actor.role) {
        return Err(Error::Forbidden);
    }
    let here = place(ctx, code).await?;
    if !may_open(ctx, &here.code) {
        return Err(Error::Forbidden);
    }
    let db = ctx.db;
    let set = FigureSet::load(db, &here.code).await?;
    let coverage = region_coverage::of_set(db, &set, day).await?;
    let this = Month::of(day);
    let first = this.minus(TREND_MONTHS - 1);

    // The trend: each month's standing at its end, and the month's totals.
    let mut trend: Vec<TrendPoint> = (0..TREND_MONTHS)
        .map(|i| {
            let m = first.plus(i);
            point_of(m, &set.on(month_end(m, day)).0)
        })
        .collect();
    for row in totals::months(db, &here.code, first.yyyymm(), this.yyyymm()).await? {
        let Some(p) = trend.iter_mut().find(|p| p.month.yyyymm() == row.month) else {
            continue;
        };
        let n = row.worker_months.max(0) as u64;
        if row.source == "self" {
            p.self_paying += n;
        } else {
            p.sponsored += n;
        }
    }
    let funded_months_trend = trend.iter().map(|p| p.sponsored).sum();
    let handovers = totals::handovers(db, &here.code, first.yyyymm(), this.yyyymm()).await?;
    let handovers_trend = handovers.iter().map(|(_, n)| (*n).max(0) as u64).sum();
    let handovers_month = handovers
        .iter()
        .find(|(m, _)| *m == this.yyyymm())
        .map_or(0, |(_, n)| (*n).max(0) as u64);

    // The children: their own figures, this month's totals, the trend's hand-overs.
    let kids = regions::below(db, &here.code).await?;
    let codes: Vec<String> = kids.iter().map(|r| r.code.clone()).collect();
    let counts = totals::split_of_regions(db, &codes, this.yyyymm()).await?;
    let handed: BTreeMap<String, i64> =
        totals::handovers_of_regions(db, &codes, first.yyyymm(), this.yyyymm())
            .await?
            .into_iter()
            .collect();
    let children = kids
        .into_iter()
        .map(|r| {
            let (a, _, _) = set.of_child(&r.code).on(day);
            let (sponsored, self_paying) = counts.get(&r.code).copied().unwrap_or_default();
            ChildRow {
                open: may_open(ctx, &r.code),
                handovers: handed.get(&r.code).copied().unwrap_or(0).max(0) as u64,
                place: Place {
                    level: level_of(&r.code),
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
        .collect();

    let mut trail = Vec::new();
    for code in ancestors(&here.code) {
        if may_open(ctx, &code) {
            trail.push(place(ctx, &code).await?);
        }
    }
    let budget = super::region_budget::of(db, &here.code, this).await?;
    let claims = super::claim_counts::of_region(db, &here.code, first.first_day(), day).await?;
    Ok(Dashboard {
        budget,
        claims,
        place: here,
        trail,
        day,
        coverage,
        trend,
        children,
        handovers_month,
        handovers_trend,
        funded_months_trend,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_and_levels() {
        assert_eq!(
            ancestors("35.25.01.2001"),
            vec!["0", "35", "35.25", "35.25.01"]
        );
        assert!(ancestors("0").is_empty());
        assert_eq!(level_of("0"), 0);
        assert_eq!(level_of("35"), 1);
        assert_eq!(level_of("35.25"), 2);
        assert_eq!(level_of("35.25.01.2001"), 4);
    }

    #[test]
    fn a_month_ends_on_its_last_day_or_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let feb = Month::new(2024, 2).unwrap();
        assert_eq!(
            month_end(feb, today),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(month_end(Month::of(today), today), today);
    }
}
