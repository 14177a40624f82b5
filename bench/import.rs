//! Import benchmark: a generated list of workers imported into SQLite and PostgreSQL, each
//! set against the same store's raw bulk-load rate for the same rows, measured in the same
//! run. See bench/README.md; results in bench/RESULTS.md.
//!
//! ```text
//! cargo bench --bench import -- [--rows N] [--stores sqlite,postgres] [--pg URL] [--dir DIR]
//!                                [--breakdown] [--no-raw] [--no-import] [--keep]
//! ```
//!
//! * The import is `lingkaran::import::run`, timed in a child process (this binary, re-run
//!   as `child`), so its peak RSS (`VmHWM`) is the import's own and nothing else's.
//! * Raw, PostgreSQL: `COPY workers (…) FROM STDIN` of the pre-validated rows.
//! * Raw, SQLite: one prepared `INSERT` stepped once per row in one transaction, twice: through
//!   the C API on sqlx's own connection, and through sqlx (`query().bind()…execute()`).
//! * Every load goes into its own fresh database of the same schema (same indexes, same
//!   foreign keys, same connection settings), so each starts from an empty `workers` table.
//!
//! `--breakdown` also times the parts of the import path on their own: hashing the file,
//! reading it, reading and validating it, and `write_batch` fed pre-validated batches.
//!
//! Environment: `BENCH_ROWS`, `BENCH_PG`, `BENCH_DIR`; for profiling, `BENCH_WRAP` (run the
//! import child under `perf record …`, `valgrind --tool=massif`, `/usr/bin/time -v`) and
//! `BENCH_SQL_PROFILE=1` (time per SQL statement, from sqlx's statement events); what-ifs
//! that never apply to the headline numbers: `BENCH_BATCH_ROWS`, `BENCH_WRITE_BATCH_ROWS`,
//! `BENCH_SQLITE_PRAGMAS`, `BENCH_SQLITE_STMT_CACHE`, `BENCH_RAW_COMMIT_EVERY`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod gen;
mod scratch;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::imports::{self, Pending, Submitter};
use lingkaran::db::users::{self, NewUser};
use lingkaran::db::Db;
use lingkaran::regions::RegionTable;
use lingkaran_domain::region;
use lingkaran_domain::worker::{self, Eligibility, RawWorker, WorkerStatus};
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

const DEFAULT_ROWS: u64 = 1_000_000;
const SEED: u64 = 20_250_817;
const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The raw loads write the plain NIK into the unique `nik_index` column, where the import
/// writes the NIK's blind index (and the sealed NIK into `nik`): the same table and unique
/// index, without the sealing, which is what the ratio measures (issue 10).
const WORKER_COLUMNS: &str = "nik_index, full_name, name_key, sex, birth_date, village_code, regency_code, phone, \
     occupation, income, decile, organisation_id, proposed_by, import_id, status, created_at, updated_at";

struct Args {
    rows: u64,
    stores: Vec<String>,
    pg: String,
    dir: Option<PathBuf>,
    breakdown: bool,
    keep: bool,
    /// Skip the raw loads (for profiling the import alone).
    no_raw: bool,
    /// Skip the import (for what-if raw loads).
    no_import: bool,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        rows: std::env::var("BENCH_ROWS")
            .ok()
            .and_then(|v| v.replace('_', "").parse().ok())
            .unwrap_or(DEFAULT_ROWS),
        stores: vec!["sqlite".into(), "postgres".into()],
        pg: std::env::var("BENCH_PG").unwrap_or_else(|_| DEFAULT_PG.into()),
        dir: std::env::var("BENCH_DIR").ok().map(PathBuf::from),
        breakdown: std::env::var("BENCH_BREAKDOWN").is_ok_and(|v| v == "1"),
        keep: false,
        no_raw: false,
        no_import: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bench" => {} // passed by `cargo bench`
            "--rows" => {
                a.rows = it
                    .next()
                    .context("--rows N")?
                    .replace('_', "")
                    .parse()
                    .context("--rows N")?
            }
            "--stores" => {
                a.stores = it
                    .next()
                    .context("--stores sqlite,postgres")?
                    .split(',')
                    .map(str::to_string)
                    .collect()
            }
            "--pg" => a.pg = it.next().context("--pg URL")?,
            "--dir" => a.dir = Some(PathBuf::from(it.next().context("--dir DIR")?)),
            "--breakdown" => a.breakdown = true,
            "--keep" => a.keep = true,
            "--no-raw" => a.no_raw = true,
            "--no-import" => a.no_import = true,
            other => anyhow::bail!("unknown argument {other:?}"),
        }
    }
    Ok(a)
}

