//! Indonesia's western time (WIB, UTC+7): the day a payment, a birth or a due date falls on
//! is a day in Indonesia. The wall clock itself is read only at the service's edge.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The day in Indonesia (WIB) at which an instant falls.
pub fn wib_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(7)).date_naive()
}
