//! The insurer's confirmation file: any text. A line it takes has a 16-digit NIK and a KPJ of
//! digits; a line it refuses says where and why, and repeats little of what it was sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lingkaran_formats::confirmation::{self, KPJ_MAX};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Lines as an editor counts them: a lone `\r` (an old Mac file) ends one too.
    let lines = confirmation::breaks(text.as_bytes()) + 1;
    for row in confirmation::lines(text).take(100_000) {
        match row {
            Ok(l) => {
                assert!(l.line >= 2 && l.line <= lines + 1, "line {}", l.line);
                assert_eq!(l.nik.len(), 16);
                assert!(l.nik.bytes().all(|b| b.is_ascii_digit()));
                if let Some(kpj) = &l.kpj {
                    assert!(!kpj.is_empty() && kpj.len() <= KPJ_MAX);
                    assert!(kpj.bytes().all(|b| b.is_ascii_digit()));
                }
            }
            Err(bad) => {
                assert!(
                    bad.nik.chars().count() <= 41,
                    "echoed {} chars",
                    bad.nik.len()
                );
                assert!(
                    bad.why.chars().count() <= 200,
                    "a reason of {} chars",
                    bad.why.len()
                );
            }
        }
    }
});
