//! The files offered for download on the upload page: the CSV example holds only rows that
//! import cleanly, and the XLSX template keeps NIKs as text (Excel would otherwise turn
//! `3525011203850001` into `3.52501E+15` and lose digits).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::TestApp;
use lingkaran::auth::Role;
use std::io::Read;

const TEMPLATE: &str = "examples/templat-unggahan.xlsx";

/// Writes the template. Run it after changing the columns:
/// `cargo test --test integration template:: -- --ignored write_the_template`.
#[test]
#[ignore]
fn write_the_template() {
    use lingkaran_domain::worker::COLUMNS;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Daftar").unwrap();
    let text = rust_xlsxwriter::Format::new().set_num_format_index(49);
    let head = rust_xlsxwriter::Format::new()
        .set_bold()
        .set_num_format_index(49);
    for (i, (id, _, _)) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(i).unwrap();
        ws.write_string_with_format(0, col, *id, &head).unwrap();
        ws.set_column_width(col, if i == 0 { 20 } else { 16 })
            .unwrap();
        // nik, tanggal_lahir, kode_desa and no_hp are text: digits and dots kept as typed.
        if [0, 3, 4, 5].contains(&i) {
            ws.set_column_format(col, &text).unwrap();
        }
    }
    wb.save(TEMPLATE).unwrap();
}

/// The `numFmtId` of each cell style (`cellXfs`) in a workbook's styles, and the style of
/// each column (`<col min max style>`) of the first sheet.
fn styles(bytes: &[u8]) -> (String, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    (read("xl/styles.xml"), read("xl/worksheets/sheet1.xml"))
}

both_dbs!(
    the_downloads_are_a_clean_example_and_a_text_nik_template,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let org = app.org("Desa Sawo", "35.25.01.2001").await;
        let t = app.user("desa.sawo", Role::Proposer, Some(org), &[]).await;

        // The CSV example: every row imports, none is a warning.
        let csv = app
            .client
            .get(app.url("/contoh-unggahan.csv"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let (s, r) = app.upload(&t, "contoh.csv", csv).await;
        // 202: taken; `upload` waited for the import's job, whose report this is.
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["status"], "done", "{r}");
        assert_eq!(r["rejected"], 0, "{r}");
        assert_eq!(r["duplicates"], 0, "{r}");
        assert_eq!(r["possible_duplicates"], 0, "{r}");
        assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{r}");
        assert_eq!(r["warnings"].as_array().unwrap().len(), 0, "{r}");
        assert!(r["accepted"].as_i64().unwrap() >= 5, "{r}");

        // The XLSX template, as served.
        let res = app
            .client
            .get(app.url("/templat-unggahan.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        let bytes = res.bytes().await.unwrap().to_vec();
        assert_eq!(bytes, std::fs::read(TEMPLATE).unwrap());
        let (styles, sheet) = styles(&bytes);
        // Column A (nik) has a style whose number format is 49, Excel's "@" (Text).
        let col_a = sheet
            .split("<col ")
            .skip(1)
            .find(|c| c.starts_with("min=\"1\""))
            .expect("column A has its own format");
        let style: usize = col_a
            .split("style=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        let xfs = styles.split("<cellXfs").nth(1).unwrap();
        let xf = xfs.split("<xf ").nth(style + 1).unwrap();
        assert!(xf.contains("numFmtId=\"49\""), "column A's style: {xf}");
        // Its header row is the columns the import knows, and it imports as an empty list.
        let (s, r) = app.upload(&t, "templat.xlsx", bytes).await;
        // 202: taken; `upload` waited for the import's job, whose report this is.
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["status"], "done", "{r}");
        assert_eq!(r["rows"], 0, "{r}");
    }
);
