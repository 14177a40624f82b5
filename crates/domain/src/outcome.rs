//! What happened to a worker a donation paid for, and to each of its months (issue 14 §1):
//! the words a donor reads on the donation's page and in the API. Pure: the store gives the
//! facts (the month held or funded, sent to BPJS, BPJS's answer per programme, stopped), the
//! worker's status and since when; this module says what they mean.

use crate::worker::WorkerStatus;
use chrono::NaiveDate;

/// BPJS's answer on one programme of a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Accepted,
    /// With BPJS's reason and the contribution returned to the donor.
    Rejected {
        reason: String,
        amount: i64,
    },
}

/// The facts of one worker-month of a donation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFacts {
    /// The donation is paid (else the month is only held).
    pub paid: bool,
    /// The month's cycle sent it to BPJS.
    pub remitted: bool,
    pub jkk: Option<Answer>,
    pub jkm: Option<Answer>,
    /// Stopped before it was sent (the worker died or left): the money came back.
    pub stopped: Option<i64>,
}

/// What became of one worker-month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonthFate {
    /// Held for a donation not yet paid.
    Held,
    /// Paid, waiting for the month's cycle to send it to BPJS.
    Paid,
    /// Sent to BPJS; its answer is not in yet.
    Remitted,
    /// BPJS confirmed the worker protected that month (JKK and JKM).
    Confirmed,
    /// BPJS refused the month (on JKK, JKM or both): `amount` came back to the donor.
    Rejected { reason: String, amount: i64 },
    /// Stopped before it was sent, because the worker died or left: `amount` came back.
    Stopped { amount: i64 },
}

impl MonthFate {
    pub fn of(f: &MonthFacts) -> MonthFate {
        if let Some(amount) = f.stopped {
            return MonthFate::Stopped { amount };
        }
        let rejected: Vec<(&String, i64)> = [&f.jkk, &f.jkm]
            .into_iter()
            .filter_map(|a| match a {
                Some(Answer::Rejected { reason, amount }) => Some((reason, *amount)),
                _ => None,
            })
            .collect();
        if let Some((reason, _)) = rejected.first() {
            return MonthFate::Rejected {
                reason: (*reason).clone(),
                amount: rejected.iter().map(|(_, a)| a).sum(),
            };
        }
        match (f.paid, f.remitted, &f.jkk, &f.jkm) {
            (false, _, _, _) => MonthFate::Held,
            (true, false, _, _) => MonthFate::Paid,
            (true, true, Some(Answer::Accepted), Some(Answer::Accepted)) => MonthFate::Confirmed,
            (true, true, _, _) => MonthFate::Remitted,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            MonthFate::Held => "held",
            MonthFate::Paid => "paid",
            MonthFate::Remitted => "remitted",
            MonthFate::Confirmed => "confirmed",
            MonthFate::Rejected { .. } => "rejected",
            MonthFate::Stopped { .. } => "stopped",
        }
    }

    /// Words for the donor: "Dikonfirmasi BPJS", "Ditolak BPJS: … Rp 16.800 kembali ke kredit".
    pub fn label(&self, lang: &str) -> String {
        let en = lang == "en";
        let back = |amount: i64| {
            if en {
                format!("{} returned to your credit", crate::format::rupiah(amount))
            } else {
                format!("{} kembali ke kredit Anda", crate::format::rupiah(amount))
            }
        };
        match (self, en) {
            (MonthFate::Held, false) => "Ditahan, menunggu pembayaran".into(),
            (MonthFate::Held, true) => "Held, awaiting payment".into(),
            (MonthFate::Paid, false) => "Dibayar, menunggu disetor ke BPJS".into(),
            (MonthFate::Paid, true) => "Paid, waiting to be sent to BPJS".into(),
            (MonthFate::Remitted, false) => "Disetor ke BPJS, menunggu konfirmasi".into(),
            (MonthFate::Remitted, true) => "Sent to BPJS, awaiting confirmation".into(),
            (MonthFate::Confirmed, false) => "Dikonfirmasi BPJS".into(),
            (MonthFate::Confirmed, true) => "Confirmed by BPJS".into(),
            (MonthFate::Rejected { reason, amount }, false) => {
                format!("Ditolak BPJS ({reason}); {}", back(*amount))
            }
            (MonthFate::Rejected { reason, amount }, true) => {
                format!("Rejected by BPJS ({reason}); {}", back(*amount))
            }
            (MonthFate::Stopped { amount }, _) => {
                if en {
                    format!("Stopped; {}", back(*amount))
                } else {
                    format!("Dihentikan; {}", back(*amount))
                }
            }
        }
    }

    /// The month protects the worker (or will, once sent): not refused, not stopped.
    pub fn protects(&self) -> bool {
        !matches!(self, MonthFate::Rejected { .. } | MonthFate::Stopped { .. })
    }
}

