//! The audit trail in the store (`audit_log`, migration 0017): who acted ([`Actor`], the one
//! shape in which the acting party reaches storage), appending an entry in the transaction of
//! the change it records ([`record`], [`append`]), walking the hash chain ([`verify`]), the
//! head ([`head`]) and reading entries back for admins ([`list`]). The chain's rules
//! (canonical bytes, what a break is) are the domain's (`lingkaran_domain::audit`).
//!
//! Every storage function that changes state takes an `Actor` and calls [`record`] before its
//! commit, as late in the transaction as it can: appending updates the one `audit_head` row,
//! which every writer then holds until its commit.

use super::sql::Sql;
use super::{Db, Tx};
use crate::{bind_all, on_db, on_tx};
use chrono::{DateTime, SecondsFormat, Utc};
use lingkaran_domain::audit::{Break, Entry, Stored, Verifier};
use serde::Serialize;

/// Rows read per page while verifying: bounded memory whatever the trail's length.
const PAGE: i64 = 10_000;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: String,
    actor: String,
    action: String,
    record_kind: String,
    record_id: String,
    detail: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl Row {
    /// A hash of the wrong length is stored as all-ones, which never matches a real one, so
    /// the verifier names the entry rather than this function failing.
    fn stored(self) -> Stored {
        let fixed = |v: Vec<u8>| <[u8; 32]>::try_from(v.as_slice()).unwrap_or([0xff; 32]);
        Stored {
            prev_hash: fixed(self.prev_hash),
            hash: fixed(self.hash),
            entry: Entry {
                id: self.id,
                at: self.at,
                actor: self.actor,
                action: self.action,
                record_kind: self.record_kind,
                record_id: self.record_id,
                detail: self.detail,
            },
        }
    }
}

/// What `lingkaran audit verify` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub ok: bool,
    pub entries: u64,
    pub first_bad: Option<i64>,
    pub why: Option<Break>,
    /// The hash of the last good entry (hex), to compare with the copy written to the log.
    pub head: String,
    /// The head the store claims (`audit_head`); it differs from `head` when the last entries
    /// were deleted.
    pub claimed_head: String,
    pub claimed_last_id: i64,
}

/// Walks the whole chain in id order, a page at a time.
pub async fn verify(db: &Db) -> anyhow::Result<Report> {
    let mut v = Verifier::new();
    let mut after = 0i64;
    loop {
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT id, at, actor, action, record_kind, record_id, detail, prev_hash, hash
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(pool)
            .await
        })?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for r in rows {
            v.push(&r.stored());
        }
    }
    let (claimed_last_id, claimed_hash): (i64, Vec<u8>) = on_db!(db, |pool| {
        sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE one = 1")
            .fetch_one(pool)
            .await
    })?;
    let head = hex::encode(v.head());
    let claimed_head = hex::encode(&claimed_hash);
    let first_bad = v.first_bad();
    // The tail deleted: every remaining entry holds, but the head no longer matches.
    let tail_gone = first_bad.is_none() && (claimed_head != head || claimed_last_id != after);
    Ok(Report {
        ok: first_bad.is_none() && !tail_gone,
        entries: v.entries(),
        first_bad: first_bad
            .map(|(id, _)| id)
            .or(tail_gone.then_some(after.saturating_add(1))),
        why: first_bad
            .map(|(_, why)| why)
            .or(tail_gone.then_some(Break::Sequence)),
        head,
        claimed_head,
        claimed_last_id,
    })
}

/// What a change records (see `lingkaran_domain::audit::Entry`); the id, time and hashes are
/// filled in by [`append`].
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub actor: Actor,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: String,
    /// JSON text; never a whole NIK or phone number (name a worker by its id).
    pub detail: serde_json::Value,
}

/// Who acted: the one shape in which the acting party reaches storage. Every storage
/// function that changes state takes one, writes it into the audit entry of that change, and
/// into the ledger transfers it makes (`ledger_transfers.actor`). A signed-in user; the
/// command line run by the operator at the console (with `--by` a command acts as that user);
/// or the service itself, named by its job (`expire_holds`, `cycle`, `provider`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    Cli,
    System(&'static str),
}

impl Actor {
    /// As stored: `user:12`, `cli`, `system:cycle`.
    pub fn text(&self) -> String {
        match self {
            Actor::User(id) => format!("user:{id}"),
            Actor::Cli => "cli".into(),
            Actor::System(job) => format!("system:{job}"),
        }
    }

    /// The signed-in user, when a user acted. Tables whose rows name a user (`worker_events`,
    /// `worker_sector_changes`, …) name the system user (`_sistem`) otherwise, see
    /// [`user_or_system`].
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User(id) => Some(*id),
            Actor::Cli | Actor::System(_) => None,
        }
    }

    /// The caller of a request.
    pub fn of(p: &crate::auth::Principal) -> Actor {
        Actor::User(p.user_id)
    }
}

/// SQL for the user id a row names: the acting user (`$n`, bound to [`Actor::user_id`]), or
/// the system user when the command line or a job acted.
pub(crate) fn user_or_system(param: &str) -> String {
    format!("COALESCE(CAST({param} AS BIGINT), (SELECT id FROM users WHERE username = '_sistem'))")
}

