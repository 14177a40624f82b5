//! Personal data (UU 27/2022, PDP): the keys that seal NIKs and phone numbers at rest and
//! give their blind indexes. Issue 10 grows the gate (who sees what of a worker) here.

pub mod keys;

pub use keys::{Keyring, Kind};
