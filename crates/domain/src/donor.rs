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

/// The longest name a receipt prints for its donor (`donors.receipt_name`, whose CHECK says
/// the same).
pub const RECEIPT_NAME_MAX: usize = 200;

/// Whether a character may not stand in a name printed on a receipt: a control character
/// (line breaks, tabs, NUL, DEL, C1), or one that reorders or hides text (the bidirectional
/// overrides and isolates, zero-width marks), with which a printed name could read
/// differently from what is stored.
fn hidden_or_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The name a donor wants printed on its receipts, as typed ("Keluarga Bpk. Ahmad",
/// "PT Semen Sejahtera Tbk (Program CSR)"): trimmed; empty is `None`, the donor's registered
/// name. At most [`RECEIPT_NAME_MAX`] characters, no control or hidden character, and not
/// starting like a spreadsheet formula. Every refusal is `bad_receipt_name`, saying which rule.
pub fn parse_receipt_name(input: &str) -> Result<Option<String>, Problem> {
    let name = input.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let refuse = |id: String, en: String| Err(Problem::new("bad_receipt_name", id, en));
    // Counting stops just past the limit: a megabyte costs no more than a short name.
    if name.chars().take(RECEIPT_NAME_MAX + 1).count() > RECEIPT_NAME_MAX {
        return refuse(
            format!("Nama pada kuitansi paling banyak {RECEIPT_NAME_MAX} karakter."),
            format!("The name on receipts has at most {RECEIPT_NAME_MAX} characters."),
        );
    }
    if let Some(c) = name.chars().find(|c| hidden_or_control(*c)) {
        let code = format!("U+{:04X}", u32::from(c));
        return refuse(
            format!(
                "Nama pada kuitansi tidak boleh memuat karakter kendali atau tak terlihat ({code}, misalnya baris baru atau tab)."
            ),
            format!(
                "The name on receipts may not hold a control or invisible character ({code}, such as a line break or a tab)."
            ),
        );
    }
    if crate::fields::starts_like_formula(name) {
        return refuse(
            "Nama pada kuitansi tidak boleh diawali =, +, - atau @ (dibaca sebagai rumus oleh spreadsheet).".into(),
            "The name on receipts may not start with =, +, - or @ (a spreadsheet reads it as a formula).".into(),
        );
    }
    Ok(Some(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_names() {
        assert_eq!(
            parse_receipt_name("  Keluarga Bpk. Ahmad ").ok(),
            Some(Some("Keluarga Bpk. Ahmad".to_string()))
        );
        assert_eq!(parse_receipt_name(" \t ").ok(), Some(None));
        let longest = "a".repeat(RECEIPT_NAME_MAX);
        assert_eq!(
            parse_receipt_name(&longest).ok(),
            Some(Some(longest.clone()))
        );
        let too_long = parse_receipt_name(&format!("{longest}b")).err();
        assert_eq!(too_long.as_ref().map(|p| p.code), Some("bad_receipt_name"));
        assert!(too_long.is_some_and(|p| p.message("en").contains("at most 200")));
        // Multi-byte characters count as one each.
        assert!(parse_receipt_name(&"é".repeat(RECEIPT_NAME_MAX)).is_ok());
        for bad in [
            "PT A\nPT B",
            "PT\u{0}A",
            "PT\u{7F}",
            "PT \u{202E}A",
            "Ahmad\u{200B}",
            "=HYPERLINK()",
            "@A",
        ] {
            let p = parse_receipt_name(bad).err();
            assert_eq!(p.map(|p| p.code), Some("bad_receipt_name"), "{bad:?}");
        }
    }

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
