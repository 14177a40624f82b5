//! The gate's decisions that need the store: recording an admin's reveal of whole NIKs and an
//! export of personal data in the audit trail (docs/privacy.md). The rule itself, who sees
//! what of a worker, is `privacy::gate::sight`; the edges ask it through the use cases and
//! `wire`, never on their own.

use super::{Ctx, Error};
use crate::auth::{Principal, Role};
use crate::db::audit::{self, Actor, NewEntry};
use serde_json::Value;

/// A reveal of whole NIKs (`worker.reveal`) or an export of personal data (`export.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    /// Whole NIKs shown on a page or an answer.
    Shown,
    /// Personal data written to a file the caller downloads.
    Exported,
}

impl Reveal {
    pub fn action(self) -> &'static str {
        match self {
            Reveal::Shown => "worker.reveal",
            Reveal::Exported => "export.csv",
        }
    }
}

/// Records one reveal: one entry per page, answer or export, never per row, so that reading
/// a list stays cheap. `detail` says what was shown (how many workers, which page) and holds
/// no whole NIK or phone. Only an audited sight (an admin's) or an export calls it.
pub async fn record(
    ctx: Ctx<'_>,
    what: Reveal,
    record_kind: &str,
    record_id: impl ToString,
    detail: Value,
) -> Result<(), Error> {
    let mut tx = ctx.db.begin_write().await?;
    audit::append(
        &mut tx,
        ctx.clock.now(),
        &NewEntry {
            actor: Actor::User(ctx.actor.user_id),
            action: what.action(),
            record_kind,
            record_id: record_id.to_string(),
            detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The regions a caller's lists are cut to: `None` for an admin (everything), the caller's
/// scopes for everyone else (an officer or viewer sees the workers of their regions only).
pub fn regions_of(p: &Principal) -> Option<&[String]> {
    (p.role != Role::Admin).then_some(p.scopes.as_slice())
}
