//! How money came in (`PaymentSource`) and what became of a bank statement's line
//! (`StatementLineStatus`), after the `WorkerStatus` pattern: `code()` is the word the store
//! keeps (the migrations' CHECK lists the same words), `parse` reads it back, and `label(lang)`
//! is the one place the word a reader sees is written.

/// How a payment reached Lingkaran (`payments.source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentSource {
    /// The payment provider's signed virtual-account notification.
    Callback,
    /// A line of a bank statement an officer uploaded.
    Statement,
    /// Entered by an officer, with evidence.
    Manual,
}

impl PaymentSource {
    pub const ALL: [PaymentSource; 3] = [
        PaymentSource::Callback,
        PaymentSource::Statement,
        PaymentSource::Manual,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentSource::Callback => "callback",
            PaymentSource::Statement => "statement",
            PaymentSource::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentSource> {
        PaymentSource::ALL.into_iter().find(|x| x.code() == s)
    }

    /// As a donor reads it (`lang` "en" for English, anything else Indonesian).
    pub fn label(self, lang: &str) -> &'static str {
        let (id, en) = match self {
            PaymentSource::Callback => ("Virtual account", "Virtual account"),
            PaymentSource::Statement => ("Transfer (mutasi bank)", "Transfer (bank statement)"),
            PaymentSource::Manual => ("Dicatat petugas", "Recorded by an officer"),
        };
        if lang == "en" {
            en
        } else {
            id
        }
    }
}

/// The banks a virtual account's channel code names (`VIRTUAL_ACCOUNT_BANK_MANDIRI`), as
/// Indonesians write them.
const BANKS: [(&str, &str); 14] = [
    ("BCA", "BCA"),
    ("BRI", "BRI"),
    ("BNI", "BNI"),
    ("MANDIRI", "Mandiri"),
    ("BANK_MANDIRI", "Mandiri"),
    ("PERMATA", "Permata"),
    ("BANK_PERMATA", "Permata"),
    ("CIMB", "CIMB Niaga"),
    ("BANK_CIMB", "CIMB Niaga"),
    ("DANAMON", "Danamon"),
    ("BANK_DANAMON", "Danamon"),
    ("BSI", "BSI"),
    ("BTN", "BTN"),
    ("DOKU", "DOKU"),
];

/// How a payment came in, in words, for its receipt and the pages (the one mapping): the
/// provider's channel code (`VIRTUAL_ACCOUNT_BRI` → `Virtual Account BRI`), a statement's
/// line (`statement:mt940` → `Transfer bank (mutasi rekening)`), an officer's entry; without a
/// channel, the source's [`PaymentSource::label`]. An unknown code is written as words from
/// its letters and digits (at most 40 characters), never as it came.
pub fn channel_label(source: &str, channel: Option<&str>, lang: &str) -> String {
    let en = lang == "en";
    let pick = |id: &str, e: &str| if en { e.to_string() } else { id.to_string() };
    let Some(code) = channel.map(str::trim).filter(|c| !c.is_empty()) else {
        return PaymentSource::parse(source).map_or_else(
            || pick("Pembayaran", "Payment"),
            |s| s.label(lang).to_string(),
        );
    };
    let upper = code.to_ascii_uppercase();
    if let Some(bank) = upper.strip_prefix("VIRTUAL_ACCOUNT_") {
        let name = BANKS
            .iter()
            .find(|(c, _)| *c == bank)
            .map_or_else(|| words(bank), |(_, n)| (*n).to_string());
        return format!("Virtual Account {name}");
    }
    if upper == "STATEMENT:RESOLVED" {
        return pick(
            "Transfer bank (mutasi rekening, dicocokkan petugas)",
            "Bank transfer (account statement, matched by an officer)",
        );
    }
    if upper.starts_with("STATEMENT") {
        return pick(
            "Transfer bank (mutasi rekening)",
            "Bank transfer (account statement)",
        );
    }
    match upper.as_str() {
        "MANUAL" => pick("Dicatat petugas", "Recorded by an officer"),
        "QRIS" => "QRIS".into(),
        "CREDIT_CARD" => pick("Kartu kredit", "Credit card"),
        _ => words(&upper),
    }
}

/// `BANK_JATENG` → `Bank Jateng`: letters and digits, words split at `_`, `-` or `:`.
fn words(code: &str) -> String {
    let out: Vec<String> = code
        .split(['_', '-', ':', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w: String = w.chars().filter(char::is_ascii_alphanumeric).collect();
            if w.len() <= 3 {
                w.to_ascii_uppercase()
            } else {
                let lower = w.to_ascii_lowercase();
                let mut cs = lower.chars();
                cs.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                    .unwrap_or_default()
            }
        })
        .filter(|w| !w.is_empty())
        .collect();
    out.join(" ").chars().take(40).collect()
}

