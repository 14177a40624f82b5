//! A big donation's page and its API (issue 14 §1): p50 and p95 of `/donasi/{id}` and
//! `GET /api/v1/donations/{id}/workers` (and the impact) for a donation of `--workers`
//! workers × 12 months on PostgreSQL and SQLite, beside a primary-key read through the same
//! server in the same run (`GET /api/v1/donations/{id}`: one row by its key, the floor of
//! any answer). See bench/README.md; results in bench/RESULTS.md.
//!
//! ```text
//! cargo bench --bench donation_page -- [--stores postgres,sqlite] [--pg URL] [--workers N]
//!                                      [--requests N] [--clients C]
//! ```
//!
//! Setup, not timed: `--workers` verified workers; one criteria donation of all of them for
//! 12 months, paid by the provider's callback; its first month's cycle run and BPJS's answer
//! imported with 1% of the workers refused (already active), so the page has confirmations
//! and refused months to read. Then the service on a free port, an admin's bearer token, and
//! `--clients` clients each sending `--requests` requests per address, one after another.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "scratch.rs"]
mod scratch;

use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, Criteria, NewDonation};
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::Db;
use lingkaran_domain::rates::Month;
use std::time::{Duration, Instant};

struct Args {
    stores: Vec<String>,
    pg: String,
    workers: usize,
    requests: usize,
    clients: usize,
}

fn args() -> Args {
    let mut a = Args {
        stores: vec!["postgres".into(), "sqlite".into()],
        pg: std::env::var("BENCH_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        workers: 10_000,
        requests: 100,
        clients: 4,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match k.as_str() {
            "--stores" => a.stores = v().split(',').map(str::to_string).collect(),
            "--pg" => a.pg = v(),
            "--workers" => a.workers = v().parse().unwrap(),
            "--requests" => a.requests = v().parse().unwrap(),
            "--clients" => a.clients = v().parse().unwrap(),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// The donation of every worker for 12 months, paid; its first month sent to BPJS and
/// answered with 1% refused. Returns the donation's id.
async fn setup(db: &Db, n: usize, dir: &std::path::Path) -> i64 {
    db.migrate(chrono::Utc::now()).await.unwrap();
    let officer = lingkaran::demo::funding_world(db, "35.25", n, 29)
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
    let today = lingkaran::clock::today();
    let start = Month::first_payable(today);
    let made = donations::create(
        db,
        &NewDonation {
            donor_id: donor,
            budget_line_id: None,
            choice: Choice::Criteria {
                criteria: Criteria {
                    region: Some("35.25".into()),
                    ..Criteria::default()
                },
                count: n as i64,
            },
            start,
            months: 12,
            extends_id: None,
            created_by: officer,
            hold: chrono::Duration::hours(24),
            request_json: "{}".into(),
            today,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    let inv = donations::invoice_of(db, made.id).await.unwrap().unwrap();
    payments::book(
        db,
        &NewPayment {
            source: Source::Callback,
            reference: "BENCH-PAGE".into(),
            target: Target::Va(inv.va_number),
            amount: inv.amount,
            paid_on: today,
            channel: Some("VIRTUAL_ACCOUNT_BRI".into()),
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
    let run = lingkaran::usecase::cycle::run(db, start, dir, Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    let niks: Vec<String> = donations::workers_of(db, made.id, n as i64, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.nik)
        .collect();
    let active: std::collections::HashSet<String> = niks.into_iter().step_by(100).collect();
    for (programme, file, _) in &run.files {
        let answer = dir.join(format!("konfirmasi-{programme}.csv"));
        lingkaran::insurer::confirm(file, &active, &answer).unwrap();
        let text = std::fs::read_to_string(&answer).unwrap();
        lingkaran::db::cycle::import_confirmation(
            db,
            start,
            programme,
            &text,
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    if let lingkaran::db::Pool::Postgres(pool) = &db.pool {
        sqlx::query("VACUUM ANALYZE").execute(pool).await.unwrap();
    }
    made.id
}

/// p50 and p95 in milliseconds of `requests` GETs of `path` from each of `clients` clients.
async fn timed(base: &str, token: &str, path: &str, requests: usize, clients: usize) -> (f64, f64) {
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let url = format!("{base}{path}");
        let token = token.to_string();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut times = Vec::with_capacity(requests);
            for _ in 0..requests {
                let t = Instant::now();
                let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
                let status = r.status();
                let _ = r.bytes().await.unwrap();
                assert!(status.is_success(), "{url}: {status}");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all: Vec<Duration> = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let at = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    (at(0.50), at(0.95))
}

#[tokio::main]
async fn main() {
    let a = args();
    println!(
        "donation page: {} workers × 12 months, {} clients × {} requests per address",
        a.workers, a.clients, a.requests
    );
    for store in &a.stores {
        let dir = tempfile::tempdir().unwrap();
        let (url, name) = scratch::fresh(store, &a.pg, dir.path(), "page").await;
        let db = Db::connect(&url, scratch::keys()).await.unwrap();
        let t = Instant::now();
        let id = setup(&db, a.workers, dir.path()).await;
        println!("[{store}] setup {:.0} s", t.elapsed().as_secs_f64());
        let admin = lingkaran::db::users::create_user(
            &db,
            &lingkaran::db::users::NewUser {
                username: "bench-admin",
                full_name: "Bench",
                password: "a-long-password",
                role: lingkaran::auth::Role::Admin,
                organisation_id: None,
                regions: &[],
            },
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let token = lingkaran::db::users::create_api_token(
            &db,
            admin,
            "bench",
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut settings = lingkaran::app::Settings::from_env();
        settings.signups_per_hour = i64::MAX;
        let state = lingkaran::app::AppState::with_settings(db.clone(), settings);
        tokio::spawn(async move {
            let config = lingkaran::config::Config::from_env().unwrap();
            let _ = lingkaran::app::serve(state, listener, &config).await;
        });
        let last = a.workers.div_ceil(100);
        let paths = [
            (
                "primary-key read (limit)",
                format!("/api/v1/donations/{id}"),
            ),
            ("page /donasi/{id}", format!("/donasi/{id}")),
            ("page, last page", format!("/donasi/{id}?page={last}")),
            (
                "page, refused filter",
                format!("/donasi/{id}?keadaan=rejected"),
            ),
            (
                "API workers, first 100",
                format!("/api/v1/donations/{id}/workers"),
            ),
            (
                "API workers, last 100",
                format!(
                    "/api/v1/donations/{id}/workers?offset={}",
                    a.workers.saturating_sub(100)
                ),
            ),
            (
                "API workers, 1,000",
                format!("/api/v1/donations/{id}/workers?limit=1000"),
            ),
            ("API impact", format!("/api/v1/donations/{id}/impact")),
        ];
        // Warm the caches once.
        for (_, p) in &paths {
            timed(&base, &token, p, 2, 1).await;
        }
        let (_, floor) = timed(&base, &token, &paths[0].1, a.requests, a.clients).await;
        for (label, p) in &paths {
            let (p50, p95) = timed(&base, &token, p, a.requests, a.clients).await;
            println!(
                "[{store}] {label:<28} p50 {p50:>7.1} ms  p95 {p95:>7.1} ms  ({:>5.1} × the key read's p95 {floor:.1} ms){}",
                p95 / floor,
                if p95 > 300.0 { "  OVER 300 ms" } else { "" }
            );
        }
        db.close().await;
        scratch::drop_db(&a.pg, name).await;
    }
}
