//! The set-wise statements of a donation (`worker_months`, `donation_workers`), in each
//! store's fastest form (like
//! [`super::bulk`]): SQLite gets multi-row `VALUES` and `IN (…)` lists, PostgreSQL one
//! statement over arrays. A 10,000-worker donation writes 120,000 rows; on PostgreSQL that is
//! one statement instead of sixty.
//!
//! The functions take the caller's [`Tx`] and hand it to the form for its store (the private
//! `MonthsBulk`, implemented once per connection type), so a donation's logic is written once.

use super::Tx;
use crate::on_tx;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, QueryBuilder, SqliteConnection};

/// One worker-month to take: (worker, yyyymm, jkk, jkm).
pub(crate) type MonthRow = (i64, i64, i64, i64);

/// Rows of one multi-row INSERT on SQLite: 5 binds each, well under its 32,766 variables.
const SQLITE_CHUNK: usize = 4_000;

/// Inserts the rows for `donation_id`, skipping any (worker, month) already taken. Returns
/// the worker of each row inserted.
pub(crate) async fn insert_months(
    tx: &mut Tx,
    donation_id: i64,
    rows: &[MonthRow],
) -> sqlx::Result<Vec<i64>> {
    on_tx!(tx, |c| c.insert_months(donation_id, rows).await)
}

/// Gives back the months in `first..=last` of `workers` held by donations whose hold ran out
/// unpaid. Each such donation's row is locked (and marked expired) first, so a late payment
/// settling it at the same moment either finishes before (and the months stay funded) or
/// sees them gone (and takes back what is still free).
pub(crate) async fn release_expired(
    tx: &mut Tx,
    workers: &[i64],
    first: i64,
    last: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    on_tx!(tx, |c| c.release_expired(workers, first, last, now).await)
}

/// Deletes the rows of `donation_id` for these workers (a block only partly taken, or a late
/// payment starting a worker again) and recounts how far they are taken.
pub(crate) async fn delete_months(
    tx: &mut Tx,
    donation_id: i64,
    workers: &[i64],
) -> sqlx::Result<()> {
    on_tx!(tx, |c| c.delete_months(donation_id, workers).await)
}

/// Records the workers a donation chose: (worker, rank, reason in Indonesian, in English).
pub(crate) async fn insert_chosen(
    tx: &mut Tx,
    donation_id: i64,
    rows: &[Chosen],
) -> sqlx::Result<()> {
    on_tx!(tx, |c| c.insert_chosen(donation_id, rows).await)
}

/// These workers are now taken through `last` (yyyymm) at least.
pub(crate) async fn mark_taken(tx: &mut Tx, workers: &[i64], last: i64) -> sqlx::Result<()> {
    on_tx!(tx, |c| c.mark_taken(workers, last).await)
}

/// Works out again how far these workers are taken, after some of their months were given
/// back.
pub(crate) async fn recount_taken(tx: &mut Tx, workers: &[i64]) -> sqlx::Result<()> {
    on_tx!(tx, |c| c.recount_taken(workers).await)
}

/// Each store's form of the functions above (documented there).
trait MonthsBulk {
    async fn insert_months(
        &mut self,
        donation_id: i64,
        rows: &[MonthRow],
    ) -> sqlx::Result<Vec<i64>>;

    async fn release_expired(
        &mut self,
        workers: &[i64],
        first: i64,
        last: i64,
        now: DateTime<Utc>,
    ) -> sqlx::Result<u64>;

    async fn delete_months(&mut self, donation_id: i64, workers: &[i64]) -> sqlx::Result<()>;

    async fn insert_chosen(&mut self, donation_id: i64, rows: &[Chosen]) -> sqlx::Result<()>;

    async fn mark_taken(&mut self, workers: &[i64], last: i64) -> sqlx::Result<()>;

    async fn recount_taken(&mut self, workers: &[i64]) -> sqlx::Result<()>;
}

