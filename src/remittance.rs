//! The remittance file of one month, programme and batch, as it is sent to BPJS
//! Ketenagakerjaan: `remit-YYYY-MM-<programme>[-<batch>].csv` (a header, one line per
//! worker-month: NIK, name, declared income, the programme's contribution, donor and donation
//! reference; and a totals line) and its JSON twin `.json` (format in docs/cycle.md).
//!
//! Files, not storage: the store streams the rows (`db::cycle::stream_rows`), this module
//! writes them, the use case (`usecase::cycle`) records what was written. Each row's fields
//! are borrowed from the row and go through one CSV writer and one JSON writer into buffered
//! files, so memory stays bounded whatever the month's size; the CSV's SHA-256 is taken of the
//! bytes as they are written. Both are written to temporary files, flushed to disk and then
//! renamed (and the directory synced), so a file that exists is whole and survives a power cut.

use crate::db::cycle::RemitRow;
use lingkaran_domain::rates::Month;
use lingkaran_domain::Rupiah;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A writer that hashes every byte it passes on.
struct Hashing<W> {
    inner: W,
    sha: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The file name of a batch: `remit-2026-05-JKK` for the first, `remit-2026-05-JKK-2` after.
pub fn file_stem(month: Month, programme: &str, batch: i64) -> String {
    if batch == 1 {
        format!("remit-{month}-{programme}")
    } else {
        format!("remit-{month}-{programme}-{batch}")
    }
}

/// What was written: the CSV's path, its lines (without header and totals), the total and
/// the CSV's SHA-256.
pub struct Written {
    pub path: PathBuf,
    pub lines: i64,
    pub total: i64,
    pub sha256: String,
}

/// A remittance file being written.
pub struct RemittanceFile {
    dir: PathBuf,
    path: PathBuf,
    tmp: PathBuf,
    json_path: PathBuf,
    json_tmp: PathBuf,
    csv: csv::Writer<Hashing<BufWriter<File>>>,
    json: BufWriter<File>,
    amount_key: String,
    lines: i64,
    total: Rupiah,
    /// Numbers are formatted into this one buffer, reused for every field.
    num: Vec<u8>,
}

impl RemittanceFile {
    pub fn create(
        dir: &Path,
        month: Month,
        programme: &str,
        batch: i64,
    ) -> anyhow::Result<RemittanceFile> {
        std::fs::create_dir_all(dir)?;
        let stem = file_stem(month, programme, batch);
        let tmp = dir.join(format!(".{stem}.csv.tmp"));
        let json_tmp = dir.join(format!(".{stem}.json.tmp"));
        let file = Hashing {
            // Whole NIKs: readable by the service's user only (docs/privacy.md).
            inner: BufWriter::with_capacity(1 << 16, crate::config::private_create(&tmp)?),
            sha: Sha256::new(),
        };
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .buffer_capacity(1 << 16)
            .from_writer(file);
        let amount_key = programme.to_lowercase();
        csv.write_record(["nik", "nama", "upah", &amount_key, "donatur", "donasi"])?;
        let mut json = BufWriter::with_capacity(1 << 16, crate::config::private_create(&json_tmp)?);
        write!(
            json,
            "{{\"bulan\":\"{month}\",\"program\":\"{programme}\",\"setoran\":{batch},\"baris\":["
        )?;
        Ok(RemittanceFile {
            dir: dir.to_path_buf(),
            path: dir.join(format!("{stem}.csv")),
            tmp,
            json_path: dir.join(format!("{stem}.json")),
            json_tmp,
            csv,
            json,
            amount_key,
            lines: 0,
            total: Rupiah::ZERO,
            num: Vec::with_capacity(32),
        })
    }

    /// One worker-month.
    pub fn row(&mut self, r: &RemitRow<'_>) -> anyhow::Result<()> {
        let contribution = Rupiah::new(r.contribution)?;
        self.total = self.total.checked_add(contribution)?;
        let out = &mut self.csv;
        let num = &mut self.num;
        // Text cells through `csv_text` (a name cannot start like a formula, but a file sent
        // to the insurer must never carry one); numbers are written as numbers, so a
        // negative amount stays a number.
        use lingkaran_domain::fields::csv_text;
        out.write_field(csv_text(r.nik).as_bytes())?;
        out.write_field(csv_text(r.name).as_bytes())?;
        num.clear();
        write!(num, "{}", r.income)?;
        out.write_field(&*num)?;
        num.clear();
        write!(num, "{}", r.contribution)?;
        out.write_field(&*num)?;
        out.write_field(csv_text(r.donor).as_bytes())?;
        num.clear();
        write!(num, "DON-{}", r.donation)?;
        out.write_field(&*num)?;
        out.write_record(None::<&[u8]>)?;
        let json = &mut self.json;
        if self.lines > 0 {
            json.write_all(b",")?;
        }
        json.write_all(b"\n{\"nik\":")?;
        serde_json::to_writer(&mut *json, r.nik)?;
        json.write_all(b",\"nama\":")?;
        serde_json::to_writer(&mut *json, r.name)?;
        write!(
            json,
            ",\"upah\":{},\"{}\":{},\"donatur\":",
            r.income, self.amount_key, r.contribution
        )?;
        serde_json::to_writer(&mut *json, r.donor)?;
        write!(json, ",\"donasi\":\"DON-{}\"}}", r.donation)?;
        self.lines += 1;
        Ok(())
    }

    /// Writes the totals, puts both files on disk and gives them their names.
    pub fn finish(mut self) -> anyhow::Result<Written> {
        let (lines, total) = (self.lines, self.total.get());
        self.csv
            .write_record(["TOTAL", &lines.to_string(), "", &total.to_string(), "", ""])?;
        let mut file = self.csv.into_inner().map_err(|e| e.into_error())?;
        file.flush()?;
        let sha256 = hex::encode(file.sha.finalize());
        let csv = file.inner.into_inner().map_err(|e| e.into_error())?;
        csv.sync_all()?;
        writeln!(
            self.json,
            "\n],\"jumlah_baris\":{lines},\"total\":{total}}}"
        )?;
        let json = self.json.into_inner().map_err(|e| e.into_error())?;
        json.sync_all()?;
        std::fs::rename(&self.json_tmp, &self.json_path)?;
        std::fs::rename(&self.tmp, &self.path)?;
        // The renames are durable only once the directory is on disk too.
        File::open(&self.dir)?.sync_all()?;
        Ok(Written {
            path: self.path,
            lines,
            total,
            sha256,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file for the insurer never carries a live formula, and its numbers stay numbers.
    #[test]
    fn text_cells_are_neutralised_and_numbers_kept() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let month = Month::new(2026, 12).ok_or_else(|| anyhow::anyhow!("month"))?;
        let mut f = RemittanceFile::create(dir.path(), month, "JKK", 1)?;
        f.row(&RemitRow {
            nik: "3525011203850001",
            name: "=HYPERLINK(\"http://x\";\"klik\")",
            income: -5000,
            contribution: 16_800,
            donor: "@Kantor",
            donation: 7,
        })?;
        let w = f.finish()?;
        let text = std::fs::read_to_string(&w.path)?;
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let row = r
            .records()
            .next()
            .ok_or_else(|| anyhow::anyhow!("no row"))??;
        let cells: Vec<&str> = row.iter().collect();
        assert_eq!(
            cells,
            [
                "3525011203850001",
                "'=HYPERLINK(\"http://x\";\"klik\")",
                "-5000",
                "16800",
                "'@Kantor",
                "DON-7"
            ]
        );
        Ok(())
    }
}
