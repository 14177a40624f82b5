//! Bank statements: the file an officer downloads from the bank, turned into the money that
//! came in, line by line, so each credit can be matched to a donor's invoice.
//!
//! Two formats arrive:
//!
//! - **CSV**, as internet banking exports it or as Excel re-saves it: UTF-8 (with or without a
//!   BOM) or Latin-1/Windows-1252, separated by `,` or `;` (sniffed from the header line), with
//!   Indonesian or English headers in any order. Amounts are either one column (`jumlah`,
//!   `nominal`, `mutasi`, `amount`) with an optional `cr/db`/`jenis` column, or two columns
//!   `kredit` and `debet`. Line numbers are the ones an editor shows: the header is line 1 and
//!   blank lines count.
//! - **SWIFT MT940**, the bank-to-company statement format Indonesian banks (Mandiri, BNI, BRI,
//!   BCA) offer for cash management: one or more statements, each `:20:` `:25:` `:28C:`
//!   `:60F:`/`:60M:` (opening balance), then `:61:` entry lines each optionally followed by
//!   `:86:` free text, then `:62F:`/`:62M:` (closing balance). A SWIFT envelope (`{1:…}{4:` …
//!   `-}`) is allowed around it. The statement's line number is the line of its `:61:` tag.
//!   The parser is strict where money is concerned (dates, the debit/credit mark, amounts,
//!   currency, tag order, opening + entries = closing balance) and lenient where it is not
//!   (field lengths, characters in free text such as the apostrophe in "Nur'aini").
//!
//! What banks and their converters really send is accepted: MT940 lines indented with
//! spaces, CR-only line ends, Danamon-style CSV (`Nilai Transaksi`, `Debet Credit` with
//! `D`/`C`/`Debet`/`Kredit`, dates `20261125 101502`), and amounts written without a decimal
//! part. The last is decided per file and said in [`Parsed::notes`]: an MT940 file in which
//! no amount has a decimal comma is read as whole rupiah; in one where some have it, an
//! amount without it is refused as ambiguous (rupiah or sen?).
//!
//! Each credit carries what identifies the transfer across files and formats
//! ([`StatementLine::value_date`], [`StatementLine::bank_reference`],
//! [`StatementLine::account`], and [`keys`]); each MT940 statement its account, `:28C:`
//! number and balances ([`Parsed::statements`]) for the gap checks done in the store.
//! Amounts above Rp 10^15 are a bad line (`amount_too_large`).
//!
//! **Credits only.** A statement also lists money going out (fees, transfers, taxes) and
//! reversals. None of those can pay a worker's contribution, so they are counted in
//! [`Parsed::skipped_debits`] for the officer's totals but never offered for matching, and they
//! are not checked beyond telling that they are debits: a malformed fee line must not bury the
//! payments under errors.
//!
//! Pure: no I/O, no database. The bytes are decoded once and read row by row (CSV) or tag by
//! tag (MT940); a bad row becomes an entry in [`Parsed::errors`] while the others still come
//! through. [`parse`] fails as a whole only when the file cannot be a statement at all.
//!
//! The `mt940` crate was evaluated and not used: it refuses a whole file for one bad line
//! (no per-line errors), reports no file line numbers, rejects the ASCII apostrophe common in
//! Indonesian names, does not accept the SWIFT `{1:}` envelope, and panics on an impossible
//! entry date such as `1131`.

use chrono::{Datelike, NaiveDate};
use lingkaran_domain::message::Problem;
use lingkaran_domain::nik;
use lingkaran_domain::Rupiah;
use std::borrow::Cow;

/// The kind of statement file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Mt940,
}

/// File name endings that only MT940 uses: such a file that is not MT940 is refused.
const MT940_ONLY_EXTENSIONS: [&str; 3] = ["sta", "mt940", "940"];
/// File name endings under which banks deliver MT940 (`.txt` is also used for CSV).
const MT940_EXTENSIONS: [&str; 4] = ["sta", "mt940", "940", "txt"];
/// How far into a file with an MT940 name a `:20:` line is looked for.
const MT940_SNIFF_BYTES: usize = 4096;

impl Format {
    /// Stable name for storage and reports: `"csv"` or `"mt940"`.
    pub fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Mt940 => "mt940",
        }
    }

    /// MT940 when the content starts with `:20:` or a SWIFT envelope `{1:` (after a BOM and
    /// blank lines), or when the name ends in `.sta`, `.mt940`, `.940` or `.txt` and a line in
    /// the first few kilobytes starts with `:20:` (some banks put a title line first);
    /// CSV otherwise.
    pub fn detect(filename: &str, bytes: &[u8]) -> Format {
        let body = strip_bom(bytes);
        let start = body.trim_ascii_start();
        if start.starts_with(b":20:") || start.starts_with(b"{1:") {
            return Format::Mt940;
        }
        let ext = extension(filename);
        if MT940_EXTENSIONS.contains(&ext.as_str()) {
            let head = &body[..body.len().min(MT940_SNIFF_BYTES)];
            if head
                .split(|b| matches!(b, b'\n' | b'\r'))
                .any(|line| line.trim_ascii_start().starts_with(b":20:"))
            {
                return Format::Mt940;
            }
        }
        Format::Csv
    }
}

/// One payment into the account, as the bank reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// CSV: the editor line number (header is line 1, blank lines counted); MT940: the line
    /// number of the `:61:` tag in the file.
    pub line_no: usize,
    /// CSV: the date column. MT940: the entry (booking) date of `:61:` when given, else its
    /// value date.
    pub booked_on: NaiveDate,
    /// The day the money counts from, part of the transfer's identity: MT940 the value date
    /// of `:61:`; CSV the value-date column (`tanggal valuta`, `value date`) when there is
    /// one, else the date column.
    pub value_date: NaiveDate,
    /// Whole rupiah, > 0 and at most Rp 10^15 (credits only).
    pub amount: i64,
    /// The reference a payer wrote, used to find the invoice: MT940 `:61:` customer
    /// reference unless `NONREF`; CSV `referensi`/`reference` column. Empty, `-` and
    /// `NONREF` are `None`.
    pub reference: Option<String>,
    /// The bank's own reference of the transfer, part of its identity: MT940 the `:61:`
    /// reference after `//`; CSV the reference column. Normalised: upper case, no spaces.
    pub bank_reference: Option<String>,
    /// The account the money came into, normalised ([`normalise_account`]): MT940 the `:25:`
    /// of the line's statement; CSV an account column (`nomor rekening`, `account`), if any.
    pub account: Option<String>,
    /// MT940 `:86:` text joined into one line; CSV `keterangan`/`description`.
    pub description: String,
    /// The first run of 10 to 20 digits in the reference, else in the description (a
    /// virtual-account number), if any.
    pub va_number: Option<String>,
}

impl StatementLine {
    /// The transfer's key within its account, value date and amount: `ref:<bank reference>`
    /// when the bank gave one; otherwise, weaker, `text:<hash of the description>:<n>` where
    /// `n` counts the earlier lines of the same file with the same account, value date,
    /// amount and description (so two identical cash deposits of one day stay two). See
    /// [`keys`].
    fn key_with(&self, occurrence: usize) -> String {
        match &self.bank_reference {
            Some(r) => format!("ref:{r}"),
            None => {
                let text = self
                    .description
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_uppercase();
                use sha2::Digest;
                let h = sha2::Sha256::digest(text.as_bytes());
                format!("text:{}:{occurrence}", hex::encode(&h[..12]))
            }
        }
    }
}

/// Each line's key ([`StatementLine::key_with`]), in order: the occurrence number of a line
/// without a bank reference is counted per (account, value date, amount, description) among
/// the lines before it in the same file. `account` stands in for lines that name none.
pub fn keys(lines: &[StatementLine], account: &str) -> Vec<String> {
    let mut seen: std::collections::HashMap<(String, NaiveDate, i64, String), usize> =
        std::collections::HashMap::new();
    lines
        .iter()
        .map(|l| {
            if l.bank_reference.is_some() {
                return l.key_with(0);
            }
            let k = (
                l.account.clone().unwrap_or_else(|| account.to_string()),
                l.value_date,
                l.amount,
                l.key_with(0),
            );
            let n = seen.entry(k).or_insert(0);
            let key = l.key_with(*n);
            *n += 1;
            key
        })
        .collect()
}

