//! Documents as a reader checks them: a PDF's text through `pdftotext` (Debian's
//! poppler-utils), a workbook's sheets through calamine, and a file fetched over HTTP with its
//! content type. One copy for the receipts, the statements and the regional report.
#![allow(dead_code)]

use super::{TestApp, Token};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn pdftotext(bytes: &[u8], layout: bool) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, bytes).unwrap();
    let mut cmd = std::process::Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) reads the document's text");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// A PDF's text with one space between words, whatever the wrapping.
pub fn pdf_text(bytes: &[u8]) -> String {
    pdftotext(bytes, false)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A PDF's text laid out as printed (a table's row on one line).
pub fn pdf_layout(bytes: &[u8]) -> String {
    pdftotext(bytes, true)
}

/// A workbook's sheet, row by row.
pub fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    wb.worksheet_range(name)
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect()
}

/// The row whose cell `col` is `key`.
pub fn row<'a>(rows: &'a [Vec<Data>], col: usize, key: &str) -> &'a [Data] {
    rows.iter()
        .find(|r| r.get(col).is_some_and(|c| *c == Data::String(key.into())))
        .unwrap_or_else(|| panic!("no row {key}: {rows:?}"))
}

/// The column named `name` in the header row `header`.
pub fn column(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|c| *c == Data::String(name.into()))
        .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
}

pub fn number(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(n) => *n as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// GET with a bearer token (or none): status, content type and bytes.
pub async fn fetch(app: &TestApp, t: Option<&Token>, path: &str) -> (u16, String, Vec<u8>) {
    let mut r = app.client.get(app.url(path));
    if let Some(t) = t {
        r = r.bearer_auth(&t.token);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, ct, r.bytes().await.unwrap().to_vec())
}
