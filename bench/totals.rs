//! What the regions' totals triggers (migration 0028, issue 12 §5) cost the month's write
//! paths, on PostgreSQL: the same paths timed with the triggers enabled and disabled, on the
//! same data, in alternating runs. See bench/README.md; results in bench/RESULTS.md.
//!
//! ```text
//! cargo bench --bench totals -- [--pg URL] [--workers N] [--per-donation K] [--singles S]
//!                                [--clients C] [--lines L] [--rejected-history R]
//!                                [--hold-big B] [--hold-singles H] [--runs on,off,on,off]
//! ```
//!
//! Setup, not timed, once, through the service's own paths (as `bench/cycle.rs`):
//! `demo::funding_world` registers `--workers` verified workers in Gresik (35.25); named
//! donations of `--per-donation` workers × 1 month (the first payable month, M) from their
//! own individual donor, and `--singles` single-worker donations × 12 months from M, each
//! from its own donor, all held with an open invoice; and `--rejected-history` worker-months
//! of the 12 months before M that the insurer rejected (both programmes), written straight
//! into `confirmations`: the triggers look each worker-month up among every rejection, so
//! that table has its national size (372,000 rows in the 10,000,000-worker set of
//! bench/dashboards.sh). That database becomes a template; `BENCH_TOTALS_WHAT_IF=FILE` runs
//! FILE's SQL on it first (a what-if, never the headline numbers).
//!
//! The last `--hold-big` donations of `--per-donation` workers and the last `--hold-singles`
//! single-worker donations are not held in the template: each run holds them (their donors
//! exist), so that what the triggers cost a hold is timed too (since migration 0030 a hold
//! counts its months per village, so that funding only adds those rows up).
//!
//! Each run is a fresh copy of the template (`CREATE DATABASE … TEMPLATE … STRATEGY
//! FILE_COPY`, so every run starts from the same bytes) with the 0028 triggers enabled
//! (`on`) or disabled (`off`, `ALTER TABLE … DISABLE TRIGGER <name>`), then, timed:
//!
//! 0. **Holding**: `donations::create` of the `--hold-big` donations (one client), then of the
//!    `--hold-singles` (`--clients` clients at once).
//! 1. **Paying the big donations**: `payments::book` for each held `--per-donation`-worker
//!    donation, one client (the trigger counts its months when the donation becomes funded).
//! 2. **Paying the singles**: the same for the single-worker donations, `--clients` clients
//!    at once (every payment adds to the same nation, province and regency rows).
//! 3. **The month's cycle**: `usecase::cycle::run` for M (escrow → payables, files, the
//!    payment to BPJS), which writes none of the watched tables: the denominator of "costs the
//!    cycle under 10%".
//! 4. **Confirmations**: `cycle::import_confirmation` of the insurer's JKK and JKM files for
//!    M, `--lines` lines each, every 50th worker rejected (its contribution comes back).
//! 5. **Self-payments**: `lifecycle::import_self_payments` of `--lines` other workers paying
//!    the month before M alone (each becomes `mandiri`: a worker event).
//! 6. **The lifecycle step** of the month after M (`lifecycle::run`): every worker whose
//!    sponsorship ended with M and did not pay alone goes back to the pool (an event each).
//!
//! After each `on` run, `db::totals::verify` must find the totals equal to their rule.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "scratch.rs"]
mod scratch;

use chrono::Duration;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, NewDonation};
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::{donors, Db};
use lingkaran::on_db;
use lingkaran_domain::pricing::{FundingSource, Sector};
use lingkaran_domain::rates::Month;
use std::time::Instant;

struct Args {
    pg: String,
    workers: usize,
    per_donation: usize,
    singles: usize,
    clients: usize,
    lines: usize,
    /// Donations of `per_donation` workers held in each run rather than in the template.
    hold_big: usize,
    /// Single-worker donations held in each run.
    hold_singles: usize,
    /// Worker-months of earlier months the insurer rejected (both programmes each).
    history: usize,
    runs: Vec<bool>,
}

