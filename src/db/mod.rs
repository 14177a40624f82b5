//! Storage: one [`Db`] handle over SQLite (the embedded default) or PostgreSQL (production).
//!
//! Every query is written once, in SQL that both stores accept (`$1` placeholders, `CAST`,
//! `ON CONFLICT`, `RETURNING`), and a macro compiles it for each backend: [`on_db!`](crate::on_db) on the
//! pool, [`on_tx!`](crate::on_tx) on an open transaction ([`Tx`], which mirrors [`Db`]). Each macro wraps
//! one statement, never more: a step of several statements is an ordinary `async fn` taking
//! `&mut Tx`, which rustfmt formats and clippy reads, and a difference between the stores is a
//! plain `match` (or `Tx::for_update`), not a macro parameter. The two migration folders
//! are twins; `tests/schema.rs` keeps them in step.
//!
//! Storage reads neither the environment nor the clock: whatever time a function records or
//! compares is its `now` parameter.

pub mod audit;
pub mod backup;
pub mod bulk;
pub mod claims;
pub mod coverage;
pub mod cycle;
pub mod digests;
pub mod donations;
pub mod donor_statement;
pub mod donors;
pub mod faults;
pub mod figures;
pub mod idempotency;
pub mod impact;
pub mod imports;
pub mod jobs;
pub mod ledger;
pub mod lifecycle;
pub(crate) mod months;
pub mod outbox;
pub mod outcomes;
pub mod payments;
pub mod rates;
pub mod receipts;
pub mod reconcile;
pub mod region_cycle;
pub mod regions;
pub mod reminders;
pub mod sealed;
pub mod sql;
pub mod statements;
pub mod totals;
pub mod users;
pub(crate) mod worker_events;
pub mod workers;

use crate::privacy::Keyring;
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// A connection pool to one of the two supported stores, with the keys that seal personal
/// data in it.
///
/// Why the keys ride on the handle: every function that writes or reads a NIK or a phone
/// already takes a `Db` or a `Tx`, so carrying the [`Keyring`] here gives storage one place
/// to seal and open (`db::sealed`) without a second parameter on a hundred signatures and
/// without a process-wide global (which would stop a test, or `keys rotate`, from holding
/// two key files at once). A `Db` cannot exist without keys: `connect` takes them.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: Pool,
    keys: Arc<Keyring>,
}

/// The pool of whichever store a [`Db`] is on.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of whichever store `$db` is. The body
/// is compiled once per backend, so the same SQL text serves both.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match &$db.pool {
            $crate::db::Pool::Sqlite($pool) => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}

impl Db {
    /// Opens `url`: `sqlite://path` (created if missing) or `postgres://…`, sealing and
    /// opening personal data with `keys`.
    pub async fn connect(url: &str, keys: Arc<Keyring>) -> anyhow::Result<Db> {
        Ok(Db {
            pool: Pool::connect(url).await?,
            keys,
        })
    }

    /// A handle on an open pool (for tools that tune their own pool, such as the benchmark).
    pub fn from_pool(pool: Pool, keys: Arc<Keyring>) -> Db {
        Db { pool, keys }
    }

    /// The keys that seal personal data in this store.
    pub fn keys(&self) -> &Keyring {
        &self.keys
    }
}

impl Pool {
    /// The settings every SQLite connection is opened with (the benchmark's what-ifs start
    /// from them too).
    pub fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
        Ok(SqliteConnectOptions::from_str(url)
            .context("reading the SQLite URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: every commit is on disk before it returns, so a power cut loses no
            // committed payment (NORMAL in WAL mode may lose the last commits). Its cost
            // on the import and payment benchmarks is in bench/RESULTS.md.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // Batch statements are large (1,000 rows of binds); a small cache keeps a
            // million-row import near 150 MB instead of 270 MB, at no measured cost.
            .statement_cache_capacity(16)
            // Multi-row INSERTs keep a statement journal; in memory it costs ~30 MB at
            // peak and saves ~10% of a large import (bench/RESULTS.md).
            .pragma("temp_store", "memory"))
    }

    /// Opens `url`: `sqlite://path` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> anyhow::Result<Pool> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).context("reading the PostgreSQL URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                // A request waits at most this long for a connection; PostgreSQL down or
                // restarting is then answered 503 (`db::faults`), which a client retries.
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .with_context(|| format!("connecting to PostgreSQL at {}", redact_url(url)))?;
            Ok(Pool::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let opts = Pool::sqlite_options(url)?;
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await
                .with_context(|| format!("opening SQLite database {url}"))?;
            Ok(Pool::Sqlite(pool))
        } else {
            anyhow::bail!("unknown database URL {url:?}: use sqlite://FILE or postgres://…")
        }
    }
}

