//! The audit trail in the store (`audit_log`, migration 0017): reading it back and walking
//! its hash chain. The chain's rules (canonical bytes, what a break is) are the domain's
//! (`lingkaran_domain::audit`); this module only pages through the rows in id order.

use super::Db;
use crate::on_db;
use lingkaran_domain::audit::{Break, Entry, Stored, Verifier};

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
