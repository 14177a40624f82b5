//! Commands for what happens after the funded months: self-payments, the month's lifecycle
//! step, death or leaving, graduation, reminders and the outbox.

use super::{open, refused};
use crate::db::audit::Actor;
use crate::db::lifecycle::{self, GraduationBy, SelfPayment, StopReason};
use crate::db::{outbox, reminders, users, workers, Db};
use anyhow::Context;
use clap::Subcommand;
use lingkaran_domain::rates::Month;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum RatesCmd {
    /// Relief rules (PP 50/2025 is seeded).
    Relief {
        #[command(subcommand)]
        cmd: ReliefCmd,
    },
    /// Show or change the pricing settings: whether Dana Desa counts as APBN (no relief), and
    /// the self-payment window. Held donations are re-priced.
    Settings {
        #[arg(long)]
        dana_desa_is_apbn: Option<bool>,
        /// Months before the current month a self-payment may be for (with --self-pay-ahead).
        #[arg(long, requires = "self_pay_ahead")]
        self_pay_back: Option<u32>,
        #[arg(long, requires = "self_pay_back")]
        self_pay_ahead: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Change a worker's sector (transport or other), with the reason; kept in its history.
    Sector {
        nik: String,
        #[arg(long)]
        sector: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReliefCmd {
    /// Every relief rule.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a rule for months to come (a rule in force is never edited). Held, unpaid
    /// donations are re-priced.
    Add {
        /// The legal basis, e.g. "PP 50/2025".
        #[arg(long)]
        basis: String,
        /// The share of each programme's contribution still paid: 5000 = 50%.
        #[arg(long)]
        basis_points: i64,
        /// First coverage month, YYYY-MM (after the current month).
        #[arg(long)]
        from: String,
        /// Last coverage month, YYYY-MM.
        #[arg(long)]
        to: String,
        /// transport or other; repeat for both.
        #[arg(long = "sector", required = true)]
        sectors: Vec<String>,
        /// Funding sources excluded (apbn, apbd, dana-desa, csr, zakat, individual, self); repeat.
        #[arg(long = "exclude")]
        excludes: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        by: String,
    },
}

pub async fn rates(
    db_url: &str,
    config: &crate::config::Config,
    cmd: RatesCmd,
) -> anyhow::Result<ExitCode> {
    let db = open(db_url, config).await?;
    match cmd {
        RatesCmd::Relief {
            cmd: ReliefCmd::List { json },
        } => {
            let all = crate::db::rates::reliefs(&db).await?;
            if json {
                let v: Vec<_> = all.iter().map(crate::wire::ReliefView::of).collect();
                println!("{}", serde_json::to_string(&v)?);
            } else {
                for r in &all {
                    let ex: Vec<&str> = r.excludes.iter().map(|f| f.as_str()).collect();
                    let se: Vec<&str> = r.sectors.iter().map(|s| s.as_str()).collect();
                    println!(
                        "#{} {}: {} bp, {}..{}, sektor {}, kecuali {}",
                        r.id,
                        r.basis,
                        r.basis_points,
                        r.from,
                        r.to,
                        se.join(","),
                        ex.join(",")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        RatesCmd::Relief {
            cmd:
                ReliefCmd::Add {
                    basis,
                    basis_points,
                    from,
                    to,
                    sectors,
                    excludes,
                    note,
                    by,
                },
        } => {
            let by = actor(&db, &by).await?;
            let input = crate::usecase::quotes::ReliefInput {
                basis,
                basis_points,
                from,
                to,
                sectors,
                excludes,
                note,
            };
            let added = crate::usecase::quotes::add_relief_by(&db, by, crate::clock::now(), &input)
                .await
                .map_err(refused)?;
            let (id, repriced) = (added.relief.id, added.repriced_donations);
            println!(
                "aturan keringanan #{id} ditambahkan; {} donasi yang ditahan dihitung ulang",
                repriced.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        RatesCmd::Settings {
            dana_desa_is_apbn,
            self_pay_back,
            self_pay_ahead,
            json,
        } => {
            let window = match (self_pay_back, self_pay_ahead) {
                (Some(back), Some(ahead)) => Some(crate::db::rates::SelfPayWindow { back, ahead }),
                _ => None,
            };
            let (p, w) = if dana_desa_is_apbn.is_some() || window.is_some() {
                crate::usecase::quotes::change_settings(
                    &db,
                    dana_desa_is_apbn,
                    window,
                    Actor::Cli,
                    crate::clock::now(),
                )
                .await
                .map_err(refused)?
            } else {
                let (p, w) = crate::db::rates::pricing_and_window(&db).await?;
                (p.settings, w)
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&crate::wire::PricingSettings::of(&p, &w))?
                );
            } else {
                println!(
                    "Dana Desa dihitung sebagai APBN (tanpa keringanan): {}; iuran mandiri untuk {} bulan ke belakang s.d. {} bulan ke depan",
                    if p.dana_desa_is_apbn { "ya" } else { "tidak" },
                    w.back,
                    w.ahead
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        RatesCmd::Sector {
            nik,
            sector,
            reason,
            by,
        } => {
            let Some(sector) = lingkaran_domain::pricing::Sector::parse(sector.trim()) else {
                anyhow::bail!("--sector {sector:?}: transport atau other / transport or other");
            };
            let by = actor(&db, &by).await?;
            match workers::set_sector(&db, &nik, sector, &reason, by, crate::clock::now()).await? {
                Ok(from) => {
                    println!("sektor {from} → {}", sector.as_str());
                    Ok(ExitCode::SUCCESS)
                }
                Err(p) => {
                    eprintln!("{}\n{}", p.id, p.en);
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum LifecycleCmd {
    /// The month's step on its own (`cycle run` does it too): paid alone → mandiri, three
    /// unpaid months → lapsed, sponsorship just ended → back in the pool.
    Run {
        #[arg(long)]
        month: String,
        #[arg(long)]
        json: bool,
    },
    /// Record one month a worker paid alone.
    SelfPayment {
        #[arg(long)]
        nik: String,
        /// YYYY-MM.
        #[arg(long)]
        month: String,
        /// Whole rupiah.
        #[arg(long)]
        amount: i64,
        #[arg(long)]
        reference: Option<String>,
        /// The officer recording it (user id or username).
        #[arg(long)]
        by: String,
    },
    /// Import self-payments from the insurer's data: CSV `nik,bulan,iuran[,referensi]`.
    ImportSelfPayments {
        file: PathBuf,
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// A worker died or left: their future funded months stop and their money goes back.
    Stop {
        nik: String,
        #[arg(long, value_parser = ["deceased", "left"])]
        reason: String,
        /// The day it happened (YYYY-MM-DD).
        #[arg(long)]
        on: chrono::NaiveDate,
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Graduation: the share of sponsored workers paying alone 3, 6 and 12 months after.
    Graduation {
        /// The latest month whose payments are in (default: this month).
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_parser = ["donor", "region"], default_value = "donor")]
        by: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RemindersCmd {
    /// Queue the reminders due today (safe to run daily: each is queued once).
    Queue {
        /// Pretend today is this day (YYYY-MM-DD).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// Days before the end, comma-separated.
        #[arg(long, default_value = "30,7")]
        days: String,
        /// The service's public address, for the donor's extension link.
        #[arg(
            long,
            env = "LINGKARAN_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum OutboxCmd {
    /// Send every due message once (SMTP / SMS gateway, or files; see docs/messages.md).
    Send {
        #[arg(long, default_value_t = 1000)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// List messages, newest first.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

fn month_arg(s: &str) -> anyhow::Result<Month> {
    Month::parse(s).with_context(|| {
        format!("bulan \"{s}\" harus berbentuk TTTT-BB / the month must look like YYYY-MM")
    })
}

/// The user `--by` names: the command acts as them (the audit trail and the rows say so).
async fn actor(db: &Db, by: &str) -> anyhow::Result<Actor> {
    let id = users::user_id(db, by)
        .await?
        .with_context(|| format!("no user {by:?}: give a user id or username"))?;
    Ok(Actor::User(id))
}

fn print<T: serde::Serialize>(json: bool, v: &T, text: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string(v).unwrap_or_default());
    } else {
        println!("{}", text());
    }
}

pub async fn lifecycle(
    db_url: &str,
    config: &crate::config::Config,
    cmd: LifecycleCmd,
) -> anyhow::Result<ExitCode> {
    let db = open(db_url, config).await?;
    match cmd {
        LifecycleCmd::Run { month, json } => {
            let r =
                lifecycle::run(&db, month_arg(&month)?, Actor::Cli, crate::clock::now()).await?;
            print(json, &r, || {
                format!(
                    "{}: {} mandiri, {} tidak aktif (lapsed), {} kembali ke daftar tunggu",
                    r.month, r.mandiri, r.lapsed, r.back_to_pool
                )
            });
            Ok(ExitCode::SUCCESS)
        }
        LifecycleCmd::SelfPayment {
            nik,
            month,
            amount,
            reference,
            by,
        } => {
            let p = SelfPayment {
                nik: &nik,
                month: month_arg(&month)?,
                amount,
                source: "manual",
                reference: reference.as_deref(),
                today: crate::clock::today(),
            };
            let by = actor(&db, &by).await?;
            match lifecycle::record_self_payment(&db, &p, by, crate::clock::now()).await? {
                Ok(lifecycle::Recorded::New { status, .. }) => {
                    println!("dicatat; status pekerja: {status}");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(lifecycle::Recorded::Duplicate { .. }) => {
                    println!("sudah tercatat sebelumnya; tidak ada yang berubah");
                    Ok(ExitCode::SUCCESS)
                }
                Err(p) => {
                    eprintln!("{}\n{}", p.id, p.en);
                    Ok(ExitCode::from(1))
                }
            }
        }
        LifecycleCmd::ImportSelfPayments { file, by, json } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            if let Err(p) = lifecycle::self_payment_header(&text) {
                eprintln!("{}\n{}", p.id, p.en);
                return Ok(ExitCode::from(1));
            }
            let by = actor(&db, &by).await?;
            let now = crate::clock::now();
            let today = crate::clock::wib_date(now);
            let r = lifecycle::import_self_payments(&db, &text, None, by, today, now).await?;
            print(json, &r, || {
                let mut out = format!(
                    "{} dicatat, {} sudah ada, {} baris salah",
                    r.recorded,
                    r.duplicates,
                    r.errors.len()
                );
                for e in &r.errors {
                    out.push_str(&format!("\n  baris {}: {}", e.line, e.message));
                }
                out
            });
            Ok(if r.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        LifecycleCmd::Stop {
            nik,
            reason,
            on,
            by,
            json,
        } => {
            let by = actor(&db, &by).await?;
            let Some(worker) = workers::by_nik(&db, &nik).await?.map(|w| w.id) else {
                eprintln!("NIK ini tidak terdaftar / no worker has this NIK");
                return Ok(ExitCode::from(1));
            };
            let reason = if reason == "deceased" {
                StopReason::Deceased
            } else {
                StopReason::Left
            };
            match lifecycle::stop_worker(&db, worker, reason, on, None, by, crate::clock::now())
                .await?
            {
                Ok(s) => {
                    print(json, &s, || {
                        format!(
                            "{} bulan dihentikan; {} kembali ke kredit donatur, {} ke dana program",
                            s.months,
                            lingkaran_domain::format::rupiah(s.to_credit),
                            lingkaran_domain::format::rupiah(s.to_pool)
                        )
                    });
                    Ok(ExitCode::SUCCESS)
                }
                Err(p) => {
                    eprintln!("{}\n{}", p.id, p.en);
                    Ok(ExitCode::from(1))
                }
            }
        }
        LifecycleCmd::Graduation { as_of, by, json } => {
            let as_of = match as_of {
                Some(m) => month_arg(&m)?,
                None => Month::of(crate::clock::today()),
            };
            let by = if by == "region" {
                GraduationBy::Region
            } else {
                GraduationBy::Donor
            };
            let rows = lifecycle::graduation(&db, as_of, by).await?;
            print(json, &rows, || {
                let mut out = format!("kelulusan per {as_of}:");
                for g in &rows {
                    out.push_str(&format!("\n  {} ({} selesai disponsori):", g.name, g.ended));
                    for (k, n, paying) in &g.after {
                        out.push_str(&format!(" {k} bln {paying}/{n};"));
                    }
                }
                out
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn reminders(
    db_url: &str,
    config: &crate::config::Config,
    cmd: RemindersCmd,
) -> anyhow::Result<ExitCode> {
    let RemindersCmd::Queue {
        today,
        days,
        base_url,
        json,
    } = cmd;
    let days: Vec<i64> = days
        .split(',')
        .map(|d| d.trim().parse::<i64>())
        .collect::<Result<_, _>>()
        .context("--days must be numbers, e.g. 30,7")?;
    let db = open(db_url, config).await?;
    let today = today.unwrap_or_else(crate::clock::today);
    let r = reminders::queue(
        &db,
        today,
        &days,
        base_url.trim_end_matches('/'),
        crate::clock::now(),
    )
    .await?;
    print(json, &r, || {
        format!(
            "{} pekerja segera berakhir: {} pesan pekerja, {} e-mail donatur diantrikan ({} tanpa nomor HP, {} donatur tanpa e-mail)",
            r.ending, r.worker_messages, r.donor_messages, r.no_phone, r.no_email
        )
    });
    Ok(ExitCode::SUCCESS)
}

pub async fn outbox(
    db_url: &str,
    config: &crate::config::Config,
    cmd: OutboxCmd,
) -> anyhow::Result<ExitCode> {
    let db = open(db_url, config).await?;
    match cmd {
        OutboxCmd::Send { limit, json } => {
            let senders = crate::messages::Senders::from_config(config)?;
            let d = crate::messages::deliver_due(&db, &senders, limit).await?;
            print(json, &d, || {
                format!(
                    "{} terkirim, {} dicoba lagi nanti, {} gagal",
                    d.sent, d.retrying, d.failed
                )
            });
            Ok(ExitCode::SUCCESS)
        }
        OutboxCmd::List {
            status,
            limit,
            json,
        } => {
            let list = outbox::list(&db, status.as_deref(), limit).await?;
            print(json, &list, || {
                list.iter()
                    .map(|m| {
                        format!(
                            "#{} {} {} {} ({} attempts){}{}",
                            m.id,
                            m.status,
                            m.channel,
                            m.recipient,
                            m.attempts,
                            m.attachment
                                .as_ref()
                                .map(|a| format!(" + {} ({} bytes)", a.file_name, a.size))
                                .unwrap_or_default(),
                            m.last_error
                                .as_ref()
                                .map(|e| format!(": {e}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}