/// Where a worker stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Held for a donation not yet paid.
    Held,
    /// Protected: a donor (this one or another) pays this month.
    Protected,
    /// Paying alone: the programme's success.
    Mandiri,
    /// Neither paid by a donor nor paying alone any more.
    Lapsed,
    Deceased,
    Left,
    /// Back in the pool of verified workers waiting for a donor.
    Waiting,
}

impl Standing {
    /// From the worker's status and whether this donation is paid.
    pub fn of(status: WorkerStatus, donation_paid: bool) -> Standing {
        match status {
            WorkerStatus::Funded => Standing::Protected,
            WorkerStatus::Mandiri => Standing::Mandiri,
            WorkerStatus::Lapsed => Standing::Lapsed,
            WorkerStatus::Deceased => Standing::Deceased,
            WorkerStatus::Left => Standing::Left,
            _ if !donation_paid => Standing::Held,
            WorkerStatus::Proposed | WorkerStatus::Verified | WorkerStatus::Rejected => {
                Standing::Waiting
            }
        }
    }

    pub const ALL: [Standing; 7] = [
        Standing::Protected,
        Standing::Mandiri,
        Standing::Lapsed,
        Standing::Deceased,
        Standing::Left,
        Standing::Waiting,
        Standing::Held,
    ];

    /// The code of the page's filter and the API.
    pub fn code(self) -> &'static str {
        match self {
            Standing::Held => "held",
            Standing::Protected => "protected",
            Standing::Mandiri => "mandiri",
            Standing::Lapsed => "lapsed",
            Standing::Deceased => "deceased",
            Standing::Left => "left",
            Standing::Waiting => "waiting",
        }
    }

    pub fn parse(code: &str) -> Option<Standing> {
        Standing::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The worker statuses that stand so (the filter's SQL reads these).
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            Standing::Protected => &["funded"],
            Standing::Mandiri => &["mandiri"],
            Standing::Lapsed => &["lapsed"],
            Standing::Deceased => &["deceased"],
            Standing::Left => &["left"],
            Standing::Waiting | Standing::Held => &["proposed", "verified", "rejected"],
        }
    }

    pub fn label(self, lang: &str) -> &'static str {
        match (self, lang == "en") {
            (Standing::Held, false) => "Menunggu pembayaran donasi",
            (Standing::Held, true) => "Awaiting the donation's payment",
            (Standing::Protected, false) => "Terlindungi",
            (Standing::Protected, true) => "Protected",
            (Standing::Mandiri, false) => "Membayar sendiri (mandiri)",
            (Standing::Mandiri, true) => "Paying alone (mandiri)",
            (Standing::Lapsed, false) => "Tidak lagi terlindungi",
            (Standing::Lapsed, true) => "No longer protected",
            (Standing::Deceased, false) => "Meninggal dunia",
            (Standing::Deceased, true) => "Died",
            (Standing::Left, false) => "Keluar dari program",
            (Standing::Left, true) => "Left the programme",
            (Standing::Waiting, false) => "Kembali menunggu donatur",
            (Standing::Waiting, true) => "Back waiting for a donor",
        }
    }

    /// "Terlindungi sejak 5 Desember 2026": the standing with its date, when known.
    pub fn with_date(self, since: Option<NaiveDate>, lang: &str) -> String {
        let label = self.label(lang);
        match since {
            Some(d) if self != Standing::Held => {
                let word = if lang == "en" { "since" } else { "sejak" };
                format!("{label} {word} {}", crate::format::date(d, lang))
            }
            _ => label.to_string(),
        }
    }
}

/// A donor's month in numbers, for the monthly digest (no worker named, no NIK).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthNews {
    pub confirmed: i64,
    pub refused: i64,
    pub refused_amount: i64,
    pub stopped_workers: i64,
    pub stopped_amount: i64,
    pub graduated: i64,
}