/// An account number as compared: what follows the last `/` (MT940 `:25:` may start with the
/// bank's BIC), without spaces, dots and dashes, upper case, and without a trailing currency
/// code `IDR`. `None` when nothing is left.
pub fn normalise_account(raw: &str) -> Option<String> {
    let tail = raw.rsplit('/').next().unwrap_or(raw);
    let mut a: String = tail
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .collect::<String>()
        .to_uppercase();
    if a.len() > 3 && a.ends_with("IDR") {
        a.truncate(a.len() - 3);
    }
    (!a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric())).then_some(a)
}

/// One MT940 statement (`:20:` … `:62F:`) as the sequence checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementInfo {
    /// The line of its `:20:` tag.
    pub line_no: usize,
    /// `:25:`, normalised.
    pub account: Option<String>,
    /// `:28C:` as written (`00325/001`), when present.
    pub sequence: Option<String>,
    /// The statement number of `:28C:` and its sequence (page) number (1 when absent).
    pub number: Option<(u64, u64)>,
    /// `:60F:`/`:60M:`: its date and the balance in sen (hundredths of a rupiah), signed.
    pub opening: Option<(NaiveDate, i64)>,
    /// `:62F:`/`:62M:`, the same way.
    pub closing: Option<(NaiveDate, i64)>,
}

/// What a statement file held.
#[derive(Debug, Default)]
pub struct Parsed {
    pub format: Option<Format>,
    /// Credits only, in file order.
    pub lines: Vec<StatementLine>,
    /// Debit lines (and MT940 reversals `RC`/`RD`) are not payments to us: counted, not errors.
    pub skipped_debits: usize,
    /// (line number, what is wrong) for rows that could not be read; other rows still come
    /// through.
    pub errors: Vec<(usize, Problem)>,
    /// Decisions the parser took about the whole file that the officer should know, such as
    /// reading amounts written without a decimal comma as whole rupiah.
    pub notes: Vec<Problem>,
    /// MT940: each statement in the file, in order.
    pub statements: Vec<StatementInfo>,
}

/// Reads a bank statement. `Err` only when the whole file is unusable: empty, not text, a CSV
/// without date or amount columns, a file named as MT940 that is not, or a statement in a
/// currency other than rupiah.
pub fn parse(filename: &str, bytes: &[u8]) -> Result<Parsed, Problem> {
    let body = strip_bom(bytes);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::new(
            "empty_file",
            "Berkas kosong: tidak ada baris yang bisa dibaca. Unduh ulang mutasi rekening dari bank.",
            "The file is empty: there is no line to read. Download the statement from the bank again.",
        ));
    }
    if let Some((id, en)) = binary_kind(body) {
        return Err(Problem::new(
            "not_text",
            format!(
                "Berkas ini bukan teks (sepertinya {id}). Simpan mutasi rekening dari bank sebagai CSV atau MT940, lalu unggah lagi."
            ),
            format!(
                "This file is not text (it looks like {en}). Save the bank statement as CSV or MT940 and upload it again."
            ),
        ));
    }
    let format = Format::detect(filename, bytes);
    let text = lone_cr_to_lf(decode(body));
    let mut parsed = match format {
        Format::Mt940 => mt940::parse(&text)?,
        Format::Csv => {
            let ext = extension(filename);
            if MT940_ONLY_EXTENSIONS.contains(&ext.as_str()) {
                return Err(not_mt940(filename, &ext, &text));
            }
            csv_statement::parse(&text)?
        }
    };
    parsed.format = Some(format);
    Ok(parsed)
}

