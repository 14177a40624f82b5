//! Donors and the money they bring (domain.md §1): individuals, companies (CSR/TJSL, with an
//! NPWP), governments (whose money comes from budget lines with a ceiling) and institutions
//! (zakat bodies, BUMN/BUMD).

use crate::message::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DonorKind {
    Individual,
    Company,
    Government,
    Institution,
}

impl DonorKind {
    pub const ALL: [DonorKind; 4] = [
        DonorKind::Individual,
        DonorKind::Company,
        DonorKind::Government,
        DonorKind::Institution,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DonorKind::Individual => "individual",
            DonorKind::Company => "company",
            DonorKind::Government => "government",
            DonorKind::Institution => "institution",
        }
    }

    pub fn parse(s: &str) -> Option<DonorKind> {
        DonorKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

/// Where a government's money comes from: each budget line is tagged by its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BudgetSource {
    /// Regional budget.
    Apbd,
    /// The regions' share of tobacco excise.
    Dbhcht,
    /// Village funds.
    DanaDesa,
}

impl BudgetSource {
    pub const ALL: [BudgetSource; 3] = [
        BudgetSource::Apbd,
        BudgetSource::Dbhcht,
        BudgetSource::DanaDesa,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BudgetSource::Apbd => "apbd",
            BudgetSource::Dbhcht => "dbhcht",
            BudgetSource::DanaDesa => "dana_desa",
        }
    }

    pub fn parse(s: &str) -> Option<BudgetSource> {
        let key = s.trim().to_lowercase().replace([' ', '-'], "_");
        BudgetSource::ALL.into_iter().find(|b| b.code() == key)
    }
}

/// An NPWP (taxpayer number) as written: `01.234.567.8-901.000` (15 digits, the old form) or
/// 16 digits (the form since 2024). Returns the digits.
pub fn parse_npwp(input: &str) -> Result<String, Problem> {
    let digits: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | ' '))
        .collect();
    let ok = (digits.len() == 15 || digits.len() == 16)
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.bytes().any(|b| b != b'0');
    if ok {
        Ok(digits)
    } else {
        Err(Problem::new(
            "invalid_npwp",
            format!(
                "NPWP \"{}\" tidak benar: harus 15 digit (seperti 01.234.567.8-901.000) atau 16 digit.",
                input.trim()
            ),
            format!(
                "NPWP \"{}\" is not valid: it has 15 digits (like 01.234.567.8-901.000) or 16.",
                input.trim()
            ),
        ))
    }
}

/// An NPWP's digits as printed: the old 15-digit form `01.234.567.8-901.000`; the 16-digit
/// form (since 2024) and anything else as it is.
pub fn npwp_text(digits: &str) -> String {
    let d = digits.as_bytes();
    if d.len() == 15 && d.iter().all(u8::is_ascii_digit) {
        let part = |a: usize, b: usize| digits.get(a..b).unwrap_or("");
        format!(
            "{}.{}.{}.{}-{}.{}",
            part(0, 2),
            part(2, 5),
            part(5, 8),
            part(8, 9),
            part(9, 12),
            part(12, 15)
        )
    } else {
        digits.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npwp_printed() {
        assert_eq!(npwp_text("012345678901000"), "01.234.567.8-901.000");
        assert_eq!(npwp_text("0012345678901000"), "0012345678901000");
    }

    #[test]
    fn npwp_forms() {
        assert_eq!(
            parse_npwp("01.234.567.8-901.000").ok().as_deref(),
            Some("012345678901000")
        );
        assert_eq!(
            parse_npwp("0012345678901000").ok().as_deref(),
            Some("0012345678901000")
        );
        assert!(parse_npwp("12.345").is_err());
        assert!(parse_npwp("00.000.000.0-000.000").is_err());
        assert!(parse_npwp("01.234.567.8-901.00A").is_err());
    }

    #[test]
    fn codes_round_trip() {
        for k in DonorKind::ALL {
            assert_eq!(DonorKind::parse(k.code()), Some(k));
        }
        assert_eq!(
            BudgetSource::parse("Dana Desa"),
            Some(BudgetSource::DanaDesa)
        );
        assert_eq!(BudgetSource::parse("DBHCHT"), Some(BudgetSource::Dbhcht));
    }
}
