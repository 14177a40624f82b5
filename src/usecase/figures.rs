//! Importing figures from outside for regions' coverage (issue 12 §1): a CSV or XLSX file of
//! participants, denominators, targets and published percentages, each row checked
//! (`lingkaran_formats::figures`) and reported like a worker list, the good ones stored with
//! their history (`db::figures`).

use super::{region_coverage, Ctx, Error};
use crate::auth::Principal;
use crate::auth::Role;
use crate::db::audit::Actor;
use crate::db::figures::{self, Stored};
use crate::db::Db;
use chrono::{DateTime, Utc};
use lingkaran_domain::Problem;
use lingkaran_formats::figures::{self as format, Figure, RowProblem, ROWS_MAX};
use lingkaran_formats::list::RowReader;
use std::path::Path;

/// The example file the project ships (`examples/angka-wilayah.csv`): Gresik's published
/// figures, and demo ones labelled as such. The demo imports it; the upload page offers it.
pub const EXAMPLE_CSV: &str = include_str!("../../examples/angka-wilayah.csv");

/// What an import did, row by row.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Data rows read (the header and blank lines not counted).
    pub rows: usize,
    pub stored: Stored,
    /// Every bad cell, with its line, column, value and reason.
    pub problems: Vec<RowProblem>,
}

fn file_problem(id: String, en: String) -> Error {
    Error::Invalid(vec![Problem::new("bad_figures_file", id, en)])
}

/// Reads `path` and stores its good rows. The whole file is refused only when it cannot be
/// read or its header is wrong; otherwise bad rows are reported and the others stored.
pub async fn import(
    db: &Db,
    path: &Path,
    name: &str,
    by: Actor,
    now: DateTime<Utc>,
) -> Result<Report, Error> {
    import_within(db, path, name, by, now, None).await
}

/// [`import`], keeping only the rows of regions `within` may reach (the nation only for an
/// admin); the others are reported as outside the importer's regions.
async fn import_within(
    db: &Db,
    path: &Path,
    name: &str,
    by: Actor,
    now: DateTime<Utc>,
    within: Option<&Principal>,
) -> Result<Report, Error> {
    let mut reader = RowReader::open(path).map_err(|e| {
        file_problem(
            format!("Berkas tidak dapat dibaca ({e})."),
            format!("The file cannot be read ({e})."),
        )
    })?;
    let header = match reader.next_row() {
        Some(Ok(row)) => format::header(&row.cells).map_err(|e| {
            file_problem(
                format!("Baris judul salah: {e}."),
                format!("Wrong header row: {e}."),
            )
        })?,
        Some(Err(e)) => {
            return Err(file_problem(
                format!("Berkas tidak dapat dibaca: {e}."),
                format!("The file cannot be read: {e}."),
            ))
        }
        None => {
            return Err(file_problem(
                "Berkas kosong.".into(),
                "The file is empty.".into(),
            ))
        }
    };
    let mut report = Report::default();
    let mut good: Vec<Figure> = Vec::new();
    while let Some(row) = reader.next_row() {
        let row = row.map_err(|e| {
            file_problem(
                format!("Berkas berhenti terbaca: {e}."),
                format!("The file stops being readable: {e}."),
            )
        })?;
        report.rows += 1;
        if report.rows > ROWS_MAX {
            return Err(file_problem(
                format!("Lebih dari {ROWS_MAX} baris: bagi berkas ini."),
                format!("More than {ROWS_MAX} rows: split the file."),
            ));
        }
        if row.unclosed_quote {
            report.problems.push(RowProblem {
                line: row.line,
                column: String::new(),
                value: String::new(),
                id: "tanda kutip (\") dibuka di baris ini dan tidak ditutup".into(),
                en: "a quote (\") opens on this line and is not closed on it".into(),
            });
            continue;
        }
        match format::row(&header, row.line, &row.cells) {
            Ok(f) if within.is_some_and(|p| !region_coverage::in_reach(p, &f.region)) => {
                report.problems.push(RowProblem {
                    line: f.line,
                    column: "kode_wilayah".into(),
                    value: f.region,
                    id: "wilayah ini di luar wilayah kerja Anda".into(),
                    en: "this region is outside your working area".into(),
                });
            }
            Ok(f) => good.push(f),
            Err(mut p) => report.problems.append(&mut p),
        }
    }
    report.stored = figures::store(db, &good, name, by, now).await?;
    for (line, code) in &report.stored.unknown_regions {
        report.problems.push(RowProblem {
            line: *line,
            column: "kode_wilayah".into(),
            value: code.clone(),
            id: "tidak ada wilayah dengan kode ini".into(),
            en: "no region has this code".into(),
        });
    }
    report.problems.sort_by_key(|p| p.line);
    Ok(report)
}

/// [`import`] for a signed-in admin or officer.
pub async fn import_as(ctx: Ctx<'_>, path: &Path, name: &str) -> Result<Report, Error> {
    let who = ctx.require(&[Role::Admin, Role::Officer])?;
    import_within(ctx.db, path, name, ctx.by(), ctx.clock.now(), Some(who)).await
}
