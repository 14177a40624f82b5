//! A region's budget lines (APBD, DBHCHT, Dana Desa) with their realisation, burn and runway
//! (issue 12 §3): what the ceiling allowed, what donations committed and funded, what was
//! remitted, what this month costs, and how many more months the rest pays for, at this
//! month's cost and at the price in force next month (PP 50/2025 aware: APBD pays full, Dana
//! Desa as the pricing settings say). A line whose money runs out before the end of its
//! fiscal year is flagged.

use super::Error;
use crate::db::donors::{self, BudgetUse};
use crate::db::{rates, Db};
use lingkaran_domain::donor::BudgetSource;
use lingkaran_domain::pricing::{FundingSource, Sector};
use lingkaran_domain::rates::Month;

/// The declared income a runway is priced at: the programme's minimum.
const INCOME: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub line: BudgetUse,
    /// Ceiling less committed, never below zero.
    pub remaining: i64,
    /// This month's cost carried to next month's price for the line's source (the same
    /// workers and incomes; a relief starting or ending changes it).
    pub burn_next: Option<i64>,
    /// Whole months the remaining money pays for, after the months already funded: at this
    /// month's cost, and at next month's price.
    pub runway_now: Option<u32>,
    pub runway_price: Option<u32>,
    /// The last month the line's money covers: its funded months, then the runway at next
    /// month's price.
    pub funds_until: Option<Month>,
    /// The money runs out before December of the fiscal year.
    pub short_of_year: bool,
}

/// Whole months `remaining` pays for at `monthly` a month.
pub fn runway(remaining: i64, monthly: i64) -> Option<u32> {
    if monthly <= 0 || remaining < 0 {
        return None;
    }
    u32::try_from(remaining / monthly).ok()
}

/// This month's cost at next month's price: scaled by the ratio of the two prices at the
/// minimum income, rounded up (so a runway is never overstated).
fn carried(burn_now: i64, price_now: Option<i64>, price_next: Option<i64>) -> Option<i64> {
    let (now, next) = (price_now?, price_next?);
    if now <= 0 {
        return None;
    }
    let scaled = i128::from(burn_now) * i128::from(next);
    i64::try_from((scaled + i128::from(now) - 1) / i128::from(now)).ok()
}

fn assess(line: BudgetUse, this: Month, prices: (Option<i64>, Option<i64>)) -> BudgetLine {
    let remaining = line.ceiling.saturating_sub(line.committed).max(0);
    let burn_next = carried(line.burn_now, prices.0, prices.1);
    let runway_now = runway(remaining, line.burn_now);
    let runway_price = burn_next.and_then(|b| runway(remaining, b));
    let covered = line
        .covered_through
        .and_then(Month::from_yyyymm)
        .filter(|m| *m >= this);
    let funds_until = match (covered, runway_price) {
        (Some(c), Some(r)) => Some(c.plus(r)),
        (Some(c), None) => Some(c),
        (None, _) => None,
    };
    let year_end = i32::try_from(line.fiscal_year)
        .ok()
        .and_then(|y| Month::new(y, 12));
    let short_of_year = match (funds_until, year_end) {
        (Some(u), Some(end)) => u < end && line.workers_now > 0,
        _ => false,
    };
    BudgetLine {
        line,
        remaining,
        burn_next,
        runway_now,
        runway_price,
        funds_until,
        short_of_year,
    }
}

/// The budget lines of `region`'s governments for the fiscal year of `this` month.
pub async fn of(db: &Db, region: &str, this: Month) -> Result<Vec<BudgetLine>, Error> {
    let rows = donors::budget_use_in(db, region, i64::from(this.year()), this.yyyymm()).await?;
    let pricing = rates::pricing(db).await?;
    Ok(rows
        .into_iter()
        .map(|line| {
            let source = BudgetSource::parse(&line.source)
                .map_or(FundingSource::Apbd, FundingSource::of_budget);
            let price = |m: Month| {
                pricing
                    .price(m, INCOME, source, Sector::Other)
                    .ok()
                    .and_then(|p| p.total().ok())
                    .map(|r| r.get())
            };
            assess(line, this, (price(this), price(this.next())))
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn line(
        ceiling: i64,
        committed: i64,
        workers: i64,
        burn: i64,
        through: Option<i64>,
    ) -> BudgetUse {
        BudgetUse {
            id: 1,
            donor_id: 1,
            donor_name: "Pemkab Gresik".into(),
            donor_region: Some("35.25".into()),
            source: "apbd".into(),
            code: "5.1.02".into(),
            fiscal_year: 2026,
            ceiling,
            committed,
            funded: committed,
            remitted: 0,
            workers_now: workers,
            burn_now: burn,
            covered_through: through,
        }
    }

    #[test]
    fn runway_counts_whole_months() {
        assert_eq!(runway(100, 30), Some(3));
        assert_eq!(runway(29, 30), Some(0));
        assert_eq!(runway(100, 0), None);
    }

    #[test]
    fn gresik_8674_workers_run_out_before_december() {
        // 8.674 workers at Rp 16.800 funded through June 2026, with Rp 500.000.000 left:
        // 8.674 × 16.800 = 145.723.200 a month, 3 more months: through September.
        let this = Month::new(2026, 3).unwrap();
        let l = assess(
            line(
                2_000_000_000,
                1_500_000_000,
                8_674,
                145_723_200,
                Some(202606),
            ),
            this,
            (Some(16_800), Some(16_800)),
        );
        assert_eq!(l.remaining, 500_000_000);
        assert_eq!(l.burn_next, Some(145_723_200));
        assert_eq!(l.runway_price, Some(3));
        assert_eq!(l.funds_until, Month::new(2026, 9));
        assert!(l.short_of_year);
        // With enough left, no warning.
        let l = assess(
            line(
                3_000_000_000,
                1_500_000_000,
                8_674,
                145_723_200,
                Some(202606),
            ),
            this,
            (Some(16_800), Some(16_800)),
        );
        assert_eq!(l.funds_until, Month::new(2027, 4));
        assert!(!l.short_of_year);
        // Over-committed never reads as negative money.
        let l = assess(
            line(100, 200, 1, 16_800, None),
            this,
            (Some(16_800), Some(16_800)),
        );
        assert_eq!(l.remaining, 0);
    }

    #[test]
    fn a_relief_ending_makes_the_next_months_dearer() {
        // A CSR line paying Rp 8.400 in December 2026 pays Rp 16.800 from January 2027.
        assert_eq!(carried(840_000, Some(8_400), Some(16_800)), Some(1_680_000));
        // Higher incomes keep their share: 3 workers costing 24.593 each.
        assert_eq!(carried(73_779, Some(16_800), Some(16_800)), Some(73_779));
        assert_eq!(carried(100, Some(3), Some(1)), Some(34), "rounded up");
        assert_eq!(carried(100, None, Some(1)), None);
    }
}
