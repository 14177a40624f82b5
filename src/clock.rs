//! The one place that reads the wall clock for dates. Indonesia's western time (WIB, UTC+7)
//! decides what "today" is: a birth date or a due date is a date in Indonesia.

use chrono::{Duration, NaiveDate, Utc};

pub fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// The day in Indonesia (WIB) at which an instant falls.
pub fn wib_date(at: chrono::DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(7)).date_naive()
}
