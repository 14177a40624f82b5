//! Bulk import of a proposer's list of workers. Streams: rows are read, checked and stored
//! in batches, so a file of a million rows is never held in memory.
//!
//! A reader thread parses and validates (CPU) while the caller's task writes batches (I/O),
//! joined by a bounded channel.

pub use lingkaran_formats::list as reader;

use crate::clock::Clock;
use crate::db::imports::{self, ErrorRow, ImportRecord, Pending, Submitter};
use crate::db::Db;
use crate::regions::RegionTable;
use chrono::NaiveDate;
use lingkaran_domain::region;
use lingkaran_domain::worker::{self, Eligibility, RawWorker, COLUMNS};
use lingkaran_domain::Problem;
use lingkaran_formats::list::RowReader;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A problem with the file as a whole: nothing was imported.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .0.en)]
pub struct FileError(pub Problem);

/// The answer to an upload, as the API and the CLI print it.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub import: ImportRecord,
    /// True when these exact bytes were imported before: nothing new was stored.
    pub already_imported: bool,
}

/// SHA-256 of a file, read in blocks.
pub fn file_hash(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Which canonical column each position holds, from the header row.
struct Header {
    positions: Vec<Option<usize>>,
    ignored: Vec<String>,
}

fn read_header(cells: &[String]) -> Result<Header, FileError> {
    let positions: Vec<Option<usize>> =
        cells.iter().map(|c| worker::column_for_header(c)).collect();
    let ignored: Vec<String> = cells
        .iter()
        .zip(&positions)
        .filter(|(c, p)| p.is_none() && !c.trim().is_empty())
        .map(|(c, _)| c.trim().to_string())
        .collect();
    let expected: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    let looks_like_data = cells
        .first()
        .is_some_and(|c| c.chars().filter(char::is_ascii_digit).count() >= 10);
    if looks_like_data {
        return Err(FileError(Problem::new(
            "missing_header",
            format!(
                "Baris pertama berisi data, bukan judul kolom. Tambahkan baris judul: {}.",
                expected.join(",")
            ),
            format!(
                "The first row holds data, not column names. Add a header row: {}.",
                expected.join(",")
            ),
        )));
    }
    // nik, nama, kode_desa and pekerjaan are required; the rest may be left out.
    let required = [0usize, 1, 4, 6];
    let missing: Vec<&str> = required
        .iter()
        .filter(|r| !positions.contains(&Some(**r)))
        .map(|r| COLUMNS[*r].0)
        .collect();
    if !missing.is_empty() {
        return Err(FileError(Problem::new(
            "wrong_header",
            format!(
                "Kolom wajib tidak ditemukan: {}. Judul kolom yang dikenal: {} (atau dalam bahasa Inggris: {}).",
                missing.join(", "),
                expected.join(","),
                COLUMNS.iter().map(|c| c.1).collect::<Vec<_>>().join(",")
            ),
            format!(
                "Required columns not found: {}. Known headers: {} (or in English: {}).",
                missing.join(", "),
                expected.join(","),
                COLUMNS.iter().map(|c| c.1).collect::<Vec<_>>().join(",")
            ),
        )));
    }
    Ok(Header { positions, ignored })
}

fn raw_worker(header: &Header, cells: &[String]) -> RawWorker {
    let mut raw = RawWorker::default();
    for (cell, pos) in cells.iter().zip(&header.positions) {
        let slot = match pos {
            Some(0) => &mut raw.nik,
            Some(1) => &mut raw.name,
            Some(2) => &mut raw.sex,
            Some(3) => &mut raw.birth_date,
            Some(4) => &mut raw.village_code,
            Some(5) => &mut raw.phone,
            Some(6) => &mut raw.occupation,
            Some(7) => &mut raw.income,
            Some(8) => &mut raw.decile,
            _ => continue,
        };
        slot.clone_from(cell);
    }
    raw
}

/// A batch as the reader thread hands it over.
#[derive(Default)]
struct Batch {
    pending: Vec<Pending>,
    invalid: Vec<ErrorRow>,
    invalid_rows: i64,
    duplicate_rows: i64,
}

enum Msg {
    Batch(Batch),
    Fatal(Problem),
}

/// Opens the file and reads its header: file-level problems (empty, no header, unreadable)
/// are found here, before an import record exists.
fn open(path: &Path) -> Result<(RowReader, Header), FileError> {
    let mut reader = RowReader::open(path).map_err(|e| {
        FileError(Problem::new(
            "unreadable",
            format!("Berkas tidak dapat dibaca: {e}"),
            format!("The file cannot be read: {e}"),
        ))
    })?;
    let header = match reader.next_row() {
        None => {
            return Err(FileError(Problem::new(
                "empty_file",
                "Berkas kosong: tidak ada judul kolom maupun data.",
                "The file is empty: no header and no rows.",
            )))
        }
        Some(Err(e)) => {
            return Err(FileError(Problem::new(
                "unreadable",
                format!("Berkas tidak dapat dibaca sebagai CSV atau XLSX ({e})."),
                format!("The file cannot be read as CSV or XLSX ({e})."),
            )))
        }
        Some(Ok(row)) => read_header(&row.cells)?,
    };
    Ok((reader, header))
}

/// Imports `path` for `who`. `clock` says the day the rows are checked against and when each
/// step is recorded (an import of a million rows takes a while: it finishes later than it
/// starts).
pub async fn run(
    db: &Db,
    path: PathBuf,
    file_name: &str,
    who: Submitter,
    clock: &dyn Clock,
) -> anyhow::Result<Result<ImportReport, FileError>> {
    run_in_batches(db, path, file_name, who, clock, db.batch_rows()).await
}

/// An import record made for an uploaded file whose header reads, and whether its rows are
/// still to be stored.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub import: ImportRecord,
    /// These exact bytes were imported before (finished): nothing is to be done. (An import
    /// that failed or did not finish is run again.)
    pub already_imported: bool,
}

