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
    /// A quote opened on this line and not closed on it: `cells` is empty, the row is
    /// reported as such (and counted), and reading goes on at the next line.
    pub unclosed_quote: bool,
}

/// What the reader noticed about the file as a whole, for the report.
#[derive(Debug, Clone, Default)]
pub struct FileNotes {
    pub format: &'static str,
    pub delimiter: Option<char>,
    pub had_bom: bool,
    /// Some text was not UTF-8 and was read as Windows-1252 (a superset of Latin-1).
    pub latin1: bool,
    /// The file was UTF-16 (with its BOM), read as such.
    pub utf16: bool,
}

/// A UTF-16 file read as UTF-8, block by block.
struct Utf16Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, decoder: encoding_rs::Decoder) -> Self {
        Utf16Reader {
            inner,
            decoder,
            raw: vec![0; 1 << 15],
            out: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.out.len() && !self.done {
            let n = self.inner.read(&mut self.raw)?;
            let last = n == 0;
            self.out.clear();
            self.pos = 0;
            let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            self.out.resize(room, 0);
            let (_, _, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[..n], &mut self.out, last);
            self.out.truncate(written);
            self.done = last;
        }
        let k = buf.len().min(self.out.len() - self.pos);
        buf[..k].copy_from_slice(&self.out[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

pub enum Rows {
    Csv(Lines),
    /// XLSX rows are read up front by a streaming cell reader into this channel, because the
    /// cell reader borrows the workbook.
    Xlsx(std::sync::mpsc::IntoIter<Result<RawRow, String>>),
}

pub struct RowReader {
    pub notes: FileNotes,
    rows: Rows,
}

/// A CSV file line by line. A row of a list is one line: a line ends at LF, CRLF or a lone
/// CR (old Mac files), and lines are numbered as an editor numbers them, blank lines
/// included. A quote opened on a line and not closed on it is reported on that line, and
/// the next line is read as the next row: no row is swallowed into one cell.
pub struct Lines {
    input: Box<dyn std::io::BufRead + Send>,
    delimiter: u8,
    line: i64,
    buf: Vec<u8>,
    /// The last line ended with CR: an LF first on the next read belongs to it.
    after_cr: bool,
}

impl Lines {
    /// The next line without its terminator; `None` at the end of the file.
    fn next_line(&mut self) -> std::io::Result<bool> {
        self.buf.clear();
        let mut any = false;
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let mut start = 0;
            if self.after_cr {
                self.after_cr = false;
                if chunk[0] == b'\n' {
                    start = 1;
                }
            }
            match chunk[start..]
                .iter()
                .position(|b| *b == b'\n' || *b == b'\r')
            {
                Some(i) => {
                    let end = start + i;
                    self.buf.extend_from_slice(&chunk[start..end]);
                    self.after_cr = chunk[end] == b'\r';
                    self.input.consume(end + 1);
                    self.line += 1;
                    return Ok(true);
                }
                None => {
                    any = any || chunk.len() > start;
                    self.buf.extend_from_slice(&chunk[start..]);
                    let n = chunk.len();
                    self.input.consume(n);
                }
            }
        }
        if any || !self.buf.is_empty() {
            self.line += 1;
            return Ok(true);
        }
        Ok(false)
    }
}

/// One line split into cells: `delimiter` between them, a cell in double quotes may hold
/// the delimiter and `""` for a quote. `Err(())`: a quote opens and is not closed on the line.
fn split_line(line: &[u8], delimiter: u8) -> Result<Vec<Vec<u8>>, ()> {
    let mut cells = Vec::new();
    let mut cell = Vec::new();
    let mut i = 0;
    let mut at_start = true;
    while i < line.len() {
        let b = line[i];
        if at_start && b == b'"' {
            // A quoted cell: up to the closing quote, then on to the delimiter.
            i += 1;
            loop {
                match line.get(i) {
                    None => return Err(()),
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                        cell.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(c) => {
                        cell.push(*c);
                        i += 1;
                    }
                }
            }
            at_start = false;
            continue;
        }
        if b == delimiter {
            cells.push(std::mem::take(&mut cell));
            at_start = true;
        } else {
            cell.push(b);
            at_start = false;
        }
        i += 1;
    }
    cells.push(cell);
    Ok(cells)
}

/// The problem of a line whose quote is not closed.
pub fn unclosed_quote(line: i64) -> String {
    format!("line {line}: a quote (\") opens on this line and is not closed on it")
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
            });
        }
        let utf16 = if head.starts_with(b"\xFF\xFE") {
            Some(encoding_rs::UTF_16LE)
        } else if head.starts_with(b"\xFE\xFF") {
            Some(encoding_rs::UTF_16BE)
        } else {
            None
        };
        let file = BufReader::with_capacity(1 << 16, File::open(path)?);
        // UTF-16 (Excel's "Unicode text") is turned into UTF-8 as it is read; its BOM goes.
        let (input, head, had_bom): (Box<dyn std::io::BufRead + Send>, Vec<u8>, bool) = match utf16
        {
            Some(enc) => {
                let text = enc.decode_without_bom_handling(&head[2..]).0;
                let head = text.as_bytes().to_vec();
                let mut input = BufReader::with_capacity(
                    1 << 16,
                    Utf16Reader::new(file, enc.new_decoder_with_bom_removal()),
                );
                let _ = std::io::BufRead::fill_buf(&mut input)?;
                (Box::new(input), head, true)
            }
            None => {
                let had_bom = head.starts_with(b"\xEF\xBB\xBF");
                let mut file = file;
                if had_bom {
                    let mut bom = [0u8; 3];
                    file.read_exact(&mut bom)?;
                }
                (Box::new(file), head.to_vec(), had_bom)
            }
        };
        let delimiter = sniff_delimiter(&head);
        Ok(RowReader {
            notes: FileNotes {
                format: "csv",
                delimiter: Some(char::from(delimiter)),
                had_bom,
                latin1: false,
                utf16: utf16.is_some(),
            },
            rows: Rows::Csv(Lines {
                input,
                delimiter,
                line: 0,
                buf: Vec::new(),
                after_cr: false,
            }),
        })
    }

    /// The next non-blank row, or an error that names the line where the file stopped being
    /// readable.
    pub fn next_row(&mut self) -> Option<Result<RawRow, String>> {
        loop {
            let item = match &mut self.rows {
                Rows::Csv(lines) => {
                    let delimiter = lines.delimiter;
                    match lines.next_line() {
                        Ok(true) => {}
                        Ok(false) => return None,
                        Err(e) => return Some(Err(format!("line {}: {e}", lines.line + 1))),
                    }
                    let line = lines.line;
                    match split_line(&lines.buf, delimiter) {
                        Err(()) => Ok(RawRow {
                            line,
                            cells: Vec::new(),
                            unclosed_quote: true,
                        }),
                        Ok(fields) => {
                            let mut cells = Vec::with_capacity(fields.len());
                            for field in fields {
                                match String::from_utf8(field) {
                                    Ok(s) => cells.push(s),
                                    Err(e) => {
                                        self.notes.latin1 = true;
                                        let (text, _, _) =
                                            encoding_rs::WINDOWS_1252.decode(e.as_bytes());
                                        cells.push(text.into_owned());
                                    }
                                }
                            }
                            Ok(RawRow {
                                line,
                                cells,
                                unclosed_quote: false,
                            })
                        }
                    }
                }
                Rows::Xlsx(rows) => rows.next()?,
            };
            match item {
                Ok(row) if !row.unclosed_quote && row.cells.iter().all(|c| c.trim().is_empty()) => {
                    continue
                }
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

/// The most columns a row of a workbook may have: Excel's own last column, `XFD`.
pub const XLSX_MAX_COLUMNS: u32 = 16_384;

/// The most a part of a workbook other than a worksheet may unpack to. calamine holds these
/// whole in memory (the shared strings above all); a worksheet is streamed cell by cell. A
/// real list of a million workers has about 40 MB of shared strings.
pub const XLSX_PART_MAX: u64 = 512 << 20;

/// A workbook whose parts unpack beyond [`XLSX_PART_MAX`] (a "zip bomb"), refused before
/// calamine reads it. The sizes are counted as the parts are unpacked, not taken from the
/// archive's directory, which a hostile file can fill with any number.
fn check_unpacked_sizes(path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| e.to_string())?;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = part.name().to_ascii_lowercase();
        if name.starts_with("xl/worksheets/") {
            continue;
        }
        let unpacked = std::io::copy(
            &mut (&mut part).take(XLSX_PART_MAX + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| e.to_string())?;
        if unpacked > XLSX_PART_MAX {
            return Err(format!(
                "the part {name} unpacks to more than {} MB",
                XLSX_PART_MAX >> 20
            ));
        }
    }
    Ok(())
}

/// Reads the first worksheet with calamine's streaming cell reader on a thread of its own
/// and hands rows over a bounded channel, so a large workbook is never held as a grid.
///
/// A damaged workbook can make calamine panic (an index out of bounds, found by
/// `fuzz/fuzz_targets/list.rs`): the panic is caught and becomes the file's error, so the
/// import stops with a word instead of ending as if the rows had run out.
fn xlsx_rows(path: std::path::PathBuf) -> std::sync::mpsc::IntoIter<Result<RawRow, String>> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1024);
    std::thread::spawn(move || {
        let send = tx.clone();
        let read = move || -> Result<(), String> {
            check_unpacked_sizes(&path)?;
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
                if c >= XLSX_MAX_COLUMNS {
                    return Err(format!(
                        "row {}: a cell beyond Excel's last column (XFD)",
                        i64::from(r) + 1
                    ));
                }
                let line = i64::from(r) + 1;
                if current.as_ref().is_some_and(|row| row.line != line) {
                    if let Some(done) = current.take() {
                        if send.send(Ok(done)).is_err() {
                            return Ok(());
                        }
                    }
                }
                let row = current.get_or_insert_with(|| RawRow {
                    line,
                    cells: Vec::new(),
                    unclosed_quote: false,
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
                let _ = send.send(Ok(done));
            }
            Ok(())
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
            .unwrap_or_else(|_| Err("the workbook is damaged and cannot be read".to_string()));
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

    #[test]
    fn cr_only_files_number_their_lines() {
        assert_eq!(lines_of("a,b\r1,2\r\r3,4\r"), vec![1, 2, 4]);
        assert_eq!(lines_of("a,b\r\n1,2\r3,4\n5,6"), vec![1, 2, 3, 4]);
    }

    #[test]
    fn an_unclosed_quote_is_its_own_line_and_nothing_after_it_is_lost() {
        let dir = tempfile::tempdir().unwrap_or_else(|_| std::process::abort());
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "a,b\n1,\"x\n2,y\n\"3,\"\"q\"\"\",z\n").unwrap_or_default();
        let mut r = RowReader::open(&p).unwrap_or_else(|_| std::process::abort());
        let mut rows = Vec::new();
        while let Some(Ok(row)) = r.next_row() {
            rows.push((row.line, row.unclosed_quote, row.cells));
        }
        assert_eq!(rows.len(), 4);
        assert_eq!((rows[1].0, rows[1].1), (2, true));
        assert_eq!(rows[2].2, vec!["2", "y"]);
        assert_eq!(rows[3].2, vec!["3,\"q\"", "z"]);
    }

    #[test]
    fn utf16_files_are_read() {
        let dir = tempfile::tempdir().unwrap_or_else(|_| std::process::abort());
        let p = dir.path().join("a.csv");
        let mut bytes = vec![0xFF, 0xFE];
        for u in "nik;nama\r\n1;Siti Aminah\r\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(&p, bytes).unwrap_or_default();
        let mut r = RowReader::open(&p).unwrap_or_else(|_| std::process::abort());
        let mut rows = Vec::new();
        while let Some(Ok(row)) = r.next_row() {
            rows.push(row.cells);
        }
        assert!(r.notes.utf16);
        assert_eq!(rows, vec![vec!["nik", "nama"], vec!["1", "Siti Aminah"]]);
    }
}
