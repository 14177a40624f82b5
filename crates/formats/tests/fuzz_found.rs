//! Inputs the fuzzers (`fuzz/`, `.ci/fuzz`) found that broke a parser, kept so they never
//! break it again. Each file in `tests/fuzz-found/` is named after what it broke.

use lingkaran_formats::list::RowReader;
use std::path::Path;

fn found(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-found")
        .join(name)
}

/// All the rows a reader gives, and the error it stopped on.
fn read_all(path: &Path) -> (usize, Option<String>) {
    let mut reader = RowReader::open(path).expect("the file opens");
    let mut rows = 0;
    while let Some(row) = reader.next_row() {
        match row {
            Ok(_) => rows += 1,
            Err(e) => return (rows, Some(e)),
        }
    }
    (rows, None)
}

#[test]
fn a_damaged_workbook_that_made_calamine_panic_is_an_error_not_an_early_end() {
    // calamine 0.31 indexes out of bounds in its cell reader on this workbook. Before, the
    // reader's thread died and the import ended as if the list were shorter.
    let (_, error) = read_all(&found("list-calamine-index-panic.xlsx"));
    let error = error.expect("the damaged workbook is reported");
    assert!(error.starts_with("XLSX:"), "{error}");
}

#[test]
fn a_workbook_that_unpacks_beyond_the_cap_is_refused_before_it_is_read() {
    // A zip whose shared strings unpack to more than XLSX_PART_MAX: zeros compress about
    // 1000 to 1, so the file stays small.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bomb.xlsx");
    let file = std::fs::File::create(&path).expect("the file");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/sharedStrings.xml", options)
        .expect("a part");
    let block = vec![0u8; 1 << 20];
    for _ in 0..=(lingkaran_formats::list::XLSX_PART_MAX >> 20) {
        std::io::Write::write_all(&mut zip, &block).expect("written");
    }
    zip.finish().expect("the archive");
    assert!(std::fs::metadata(&path).expect("its size").len() < 2 << 20);
    let (rows, error) = read_all(&path);
    assert_eq!(rows, 0);
    let error = error.expect("refused");
    assert!(error.contains("unpacks to more than"), "{error}");
}
