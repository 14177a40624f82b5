//! The one place that reads the wall clock for dates. Indonesia's western time (WIB, UTC+7)
//! decides what "today" is: a birth date or a due date is a date in Indonesia.

use chrono::{NaiveDate, Utc};
pub use lingkaran_domain::wib::wib_date;

/// The time, as a value the use cases are given rather than a call they make: a test or a
/// replay can fix it, and every part of one request sees the same "now".
pub trait Clock: Send + Sync {
    fn now(&self) -> chrono::DateTime<Utc>;
    /// Today in Indonesia (WIB).
    fn today(&self) -> NaiveDate {
        wib_date(self.now())
    }
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always says the same instant (tests, replays).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub chrono::DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<Utc> {
        self.0
    }
}

/// The wall clock's instant, for the edges that are handed no [`Clock`] (the CLI, the demo,
/// the scheduler): what they pass to storage as "now".
pub fn now() -> chrono::DateTime<Utc> {
    SystemClock.now()
}

pub fn today() -> NaiveDate {
    wib_date(Utc::now())
}