/// The quick part of an import, answered while the uploader waits: hashes the file, reads its
/// header (a file that cannot be read at all is refused here, before any record exists) and
/// makes the import record, or finds the one of the same bytes uploaded before.
pub async fn prepare(
    db: &Db,
    path: &Path,
    file_name: &str,
    who: Submitter,
    clock: &dyn Clock,
) -> anyhow::Result<Result<Prepared, FileError>> {
    let hash = {
        let p = path.to_path_buf();
        tokio::task::spawn_blocking(move || file_hash(&p)).await??
    };
    {
        let p = path.to_path_buf();
        if let Err(e) = tokio::task::spawn_blocking(move || open(&p)).await? {
            return Ok(Err(e));
        }
    }
    let (record, is_new) = imports::create_or_find(
        db,
        who.organisation_id,
        who.user_id,
        file_name,
        &hash,
        clock.now(),
    )
    .await?;
    let already_imported = !is_new && record.status == "done";
    if already_imported {
        tracing::info!(
            import.id = record.id,
            "same file uploaded again; nothing new stored"
        );
    }
    Ok(Ok(Prepared {
        import: record,
        already_imported,
    }))
}

/// [`run`] with a chosen number of rows per transaction (tests use small ones to cross
/// batch boundaries): [`prepare`], then [`execute`], in this task.
pub async fn run_in_batches(
    db: &Db,
    path: PathBuf,
    file_name: &str,
    who: Submitter,
    clock: &dyn Clock,
    batch_rows: usize,
) -> anyhow::Result<Result<ImportReport, FileError>> {
    let prepared = match prepare(db, &path, file_name, who, clock).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    if prepared.already_imported {
        return Ok(Ok(ImportReport {
            import: prepared.import,
            already_imported: true,
        }));
    }
    execute(db, prepared.import.id, path, clock, batch_rows, |_| {}).await
}