/// What became of one credit line of a bank statement (`statement_lines.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatementLineStatus {
    /// Matched to an invoice and booked as a new payment.
    Matched,
    /// Money a callback had already booked.
    Reconciled,
    /// Waiting in the officers' queue, with the reason.
    Unmatched,
    /// Booked by an officer from the queue.
    Resolved,
    /// Set aside by an officer from the queue (not money for Lingkaran).
    Ignored,
    /// The same bank credit as a line read before (another file or format).
    Duplicate,
}

impl StatementLineStatus {
    pub const ALL: [StatementLineStatus; 6] = [
        StatementLineStatus::Matched,
        StatementLineStatus::Reconciled,
        StatementLineStatus::Unmatched,
        StatementLineStatus::Resolved,
        StatementLineStatus::Ignored,
        StatementLineStatus::Duplicate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StatementLineStatus::Matched => "matched",
            StatementLineStatus::Reconciled => "reconciled",
            StatementLineStatus::Unmatched => "unmatched",
            StatementLineStatus::Resolved => "resolved",
            StatementLineStatus::Ignored => "ignored",
            StatementLineStatus::Duplicate => "duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<StatementLineStatus> {
        StatementLineStatus::ALL.into_iter().find(|x| x.code() == s)
    }

    /// Whether an officer still has to decide the line (only an unmatched one).
    pub fn open(self) -> bool {
        self == StatementLineStatus::Unmatched
    }

    /// As an officer reads it (`lang` "en" for English, anything else Indonesian).
    pub fn label(self, lang: &str) -> &'static str {
        let (id, en) = match self {
            StatementLineStatus::Matched => ("Cocok", "Matched"),
            StatementLineStatus::Reconciled => ("Sudah tercatat", "Already recorded"),
            StatementLineStatus::Unmatched => ("Belum cocok", "Unmatched"),
            StatementLineStatus::Resolved => ("Dibukukan petugas", "Booked by an officer"),
            StatementLineStatus::Ignored => ("Diabaikan", "Ignored"),
            StatementLineStatus::Duplicate => {
                ("Sudah ada di mutasi lain", "Already in another statement")
            }
        };
        if lang == "en" {
            en
        } else {
            id
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_in_words() {
        assert_eq!(
            channel_label("callback", Some("VIRTUAL_ACCOUNT_BRI"), "id"),
            "Virtual Account BRI"
        );
        assert_eq!(
            channel_label("callback", Some("VIRTUAL_ACCOUNT_BANK_MANDIRI"), "en"),
            "Virtual Account Mandiri"
        );
        assert_eq!(
            channel_label("callback", Some("VIRTUAL_ACCOUNT_BANK_JATENG"), "id"),
            "Virtual Account Bank Jateng"
        );
        assert_eq!(
            channel_label("statement", Some("statement:mt940"), "id"),
            "Transfer bank (mutasi rekening)"
        );
        assert_eq!(
            channel_label("manual", Some("manual"), "en"),
            "Recorded by an officer"
        );
        assert_eq!(channel_label("callback", None, "id"), "Virtual account");
        assert_eq!(channel_label("callback", Some("<script>"), "id"), "Script");
        assert!(
            channel_label("callback", Some(&"A_".repeat(100)), "id")
                .chars()
                .count()
                <= 40
        );
    }

    #[test]
    fn codes_read_back_and_unknown_words_do_not() {
        for s in StatementLineStatus::ALL {
            assert_eq!(StatementLineStatus::parse(s.code()), Some(s));
        }
        for s in PaymentSource::ALL {
            assert_eq!(PaymentSource::parse(s.code()), Some(s));
        }
        assert_eq!(StatementLineStatus::parse("Unmatched"), None);
        assert_eq!(StatementLineStatus::parse(""), None);
        assert_eq!(PaymentSource::parse("bank"), None);
    }

    #[test]
    fn the_stored_words_are_the_migrations_words() {
        // migrations/*/0009_bank_credits.sql and 0005_donations.sql CHECK these lists.
        let lines: Vec<_> = StatementLineStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(
            lines,
            [
                "matched",
                "reconciled",
                "unmatched",
                "resolved",
                "ignored",
                "duplicate"
            ]
        );
        let sources: Vec<_> = PaymentSource::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(sources, ["callback", "statement", "manual"]);
    }

    #[test]
    fn every_status_reads_differently_in_each_language() {
        for lang in ["id", "en"] {
            let mut seen = std::collections::HashSet::new();
            for s in StatementLineStatus::ALL {
                assert!(
                    seen.insert(s.label(lang)),
                    "{} twice in {lang}",
                    s.label(lang)
                );
            }
        }
        assert_eq!(StatementLineStatus::Unmatched.label("id"), "Belum cocok");
        assert_eq!(PaymentSource::Manual.label("en"), "Recorded by an officer");
    }
}
