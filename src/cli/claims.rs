//! `lingkaran claims …`: claims after an accident or a death (issue 13).

use crate::wire;
use lingkaran_domain::benefits::{parse_percent, Case, Kind};
use lingkaran_domain::Problem;
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum ClaimsCmd {
    /// What the law gives for an event, by the rules in force on its date (docs/claims.md):
    /// the amounts line by line with their sources, whether the claim still holds, and whether
    /// the children's scholarship applies. Medical care and the scholarship are not in the
    /// total. Exits 2 when an input is wrong, naming it.
    Estimate {
        /// jkm, jkk-death, jkk-total-disability, jkk-partial or jkk-stmb.
        #[arg(long)]
        kind: String,
        /// The day of the accident or death, YYYY-MM-DD.
        #[arg(long)]
        event: chrono::NaiveDate,
        /// Declared monthly income in whole rupiah.
        #[arg(long)]
        income: i64,
        /// Months of the current membership up to the event's month (a payment after 3 unpaid
        /// months starts a new one).
        #[arg(long)]
        membership_months: u32,
        /// Months paid in all, sponsored and self-paid.
        #[arg(long)]
        paid_months: u32,
        /// jkk-partial: the body part's percentage (PP 44/2015 Lampiran III, or as BPJS
        /// decided), e.g. 40 or 33,33.
        #[arg(long)]
        body_pct: Option<String>,
        /// jkk-partial: the loss of function in percent (a functional disability).
        #[arg(long)]
        function_loss_pct: Option<String>,
        /// jkk-stmb: months unable to work.
        #[arg(long)]
        months_unable: Option<u32>,
        /// The day the claim is made (default: today in WIB, for a past event); a JKK claim
        /// holds 5 years.
        #[arg(long)]
        filed: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: ClaimsCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ClaimsCmd::Estimate {
            kind,
            event,
            income,
            membership_months,
            paid_months,
            body_pct,
            function_loss_pct,
            months_unable,
            filed,
            json,
        } => {
            let mut problems: Vec<Problem> = Vec::new();
            let parsed_kind = Kind::parse(&kind);
            if parsed_kind.is_none() {
                problems.push(Problem::new(
                    "bad_kind",
                    format!(
                        "Jenis \"{kind}\" tidak dikenal: pakai jkm, jkk-death, jkk-total-disability, jkk-partial atau jkk-stmb."
                    ),
                    format!(
                        "Unknown kind \"{kind}\": use jkm, jkk-death, jkk-total-disability, jkk-partial or jkk-stmb."
                    ),
                ));
            }
            let mut pct = |name: &str, text: Option<String>| {
                let text = text?;
                let bp = parse_percent(&text);
                if bp.is_none() {
                    problems.push(Problem::new(
                        "bad_percentage",
                        format!("{name} \"{text}\" bukan persentase (misalnya 40 atau 33,33)."),
                        format!("{name} \"{text}\" is not a percentage (e.g. 40 or 33.33)."),
                    ));
                }
                bp
            };
            let body_bp = pct("--body-pct", body_pct);
            let function_loss_bp = pct("--function-loss-pct", function_loss_pct);
            let answer = match parsed_kind {
                Some(kind) => crate::usecase::benefits::estimate(&Case {
                    kind,
                    event,
                    income,
                    membership_months,
                    paid_months,
                    body_bp,
                    function_loss_bp,
                    months_unable,
                    // Not given: today, for an event already past (a future event is
                    // asked about before anything can be filed).
                    filed: filed.or_else(|| Some(crate::clock::today()).filter(|t| *t >= event)),
                })
                .map(Some),
                None => Ok(None),
            };
            // Every problem at once: the ones read here, then the estimate's (without asking
            // again for a percentage already said to be unreadable).
            let answer = match answer {
                Ok(Some(e)) if problems.is_empty() => Ok(e),
                Ok(_) => Err(problems),
                Err(more) => {
                    let unread = !problems.is_empty();
                    problems.extend(
                        more.into_iter()
                            .filter(|p| !(unread && p.code == "missing_body_pct")),
                    );
                    Err(problems)
                }
            };
            let estimate = match answer {
                Ok(e) => e,
                Err(problems) => {
                    if json {
                        let shown: Vec<_> = problems.iter().map(wire::problem_json).collect();
                        println!("{}", serde_json::json!({ "errors": shown }));
                    } else {
                        for p in &problems {
                            eprintln!("{}\n  {}", p.id, p.en);
                        }
                    }
                    return Ok(ExitCode::from(2));
                }
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&wire::BenefitEstimate::of(&estimate))?
                );
                return Ok(ExitCode::SUCCESS);
            }
            let rp = lingkaran_domain::format::rupiah;
            println!(
                "{} — kejadian {}",
                estimate.kind.label("id"),
                lingkaran_domain::format::date(event, "id")
            );
            for l in &estimate.lines {
                println!("  {:<32} {:>16}   {}", l.code, rp(l.amount), l.source);
            }
            println!("  {:<32} {:>16}", "jumlah", rp(estimate.total));
            for c in &estimate.ceilings {
                println!("  {:<32} paling banyak {}", c.code, rp(c.amount));
            }
            if estimate.scholarship_eligible {
                println!(
                    "  beasiswa anak: berhak, paling banyak {} (tidak termasuk jumlah di atas)",
                    rp(estimate.scholarship_max)
                );
            }
            if !estimate.eligible {
                println!("  TIDAK BERHAK / not eligible");
            }
            for r in &estimate.reasons {
                println!("  - {}", r.id);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
