//! The bank statement parser: any bytes, named as CSV or as MT940 (the first byte picks the
//! name). Every credit it gives is money the bounds allow, on a line of the file, with a VA
//! number that is never shaped like a NIK or a phone, and distinct keys for distinct lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lingkaran_domain::nik;
use lingkaran_formats::statement;

const NAMES: [&str; 4] = ["mutasi.csv", "mutasi.sta", "mutasi.txt", "MT940.940"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Ok(parsed) = statement::parse(name, bytes) else {
        return;
    };
    let lines_in_file = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    for l in &parsed.lines {
        assert!(
            l.amount > 0 && l.amount <= 1_000_000_000_000_000,
            "a credit within Rp 0 < a <= Rp 10^15: {}",
            l.amount
        );
        assert!(
            l.line_no >= 1 && l.line_no <= lines_in_file,
            "line {}",
            l.line_no
        );
        if let Some(va) = &l.va_number {
            assert!(
                !nik::may_be_personal(va),
                "a NIK or phone taken as VA: {va}"
            );
        }
    }
    for (line, problem) in &parsed.errors {
        assert!(*line <= lines_in_file, "error on line {line}");
        assert!(!problem.code.is_empty());
    }
    // Two lines share a key only when they are the same transfer seen twice: the same bank
    // reference on the same account, value date and amount (a statement repeated in one
    // file). Lines without a bank reference are told apart by their occurrence.
    let keys = statement::keys(&parsed.lines, "ACC");
    assert_eq!(keys.len(), parsed.lines.len());
    let mut seen = std::collections::HashMap::new();
    for (l, key) in parsed.lines.iter().zip(&keys) {
        let identity = (l.account.clone(), l.value_date, l.amount, key.clone());
        if let Some(earlier) = seen.insert(identity, l.line_no) {
            assert!(
                l.bank_reference.is_some(),
                "lines {earlier} and {} have no bank reference and share the key {key}",
                l.line_no
            );
        }
    }
});
