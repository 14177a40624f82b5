//! Money coming in: bank statements (CSV and MT940) and the payment provider's callback. The
//! parsers live in the `lingkaran-formats` crate, where they are fuzzed.

pub use lingkaran_formats::{callback, statement};
