//! Money coming in: bank statements (CSV and MT940) and the payment provider's callback.

pub mod callback;
pub mod statement;