fn not_mt940(filename: &str, ext: &str, text: &str) -> Problem {
    let (n, first) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())
        .map_or((1, ""), |(i, l)| (i + 1, l.trim()));
    let first = snippet(first);
    Problem::new(
        "not_mt940",
        format!(
            "Berkas \"{filename}\" berakhiran .{ext} seperti berkas MT940, tetapi isinya bukan MT940: baris {n} berisi \"{first}\", padahal berkas MT940 dimulai dengan \":20:\". Unduh ulang mutasi rekening dari bank dalam format MT940, atau simpan sebagai CSV."
        ),
        format!(
            "The file \"{filename}\" ends in .{ext} like an MT940 file, but it is not MT940: line {n} reads \"{first}\", while an MT940 file starts with \":20:\". Download the statement from the bank again in MT940 format, or save it as CSV."
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The lower-case ending after the last dot of the file's own name (not of its folders).
fn extension(filename: &str) -> String {
    let name = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

/// A file a clerk might pick by mistake instead of the CSV/MT940 export.
fn binary_kind(body: &[u8]) -> Option<(&'static str, &'static str)> {
    if body.starts_with(b"PK\x03\x04") {
        Some((
            "lembar Excel (.xlsx) atau arsip zip",
            "an Excel workbook (.xlsx) or a zip archive",
        ))
    } else if body.starts_with(b"%PDF") {
        Some(("dokumen PDF", "a PDF document"))
    } else if body[..body.len().min(8192)].contains(&0) {
        Some((
            "berkas biner, misalnya lembar Excel lama (.xls)",
            "a binary file such as an old Excel workbook (.xls)",
        ))
    } else {
        None
    }
}

/// UTF-8 when it is; otherwise each line that is not UTF-8 is read as Windows-1252 (a superset
/// of Latin-1, what old Excel saves), so one odd line does not garble the others.
fn decode(body: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(body) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    for line in body.split_inclusive(|b| *b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(s) => out.push_str(s),
            Err(_) => out.push_str(
                &encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(line)
                    .0,
            ),
        }
    }
    Cow::Owned(out)
}

/// Line ends as old Mac tools and some banks' converters write them, a carriage return alone,
/// become `\n`, so lines are counted as an editor shows them. `\r\n` is left as it is.
fn lone_cr_to_lf(text: Cow<'_, str>) -> Cow<'_, str> {
    let b = text.as_bytes();
    let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !(0..b.len()).any(lone) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The first run of 10 to 20 digits (a virtual-account number) in the reference, else in the
/// description, that is not shaped like a NIK or a phone number a donor typed
/// (`nik::may_be_personal`): the VA number is kept in plain text and matched on.
fn va_number(reference: Option<&str>, description: &str) -> Option<String> {
    reference
        .and_then(digit_run)
        .or_else(|| digit_run(description))
}

fn digit_run(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| (10..=20).contains(&run.len()) && !nik::may_be_personal(run))
        .map(str::to_string)
}

/// A reference as the bank writes "none": empty, `-` or `NONREF`.
fn reference_of(raw: &str) -> Option<String> {
    let r = raw.trim();
    if r.is_empty() || r == "-" || r.eq_ignore_ascii_case("NONREF") {
        None
    } else {
        Some(r.to_string())
    }
}

/// A bank reference as compared: upper case, without spaces; `None` for the bank's "none".
fn bank_reference_of(raw: &str) -> Option<String> {
    let r: String = reference_of(raw)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    (!r.is_empty()).then_some(r)
}

/// The note a file gets when every amount in it was written without a decimal part, and was
/// therefore read as whole rupiah.
fn whole_rupiah_note(count: usize, example: &str) -> Problem {
    Problem::new(
        "amounts_whole_rupiah",
        format!("Semua {count} jumlah di berkas ini ditulis tanpa desimal (misalnya \"{example}\"), jadi semuanya dibaca sebagai rupiah utuh (16800 = Rp 16.800)."),
        format!("All {count} amounts in this file are written without decimals (such as \"{example}\"), so all of them were read as whole rupiah (16800 = Rp 16.800)."),
    )
}

/// A value quoted back in a message, cut so a runaway cell does not flood the screen.
fn snippet(value: &str) -> String {
    crate::snippet(value, 60)
}

/// Rupiah as each language writes it: `Rp 1.500.000` / `IDR 1,500,000`, with cents when any.
pub fn rupiah_sen(cents: i128) -> (String, String) {
    rupiah(cents)
}

fn rupiah(cents: i128) -> (String, String) {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let frac = abs % 100;
    let group = |sep: char| {
        let mut out = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    };
    if frac == 0 {
        (
            format!("{sign}Rp {}", group('.')),
            format!("{sign}IDR {}", group(',')),
        )
    } else {
        (
            format!("{sign}Rp {},{frac:02}", group('.')),
            format!("{sign}IDR {}.{frac:02}", group(',')),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

mod csv_statement {
    use super::*;

    /// One recognised column: its position and its header as the file writes it (for messages).
    #[derive(Clone)]
    struct Col {
        idx: usize,
        name: String,
    }

    enum Amounts {
        /// One amount column, the direction from a `cr/db` column or else from the sign.
        Single { amount: Col, direction: Option<Col> },
        /// Separate credit and debit columns.
        Split { credit: Col, debit: Option<Col> },
    }

    struct Columns {
        date: Col,
        value_date: Option<Col>,
        account: Option<Col>,
        description: Option<Col>,
        reference: Option<Col>,
        amounts: Amounts,
    }

    const DATE: [&str; 6] = [
        "tanggal",
        "tgl",
        "date",
        "tanggal transaksi",
        "tgl transaksi",
        "transaction date",
    ];
    const VALUE_DATE: [&str; 5] = [
        "tanggal valuta",
        "tgl valuta",
        "tgl. valuta",
        "valuta",
        "value date",
    ];
    const ACCOUNT: [&str; 7] = [
        "nomor rekening",
        "no. rekening",
        "no rekening",
        "rekening",
        "account",
        "account no",
        "account number",
    ];
    const DESCRIPTION: [&str; 4] = ["keterangan", "deskripsi", "description", "uraian"];
    const REFERENCE: [&str; 7] = [
        "referensi",
        "ref",
        "reference",
        "no. referensi",
        "no referensi",
        "nomor referensi",
        "reference no",
    ];
    const AMOUNT: [&str; 6] = [
        "jumlah",
        "nominal",
        "amount",
        "mutasi",
        "nilai transaksi",
        "nilai",
    ];
    const DIRECTION: [&str; 8] = [
        "cr/db",
        "db/cr",
        "jenis",
        "type",
        "debet credit",
        "debet/credit",
        "debit credit",
        "d/c",
    ];
    const CREDIT: [&str; 2] = ["kredit", "credit"];
    const DEBIT: [&str; 2] = ["debet", "debit"];

    /// Byte offsets of every `\n`, to turn a record's position into an editor line number
    /// (the csv crate's own line count skips blank lines).
    struct Lines(Vec<usize>);

    impl Lines {
        fn new(text: &str) -> Lines {
            Lines(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i)
                    .collect(),
            )
        }
        /// The 1-based line on which the byte at `offset` lies.
        fn line_at(&self, offset: usize) -> usize {
            self.0.partition_point(|nl| *nl < offset) + 1
        }
    }

    pub(super) fn parse(text: &str) -> Result<Parsed, Problem> {
        let delimiter = sniff_delimiter(text);
        let lines = Lines::new(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut parsed = Parsed::default();
        let mut columns: Option<Columns> = None;
        let mut decimals = Decimals::default();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(0, |p| record_line(text, &lines, p.byte()));
                    parsed.errors.push((
                        line,
                        Problem::new(
                            "unreadable_row",
                            format!("Baris {line}: baris ini dan sesudahnya tidak terbaca ({e}); simpan ulang berkas sebagai CSV."),
                            format!("Line {line}: this line and the rest cannot be read ({e}); save the file as CSV again."),
                        ),
                    ));
                    break;
                }
            }
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let line = record
                .position()
                .map_or(0, |p| record_line(text, &lines, p.byte()));
            match &columns {
                None => columns = Some(header(&record, line)?),
                Some(cols) => row(cols, &record, line, &mut parsed, &mut decimals),
            }
        }
        if columns.is_none() {
            return Err(Problem::new(
                "empty_file",
                "Berkas kosong: tidak ada baris yang bisa dibaca. Unduh ulang mutasi rekening dari bank.",
                "The file is empty: there is no line to read. Download the statement from the bank again.",
            ));
        }
        if decimals.without > 0 && decimals.with == 0 {
            let example = decimals.example.unwrap_or_default();
            parsed
                .notes
                .push(whole_rupiah_note(decimals.without, &example));
        }
        Ok(parsed)
    }

    /// The csv reader gives a record's start as the end of the previous one, blank lines
    /// included; the record itself starts at the first byte after those.
    fn record_line(text: &str, lines: &Lines, start: u64) -> usize {
        let start = usize::try_from(start).unwrap_or(usize::MAX).min(text.len());
        let skipped = text.as_bytes()[start..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        lines.line_at(start + skipped)
    }

    /// Whichever of `;`, tab and `,` occurs most, outside quotes, in the first non-blank line.
    fn sniff_delimiter(text: &str) -> u8 {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
        let mut quoted = false;
        for b in first.bytes() {
            if b == b'"' {
                quoted = !quoted;
            } else if !quoted {
                for c in counts.iter_mut() {
                    if c.0 == b {
                        c.1 += 1;
                    }
                }
            }
        }
        // Ties go to the first listed: `,`.
        let mut best = (b',', 0);
        for c in counts {
            if c.1 > best.1 {
                best = c;
            }
        }
        best.0
    }

    /// A header as compared: lower case, single spaces, without a unit such as "(Rp)" or "(IDR)".
    fn normalise(header: &str) -> String {
        let mut h = header.trim().trim_end_matches(':').trim().to_lowercase();
        if h.ends_with(')') {
            if let Some(open) = h.rfind('(') {
                if open > 0 {
                    h.truncate(open);
                }
            }
        }
        h.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn header(record: &csv::StringRecord, line: usize) -> Result<Columns, Problem> {
        let names: Vec<String> = record.iter().map(normalise).collect();
        let find = |accepted: &[&str]| {
            names
                .iter()
                .position(|n| accepted.contains(&n.as_str()))
                .map(|idx| Col {
                    idx,
                    name: record.get(idx).unwrap_or("").trim().to_string(),
                })
        };
        let date = find(&DATE);
        let amount = find(&AMOUNT);
        let credit = find(&CREDIT);
        let amounts = match (amount, credit) {
            (Some(amount), _) => Some(Amounts::Single {
                amount,
                direction: find(&DIRECTION),
            }),
            (None, Some(credit)) => Some(Amounts::Split {
                credit,
                debit: find(&DEBIT),
            }),
            (None, None) => None,
        };
        match (date, amounts) {
            (Some(date), Some(amounts)) => Ok(Columns {
                date,
                value_date: find(&VALUE_DATE),
                account: find(&ACCOUNT),
                description: find(&DESCRIPTION),
                reference: find(&REFERENCE),
                amounts,
            }),
            (date, amounts) => {
                let (id_missing, en_missing) = match (date.is_none(), amounts.is_none()) {
                    (true, true) => ("tanggal dan jumlah", "date and amount columns"),
                    (true, false) => ("tanggal", "date column"),
                    _ => ("jumlah", "amount column"),
                };
                let found = record
                    .iter()
                    .map(|h| format!("\"{}\"", snippet(h.trim())))
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(Problem::new(
                    "missing_column",
                    format!(
                        "Baris {line}: kolom {id_missing} tidak ditemukan di judul kolom. Judul kolom harus ada di baris pertama yang tidak kosong. Judul yang dikenali: tanggal (tanggal, tgl, tanggal transaksi, date); jumlah (jumlah, nominal, mutasi, nilai transaksi, amount) atau dua kolom kredit dan debet (kredit atau credit, debet atau debit); boleh juga keterangan (keterangan, deskripsi, uraian, description), referensi (referensi, ref, no. referensi, reference) dan jenis (cr/db, db/cr, jenis, type). Judul di berkas ini: {found}."
                    ),
                    format!(
                        "Line {line}: no {en_missing} in the header. The headers must be on the first non-blank line. Recognised headers: date (tanggal, tgl, tanggal transaksi, date); amount (jumlah, nominal, mutasi, nilai transaksi, amount) or two columns credit and debit (kredit or credit, debet or debit); optionally description (keterangan, deskripsi, uraian, description), reference (referensi, ref, no. referensi, reference) and type (cr/db, db/cr, jenis, type). Headers in this file: {found}."
                    ),
                ))
            }
        }
    }

    fn cell<'r>(record: &'r csv::StringRecord, col: &Col) -> &'r str {
        record.get(col.idx).unwrap_or("").trim()
    }

    enum Direction {
        Credit,
        Debit,
    }

    fn direction_of(value: &str) -> Option<Direction> {
        match value.trim().to_lowercase().as_str() {
            "cr" | "c" | "k" | "kredit" | "credit" => Some(Direction::Credit),
            "db" | "d" | "debet" | "debit" => Some(Direction::Debit),
            _ => None,
        }
    }

    /// How many credit amounts of the file were written with a decimal part and without.
    #[derive(Default)]
    struct Decimals {
        with: usize,
        without: usize,
        /// The first amount written without one, quoted in the note.
        example: Option<String>,
    }

    fn row(
        cols: &Columns,
        record: &csv::StringRecord,
        line: usize,
        parsed: &mut Parsed,
        decimals: &mut Decimals,
    ) {
        let mut problems = Vec::new();
        let amount = match &cols.amounts {
            Amounts::Single { amount, direction } => {
                let value = cell(record, amount);
                let credit = match direction {
                    Some(dir) => match direction_of(cell(record, dir)) {
                        Some(Direction::Debit) => {
                            parsed.skipped_debits += 1;
                            return;
                        }
                        Some(Direction::Credit) => true,
                        None if cell(record, dir).is_empty() => {
                            problems.push(missing_value(
                                line,
                                dir,
                                "CR (uang masuk) atau DB (uang keluar)",
                                "CR (money in) or DB (money out)",
                            ));
                            false
                        }
                        None => {
                            problems.push(bad_direction(line, dir, cell(record, dir)));
                            false
                        }
                    },
                    None => true,
                };
                if !credit {
                    None
                } else if value.is_empty() {
                    problems.push(missing_value(line, amount, "jumlah uang", "an amount"));
                    None
                } else {
                    match parse_amount(value) {
                        Ok(n) if n < 0 && direction.is_none() => {
                            parsed.skipped_debits += 1;
                            return;
                        }
                        Ok(n) if n < 0 => {
                            problems.push(Problem::new(
                                "bad_amount",
                                format!(
                                    "Baris {line}, kolom {}: \"{}\" bertanda minus, padahal kolom {} menyebutnya kredit (uang masuk).",
                                    amount.name, snippet(value), direction.as_ref().map_or("", |d| d.name.as_str())
                                ),
                                format!(
                                    "Line {line}, column {}: \"{}\" is negative, yet column {} calls it a credit (money in).",
                                    amount.name, snippet(value), direction.as_ref().map_or("", |d| d.name.as_str())
                                ),
                            ));
                            None
                        }
                        Ok(0) => {
                            problems.push(zero_amount(line, amount, value));
                            None
                        }
                        Ok(n) => Some(n),
                        Err(e) => {
                            problems.push(amount_problem(line, amount, value, e));
                            None
                        }
                    }
                }
            }
            Amounts::Split { credit, debit } => {
                let c = cell(record, credit);
                let credit_amount = if c.is_empty() {
                    Ok(None)
                } else {
                    parse_amount(c).map(Some)
                };
                match credit_amount {
                    Ok(Some(n)) if n > 0 => Some(n),
                    Ok(Some(n)) if n < 0 => {
                        problems.push(Problem::new(
                            "bad_amount",
                            format!("Baris {line}, kolom {}: \"{}\" bertanda minus; kolom kredit berisi uang masuk, tulis tanpa minus.", credit.name, snippet(c)),
                            format!("Line {line}, column {}: \"{}\" is negative; the credit column holds money in, write it without a minus.", credit.name, snippet(c)),
                        ));
                        None
                    }
                    Err(e) => {
                        problems.push(amount_problem(line, credit, c, e));
                        None
                    }
                    Ok(_) => {
                        // No credit here: a debit if the debit column has an amount.
                        let d = debit.as_ref().map_or("", |col| cell(record, col));
                        match (debit, parse_amount(d)) {
                            (Some(_), Ok(n)) if n != 0 && !d.is_empty() => {
                                parsed.skipped_debits += 1;
                                return;
                            }
                            (Some(col), Err(e)) if !d.is_empty() => {
                                problems.push(amount_problem(line, col, d, e));
                            }
                            _ if !c.is_empty() => problems.push(zero_amount(line, credit, c)),
                            (Some(col), _) => problems.push(Problem::new(
                                "missing_value",
                                format!("Baris {line}: kolom {} dan {} sama-sama kosong; tidak ada jumlah uang masuk atau keluar.", credit.name, col.name),
                                format!("Line {line}: columns {} and {} are both empty; there is no amount in or out.", credit.name, col.name),
                            )),
                            (None, _) => problems.push(missing_value(line, credit, "jumlah uang", "an amount")),
                        }
                        None
                    }
                }
            }
        };
        let date_value = cell(record, &cols.date);
        let date = if date_value.is_empty() {
            problems.push(missing_value(
                line,
                &cols.date,
                "tanggal transaksi",
                "a transaction date",
            ));
            None
        } else {
            match parse_date(date_value) {
                Some(d) => Some(d),
                None => {
                    problems.push(Problem::new(
                        "bad_date",
                        format!(
                            "Baris {line}, kolom {}: \"{}\" bukan tanggal yang dikenal; tulis seperti 25/11/2026 atau 2026-11-25.",
                            cols.date.name, snippet(date_value)
                        ),
                        format!(
                            "Line {line}, column {}: \"{}\" is not a date we can read; write it like 25/11/2026 or 2026-11-25.",
                            cols.date.name, snippet(date_value)
                        ),
                    ));
                    None
                }
            }
        };
        let value_date = match cols.value_date.as_ref() {
            Some(col) if !cell(record, col).is_empty() => {
                let v = cell(record, col);
                let d = parse_date(v);
                if d.is_none() {
                    problems.push(Problem::new(
                        "bad_date",
                        format!(
                            "Baris {line}, kolom {}: \"{}\" bukan tanggal yang dikenal; tulis seperti 25/11/2026 atau 2026-11-25.",
                            col.name, snippet(v)
                        ),
                        format!(
                            "Line {line}, column {}: \"{}\" is not a date we can read; write it like 25/11/2026 or 2026-11-25.",
                            col.name, snippet(v)
                        ),
                    ));
                }
                d
            }
            _ => date,
        };
        match (date, value_date, amount) {
            (Some(booked_on), Some(value_date), Some(amount)) if problems.is_empty() => {
                let amount_text = match &cols.amounts {
                    Amounts::Single { amount, .. } => cell(record, amount),
                    Amounts::Split { credit, .. } => cell(record, credit),
                };
                if has_decimals(amount_text) {
                    decimals.with += 1;
                } else {
                    decimals.without += 1;
                    decimals.example.get_or_insert_with(|| snippet(amount_text));
                }
                let reference = cols
                    .reference
                    .as_ref()
                    .and_then(|col| reference_of(cell(record, col)));
                let description = cols
                    .description
                    .as_ref()
                    .map_or(String::new(), |col| cell(record, col).to_string());
                let va_number = va_number(reference.as_deref(), &description);
                parsed.lines.push(StatementLine {
                    line_no: line,
                    booked_on,
                    value_date,
                    amount,
                    bank_reference: reference.as_deref().and_then(bank_reference_of),
                    reference,
                    account: cols
                        .account
                        .as_ref()
                        .and_then(|col| normalise_account(cell(record, col))),
                    description,
                    va_number,
                });
            }
            _ => parsed
                .errors
                .extend(problems.into_iter().map(|p| (line, p))),
        }
    }

    fn bad_direction(line: usize, col: &Col, value: &str) -> Problem {
        Problem::new(
            "bad_direction",
            format!(
                "Baris {line}, kolom {}: \"{}\" tidak dikenal; tulis CR atau K untuk uang masuk (kredit), DB atau D untuk uang keluar (debet).",
                col.name,
                snippet(value)
            ),
            format!(
                "Line {line}, column {}: \"{}\" is not recognised; write CR or K for money in (credit), DB or D for money out (debit).",
                col.name,
                snippet(value)
            ),
        )
    }

    fn missing_value(line: usize, col: &Col, id_what: &str, en_what: &str) -> Problem {
        Problem::new(
            "missing_value",
            format!(
                "Baris {line}, kolom {}: kosong, padahal baris ini perlu {id_what}.",
                col.name
            ),
            format!(
                "Line {line}, column {}: empty, but this row needs {en_what}.",
                col.name
            ),
        )
    }

    fn zero_amount(line: usize, col: &Col, value: &str) -> Problem {
        Problem::new(
            "zero_amount",
            format!(
                "Baris {line}, kolom {}: \"{}\" bernilai nol, jadi ini bukan pembayaran.",
                col.name,
                snippet(value)
            ),
            format!(
                "Line {line}, column {}: \"{}\" is zero, so this is not a payment.",
                col.name,
                snippet(value)
            ),
        )
    }

    fn amount_problem(line: usize, col: &Col, value: &str, e: AmountError) -> Problem {
        let v = snippet(value);
        match e {
            AmountError::Fractional(cents) => Problem::new(
                "fractional_rupiah",
                format!(
                    "Baris {line}, kolom {}: \"{v}\" memuat sen ({cents}); iuran dibayar dalam rupiah utuh, jadi periksa angka ini di mutasi bank.",
                    col.name
                ),
                format!(
                    "Line {line}, column {}: \"{v}\" has cents ({cents}); contributions are paid in whole rupiah, so check this figure against the bank statement.",
                    col.name
                ),
            ),
            AmountError::TooLarge => too_large(line, &col.name, value),
            AmountError::Invalid => Problem::new(
                "bad_amount",
                format!(
                    "Baris {line}, kolom {}: \"{v}\" bukan jumlah rupiah yang sah. Tulis seperti 1.500.000 atau 1500000.",
                    col.name
                ),
                format!(
                    "Line {line}, column {}: \"{v}\" is not a valid rupiah amount. Write it like 1.500.000 or 1500000.",
                    col.name
                ),
            ),
        }
    }
}

/// Why an amount was refused.
#[derive(Debug, PartialEq, Eq)]
enum AmountError {
    /// Not a number in either convention.
    Invalid,
    /// A well-formed amount with a nonzero decimal part (the part, as written).
    Fractional(String),
    /// Above Rp 10^15 ([`Rupiah::MAX`]), the most Lingkaran holds anywhere.
    TooLarge,
}

/// Whether an amount as written has a decimal part (`,00`, `.00`): for the file's note on
/// amounts written without one.
fn has_decimals(raw: &str) -> bool {
    let t = raw.trim().trim_end_matches(['-']).trim_end();
    let b = t.as_bytes();
    let n = b.len();
    n >= 3
        && matches!(b[n - 3], b'.' | b',')
        && b[n - 2].is_ascii_digit()
        && b[n - 1].is_ascii_digit()
}

fn too_large(line: usize, column: &str, value: &str) -> Problem {
    let v = snippet(value);
    Problem::new(
        "amount_too_large",
        format!("Baris {line}, kolom {column}: \"{v}\" melebihi batas Rp 1.000.000.000.000.000 untuk satu transaksi, jadi baris ini tidak dibukukan; periksa angka ini di mutasi bank."),
        format!("Line {line}, column {column}: \"{v}\" is above the bound of Rp 1.000.000.000.000.000 for one transaction, so this line is not booked; check this figure against the bank statement."),
    )
}

/// Rupiah in Indonesian (`1.500.000`, `1.500.000,00`, `Rp 1.500.000,-`) or English
/// (`1,500,000.00`) writing, or plain (`1500000`); signed. The last separator decides: `,dd`
/// or `.dd` at the end (exactly two digits) is a decimal part, every other separator groups
/// thousands and must do so consistently.
///
/// Not `lingkaran_domain::worker::parse_rupiah`: that one reads amounts clerks type (no sign,
/// no sen allowed), while a statement has signs, `CR`/`DB` columns and both conventions, and
/// reports sen as its own error (`fractional_rupiah`).
fn parse_amount(raw: &str) -> Result<i64, AmountError> {
    let mut s = raw.trim();
    let mut negative = false;
    let take_sign = |s: &mut &str, negative: &mut bool| {
        if let Some(rest) = s.strip_prefix('-') {
            *negative = true;
            *s = rest.trim_start();
        } else if let Some(rest) = s.strip_prefix('+') {
            *s = rest.trim_start();
        }
    };
    take_sign(&mut s, &mut negative);
    for prefix in ["rp.", "rp", "idr"] {
        if s.len() >= prefix.len()
            && s.is_char_boundary(prefix.len())
            && s[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            s = s[prefix.len()..].trim_start();
            break;
        }
    }
    if !negative {
        take_sign(&mut s, &mut negative);
    }
    // "Rp 1.500.000,-": the Indonesian way of saying "and no cents".
    let s = s
        .strip_suffix(",-")
        .or_else(|| s.strip_suffix(".-"))
        .unwrap_or(s);
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit)
        || !b
            .iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b','))
    {
        return Err(AmountError::Invalid);
    }
    let n = b.len();
    let (int_part, frac, decimal_sep) = if n >= 3
        && matches!(b[n - 3], b'.' | b',')
        && b[n - 2].is_ascii_digit()
        && b[n - 1].is_ascii_digit()
    {
        (&s[..n - 3], &s[n - 2..], Some(b[n - 3]))
    } else {
        (s, "", None)
    };
    let separators: Vec<u8> = int_part
        .bytes()
        .filter(|c| matches!(c, b'.' | b','))
        .collect();
    if let Some(first) = separators.first() {
        if separators.iter().any(|c| c != first) || decimal_sep == Some(*first) {
            return Err(AmountError::Invalid);
        }
        let groups: Vec<&str> = int_part.split(char::from(*first)).collect();
        let well_grouped = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !well_grouped {
            return Err(AmountError::Invalid);
        }
    }
    if int_part.is_empty() {
        return Err(AmountError::Invalid);
    }
    let digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0');
    if significant.len() > 16 {
        return Err(AmountError::TooLarge);
    }
    let value: i64 = digits.parse().map_err(|_| AmountError::Invalid)?;
    if value > Rupiah::MAX.get() {
        return Err(AmountError::TooLarge);
    }
    if !frac.is_empty() && frac != "00" {
        let sep = decimal_sep.map_or(',', char::from);
        return Err(AmountError::Fractional(format!("{sep}{frac}")));
    }
    Ok(if negative { -value } else { value })
}

