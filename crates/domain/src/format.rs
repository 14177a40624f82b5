//! How amounts and dates are written for Indonesian readers: `Rp 16.800`, `23 Desember 2022`.

use chrono::{Datelike, NaiveDate};

/// A count with dots between thousands, as Indonesians write it: `247.777`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Whole rupiah with dots between thousands: `Rp 1.008.000.000`.
pub fn rupiah(amount: i64) -> String {
    let out = count(amount.unsigned_abs());
    if amount < 0 {
        format!("-Rp {out}")
    } else {
        format!("Rp {out}")
    }
}

/// What a receipt (kuitansi) is for: money received (a payment, by its id) or a donation
/// paid from the donor's credit (a credit settlement, by its id). The two are numbered
/// apart, so a number never names two receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptOf {
    Payment(i64),
    CreditSettlement(i64),
}

/// The number of a receipt: `KW-12` for payment 12, `KWK-5` (kuitansi kredit) for credit
/// settlement 5. The one rule for the API, the pages and anything printed.
pub fn receipt_number(of: ReceiptOf) -> String {
    match of {
        ReceiptOf::Payment(id) => format!("KW-{id}"),
        ReceiptOf::CreditSettlement(id) => format!("KWK-{id}"),
    }
}

const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `Desember 2022` (or `December 2022` for `lang == "en"`).
pub fn month(m: crate::rates::Month, lang: &str) -> String {
    let names = if lang == "en" { &MONTHS } else { &BULAN };
    let name = names
        .get(m.month().saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    format!("{name} {}", m.year())
}

/// `23 Desember 2022` (or `23 December 2022` for `lang == "en"`).
pub fn date(d: NaiveDate, lang: &str) -> String {
    let names = if lang == "en" { &MONTHS } else { &BULAN };
    let month = names.get(d.month0() as usize).copied().unwrap_or("");
    format!("{} {} {}", d.day(), month, d.year())
}

const SATUAN: [&str; 12] = [
    "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
    "sebelas",
];

/// Below a thousand, in words: `seratus dua puluh lima`, `sebelas`, `tujuh belas`.
fn below_thousand(n: u64, out: &mut Vec<&'static str>) {
    let (hundreds, rest) = (n / 100, n % 100);
    match hundreds {
        0 => {}
        1 => out.push("seratus"),
        h => {
            out.push(SATUAN[h as usize]);
            out.push("ratus");
        }
    }
    match rest {
        0 => {}
        1..=11 => out.push(SATUAN[rest as usize]),
        12..=19 => {
            out.push(SATUAN[(rest - 10) as usize]);
            out.push("belas");
        }
        _ => {
            out.push(SATUAN[(rest / 10) as usize]);
            out.push("puluh");
            if rest % 10 > 0 {
                out.push(SATUAN[(rest % 10) as usize]);
            }
        }
    }
}

/// Whole rupiah in Indonesian words, as a letter or a receipt spells the amount out
/// (terbilang): `70.000.000` → `tujuh puluh juta rupiah`, `1.500` → `seribu lima ratus
/// rupiah`, `0` → `nol rupiah`.
pub fn terbilang(amount: i64) -> String {
    let mut n = amount.unsigned_abs();
    if n == 0 {
        return "nol rupiah".into();
    }
    // Groups of three digits, the lowest first.
    let mut groups = Vec::new();
    while n > 0 {
        groups.push(n % 1000);
        n /= 1000;
    }
    const SCALES: [&str; 7] = [
        "",
        "ribu",
        "juta",
        "miliar",
        "triliun",
        "kuadriliun",
        "kuintiliun",
    ];
    let mut words: Vec<&'static str> = Vec::new();
    if amount < 0 {
        words.push("minus");
    }
    for (i, g) in groups.iter().enumerate().rev() {
        match (*g, i) {
            (0, _) => {}
            // A thousand is "seribu", not "satu ribu".
            (1, 1) => words.push("seribu"),
            (g, i) => {
                below_thousand(g, &mut words);
                if let Some(scale) = SCALES.get(i).filter(|s| !s.is_empty()) {
                    words.push(scale);
                }
            }
        }
    }
    words.push("rupiah");
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_numbered_apart() {
        assert_eq!(receipt_number(ReceiptOf::Payment(12)), "KW-12");
        assert_eq!(receipt_number(ReceiptOf::CreditSettlement(12)), "KWK-12");
    }

    #[test]
    fn indonesian_forms() {
        assert_eq!(rupiah(16_800), "Rp 16.800");
        assert_eq!(rupiah(1_008_000_000), "Rp 1.008.000.000");
        assert_eq!(rupiah(0), "Rp 0");
        assert_eq!(rupiah(999), "Rp 999");
        let d = NaiveDate::from_ymd_opt(2022, 12, 23).unwrap_or_default();
        assert_eq!(date(d, "id"), "23 Desember 2022");
        assert_eq!(date(d, "en"), "23 December 2022");
        let m = crate::rates::Month::parse("2026-05").unwrap_or_else(|| unreachable!());
        assert_eq!(month(m, "id"), "Mei 2026");
        assert_eq!(month(m, "en"), "May 2026");
    }

    #[test]
    fn months_before_cross_years() {
        let m = crate::rates::Month::parse("2026-11").unwrap_or_else(|| unreachable!());
        assert_eq!(m.minus(6).to_string(), "2026-05");
        assert_eq!(m.minus(11).to_string(), "2025-12");
        assert_eq!(m.minus(0).to_string(), "2026-11");
        assert_eq!(m.minus(11).plus(11), m);
    }

    #[test]
    fn amounts_in_words() {
        assert_eq!(terbilang(70_000_000), "tujuh puluh juta rupiah");
        assert_eq!(terbilang(0), "nol rupiah");
        assert_eq!(terbilang(1), "satu rupiah");
        assert_eq!(terbilang(10), "sepuluh rupiah");
        assert_eq!(terbilang(11), "sebelas rupiah");
        assert_eq!(terbilang(12), "dua belas rupiah");
        assert_eq!(terbilang(19), "sembilan belas rupiah");
        assert_eq!(terbilang(20), "dua puluh rupiah");
        assert_eq!(terbilang(99), "sembilan puluh sembilan rupiah");
        assert_eq!(terbilang(100), "seratus rupiah");
        assert_eq!(terbilang(111), "seratus sebelas rupiah");
        assert_eq!(terbilang(250), "dua ratus lima puluh rupiah");
        assert_eq!(terbilang(1_000), "seribu rupiah");
        assert_eq!(terbilang(1_500), "seribu lima ratus rupiah");
        assert_eq!(terbilang(2_000), "dua ribu rupiah");
        assert_eq!(terbilang(11_000), "sebelas ribu rupiah");
        assert_eq!(terbilang(101_000), "seratus satu ribu rupiah");
        assert_eq!(terbilang(16_800), "enam belas ribu delapan ratus rupiah");
        assert_eq!(terbilang(1_000_000), "satu juta rupiah");
        assert_eq!(terbilang(1_001_000), "satu juta seribu rupiah");
        assert_eq!(terbilang(42_000_000), "empat puluh dua juta rupiah");
        assert_eq!(
            terbilang(48_123_456),
            "empat puluh delapan juta seratus dua puluh tiga ribu empat ratus lima puluh enam rupiah"
        );
        assert_eq!(terbilang(1_000_000_000), "satu miliar rupiah");
        assert_eq!(terbilang(10_000_000_000), "sepuluh miliar rupiah");
        assert_eq!(terbilang(2_000_000_000_000), "dua triliun rupiah");
        assert_eq!(terbilang(-1_500), "minus seribu lima ratus rupiah");
        // The extremes do not panic.
        assert!(terbilang(i64::MAX).ends_with("rupiah"));
        assert!(terbilang(i64::MIN).starts_with("minus"));
    }
}
