//! The one place a worker's status changes: the conditional `UPDATE workers` and its row in
//! `worker_events` (who, when, why), written together inside the caller's transaction.
//! Whether a move is allowed is [`WorkerStatus::can_become`], asked here as well as by the
//! callers, so no path writes a move the registry forbids.
//!
//! Two forms: [`change_worker`] for one worker (an officer's decision, a
//! self-payment, a stop), conditional on the status the caller read, so two racing changes
//! cannot both win; and [`change_workers`] for a set chosen by an SQL filter
//! (the month's lifecycle step, the demo), two statements whatever the number of workers.
//! A change whose `to` is the status the worker already has is a note: the event is written
//! and the status stays (`distinct`, `back_to_pool`).

use super::audit::{self, user_or_system, Actor};
use super::Tx;
use crate::on_tx;
use chrono::{DateTime, Utc};
use lingkaran_domain::worker::WorkerStatus;
use serde_json::json;
use sqlx::{Database, Encode, Type};

/// What happens to the worker(s), and who, when and why.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Change<'a> {
    pub to: WorkerStatus,
    /// The event's action: `verify`, `reject`, `merge`, `distinct`, `self_payment`, `lapse`,
    /// `back_to_pool`, `deceased`, `left`, …
    pub action: &'a str,
    /// Also written to `workers.status_reason` when the status changes.
    pub reason: Option<&'a str>,
    /// Who: written into the event (the system user when not a user, see
    /// `audit::user_or_system`) and into the audit entry of the change.
    pub actor: Actor,
    pub at: DateTime<Utc>,
}

/// A value the filter of [`change_workers`] binds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Int(i64),
    Text(&'a str),
}

/// Whether `from` may become `to` here: an allowed move, or a note (`from == to`).
fn allowed(from: WorkerStatus, to: WorkerStatus) -> bool {
    from == to || from.can_become(to)
}

/// `sql` with `params` bound to `$1`….
fn bind_params<'q, DB>(
    sql: &'q str,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    i64: Encode<'q, DB> + Type<DB>,
    &'q str: Encode<'q, DB> + Type<DB>,
{
    let mut q = sqlx::query(sql);
    for p in params {
        q = match *p {
            Param::Int(v) => q.bind(v),
            Param::Text(v) => q.bind(v),
        };
    }
    q
}

/// Moves worker `id` from `from` (the status the caller read) to `change.to`, with its event,
/// in the caller's transaction. Returns false, writing nothing, when the move is not allowed
/// or the worker is no longer `from` (another change won the race).
pub(crate) async fn change_worker(
    tx: &mut Tx,
    id: i64,
    from: WorkerStatus,
    change: &Change<'_>,
) -> anyhow::Result<bool> {
    if !allowed(from, change.to) {
        return Ok(false);
    }
    if from != change.to {
        let n = on_tx!(tx, |c| sqlx::query(
            "UPDATE workers SET status = $1, status_reason = $2, updated_at = $3,
             verified_at = CASE WHEN $1 = 'verified' THEN $3 ELSE verified_at END
             WHERE id = $4 AND status = $5",
        )
        .bind(change.to.code())
        .bind(change.reason)
        .bind(change.at)
        .bind(id)
        .bind(from.code())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if n != 1 {
            return Ok(false);
        }
    }
    // A note is written only while the worker still has that status.
    let insert = format!(
        "INSERT INTO worker_events
           (worker_id, from_status, to_status, action, reason, actor_id, at)
         SELECT id, $2, $3, $4, $5, {}, $7 FROM workers WHERE id = $1 AND status = $3",
        user_or_system("$6")
    );
    let n = on_tx!(tx, |c| {
        sqlx::query(&insert)
            .bind(id)
            .bind(from.code())
            .bind(change.to.code())
            .bind(change.action)
            .bind(change.reason)
            .bind(change.actor.user_id())
            .bind(change.at)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    if n == 1 {
        audit::record(
            tx,
            change.at,
            change.actor,
            &format!("worker.{}", change.action),
            "worker",
            id,
            json!({ "from": from.code(), "to": change.to.code(), "reason": change.reason }),
        )
        .await?;
    }
    Ok(n == 1)
}

/// Moves every worker whose status is one of `from` and who matches `filter` (SQL over
/// `workers w`, with `$1`… bound to `params`) to `change.to`, one event each, in the caller's
/// transaction. Returns how many. Every status in `from` must be allowed to become
/// `change.to` (or be it, for a note); otherwise nothing is written and an error returned.
pub(crate) async fn change_workers(
    tx: &mut Tx,
    from: &[WorkerStatus],
    filter: &str,
    params: &[Param<'_>],
    change: &Change<'_>,
) -> anyhow::Result<u64> {
    if let Some(bad) = from.iter().find(|f| !allowed(**f, change.to)) {
        anyhow::bail!(
            "a worker who is {} cannot become {} ({})",
            bad.code(),
            change.to.code(),
            change.action
        );
    }
    // The codes are the enum's own words, so they are written into the SQL.
    let statuses = from
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    let chosen = format!("w.status IN ({statuses}) AND ({filter})");
    let k = params.len();
    let own = |i: usize| format!("${}", k + i);
    // The events first: once the status has changed, the filter no longer finds them.
    let insert = format!(
        "INSERT INTO worker_events (worker_id, from_status, to_status, action, reason, actor_id, at)
         SELECT w.id, w.status, {}, {}, {}, {}, {} FROM workers w WHERE {chosen}",
        own(1),
        own(2),
        own(3),
        user_or_system(&own(4)),
        own(5)
    );
    let n = on_tx!(tx, |c| bind_params(&insert, params)
        .bind(change.to.code())
        .bind(change.action)
        .bind(change.reason)
        .bind(change.actor.user_id())
        .bind(change.at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    // One entry for the set, with its count: never one per worker (the month's step moves
    // millions). The events name each worker.
    if n > 0 {
        let from: Vec<&str> = from.iter().map(|f| f.code()).collect();
        audit::record(
            tx,
            change.at,
            change.actor,
            &format!("workers.{}", change.action),
            "workers",
            change.action,
            json!({ "from": from, "to": change.to.code(), "reason": change.reason, "count": n }),
        )
        .await?;
    }
    if from.iter().any(|f| *f != change.to) {
        let update = format!(
            "UPDATE workers SET status = {to}, status_reason = {}, updated_at = {at},
             verified_at = CASE WHEN {to} = 'verified' THEN {at} ELSE verified_at END
             WHERE id IN (SELECT w.id FROM workers w WHERE {chosen})",
            own(2),
            to = own(1),
            at = own(3),
        );
        on_tx!(tx, |c| bind_params(&update, params)
            .bind(change.to.code())
            .bind(change.reason)
            .bind(change.at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(n)
}
