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
}
