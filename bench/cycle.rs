//! Monthly-cycle benchmark (issue 4): `cycle::run` for one month of `--workers` funded
//! workers on PostgreSQL and SQLite, each set against a raw `INSERT … SELECT` of the same
//! rows measured in the same run. See bench/README.md; results in bench/RESULTS.md.
//!
//! ```text
//! cargo bench --bench cycle -- [--stores postgres,sqlite] [--pg URL] [--workers N]
//!                               [--per-donation K] [--month YYYY-MM] [--keep DIR]
//! ```
//!
//! Setup (not timed), through the service's own paths: `--workers` verified workers
//! (`demo::funding_world`), one individual donor per donation, `--workers / --per-donation`
//! named donations of one month each (`donations::create`), each paid by a provider callback
//! (`payments::book`: bank clearing → donor credit → escrow). Then, timed:
//!
//! 1. **The cycle**: `cycle::run` (escrow → payables for every donation, the two remittance
//!    files of `--workers` lines each, the payment to BPJS). Peak RSS during the cycle alone
//!    (`VmHWM` reset through `/proc/self/clear_refs` just before) against the files' sizes.
//! 2. **The cycle again**: nothing to post, both files written again.
//! 3. **Limit**: the file query itself, once per programme as the cycle reads it
//!    (`worker_months ⋈ donations ⋈ workers ⋈ donors`, the month's funded rows, ordered by
//!    NIK), run as `INSERT INTO <unindexed table> SELECT …`: 2 × `--workers` rows moved by the
//!    store with no client in between. Ratio = raw time ÷ cycle time.
//!
//! Finally `ledger check` must be clean.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "scratch.rs"]
mod scratch;

use chrono::Duration;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, NewDonation};
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::{donors, ledger, Db};
use lingkaran_domain::rates::Month;
use std::time::Instant;

struct Args {
    stores: Vec<String>,
    pg: String,
    workers: usize,
    per_donation: usize,
    month: Month,
    /// Where to leave the remittance files (default: a temporary directory, removed).
    keep: Option<std::path::PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        stores: vec!["postgres".into(), "sqlite".into()],
        pg: std::env::var("BENCH_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        workers: 1_000_000,
        per_donation: 1_000,
        month: Month::new(2027, 1).unwrap(),
        keep: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match k.as_str() {
            "--stores" => a.stores = v().split(',').map(str::to_string).collect(),
            "--pg" => a.pg = v(),
            "--workers" => a.workers = v().parse().unwrap(),
            "--per-donation" => a.per_donation = v().parse().unwrap(),
            "--month" => a.month = Month::parse(&v()).unwrap(),
            "--keep" => a.keep = Some(v().into()),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Resets this process's peak RSS (`VmHWM`) to its current RSS (Linux ≥ 4.0), so the next
/// reading is the peak of what follows alone.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Watches for compilers, linkers and browsers (the browser tests) during a timed phase (the
/// machine is shared: one takes one of its two cores), and says so.
struct Interference {
    seen: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

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
            "rustc"
                | "cc1"
                | "cc1plus"
                | "ld"
                | "rust-lld"
                | "cc"
                | "clippy-driver"
                | "chromium"
                | "chrome"
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
                std::thread::sleep(std::time::Duration::from_millis(250));
            }
        });
        Interference { seen, stop }
    }

    /// Stops watching; prints a warning and returns false if anything ran.
    fn clean(self, store: &str, phase: &str) -> bool {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let seen = self.seen.lock().map(|s| s.clone()).unwrap_or_default();
        if !seen.is_empty() {
            println!("[{store}] WARNING: other processes ran during {phase}: {seen:?}");
        }
        seen.is_empty()
    }
}

