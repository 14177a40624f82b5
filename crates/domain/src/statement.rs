//! A donor's statement (laporan donasi, issue 14 §2): the period it covers and the rules that
//! make two statements add up.
//!
//! - **Any dates.** Fiscal years differ (a company's April–March, a zakat body's Hijri year),
//!   so a statement runs from one day to another, both included, at most [`MAX_DAYS`] long.
//! - **Money by the day it came.** A receipt belongs to the period its day (WIB) falls in.
//! - **Protection by the month.** A coverage month belongs to the period its first day falls
//!   in: consecutive periods (1 April – 30 June, 1 July – 30 September, or 15 January –
//!   14 April, 15 April – …) share no month, so a worker-month is never counted by two of
//!   them. A period that holds no first day of a month covers no months.
//! - **Given once.** What a donor gave in a period is the new money its receipts
//!   acknowledged, less what was returned to its bank account. A donation paid from the
//!   credit has a receipt too, but that money was already acknowledged when it came in: it is
//!   listed, not added ([`Given`]).

use crate::message::Problem;
use crate::rates::Month;
use chrono::{Datelike, NaiveDate};

/// The longest statement: any five calendar years (with two leap days at most).
pub const MAX_DAYS: i64 = 5 * 365 + 2;

/// The days `from..=to` of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn problem(id: &str, en: &str) -> Problem {
    Problem::new("bad_period", id.to_string(), en.to_string())
}

impl Period {
    /// Checks a period: both days real (`2026-01-01`), `from` not after `to`, at most
    /// [`MAX_DAYS`] long, between the years 2000 and 2100.
    pub fn parse(from: &str, to: &str) -> Result<Period, Problem> {
        let day = |s: &str, which_id: &str, which_en: &str| {
            let shown: String = s.chars().take(20).collect();
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                problem(
                    &format!(
                        "Tanggal {which_id} \"{shown}\" tidak terbaca: tulis seperti 2026-01-31."
                    ),
                    &format!(
                        "The {which_en} date \"{shown}\" cannot be read: write it as 2026-01-31."
                    ),
                )
            })
        };
        let from = day(from, "awal", "start")?;
        let to = day(to, "akhir", "end")?;
        Period::new(from, to)
    }

    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, Problem> {
        if !(2000..=2100).contains(&from.year()) || !(2000..=2100).contains(&to.year()) {
            return Err(problem(
                "Tanggal laporan harus antara tahun 2000 dan 2100.",
                "A statement's dates must lie between the years 2000 and 2100.",
            ));
        }
        if from > to {
            return Err(problem(
                &format!("Tanggal awal {from} sesudah tanggal akhir {to}."),
                &format!("The start date {from} is after the end date {to}."),
            ));
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_DAYS {
            return Err(problem(
                &format!("Periode {days} hari terlalu panjang: paling panjang lima tahun."),
                &format!("A period of {days} days is too long: five years at most."),
            ));
        }
        Ok(Period { from, to })
    }

    /// The calendar year `year` (an annual statement).
    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1)?,
            to: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }

    /// The default: this year so far (1 January to `today`).
    pub fn year_to_date(today: NaiveDate) -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            to: today,
        }
    }

    /// The coverage months whose first day falls in the period, as `(first, last)`; `None`
    /// when there is none.
    pub fn months(&self) -> Option<(Month, Month)> {
        let first = {
            let m = Month::of(self.from);
            if m.first_day() == self.from {
                m
            } else {
                m.next()
            }
        };
        let last = Month::of(self.to);
        (first <= last).then_some((first, last))
    }

    /// `1 Januari 2026 – 31 Desember 2026`.
    pub fn text(&self, lang: &str) -> String {
        format!(
            "{} – {}",
            crate::format::date(self.from, lang),
            crate::format::date(self.to, lang)
        )
    }

    /// For a file's name: `2026-01-01_2026-12-31`.
    pub fn stem(&self) -> String {
        format!("{}_{}", self.from, self.to)
    }
}

/// The money of a period, each rupiah counted once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Given {
    /// New money received (receipts of payments).
    pub received: i64,
    /// Donations paid from the credit (receipts too, of money already received): listed, not
    /// added.
    pub from_credit: i64,
    /// Credit returned to the donor's bank account.
    pub refunded: i64,
}

impl Given {
    /// What the donor gave in the period: received less refunded. Saturating: the sums come
    /// from checked columns (no receipt is above Rp 10^15), so it never needs to.
    pub fn net(&self) -> i64 {
        self.received.saturating_sub(self.refunded)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(from: &str, to: &str) -> Period {
        Period::parse(from, to).unwrap()
    }

    #[test]
    fn a_month_belongs_to_the_period_of_its_first_day() {
        let year = p("2026-01-01", "2026-12-31");
        assert_eq!(
            year.months().map(|(a, b)| (a.to_string(), b.to_string())),
            Some(("2026-01".into(), "2026-12".into()))
        );
        // A fiscal year from April: April to March.
        let fiscal = p("2026-04-01", "2027-03-31");
        assert_eq!(
            fiscal.months().map(|(a, b)| (a.to_string(), b.to_string())),
            Some(("2026-04".into(), "2027-03".into()))
        );
        // Mid-month periods: 15 January – 14 April holds February, March and April's first
        // days; the next, from 15 April, starts with May. No month in both.
        let a = p("2026-01-15", "2026-04-14");
        let b = p("2026-04-15", "2026-07-14");
        assert_eq!(
            a.months().map(|(x, y)| (x.to_string(), y.to_string())),
            Some(("2026-02".into(), "2026-04".into()))
        );
        assert_eq!(
            b.months().map(|(x, y)| (x.to_string(), y.to_string())),
            Some(("2026-05".into(), "2026-07".into()))
        );
        // Two days with no month's first day between them.
        assert_eq!(p("2026-01-02", "2026-01-30").months(), None);
        assert_eq!(
            p("2026-03-01", "2026-03-01")
                .months()
                .map(|(a, _)| a.to_string()),
            Some("2026-03".into())
        );
    }

    #[test]
    fn bad_periods_are_refused_in_words() {
        let e = Period::parse("2026-12-31", "2026-01-01").unwrap_err();
        assert_eq!(e.code, "bad_period");
        assert!(e.id.contains("sesudah"), "{}", e.id);
        let e = Period::parse("31/12/2026", "2026-12-31").unwrap_err();
        assert!(e.id.contains("31/12/2026"), "{}", e.id);
        assert!(
            Period::parse("2020-01-01", "2025-12-31").is_err(),
            "six years"
        );
        assert!(
            Period::parse("2021-01-01", "2025-12-31").is_ok(),
            "five years"
        );
        assert!(Period::parse("1999-12-31", "2000-01-31").is_err());
        assert!(Period::parse("2026-02-30", "2026-03-01").is_err());
        assert!(Period::parse(&"9".repeat(10_000), "2026-03-01").is_err());
    }

    #[test]
    fn credit_paid_receipts_are_not_given_twice() {
        let g = Given {
            received: 1_000_000,
            from_credit: 400_000,
            refunded: 100_000,
        };
        assert_eq!(g.net(), 900_000);
        assert_eq!(
            p("2026-01-01", "2026-12-31").stem(),
            "2026-01-01_2026-12-31"
        );
        assert_eq!(
            p("2026-01-01", "2026-12-31").text("id"),
            "1 Januari 2026 – 31 Desember 2026"
        );
        assert_eq!(Period::year(2026), Some(p("2026-01-01", "2026-12-31")));
    }
}
