//! Is this person protected on this day, by whom, until when (domain.md §1–2)?
//!
//! Protection is by the month: a worker is covered by JKK and JKM on every day of a month
//! whose contribution is paid (by a donor, or by the worker as `mandiri`). "Until" is the last
//! day of the run of consecutive covered months that holds the day asked about.

use crate::rates::Month;
use chrono::NaiveDate;

/// Who paid for a covered month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payer {
    /// A donor; `name` is `None` when the donor does not want to be named in public.
    Donor { name: String, public: bool },
    /// The worker themself (`mandiri`).
    SelfPaid,
}

/// One covered month of a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveredMonth {
    pub month: Month,
    pub payer: Payer,
}

/// The answer for one worker on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub protected: bool,
    pub payer: Option<Payer>,
    /// The last day of the run of covered months that holds the day.
    pub until: Option<NaiveDate>,
}

/// The last day of a month.
pub fn last_day(m: Month) -> NaiveDate {
    let next = m.next();
    NaiveDate::from_ymd_opt(next.year(), next.month(), 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MIN)
}

/// Coverage on `day`, from the worker's covered months (any order, any span).
pub fn on(months: &[CoveredMonth], day: NaiveDate) -> Coverage {
    let month = Month::of(day);
    let Some(now) = months.iter().find(|c| c.month == month) else {
        return Coverage {
            protected: false,
            payer: None,
            until: None,
        };
    };
    let mut last = month;
    while months.iter().any(|c| c.month == last.next()) {
        last = last.next();
    }
    Coverage {
        protected: true,
        payer: Some(now.payer.clone()),
        until: Some(last_day(last)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn donor(months: &[&str]) -> Vec<CoveredMonth> {
        months
            .iter()
            .map(|s| CoveredMonth {
                month: m(s),
                payer: Payer::Donor {
                    name: "PT Semen".into(),
                    public: true,
                },
            })
            .collect()
    }

    #[test]
    fn first_and_last_day_of_a_funded_period_and_the_day_after() {
        // Funded December 2026 to May 2027, across the new year.
        let c = donor(&[
            "2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05",
        ]);
        let first = on(&c, d("2026-12-01"));
        assert!(first.protected);
        assert_eq!(first.until, Some(d("2027-05-31")));
        let last = on(&c, d("2027-05-31"));
        assert!(last.protected);
        assert_eq!(last.until, Some(d("2027-05-31")));
        let after = on(&c, d("2027-06-01"));
        assert!(!after.protected);
        assert_eq!(after.until, None);
        assert!(!on(&c, d("2026-11-30")).protected);
    }

    #[test]
    fn until_stops_at_a_gap_and_counts_february_right() {
        let c = donor(&["2028-01", "2028-02", "2028-04"]);
        assert_eq!(on(&c, d("2028-01-15")).until, Some(d("2028-02-29")));
        assert!(!on(&c, d("2028-03-10")).protected);
        assert_eq!(on(&c, d("2028-04-01")).until, Some(d("2028-04-30")));
    }
}