/// Not timed: `workers` verified workers, and `workers / per_donation` named one-month
/// donations, each from its own donor and paid by a callback. Returns the donations made.
async fn setup(db: &Db, a: &Args) -> usize {
    let start = Instant::now();
    db.migrate(chrono::Utc::now()).await.unwrap();
    scratch::totals_triggers_from_env(db).await;
    let world = lingkaran::demo::funding_world(db, "35.25", a.workers, 17)
        .await
        .unwrap();
    let officer = world.officer;
    drop(world);
    if let lingkaran::db::Pool::Postgres(pool) = &db.pool {
        // Statistics for the million new rows, as autovacuum would gather them.
        sqlx::query("ANALYZE").execute(pool).await.unwrap();
    }
    println!(
        "setup: {} verified workers in {:.1} s",
        a.workers,
        start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let today = lingkaran::clock::today();
    let (mut after, mut made) = (0i64, 0usize);
    loop {
        // The next `per_donation` workers by id (all are verified); a named donation lists
        // their NIKs.
        let ids: Vec<i64> = lingkaran::on_db!(db, |pool| {
            sqlx::query_scalar("SELECT id FROM workers WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(a.per_donation as i64)
                .fetch_all(pool)
                .await
                .unwrap()
        });
        // NIKs are sealed at rest: read through storage, which opens them.
        let mut page: Vec<(i64, String)> = Vec::with_capacity(ids.len());
        for id in ids {
            let w = lingkaran::db::workers::get(db, id).await.unwrap().unwrap();
            page.push((id, w.nik));
        }
        let Some(last) = page.last() else { break };
        after = last.0;
        let donor = donors::create(
            db,
            &donors::NewDonor {
                kind: "individual",
                name: &format!("Donatur {made}"),
                npwp: None,
                region_code: None,
                user_id: None,
                created_by: officer,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let d = NewDonation {
            donor_id: donor,
            budget_line_id: None,
            choice: Choice::Named {
                niks: page.into_iter().map(|(_, nik)| nik).collect(),
                skip_unavailable: false,
            },
            start: a.month,
            months: 1,
            extends_id: None,
            created_by: officer,
            hold: Duration::hours(24),
            request_json: "{}".into(),
            today,
        };
        let id = donations::create(db, &d, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap()
            .id;
        let inv = donations::invoice_of(db, id).await.unwrap().unwrap();
        let booked = payments::book(
            db,
            &NewPayment {
                source: Source::Callback,
                reference: format!("CYCLE-{id}"),
                target: Target::Va(inv.va_number),
                amount: inv.amount,
                paid_on: today,
                channel: Some("BENCH".into()),
                evidence_name: None,
                evidence: None,
                recorded_by: Actor::System("provider"),
                note: None,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(booked.funded_donation, Some(id));
        made += 1;
    }
    println!(
        "setup: {made} donations of up to {} workers × 1 month ({}), held and paid, in {:.1} s",
        a.per_donation,
        a.month,
        start.elapsed().as_secs_f64()
    );
    // Settle the store as a running service's would be settled before a monthly job:
    // statistics and visibility map up to date, dirty pages written, so that neither
    // autovacuum nor a checkpoint lands in a timed phase.
    lingkaran::on_db!(db, |pool| {
        let settle: &[&str] = match db.pool {
            lingkaran::db::Pool::Postgres(_) => &["VACUUM ANALYZE", "CHECKPOINT"],
            lingkaran::db::Pool::Sqlite(_) => &["PRAGMA wal_checkpoint(TRUNCATE)"],
        };
        for s in settle {
            sqlx::query(s).execute(pool).await.unwrap();
        }
    });
    made
}

/// Where the cycle's time goes: the two file queries alone, every row fetched through sqlx
/// and dropped (no file). Returns seconds.
async fn query_only_seconds(db: &Db, month: Month) -> f64 {
    use futures_util::TryStreamExt;
    let start = Instant::now();
    for programme in ["jkk", "jkm"] {
        let sql = format!(
            "SELECT w.nik, w.full_name, w.income, m.{programme}, o.name, d.id
             FROM worker_months m JOIN donations d ON d.id = m.donation_id
             JOIN workers w ON w.id = m.worker_id JOIN donors o ON o.id = d.donor_id
             WHERE m.month = $1 AND d.status = 'funded' ORDER BY w.id"
        );
        let n = lingkaran::on_db!(db, |pool| {
            let mut rows = sqlx::query(&sql).bind(month.yyyymm()).fetch(pool);
            let mut n = 0u64;
            while rows.try_next().await.unwrap().is_some() {
                n += 1;
            }
            n
        });
        assert!(n > 0);
    }
    start.elapsed().as_secs_f64()
}

/// The limit: the cycle's file query for each programme as `INSERT INTO … SELECT` into an
/// unindexed table. Returns the seconds of both statements and the rows they moved.
async fn raw_seconds(db: &Db, month: Month) -> (f64, u64) {
    let mut seconds = 0.0;
    let mut rows = 0;
    for programme in ["jkk", "jkm"] {
        lingkaran::on_db!(db, |pool| {
            sqlx::query(&format!(
                "CREATE TABLE raw_remit_{programme} (nik BYTEA NOT NULL, nama TEXT NOT NULL,
                 upah BIGINT NOT NULL, amount BIGINT NOT NULL, donatur TEXT NOT NULL, donasi BIGINT NOT NULL)"
            ))
            .execute(pool)
            .await
            .unwrap();
            let start = Instant::now();
            let done = sqlx::query(&format!(
                "INSERT INTO raw_remit_{programme} (nik, nama, upah, amount, donatur, donasi)
                 SELECT w.nik, w.full_name, w.income, m.{programme}, o.name, d.id
                 FROM worker_months m JOIN donations d ON d.id = m.donation_id
                 JOIN workers w ON w.id = m.worker_id JOIN donors o ON o.id = d.donor_id
                 WHERE m.month = $1 AND d.status = 'funded' ORDER BY w.id"
            ))
            .bind(month.yyyymm())
            .execute(pool)
            .await
            .unwrap();
            seconds += start.elapsed().as_secs_f64();
            rows += done.rows_affected();
        });
    }
    (seconds, rows)
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    println!(
        "cycle benchmark: {} funded workers, {} per donation, month {}",
        a.workers, a.per_donation, a.month
    );
    for store in &a.stores {
        println!("\n== {store} ==");
        let (url, name) = scratch::fresh(store, &a.pg, dir.path(), "cycle").await;
        let db = Db::connect(&url, scratch::keys()).await.unwrap();
        let donations = setup(&db, &a).await;
        let out = a
            .keep
            .clone()
            .unwrap_or_else(|| dir.path().to_path_buf())
            .join(format!("remit-{store}"));

        // 1. The cycle.
        let rss_before = status_kb("VmRSS:");
        let reset = reset_peak_rss();
        let watch = Interference::start();
        let start = Instant::now();
        let report =
            lingkaran::usecase::cycle::run(&db, a.month, &out, Actor::Cli, chrono::Utc::now())
                .await
                .unwrap();
        let cycle_s = start.elapsed().as_secs_f64();
        let peak = status_kb("VmHWM:");
        let clean = watch.clean(store, "the cycle");
        assert_eq!(report.donations, donations);
        assert_eq!(report.posted, 2 * donations + 2);
        let mut bytes = 0u64;
        let mut lines = 0i64;
        for (programme, path, n) in &report.files {
            let size = std::fs::metadata(path).unwrap().len();
            println!(
                "{programme} file: {n} lines, {:.1} MB ({})",
                size as f64 / 1e6,
                path.file_name().unwrap().to_string_lossy()
            );
            assert_eq!(*n, a.workers as i64);
            bytes += size;
            lines += n;
        }
        println!(
            "{:<44} {:>10.0} rows/s ({cycle_s:.2} s; {lines} file lines, {} transfers){}",
            "cycle::run",
            lines as f64 / cycle_s,
            report.posted,
            if clean { "" } else { " DISTURBED" }
        );
        println!(
            "{:<44} RSS {:.0} MB before, peak {:.0} MB during (+{:.0} MB) for {:.0} MB of files{}",
            "memory (this process)",
            mb(rss_before),
            mb(peak),
            mb(peak.saturating_sub(rss_before)),
            bytes as f64 / 1e6,
            if reset {
                ""
            } else {
                " (VmHWM not reset: peak of the whole run)"
            }
        );

        // The recorded SHA-256 is the file's (hashed here by reading it back in pieces).
        for (programme, path, _) in &report.files {
            use sha2::Digest;
            let mut sha = sha2::Sha256::new();
            std::io::copy(&mut std::fs::File::open(path).unwrap(), &mut sha).unwrap();
            let recorded: String = lingkaran::on_db!(&db, |pool| {
                sqlx::query_scalar(
                    "SELECT sha256 FROM remittances WHERE month = $1 AND programme = $2",
                )
                .bind(a.month.yyyymm())
                .bind(programme)
                .fetch_one(pool)
                .await
                .unwrap()
            });
            assert_eq!(recorded, hex::encode(sha.finalize()), "{programme}");
        }

        // 2. The cycle again: nothing to post, the files written again.
        let watch = Interference::start();
        let start = Instant::now();
        let again =
            lingkaran::usecase::cycle::run(&db, a.month, &out, Actor::Cli, chrono::Utc::now())
                .await
                .unwrap();
        let again_s = start.elapsed().as_secs_f64();
        let clean_again = watch.clean(store, "the re-run");
        assert_eq!(again.posted, 0);
        println!(
            "{:<44} {:>10.0} rows/s ({again_s:.2} s){}",
            "cycle::run again (nothing posted, files)",
            lines as f64 / again_s,
            if clean_again { "" } else { " DISTURBED" }
        );

        // Where the time goes: the two queries alone, rows fetched and dropped.
        let watch = Interference::start();
        let query_s = query_only_seconds(&db, a.month).await;
        let clean_query = watch.clean(store, "the query-only pass");
        println!(
            "{:<44} {:>10.0} rows/s ({query_s:.2} s){}",
            "of which: the two file queries, rows dropped",
            lines as f64 / query_s,
            if clean_query { "" } else { " DISTURBED" }
        );

        // 3. The limit, right after, on the same database.
        let watch = Interference::start();
        let (raw_s, raw_rows) = raw_seconds(&db, a.month).await;
        let clean_raw = watch.clean(store, "the raw INSERT … SELECT");
        assert_eq!(raw_rows, lines as u64);
        println!(
            "{:<44} {:>10.0} rows/s ({raw_s:.2} s; 2 × {} rows){}",
            "raw INSERT … SELECT, file query per programme",
            raw_rows as f64 / raw_s,
            a.workers,
            if clean_raw { "" } else { " DISTURBED" }
        );
        println!(
            "{:<44} {:>9.0}% of raw (raw {raw_s:.2} s ÷ cycle {cycle_s:.2} s); re-run {:.0}%",
            "cycle rate as share of raw rate",
            100.0 * raw_s / cycle_s,
            100.0 * raw_s / again_s
        );

        let check = ledger::check(&db).await.unwrap();
        if check.violations.is_empty() {
            println!("ledger check: clean ({} transfers)", check.transfers);
        } else {
            println!("ledger check: NOT clean: {:?}", check.violations);
        }
        db.close().await;
        scratch::drop_db(&a.pg, name).await;
        if a.keep.is_none() {
            let _ = std::fs::remove_dir_all(&out);
        }
        for f in ["cycle.db", "cycle.db-wal", "cycle.db-shm"] {
            let _ = std::fs::remove_file(dir.path().join(f));
        }
    }
}