/// Recounts `taken_through` for the workers in an `IN (…)` list (appended).
const RECOUNT_TAKEN: &str = "UPDATE workers SET taken_through =
    COALESCE((SELECT MAX(m.month) FROM worker_months m WHERE m.worker_id = workers.id), 0)
    WHERE id IN (";

/// Appends the ids as binds and closes the list: the tail of an `IN (` on SQLite.
fn push_ids(qb: &mut QueryBuilder<'_, sqlx::Sqlite>, ids: &[i64]) {
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    qb.push(")");
}

/// A chosen worker: (worker, rank, reason_id, reason_en).
pub(crate) type Chosen = (i64, i64, String, String);

impl MonthsBulk for SqliteConnection {
    async fn mark_taken(&mut self, workers: &[i64], last: i64) -> sqlx::Result<()> {
        for chunk in workers.chunks(SQLITE_CHUNK) {
            let mut qb = QueryBuilder::new("UPDATE workers SET taken_through = ");
            qb.push_bind(last)
                .push(" WHERE taken_through < ")
                .push_bind(last)
                .push(" AND id IN (");
            push_ids(&mut qb, chunk);
            qb.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    async fn recount_taken(&mut self, workers: &[i64]) -> sqlx::Result<()> {
        for chunk in workers.chunks(SQLITE_CHUNK) {
            let mut qb = QueryBuilder::new(RECOUNT_TAKEN);
            push_ids(&mut qb, chunk);
            qb.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    async fn insert_chosen(&mut self, donation_id: i64, rows: &[Chosen]) -> sqlx::Result<()> {
        for chunk in rows.chunks(SQLITE_CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO donation_workers (donation_id, worker_id, rank, reason_id, reason_en) ",
            );
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(donation_id)
                    .push_bind(r.0)
                    .push_bind(r.1)
                    .push_bind(r.2.as_str())
                    .push_bind(r.3.as_str());
            });
            qb.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    async fn insert_months(
        &mut self,
        donation_id: i64,
        rows: &[MonthRow],
    ) -> sqlx::Result<Vec<i64>> {
        let mut out = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(SQLITE_CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO worker_months (worker_id, month, donation_id, jkk, jkm) ",
            );
            qb.push_values(chunk, |mut b, (w, m, jkk, jkm)| {
                b.push_bind(*w)
                    .push_bind(*m)
                    .push_bind(donation_id)
                    .push_bind(*jkk)
                    .push_bind(*jkm);
            });
            qb.push(" ON CONFLICT (worker_id, month) DO NOTHING RETURNING worker_id");
            out.extend(qb.build_query_scalar::<i64>().fetch_all(&mut *self).await?);
        }
        Ok(out)
    }

    async fn release_expired(
        &mut self,
        workers: &[i64],
        first: i64,
        last: i64,
        now: DateTime<Utc>,
    ) -> sqlx::Result<u64> {
        // SQLite has one writer at a time (BEGIN IMMEDIATE): no lock to take.
        let mut n = 0;
        for chunk in workers.chunks(SQLITE_CHUNK) {
            let mut qb = QueryBuilder::new("DELETE FROM worker_months WHERE month >= ");
            qb.push_bind(first)
                .push(" AND month <= ")
                .push_bind(last)
                .push(
                    " AND donation_id IN (SELECT id FROM donations WHERE status IN ('held', 'expired') AND hold_expires_at < ",
                )
                .push_bind(now)
                .push(") AND worker_id IN (");
            push_ids(&mut qb, chunk);
            n += qb.build().execute(&mut *self).await?.rows_affected();
        }
        if n > 0 {
            self.recount_taken(workers).await?;
        }
        Ok(n)
    }

    async fn delete_months(&mut self, donation_id: i64, workers: &[i64]) -> sqlx::Result<()> {
        for chunk in workers.chunks(SQLITE_CHUNK) {
            let mut qb = QueryBuilder::new("DELETE FROM worker_months WHERE donation_id = ");
            qb.push_bind(donation_id).push(" AND worker_id IN (");
            push_ids(&mut qb, chunk);
            qb.build().execute(&mut *self).await?;
        }
        self.recount_taken(workers).await
    }
}

impl MonthsBulk for PgConnection {
    async fn mark_taken(&mut self, workers: &[i64], last: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE workers SET taken_through = $1 WHERE id = ANY($2) AND taken_through < $1",
        )
        .bind(last)
        .bind(workers)
        .execute(&mut *self)
        .await
        .map(|_| ())
    }

    async fn recount_taken(&mut self, workers: &[i64]) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE workers SET taken_through =
               COALESCE((SELECT MAX(m.month) FROM worker_months m WHERE m.worker_id = workers.id), 0)
             WHERE id = ANY($1)",
        )
        .bind(workers)
        .execute(&mut *self)
        .await
        .map(|_| ())
    }

    async fn insert_chosen(&mut self, donation_id: i64, rows: &[Chosen]) -> sqlx::Result<()> {
        let (mut w, mut rank, mut id, mut en) = (
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
        );
        for r in rows {
            w.push(r.0);
            rank.push(r.1);
            id.push(r.2.as_str());
            en.push(r.3.as_str());
        }
        sqlx::query(
            "INSERT INTO donation_workers (donation_id, worker_id, rank, reason_id, reason_en)
             SELECT $1, t.w, t.r, t.i, t.e FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[])
               AS t (w, r, i, e)",
        )
        .bind(donation_id)
        .bind(w)
        .bind(rank)
        .bind(id)
        .bind(en)
        .execute(&mut *self)
        .await
        .map(|_| ())
    }

    async fn insert_months(
        &mut self,
        donation_id: i64,
        rows: &[MonthRow],
    ) -> sqlx::Result<Vec<i64>> {
        // A big block is first tried as a plain insert: candidates were chosen free, so a
        // conflict only comes from a donation racing this one, and ON CONFLICT costs half as
        // much again as the insert itself (bench/RESULTS.md). If one does conflict, the
        // attempt is undone and the rows go in with ON CONFLICT DO NOTHING after all.
        const PLAIN_FROM: usize = 1_000;
        let (mut w, mut m, mut jkk, mut jkm) = (
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
        );
        for r in rows {
            w.push(r.0);
            m.push(r.1);
            jkk.push(r.2);
            jkm.push(r.3);
        }
        if rows.len() >= PLAIN_FROM {
            sqlx::query("SAVEPOINT plain_months")
                .execute(&mut *self)
                .await?;
            let plain = sqlx::query(
                "INSERT INTO worker_months (worker_id, month, donation_id, jkk, jkm)
                 SELECT t.w, t.m, $1, t.jkk, t.jkm FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[])
                   AS t (w, m, jkk, jkm)",
            )
            .bind(donation_id)
            .bind(&w)
            .bind(&m)
            .bind(&jkk)
            .bind(&jkm)
            .execute(&mut *self)
            .await;
            match plain {
                Ok(_) => {
                    sqlx::query("RELEASE SAVEPOINT plain_months")
                        .execute(&mut *self)
                        .await?;
                    return Ok(w);
                }
                Err(e)
                    if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("23505") =>
                {
                    sqlx::query("ROLLBACK TO SAVEPOINT plain_months")
                        .execute(&mut *self)
                        .await?;
                    sqlx::query("RELEASE SAVEPOINT plain_months")
                        .execute(&mut *self)
                        .await?;
                }
                Err(e) => return Err(e),
            }
        }
        sqlx::query_scalar(
            "INSERT INTO worker_months (worker_id, month, donation_id, jkk, jkm)
             SELECT t.w, t.m, $1, t.jkk, t.jkm FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[])
               AS t (w, m, jkk, jkm)
             ON CONFLICT (worker_id, month) DO NOTHING RETURNING worker_id",
        )
        .bind(donation_id)
        .bind(w)
        .bind(m)
        .bind(jkk)
        .bind(jkm)
        .fetch_all(&mut *self)
        .await
    }

    async fn release_expired(
        &mut self,
        workers: &[i64],
        first: i64,
        last: i64,
        now: DateTime<Utc>,
    ) -> sqlx::Result<u64> {
        // Lock (not change) the donations: the expiry job marks them and gives back the rest.
        let expired: Vec<i64> = sqlx::query_scalar(
            "UPDATE donations SET status = status
             WHERE status IN ('held', 'expired') AND hold_expires_at < $1
               AND id IN (SELECT DISTINCT donation_id FROM worker_months
                          WHERE worker_id = ANY($2) AND month >= $3 AND month <= $4)
             RETURNING id",
        )
        .bind(now)
        .bind(workers)
        .bind(first)
        .bind(last)
        .fetch_all(&mut *self)
        .await?;
        if expired.is_empty() {
            return Ok(0);
        }
        let n = sqlx::query(
            "DELETE FROM worker_months WHERE donation_id = ANY($1) AND worker_id = ANY($2)
               AND month >= $3 AND month <= $4",
        )
        .bind(&expired)
        .bind(workers)
        .bind(first)
        .bind(last)
        .execute(&mut *self)
        .await?
        .rows_affected();
        if n > 0 {
            self.recount_taken(workers).await?;
        }
        Ok(n)
    }

    async fn delete_months(&mut self, donation_id: i64, workers: &[i64]) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM worker_months WHERE donation_id = $1 AND worker_id = ANY($2)")
            .bind(donation_id)
            .bind(workers)
            .execute(&mut *self)
            .await?;
        self.recount_taken(workers).await
    }
}