/// The long part: reads every row of `path` and stores them for import `import_id`, made by
/// [`prepare`], calling `progress` with the rows done after each batch. Safe to run again
/// (an import job resumed after its server died): an import not finished is started over,
/// its report rebuilt, and the workers it stored before are found by NIK and counted as its
/// own, so nothing is stored twice. A finished import is left as it is.
pub async fn execute(
    db: &Db,
    import_id: i64,
    path: PathBuf,
    clock: &dyn Clock,
    batch_rows: usize,
    mut progress: impl FnMut(i64),
) -> anyhow::Result<Result<ImportReport, FileError>> {
    let batch_rows = batch_rows.max(1);
    let today = clock.today();
    let record = imports::get(db, import_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("import {import_id} not found"))?;
    if record.status == "done" {
        return Ok(Ok(ImportReport {
            import: record,
            already_imported: true,
        }));
    }
    if record.rows_total > 0 {
        tracing::warn!(
            import.id = record.id,
            "re-running an import that did not finish"
        );
    }
    imports::reset_for_rerun(db, record.id).await?;
    let (reader, header) = {
        let p = path.clone();
        match tokio::task::spawn_blocking(move || open(&p)).await? {
            Ok(x) => x,
            Err(e) => return Ok(Err(e)),
        }
    };
    let who = Submitter {
        organisation_id: record.organisation_id,
        user_id: record.uploaded_by,
        import_id: Some(record.id),
    };
    let rules = crate::db::workers::eligibility(db).await?.rules();
    let area = crate::db::users::organisation(db, who.organisation_id)
        .await?
        .map(|o| o.region_code)
        .ok_or_else(|| anyhow::anyhow!("organisation {} not found", who.organisation_id))?;
    let ignored = header.ignored.clone();
    // One batch waits while one is written: parsing overlaps writing, memory stays bounded.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(1);
    let parse = tokio::task::spawn_blocking(move || {
        parse_rows(reader, header, today, rules, &area, batch_rows, tx)
    });

    let started = std::time::Instant::now();
    let mut failure: Option<Problem> = None;
    let mut done = 0i64;
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Batch(b) => {
                let out = imports::write_batch(
                    db,
                    who,
                    &b.pending,
                    b.invalid,
                    b.invalid_rows,
                    b.duplicate_rows,
                    clock.now(),
                )
                .await?;
                done += out.rows;
                progress(done);
            }
            Msg::Fatal(p) => failure = Some(p),
        }
    }
    let file_notes = parse.await?;
    let mut notes = Vec::new();
    if file_notes.latin1 {
        notes.push(Problem::new(
            "latin1",
            "Berkas bukan UTF-8; dibaca sebagai Latin-1 (Windows-1252). Periksa huruf beraksen pada nama.",
            "The file is not UTF-8; it was read as Latin-1 (Windows-1252). Check accented letters in names.",
        ));
    }
    if file_notes.utf16 {
        notes.push(Problem::new(
            "utf16",
            "Berkas ini UTF-16 (\"Unicode text\" dari Excel); dibaca sebagai UTF-16.",
            "This file is UTF-16 (Excel's \"Unicode text\"); it was read as UTF-16.",
        ));
    }
    if file_notes.delimiter == Some(';') {
        notes.push(Problem::new(
            "semicolon",
            "Pemisah kolom titik koma (;) dikenali.",
            "Semicolon (;) column separator recognised.",
        ));
    }
    if !ignored.is_empty() {
        notes.push(Problem::new(
            "ignored_columns",
            format!(
                "Kolom berikut tidak dikenal dan diabaikan: {}.",
                ignored.join(", ")
            ),
            format!(
                "These columns are not known and were ignored: {}.",
                ignored.join(", ")
            ),
        ));
    }
    if let Some(f) = &failure {
        notes.push(f.clone());
    }
    let status = if failure.is_some() { "failed" } else { "done" };
    let stored: Vec<imports::Note> = notes.iter().map(imports::Note::from).collect();
    let notice = serde_json::to_string(&stored)?;
    imports::finish(
        db,
        record.id,
        status,
        Some(notice.as_str()),
        crate::db::audit::Actor::User(who.user_id),
        clock.now(),
    )
    .await?;
    let import = imports::get(db, record.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("import vanished"))?;
    tracing::info!(
        import.id = import.id,
        rows = import.rows_total,
        accepted = import.accepted,
        rejected = import.rejected,
        duplicates = import.duplicates,
        duration_ms = started.elapsed().as_millis() as u64,
        "import finished"
    );
    Ok(Ok(ImportReport {
        import,
        already_imported: false,
    }))
}

