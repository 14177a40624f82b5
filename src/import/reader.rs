//! Reads a proposer's list as a stream of text rows, whatever the file is: CSV (UTF-8 with or
//! without BOM, or Latin-1/Windows-1252 as old Excel saves it; `,`, `;` or tab separated) or
//! XLSX. Nothing here knows what the columns mean.

use calamine::{DataRef, Reader, Xlsx};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// One non-blank row and its 1-based line (CSV) or row number (XLSX).
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: i64,
    pub cells: Vec<String>,
}

/// What the reader noticed about the file as a whole, for the report.
#[derive(Debug, Clone, Default)]
pub struct FileNotes {
    pub format: &'static str,
    pub delimiter: Option<char>,
    pub had_bom: bool,
    /// Some text was not UTF-8 and was read as Windows-1252 (a superset of Latin-1).
    pub latin1: bool,
}

pub enum Rows {
    Csv(csv::Reader<Box<dyn Read + Send>>, csv::ByteRecord),
    /// XLSX rows are read up front by a streaming cell reader into this channel, because the
    /// cell reader borrows the workbook.
    Xlsx(std::sync::mpsc::IntoIter<Result<RawRow, String>>),
}

pub struct RowReader {
    pub notes: FileNotes,
    rows: Rows,
    lines: LineCounter,
}

/// Byte offsets of the newlines read so far, consumed as records pass them. The csv crate's
/// own line count skips blank lines, but a clerk looks for the line as their editor
/// numbers it, blank lines included.
#[derive(Clone, Default)]
struct LineCounter {
    newlines: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<u64>>>,
    passed: i64,
}

impl LineCounter {
    /// The 1-based line on which the byte at `offset` lies.
    fn line_at(&mut self, offset: u64) -> i64 {
        if let Ok(mut q) = self.newlines.lock() {
            while q.front().is_some_and(|nl| *nl < offset) {
                q.pop_front();
                self.passed += 1;
            }
        }
        self.passed + 1
    }
}

