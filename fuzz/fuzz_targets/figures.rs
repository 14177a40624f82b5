//! The figures file's row checks: any header and any cells. A figure that passes has a
//! region code, a value within its bounds and a source; a refused row names its columns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lingkaran_formats::figures::{self, Measure, PEOPLE_MAX};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines();
    let Some(head) = lines.next() else {
        return;
    };
    let cells = |l: &str| l.split([',', ';']).map(str::to_string).collect::<Vec<_>>();
    let Ok(h) = figures::header(&cells(head)) else {
        return;
    };
    for (i, line) in lines.enumerate().take(10_000) {
        match figures::row(&h, i as i64 + 2, &cells(line)) {
            Ok(f) => {
                assert!(!f.source.is_empty() && !f.region.is_empty());
                if f.measure.is_percent() {
                    assert!(f.value <= 1_000_000, "a percentage above 100: {}", f.value);
                } else {
                    assert!(f.value <= PEOPLE_MAX);
                    if f.measure == Measure::Denominator {
                        assert!(f.value > 0, "a zero denominator");
                    }
                }
                if f.measure.needs_definition() {
                    assert!(f.definition.is_some());
                }
            }
            Err(problems) => {
                assert!(!problems.is_empty(), "a refused row says why");
                for p in problems {
                    assert!(figures::COLUMNS.iter().any(|(id, _)| *id == p.column));
                    assert!(p.value.chars().count() <= 61);
                }
            }
        }
    }
});
