//! The NIK parser: any text, as a clerk or a hostile form would type it. A NIK that parses
//! prints as 16 digits and parses back to itself; a list reports every line it does not take.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use lingkaran_domain::nik::{self, Nik};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(today) = NaiveDate::from_ymd_opt(2026, 12, 5) else {
        return;
    };
    if let Ok(n) = Nik::parse(text, today) {
        let shown = n.to_string();
        assert_eq!(shown.len(), 16, "a NIK prints as 16 digits");
        assert!(shown.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(Nik::parse(&shown, today).ok(), Some(n), "a NIK parses back");
        assert!(
            nik::may_be_personal(&shown),
            "a NIK is never taken for a VA number"
        );
    }
    let list = nik::parse_list(text, today);
    let lines = text.lines().count();
    assert!(list.niks.len() + list.invalid.len() <= lines);
    for (line, _, problems) in &list.invalid {
        assert!(*line >= 1 && *line <= lines);
        assert!(!problems.is_empty(), "a refused line says why");
    }
});
