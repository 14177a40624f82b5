//! Personal data (UU 27/2022, PDP): the keys that seal NIKs and phone numbers at rest and
//! give their blind indexes, and the gate that decides what of a worker a caller sees.

pub mod gate;
pub mod keys;

pub use keys::{Keyring, Kind};
