//! Paying a virtual account (issue 14 §3): the bank that issues the programme's VA numbers
//! (a setting, `--va-bank`), and how to pay it from the usual banks by ATM, mobile banking
//! and internet banking. The menu names are as the banks publish them today [?]: data to
//! correct here when a bank renames a menu, not rules.

/// A bank a donor may pay from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bank {
    /// `BRI`, `BNI`, `MANDIRI`, `BCA`, `BSI`, `JATIM`.
    pub code: &'static str,
    pub name: &'static str,
    /// The mobile banking app.
    pub app: &'static str,
    /// The internet banking site.
    pub web: &'static str,
    /// Its own virtual-account menu, on the ATM and in the app.
    pub va_menu: &'static str,
}

pub const BANKS: [Bank; 6] = [
    Bank {
        code: "BRI",
        name: "BRI",
        app: "BRImo",
        web: "ib.bri.co.id",
        va_menu: "Pembayaran › BRIVA",
    },
    Bank {
        code: "BNI",
        name: "BNI",
        app: "BNI Mobile Banking (wondr)",
        web: "ibank.bni.co.id",
        va_menu: "Transfer › Virtual Account Billing",
    },
    Bank {
        code: "MANDIRI",
        name: "Bank Mandiri",
        app: "Livin' by Mandiri",
        web: "ibank.bankmandiri.co.id",
        va_menu: "Bayar › Multipayment (Virtual Account)",
    },
    Bank {
        code: "BCA",
        name: "BCA",
        app: "BCA mobile (m-BCA)",
        web: "klikbca.com",
        va_menu: "m-Transfer › BCA Virtual Account",
    },
    Bank {
        code: "BSI",
        name: "Bank Syariah Indonesia (BSI)",
        app: "BSI Mobile (BYOND)",
        web: "bsinet.bankbsi.co.id",
        va_menu: "Bayar › Virtual Account",
    },
    Bank {
        code: "JATIM",
        name: "Bank Jatim",
        app: "JConnect Mobile",
        web: "ib.bankjatim.co.id",
        va_menu: "Transfer › Virtual Account",
    },
];

pub fn bank(code: &str) -> Option<&'static Bank> {
    BANKS
        .iter()
        .find(|b| b.code.eq_ignore_ascii_case(code.trim()))
}

/// One way to pay: (channel's words, steps), in the reader's language.
pub type Way = (String, Vec<String>);

/// How to pay `va` (the number, as it is to be typed) of `amount` issued by `issuer`, from
/// `from`: its own VA menu at the issuing bank, an interbank transfer from any other.
pub fn steps(issuer: &Bank, from: &Bank, va: &str, amount: &str, lang: &str) -> Vec<Way> {
    let en = lang == "en";
    let pick = |id: String, e: String| if en { e } else { id };
    // How each channel starts: the card, the app, the bank's site.
    let channels = [
        (
            "ATM".to_string(),
            pick(
                "Masukkan kartu dan PIN.".into(),
                "Insert your card and PIN.".into(),
            ),
            pick("Transaksi Lain › ".into(), "Other Transactions › ".into()),
        ),
        (
            "Mobile banking".to_string(),
            pick(
                format!("Buka {} dan masuk.", from.app),
                format!("Open {} and sign in.", from.app),
            ),
            String::new(),
        ),
        (
            "Internet banking".to_string(),
            pick(
                format!("Masuk ke {}.", from.web),
                format!("Sign in at {}.", from.web),
            ),
            String::new(),
        ),
    ];
    // Then the same for every channel: the issuing bank's own VA menu, or a transfer to it
    // from another bank; and the check before the PIN.
    let middle = |menu_prefix: &str| -> Vec<String> {
        if issuer.code == from.code {
            vec![
                pick(
                    format!("Pilih {menu_prefix}{}.", from.va_menu),
                    format!("Choose {menu_prefix}{}.", from.va_menu),
                ),
                pick(
                    format!("Masukkan nomor {va}."),
                    format!("Enter the number {va}."),
                ),
            ]
        } else {
            vec![
                pick(
                    format!(
                        "Pilih Transfer › ke bank lain, bank tujuan {}.",
                        issuer.name
                    ),
                    format!("Choose Transfer › to another bank, to {}.", issuer.name),
                ),
                pick(
                    format!(
                        "Nomor rekening tujuan: {va}; jumlah: {amount} (tepat, tanpa dibulatkan)."
                    ),
                    format!("Account number: {va}; amount: {amount} (exactly, not rounded)."),
                ),
            ]
        }
    };
    let check = pick(
        format!("Periksa nama (GN Lingkaran) dan jumlah {amount}, lalu konfirmasi dengan PIN."),
        format!(
            "Check the name (GN Lingkaran) and the amount {amount}, then confirm with your PIN."
        ),
    );
    channels
        .into_iter()
        .map(|(name, first, menu_prefix)| {
            let mut steps = vec![first];
            steps.extend(middle(&menu_prefix));
            steps.push(check.clone());
            (name, steps)
        })
        .collect()
}

/// "23 jam 41 menit", "1 hari 2 jam": the time left before `until`, to the minute; `None`
/// once it has passed.
pub fn time_left(seconds: i64, lang: &str) -> Option<String> {
    if seconds <= 0 {
        return None;
    }
    let minutes = (seconds + 59) / 60;
    let (d, h, m) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let en = lang == "en";
    let unit = |n: i64, id: &str, one: &str, many: &str| {
        if en {
            format!("{n} {}", if n == 1 { one } else { many })
        } else {
            format!("{n} {id}")
        }
    };
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(unit(d, "hari", "day", "days"));
    }
    if h > 0 {
        parts.push(unit(h, "jam", "hour", "hours"));
    }
    if d == 0 && (m > 0 || parts.is_empty()) {
        parts.push(unit(m, "menit", "minute", "minutes"));
    }
    Some(parts.join(" "))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn steps_from_the_issuing_bank_and_from_another() {
        let bri = bank("bri").unwrap();
        let bca = bank("BCA").unwrap();
        let own = steps(bri, bri, "88908 0000 0000 012", "Rp 100.800", "id");
        assert_eq!(own.len(), 3);
        assert!(own[0].1[1].contains("BRIVA"), "{own:?}");
        assert!(
            own[0].1[1].starts_with("Pilih Transaksi Lain › "),
            "{own:?}"
        );
        assert_eq!(own[1].1[1], "Pilih Pembayaran › BRIVA.");
        assert!(own.iter().all(|(_, s)| s.len() == 4), "{own:?}");
        assert!(
            own[2].1[3].contains("Rp 100.800"),
            "the check before the PIN"
        );
        let other = steps(bri, bca, "8890800000000012", "Rp 100.800", "id");
        assert!(other[1].1[0].contains("BCA mobile"));
        assert!(other[1].1[1].contains("bank tujuan BRI"), "{other:?}");
        assert!(other[1].1[2].contains("Rp 100.800"));
        assert_eq!(bank("Bank Antah"), None);
    }

    #[test]
    fn time_left_to_the_minute() {
        assert_eq!(time_left(0, "id"), None);
        assert_eq!(time_left(30, "id").unwrap(), "1 menit");
        assert_eq!(
            time_left(23 * 3600 + 41 * 60, "id").unwrap(),
            "23 jam 41 menit"
        );
        assert_eq!(time_left(26 * 3600, "en").unwrap(), "1 day 2 hours");
        assert_eq!(time_left(3600, "en").unwrap(), "1 hour");
    }
}
