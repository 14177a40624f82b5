//! Use cases: the layer between the edges and storage (ARCHITECTURE.md, "Layers").
//!
//! Each operation is a plain `async fn` that takes a [`Ctx`] (who acts, on which store, at
//! what time) and a typed input, and returns a typed view or a typed [`Error`]. The JSON API,
//! the pages and the CLI call the same function, so a rule (who may see a receipt, what a
//! receipt is numbered) lives here once. Nothing here knows HTTP, HTML or JSON: the edges map
//! [`Error`] to a status by its variant and render the view their own way.
//!
//! Dependency rule: domain ← storage (`db`) ← use cases ← api / web / cli / jobs. A use case
//! never imports an edge (`api`, `web`, `cli`) or the application that assembles them (`app`).

pub mod account;
pub mod audit;
pub mod benefits;
pub mod claim_counts;
pub mod claims;
pub mod coverage;
pub mod credit_history;
pub mod cycle;
pub mod digests;
pub mod documents;
pub mod donation_workers;
pub mod donations;
pub mod donor_statement;
pub mod error;
pub mod figures;
pub mod impact;
pub mod imports;
pub mod jobs;
pub mod messages;
pub mod payments;
pub mod privacy;
pub mod quotes;
pub mod receipts;
pub mod region_budget;
pub mod region_coverage;
pub mod region_dashboard;
pub mod region_report;
pub mod signin;
pub mod transparency;

pub use error::Error;

use crate::auth::Principal;
use crate::clock::Clock;
use crate::db::Db;

/// What every use case is given: the store, the acting principal and the clock.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a Db,
    pub actor: &'a Principal,
    pub clock: &'a dyn Clock,
}

impl<'a> Ctx<'a> {
    pub fn new(db: &'a Db, actor: &'a Principal, clock: &'a dyn Clock) -> Ctx<'a> {
        Ctx { db, actor, clock }
    }

    /// Who acts, as storage records it (the audit trail, the ledger).
    pub fn by(&self) -> crate::db::audit::Actor {
        crate::db::audit::Actor::of(self.actor)
    }

    /// Refuses a caller whose role is not among `roles`.
    pub fn require(&self, roles: &[crate::auth::Role]) -> Result<&'a Principal, Error> {
        if roles.contains(&self.actor.role) {
            Ok(self.actor)
        } else {
            Err(Error::Forbidden)
        }
    }
}
