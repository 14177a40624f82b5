//! Donation benchmark: payment → allocation → ledger throughput on PostgreSQL and SQLite, each
//! set against a physical limit of the same store measured in the same run. See
//! bench/README.md; results in bench/RESULTS.md.
//!
//! ```text
//! cargo bench --bench donations -- [--stores postgres,sqlite] [--pg URL] [--singles N]
//!                                   [--clients C] [--big W] [--seconds S]
//! ```
//!
//! 1. **Single-worker donations** (1 worker × 12 months). `--singles` donations are held
//!    first by one client; limit: the TPC-B-like transaction below with one client (a hold
//!    is one transaction and its commit, so a slower disk shows in both). Then `--clients`
//!    tasks book their payments as the callback does (`payments::book`: payment row, ledger transfer bank → credit, invoice, 12 worker-months
//!    funded, transfer credit → escrow; one transaction each). Limit: pgbench's TPC-B-like
//!    transaction with as many clients (PostgreSQL), or the same TPC-B transaction through
//!    sqlx on a SQLite file with the service's settings (SQLite).
//! 2. **One big donation** (`--big` workers × 12 months): the allocation that holds 120,000
//!    worker-months, then the payment that funds them. Limit: a raw bulk `INSERT … SELECT`
//!    of the same 120,000 rows into a table shaped and indexed like `worker_months`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "scratch.rs"]
mod scratch;

use chrono::Duration;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, Criteria, NewDonation};
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::Db;
use lingkaran_domain::rates::Month;
use std::time::Instant;

struct Args {
    stores: Vec<String>,
    pg: String,
    singles: usize,
    clients: usize,
    big: usize,
    seconds: u64,
}

