//! The outbox as staff read it. Its messages hold contact data (phone numbers, e-mail
//! addresses) and workers' names, and carry no region: so only an admin reads them, and
//! each reading is recorded in the audit trail; an officer sees the counts (totals only).

use super::privacy::{self, Reveal};
use super::{Ctx, Error};
use crate::auth::role::STAFF;
use crate::auth::Role;
use crate::db::outbox::{self, Message};

/// The outbox for the caller: counts by status, how many are stuck, and the newest
/// messages (an admin only; `None` for an officer).
pub struct Outbox {
    pub counts: Vec<(String, i64)>,
    pub stuck: i64,
    pub items: Option<Vec<Message>>,
}

pub async fn outbox(ctx: Ctx<'_>, status: Option<&str>, limit: i64) -> Result<Outbox, Error> {
    let p = ctx.require(&STAFF)?;
    let (counts, stuck) = outbox::counts(ctx.db, ctx.clock.now()).await?;
    let items = if p.role == Role::Admin {
        let items = outbox::list(ctx.db, status, limit).await?;
        if !items.is_empty() {
            privacy::record(
                ctx,
                Reveal::Shown,
                "outbox",
                "list",
                serde_json::json!({ "messages": items.len(), "status": status }),
            )
            .await?;
        }
        Some(items)
    } else {
        None
    };
    Ok(Outbox {
        counts,
        stuck,
        items,
    })
}
