//! Reading the audit trail (admins only), and writing its head to the log (the scheduler
//! every day, `lingkaran audit head`). The trail itself is appended by storage, in the
//! transaction of each change (`db::audit`).

use super::{Ctx, Error};
use crate::auth::Role;
use crate::db::audit::{self, Filter, Head, Listed, MAX_PAGE};
use crate::db::Db;
use chrono::{NaiveDate, SecondsFormat, TimeZone, Utc};

/// The stable words of the daily head line: a log watcher greps for them and keeps the
/// `audit.last_id` and `audit.head` fields as the outside copy of the trail's head.
pub const HEAD_MESSAGE: &str = "audit trail head";

/// Writes the trail's head (last id, hash) to the log at info level: the outside copy that
/// shows whether the whole chain was later rewritten (docs/privacy.md, "A breach").
pub async fn log_head(db: &Db) -> anyhow::Result<Head> {
    let h = audit::head(db).await?;
    tracing::info!(audit.last_id = h.last_id, audit.head = %h.hash, "{HEAD_MESSAGE}");
    Ok(h)
}

/// The page size when none is asked for.
pub const DEFAULT_PAGE: i64 = 50;

/// What an admin asks of the trail, as typed on a page or in a query: every field optional.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// `worker`, `donation`, `payment`, …
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    /// A user's id: their entries (`user:<id>`).
    pub user: Option<i64>,
    /// Or any actor as stored: `cli`, `system:cycle`, `user:12`.
    pub actor: Option<String>,
    /// From this day (UTC) on, through that day.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The next page: entries before this id.
    pub before: Option<i64>,
    /// At most [`MAX_PAGE`]; [`DEFAULT_PAGE`] when not given.
    pub limit: Option<i64>,
}

/// A page of the trail, newest first, and where the next page starts.
#[derive(Debug, Clone)]
pub struct Page {
    pub entries: Vec<Listed>,
    /// The `before` of the next (older) page; `None` on the last page.
    pub next_before: Option<i64>,
}

/// The entries matching `q`, newest first (admins only).
pub async fn list(ctx: Ctx<'_>, q: &Query) -> Result<Page, Error> {
    ctx.require(&[Role::Admin])?;
    let day = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).map(|t| {
            Utc.from_utc_datetime(&t)
                .to_rfc3339_opts(SecondsFormat::Micros, true)
        })
    };
    if let (Some(f), Some(t)) = (q.from, q.to) {
        if t < f {
            return Err(Error::invalid(
                "bad_range",
                "Tanggal akhir sebelum tanggal awal.",
                "The end date is before the start date.",
            ));
        }
    }
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::invalid(
            "bad_limit",
            format!("Jumlah per halaman 1 sampai {MAX_PAGE}."),
            format!("A page holds 1 to {MAX_PAGE} entries."),
        ));
    }
    let actor = match (q.user, &q.actor) {
        (Some(u), _) => Some(audit::Actor::User(u).text()),
        (None, Some(a)) => Some(a.trim().to_string()).filter(|a| !a.is_empty()),
        (None, None) => None,
    };
    let f = Filter {
        record_kind: q.record_kind.clone().filter(|s| !s.trim().is_empty()),
        record_id: q.record_id.clone().filter(|s| !s.trim().is_empty()),
        actor,
        from: q.from.and_then(day),
        until: q.to.and_then(|t| t.succ_opt()).and_then(day),
        before: q.before,
        limit: limit + 1,
    };
    let mut entries = audit::list(ctx.db, &f).await?;
    // One more than asked says whether there is a next page.
    let more = entries.len() as i64 > limit;
    entries.truncate(usize::try_from(limit).unwrap_or(0));
    let next_before = if more {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(Page {
        entries,
        next_before,
    })
}