/// `2026-11-25`, `25/11/2026`, `25-11-2026`, `25.11.2026`, `2026/11/25` (read by
/// `lingkaran_domain::worker::parse_date`) and `25/11/26`, `25-11-26` (years 2000-2099). A time
/// after the date (`25/11/2026 10:15`) is ignored.
///
/// Only well-shaped input reaches `parse_date`, because chrono reads `%Y` from any number of
/// digits: there `25/11/26` would be the year 26.
fn parse_date(raw: &str) -> Option<NaiveDate> {
    let mut t = raw.trim();
    if let Some((date, time)) = t.split_once(char::is_whitespace) {
        if time
            .trim()
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
        {
            t = date;
        }
    }
    // `20261125` (Danamon's exports, with a time `101502` after it).
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::from_ymd_opt(
            t[..4].parse().ok()?,
            t[4..6].parse().ok()?,
            t[6..].parse().ok()?,
        )
        .filter(|d| (1990..=2100).contains(&d.year()));
    }
    let sep = t.bytes().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let parts: Vec<&str> = t.split(char::from(sep)).collect();
    let [a, m, c] = parts.as_slice() else {
        return None;
    };
    if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let short = |p: &str| (1..=2).contains(&p.len());
    match (a.len(), c.len()) {
        (4, _) if short(m) && short(c) => lingkaran_domain::worker::parse_date(t),
        (_, 4) if short(a) && short(m) => lingkaran_domain::worker::parse_date(t),
        (_, 2) if short(a) && short(m) => NaiveDate::from_ymd_opt(
            2000 + c.parse::<i32>().ok()?,
            m.parse().ok()?,
            a.parse().ok()?,
        ),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// MT940

mod mt940 {
    use super::*;

    /// One tag and its text, which may run over several lines.
    struct Field<'t> {
        tag: &'t str,
        line: usize,
        lines: Vec<&'t str>,
    }

    /// `:TAG:` at the start of a line: two digits and an optional capital letter.
    fn split_tag(line: &str) -> Option<(&str, &str)> {
        let rest = line.strip_prefix(':')?;
        let (tag, value) = rest.split_once(':')?;
        let b = tag.as_bytes();
        let ok = (b.len() == 2 || b.len() == 3)
            && b[0].is_ascii_digit()
            && b[1].is_ascii_digit()
            && b.get(2).is_none_or(u8::is_ascii_uppercase);
        ok.then_some((tag, value))
    }

    /// The file's lines grouped into fields, without the SWIFT envelope. Lines before the first
    /// tag (a title some banks add) are ignored.
    fn fields(text: &str) -> Vec<Field<'_>> {
        let mut out: Vec<Field> = Vec::new();
        let mut in_field = false;
        for (i, raw) in text.split('\n').enumerate() {
            let line_no = i + 1;
            // Some banks' converters indent every line with spaces.
            let mut line = raw.trim_end_matches(['\r', '\n']).trim_start();
            if line.starts_with('{') {
                // `{1:…}{2:…}{4:` opens the text block; what follows `{4:` may be a tag.
                match line.find("{4:") {
                    Some(pos) if !line[pos + 3..].trim().is_empty() => line = &line[pos + 3..],
                    _ => {
                        in_field = false;
                        continue;
                    }
                }
            }
            if line.starts_with("-}") || line.trim() == "-" {
                in_field = false;
                continue;
            }
            if let Some((tag, value)) = split_tag(line) {
                out.push(Field {
                    tag,
                    line: line_no,
                    lines: vec![value],
                });
                in_field = true;
            } else if in_field && !line.trim().is_empty() {
                if let Some(f) = out.last_mut() {
                    f.lines.push(line);
                }
            }
        }
        out
    }

    /// `:86:` lines as one: SWIFT wraps free text at 65 characters, so a full line continues
    /// the next without a space (a VA number may be cut there); a shorter line ended a phrase.
    fn join_86(lines: &[&str]) -> String {
        let mut out = String::new();
        let mut previous_full = false;
        for (i, line) in lines.iter().enumerate() {
            if i > 0 && !previous_full {
                out.push(' ');
            }
            out.push_str(line);
            previous_full = line.chars().count() >= 65;
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// `YYMMDD`, years 2000-2099.
    fn date6(s: &str) -> Option<NaiveDate> {
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        NaiveDate::from_ymd_opt(
            2000 + s.get(0..2)?.parse::<i32>().ok()?,
            s.get(2..4)?.parse().ok()?,
            s.get(4..6)?.parse().ok()?,
        )
    }

    /// How the file writes amounts, decided once for the whole file.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub(super) enum AmountMode {
        /// SWIFT's way: a decimal comma, always (`1500000,00`, `1500000,`).
        Comma,
        /// No amount in the file has a decimal comma (`16800`, as some banks' converters
        /// write): every amount is whole rupiah. The report says so.
        Whole,
    }

    pub(super) enum AmountFault {
        Unreadable,
        /// No decimal comma, in a file whose other amounts have one: rupiah or sen?
        NoComma,
        /// Above Rp 10^15.
        TooLarge,
    }

    /// An amount in sen (hundredths); more decimals are allowed only as zeros.
    pub(super) fn amount_cents(s: &str, mode: AmountMode) -> Result<i128, AmountFault> {
        let (whole, frac) = match (s.split_once(','), mode) {
            (Some(parts), _) => parts,
            (None, AmountMode::Whole) => (s, ""),
            (None, AmountMode::Comma) => {
                return Err(if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    AmountFault::NoComma
                } else {
                    AmountFault::Unreadable
                })
            }
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(AmountFault::Unreadable);
        }
        if frac.len() > 2 && frac.bytes().skip(2).any(|b| b != b'0') {
            return Err(AmountFault::Unreadable);
        }
        if whole.trim_start_matches('0').len() > 16 {
            return Err(AmountFault::TooLarge);
        }
        let cents: i128 = format!("{:0<2}", frac.get(..2).unwrap_or(frac))
            .parse()
            .map_err(|_| AmountFault::Unreadable)?;
        let cents = whole.parse::<i128>().map_err(|_| AmountFault::Unreadable)? * 100 + cents;
        if cents > i128::from(Rupiah::MAX.get()) * 100 {
            return Err(AmountFault::TooLarge);
        }
        Ok(cents)
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        Credit,
        Debit,
        /// `RC`: reversal of a credit (money out again).
        ReversalOfCredit,
        /// `RD`: reversal of a debit (money back in, but not a payment).
        ReversalOfDebit,
    }

    impl Mark {
        fn sign(self) -> i128 {
            match self {
                Mark::Credit | Mark::ReversalOfDebit => 1,
                Mark::Debit | Mark::ReversalOfCredit => -1,
            }
        }
    }

    /// What a `:61:` line holds. The parts whose failure does not hide the mark are kept as
    /// results, so a debit with a damaged amount is still just a skipped debit.
    struct Entry<'t> {
        mark: Mark,
        booked_on: Result<NaiveDate, Problem>,
        value_date: Option<NaiveDate>,
        amount: Result<i128, Problem>,
        amount_text: &'t str,
        reference: Option<String>,
        /// After `//`: the bank's own reference.
        bank_reference: Option<String>,
    }

    fn problem(code: &'static str, line: usize, tag: &str, id: String, en: String) -> Problem {
        Problem::new(
            code,
            format!("Baris {line} (:{tag}:): {id}"),
            format!("Line {line} (:{tag}:): {en}"),
        )
    }

    fn bad_date(line: usize, tag: &str, value: &str) -> Problem {
        let v = snippet(value);
        problem(
            "bad_date",
            line,
            tag,
            format!("tanggal \"{v}\" tidak ada di kalender; MT940 menulis tanggal sebagai tahun, bulan, hari (261125 = 25 November 2026)."),
            format!("date \"{v}\" is not a calendar date; MT940 writes dates as year, month, day (261125 = 25 November 2026)."),
        )
    }

    fn parse_61<'t>(line: usize, value: &'t str, mode: AmountMode) -> Result<Entry<'t>, Problem> {
        let v = value.trim();
        let b = v.as_bytes();
        let value_date_text = v.get(0..6).unwrap_or(v);
        if b.len() < 6 || !b[..6].iter().all(u8::is_ascii_digit) {
            return Err(problem(
                "bad_date",
                line,
                "61",
                format!("baris harus dimulai dengan tanggal valuta enam angka (tahun, bulan, hari: 261125 = 25 November 2026), tetapi berisi \"{}\".", snippet(v)),
                format!("the line must start with a six-digit value date (year, month, day: 261125 = 25 November 2026), but reads \"{}\".", snippet(v)),
            ));
        }
        let value_date = date6(value_date_text);
        let mut pos = 6;
        // Optional entry (booking) date MMDD, in the year nearest the value date.
        let mut entry_text = None;
        if b.len() >= pos + 4 && b[pos..pos + 4].iter().all(u8::is_ascii_digit) {
            entry_text = v.get(pos..pos + 4);
            pos += 4;
        }
        let mark = match (b.get(pos), b.get(pos + 1)) {
            (Some(b'R'), Some(b'C')) => (Mark::ReversalOfCredit, 2),
            (Some(b'R'), Some(b'D')) => (Mark::ReversalOfDebit, 2),
            (Some(b'C'), _) => (Mark::Credit, 1),
            (Some(b'D'), _) => (Mark::Debit, 1),
            _ => {
                let found = v
                    .get(pos..)
                    .unwrap_or("")
                    .chars()
                    .take(2)
                    .collect::<String>();
                return Err(problem(
                    "bad_mark",
                    line,
                    "61",
                    format!("tanda \"{found}\" setelah tanggal tidak dikenal; harus C (kredit, uang masuk), D (debet, uang keluar), RC atau RD (pembatalan)."),
                    format!("mark \"{found}\" after the date is not recognised; it must be C (credit, money in), D (debit, money out), RC or RD (reversal)."),
                ));
            }
        };
        pos += mark.1;
        let mark = mark.0;
        // Optional funds code: the third letter of the currency code.
        if b.get(pos).is_some_and(u8::is_ascii_alphabetic) {
            pos += 1;
        }
        let amount_len = b[pos.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || matches!(c, b',' | b'.'))
            .count();
        let amount_text = v.get(pos..pos + amount_len).unwrap_or("");
        pos += amount_len;
        let type_code = v.get(pos..pos + 4).unwrap_or("");
        let type_ok = type_code.len() == 4
            && matches!(type_code.as_bytes()[0], b'N' | b'F' | b'S')
            && type_code.bytes().skip(1).all(|c| c.is_ascii_alphanumeric());
        if amount_text.is_empty() || !type_ok {
            let (id, en) = if amount_text.is_empty() {
                (
                    format!(
                        "jumlah tidak ditemukan setelah tanda debet/kredit dalam \"{}\".",
                        snippet(v)
                    ),
                    format!(
                        "no amount after the debit/credit mark in \"{}\".",
                        snippet(v)
                    ),
                )
            } else {
                (
                    format!("kode jenis transaksi (misalnya NTRF) tidak ditemukan setelah jumlah \"{amount_text}\" dalam \"{}\".", snippet(v)),
                    format!("no transaction type code (such as NTRF) after the amount \"{amount_text}\" in \"{}\".", snippet(v)),
                )
            };
            return Err(problem("bad_mt940_line", line, "61", id, en));
        }
        pos += 4;
        let refs = v.get(pos..).unwrap_or("");
        let (customer_ref, bank_ref) = refs.split_once("//").unwrap_or((refs, ""));
        let bank_ref = bank_ref.split_whitespace().next().unwrap_or("");

        let booked_on = match (value_date, entry_text) {
            (None, _) => Err(bad_date(line, "61", value_date_text)),
            (Some(vd), None) => Ok(vd),
            (Some(vd), Some(mmdd)) => {
                let month = mmdd.get(0..2).and_then(|m| m.parse::<u32>().ok());
                let day = mmdd.get(2..4).and_then(|d| d.parse::<u32>().ok());
                let nearest = [vd.year() - 1, vd.year(), vd.year() + 1]
                    .iter()
                    .filter_map(|y| NaiveDate::from_ymd_opt(*y, month?, day?))
                    .min_by_key(|d| (*d - vd).num_days().abs());
                nearest.ok_or_else(|| bad_date(line, "61", mmdd))
            }
        };
        let amount = amount_cents(amount_text, mode).map_err(|fault| match fault {
            AmountFault::Unreadable => problem(
                "bad_amount",
                line,
                "61",
                format!("jumlah \"{amount_text}\" tidak terbaca; MT940 menulis jumlah tanpa titik ribuan dan dengan koma desimal, misalnya 1500000,00."),
                format!("amount \"{amount_text}\" cannot be read; MT940 writes amounts without thousands separators and with a decimal comma, such as 1500000,00."),
            ),
            AmountFault::NoComma => problem(
                "ambiguous_amount",
                line,
                "61",
                format!("jumlah \"{amount_text}\" ditulis tanpa koma desimal, padahal jumlah lain di berkas ini memakainya; tidak jelas apakah ini rupiah atau sen, jadi baris ini tidak dibukukan. Periksa di mutasi bank dan catat secara manual bila perlu."),
                format!("amount \"{amount_text}\" has no decimal comma while the other amounts in this file have one; it is unclear whether it is rupiah or sen, so this line is not booked. Check it against the bank statement and record it by hand if needed."),
            ),
            AmountFault::TooLarge => problem(
                "amount_too_large",
                line,
                "61",
                format!("jumlah \"{}\" melebihi batas Rp 1.000.000.000.000.000 untuk satu transaksi, jadi baris ini tidak dibukukan; periksa angka ini di mutasi bank.", snippet(amount_text)),
                format!("amount \"{}\" is above the bound of Rp 1.000.000.000.000.000 for one transaction, so this line is not booked; check this figure against the bank statement.", snippet(amount_text)),
            ),
        });
        Ok(Entry {
            mark,
            booked_on,
            value_date,
            amount,
            amount_text,
            reference: reference_of(customer_ref),
            bank_reference: bank_reference_of(bank_ref),
        })
    }

    /// An opening or closing balance: `C261125IDR15000000,00`. The currency is read first so
    /// that a foreign-currency statement is named as such even if the rest is damaged.
    struct Balance {
        currency: Option<String>,
        date: Option<NaiveDate>,
        cents: Option<i128>,
    }

    fn parse_balance(value: &str, mode: AmountMode) -> Balance {
        let v = value.trim();
        let currency = v
            .get(7..10)
            .filter(|c| c.bytes().all(|b| b.is_ascii_uppercase()))
            .map(str::to_string);
        let sign = match v.as_bytes().first() {
            Some(b'C') => Some(1),
            Some(b'D') => Some(-1),
            _ => None,
        };
        let date = v.get(1..7).and_then(date6);
        let cents = match (sign, date, &currency) {
            (Some(sign), Some(_), Some(_)) => v
                .get(10..)
                .and_then(|a| amount_cents(a, mode).ok())
                .map(|c| c * sign),
            _ => None,
        };
        Balance {
            currency,
            date,
            cents,
        }
    }

    /// One statement (`:20:` … `:62F:`) while it is read.
    struct Statement {
        start_line: usize,
        opened: bool,
        closed: bool,
        opening: Option<i128>,
        /// The sum of the entries, while every one of them could be read.
        movement: Option<i128>,
        info: StatementInfo,
    }

    /// Amounts as written in `:60:`, `:61:` and `:62:` fields: (with a decimal comma, without
    /// one, the first without one).
    fn count_commas<'t>(fields: &[Field<'t>]) -> (usize, usize, Option<&'t str>) {
        let (mut with, mut without, mut example) = (0, 0, None);
        for f in fields {
            let first = f.lines.first().copied().unwrap_or("");
            let text = match f.tag {
                "60F" | "60M" | "62F" | "62M" => first.trim().get(10..),
                "61" => parse_61(f.line, first, AmountMode::Comma)
                    .ok()
                    .map(|e| e.amount_text),
                _ => None,
            };
            match text {
                Some(t) if t.contains(',') => with += 1,
                Some(t) if !t.is_empty() => {
                    without += 1;
                    example.get_or_insert(t);
                }
                _ => {}
            }
        }
        (with, without, example)
    }

    /// `:28C:` `00325/001`: the statement number and its sequence (page) number.
    fn sequence(value: &str) -> Option<(u64, u64)> {
        let v = value.trim();
        let (n, page) = v.split_once('/').unwrap_or((v, "1"));
        Some((n.trim().parse().ok()?, page.trim().parse().ok()?))
    }

    fn sen(cents: Option<i128>) -> Option<i64> {
        cents.and_then(|c| i64::try_from(c).ok())
    }

    pub(super) fn parse(text: &str) -> Result<Parsed, Problem> {
        let mut parsed = Parsed::default();
        let fields = fields(text);
        let (with, without, example) = count_commas(&fields);
        let mode = if with == 0 && without > 0 {
            parsed
                .notes
                .push(whole_rupiah_note(without, example.unwrap_or("")));
            AmountMode::Whole
        } else {
            AmountMode::Comma
        };
        let mut current: Option<Statement> = None;
        let mut statements_opened = 0usize;
        // Where a following `:86:` belongs: the index of the last credit read, or a
        // line that was not a credit (its `:86:` is ignored).
        let mut after_61: Option<Option<usize>> = None;

        let incomplete = |st: &Statement| {
            (
                st.start_line,
                problem(
                    "incomplete_statement",
                    st.start_line,
                    "20",
                    "mutasi rekening yang dimulai di sini tidak punya saldo akhir (:62F:), jadi berkas mungkin terpotong. Uang masuk yang terbaca tetap ditampilkan; unduh ulang berkas lengkap dari bank.".to_string(),
                    "the statement that starts here has no closing balance (:62F:), so the file may be cut short. The credits read are still shown; download the complete file from the bank again.".to_string(),
                ),
            )
        };

        for field in &fields {
            let line = field.line;
            let first = field.lines.first().copied().unwrap_or("");
            let tag = field.tag;
            if tag != "86" {
                after_61 = None;
            }
            match tag {
                "20" => {
                    if let Some(st) = current.take() {
                        if !st.closed {
                            parsed.errors.push(incomplete(&st));
                        }
                        parsed.statements.push(st.info);
                    }
                    current = Some(Statement {
                        start_line: line,
                        opened: false,
                        closed: false,
                        opening: None,
                        movement: Some(0),
                        info: StatementInfo {
                            line_no: line,
                            account: None,
                            sequence: None,
                            number: None,
                            opening: None,
                            closing: None,
                        },
                    });
                }
                "25" if current.is_some() => {
                    if let Some(st) = current.as_mut() {
                        st.info.account = normalise_account(first);
                    }
                }
                "28C" | "28" if current.is_some() => {
                    if let Some(st) = current.as_mut() {
                        let v = first.trim();
                        st.info.sequence = (!v.is_empty()).then(|| snippet(v));
                        st.info.number = sequence(v);
                    }
                }
                "21" | "64" | "65" if current.is_some() => {}
                "60F" | "60M" | "62F" | "62M" => {
                    let opening = tag.starts_with("60");
                    let Some(st) = current.as_mut().filter(|st| {
                        if opening {
                            !st.opened
                        } else {
                            st.opened && !st.closed
                        }
                    }) else {
                        parsed.errors.push((line, unexpected(line, tag)));
                        continue;
                    };
                    let balance = parse_balance(first, mode);
                    if let Some(cur) = balance.currency.as_deref().filter(|c| *c != "IDR") {
                        return Err(Problem::new(
                            "wrong_currency",
                            format!("Baris {line} (:{tag}:): mutasi rekening ini dalam mata uang {cur}, bukan rupiah (IDR). Lingkaran hanya menerima rekening rupiah; unggah mutasi rekening IDR."),
                            format!("Line {line} (:{tag}:): this statement is in {cur}, not rupiah (IDR). Lingkaran only takes rupiah accounts; upload the IDR account's statement."),
                        ));
                    }
                    if balance.cents.is_none() {
                        let v = snippet(first.trim());
                        parsed.errors.push((
                            line,
                            problem(
                                "bad_balance",
                                line,
                                tag,
                                format!("saldo \"{v}\" tidak terbaca; seharusnya seperti C261125IDR15000000,00 (C atau D, tanggal, mata uang, jumlah)."),
                                format!("balance \"{v}\" cannot be read; it should look like C261125IDR15000000,00 (C or D, date, currency, amount)."),
                            ),
                        ));
                    }
                    let dated = balance.date.zip(sen(balance.cents));
                    if opening {
                        st.opened = true;
                        st.opening = balance.cents;
                        st.info.opening = dated;
                        statements_opened += 1;
                    } else {
                        st.closed = true;
                        st.info.closing = dated;
                        if let (Some(open), Some(moved), Some(close)) =
                            (st.opening, st.movement, balance.cents)
                        {
                            if open + moved != close {
                                let (id_close, en_close) = rupiah(close);
                                let (id_open, en_open) = rupiah(open);
                                let (id_sum, en_sum) = rupiah(open + moved);
                                parsed.errors.push((
                                    line,
                                    problem(
                                        "balance_mismatch",
                                        line,
                                        tag,
                                        format!("saldo akhir {id_close} tidak sama dengan saldo awal {id_open} ditambah kredit dan dikurangi debet ({id_sum}); mungkin ada baris yang hilang atau berkas telah diubah. Unduh ulang dari bank."),
                                        format!("closing balance {en_close} is not the opening balance {en_open} plus credits minus debits ({en_sum}); a line may be missing or the file was edited. Download it from the bank again."),
                                    ),
                                ));
                            }
                        }
                    }
                }
                "61" => {
                    let Some(st) = current.as_mut().filter(|st| st.opened && !st.closed) else {
                        parsed.errors.push((line, unexpected(line, tag)));
                        continue;
                    };
                    after_61 = Some(None);
                    let entry = match parse_61(line, first, mode) {
                        Ok(entry) => entry,
                        Err(p) => {
                            st.movement = None;
                            parsed.errors.push((line, p));
                            continue;
                        }
                    };
                    st.movement = match (st.movement, &entry.amount) {
                        (Some(m), Ok(c)) => Some(m + entry.mark.sign() * c),
                        _ => None,
                    };
                    if entry.mark != Mark::Credit {
                        parsed.skipped_debits += 1;
                        continue;
                    }
                    let mut problems = Vec::new();
                    let amount = match entry.amount {
                        Ok(c) if c % 100 != 0 => {
                            let frac = entry.amount_text.split_once(',').map_or("", |(_, f)| f);
                            problems.push(problem(
                                "fractional_rupiah",
                                line,
                                "61",
                                format!("jumlah \"{}\" memuat sen (,{frac}); iuran dibayar dalam rupiah utuh, jadi periksa angka ini di mutasi bank.", entry.amount_text),
                                format!("amount \"{}\" has cents (,{frac}); contributions are paid in whole rupiah, so check this figure against the bank statement.", entry.amount_text),
                            ));
                            None
                        }
                        Ok(0) => {
                            problems.push(problem(
                                "zero_amount",
                                line,
                                "61",
                                format!(
                                    "jumlah \"{}\" bernilai nol, jadi ini bukan pembayaran.",
                                    entry.amount_text
                                ),
                                format!(
                                    "amount \"{}\" is zero, so this is not a payment.",
                                    entry.amount_text
                                ),
                            ));
                            None
                        }
                        Ok(c) => i64::try_from(c / 100).ok(),
                        Err(p) => {
                            problems.push(p);
                            None
                        }
                    };
                    let booked_on = match entry.booked_on {
                        Ok(d) => Some(d),
                        Err(p) => {
                            problems.insert(0, p);
                            None
                        }
                    };
                    match (booked_on, entry.value_date, amount) {
                        (Some(booked_on), Some(value_date), Some(amount))
                            if problems.is_empty() =>
                        {
                            after_61 = Some(Some(parsed.lines.len()));
                            parsed.lines.push(StatementLine {
                                line_no: line,
                                booked_on,
                                value_date,
                                amount,
                                va_number: va_number(entry.reference.as_deref(), ""),
                                reference: entry.reference,
                                bank_reference: entry.bank_reference,
                                account: st.info.account.clone(),
                                description: String::new(),
                            });
                        }
                        _ => parsed
                            .errors
                            .extend(problems.into_iter().map(|p| (line, p))),
                    }
                }
                "86" => {
                    // After `:61:` it describes that line; elsewhere it describes the whole
                    // statement, which nobody matches against.
                    if let Some(Some(i)) = after_61 {
                        if let Some(sl) = parsed.lines.get_mut(i) {
                            let more = join_86(&field.lines);
                            if sl.description.is_empty() {
                                sl.description = more;
                            } else {
                                sl.description = format!("{} {more}", sl.description);
                            }
                            sl.va_number = va_number(sl.reference.as_deref(), &sl.description);
                        }
                    }
                }
                "21" | "25" | "28" | "28C" | "64" | "65" => {
                    parsed.errors.push((line, unexpected(line, tag)));
                }
                _ => {
                    parsed.errors.push((
                        line,
                        Problem::new(
                            "unknown_tag",
                            format!("Baris {line}: tag :{tag}: tidak dikenal dalam mutasi MT940, jadi baris ini dilewati."),
                            format!("Line {line}: tag :{tag}: is not part of an MT940 statement, so this line was skipped."),
                        ),
                    ));
                }
            }
        }
        if let Some(st) = current {
            if !st.closed && st.opened {
                parsed.errors.push(incomplete(&st));
            }
            parsed.statements.push(st.info);
        }
        if statements_opened == 0 {
            return Err(Problem::new(
                "not_mt940",
                "Berkas ini bukan mutasi rekening MT940 yang lengkap: tidak ada saldo awal (:60F:) setelah :20:. Unduh ulang mutasi rekening dari bank.",
                "This file is not a complete MT940 statement: there is no opening balance (:60F:) after :20:. Download the statement from the bank again.",
            ));
        }
        Ok(parsed)
    }

    fn unexpected(line: usize, tag: &str) -> Problem {
        Problem::new(
            "unexpected_tag",
            format!("Baris {line}: tag :{tag}: muncul di tempat yang salah (urutan MT940 adalah :20:, :25:, :28C:, :60F:, lalu :61: dan :86:, lalu :62F:), jadi baris ini dilewati."),
            format!("Line {line}: tag :{tag}: is out of place (MT940 order is :20:, :25:, :28C:, :60F:, then :61: and :86:, then :62F:), so this line was skipped."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_both_conventions() {
        assert_eq!(parse_amount("1.500.000"), Ok(1_500_000));
        assert_eq!(parse_amount("1.500.000,00"), Ok(1_500_000));
        assert_eq!(parse_amount("Rp 1.500.000"), Ok(1_500_000));
        assert_eq!(parse_amount("Rp. 1.500.000,-"), Ok(1_500_000));
        assert_eq!(parse_amount("1500000"), Ok(1_500_000));
        assert_eq!(parse_amount("1,500,000.00"), Ok(1_500_000));
        assert_eq!(parse_amount("-250.000"), Ok(-250_000));
        assert_eq!(parse_amount("Rp -250.000"), Ok(-250_000));
        assert_eq!(parse_amount("150.00"), Ok(150));
        assert_eq!(
            parse_amount("1.500.000,50"),
            Err(AmountError::Fractional(",50".into()))
        );
        for bad in [
            "12,5,0",
            "1.500,000",
            "1.500.00",
            "1500000.5",
            "1,5",
            "abc",
            "",
            "Rp",
            ".50",
            "1.5000",
        ] {
            assert_eq!(parse_amount(bad), Err(AmountError::Invalid), "{bad}");
        }
        assert_eq!(
            parse_amount("1.000.000.000.000.000"),
            Ok(1_000_000_000_000_000)
        );
        for huge in [
            "1.000.000.000.000.001",
            "9.223.372.036.854.775.000",
            "99999999999999999999",
            "-9223372036854775808",
        ] {
            assert_eq!(parse_amount(huge), Err(AmountError::TooLarge), "{huge}");
        }
    }

    #[test]
    fn dates_with_short_years_are_this_century() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25);
        for s in [
            "2026-11-25",
            "25/11/2026",
            "25-11-2026",
            "25/11/26",
            "25.11.2026",
            "25/11/2026 10:15",
            "20261125 101502",
            "20261125",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for bad in [
            "31/02/2026",
            "11/25/2026",
            "25/11/202",
            "1-2-3",
            "kemarin",
            "2026-11",
            "20261325 101502",
            "00001125",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn rupiah_is_grouped_per_language() {
        assert_eq!(
            rupiah(2_801_400_000),
            ("Rp 28.014.000".to_string(), "IDR 28,014,000".to_string())
        );
        assert_eq!(rupiah(150), ("Rp 1,50".to_string(), "IDR 1.50".to_string()));
    }
}