impl Db {
    /// Rows an import writes per transaction. SQLite rewrites every index page a commit
    /// touched into its WAL, and random NIKs touch most of them, so it wants few, large
    /// commits (50,000 rows: 18k rows/s against 7.5k at 5,000 in `bench/`). PostgreSQL logs
    /// only the changes and does best with 5,000 (19k rows/s against 16k at 50,000).
    pub fn batch_rows(&self) -> usize {
        match self.pool {
            Pool::Sqlite(_) => 50_000,
            Pool::Postgres(_) => 5_000,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Applies the migrations, loads the region table if it is empty, and seeds the default
    /// programme. Safe to run any number of times.
    pub async fn migrate(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
        }
        .context("applying migrations")?;
        regions::load_if_empty(self).await?;
        on_db!(self, |pool| {
            sqlx::query(
                "INSERT INTO programmes (name, min_age, max_age, updated_at) VALUES ($1, 15, NULL, $2)
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(DEFAULT_PROGRAMME)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .context("seeding the default programme")?;
        Ok(())
    }

    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }
}

/// The programme whose eligibility rules imports use.
pub const DEFAULT_PROGRAMME: &str = "GN Lingkaran";

/// `postgres://user:secret@host/db` → `postgres://user:…@host/db`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:…{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// An open transaction on whichever store [`Db`] is: what every multi-statement write runs
/// on, so a payment, the donation it funds and their ledger transfers commit together. The
/// functions that take one (`&mut Tx`) are ordinary `async fn`s grouped by table module
/// (`donations::create_donation`, `payments::book_within`, `ledger::apply_transfers`, …);
/// each of their statements runs through [`on_tx!`](crate::on_tx), which compiles one statement for both
/// stores. Dropped without [`Tx::commit`], it rolls back. It carries its `Db`'s keys (see
/// [`Db`]).
#[derive(Debug)]
pub struct Tx {
    pub conn: TxConn,
    keys: Arc<Keyring>,
}

/// The open transaction of whichever store a [`Tx`] is on.
#[derive(Debug)]
pub enum TxConn {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs ONE statement, `$body`, with `$conn` bound to the connection of whichever store the
/// transaction `$tx` (a `&mut Tx`) is on. As with [`on_db!`], the statement is compiled once
/// per backend, so one SQL text serves both; both arms must give the same type (map an
/// `execute` to `rows_affected()`). Anything longer than a statement belongs in a function.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match &mut $tx.conn {
            $crate::db::TxConn::Sqlite(t) => {
                let $conn: &mut ::sqlx::SqliteConnection = t;
                $body
            }
            $crate::db::TxConn::Postgres(t) => {
                let $conn: &mut ::sqlx::PgConnection = t;
                $body
            }
        }
    };
}

impl Db {
    /// A transaction that will write. SQLite's default transaction starts as a reader and
    /// fails with "database is locked" when it later writes after another writer committed;
    /// `BEGIN IMMEDIATE` takes the write lock at the start (waiting up to the busy timeout),
    /// so writers queue instead of failing. PostgreSQL locks rows as it goes and needs nothing
    /// special.
    pub async fn begin_write(&self) -> sqlx::Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(pool) => TxConn::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => TxConn::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            conn,
            keys: self.keys.clone(),
        })
    }

    /// A plain transaction (a deferred one on SQLite): for one that reads before it writes
    /// and may lose that race harmlessly, such as a conditional status change.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(pool) => TxConn::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => TxConn::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            conn,
            keys: self.keys.clone(),
        })
    }
}

impl Tx {
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await,
            TxConn::Postgres(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.rollback().await,
            TxConn::Postgres(t) => t.rollback().await,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self.conn {
            TxConn::Sqlite(_) => "sqlite",
            TxConn::Postgres(_) => "postgres",
        }
    }

    /// The keys that seal personal data in this store.
    pub fn keys(&self) -> &Keyring {
        &self.keys
    }

    /// What a `SELECT` appends to lock the rows it reads until commit: ` FOR UPDATE` on
    /// PostgreSQL; nothing on SQLite, whose write transaction (`BEGIN IMMEDIATE`) already
    /// excludes every other writer and which has no row locks.
    pub(crate) fn for_update(&self) -> &'static str {
        match self.conn {
            TxConn::Sqlite(_) => "",
            TxConn::Postgres(_) => " FOR UPDATE",
        }
    }

    /// Marks a point that [`Tx::rollback_to`] can return to, undoing only what came after.
    pub(crate) async fn savepoint(&mut self, name: &str) -> sqlx::Result<()> {
        let sql = format!("SAVEPOINT {name}");
        on_tx!(self, |c| sqlx::query(&sql).execute(c).await.map(|_| ()))
    }

    /// Undoes everything since the savepoint `name`, which stays open.
    pub(crate) async fn rollback_to(&mut self, name: &str) -> sqlx::Result<()> {
        let sql = format!("ROLLBACK TO SAVEPOINT {name}");
        on_tx!(self, |c| sqlx::query(&sql).execute(c).await.map(|_| ()))
    }

    /// Forgets the savepoint `name`, keeping what came after it.
    pub(crate) async fn release(&mut self, name: &str) -> sqlx::Result<()> {
        let sql = format!("RELEASE SAVEPOINT {name}");
        on_tx!(self, |c| sqlx::query(&sql).execute(c).await.map(|_| ()))
    }
}

/// Whether a store error is a lost race that the same transaction, run again, would win:
/// PostgreSQL's deadlock or serialization failure, SQLite's busy database.
pub(crate) fn is_retryable(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<sqlx::Error>()
            .and_then(|e| e.as_database_error())
            .and_then(|d| d.code())
            .is_some_and(|code| matches!(code.as_ref(), "40P01" | "40001" | "5" | "517" | "261"))
    })
}

/// Runs a transaction again when it lost a race (see [`is_retryable`]), up to five times.
pub(crate) async fn retrying<T, F, Fut>(mut run: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match run().await {
            Err(e) if attempt < 5 && is_retryable(&e) => {
                tracing::debug!(attempt, "transaction lost a race; running it again");
            }
            other => return other,
        }
    }
}