/// What the child process reports about one import.
#[derive(Debug, Serialize, Deserialize)]
struct ChildReport {
    secs: f64,
    rows_total: i64,
    accepted: i64,
    rejected: i64,
    duplicates: i64,
    possible_duplicates: i64,
    status: String,
    /// Peak RSS of the child before the import started (connected, nothing else), kB.
    hwm_before_kb: u64,
    /// Peak RSS of the child over its whole life, kB.
    hwm_kb: u64,
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Time spent in each kind of SQL statement, from sqlx's own per-statement log events
/// (target `sqlx::query`, which carry `summary` and `elapsed_secs`). On with
/// `BENCH_SQL_PROFILE=1`; the child prints the table to stderr.
mod sql_profile {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing_subscriber::layer::{Context, Layer};

    #[derive(Default, Clone, Copy)]
    pub struct Totals {
        pub count: u64,
        pub secs: f64,
        pub rows: u64,
    }

    #[derive(Clone, Default)]
    pub struct SqlTimes(pub Arc<Mutex<HashMap<String, Totals>>>);

    #[derive(Default)]
    struct Fields {
        summary: String,
        secs: f64,
        rows: u64,
    }

    impl Visit for Fields {
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == "summary" {
                self.summary = value.to_string();
            }
        }
        fn record_f64(&mut self, field: &Field, value: f64) {
            if field.name() == "elapsed_secs" {
                self.secs = value;
            }
        }
        fn record_u64(&mut self, field: &Field, value: u64) {
            if matches!(field.name(), "rows_affected" | "rows_returned") {
                self.rows += value;
            }
        }
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "summary" {
                self.summary = format!("{value:?}").trim_matches('"').to_string();
            }
        }
    }

    impl<S: tracing::Subscriber> Layer<S> for SqlTimes {
        fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
            if event.metadata().target() != "sqlx::query" {
                return;
            }
            let mut f = Fields::default();
            event.record(&mut f);
            // "select nik from covered_niks …" → the verb and the table.
            let key: String = f
                .summary
                .trim_end_matches(" …")
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            if let Ok(mut m) = self.0.lock() {
                let t = m.entry(key).or_default();
                t.count += 1;
                t.secs += f.secs;
                t.rows += f.rows;
            }
        }
    }

    pub fn install() -> SqlTimes {
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        let times = SqlTimes::default();
        let filter = tracing_subscriber::filter::Targets::new()
            .with_target("sqlx::query", tracing::Level::TRACE);
        let _ = tracing_subscriber::registry()
            .with(times.clone().with_filter(filter))
            .try_init();
        times
    }

    pub fn print(times: &SqlTimes, total: f64) {
        let m = times.0.lock().map(|m| m.clone()).unwrap_or_default();
        let mut rows: Vec<_> = m.into_iter().collect();
        rows.sort_by(|a, b| b.1.secs.total_cmp(&a.1.secs));
        let sum: f64 = rows.iter().map(|r| r.1.secs).sum();
        eprintln!("SQL time by statement (sqlx log events), import wall time {total:.1} s:");
        for (k, t) in &rows {
            eprintln!(
                "  {:>8.2} s {:>5.1}%  {:>7} calls  {:>9} rows  {k}",
                t.secs,
                100.0 * t.secs / total,
                t.count,
                t.rows
            );
        }
        eprintln!(
            "  {:>8.2} s {:>5.1}%  in logged statements (BEGIN/COMMIT are not logged)",
            sum,
            100.0 * sum / total
        );
    }
}