/// The user id a row names for `actor` (see [`user_or_system`]), read in `tx`.
pub(crate) async fn user_id_in(tx: &mut Tx, actor: Actor) -> anyhow::Result<i64> {
    if let Some(id) = actor.user_id() {
        return Ok(id);
    }
    let id: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM users WHERE username = '_sistem'"
    )
    .fetch_optional(c)
    .await)?;
    id.ok_or_else(|| anyhow::anyhow!("the system user _sistem is missing: run `lingkaran migrate`"))
}

/// Appends one entry in `tx` (see [`append`]): the shorthand every change uses.
pub async fn record(
    tx: &mut Tx,
    at: DateTime<Utc>,
    actor: Actor,
    action: &str,
    record_kind: &str,
    record_id: impl ToString,
    detail: serde_json::Value,
) -> anyhow::Result<i64> {
    append(
        tx,
        at,
        &NewEntry {
            actor,
            action,
            record_kind,
            record_id: record_id.to_string(),
            detail,
        },
    )
    .await
}

/// Appends one entry in `tx`, the transaction of the change it records. Updating
/// `audit_head` first takes its lock (PostgreSQL's row lock, SQLite's write lock) until the
/// commit, so two appends never chain from the same head, and a rolled-back change leaves
/// neither its entry nor a gap. Returns the entry's id.
pub async fn append(tx: &mut Tx, at: DateTime<Utc>, e: &NewEntry<'_>) -> anyhow::Result<i64> {
    let (id, prev): (i64, Vec<u8>) = on_tx!(tx, |c| {
        sqlx::query_as(
            "UPDATE audit_head SET last_id = last_id + 1 WHERE one = 1 RETURNING last_id, last_hash",
        )
        .fetch_one(c)
        .await
    })?;
    let prev: [u8; 32] = <[u8; 32]>::try_from(prev.as_slice())
        .map_err(|_| anyhow::anyhow!("audit_head.last_hash is not 32 bytes"))?;
    let entry = Entry {
        id,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor: e.actor.text(),
        action: e.action.to_string(),
        record_kind: e.record_kind.to_string(),
        record_id: e.record_id.clone(),
        detail: e.detail.to_string(),
    };
    let hash = entry.hash(&prev);
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, action, record_kind, record_id, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(entry.id)
        .bind(&entry.at)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.record_kind)
        .bind(&entry.record_id)
        .bind(&entry.detail)
        .bind(prev.as_slice())
        .bind(hash.as_slice())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    on_tx!(tx, |c| {
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE one = 1")
            .bind(hash.as_slice())
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// The head: the last entry's id and hash (hex), as the store claims it. Written to the log
/// every day (an outside copy) and printed by `lingkaran audit head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub last_id: i64,
    pub hash: String,
}

pub async fn head(db: &Db) -> anyhow::Result<Head> {
    let (last_id, hash): (i64, Vec<u8>) = on_db!(db, |pool| {
        sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE one = 1")
            .fetch_one(pool)
            .await
    })?;
    Ok(Head {
        last_id,
        hash: hex::encode(hash),
    })
}

/// The largest page [`list`] gives.
pub const MAX_PAGE: i64 = 200;

/// What an admin filters the trail by; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A record: its kind (`worker`, `donation`, …) and, optionally, its id.
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    /// Who (`user:12`, `cli`, `system:cycle`; see [`Actor::text`]).
    pub actor: Option<String>,
    /// From this time on, and before that one (RFC 3339 text in UTC, compared as stored).
    pub from: Option<String>,
    pub until: Option<String>,
    /// Keyset paging: entries with an id below this one (the page before, newest first).
    pub before: Option<i64>,
    /// At most [`MAX_PAGE`] (+ 1, to see whether another page follows).
    pub limit: i64,
}

/// One entry as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    /// JSON text.
    pub detail: String,
}

/// The entries matching `f`, newest first, at most `f.limit` (capped at [`MAX_PAGE`] + 1).
/// Each filter has its index (`audit_log_record`, `audit_log_actor`, the id), so a page costs
/// the same on a trail of millions.
pub async fn list(db: &Db, f: &Filter) -> anyhow::Result<Vec<Listed>> {
    let mut sql = Sql::new(
        "SELECT id, at, actor, action, record_kind, record_id, detail FROM audit_log WHERE 1 = 1",
    );
    let text = |sql: &mut Sql, cond: &str, v: &Option<String>| {
        if let Some(v) = v {
            sql.push(cond).text_arg(v.as_str());
        }
    };
    text(&mut sql, " AND record_kind = ", &f.record_kind);
    text(&mut sql, " AND record_id = ", &f.record_id);
    text(&mut sql, " AND actor = ", &f.actor);
    text(&mut sql, " AND at >= ", &f.from);
    text(&mut sql, " AND at < ", &f.until);
    if let Some(before) = f.before {
        sql.push(" AND id < ").int_arg(before);
    }
    // One past the largest page, so a caller can tell whether another page follows.
    sql.push(" ORDER BY id DESC LIMIT ")
        .int_arg(f.limit.clamp(1, MAX_PAGE + 1));
    Ok(on_db!(db, |pool| bind_all!(
        sqlx::query_as(&sql.text),
        sql
    )
    .fetch_all(pool)
    .await)?)
}