/// A reader that notes where each newline is as the bytes go by.
struct Counting<R> {
    inner: R,
    offset: u64,
    lines: LineCounter,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut q) = self.lines.newlines.lock() {
            for (i, b) in buf[..n].iter().enumerate() {
                if *b == b'\n' {
                    q.push_back(self.offset + i as u64);
                }
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// An XLSX file is a zip archive.
fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

impl RowReader {
    pub fn open(path: &Path) -> std::io::Result<RowReader> {
        let mut head = [0u8; 8192];
        let n = {
            let mut f = File::open(path)?;
            read_up_to(&mut f, &mut head)?
        };
        let head = &head[..n];
        if is_zip(head) {
            return Ok(RowReader {
                notes: FileNotes {
                    format: "xlsx",
                    ..FileNotes::default()
                },
                rows: Rows::Xlsx(xlsx_rows(path.to_path_buf())),
                lines: LineCounter::default(),
            });
        }
        let had_bom = head.starts_with(b"\xEF\xBB\xBF");
        let delimiter = sniff_delimiter(head);
        let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
        if had_bom {
            let mut bom = [0u8; 3];
            file.read_exact(&mut bom)?;
        }
        let lines = LineCounter::default();
        // Offsets count from after the BOM, as the csv reader's do.
        let reader: Box<dyn Read + Send> = Box::new(Counting {
            inner: file,
            offset: 0,
            lines: lines.clone(),
        });
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(reader);
        Ok(RowReader {
            notes: FileNotes {
                format: "csv",
                delimiter: Some(char::from(delimiter)),
                had_bom,
                latin1: false,
            },
            rows: Rows::Csv(csv, csv::ByteRecord::new()),
            lines,
        })
    }

    /// The next non-blank row, or an error that names the line where the file stopped being
    /// readable.
    pub fn next_row(&mut self) -> Option<Result<RawRow, String>> {
        loop {
            let item = match &mut self.rows {
                Rows::Csv(reader, rec) => match reader.read_byte_record(rec) {
                    Ok(false) => return None,
                    Ok(true) => {
                        // The reader now stands just past the record's terminator (or at the
                        // end of the file); the record ends on the line of the byte before.
                        let end = reader.position().byte();
                        let line = self.lines.line_at(end.saturating_sub(1));
                        let mut cells = Vec::with_capacity(rec.len());
                        for field in rec.iter() {
                            match std::str::from_utf8(field) {
                                Ok(s) => cells.push(s.to_string()),
                                Err(_) => {
                                    self.notes.latin1 = true;
                                    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(field);
                                    cells.push(text.into_owned());
                                }
                            }
                        }
                        Ok(RawRow { line, cells })
                    }
                    Err(e) => Err(csv_error(&e)),
                },
                Rows::Xlsx(rows) => rows.next()?,
            };
            match item {
                Ok(row) if row.cells.iter().all(|c| c.trim().is_empty()) => continue,
                other => return Some(other),
            }
        }
    }
}

fn read_up_to(f: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = f.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

/// The delimiter of the first non-blank line: whichever of `;`, tab and `,` occurs most
/// outside quotes. Excel in an Indonesian locale saves CSV with `;`.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = text
        .split(|b| *b == b'\n')
        .find(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .unwrap_or(&[]);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first {
        if *b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == *b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map_or(b',', |c| c.0)
}

fn csv_error(e: &csv::Error) -> String {
    let line = e.position().map_or(0, |p| p.line());
    format!("line {line}: {e}")
}

/// Reads the first worksheet with calamine's streaming cell reader on a thread of its own
/// and hands rows over a bounded channel, so a large workbook is never held as a grid.
fn xlsx_rows(path: std::path::PathBuf) -> std::sync::mpsc::IntoIter<Result<RawRow, String>> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1024);
    std::thread::spawn(move || {
        let result = (|| -> Result<(), String> {
            let mut wb: Xlsx<_> = calamine::open_workbook(&path).map_err(|e| format!("{e}"))?;
            let sheet = wb
                .sheet_names()
                .first()
                .cloned()
                .ok_or_else(|| "the workbook has no worksheet".to_string())?;
            let mut cells = wb
                .worksheet_cells_reader(&sheet)
                .map_err(|e| format!("{e}"))?;
            let mut current: Option<RawRow> = None;
            while let Some(cell) = cells.next_cell().map_err(|e| format!("{e}"))? {
                let (r, c) = cell.get_position();
                let line = i64::from(r) + 1;
                if current.as_ref().is_some_and(|row| row.line != line) {
                    if let Some(done) = current.take() {
                        if tx.send(Ok(done)).is_err() {
                            return Ok(());
                        }
                    }
                }
                let row = current.get_or_insert_with(|| RawRow {
                    line,
                    cells: Vec::new(),
                });
                let c = c as usize;
                if row.cells.len() <= c {
                    row.cells.resize(c + 1, String::new());
                }
                if let Some(slot) = row.cells.get_mut(c) {
                    *slot = cell_text(cell.get_value());
                }
            }
            if let Some(done) = current {
                let _ = tx.send(Ok(done));
            }
            Ok(())
        })();
        if let Err(e) = result {
            let _ = tx.send(Err(format!("XLSX: {e}")));
        }
    });
    rx.into_iter()
}

/// A cell as the text a clerk sees. Long numbers keep Excel's own look (`3.52502E+15`) so the
/// NIK check can say the digits were lost; dates become `YYYY-MM-DD`.
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => {
            if f.abs() >= 1e15 {
                let s = format!("{f:.5E}");
                s.replace('E', "E+")
            } else if f.fract() == 0.0 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => {
            let days = d.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days)))
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        }
        DataRef::Error(e) => format!("#{e:?}"),
        DataRef::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<i64> {
        let dir = tempfile::tempdir().unwrap_or_else(|_| std::process::abort());
        let p = dir.path().join("a.csv");
        std::fs::write(&p, text).unwrap_or_default();
        let mut r = RowReader::open(&p).unwrap_or_else(|_| std::process::abort());
        let mut lines = Vec::new();
        while let Some(Ok(row)) = r.next_row() {
            lines.push(row.line);
        }
        lines
    }

    #[test]
    fn lines_count_blank_lines_as_an_editor_does() {
        assert_eq!(
            lines_of("a;b\r\n\r\n1;2\r\n;\r\n\r\n3;4\r\n"),
            vec![1, 3, 6]
        );
        assert_eq!(lines_of("a,b\n\n\n1,2\n3,4"), vec![1, 4, 5]);
        assert_eq!(lines_of("\u{feff}a,b\n1,2\n"), vec![1, 2]);
    }
}
