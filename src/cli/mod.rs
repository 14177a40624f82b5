//! The `lingkaran` command: serve, migrate, demo, and the registry's tools.

use crate::app::{self, AppState};
use crate::auth::Role;
use crate::db::audit::Actor;
use crate::db::imports::{self, Submitter};
use crate::db::{users, workers, Db};
use crate::regions::RegionTable;
use crate::wire;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod after;
mod claims;
mod figures;
mod progress;
pub use after::{LifecycleCmd, OutboxCmd, RatesCmd, RemindersCmd};

#[derive(Parser, Debug)]
#[command(
    name = "lingkaran",
    version,
    about = "GN Lingkaran: donors protect vulnerable workers"
)]
pub struct Cli {
    /// Database URL: sqlite://FILE (created if missing) or postgres://…
    #[arg(
        long,
        env = "LINGKARAN_DB",
        default_value = "sqlite://lingkaran.db",
        global = true
    )]
    pub db: String,
    /// Every other setting (src/config.rs): a flag and a `LINGKARAN_*` variable each.
    #[command(flatten)]
    pub config: crate::config::Config,
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Run the web service (applies migrations first).
    Serve {
        #[arg(long, env = "LINGKARAN_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Create the Gresik demo data when the database is empty, and accept payment
        /// callbacks signed with the published demo secret when `LINGKARAN_PROVIDER_SECRET`
        /// is not set (without `--demo`, `serve` refuses to start without it).
        #[arg(long)]
        demo: bool,
        /// Serve pages and the API only: run no jobs (imports, the cycle, reminders, the
        /// outbox), which `lingkaran worker` then runs. For a site with several web servers.
        #[arg(long, env = "LINGKARAN_NO_JOBS")]
        no_jobs: bool,
    },
    /// Run the jobs (imports, the month's cycle, reminders, the outbox, housekeeping) without
    /// serving pages, until stopped. Any number of workers and servers may share a database:
    /// each job is claimed by one of them (docs/operations.md).
    Worker,
    /// Apply migrations and load the region table.
    Migrate,
    /// Create the Kabupaten Gresik demo data and print its users.
    Demo,
    /// NIK tools.
    Nik {
        #[command(subcommand)]
        cmd: NikCmd,
    },
    /// The monthly cycle: escrow to payables, remittance files, payment to BPJS.
    Cycle {
        #[command(subcommand)]
        cmd: CycleCmd,
    },
    /// Figures from outside for regions' coverage: participants, denominators, targets.
    Figures {
        #[command(subcommand)]
        cmd: figures::FiguresCmd,
    },
    /// Claims after an accident or a death: what the law gives (`claims estimate`).
    Claims {
        #[command(subcommand)]
        cmd: claims::ClaimsCmd,
    },
    /// Who is protected when.
    Coverage {
        #[command(subcommand)]
        cmd: CoverageCmd,
    },
    /// Worker registry tools.
    Workers {
        #[command(subcommand)]
        cmd: WorkersCmd,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Price a donation: every worker-month by `price_month` (the month's rate, the income,
    /// the payer's funding source, the workers' sector, and any relief rule).
    Quote {
        /// 1 to 10.000.000.
        #[arg(long)]
        workers: i64,
        /// 1 to 120.
        #[arg(long)]
        months: u32,
        /// First month, YYYY-MM.
        #[arg(long)]
        from: String,
        /// Declared monthly income in whole rupiah (Rp 1.000.000 to Rp 1.000.000.000).
        #[arg(long, default_value_t = lingkaran_domain::worker::DEFAULT_INCOME)]
        income: i64,
        /// apbn, apbd, dana-desa, csr, zakat, individual or self (default: apbd, said so).
        #[arg(long)]
        funding: Option<String>,
        /// transport or other (default: other, said so).
        #[arg(long)]
        sector: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Contribution rates, relief rules and the pricing settings.
    Rates {
        #[command(subcommand)]
        cmd: RatesCmd,
    },
    /// The ledger.
    Ledger {
        #[command(subcommand)]
        cmd: LedgerCmd,
    },
    /// Keys for personal data at rest (docs/privacy.md, "Keys").
    Keys {
        #[command(subcommand)]
        cmd: KeysCmd,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Write a consistent copy of the database (`--db`) while it runs: SQLite's VACUUM INTO,
    /// or pg_dump's custom format. Keep the key file with it, apart: the copy's personal
    /// data opens only with those keys (docs/operations.md, "Backup and restore").
    Backup {
        /// The backup file to write; it must not exist yet.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Bring a backup into the empty database given by `--db` (a new SQLite file, or a
    /// PostgreSQL database without tables), then check it: the ledger, the audit trail and
    /// the row counts. Exits 1 when a check fails.
    Restore {
        /// A file written by `lingkaran backup`.
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Proposing organisations.
    Org {
        #[command(subcommand)]
        cmd: OrgCmd,
    },
    /// After the funded months: self-payments, lapse, death or leaving, graduation.
    Lifecycle {
        #[command(subcommand)]
        cmd: LifecycleCmd,
    },
    /// Queue the reminders before funded periods end.
    Reminders {
        #[command(subcommand)]
        cmd: RemindersCmd,
    },
    /// Messages to donors and workers: send what is due, list.
    Outbox {
        #[command(subcommand)]
        cmd: OutboxCmd,
    },
}

#[derive(Subcommand, Debug)]
pub enum CycleCmd {
    /// Import the insurer's confirmation file for a month and programme.
    Confirm {
        #[arg(long)]
        month: String,
        /// JKK or JKM.
        #[arg(long)]
        programme: String,
        #[arg(long)]
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Play the insurer on this machine: answer a remittance file with a confirmation file
    /// (accepts everyone except NIKs already active in `covered_niks`).
    SimulateInsurer {
        #[arg(long)]
        remittance: std::path::PathBuf,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Run the cycle for one month; safe to run again (it posts only what is missing).
    Run {
        /// YYYY-MM.
        #[arg(long)]
        month: String,
        /// Where the remittance files go (default: `--remittance-dir`).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CoverageCmd {
    /// A region's coverage on a day: BPJS TK's participants over the imported denominator,
    /// the target and the gap, and Lingkaran's own workers (`lingkaran figures import`).
    Region {
        /// A Kemendagri code (35.25 is Kabupaten Gresik), or 0 for the nation.
        code: String,
        /// The day (default: today in WIB).
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Is this person protected on this day, by whom, until when.
    Check {
        nik: String,
        /// The day (default: today in WIB).
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum NikCmd {
    /// Check a NIK; exits 0 when valid, 1 when not.
    Check {
        nik: String,
        #[arg(long)]
        json: bool,
        /// Reference date for the century rule (default: today in WIB).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand, Debug)]
pub enum WorkersCmd {
    /// Import a CSV or XLSX list for a proposer (user id or username).
    Import {
        file: PathBuf,
        #[arg(long)]
        proposer: String,
        #[arg(long)]
        json: bool,
    },
    /// Import the insurer's list of NIKs that are already active participants (one per line).
    Covered {
        file: PathBuf,
        /// The officer or admin recording it (user id or username).
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user. Prints the id, and a bearer token with --token.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_parser = ["admin", "officer", "proposer", "donor", "viewer"])]
        role: String,
        #[arg(long, env = "LINGKARAN_PASSWORD")]
        password: String,
        /// Organisation id (proposers).
        #[arg(long)]
        org: Option<i64>,
        /// Region scope, repeatable (officers, viewers).
        #[arg(long = "region")]
        regions: Vec<String>,
        /// Also issue a bearer token and print it.
        #[arg(long)]
        token: bool,
    },
    /// Revoke a user's API tokens and end their browser sessions; with --token, only that
    /// token (its id, as the tokens page and `user tokens` show it).
    Revoke {
        /// Username or user id.
        user: String,
        /// The token's id (12 hex characters).
        #[arg(long)]
        token: Option<String>,
    },
    /// List a user's API tokens: id, label, issued, revoked.
    Tokens {
        /// Username or user id.
        user: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCmd {
    /// Write a new key file (`enc 1` and `index`, random), readable by its owner only; an
    /// existing file is never replaced.
    Generate {
        #[arg(long)]
        out: PathBuf,
    },
    /// Seal again with the newest `enc` key every value sealed under an older one, in
    /// batches, each its own transaction: stopped at any point, nothing is lost, and running
    /// it again continues. When it reports 0, the older keys may leave the key file.
    Rotate {
        /// Rows per transaction.
        #[arg(long, default_value_t = crate::db::sealed::BATCH as u64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        batch: u64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Walk the hash chain from the first entry; exits 1 when an entry was edited, deleted or
    /// inserted, naming the first one that does not hold.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Print the head (the last entry's id and hash) as the store holds it, and write it to
    /// the log as the scheduler does every day: compare it with an outside copy.
    Head {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum LedgerCmd {
    /// Re-derive every balance from the transfers and check every invariant; exits 1 on any
    /// violation, naming it.
    Check {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrgCmd {
    /// Add a proposing organisation.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "desa")]
        kind: String,
        /// Its region: the scope of its proposers.
        #[arg(long)]
        region: String,
    },
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LINGKARAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A use case's refusal in the CLI's words: each problem's code and its sentences in both
/// languages; an unexpected failure as it is.
pub(crate) fn refused(e: crate::usecase::Error) -> anyhow::Error {
    use crate::usecase::Error;
    let words = |ps: &[lingkaran_domain::Problem]| {
        let w: Vec<String> = ps
            .iter()
            .map(|p| format!("{}: {} / {}", p.code, p.id, p.en))
            .collect();
        anyhow::anyhow!("{}", w.join("; "))
    };
    match e {
        Error::Invalid(ps) => words(&ps),
        Error::Conflict(p) | Error::Unconfirmed(p) | Error::Throttled { problem: p, .. } => {
            words(&[p])
        }
        Error::Internal(e) => e,
        other => anyhow::anyhow!("{other:?}"),
    }
}

/// Opens and migrates the database with the configured keys (refusing without them), and
/// seals what an older version left in plain text.
pub(crate) async fn open(url: &str, config: &crate::config::Config) -> anyhow::Result<Db> {
    let keys = config
        .keyring_for(url, false)
        .map_err(|e| anyhow::anyhow!(e))?;
    open_with(url, keys).await
}

async fn open_with(url: &str, keys: crate::privacy::Keyring) -> anyhow::Result<Db> {
    let db = Db::connect(url, std::sync::Arc::new(keys)).await?;
    db.migrate(crate::clock::now()).await?;
    let sealed = crate::db::sealed::seal_plain(&db, crate::db::sealed::BATCH).await?;
    if sealed > 0 {
        tracing::info!(
            values = sealed,
            "sealed personal data kept in plain text by an older version"
        );
    }
    Ok(db)
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    init_logging();
    match cli.cmd {
        Cmd::Serve {
            addr,
            demo,
            no_jobs,
        } => {
            // Fail closed before touching the database or the port.
            let settings =
                app::Settings::for_serve(&cli.config, demo).map_err(|e| anyhow::anyhow!(e))?;
            let keys = cli
                .config
                .keyring_for(&cli.db, demo)
                .map_err(|e| anyhow::anyhow!(e))?;
            let db = open_with(&cli.db, keys).await?;
            if demo {
                if crate::demo::is_empty(&db).await? {
                    let summary = crate::demo::seed(&db, &cli.config.remittance_dir).await?;
                    println!("{}", summary.credentials());
                } else {
                    tracing::info!("database not empty; demo data not created again");
                }
            }
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("listening on {addr}"))?;
            tracing::info!(addr = %listener.local_addr()?, db = db.kind(), "Lingkaran is serving");
            println!(
                "Lingkaran: http://{}/  (API: /api/v1, OpenAPI: /api/openapi.json)",
                listener.local_addr()?
            );
            let mut state = AppState::with_settings(db, settings);
            if no_jobs {
                tracing::info!("--no-jobs: jobs are left to `lingkaran worker`");
                state = state.without_jobs();
            }
            app::serve(state, listener, &cli.config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Worker => {
            let db = open(&cli.db, &cli.config).await?;
            let env = crate::scheduler::env(&cli.config);
            let pace = crate::scheduler::Pace::of(&cli.config);
            println!("Lingkaran worker {} ({})", env.runner, db.kind());
            tokio::select! {
                _ = crate::scheduler::run(db, env, pace) => {}
                _ = app::shutdown_signal() => {}
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Migrate => {
            let db = open(&cli.db, &cli.config).await?;
            println!(
                "migrated {} ({} regions)",
                db.kind(),
                RegionTable::get().len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Demo => {
            let keys = cli
                .config
                .keyring_for(&cli.db, true)
                .map_err(|e| anyhow::anyhow!(e))?;
            let db = open_with(&cli.db, keys).await?;
            if !crate::demo::is_empty(&db).await? {
                anyhow::bail!("the database already has workers; the demo needs an empty one");
            }
            let summary = crate::demo::seed(&db, &cli.config.remittance_dir).await?;
            println!("{}", summary.credentials());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Nik {
            cmd: NikCmd::Check { nik, json, today },
        } => {
            let c = lingkaran_domain::nik::check(
                &nik,
                today.unwrap_or_else(crate::clock::today),
                RegionTable::get(),
            );
            if json {
                println!("{}", serde_json::to_string(&wire::NikCheck::of(&c))?);
            } else {
                print_nik_check(&c);
            }
            Ok(if c.is_valid() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Cycle {
            cmd:
                CycleCmd::Confirm {
                    month,
                    programme,
                    file,
                    json,
                },
        } => {
            let (Some(m), true) = (
                lingkaran_domain::rates::Month::parse(&month),
                programme == "JKK" || programme == "JKM",
            ) else {
                eprintln!("--month TTTT-BB dan --programme JKK atau JKM / --month YYYY-MM and --programme JKK or JKM");
                return Ok(ExitCode::from(2));
            };
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let db = open(&cli.db, &cli.config).await?;
            let r = crate::db::cycle::import_confirmation(
                &db,
                m,
                &programme,
                &text,
                Actor::Cli,
                crate::clock::now(),
            )
            .await?;
            let v = serde_json::json!({
                "accepted": r.accepted, "rejected": r.rejected, "refunded": r.refunded,
                "unknown": r.unknown.iter().map(|(line, nik, why)| serde_json::json!({"line": line, "nik": crate::privacy::gate::mask_nik(nik), "why": why})).collect::<Vec<_>>(),
            });
            if json {
                println!("{v}");
            } else {
                println!(
                    "{} {programme}: {} diterima, {} ditolak ({} dikembalikan ke kredit donatur), {} baris tidak dikenal",
                    m, r.accepted, r.rejected, r.refunded, r.unknown.len()
                );
            }
            Ok(if r.unknown.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Cycle {
            cmd: CycleCmd::SimulateInsurer { remittance, out },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            // The store knows covered NIKs by their blind index only: ask it about the file's.
            let mut niks = Vec::new();
            for row in csv::Reader::from_path(&remittance)
                .with_context(|| format!("reading {}", remittance.display()))?
                .records()
            {
                niks.extend(row?.get(0).map(str::to_string));
            }
            let active: std::collections::HashSet<String> = workers::covered_among(&db, &niks)
                .await?
                .into_iter()
                .collect();
            let (accepted, rejected) = crate::insurer::confirm(&remittance, &active, &out)?;
            println!("{}: {accepted} diterima, {rejected} ditolak", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Cycle {
            cmd: CycleCmd::Run { month, dir, json },
        } => {
            let Some(m) = lingkaran_domain::rates::Month::parse(&month) else {
                eprintln!(
                    "Bulan \"{month}\" harus berbentuk TTTT-BB / the month must look like YYYY-MM"
                );
                return Ok(ExitCode::from(2));
            };
            let db = open(&cli.db, &cli.config).await?;
            let dir = dir.unwrap_or_else(|| cli.config.remittance_dir.clone());
            let now = crate::clock::now();
            let batch = cli.config.cycle_batch;
            let r = crate::usecase::cycle::run_in(&db, m, &dir, batch, Actor::Cli, now).await?;
            // Then the workers whose funded months ended: mandiri, lapsed, back to the pool.
            let life = crate::db::lifecycle::run(&db, m, Actor::Cli, now).await?;
            let v = serde_json::json!({
                "month": r.month, "donations": r.donations, "posted": r.posted, "jkk": r.jkk, "jkm": r.jkm,
                "files": r.files.iter().map(|(p, path, lines)| serde_json::json!({
                    "programme": p, "file": path.display().to_string(), "lines": lines,
                })).collect::<Vec<_>>(),
                "lifecycle": life,
            });
            if json {
                println!("{v}");
            } else {
                println!(
                    "{}: {} donations, JKK {}, JKM {}, {} transfers posted",
                    r.month,
                    r.donations,
                    lingkaran_domain::format::rupiah(r.jkk),
                    lingkaran_domain::format::rupiah(r.jkm),
                    r.posted
                );
                for (p, path, lines) in &r.files {
                    println!("  {p}: {} ({lines} lines)", path.display());
                }
                println!(
                    "  pekerja: {} mandiri, {} tidak aktif (lapsed), {} kembali ke daftar tunggu",
                    life.mandiri, life.lapsed, life.back_to_pool
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Figures { cmd } => figures::run(&cli.db, &cli.config, cmd).await,
        Cmd::Claims { cmd } => claims::run(cmd),
        Cmd::Coverage {
            cmd: CoverageCmd::Region { code, on, json },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            figures::coverage(&db, &code, on.unwrap_or_else(crate::clock::today), json).await
        }
        Cmd::Coverage {
            cmd: CoverageCmd::Check { nik, on, json },
        } => {
            let day = on.unwrap_or_else(crate::clock::today);
            let nik = match lingkaran_domain::Nik::parse(&nik, crate::clock::today()) {
                Ok(n) => n.to_string(),
                Err(ps) => {
                    for p in ps {
                        eprintln!("{}", p.id);
                    }
                    return Ok(ExitCode::from(2));
                }
            };
            let db = open(&cli.db, &cli.config).await?;
            let answer = crate::db::coverage::check(&db, &nik, day).await?;
            let v = serde_json::to_value(wire::Coverage::of(&answer))?;
            if json {
                println!("{v}");
            } else {
                match (&answer.worker, answer.coverage.until) {
                    (None, _) => println!(
                        "{}: belum terdaftar / not registered",
                        crate::privacy::gate::mask_nik(&nik)
                    ),
                    (Some(_), Some(until)) => println!(
                        "{}: terlindungi JKK & JKM pada {} sampai {} ({})",
                        crate::privacy::gate::mask_nik(&nik),
                        lingkaran_domain::format::date(day, "id"),
                        lingkaran_domain::format::date(until, "id"),
                        v["donor"]["name"].as_str().unwrap_or("mandiri")
                    ),
                    (Some(_), None) => println!(
                        "{}: tidak terlindungi pada {}",
                        crate::privacy::gate::mask_nik(&nik),
                        lingkaran_domain::format::date(day, "id")
                    ),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Workers {
            cmd:
                WorkersCmd::Import {
                    file,
                    proposer,
                    json,
                },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let (user_id, organisation_id) =
                users::proposer(&db, &proposer).await?.with_context(|| {
                    format!("no proposer {proposer:?}: give a proposer's user id or username")
                })?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let who = Submitter {
                organisation_id,
                user_id,
                import_id: None,
            };
            let upload = crate::usecase::imports::Upload {
                path: &file,
                file_name: &name,
            };
            let clock = crate::clock::SystemClock;
            match crate::usecase::imports::take(&db, who, upload, &clock).await {
                Ok((import, already)) => {
                    if !already {
                        run_import_job(&db, &cli.config, import.id, progress::csv_rows(&file))
                            .await?;
                    }
                    let import = imports::get(&db, import.id)
                        .await?
                        .context("the import vanished")?;
                    let errors = imports::errors(&db, import.id, "error", i64::MAX).await?;
                    let warnings = imports::errors(&db, import.id, "warning", i64::MAX).await?;
                    let body = wire::import_json(&import, &errors, &warnings, already);
                    if json {
                        println!("{body}");
                    } else {
                        let r = &import;
                        println!(
                            "import #{}: {} rows, {} accepted, {} rejected, {} duplicates, {} possible duplicates",
                            r.id, r.rows_total, r.accepted, r.rejected, r.duplicates, r.possible_duplicates
                        );
                        for e in &errors {
                            println!(
                                "  line {} {} {:?}: {}",
                                e.line, e.column_name, e.value, e.message_id
                            );
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(crate::usecase::Error::Invalid(problems)) => {
                    let e = problems
                        .into_iter()
                        .next()
                        .map(crate::import::FileError)
                        .context("a refusal without a reason")?;
                    if json {
                        println!(
                            "{}",
                            serde_json::json!({ "errors": [wire::problem_json(&e.0)] })
                        );
                    } else {
                        eprintln!("{}\n{}", e.0.id, e.0.en);
                    }
                    Ok(ExitCode::from(1))
                }
                Err(other) => Err(refused(other)),
            }
        }
        Cmd::Workers {
            cmd: WorkersCmd::Covered { file, by },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let actor = Actor::User(
                users::user_id(&db, &by)
                    .await?
                    .with_context(|| format!("no user {by:?}"))?,
            );
            let today = crate::clock::today();
            let list = lingkaran_domain::nik::parse_list(&text, today);
            let niks: Vec<String> = list.niks.iter().map(|n| n.to_string()).collect();
            let added = workers::add_covered_niks(&db, &niks, actor, crate::clock::now()).await?;
            println!(
                "{added} NIKs added ({} already known, {} invalid lines skipped)",
                niks.len() as u64 - added,
                list.invalid.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::User {
            cmd:
                UserCmd::Add {
                    username,
                    name,
                    role,
                    password,
                    org,
                    regions,
                    token,
                },
        } => {
            crate::usecase::signin::check_new_password(&password, &username).map_err(refused)?;
            let db = open(&cli.db, &cli.config).await?;
            let role = Role::parse(&role).context("unknown role")?;
            let full_name = name.as_deref().unwrap_or(&username);
            if let Some(p) = lingkaran_domain::fields::check_user(&username, full_name)
                .into_iter()
                .next()
            {
                anyhow::bail!("{} / {}", p.id, p.en);
            }
            let id = users::create_user(
                &db,
                &users::NewUser {
                    username: &username,
                    full_name,
                    password: &password,
                    role,
                    organisation_id: org,
                    regions: &regions,
                },
                Actor::Cli,
                crate::clock::now(),
            )
            .await?;
            println!("user #{id} {username} ({})", role.code());
            if token {
                println!(
                    "token: {}",
                    users::create_api_token(&db, id, "cli", Actor::Cli, crate::clock::now())
                        .await?
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::User {
            cmd: UserCmd::Revoke { user, token },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let id = users::user_id(&db, &user)
                .await?
                .with_context(|| format!("no user {user} / tidak ada pengguna {user}"))?;
            let (revoked, ended) = users::revoke(
                &db,
                id,
                token.as_deref(),
                token.is_none(),
                Actor::Cli,
                crate::clock::now(),
            )
            .await?;
            if let (Some(t), 0) = (&token, revoked) {
                anyhow::bail!(
                    "user {user} has no active token {t} / pengguna {user} tidak punya token aktif {t}"
                );
            }
            println!("{revoked} tokens revoked, {ended} sessions ended");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::User {
            cmd: UserCmd::Tokens { user },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let id = users::user_id(&db, &user)
                .await?
                .with_context(|| format!("no user {user} / tidak ada pengguna {user}"))?;
            let lifetime = chrono::Duration::days(i64::from(cli.config.token_days));
            let now = crate::clock::now();
            for t in users::tokens(&db, id).await? {
                let state = match t.revoked_at {
                    Some(r) => format!("revoked {}", r.format("%Y-%m-%d %H:%M")),
                    None if t.created_at + lifetime <= now => "expired".to_string(),
                    None => "active".to_string(),
                };
                println!(
                    "{}\t{}\t{}\t{}",
                    t.id,
                    t.label,
                    t.created_at.format("%Y-%m-%d %H:%M"),
                    state
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Quote {
            workers,
            months,
            from,
            income,
            funding,
            sector,
            json,
        } => {
            use lingkaran_domain::format::rupiah;
            let db = open(&cli.db, &cli.config).await?;
            let input = crate::usecase::quotes::QuoteInput {
                workers,
                months,
                from: Some(from),
                income: Some(income),
                funding,
                sector,
            };
            let priced = crate::usecase::quotes::full_price(&db, &input, crate::clock::today())
                .await
                .map_err(refused)?;
            let q = wire::Quote::of(&priced);
            if json {
                println!("{}", serde_json::to_string(&q)?);
            } else {
                println!(
                    "{workers} pekerja × {months} bulan mulai {}: {} (JKK {}, JKM {}); sumber dana {}{}, sektor {}",
                    q.from.as_deref().unwrap_or(""),
                    rupiah(q.total),
                    rupiah(q.breakdown.jkk),
                    rupiah(q.breakdown.jkm),
                    q.funding,
                    if q.funding_assumed { " (dianggap)" } else { "" },
                    q.sector,
                );
                for m in &q.by_month {
                    println!(
                        "  {}: {} per pekerja{}",
                        m.month,
                        rupiah(m.per_worker),
                        m.relief
                            .as_ref()
                            .map(|r| format!(" (keringanan {})", r.basis))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Keys {
            cmd: KeysCmd::Generate { out },
        } => {
            crate::config::write_private(&out, crate::privacy::Keyring::generate_text().as_bytes())
                .with_context(|| {
                    format!(
                        "writing {} (an existing file is never replaced)",
                        out.display()
                    )
                })?;
            println!("{}: kunci baru / new keys (mode 0600); simpan salinannya di luar server / keep a copy offline", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Keys {
            cmd: KeysCmd::Rotate { batch, json },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let r = crate::db::sealed::rotate(
                &db,
                usize::try_from(batch).unwrap_or(1),
                crate::db::audit::Actor::Cli,
                crate::clock::now(),
            )
            .await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "key": db.keys().current_id(), "resealed": r.total(),
                        "indexed": r.indexed,
                        "columns": r.columns.iter().map(|(c, n)| serde_json::json!({"column": c, "resealed": n})).collect::<Vec<_>>(),
                    })
                );
            } else {
                println!(
                    "kunci {}: {} nilai disegel ulang / values sealed again",
                    db.keys().current_id(),
                    r.total()
                );
                for (c, n) in &r.columns {
                    println!("  {c}: {n}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Backup { out, json } => {
            let db = open(&cli.db, &cli.config).await?;
            let kind = crate::db::backup::backup(&db, &cli.db, &out).await?;
            let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            // A copy of (sealed) personal data leaving the service: on the trail, after it.
            let mut tx = db.begin_write().await?;
            crate::db::audit::record(
                &mut tx,
                crate::clock::now(),
                Actor::Cli,
                "backup.write",
                "database",
                db.kind(),
                serde_json::json!({ "file": out.display().to_string(), "bytes": bytes }),
            )
            .await?;
            tx.commit().await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "file": out.display().to_string(), "kind": kind, "bytes": bytes })
                );
            } else {
                println!(
                    "{}: cadangan {} ({} byte) / backup written; simpan berkas kunci terpisah / keep the key file apart",
                    out.display(),
                    db.kind(),
                    bytes
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Restore { file, json } => {
            let kind = crate::db::backup::restore(&file, &cli.db).await?;
            // Opened as `serve` would: migrations of a newer version, sealing, then checked.
            let db = open(&cli.db, &cli.config).await?;
            let ledger = crate::db::ledger::check(&db).await?;
            let audit = crate::db::audit::verify(&db).await?;
            let counts = crate::db::backup::row_counts(&db).await?;
            let ok = ledger.violations.is_empty() && audit.ok;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": ok, "kind": kind, "ledger_ok": ledger.violations.is_empty(),
                        "transfers": ledger.transfers, "audit_ok": audit.ok,
                        "audit_entries": audit.entries,
                        "rows": counts.iter().map(|(t, n)| (t.clone(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
                    })
                );
            } else {
                println!(
                    "dipulihkan / restored: {} transfers ({}), audit {} entries ({})",
                    ledger.transfers,
                    if ledger.violations.is_empty() {
                        "ledger ok"
                    } else {
                        "LEDGER VIOLATIONS"
                    },
                    audit.entries,
                    if audit.ok {
                        "chain intact"
                    } else {
                        "CHAIN BROKEN"
                    }
                );
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Audit {
            cmd: AuditCmd::Head { json },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let h = crate::usecase::audit::log_head(&db).await?;
            if json {
                println!("{}", serde_json::to_string(&h)?);
            } else {
                println!("audit head: entry {} hash {}", h.last_id, h.hash);
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Audit {
            cmd: AuditCmd::Verify { json },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let r = crate::db::audit::verify(&db).await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": r.ok, "entries": r.entries, "first_bad": r.first_bad, "head": r.head,
                    })
                );
            } else if r.ok {
                println!(
                    "audit: {} entries, chain intact, head {}",
                    r.entries, r.head
                );
            } else {
                println!(
                    "audit: {} entries, BROKEN at entry {} ({:?}); last good head {}",
                    r.entries,
                    r.first_bad.unwrap_or_default(),
                    r.why,
                    r.head
                );
            }
            Ok(if r.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Ledger {
            cmd: LedgerCmd::Check { json },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            let r = crate::db::ledger::check(&db).await?;
            let ok = r.violations.is_empty();
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": ok, "transfers": r.transfers, "accounts": r.accounts, "violations": r.violations,
                    })
                );
            } else {
                println!("ledger: {} transfers, {} accounts", r.transfers, r.accounts);
                for v in &r.violations {
                    println!("  VIOLATION: {v}");
                }
                if ok {
                    println!("  all invariants hold");
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Lifecycle { cmd } => after::lifecycle(&cli.db, &cli.config, cmd).await,
        Cmd::Rates { cmd } => after::rates(&cli.db, &cli.config, cmd).await,
        Cmd::Reminders { cmd } => after::reminders(&cli.db, &cli.config, cmd).await,
        Cmd::Outbox { cmd } => after::outbox(&cli.db, &cli.config, cmd).await,
        Cmd::Org {
            cmd: OrgCmd::Add { name, kind, region },
        } => {
            let db = open(&cli.db, &cli.config).await?;
            if RegionTable::get().region(&region).is_none() {
                anyhow::bail!("region {region} does not exist");
            }
            if let Err(p) = lingkaran_domain::fields::check_organisation(&name) {
                anyhow::bail!("{} / {}", p.id, p.en);
            }
            let id = users::create_organisation(
                &db,
                &name,
                &kind,
                &region,
                Actor::Cli,
                crate::clock::now(),
            )
            .await?;
            println!("organisation #{id} {name} ({region})");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs import `id`'s job in this process with a progress bar on stderr; if a server or a
/// worker claimed it first, follows its rows until it ends.
async fn run_import_job(
    db: &Db,
    config: &crate::config::Config,
    id: i64,
    total: Option<i64>,
) -> anyhow::Result<()> {
    use crate::usecase::jobs;
    let env = jobs::Env::for_imports(chrono::Duration::seconds(i64::from(
        config.job_lease_seconds,
    )));
    let key = jobs::import_key(id);
    let mut bar = progress::Progress::new(total);
    loop {
        let ran = jobs::run_one_with(db, &env, Some(&key), |done| bar.set(done)).await?;
        if let Some(ran) = ran {
            bar.finish();
            if ran.state != "done" {
                anyhow::bail!(
                    "the import's job did not finish ({}): {}",
                    ran.state,
                    crate::db::jobs::get(db, &key)
                        .await?
                        .and_then(|j| j.last_error)
                        .unwrap_or_default()
                );
            }
            return Ok(());
        }
        // Another runner has it: follow its rows.
        let job = crate::db::jobs::get(db, &key).await?;
        if job
            .as_ref()
            .is_none_or(|j| j.state == "done" || j.state == "failed")
        {
            bar.finish();
            return Ok(());
        }
        if let Some(r) = imports::get(db, id).await? {
            bar.set(r.rows_total);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

fn print_nik_check(c: &lingkaran_domain::nik::NikCheck) {
    match &c.nik {
        Some(n) => {
            println!(
                "NIK {} sah / valid",
                crate::privacy::gate::mask_nik(&n.to_string())
            );
            println!(
                "  jenis kelamin: {}",
                if n.sex() == lingkaran_domain::Sex::Female {
                    "perempuan"
                } else {
                    "laki-laki"
                }
            );
            println!(
                "  tanggal lahir: {}",
                lingkaran_domain::format::date(n.birth_date(), "id")
            );
        }
        None => println!("NIK tidak sah / invalid"),
    }
    for (label, v, now) in [
        ("provinsi", &c.province, &None),
        ("kabupaten/kota", &c.regency, &c.regency_now),
        ("kecamatan", &c.district, &c.district_now),
    ] {
        match (v, now) {
            (Some((code, name)), Some(now)) => println!("  {label}: {code} (kini {now}) {name}"),
            (Some((code, name)), None) => println!("  {label}: {code} {name}"),
            _ => {}
        }
    }
    for e in &c.errors {
        println!("  ✗ {}: {}", e.code, e.id);
    }
    for w in &c.warnings {
        println!("  ! {}: {}", w.code, w.id);
    }
}