/// The monthly digest's e-mail: (subject, body), in Indonesian, one message however many
/// events. `link` is where the donor reads the details (their account page).
pub fn digest(
    donor: &str,
    month: crate::rates::Month,
    n: &MonthNews,
    link: &str,
) -> (String, String) {
    let c = |v: i64| crate::format::count(v.max(0) as u64);
    let rp = crate::format::rupiah;
    let when = crate::format::month(month, "id");
    let mut lines = Vec::new();
    if n.confirmed > 0 {
        lines.push(format!(
            "- {} bulan-pekerja dikonfirmasi BPJS Ketenagakerjaan: pekerjanya terlindungi.",
            c(n.confirmed)
        ));
    }
    if n.refused > 0 {
        lines.push(format!(
            "- {} bulan-pekerja ditolak BPJS (misalnya pekerja sudah terdaftar aktif); {} kembali ke kredit Anda.",
            c(n.refused),
            rp(n.refused_amount)
        ));
    }
    if n.stopped_workers > 0 {
        lines.push(format!(
            "- {} pekerja meninggal dunia atau keluar dari program; iuran bulan-bulan berikutnya ({}) dihentikan dan dikembalikan sesuai pilihan Anda.",
            c(n.stopped_workers),
            rp(n.stopped_amount)
        ));
    }
    if n.graduated > 0 {
        lines.push(format!(
            "- {} pekerja yang Anda lindungi kini membayar iurannya sendiri (mandiri). Inilah tujuan GN Lingkaran.",
            c(n.graduated)
        ));
    }
    (
        format!("Kabar GN Lingkaran bulan {when}"),
        format!(
            "Yth. {donor},\n\nIni kabar pekerja yang Anda lindungi selama {when}:\n\n{}\n\n\
             Rinciannya, tanpa data pribadi, ada di {link}.\n\nTerima kasih.\nGN Lingkaran",
            lines.join("\n")
        ),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn facts(paid: bool, remitted: bool, jkk: Option<Answer>, jkm: Option<Answer>) -> MonthFacts {
        MonthFacts {
            paid,
            remitted,
            jkk,
            jkm,
            stopped: None,
        }
    }

    #[test]
    fn a_month_from_held_to_confirmed() {
        assert_eq!(
            MonthFate::of(&facts(false, false, None, None)),
            MonthFate::Held
        );
        assert_eq!(
            MonthFate::of(&facts(true, false, None, None)),
            MonthFate::Paid
        );
        assert_eq!(
            MonthFate::of(&facts(true, true, None, None)),
            MonthFate::Remitted
        );
        // One programme answered: still waiting for the other.
        assert_eq!(
            MonthFate::of(&facts(true, true, Some(Answer::Accepted), None)),
            MonthFate::Remitted
        );
        assert_eq!(
            MonthFate::of(&facts(
                true,
                true,
                Some(Answer::Accepted),
                Some(Answer::Accepted)
            )),
            MonthFate::Confirmed
        );
    }

    #[test]
    fn a_refusal_on_either_programme_returns_its_money() {
        let no = |amount| Answer::Rejected {
            reason: "Sudah terdaftar aktif".into(),
            amount,
        };
        let fate = MonthFate::of(&facts(true, true, Some(no(10_000)), Some(no(6_800))));
        assert_eq!(
            fate,
            MonthFate::Rejected {
                reason: "Sudah terdaftar aktif".into(),
                amount: 16_800
            }
        );
        assert_eq!(
            fate.label("id"),
            "Ditolak BPJS (Sudah terdaftar aktif); Rp 16.800 kembali ke kredit Anda"
        );
        assert!(!fate.protects());
        let one = MonthFate::of(&facts(true, true, Some(Answer::Accepted), Some(no(6_800))));
        assert!(matches!(one, MonthFate::Rejected { amount: 6_800, .. }));
        let mut stopped = facts(true, false, None, None);
        stopped.stopped = Some(16_800);
        assert_eq!(
            MonthFate::of(&stopped).label("en"),
            "Stopped; Rp 16.800 returned to your credit"
        );
    }

    #[test]
    fn a_digest_says_only_what_happened() {
        let m = crate::rates::Month::parse("2026-11").unwrap();
        let (subject, body) = digest(
            "PT Semen Sejahtera",
            m,
            &MonthNews {
                confirmed: 1_200,
                refused: 2,
                refused_amount: 33_600,
                graduated: 1,
                ..MonthNews::default()
            },
            "https://lingkaran.example/akun",
        );
        assert_eq!(subject, "Kabar GN Lingkaran bulan November 2026");
        assert!(body.contains("1.200 bulan-pekerja dikonfirmasi"), "{body}");
        assert!(body.contains("Rp 33.600 kembali ke kredit Anda"), "{body}");
        assert!(
            body.contains("1 pekerja yang Anda lindungi kini membayar"),
            "{body}"
        );
        assert!(
            !body.contains("meninggal"),
            "nothing stopped, nothing said: {body}"
        );
    }

    #[test]
    fn standings_read_from_the_status() {
        assert_eq!(
            Standing::of(WorkerStatus::Funded, true),
            Standing::Protected
        );
        assert_eq!(Standing::of(WorkerStatus::Verified, false), Standing::Held);
        assert_eq!(
            Standing::of(WorkerStatus::Verified, true),
            Standing::Waiting
        );
        assert_eq!(
            Standing::of(WorkerStatus::Deceased, false),
            Standing::Deceased
        );
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            Standing::Mandiri.with_date(Some(d), "id"),
            "Membayar sendiri (mandiri) sejak 5 Desember 2026"
        );
        for s in Standing::ALL {
            assert_eq!(Standing::parse(s.code()), Some(s));
        }
    }
}
