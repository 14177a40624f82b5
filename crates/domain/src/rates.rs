//! Contribution rates for BPU workers (domain.md §2); `crate::pricing` prices a worker-month.
//!
//! Rates change (PP 49/2020 once cut JKM to Rp 68), so they live in a table with effective
//! months, and a quote for a coverage month uses the rate in force in that month. Amounts are
//! whole rupiah; percentages are basis points (1% = 100) so no float is ever involved.

use std::fmt;

/// A calendar month, the unit of coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    /// `2026-01`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl Month {
    /// The month as the number the store keeps: `202612`.
    pub fn yyyymm(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    pub fn from_yyyymm(n: i64) -> Option<Month> {
        Month::new(i32::try_from(n / 100).ok()?, u32::try_from(n % 100).ok()?)
    }

    /// The month `n` months after this one.
    pub fn plus(self, n: u32) -> Month {
        (0..n).fold(self, |m, _| m.next())
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The month `n` months before this one.
    pub fn minus(self, n: u32) -> Month {
        (0..n).fold(self, |m, _| m.prev())
    }

    /// The month's first day.
    pub fn first_day(self) -> chrono::NaiveDate {
        // `Month::new` admits only months 1 to 12 of a year chrono can hold.
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(chrono::NaiveDate::MIN)
    }

    pub fn of(date: chrono::NaiveDate) -> Month {
        use chrono::Datelike;
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The first month whose due date (the 15th) has not passed on `today`: contributions
    /// for a month are due by its 15th (domain.md §2).
    pub fn first_payable(today: chrono::NaiveDate) -> Month {
        use chrono::Datelike;
        if today.day() <= 15 {
            Month::of(today)
        } else {
            Month::of(today).next()
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// One row of the rate table, in force from `from` until the next row's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub from: Month,
    /// JKK as basis points of declared monthly income (100 = 1%).
    pub jkk_basis_points: i64,
    pub jkk_min: i64,
    pub jkk_max: i64,
    /// JKM, a flat monthly amount.
    pub jkm: i64,
}

impl Rate {
    /// Permenaker 5/2021, in force from April 2021: JKK 1% (min Rp 10.000, max Rp 207.000),
    /// JKM Rp 6.800.
    pub fn permenaker_5_2021() -> Rate {
        Rate {
            from: Month {
                year: 2021,
                month: 4,
            },
            jkk_basis_points: 100,
            jkk_min: 10_000,
            jkk_max: 207_000,
            jkm: 6_800,
        }
    }
}

/// The rate in force in `month`: the latest row that starts on or before it.
pub fn rate_for(rates: &[Rate], month: Month) -> Option<&Rate> {
    rates
        .iter()
        .filter(|r| r.from <= month)
        .max_by_key(|r| r.from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(s: &str) -> Month {
        Month::parse(s).unwrap_or(Month { year: 0, month: 1 })
    }

    #[test]
    fn each_month_uses_the_rate_in_force_then() {
        let cut = Rate {
            from: month("2026-03"),
            jkm: 68,
            ..Rate::permenaker_5_2021()
        };
        let rates = [Rate::permenaker_5_2021(), cut];
        let jkm: Vec<i64> = (0..4)
            .filter_map(|i| rate_for(&rates, month("2026-01").plus(i)).map(|r| r.jkm))
            .collect();
        assert_eq!(jkm, vec![6_800, 6_800, 68, 68]);
        assert_eq!(
            rate_for(&rates, month("2021-03")),
            None,
            "no rate before April 2021"
        );
        assert_eq!(month("2026-12").next(), month("2027-01"));
        assert_eq!(Month::parse("2026-13"), None);
    }

    #[test]
    fn the_default_start_is_the_first_month_not_yet_due() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(Month::first_payable(d("2026-11-15")), month("2026-11"));
        assert_eq!(Month::first_payable(d("2026-11-16")), month("2026-12"));
        assert_eq!(Month::first_payable(d("2026-12-25")), month("2027-01"));
    }
}
