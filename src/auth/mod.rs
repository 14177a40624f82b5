//! Authentication (passwords, sessions, bearer tokens) and authorisation (roles, region scopes).

pub mod password;
pub mod role;

pub use role::{Principal, Role};