fn args() -> Args {
    let mut a = Args {
        stores: vec!["postgres".into(), "sqlite".into()],
        pg: std::env::var("BENCH_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        singles: 2_000,
        clients: 8,
        big: 10_000,
        seconds: 15,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match k.as_str() {
            "--stores" => a.stores = v().split(',').map(str::to_string).collect(),
            "--pg" => a.pg = v(),
            "--singles" => a.singles = v().parse().unwrap(),
            "--clients" => a.clients = v().parse().unwrap(),
            "--big" => a.big = v().parse().unwrap(),
            "--seconds" => a.seconds = v().parse().unwrap(),
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

/// Migrates and registers `n` verified workers in Gresik; returns (donor id, officer id).
async fn world(db: &Db, n: usize) -> (i64, i64) {
    db.migrate(chrono::Utc::now()).await.unwrap();
    scratch::totals_triggers_from_env(db).await;
    let officer = lingkaran::demo::funding_world(db, "35.25", n, 17)
        .await
        .unwrap()
        .officer;
    let (_, donor) = lingkaran::db::donors::sign_up(
        db,
        "csr",
        "PT Bench",
        "a-long-password",
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    (donor, officer)
}

fn donation(donor: i64, by: i64, count: i64) -> NewDonation {
    let today = lingkaran::clock::today();
    NewDonation {
        donor_id: donor,
        budget_line_id: None,
        choice: Choice::Criteria {
            criteria: Criteria {
                region: Some("35.25".into()),
                ..Criteria::default()
            },
            count,
        },
        start: Month::first_payable(today),
        months: 12,
        extends_id: None,
        created_by: by,
        hold: Duration::hours(24),
        request_json: "{}".into(),
        today,
    }
}

fn payment(va: String, amount: i64, txn: String) -> NewPayment {
    NewPayment {
        source: Source::Callback,
        reference: txn,
        target: Target::Va(va),
        amount,
        paid_on: lingkaran::clock::today(),
        channel: Some("BENCH".into()),
        evidence_name: None,
        evidence: None,
        recorded_by: Actor::System("provider"),
        note: None,
    }
}

/// pgbench's TPC-B-like transactions per second with `clients` clients (scale 10).
fn pgbench_tps(url: &str, clients: usize, seconds: u64) -> f64 {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("pgbench")
            .args(args)
            .arg(url)
            .output()
            .expect("pgbench (Debian's postgresql-client) is installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    run(&["-i", "-q", "-s", "10"]);
    let out = run(&[
        "-c",
        &clients.to_string(),
        "-j",
        "2",
        "-T",
        &seconds.to_string(),
        "-M",
        "prepared",
    ]);
    out.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0)
}

/// The TPC-B-like transaction (three balance updates and a history row) on SQLite, through
/// sqlx with the service's connection settings, `clients` tasks for `seconds`.
async fn sqlite_tpcb_tps(url: &str, clients: usize, seconds: u64) -> f64 {
    let db = Db::connect(url, scratch::keys()).await.unwrap();
    let lingkaran::db::Pool::Sqlite(pool) = &db.pool else {
        unreachable!()
    };
    let series = |n: u64| {
        format!("(WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c WHERE value < {n}) SELECT value FROM c)")
    };
    for s in [
        "CREATE TABLE branches (bid INTEGER PRIMARY KEY, bbalance BIGINT)".to_string(),
        "CREATE TABLE tellers (tid INTEGER PRIMARY KEY, bid BIGINT, tbalance BIGINT)".to_string(),
        "CREATE TABLE accounts (aid INTEGER PRIMARY KEY, bid BIGINT, abalance BIGINT)".to_string(),
        "CREATE TABLE history (tid BIGINT, bid BIGINT, aid BIGINT, delta BIGINT, mtime TEXT)"
            .to_string(),
        format!("INSERT INTO branches SELECT value, 0 FROM {}", series(10)),
        format!(
            "INSERT INTO tellers SELECT value, (value - 1) / 10 + 1, 0 FROM {}",
            series(100)
        ),
        format!(
            "INSERT INTO accounts SELECT value, (value - 1) / 100000 + 1, 0 FROM {}",
            series(1_000_000)
        ),
    ] {
        sqlx::query(&s).execute(pool).await.unwrap();
    }
    let deadline = Instant::now() + std::time::Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut n = 0u64;
                let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ c as u64;
                while Instant::now() < deadline {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let (aid, tid, bid, delta) = (
                        (x % 1_000_000) as i64 + 1,
                        (x % 100) as i64 + 1,
                        (x % 10) as i64 + 1,
                        (x % 10_000) as i64 - 5_000,
                    );
                    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                    sqlx::query("UPDATE accounts SET abalance = abalance + $1 WHERE aid = $2")
                        .bind(delta)
                        .bind(aid)
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    let _: i64 = sqlx::query_scalar("SELECT abalance FROM accounts WHERE aid = $1")
                        .bind(aid)
                        .fetch_one(&mut *tx)
                        .await
                        .unwrap();
                    sqlx::query("UPDATE tellers SET tbalance = tbalance + $1 WHERE tid = $2")
                        .bind(delta)
                        .bind(tid)
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    sqlx::query("UPDATE branches SET bbalance = bbalance + $1 WHERE bid = $2")
                        .bind(delta)
                        .bind(bid)
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    sqlx::query("INSERT INTO history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, $5)")
                        .bind(tid)
                        .bind(bid)
                        .bind(aid)
                        .bind(delta)
                        .bind(chrono::Utc::now())
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    n += 1;
                }
                n
            })
        })
        .collect();
    let start = Instant::now();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    let tps = total as f64 / start.elapsed().as_secs_f64().max(seconds as f64);
    db.close().await;
    tps
}

/// Seconds to bulk-insert the big donation's rows (every worker × 12 months) with one
/// `INSERT … SELECT` into a table shaped and indexed like `worker_months`.
async fn raw_insert_seconds(db: &Db, donation_id: i64) -> f64 {
    lingkaran::on_db!(db, |pool| {
        sqlx::query(
            "CREATE TABLE raw_worker_months (
                worker_id BIGINT NOT NULL, month BIGINT NOT NULL, donation_id BIGINT NOT NULL,
                state TEXT NOT NULL, jkk BIGINT NOT NULL, jkm BIGINT NOT NULL, hold_expires_at TEXT,
                PRIMARY KEY (worker_id, month))",
        )
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "CREATE INDEX raw_worker_months_donation ON raw_worker_months (donation_id, state)",
        )
        .execute(pool)
        .await
        .unwrap();
        let start = Instant::now();
        sqlx::query(
            "INSERT INTO raw_worker_months (worker_id, month, donation_id, state, jkk, jkm, hold_expires_at)
             SELECT worker_id, month, donation_id, 'held', jkk, jkm, NULL FROM worker_months WHERE donation_id = $1",
        )
        .bind(donation_id)
        .execute(pool)
        .await
        .unwrap();
        start.elapsed().as_secs_f64()
    })
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    println!(
        "donation benchmark: {} single-worker donations with {} clients; one {}-worker donation; 12 months each",
        a.singles, a.clients, a.big
    );
    for store in &a.stores {
        println!("\n== {store} ==");
        // The physical limit first, on its own fresh database.
        let (limit_url, limit_name) = scratch::fresh(store, &a.pg, dir.path(), "tpcb").await;
        let limit_tps = if store == "postgres" {
            pgbench_tps(&limit_url, a.clients, a.seconds)
        } else {
            sqlite_tpcb_tps(&limit_url, a.clients, a.seconds).await
        };
        scratch::drop_db(&a.pg, limit_name).await;
        let (limit_url, limit_name) = scratch::fresh(store, &a.pg, dir.path(), "tpcb1").await;
        let limit_one = if store == "postgres" {
            pgbench_tps(&limit_url, 1, a.seconds)
        } else {
            sqlite_tpcb_tps(&limit_url, 1, a.seconds).await
        };
        scratch::drop_db(&a.pg, limit_name).await;
        let limit_name_text = if store == "postgres" {
            "pgbench TPC-B-like"
        } else {
            "TPC-B-like via sqlx"
        };
        println!(
            "{limit_name_text:<42} {limit_tps:>10.0} tx/s ({} clients)",
            a.clients
        );
        println!("{limit_name_text:<42} {limit_one:>10.0} tx/s (1 client)");

        let (url, name) = scratch::fresh(store, &a.pg, dir.path(), "don").await;
        let db = scratch::connect(&url).await.unwrap();
        let (donor, officer) = world(&db, a.singles + a.big).await;

        // 1. Single-worker donations: hold them, then book the payments. Only the hold and
        // the invoice's read are timed (a commit each, like one TPC-B transaction with one
        // client); making each giver's donor row is not.
        let mut held = std::time::Duration::ZERO;
        let mut invoices = Vec::with_capacity(a.singles);
        for i in 0..a.singles {
            // Each single-worker donation is another individual's: a civil servant giving
            // a month, as the movement's donors mostly are.
            let giver = lingkaran::db::donors::create(
                &db,
                &lingkaran::db::donors::NewDonor {
                    kind: "individual",
                    name: &format!("Donatur {i}"),
                    npwp: None,
                    region_code: None,
                    user_id: None,
                    created_by: officer,
                },
                chrono::Utc::now(),
            )
            .await
            .unwrap();
            let start = Instant::now();
            let made = donations::create(&db, &donation(giver, officer, 1), chrono::Utc::now())
                .await
                .unwrap()
                .unwrap();
            let inv = donations::invoice_of(&db, made.id).await.unwrap().unwrap();
            held += start.elapsed();
            invoices.push((inv.va_number, inv.amount));
        }
        let hold_rate = a.singles as f64 / held.as_secs_f64();
        println!(
            "{:<42} {hold_rate:>10.0} donations/s (1 client) = {:.0}% of the limit (1 client)",
            "hold + invoice, 1 worker × 12",
            100.0 * hold_rate / limit_one
        );
        let per_client = invoices.len().div_ceil(a.clients);
        let start = Instant::now();
        let tasks: Vec<_> = invoices
            .chunks(per_client)
            .enumerate()
            .map(|(c, chunk)| {
                let db = db.clone();
                let chunk = chunk.to_vec();
                tokio::spawn(async move {
                    for (k, (va, amount)) in chunk.into_iter().enumerate() {
                        let b = payments::book(
                            &db,
                            &payment(va, amount, format!("B-{c}-{k}")),
                            chrono::Utc::now(),
                        )
                        .await
                        .unwrap()
                        .unwrap();
                        assert!(b.funded_donation.is_some());
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let pay_rate = a.singles as f64 / start.elapsed().as_secs_f64();
        println!(
            "{:<42} {pay_rate:>10.0} payments/s ({} clients) = {:.0}% of the limit",
            "payment → 12 months funded → ledger",
            a.clients,
            100.0 * pay_rate / limit_tps
        );

        // 2. One big donation: allocate (hold) 120,000 worker-months, then fund them.
        let start = Instant::now();
        let made = donations::create(
            &db,
            &donation(donor, officer, a.big as i64),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        let alloc_s = start.elapsed().as_secs_f64();
        let inv = donations::invoice_of(&db, made.id).await.unwrap().unwrap();
        let start = Instant::now();
        let b = payments::book(
            &db,
            &payment(inv.va_number, inv.amount, "BIG".into()),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        let fund_s = start.elapsed().as_secs_f64();
        assert_eq!(b.funded_donation, Some(made.id));
        let raw_s = raw_insert_seconds(&db, made.id).await;
        let rows = (a.big * 12) as f64;
        println!(
            "{:<42} {:>10.0} rows/s ({raw_s:.2} s)",
            "raw INSERT … SELECT of the same rows",
            rows / raw_s
        );
        println!(
            "{:<42} {:>10.0} rows/s ({alloc_s:.2} s) = {:.0}% of raw",
            "allocation: choose + hold + invoice",
            rows / alloc_s,
            100.0 * raw_s / alloc_s
        );
        println!(
            "{:<42} {:>10.0} rows/s ({fund_s:.2} s) = {:.0}% of raw",
            "payment: fund 120,000 months + ledger",
            rows / fund_s,
            100.0 * raw_s / fund_s
        );
        let check = lingkaran::db::ledger::check(&db).await.unwrap();
        assert!(check.violations.is_empty(), "{:?}", check.violations);
        println!("ledger check: clean ({} transfers)", check.transfers);
        db.close().await;
        scratch::drop_db(&a.pg, name).await;
    }
    println!("\npeak RSS: {} MB", status_kb("VmHWM:") / 1024);
}