fn args() -> Args {
    let mut a = Args {
        pg: std::env::var("BENCH_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        workers: 1_000_000,
        per_donation: 1_000,
        singles: 2_000,
        clients: 8,
        lines: 50_000,
        hold_big: 50,
        hold_singles: 500,
        history: 200_000,
        runs: vec![true, false, true, false],
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_default();
        match k.as_str() {
            "--pg" => a.pg = v(),
            "--workers" => a.workers = v().parse().unwrap(),
            "--per-donation" => a.per_donation = v().parse().unwrap(),
            "--singles" => a.singles = v().parse().unwrap(),
            "--clients" => a.clients = v().parse().unwrap(),
            "--lines" => a.lines = v().parse().unwrap(),
            "--rejected-history" => a.history = v().parse().unwrap(),
            "--hold-big" => a.hold_big = v().parse().unwrap(),
            "--hold-singles" => a.hold_singles = v().parse().unwrap(),
            "--runs" => {
                a.runs = v()
                    .split(',')
                    .map(|r| match r.trim() {
                        "on" => true,
                        "off" => false,
                        other => panic!("--runs takes on and off, not {other}"),
                    })
                    .collect()
            }
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(
        a.singles + 2 * a.lines + a.hold_big * a.per_donation <= a.workers,
        "--workers must cover --singles, 2 × --lines and --hold-big × --per-donation"
    );
    assert!(
        a.hold_singles <= a.singles,
        "--hold-singles is part of --singles"
    );
    a
}

/// A worker of the set, as the timed phases need it.
#[derive(Clone)]
struct Worker {
    nik: String,
    income: i64,
    sector: String,
}

/// The template's content, known to every run.
struct World {
    /// The workers of the big donations, in id order.
    big: Vec<Worker>,
    month: Month,
    /// Donations each run holds: (donor, NIKs, months).
    to_hold_big: Vec<(i64, Vec<String>, u32)>,
    to_hold_singles: Vec<(i64, Vec<String>, u32)>,
    officer: i64,
}

/// A hold of named workers from the first payable month, as a donor's request makes it.
fn hold_request(
    officer: i64,
    month: Month,
    donor_id: i64,
    niks: Vec<String>,
    months: u32,
) -> NewDonation {
    NewDonation {
        donor_id,
        budget_line_id: None,
        choice: Choice::Named {
            niks,
            skip_unavailable: false,
        },
        start: month,
        months,
        extends_id: None,
        created_by: officer,
        hold: Duration::hours(24),
        request_json: "{}".into(),
        today: lingkaran::clock::today(),
    }
}

/// Holds `donations`, `clients` at once.
async fn hold_all(db: &Db, w: &World, donations: &[(i64, Vec<String>, u32)], clients: usize) {
    let per_client = donations.len().div_ceil(clients).max(1);
    let tasks: Vec<_> = donations
        .chunks(per_client)
        .map(|chunk| {
            let db = db.clone();
            let chunk = chunk.to_vec();
            let (officer, month) = (w.officer, w.month);
            tokio::spawn(async move {
                for (donor, niks, months) in chunk {
                    donations::create(
                        &db,
                        &hold_request(officer, month, donor, niks, months),
                        chrono::Utc::now(),
                    )
                    .await
                    .unwrap()
                    .unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

fn payment(va: String, amount: i64, reference: String) -> NewPayment {
    NewPayment {
        source: Source::Callback,
        reference,
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

/// Not timed: the workers and the held donations (see the module's comment).
async fn setup(db: &Db, a: &Args) -> World {
    let start = Instant::now();
    db.migrate(chrono::Utc::now()).await.unwrap();
    let officer = lingkaran::demo::funding_world(db, "35.25", a.workers, 17)
        .await
        .unwrap()
        .officer;
    on_db!(db, |pool| {
        sqlx::query("ANALYZE").execute(pool).await.unwrap();
    });
    println!(
        "setup: {} verified workers in {:.1} s",
        a.workers,
        start.elapsed().as_secs_f64()
    );
    // Every worker's NIK (sealed at rest: opened here with the database's keys), income and
    // sector, in id order.
    let start = Instant::now();
    let rows: Vec<(Vec<u8>, i64, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT nik, income, sector FROM workers ORDER BY id"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    let mut all: Vec<Worker> = rows
        .into_iter()
        .map(|(nik, income, sector)| Worker {
            nik: lingkaran::db::sealed::open(db.keys(), lingkaran::privacy::Kind::Nik, &nik)
                .unwrap(),
            income,
            sector,
        })
        .collect();
    let singles = all.split_off(all.len() - a.singles);
    let today = lingkaran::clock::today();
    let month = Month::first_payable(today);
    let donor = |name: String| async move {
        donors::create(
            db,
            &donors::NewDonor {
                kind: "individual",
                name: &name,
                npwp: None,
                region_code: None,
                user_id: None,
                created_by: officer,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap()
    };
    let mut to_hold_big = Vec::new();
    let mut to_hold_singles = Vec::new();
    let big_donations = all.len().div_ceil(a.per_donation);
    for (i, chunk) in all.chunks(a.per_donation).enumerate() {
        let d = donor(format!("Donatur besar {i}")).await;
        let niks: Vec<String> = chunk.iter().map(|w| w.nik.clone()).collect();
        if i >= big_donations - a.hold_big {
            to_hold_big.push((d, niks, 1));
            continue;
        }
        donations::create(
            db,
            &hold_request(officer, month, d, niks, 1),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
    }
    for (i, w) in singles.iter().enumerate() {
        let d = donor(format!("Donatur {i}")).await;
        if i >= singles.len() - a.hold_singles {
            to_hold_singles.push((d, vec![w.nik.clone()], 12));
            continue;
        }
        donations::create(
            db,
            &hold_request(officer, month, d, vec![w.nik.clone()], 12),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
    }
    println!(
        "setup: {} donations of {} workers × 1 month and {} of 1 worker × 12 months from {month} held, in {:.1} s; each run holds {} and {} more",
        big_donations - to_hold_big.len(),
        a.per_donation,
        a.singles - to_hold_singles.len(),
        start.elapsed().as_secs_f64(),
        to_hold_big.len(),
        to_hold_singles.len()
    );
    // The insurer's rejections of earlier months, as a running service has them: the
    // triggers look a worker-month up among every rejection (NOT EXISTS), so the table's size
    // matters. Straight into the table: no worker-months stand behind them, so they change no
    // total; they only give the look-up its national size.
    if let lingkaran::db::Pool::Postgres(pool) = &db.pool {
        let months: Vec<i64> = (1..=12).map(|k| month.minus(k).yyyymm()).collect();
        let stride = (a.workers * months.len()).div_ceil(a.history.max(1)) as i64;
        let n = sqlx::query(
            "INSERT INTO confirmations (month, programme, worker_id, donation_id, status, reason,
                                        amount, created_at)
             SELECT m.month, p.programme, w.id, (SELECT min(id) FROM donations), 'rejected',
                    'sudah terdaftar sebagai peserta aktif', 10000, now()
             FROM workers w CROSS JOIN unnest($1::BIGINT[]) WITH ORDINALITY AS m(month, k)
             CROSS JOIN (VALUES ('JKK'), ('JKM')) p(programme)
             WHERE (w.id + m.k) % $2 = 0",
        )
        .bind(&months)
        .bind(stride)
        .execute(pool)
        .await
        .unwrap()
        .rows_affected();
        println!("setup: {n} rejected confirmations of the 12 months before {month}");
        // What-if (never the headline numbers): SQL run on the template, e.g. an index or
        // another version of a trigger function.
        if let Ok(file) = std::env::var("BENCH_TOTALS_WHAT_IF") {
            let sql = std::fs::read_to_string(&file).unwrap();
            sqlx::raw_sql(&sql).execute(pool).await.unwrap();
            println!("what-if: {file} applied to the template");
        }
    }
    on_db!(db, |pool| {
        for s in ["VACUUM ANALYZE", "CHECKPOINT"] {
            sqlx::query(s).execute(pool).await.unwrap();
        }
    });
    World {
        big: all,
        month,
        to_hold_big,
        to_hold_singles,
        officer,
    }
}

/// Enables or disables every trigger of migration 0028. Returns how many.
async fn set_triggers(db: &Db, on: bool) -> usize {
    let n = scratch::set_totals_triggers(db, on).await.unwrap();
    assert!(n > 0, "no totals triggers found");
    n
}

/// The open invoices (VA, amount) of donations of `workers` workers, in donation order.
async fn open_invoices(db: &Db, single: bool) -> Vec<(String, i64)> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT i.va_number, i.amount FROM invoices i JOIN donations d ON d.id = i.donation_id
         WHERE i.status = 'open' AND (d.workers = 1) = $1 ORDER BY d.id"
    )
    .bind(single)
    .fetch_all(pool)
    .await
    .unwrap())
}

async fn pay_all(db: &Db, invoices: Vec<(String, i64)>, clients: usize, tag: &str) -> usize {
    let n = invoices.len();
    let per_client = n.div_ceil(clients).max(1);
    let tasks: Vec<_> = invoices
        .chunks(per_client)
        .enumerate()
        .map(|(c, chunk)| {
            let db = db.clone();
            let chunk = chunk.to_vec();
            let tag = tag.to_string();
            tokio::spawn(async move {
                for (k, (va, amount)) in chunk.into_iter().enumerate() {
                    let b = payments::book(
                        &db,
                        &payment(va, amount, format!("{tag}-{c}-{k}")),
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
    n
}

/// The insurer's answer for `workers`: every 50th rejected, the others accepted.
fn confirmation(workers: &[Worker]) -> String {
    let mut text = String::from("nik,status,kpj,alasan\n");
    for (i, w) in workers.iter().enumerate() {
        if i % 50 == 49 {
            text.push_str(&format!(
                "{},ditolak,,sudah terdaftar sebagai peserta aktif\n",
                w.nik
            ));
        } else {
            text.push_str(&format!("{},diterima,{:011},\n", w.nik, i + 1));
        }
    }
    text
}

/// The insurer's self-payment data: each of `workers` paid `month` alone, the exact amount.
fn self_payments(
    workers: &[Worker],
    month: Month,
    pricing: &lingkaran_domain::pricing::Pricing,
) -> String {
    let mut text = String::from("nik,bulan,iuran,referensi\n");
    for (i, w) in workers.iter().enumerate() {
        let sector = Sector::parse(&w.sector).unwrap_or(Sector::Other);
        let due = pricing
            .price(month, w.income, FundingSource::SelfPaid, sector)
            .unwrap()
            .total()
            .unwrap()
            .get();
        text.push_str(&format!("{},{month},{due},BENCH-{i}\n", w.nik));
    }
    text
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

const PHASES: [&str; 8] = [
    "hold big donations (1 client)",
    "hold single-worker donations",
    "pay the big donations (1 client)",
    "pay the single-worker donations",
    "the month's cycle (cycle::run)",
    "confirmations JKK + JKM (2% rejected)",
    "self-payments import",
    "lifecycle step (month after)",
];

/// One run on a fresh copy of the template: the seconds of each phase.
async fn run(db: &Db, w: &World, a: &Args, on: bool) -> [f64; 8] {
    let n = set_triggers(db, on).await;
    println!(
        "  triggers {} ({n}); load average {}",
        if on { "ENABLED" } else { "disabled" },
        load()
    );
    let mut t = [0.0; 8];
    let now = chrono::Utc::now;

    let start = Instant::now();
    hold_all(db, w, &w.to_hold_big, 1).await;
    t[0] = start.elapsed().as_secs_f64();
    println!(
        "  {:<40} {:>8.2} s  ({} donations of {} workers)",
        PHASES[0],
        t[0],
        w.to_hold_big.len(),
        a.per_donation
    );
    let start = Instant::now();
    hold_all(db, w, &w.to_hold_singles, a.clients).await;
    t[1] = start.elapsed().as_secs_f64();
    println!(
        "  {:<40} {:>8.2} s  ({} donations × 12 months, {} clients)",
        PHASES[1],
        t[1],
        w.to_hold_singles.len(),
        a.clients
    );

    let big = open_invoices(db, false).await;
    let start = Instant::now();
    let paid = pay_all(db, big, 1, "BIG").await;
    t[2] = start.elapsed().as_secs_f64();
    println!("  {:<40} {:>8.2} s  ({paid} payments)", PHASES[2], t[2]);

    let singles = open_invoices(db, true).await;
    let start = Instant::now();
    let paid = pay_all(db, singles, a.clients, "ONE").await;
    t[3] = start.elapsed().as_secs_f64();
    println!(
        "  {:<40} {:>8.2} s  ({paid} payments, {} clients)",
        PHASES[3], t[3], a.clients
    );

    // The month's cycle: escrow → payables, the remittance files, the payment to BPJS. It
    // writes none of the watched tables; it is the denominator the issue names.
    let files = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let r = lingkaran::usecase::cycle::run(db, w.month, files.path(), Actor::Cli, now())
        .await
        .unwrap();
    t[4] = start.elapsed().as_secs_f64();
    println!(
        "  {:<40} {:>8.2} s  ({} donations, {} files)",
        PHASES[4],
        t[4],
        r.donations,
        r.files.len()
    );

    let answered = &w.big[..a.lines];
    let text = confirmation(answered);
    let start = Instant::now();
    let mut rejected = 0;
    for programme in ["JKK", "JKM"] {
        let r = lingkaran::db::cycle::import_confirmation(
            db,
            w.month,
            programme,
            &text,
            Actor::Cli,
            now(),
        )
        .await
        .unwrap();
        assert!(r.unknown.is_empty(), "{:?}", r.unknown.first());
        rejected += r.rejected;
    }
    t[5] = start.elapsed().as_secs_f64();
    println!(
        "  {:<40} {:>8.2} s  (2 × {} lines, {rejected} rejected)",
        PHASES[5], t[5], a.lines
    );

    let pricing = lingkaran::db::rates::pricing(db).await.unwrap();
    let paying = &w.big[a.lines..2 * a.lines];
    let text = self_payments(paying, w.month.minus(1), &pricing);
    let start = Instant::now();
    let r = lingkaran::db::lifecycle::import_self_payments(
        db,
        &text,
        None,
        Actor::Cli,
        lingkaran::clock::today(),
        now(),
    )
    .await
    .unwrap();
    t[6] = start.elapsed().as_secs_f64();
    assert!(
        r.errors.is_empty(),
        "{:?}",
        r.errors.first().map(|e| &e.message)
    );
    println!(
        "  {:<40} {:>8.2} s  ({} lines for {})",
        PHASES[6],
        t[6],
        r.recorded,
        w.month.minus(1)
    );

    let start = Instant::now();
    let r = lingkaran::db::lifecycle::run(db, w.month.plus(1), Actor::Cli, now())
        .await
        .unwrap();
    t[7] = start.elapsed().as_secs_f64();
    println!(
        "  {:<40} {:>8.2} s  ({} mandiri, {} lapsed, {} back to the pool)",
        PHASES[7], t[7], r.mandiri, r.lapsed, r.back_to_pool
    );

    if on {
        let diff = lingkaran::db::totals::verify(db).await.unwrap();
        if diff.is_empty() {
            println!("  totals verify: the totals equal their rule");
        } else {
            println!(
                "  totals verify: {} DIFFERENCES, first: {}",
                diff.len(),
                diff[0]
            );
        }
    }
    t
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    println!(
        "totals benchmark (PostgreSQL): {} workers, donations of {} × 1 month, {} single-worker donations × 12 ({} clients), {} confirmation and self-payment lines; runs {}",
        a.workers,
        a.per_donation,
        a.singles,
        a.clients,
        a.lines,
        a.runs
            .iter()
            .map(|on| if *on { "on" } else { "off" })
            .collect::<Vec<_>>()
            .join(",")
    );
    let keys = scratch::keys();
    let (url, template) = scratch::fresh("postgres", &a.pg, dir.path(), "totals").await;
    let template = template.unwrap();
    let db = Db::connect(&url, keys.clone()).await.unwrap();
    let world = setup(&db, &a).await;
    db.close().await;

    let base =
        a.pg.rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&a.pg)
            .to_string();
    let mut times: Vec<(bool, [f64; 8])> = Vec::new();
    for (i, on) in a.runs.iter().enumerate() {
        let name = format!("{template}_r{i}");
        let start = Instant::now();
        scratch::admin(
            &a.pg,
            &[
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                &format!("CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"),
            ],
        )
        .await;
        println!(
            "\nrun {} ({}), copy of the template made in {:.1} s",
            i + 1,
            if *on { "on" } else { "off" },
            start.elapsed().as_secs_f64()
        );
        let db = Db::connect(&format!("{base}/{name}"), keys.clone())
            .await
            .unwrap();
        let t = run(&db, &world, &a, *on).await;
        db.close().await;
        scratch::drop_db(&a.pg, Some(name)).await;
        times.push((*on, t));
    }
    scratch::drop_db(&a.pg, Some(template)).await;

    println!("\n== cost of the totals triggers (mean of the runs; each run's seconds) ==");
    println!(
        "{:<40} {:>22} {:>22} {:>8}",
        "phase", "triggers on", "triggers off", "cost"
    );
    for (p, phase) in PHASES.iter().enumerate() {
        let of = |on: bool| -> Vec<f64> {
            times
                .iter()
                .filter(|(o, _)| *o == on)
                .map(|(_, t)| t[p])
                .collect()
        };
        let (ons, offs) = (of(true), of(false));
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let list = |v: &[f64]| {
            v.iter()
                .map(|s| format!("{s:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (on, off) = (mean(&ons), mean(&offs));
        let cost = if off > 0.0 && !ons.is_empty() && !offs.is_empty() {
            format!("{:+.0}%", 100.0 * (on - off) / off)
        } else {
            "?".into()
        };
        println!(
            "{phase:<40} {:>8.2} s ({:>10}) {:>8.2} s ({:>10}) {cost:>8}",
            on,
            list(&ons),
            off,
            list(&offs)
        );
    }
    // All the phases together: what the triggers cost the month's writes as a whole.
    let total = |on: bool| -> f64 {
        let runs: Vec<f64> = times
            .iter()
            .filter(|(o, _)| *o == on)
            .map(|(_, t)| t.iter().sum())
            .collect();
        runs.iter().sum::<f64>() / runs.len().max(1) as f64
    };
    let (on, off) = (total(true), total(false));
    if on > 0.0 && off > 0.0 {
        println!(
            "{:<40} {on:>8.2} s {:>12} {off:>8.2} s {:>12} {:>+8.0}%",
            "all phases",
            "",
            "",
            100.0 * (on - off) / off
        );
    }
}
