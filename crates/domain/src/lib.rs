//! Lingkaran's domain core. Pure: no I/O, no clock (callers pass `today`), no serde. Wire
//! types live at the HTTP edge of the `lingkaran` crate.

pub mod allocation;
pub mod attachment;
pub mod audit;
pub mod benefits;
pub mod claims;
pub mod coverage;
pub mod donor;
pub mod fields;
pub mod format;
pub mod ledger;
pub mod message;
pub mod money;
pub mod nik;
pub mod outcome;
pub mod paging;
pub mod payment;
pub mod pricing;
pub mod programme;
pub mod rates;
pub mod receipt;
pub mod region;
pub mod secret;
pub mod share;
pub mod statement;
pub mod status;
pub mod va;
pub mod wib;
pub mod worker;

pub use message::Problem;
pub use money::{Overflow, Rupiah};
pub use nik::{Nik, Sex};