/// The reader thread: parse, validate and de-duplicate within the file, hand over batches.
fn parse_rows(
    mut reader: RowReader,
    header: Header,
    today: NaiveDate,
    rules: Eligibility,
    area: &str,
    batch_rows: usize,
    tx: tokio::sync::mpsc::Sender<Msg>,
) -> reader::FileNotes {
    let regions = RegionTable::get();
    // NIK (as a number) → first line it appeared on. 16 bytes a row: 16 MB for a million.
    let mut seen: HashMap<u64, i64> = HashMap::new();
    let mut batch = Batch {
        pending: Vec::with_capacity(batch_rows),
        ..Batch::default()
    };
    let mut rows_in_batch = 0usize;
    while let Some(item) = reader.next_row() {
        let row = match item {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.blocking_send(Msg::Batch(std::mem::take(&mut batch)));
                let _ = tx.blocking_send(Msg::Fatal(Problem::new(
                    "unreadable",
                    format!("Berkas rusak dan berhenti terbaca di {e}. Baris sebelumnya sudah diproses."),
                    format!("The file is damaged and stopped being readable at {e}. Earlier rows were processed."),
                )));
                return reader.notes;
            }
        };
        rows_in_batch += 1;
        if row.unclosed_quote {
            // The row cannot be read; the next line is read as the next row, so nothing
            // after it is lost.
            batch.invalid_rows += 1;
            batch.invalid.push(ErrorRow::error(
                row.line,
                "",
                "",
                &Problem::new(
                    "unclosed_quote",
                    format!(
                        "Tanda kutip (\") dibuka di baris {} dan tidak ditutup di baris itu. Tutup tanda kutipnya atau hapus.",
                        row.line
                    ),
                    format!(
                        "A quote (\") opens on line {} and is not closed on that line. Close the quote or remove it.",
                        row.line
                    ),
                ),
            ));
            continue;
        }
        let raw = raw_worker(&header, &row.cells);
        match worker::validate(&raw, today, regions, rules) {
            Ok(w) if !region::within(&w.village_code, area) => {
                batch.invalid_rows += 1;
                batch.invalid.push(ErrorRow::error(
                    row.line,
                    "kode_desa",
                    &raw.village_code,
                    &Problem::new(
                        "out_of_area",
                        format!(
                            "Desa {} di luar wilayah lembaga Anda ({area}).",
                            w.village_code
                        ),
                        format!(
                            "Village {} is outside your organisation's region ({area}).",
                            w.village_code
                        ),
                    ),
                ));
            }
            Ok(w) => {
                let key: u64 = w.nik.to_string().parse().unwrap_or(0);
                if let Some(first) = seen.get(&key) {
                    batch.duplicate_rows += 1;
                    batch.invalid.push(ErrorRow::error(
                        row.line,
                        "nik",
                        &raw.nik,
                        &Problem::new(
                            "duplicate_in_file",
                            format!("NIK ini sudah ada di baris {first} berkas yang sama. Baris ini tidak disimpan."),
                            format!("This NIK already appears on line {first} of the same file. This row was not stored."),
                        ),
                    ));
                } else {
                    seen.insert(key, row.line);
                    for p in &w.nik_warnings {
                        batch
                            .invalid
                            .push(ErrorRow::warning(row.line, "nik", &raw.nik, p));
                    }
                    batch.pending.push(Pending {
                        line: row.line,
                        worker: w,
                    });
                }
            }
            Err(problems) => {
                batch.invalid_rows += 1;
                for fp in problems {
                    batch.invalid.push(ErrorRow::error(
                        row.line,
                        fp.column,
                        &fp.value,
                        &fp.problem,
                    ));
                }
            }
        }
        if rows_in_batch >= batch_rows {
            rows_in_batch = 0;
            let full = std::mem::replace(
                &mut batch,
                Batch {
                    pending: Vec::with_capacity(batch_rows),
                    ..Batch::default()
                },
            );
            if tx.blocking_send(Msg::Batch(full)).is_err() {
                return reader.notes;
            }
        }
    }
    if rows_in_batch > 0 {
        let _ = tx.blocking_send(Msg::Batch(batch));
    }
    reader.notes
}
