//! `lingkaran figures …`: figures from outside for regions' coverage.

use super::open;
use crate::db::audit::Actor;
use crate::wire;
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum FiguresCmd {
    /// Import a CSV or XLSX file with the header
    /// `kode_wilayah,tanggal,ukuran,nilai,definisi,sumber` (or
    /// `region_code,date,measure,value,definition,source`). Bad rows are reported with their
    /// line, column, value and reason; the others are stored. Exits 1 when a row was bad.
    Import {
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(
    db_url: &str,
    config: &crate::config::Config,
    cmd: FiguresCmd,
) -> anyhow::Result<ExitCode> {
    match cmd {
        FiguresCmd::Import { file, json } => {
            let db = open(db_url, config).await?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let report =
                crate::usecase::figures::import(&db, &file, &name, Actor::Cli, crate::clock::now())
                    .await
                    .map_err(super::refused)?;
            let shown = wire::FiguresImport::of(&report);
            if json {
                println!("{}", serde_json::to_string(&shown)?);
            } else {
                println!(
                    "{} baris: {} baru, {} koreksi, {} sama seperti sebelumnya, {} salah / {} rows: {} new, {} corrected, {} unchanged, {} wrong",
                    shown.rows, shown.added, shown.corrected, shown.unchanged, shown.errors.len(),
                    shown.rows, shown.added, shown.corrected, shown.unchanged, shown.errors.len(),
                );
                for e in &shown.errors {
                    println!(
                        "  baris {} kolom {} \"{}\": {}",
                        e.line, e.column, e.value, e.message
                    );
                }
            }
            Ok(if shown.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// `lingkaran coverage region CODE [--on DAY] [--json]`.
pub async fn coverage(
    db: &crate::db::Db,
    code: &str,
    day: chrono::NaiveDate,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let c = crate::usecase::region_coverage::of(db, code, day)
        .await
        .map_err(super::refused)?;
    let shown = wire::RegionCoverage::of(&c);
    if json {
        println!("{}", serde_json::to_string(&shown)?);
        return Ok(ExitCode::SUCCESS);
    }
    let a = &c.assessment;
    let name = shown.region.name.as_deref().unwrap_or(code);
    let day_text = lingkaran_domain::format::date(day, "id");
    match (a.share, a.definition.as_deref()) {
        (Some(share), Some(def)) => println!(
            "{name} pada {day_text}: cakupan {} = {} peserta ÷ {} {}",
            share.percent_text("id"),
            lingkaran_domain::format::count(share.num),
            lingkaran_domain::format::count(share.den),
            lingkaran_domain::share::definition::name(def, "id"),
        ),
        _ => println!("{name} pada {day_text}: cakupan belum dapat dihitung"),
    }
    if let (Some(t), Some(people), Some(gap)) = (a.target, a.target_people, a.gap) {
        println!(
            "  target {} = {} orang; kurang {} orang",
            t.text("id"),
            lingkaran_domain::format::count(people),
            lingkaran_domain::format::count(gap)
        );
    }
    println!(
        "  GN Lingkaran: {} pekerja dibiayai donatur, {} membayar sendiri{}",
        lingkaran_domain::format::count(c.sponsored.total),
        lingkaran_domain::format::count(c.sponsored.self_paying),
        c.points_added
            .map(|p| format!(
                " (+{} poin)",
                lingkaran_domain::share::hundredths_text((p + 50) / 100, "id")
                    .trim_end_matches('%')
            ))
            .unwrap_or_default()
    );
    for w in &a.warnings {
        println!("  ! {}", w.id);
    }
    Ok(ExitCode::SUCCESS)
}
