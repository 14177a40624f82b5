//! What Lingkaran reads from outside, parsed and checked before anything is stored:
//!
//! - [`list`]: a proposer's list of workers (CSV in any of the encodings Excel writes, or
//!   XLSX), as rows of text;
//! - [`statement`]: a bank statement (CSV or SWIFT MT940), as credits;
//! - [`callback`]: the payment provider's signed notification of a paid virtual account;
//! - [`confirmation`]: the insurer's answer to a month's remittance;
//! - [`figures`]: figures from outside for a region's coverage (participants, denominators,
//!   targets).
//!
//! Pure: no database, no network, no clock (callers pass "now"). Every parser takes hostile
//! input, so each has a fuzz target (`fuzz/`), and this crate is kept small so that CI can
//! build it instrumented in seconds.

pub mod callback;
pub mod confirmation;
pub mod figures;
pub mod list;
pub mod statement;

/// A value quoted back in a report, cut to `max` characters (with `…`), so that a runaway
/// cell of a hostile file does not flood the report. The one cut of every parser here.
pub fn snippet(value: &str, max: usize) -> String {
    match value.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_string(),
    }
}