/// `child URL FILE ORG USER`: runs one import and prints a [`ChildReport`] as JSON.
async fn child(mut it: impl Iterator<Item = String>) -> anyhow::Result<()> {
    let url = it.next().context("url")?;
    let file = PathBuf::from(it.next().context("file")?);
    let organisation_id: i64 = it.next().context("org")?.parse()?;
    let user_id: i64 = it.next().context("user")?.parse()?;
    let sql_times = std::env::var("BENCH_SQL_PROFILE")
        .is_ok_and(|v| v == "1")
        .then(sql_profile::install);
    let db = scratch::connect(&url).await?;
    let hwm_before_kb = status_kb("VmHWM:");
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let who = Submitter {
        organisation_id,
        user_id,
        import_id: None,
    };
    let started = Instant::now();
    // What-if: another number of rows per transaction (BENCH_BATCH_ROWS).
    let batch_rows: usize = match std::env::var("BENCH_BATCH_ROWS") {
        Ok(v) => {
            let n = v.parse().context("BENCH_BATCH_ROWS=N")?;
            eprintln!(
                "what-if: {n} rows per transaction (the store's default is {})",
                db.batch_rows()
            );
            n
        }
        Err(_) => db.batch_rows(),
    };
    let report = lingkaran::import::run_in_batches(
        &db,
        file,
        &name,
        who,
        &lingkaran::clock::SystemClock,
        batch_rows,
    )
    .await?
    .map_err(|e| anyhow::anyhow!("file refused: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if let Some(t) = &sql_times {
        sql_profile::print(t, secs);
    }
    db.close().await;
    let i = report.import;
    let out = ChildReport {
        secs,
        rows_total: i.rows_total,
        accepted: i.accepted,
        rejected: i.rejected,
        duplicates: i.duplicates,
        possible_duplicates: i.possible_duplicates,
        status: i.status,
        hwm_before_kb,
        hwm_kb: status_kb("VmHWM:"),
    };
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

/// Watches for other work on the machine during a timed phase (the machine is shared: a
/// compiler running meanwhile takes one of its two cores), and says so.
struct Interference {
    load: String,
    seen: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Process names that mean someone else is busy: compilers and linkers.
fn busy_others() -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        let comm = comm.trim();
        if matches!(
            comm,
            "rustc" | "cc1" | "cc1plus" | "ld" | "rust-lld" | "cc" | "clippy-driver"
        ) {
            out.push(comm.to_string());
        }
    }
    out
}

impl Interference {
    fn start() -> Interference {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (s, st) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            while !st.load(std::sync::atomic::Ordering::Relaxed) {
                for c in busy_others() {
                    if let Ok(mut s) = s.lock() {
                        s.insert(c);
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
        });
        Interference {
            load: std::fs::read_to_string("/proc/loadavg").unwrap_or_default(),
            seen,
            stop,
        }
    }

    fn report(self, store: &str, phase: &str) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let seen = self.seen.lock().map(|s| s.clone()).unwrap_or_default();
        if !seen.is_empty() {
            eprintln!(
                "[{store}] WARNING: other processes ran during {phase}: {seen:?} (load before: {})",
                self.load.trim()
            );
        }
    }
}

/// A row as stored, validated ahead of time (untimed) for the raw loads.
struct Prepared {
    nik: String,
    regency: String,
    pending: Pending,
}

/// The rows the import will store: every row of the file that passes `worker::validate`,
/// lies in the organisation's area and is the first with its NIK, in file order.
fn prevalidate(path: &Path, today: NaiveDate) -> anyhow::Result<Vec<Prepared>> {
    let regions = RegionTable::get();
    let rules = Eligibility::default();
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)?;
    let mut seen: HashSet<u64> = HashSet::new();
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1i64;
    while rd.read_record(&mut rec)? {
        line += 1;
        let f = |i: usize| rec.get(i).unwrap_or("").to_string();
        let raw = RawWorker {
            nik: f(0),
            name: f(1),
            sex: f(2),
            birth_date: f(3),
            village_code: f(4),
            phone: f(5),
            occupation: f(6),
            income: f(7),
            decile: f(8),
        };
        let Ok(w) = worker::validate(&raw, today, regions, rules) else {
            continue;
        };
        if !region::within(&w.village_code, gen::AREA) {
            continue;
        }
        let nik = w.nik.to_string();
        if !seen.insert(nik.parse().unwrap_or(0)) {
            continue;
        }
        out.push(Prepared {
            regency: w.village_code.get(0..5).unwrap_or_default().to_string(),
            nik,
            pending: Pending { line, worker: w },
        });
    }
    Ok(out)
}

