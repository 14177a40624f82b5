//! The list reader: any file a proposer uploads (CSV in any encoding, or XLSX, or neither).
//! Each row it gives has a line number inside the file; reading stops, it never loops.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lingkaran_formats::list::RowReader;
use std::io::Write;
use std::sync::Once;

static DEFAULT_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook aborts on any panic, even one the reader catches on purpose (calamine
    // panics on some damaged workbooks; `list::xlsx_rows` turns that into the file's error).
    // A panic that escapes still fails the run: the harness aborts on it.
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let Ok(mut file) = tempfile_in_shm() else {
        return;
    };
    if file.write_all(data).is_err() || file.flush().is_err() {
        return;
    }
    let Ok(mut reader) = RowReader::open(file.path()) else {
        return;
    };
    let mut last = 0;
    let mut rows = 0usize;
    while let Some(row) = reader.next_row() {
        rows += 1;
        assert!(
            rows <= data.len() + 1,
            "more rows than bytes: the reader loops"
        );
        let Ok(row) = row else {
            break;
        };
        assert!(row.line >= 1);
        if reader.notes.format == "csv" {
            assert!(
                row.line > last,
                "CSV lines go forward: {} after {last}",
                row.line
            );
            // A line holds at most one more line break than the bytes it came from.
            assert!(row.line as usize <= data.len() + 1);
        }
        last = row.line;
        if row.unclosed_quote {
            assert!(row.cells.is_empty());
        }
    }
});

/// A file in memory-backed /dev/shm when there is one: the reader opens a path.
fn tempfile_in_shm() -> std::io::Result<tempfile::NamedTempFile> {
    match std::path::Path::new("/dev/shm").is_dir() {
        true => tempfile::NamedTempFile::new_in("/dev/shm"),
        false => tempfile::NamedTempFile::new(),
    }
}