/// COPY text format: tab separated, `\N` for NULL, backslash escapes.
fn copy_text(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

fn copy_buffer(rows: &[Prepared], ids: Ids, now: DateTime<Utc>) -> Vec<u8> {
    use std::io::Write;
    let now = now.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string();
    let mut out = Vec::with_capacity(rows.len() * 200);
    for r in rows {
        let w = &r.pending.worker;
        out.extend_from_slice(r.nik.as_bytes());
        out.push(b'\t');
        copy_text(&mut out, &w.name);
        out.push(b'\t');
        copy_text(&mut out, &w.name_key);
        let _ = write!(
            out,
            "\t{}\t{}\t{}\t{}\t",
            w.nik.sex().code(),
            w.nik.birth_date().format("%Y-%m-%d"),
            w.village_code,
            r.regency
        );
        match &w.phone {
            Some(p) => copy_text(&mut out, p),
            None => out.extend_from_slice(b"\\N"),
        }
        let _ = write!(out, "\t{}\t{}\t", w.occupation.code(), w.income);
        match w.decile {
            Some(d) => {
                let _ = write!(out, "{d}");
            }
            None => out.extend_from_slice(b"\\N"),
        }
        let _ = writeln!(
            out,
            "\t{}\t{}\t{}\t{}\t{now}\t{now}",
            ids.organisation_id,
            ids.user_id,
            ids.import_id,
            WorkerStatus::Proposed.code()
        );
    }
    out
}

#[derive(Clone, Copy, Debug)]
struct Ids {
    organisation_id: i64,
    user_id: i64,
    import_id: i64,
}

/// An organisation for the whole province, its proposer, and (for raw loads) an import
/// record for the rows to point at.
async fn setup(db: &Db, with_import: bool) -> anyhow::Result<Ids> {
    db.migrate(chrono::Utc::now()).await?;
    let organisation_id = users::create_organisation(
        db,
        "Disnaker Provinsi Jawa Timur",
        "disnaker",
        gen::AREA,
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await?;
    let user_id = users::create_user(
        db,
        &NewUser {
            username: "bench_proposer",
            full_name: "Bench Proposer",
            password: "kata-sandi-bench",
            role: Role::Proposer,
            organisation_id: Some(organisation_id),
            regions: &[],
        },
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await?;
    let import_id = if with_import {
        imports::create_or_find(
            db,
            organisation_id,
            user_id,
            "raw.csv",
            "raw",
            chrono::Utc::now(),
        )
        .await?
        .0
        .id
    } else {
        0
    };
    Ok(Ids {
        organisation_id,
        user_id,
        import_id,
    })
}

/// A fresh, empty database of one kind.
struct Fresh {
    url: String,
    pg_name: Option<String>,
}

fn with_db(url: &str, name: &str) -> String {
    match url.rfind('/') {
        Some(i) => format!("{}/{}", &url[..i], name),
        None => url.to_string(),
    }
}

async fn fresh(store: &str, a: &Args, dir: &Path, label: &str) -> anyhow::Result<Fresh> {
    match store {
        "sqlite" => Ok(Fresh {
            url: format!("sqlite://{}", dir.join(format!("{label}.db")).display()),
            pg_name: None,
        }),
        "postgres" => {
            let name = format!("lk_bench_{}_{label}", std::process::id());
            let mut admin = sqlx::PgConnection::connect(&a.pg)
                .await
                .with_context(|| format!("connecting to {}", a.pg))?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
            Ok(Fresh {
                url: with_db(&a.pg, &name),
                pg_name: Some(name),
            })
        }
        other => anyhow::bail!("unknown store {other:?}"),
    }
}

async fn drop_fresh(f: &Fresh, a: &Args) -> anyhow::Result<()> {
    if let Some(name) = &f.pg_name {
        if a.keep {
            eprintln!("  kept database {name}");
            return Ok(());
        }
        let mut admin = sqlx::PgConnection::connect(&a.pg).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
    }
    Ok(())
}

/// A clean start for a timed phase: PostgreSQL writes out dirty pages first, so one phase
/// does not pay for the previous one's checkpoint.
async fn settle(db: &Db) -> anyhow::Result<()> {
    if let lingkaran::db::Pool::Postgres(pool) = &db.pool {
        sqlx::query("CHECKPOINT").execute(pool).await?;
    }
    Ok(())
}

async fn count_workers(db: &Db) -> anyhow::Result<i64> {
    Ok(lingkaran::on_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM workers"
    )
    .fetch_one(pool)
    .await)?)
}

/// Raw SQLite: one prepared INSERT, executed once per row, in one transaction.
async fn raw_sqlite(pool: &sqlx::SqlitePool, rows: &[Prepared], ids: Ids) -> anyhow::Result<f64> {
    let now = Utc::now();
    let sql = format!(
        "INSERT INTO workers ({WORKER_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    );
    let mut conn = pool.acquire().await?;
    let started = Instant::now();
    let mut tx = conn.begin().await?;
    for r in rows {
        let w = &r.pending.worker;
        sqlx::query(&sql)
            .bind(r.nik.as_str())
            .bind(w.name.as_str())
            .bind(w.name_key.as_str())
            .bind(w.nik.sex().code())
            .bind(w.nik.birth_date())
            .bind(w.village_code.as_str())
            .bind(r.regency.as_str())
            .bind(w.phone.as_deref())
            .bind(w.occupation.code())
            .bind(w.income)
            .bind(w.decile.map(i64::from))
            .bind(ids.organisation_id)
            .bind(ids.user_id)
            .bind(ids.import_id)
            .bind(WorkerStatus::Proposed.code())
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(started.elapsed().as_secs_f64())
}

/// The few SQLite C functions the C-API raw load needs. They are the symbols of the SQLite
/// that sqlx links (libsqlite3-sys, bundled); the handle is sqlx's own connection's.
mod ffi {
    use std::os::raw::{c_char, c_int, c_void};
    pub enum Stmt {}
    pub type Destructor = Option<unsafe extern "C" fn(*mut c_void)>;
    pub const OK: c_int = 0;
    pub const DONE: c_int = 101;
    extern "C" {
        pub fn sqlite3_prepare_v2(
            db: *mut c_void,
            sql: *const c_char,
            n: c_int,
            stmt: *mut *mut Stmt,
            tail: *mut *const c_char,
        ) -> c_int;
        pub fn sqlite3_bind_text(
            stmt: *mut Stmt,
            i: c_int,
            s: *const c_char,
            n: c_int,
            d: Destructor,
        ) -> c_int;
        pub fn sqlite3_bind_int64(stmt: *mut Stmt, i: c_int, v: i64) -> c_int;
        pub fn sqlite3_bind_null(stmt: *mut Stmt, i: c_int) -> c_int;
        pub fn sqlite3_step(stmt: *mut Stmt) -> c_int;
        pub fn sqlite3_reset(stmt: *mut Stmt) -> c_int;
        pub fn sqlite3_finalize(stmt: *mut Stmt) -> c_int;
        pub fn sqlite3_errmsg(db: *mut c_void) -> *const c_char;
        pub fn sqlite3_exec(
            db: *mut c_void,
            sql: *const c_char,
            callback: *const c_void,
            arg: *mut c_void,
            errmsg: *mut *mut c_char,
        ) -> c_int;
    }
}

/// Raw SQLite through the C API: the same prepared INSERT stepped once per row in one
/// transaction, on sqlx's own connection (same pragmas), without sqlx's per-call hop to its
/// worker thread.
async fn raw_sqlite_capi(
    pool: &sqlx::SqlitePool,
    rows: &[Prepared],
    ids: Ids,
) -> anyhow::Result<f64> {
    use std::os::raw::c_int;
    // As sqlx encodes them, so the stored bytes are the same.
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
    let sql = format!(
        "INSERT INTO workers ({WORKER_COLUMNS}) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)\0"
    );
    let dates: Vec<String> = rows
        .iter()
        .map(|r| {
            r.pending
                .worker
                .nik
                .birth_date()
                .format("%Y-%m-%d")
                .to_string()
        })
        .collect();
    let mut conn = pool.acquire().await?;
    sqlx::query("BEGIN").execute(&mut *conn).await?;
    let started = Instant::now();
    {
        let mut h = conn.lock_handle().await?;
        let db = h.as_raw_handle().as_ptr().cast::<std::os::raw::c_void>();
        let err = |db| unsafe {
            std::ffi::CStr::from_ptr(ffi::sqlite3_errmsg(db))
                .to_string_lossy()
                .to_string()
        };
        let mut stmt: *mut ffi::Stmt = std::ptr::null_mut();
        // SAFETY: `db` is a live connection held locked by `h`; `sql` ends in NUL.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), -1, &mut stmt, std::ptr::null_mut())
        };
        anyhow::ensure!(rc == ffi::OK, "prepare: {}", err(db));
        let text = |i: c_int, s: &str| unsafe {
            // SAFETY: SQLITE_STATIC (None): `s` outlives the step that reads it.
            ffi::sqlite3_bind_text(stmt, i, s.as_ptr().cast(), s.len() as c_int, None)
        };
        let int = |i: c_int, v: i64| unsafe { ffi::sqlite3_bind_int64(stmt, i, v) };
        let null = |i: c_int| unsafe { ffi::sqlite3_bind_null(stmt, i) };
        // What-if: commit every N rows, as the import does per batch (BENCH_RAW_COMMIT_EVERY).
        let commit_every: usize = std::env::var("BENCH_RAW_COMMIT_EVERY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        for (k, (r, date)) in rows.iter().zip(&dates).enumerate() {
            if commit_every > 0 && k > 0 && k.is_multiple_of(commit_every) {
                let sql = c"COMMIT; BEGIN";
                // SAFETY: `db` is live; `sql` is NUL-terminated.
                let rc = unsafe {
                    ffi::sqlite3_exec(
                        db,
                        sql.as_ptr(),
                        std::ptr::null(),
                        std::ptr::null_mut(),
                        std::ptr::null_mut(),
                    )
                };
                anyhow::ensure!(rc == ffi::OK, "commit: {}", err(db));
            }
            let w = &r.pending.worker;
            text(1, &r.nik);
            text(2, &w.name);
            text(3, &w.name_key);
            text(4, w.nik.sex().code());
            text(5, date);
            text(6, &w.village_code);
            text(7, &r.regency);
            match &w.phone {
                Some(p) => text(8, p),
                None => null(8),
            };
            text(9, w.occupation.code());
            int(10, w.income);
            match w.decile {
                Some(d) => int(11, i64::from(d)),
                None => null(11),
            };
            int(12, ids.organisation_id);
            int(13, ids.user_id);
            int(14, ids.import_id);
            text(15, WorkerStatus::Proposed.code());
            text(16, &now);
            text(17, &now);
            // SAFETY: `stmt` is a prepared statement of `db`.
            let rc = unsafe { ffi::sqlite3_step(stmt) };
            anyhow::ensure!(rc == ffi::DONE, "step: {}", err(db));
            unsafe { ffi::sqlite3_reset(stmt) };
        }
        unsafe { ffi::sqlite3_finalize(stmt) };
    }
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    Ok(started.elapsed().as_secs_f64())
}

/// Raw PostgreSQL: `COPY workers (…) FROM STDIN` of the pre-rendered rows.
async fn raw_postgres(pool: &sqlx::PgPool, copy: &[u8]) -> anyhow::Result<(f64, u64)> {
    let mut conn = pool.acquire().await?;
    let started = Instant::now();
    let mut c = conn
        .copy_in_raw(&format!("COPY workers ({WORKER_COLUMNS}) FROM STDIN"))
        .await?;
    for chunk in copy.chunks(1 << 20) {
        c.send(chunk).await?;
    }
    let n = c.finish().await?;
    Ok((started.elapsed().as_secs_f64(), n))
}

struct Outcome {
    store: String,
    rows: u64,
    import: Option<ChildReport>,
    raws: Vec<Raw>,
}

struct Raw {
    method: String,
    secs: f64,
    rows: u64,
}

/// The import, in a child process, into a fresh database.
async fn import_in_child(
    store: &str,
    a: &Args,
    dir: &Path,
    csv: &Path,
    prepared: &[Prepared],
    rows: u64,
) -> anyhow::Result<ChildReport> {
    let f = fresh(store, a, dir, "import").await?;
    let db = Db::connect(&f.url, scratch::keys()).await?;
    let ids = setup(&db, false).await?;
    settle(&db).await?;
    db.close().await;
    eprintln!("[{store}] importing {} rows ...", rows);
    let exe = std::env::current_exe()?;
    // BENCH_WRAP runs the child under a profiler: `perf record -g -o FILE`, `valgrind
    // --tool=massif`, `/usr/bin/time -v`, …
    let wrap: Vec<String> = std::env::var("BENCH_WRAP")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut cmd = match wrap.split_first() {
        Some((prog, rest)) => {
            let mut c = std::process::Command::new(prog);
            c.args(rest).arg(exe);
            c
        }
        None => std::process::Command::new(exe),
    };
    let others = Interference::start();
    let out = cmd
        .arg("child")
        .arg(&f.url)
        .arg(csv)
        .arg(ids.organisation_id.to_string())
        .arg(ids.user_id.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()?;
    others.report(store, "import");
    anyhow::ensure!(out.status.success(), "import child failed: {}", out.status);
    let report: ChildReport = serde_json::from_slice(&out.stdout)
        .with_context(|| String::from_utf8_lossy(&out.stdout).to_string())?;
    let db = Db::connect(&f.url, scratch::keys()).await?;
    let stored = count_workers(&db).await?;
    db.close().await;
    drop_fresh(&f, a).await?;
    eprintln!(
        "[{store}] import: {:.1} s, {} stored, {} rejected, {} duplicates, {} possible duplicates, peak RSS {:.0} MB",
        report.secs,
        report.accepted,
        report.rejected,
        report.duplicates,
        report.possible_duplicates,
        report.hwm_kb as f64 / 1024.0
    );
    anyhow::ensure!(
        stored == report.accepted && report.accepted == prepared.len() as i64,
        "import stored {stored} (reported {}), pre-validation expects {}",
        report.accepted,
        prepared.len()
    );

    Ok(report)
}

async fn bench_store(
    store: &str,
    a: &Args,
    dir: &Path,
    csv: &Path,
    prepared: &[Prepared],
    rows: u64,
) -> anyhow::Result<Outcome> {
    let report = if a.no_import {
        None
    } else {
        Some(import_in_child(store, a, dir, csv, prepared, rows).await?)
    };

    // The raw loads of the same rows, each into an identical, empty database.
    let methods: &[&str] = if store == "sqlite" {
        &["prepared INSERT, C API", "prepared INSERT, sqlx"]
    } else {
        &["COPY"]
    };
    let mut raws = Vec::new();
    let methods = if a.no_raw { &[][..] } else { methods };
    for (i, method) in methods.iter().enumerate() {
        let f = fresh(store, a, dir, &format!("raw{i}")).await?;
        let db = Db::connect(&f.url, scratch::keys()).await?;
        let raw_ids = setup(&db, true).await?;
        settle(&db).await?;
        eprintln!(
            "[{store}] raw load ({method}) of {} rows ...",
            prepared.len()
        );
        let n = prepared.len() as u64;
        let others = Interference::start();
        use lingkaran::db::Pool;
        let (secs, loaded) = match (&db.pool, i) {
            (Pool::Sqlite(pool), 0) => (raw_sqlite_capi(pool, prepared, raw_ids).await?, n),
            (Pool::Sqlite(pool), _) => (raw_sqlite(pool, prepared, raw_ids).await?, n),
            (Pool::Postgres(pool), _) => {
                let copy = copy_buffer(prepared, raw_ids, Utc::now()); // untimed
                raw_postgres(pool, &copy).await?
            }
        };
        others.report(store, method);
        let stored = count_workers(&db).await?;
        db.close().await;
        drop_fresh(&f, a).await?;
        anyhow::ensure!(
            stored as u64 == loaded && loaded == n,
            "raw load stored {stored}, expected {n}"
        );
        eprintln!("[{store}] raw ({method}): {secs:.1} s");
        raws.push(Raw {
            method: method.to_string(),
            secs,
            rows: loaded,
        });
    }
    Ok(Outcome {
        store: store.to_string(),
        rows,
        import: report,
        raws,
    })
}

/// The parts of the import path, each on its own.
async fn breakdown(
    a: &Args,
    dir: &Path,
    csv: &Path,
    prepared: &[Prepared],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let t = Instant::now();
    lingkaran::import::file_hash(csv)?;
    let hash = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut reader = lingkaran::import::reader::RowReader::open(csv)?;
    let mut n = 0u64;
    while let Some(r) = reader.next_row() {
        r.map_err(|e| anyhow::anyhow!(e))?;
        n += 1;
    }
    let read = t.elapsed().as_secs_f64();

    // What the import's reader thread does: read, map to a RawWorker, validate, check the
    // area, de-duplicate.
    let t = Instant::now();
    let regions = RegionTable::get();
    let mut reader = lingkaran::import::reader::RowReader::open(csv)?;
    let _header = reader.next_row();
    let mut seen: std::collections::HashMap<u64, i64> = std::collections::HashMap::new();
    let mut ok = 0u64;
    while let Some(r) = reader.next_row() {
        let row = r.map_err(|e| anyhow::anyhow!(e))?;
        let mut raw = RawWorker::default();
        for (i, cell) in row.cells.iter().enumerate() {
            let slot = match i {
                0 => &mut raw.nik,
                1 => &mut raw.name,
                2 => &mut raw.sex,
                3 => &mut raw.birth_date,
                4 => &mut raw.village_code,
                5 => &mut raw.phone,
                6 => &mut raw.occupation,
                7 => &mut raw.income,
                8 => &mut raw.decile,
                _ => continue,
            };
            slot.clone_from(cell);
        }
        if let Ok(w) = worker::validate(&raw, today, regions, Eligibility::default()) {
            if region::within(&w.village_code, gen::AREA) {
                let key: u64 = w.nik.to_string().parse().unwrap_or(0);
                if seen.insert(key, row.line).is_none() {
                    ok += 1;
                }
            }
        }
    }
    let validate = t.elapsed().as_secs_f64();
    anyhow::ensure!(ok == prepared.len() as u64, "validated {ok}");

    let rate = |secs: f64| n as f64 / secs;
    eprintln!("breakdown (single thread, {n} lines):");
    eprintln!(
        "  file_hash              {hash:7.2} s  {:>10.0} rows/s",
        rate(hash)
    );
    eprintln!(
        "  read (RowReader)       {read:7.2} s  {:>10.0} rows/s",
        rate(read)
    );
    eprintln!(
        "  read+validate+dedupe   {validate:7.2} s  {:>10.0} rows/s",
        rate(validate)
    );

    // The writing side alone: write_batch fed pre-validated batches, as the import does.
    for store in &a.stores {
        let f = fresh(store, a, dir, "writeonly").await?;
        let db = Db::connect(&f.url, scratch::keys()).await?;
        let ids = setup(&db, false).await?;
        let (record, _) = imports::create_or_find(
            &db,
            ids.organisation_id,
            ids.user_id,
            "w.csv",
            "w",
            chrono::Utc::now(),
        )
        .await?;
        let who = Submitter {
            organisation_id: ids.organisation_id,
            user_id: ids.user_id,
            import_id: Some(record.id),
        };
        settle(&db).await?;
        let pending: Vec<Pending> = prepared.iter().map(|p| p.pending.clone()).collect();
        let t = Instant::now();
        let mut slowest = 0f64;
        let mut first_10 = 0f64;
        let mut last_10 = 0f64;
        // The import's own batch size for this store, or another (BENCH_WRITE_BATCH_ROWS);
        // one batch is one transaction.
        let size = std::env::var("BENCH_WRITE_BATCH_ROWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| db.batch_rows());
        let batches = pending.chunks(size).count();
        for (i, chunk) in pending.chunks(size).enumerate() {
            let bt = Instant::now();
            imports::write_batch(&db, who, chunk, Vec::new(), 0, 0, chrono::Utc::now()).await?;
            let s = bt.elapsed().as_secs_f64();
            slowest = slowest.max(s);
            if i < 10 {
                first_10 += s;
            }
            if i + 10 >= batches {
                last_10 += s;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "  write_batch only [{store}] {secs:7.2} s  {:>10.0} rows/s  ({batches} batches of {}; first 10 {:.0} ms/batch, last 10 {:.0} ms/batch, slowest {:.0} ms)",
            pending.len() as f64 / secs,
            size,
            first_10 * 100.0,
            last_10 * 100.0,
            slowest * 1000.0
        );
        db.close().await;
        drop_fresh(&f, a).await?;
    }
    Ok(())
}

fn print_results(results: &[Outcome]) {
    let dash = || "–".to_string();
    println!();
    println!(
        "| store | rows | import s | import rows/s | raw load | raw s | raw rows/s | ratio | peak RSS MB |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|");
    for o in results {
        let imp = o.import.as_ref();
        let import_secs = imp.map(|i| i.secs);
        let cells = |r: Option<&Raw>| {
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                o.store,
                o.rows,
                import_secs.map_or_else(dash, |s| format!("{s:.1}")),
                import_secs.map_or_else(dash, |s| format!("{:.0}", o.rows as f64 / s)),
                r.map_or_else(dash, |r| r.method.clone()),
                r.map_or_else(dash, |r| format!("{:.1}", r.secs)),
                r.map_or_else(dash, |r| format!("{:.0}", r.rows as f64 / r.secs)),
                // Both stored the same rows, so the ratio of stored rows per second is
                // the ratio of the times.
                match (r, import_secs) {
                    (Some(r), Some(s)) => format!("{:.0}%", 100.0 * r.secs / s),
                    _ => dash(),
                },
                imp.map_or_else(dash, |i| format!("{:.0}", i.hwm_kb as f64 / 1024.0)),
            );
        };
        if o.raws.is_empty() {
            cells(None);
        }
        for r in &o.raws {
            cells(Some(r));
        }
    }
    println!();
    for o in results {
        let Some(i) = &o.import else { continue };
        println!(
            "{}: {} rows in the file, {} stored ({:.0} stored rows/s), {} rejected, {} duplicates in file, {} flagged possible duplicates; status {}; peak RSS {:.0} MB ({:.0} MB before the import began)",
            o.store,
            i.rows_total,
            i.accepted,
            i.accepted as f64 / i.secs,
            i.rejected,
            i.duplicates,
            i.possible_duplicates,
            i.status,
            i.hwm_kb as f64 / 1024.0,
            i.hwm_before_kb as f64 / 1024.0
        );
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut it = std::env::args().skip(1);
    if std::env::args().nth(1).as_deref() == Some("child") {
        it.next();
        return child(it).await;
    }
    let a = args()?;
    let tmp = match &a.dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            tempfile::tempdir_in(d)?
        }
        None => tempfile::tempdir()?,
    };
    let dir = tmp.path().to_path_buf();
    let today = lingkaran::clock::today();
    let csv = dir.join(format!("workers-{}.csv", a.rows));

    let t = Instant::now();
    let g = gen::write_csv(&csv, a.rows, SEED, today)?;
    eprintln!(
        "generated {} rows ({} good, {} spoiled) in {:.1} s: {} ({:.0} MB)",
        g.rows,
        g.good,
        g.bad,
        t.elapsed().as_secs_f64(),
        csv.display(),
        g.bytes as f64 / 1e6
    );
    let t = Instant::now();
    let prepared = prevalidate(&csv, today)?;
    eprintln!(
        "pre-validated: {} rows to store ({:.1} s, untimed)",
        prepared.len(),
        t.elapsed().as_secs_f64()
    );
    let mut results = Vec::new();
    for store in &a.stores {
        results.push(bench_store(store, &a, &dir, &csv, &prepared, g.rows).await?);
    }

    print_results(&results);

    if a.breakdown {
        println!();
        breakdown(&a, &dir, &csv, &prepared, today).await?;
    }
    if a.keep {
        let kept = tmp.keep();
        eprintln!("kept {}", kept.display());
    }
    Ok(())
}
