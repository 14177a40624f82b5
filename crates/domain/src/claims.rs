//! A claim after an accident or a death (issue 13 §2; domain.md §9; docs/claims.md): BPJS's
//! stages, and the check of the coverage on the event date from Lingkaran's own months.
//! Pure: the store gathers the facts, this decides what they mean.

use crate::rates::Month;
use crate::Problem;

/// A claim's stage, as BPJS's JMO shows it, with Lingkaran's own first two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Recorded in Lingkaran.
    Reported,
    /// Sent to the BPJS branch.
    Submitted,
    Agenda,
    /// BPJS decided (penetapan).
    Decided,
    /// BPJS approved (persetujuan).
    Approved,
    /// BPJS paid.
    Paid,
    /// Closed after payment.
    Closed,
    /// BPJS refused, with its reason.
    Rejected,
    /// BPJS re-classified it (a JKK claim as JKM): a new claim carries on.
    Redirected,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Reported,
        Stage::Submitted,
        Stage::Agenda,
        Stage::Decided,
        Stage::Approved,
        Stage::Paid,
        Stage::Closed,
        Stage::Rejected,
        Stage::Redirected,
    ];

    /// The code the store and the API keep (Bahasa Indonesia, as BPJS names them).
    pub fn code(self) -> &'static str {
        match self {
            Stage::Reported => "dilaporkan",
            Stage::Submitted => "diajukan",
            Stage::Agenda => "agenda",
            Stage::Decided => "penetapan",
            Stage::Approved => "persetujuan",
            Stage::Paid => "dibayar",
            Stage::Closed => "selesai",
            Stage::Rejected => "ditolak",
            Stage::Redirected => "dialihkan",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.code() == s.trim())
    }

    pub fn label(self, lang: &str) -> &'static str {
        match (self, lang == "en") {
            (Stage::Reported, false) => "Dilaporkan",
            (Stage::Reported, true) => "Reported",
            (Stage::Submitted, false) => "Diajukan ke BPJS",
            (Stage::Submitted, true) => "Submitted to BPJS",
            (Stage::Agenda, false) => "Agenda",
            (Stage::Agenda, true) => "On BPJS's agenda",
            (Stage::Decided, false) => "Penetapan",
            (Stage::Decided, true) => "Decided",
            (Stage::Approved, false) => "Persetujuan",
            (Stage::Approved, true) => "Approved",
            (Stage::Paid, false) => "Dibayar",
            (Stage::Paid, true) => "Paid",
            (Stage::Closed, false) => "Selesai",
            (Stage::Closed, true) => "Closed",
            (Stage::Rejected, false) => "Ditolak",
            (Stage::Rejected, true) => "Rejected",
            (Stage::Redirected, false) => "Dialihkan",
            (Stage::Redirected, true) => "Re-classified",
        }
    }

    /// No step follows.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Closed | Stage::Rejected | Stage::Redirected)
    }

    /// Whether a claim at this stage may move to `to`: one step forward along BPJS's stages,
    /// or out (rejected, or re-classified) from any stage before payment.
    pub fn may_become(self, to: Stage) -> bool {
        use Stage::*;
        match (self, to) {
            (Reported, Submitted)
            | (Submitted, Agenda)
            | (Agenda, Decided)
            | (Decided, Approved)
            | (Approved, Paid)
            | (Paid, Closed) => true,
            (from, Rejected | Redirected) => !matches!(from, Paid | Closed | Rejected | Redirected),
            _ => false,
        }
    }
}

/// What Lingkaran's own records say of the event month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMonth {
    pub month: Month,
    /// Funded by a donor (and not given back), or paid by the worker alone.
    pub paid_by: Option<PaidBy>,
    /// The contribution reached BPJS: the cycle remitted it (a self-payment is paid to BPJS
    /// directly, so it counts as remitted).
    pub remitted: bool,
    /// BPJS's confirmation for the claim's programme: accepted, rejected (with its reason), or
    /// none yet.
    pub confirmation: Option<Result<(), String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaidBy {
    Donor,
    SelfPaid,
}

/// The answer: covered, not covered, or doubtful, each with its reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Covered,
    NotCovered,
    Doubtful,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Covered => "covered",
            Verdict::NotCovered => "not_covered",
            Verdict::Doubtful => "doubtful",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        [Verdict::Covered, Verdict::NotCovered, Verdict::Doubtful]
            .into_iter()
            .find(|v| v.code() == s)
    }

    pub fn label(self, lang: &str) -> &'static str {
        match (self, lang == "en") {
            (Verdict::Covered, false) => "Terlindungi",
            (Verdict::Covered, true) => "Covered",
            (Verdict::NotCovered, false) => "Tidak terlindungi",
            (Verdict::NotCovered, true) => "Not covered",
            (Verdict::Doubtful, false) => "Diragukan",
            (Verdict::Doubtful, true) => "Doubtful",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageCheck {
    pub verdict: Verdict,
    pub reasons: Vec<Problem>,
    /// Months of the membership standing in the event month ([`crate::benefits::membership_months`]).
    pub membership_months: u32,
    /// Months paid up to the event month: by donors, by the worker, and both.
    pub sponsored_months: u32,
    pub self_months: u32,
}

impl CoverageCheck {
    pub fn paid_months(&self) -> u32 {
        self.sponsored_months + self.self_months
    }
}

/// Decides the coverage of the event month. `early_months` is the rule of a BPU's first
/// months (`jkm.early_months`), `None` where none stands.
pub fn check(
    event: &EventMonth,
    membership_months: u32,
    sponsored_months: u32,
    self_months: u32,
    early_months: Option<i64>,
) -> CoverageCheck {
    let m = crate::format::month(event.month, "id");
    let m_en = crate::format::month(event.month, "en");
    let mut reasons = Vec::new();
    let verdict = match (&event.paid_by, &event.confirmation) {
        (None, _) => {
            reasons.push(Problem::new(
                "month_not_paid",
                format!("Iuran bulan {m} tidak dibayar, oleh donatur maupun oleh pekerja sendiri."),
                format!(
                    "The contribution for {m_en} was paid neither by a donor nor by the worker."
                ),
            ));
            Verdict::NotCovered
        }
        (Some(_), Some(Err(why))) => {
            reasons.push(Problem::new(
                "month_rejected",
                format!("BPJS Ketenagakerjaan menolak kepesertaan bulan {m}: {why}."),
                format!("BPJS Ketenagakerjaan rejected the membership for {m_en}: {why}."),
            ));
            Verdict::NotCovered
        }
        (Some(_), Some(Ok(()))) if event.remitted => {
            reasons.push(Problem::new(
                "month_confirmed",
                format!("Iuran bulan {m} dibayar, disetor ke BPJS dan dikonfirmasi BPJS."),
                format!("The contribution for {m_en} was paid, remitted and confirmed by BPJS."),
            ));
            Verdict::Covered
        }
        (Some(PaidBy::Donor), _) if !event.remitted => {
            reasons.push(Problem::new(
                "month_not_remitted",
                format!(
                    "Iuran bulan {m} sudah dibayar donatur tetapi belum disetor ke BPJS: \
                     BPJS memutuskan; Lingkaran meragukan perlindungannya."
                ),
                format!(
                    "The contribution for {m_en} was paid by a donor but not yet remitted to BPJS: \
                     BPJS decides; Lingkaran doubts the coverage."
                ),
            ));
            Verdict::Doubtful
        }
        (Some(_), _) => {
            reasons.push(Problem::new(
                "month_not_confirmed",
                format!("Iuran bulan {m} sudah disetor, tetapi BPJS belum mengonfirmasi kepesertaannya."),
                format!("The contribution for {m_en} was remitted, but BPJS has not confirmed the membership yet."),
            ));
            Verdict::Doubtful
        }
    };
    if verdict != Verdict::NotCovered {
        if let Some(early) = early_months.filter(|e| i64::from(membership_months) <= *e) {
            reasons.push(Problem::new(
                "first_months",
                format!(
                    "Kejadian pada bulan ke-{membership_months} kepesertaan, dalam {early} bulan pertama \
                     (pendaftaran atau pendaftaran ulang): santunan JKM BPU terbatas."
                ),
                format!(
                    "The event fell in month {membership_months} of the membership, within the first {early} \
                     (registration or re-registration): a BPU's JKM benefit is limited."
                ),
            ));
        }
    }
    CoverageCheck {
        verdict,
        reasons,
        membership_months,
        sponsored_months,
        self_months,
    }
}

/// The longest place of an event, and cause.
pub const PLACE_MAX: usize = 200;
pub const CAUSE_MAX: usize = 500;

/// What a notification carries (Permenaker 1/2025's minimum), as typed.
#[derive(Debug, Clone, Default)]
pub struct Notification<'a> {
    pub place: &'a str,
    pub cause: &'a str,
    /// HH:MM (WIB), when known.
    pub time: Option<&'a str>,
    pub notifier_name: &'a str,
    pub notifier_phone: &'a str,
    /// For an occupational disease: the job, the exposure and the diagnosis.
    pub disease: Option<(&'a str, &'a str, &'a str)>,
}

/// Checks a notification: every problem at once. Returns the notifier's phone normalised.
pub fn check_notification(n: &Notification<'_>) -> Result<String, Vec<Problem>> {
    use crate::fields::{check_len, check_name, NOTE_MAX, PERSON_NAME_MAX};
    let mut out = Vec::new();
    let mut required = |value: &str, id: &str, en: &str, max: usize| {
        if value.trim().is_empty() {
            out.push(Problem::new(
                "required",
                format!("{id} wajib diisi."),
                format!("{en} is required."),
            ));
        } else if let Err(p) = check_len(id, en, value, max) {
            out.push(p);
        }
    };
    required(
        n.place,
        "Tempat kejadian",
        "The place of the event",
        PLACE_MAX,
    );
    required(
        n.cause,
        "Penyebab kejadian",
        "The cause of the event",
        CAUSE_MAX,
    );
    required(
        n.notifier_name,
        "Nama pelapor",
        "The notifier's name",
        PERSON_NAME_MAX,
    );
    if let Some((job, exposure, diagnosis)) = n.disease {
        required(
            job,
            "Pekerjaan (penyakit akibat kerja)",
            "The job (occupational disease)",
            NOTE_MAX,
        );
        required(exposure, "Paparan", "The exposure", NOTE_MAX);
        required(diagnosis, "Diagnosis", "The diagnosis", NOTE_MAX);
    }
    if !n.notifier_name.trim().is_empty() {
        if let Err(p) = check_name(
            "Nama pelapor",
            "The notifier's name",
            n.notifier_name,
            PERSON_NAME_MAX,
        ) {
            if !out.iter().any(|o| o.code == p.code) {
                out.push(p);
            }
        }
    }
    if let Some(t) = n.time {
        let ok = t.len() == 5
            && t.as_bytes()[2] == b':'
            && t[..2].parse::<u32>().is_ok_and(|h| h < 24)
            && t[3..].parse::<u32>().is_ok_and(|m| m < 60);
        if !ok {
            out.push(Problem::new(
                "bad_time",
                format!(
                    "Jam kejadian \"{}\" harus berbentuk JJ:MM, misalnya 07:30.",
                    t.chars().take(20).collect::<String>()
                ),
                "The time of the event must read HH:MM, e.g. 07:30.",
            ));
        }
    }
    let phone = match crate::worker::normalise_phone(n.notifier_phone) {
        Ok(p) => Some(p),
        Err(p) => {
            out.push(p);
            None
        }
    };
    match phone {
        Some(p) if out.is_empty() => Ok(p),
        _ => Err(out),
    }
}

/// A person's initials as messages name them: "Rudi Mulyono" → "R. M." (no more of a name
/// leaves for a donor).
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .take(3)
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What happened, as a sentence's predicate.
fn happened(kind: crate::benefits::Kind) -> &'static str {
    match kind {
        crate::benefits::Kind::Jkm => "meninggal dunia",
        _ => "mengalami kecelakaan kerja",
    }
}

fn programme_of(kind: crate::benefits::Kind) -> &'static str {
    if kind.is_jkk() {
        "JKK"
    } else {
        "JKM"
    }
}

/// The donor's message when a claim is filed for a worker their money protected: the
/// worker's initials and village, never a NIK. (subject, body)
pub fn donor_notice_filed(
    kind: crate::benefits::Kind,
    initials: &str,
    village: &str,
    event: chrono::NaiveDate,
) -> (String, String) {
    let p = programme_of(kind);
    (
        format!("Klaim {p} untuk pekerja yang Anda lindungi"),
        format!(
            "Pekerja yang Anda lindungi, {initials} dari Desa {village}, {} pada {}. \
             Keluarganya sedang dibantu mengajukan klaim {p}.\n\n\
             Iuran Anda membuat pekerja ini terlindungi pada bulan itu. Kami akan mengabari Anda \
             ketika BPJS Ketenagakerjaan membayar santunannya.\n\nTerima kasih,\nGN Lingkaran",
            happened(kind),
            crate::format::date(event, "id")
        ),
    )
}

/// The donor's message when BPJS paid: the amount paid, to the heirs after a death, to the
/// worker otherwise. (subject, body)
pub fn donor_notice_paid(
    kind: crate::benefits::Kind,
    initials: &str,
    village: &str,
    amount: i64,
) -> (String, String) {
    let to = match kind {
        crate::benefits::Kind::Jkm | crate::benefits::Kind::JkkDeath => "kepada ahli waris",
        _ => "kepada pekerja",
    };
    (
        format!("Santunan {} telah dibayar", programme_of(kind)),
        format!(
            "BPJS Ketenagakerjaan telah membayar santunan {} {to} ({initials} dari Desa {village}).\n\n\
             Perlindungan yang Anda danai sampai ke keluarga pada hari yang paling berat. \
             Terima kasih.\n\nGN Lingkaran",
            crate::format::rupiah(amount)
        ),
    )
}

/// One line of a donor's news about a worker their money protected: who (initials and
/// village), what happened when, and where the claim stands (`stage`; `paid` when BPJS paid).
pub fn donor_news(
    kind: crate::benefits::Kind,
    initials: &str,
    village: &str,
    event: chrono::NaiveDate,
    stage: Stage,
    paid: Option<i64>,
) -> String {
    let p = programme_of(kind);
    let state = match (stage, paid) {
        (Stage::Paid | Stage::Closed, Some(a)) => format!(
            "BPJS Ketenagakerjaan telah membayar santunan {}.",
            crate::format::rupiah(a)
        ),
        (Stage::Rejected, _) => format!("Klaim {p} ditolak BPJS Ketenagakerjaan."),
        (Stage::Redirected, _) => "Klaimnya dialihkan oleh BPJS Ketenagakerjaan.".into(),
        _ => format!("Keluarganya sedang dibantu mengajukan klaim {p}."),
    };
    format!(
        "{initials} dari Desa {village} {} pada {}. {state}",
        happened(kind),
        crate::format::date(event, "id")
    )
}

/// What the family brings to the BPJS branch (domain.md §9).
pub fn documents(kind: crate::benefits::Kind) -> &'static [&'static str] {
    match kind {
        crate::benefits::Kind::Jkm | crate::benefits::Kind::JkkDeath => &[
            "kartu peserta",
            "KTP peserta dan ahli waris",
            "akta kematian",
            "KK",
            "surat keterangan ahli waris",
            "buku nikah (untuk suami/istri)",
            "buku tabungan",
        ],
        _ => &[
            "kartu peserta",
            "KTP",
            "formulir kecelakaan Tahap I dan II",
            "surat keterangan dokter",
            "kuitansi biaya",
        ],
    }
}

/// The family's SMS when a claim is filed: what to bring, what to expect, the 175 hotline.
pub fn family_sms(kind: crate::benefits::Kind, initials: &str, estimate_total: i64) -> String {
    let expect = if estimate_total > 0 {
        format!(
            " Perkiraan santunan {}.",
            crate::format::rupiah(estimate_total)
        )
    } else {
        String::new()
    };
    format!(
        "GN Lingkaran: klaim {} untuk {initials} sudah dicatat. Bawa ke kantor cabang BPJS \
         Ketenagakerjaan: {}.{expect} Info: telepon 175.",
        programme_of(kind),
        documents(kind).join(", ")
    )
}

/// What a claim's attachment is: (code, Indonesian, English).
pub const DOCUMENT_KINDS: [(&str, &str, &str); 12] = [
    ("akta_kematian", "Akta kematian", "Death certificate"),
    ("kk", "Kartu Keluarga", "Family card (KK)"),
    ("ktp", "KTP", "Identity card (KTP)"),
    (
        "surat_ahli_waris",
        "Surat keterangan ahli waris",
        "Certificate of heirs",
    ),
    ("surat_dokter", "Surat keterangan dokter", "Doctor's letter"),
    ("kuitansi", "Kuitansi biaya", "Receipts"),
    (
        "formulir_tahap_1",
        "Formulir kecelakaan Tahap I",
        "Accident report, stage I",
    ),
    (
        "formulir_tahap_2",
        "Formulir kecelakaan Tahap II",
        "Accident report, stage II",
    ),
    ("buku_tabungan", "Buku tabungan", "Savings book"),
    ("buku_nikah", "Buku nikah", "Marriage book"),
    ("kartu_peserta", "Kartu peserta", "Membership card"),
    ("lainnya", "Dokumen lain", "Other document"),
];

/// A document kind's words, or the code itself when unknown.
pub fn document_label<'a>(kind: &'a str, lang: &str) -> &'a str {
    DOCUMENT_KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(kind, |(_, id, en)| if lang == "en" { en } else { id })
}

/// The largest attachment: 5 MB (a phone's photo of a certificate, a scanned PDF).
pub const DOCUMENT_MAX: usize = 5 * 1024 * 1024;

/// The type of a file by its first bytes: PDF, JPEG or PNG; `None` for anything else (a
/// renamed executable, an HTML page, a Word file).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Checks an attachment: its kind, its name and its bytes. Returns its content type.
pub fn check_document(
    kind: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<&'static str, Vec<Problem>> {
    let mut out = Vec::new();
    if !DOCUMENT_KINDS.iter().any(|(k, _, _)| *k == kind) {
        out.push(Problem::new(
            "bad_document_kind",
            format!(
                "Jenis dokumen \"{}\" tidak dikenal: pakai {}.",
                kind.chars().take(40).collect::<String>(),
                DOCUMENT_KINDS.map(|(k, _, _)| k).join(", ")
            ),
            "Unknown document kind.",
        ));
    }
    if file_name.trim().is_empty() {
        out.push(Problem::new(
            "required",
            "Nama berkas wajib ada.",
            "The file needs a name.",
        ));
    } else if let Err(p) = crate::fields::check_len("Nama berkas", "The file name", file_name, 200)
    {
        out.push(p);
    }
    let kind_of = if bytes.is_empty() {
        out.push(Problem::new(
            "empty_file",
            "Berkasnya kosong.",
            "The file is empty.",
        ));
        None
    } else if bytes.len() > DOCUMENT_MAX {
        out.push(Problem::new(
            "file_too_large",
            "Berkas paling besar 5 MB: foto atau pindai ulang dengan ukuran lebih kecil.",
            "A file is at most 5 MB: take or scan it again smaller.",
        ));
        None
    } else {
        let t = sniff(bytes);
        if t.is_none() {
            out.push(Problem::new(
                "bad_file_type",
                "Berkas harus PDF, JPEG atau PNG.",
                "The file must be a PDF, JPEG or PNG.",
            ));
        }
        t
    };
    match kind_of {
        Some(t) if out.is_empty() => Ok(t),
        _ => Err(out),
    }
}

/// An heir's place in the legal order (domain.md §3): the first rank with anyone inherits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HeirRank {
    /// Widow, widower and children.
    SpouseOrChild = 1,
    /// Straight-line blood relatives to the 2nd degree (parents, grandparents, grandchildren).
    Lineal = 2,
    Sibling = 3,
    ParentInLaw = 4,
    /// A person named in a will.
    Named = 5,
}

impl HeirRank {
    /// The rank of a relationship (`istri`, `suami`, `anak`, `ayah`, `ibu`, `kakek`, `nenek`,
    /// `cucu`, `saudara`, `mertua`, `wasiat`).
    pub fn of_relationship(r: &str) -> Option<HeirRank> {
        Some(match r.trim() {
            "istri" | "suami" | "anak" => HeirRank::SpouseOrChild,
            "ayah" | "ibu" | "kakek" | "nenek" | "cucu" => HeirRank::Lineal,
            "saudara" => HeirRank::Sibling,
            "mertua" => HeirRank::ParentInLaw,
            "wasiat" => HeirRank::Named,
            _ => return None,
        })
    }
}

/// The relationships an heir may have, in the legal order: (code, Indonesian, English).
pub const RELATIONSHIPS: [(&str, &str, &str); 11] = [
    ("istri", "Istri (janda)", "Wife (widow)"),
    ("suami", "Suami (duda)", "Husband (widower)"),
    ("anak", "Anak", "Child"),
    ("ayah", "Ayah", "Father"),
    ("ibu", "Ibu", "Mother"),
    ("kakek", "Kakek", "Grandfather"),
    ("nenek", "Nenek", "Grandmother"),
    ("cucu", "Cucu", "Grandchild"),
    ("saudara", "Saudara kandung", "Brother or sister"),
    ("mertua", "Mertua", "Parent-in-law"),
    (
        "wasiat",
        "Orang yang ditunjuk dalam wasiat",
        "Person named in a will",
    ),
];

/// A relationship's words, or the code itself when unknown.
pub fn relationship_label<'a>(code: &'a str, lang: &str) -> &'a str {
    RELATIONSHIPS
        .iter()
        .find(|(k, _, _)| *k == code)
        .map_or(code, |(_, id, en)| if lang == "en" { en } else { id })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn month(paid_by: Option<PaidBy>, remitted: bool, c: Option<Result<(), String>>) -> EventMonth {
        EventMonth {
            month: Month::parse("2027-03").unwrap(),
            paid_by,
            remitted,
            confirmation: c,
        }
    }

    fn codes(c: &CoverageCheck) -> Vec<&'static str> {
        c.reasons.iter().map(|p| p.code).collect()
    }

    #[test]
    fn stages_move_one_step_or_out() {
        use Stage::*;
        let path = [Reported, Submitted, Agenda, Decided, Approved, Paid, Closed];
        for w in path.windows(2) {
            assert!(w[0].may_become(w[1]), "{:?} → {:?}", w[0], w[1]);
            assert!(
                !w[1].may_become(w[0]),
                "no step back: {:?} → {:?}",
                w[1],
                w[0]
            );
        }
        assert!(!Reported.may_become(Agenda), "no step skipped");
        assert!(Agenda.may_become(Rejected) && Reported.may_become(Redirected));
        assert!(!Paid.may_become(Rejected), "a paid claim is not rejected");
        assert!(!Rejected.may_become(Submitted) && Rejected.is_final());
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn a_confirmed_month_is_covered_and_anything_less_is_said() {
        let c = check(
            &month(Some(PaidBy::Donor), true, Some(Ok(()))),
            10,
            10,
            0,
            Some(3),
        );
        assert_eq!(c.verdict, Verdict::Covered);
        assert_eq!(codes(&c), ["month_confirmed"]);
        let c = check(&month(None, false, None), 0, 5, 0, Some(3));
        assert_eq!(
            (c.verdict, codes(&c)),
            (Verdict::NotCovered, vec!["month_not_paid"])
        );
        let c = check(
            &month(
                Some(PaidBy::Donor),
                true,
                Some(Err("sudah terdaftar".into())),
            ),
            10,
            10,
            0,
            Some(3),
        );
        assert_eq!(c.verdict, Verdict::NotCovered);
        assert!(c.reasons[0].id.contains("sudah terdaftar"));
        let c = check(&month(Some(PaidBy::Donor), false, None), 10, 10, 0, Some(3));
        assert_eq!(
            (c.verdict, codes(&c)),
            (Verdict::Doubtful, vec!["month_not_remitted"])
        );
        let c = check(&month(Some(PaidBy::Donor), true, None), 10, 10, 0, Some(3));
        assert_eq!(
            (c.verdict, codes(&c)),
            (Verdict::Doubtful, vec!["month_not_confirmed"])
        );
        // Paid alone: straight to BPJS, covered once confirmed.
        let c = check(
            &month(Some(PaidBy::SelfPaid), true, Some(Ok(()))),
            30,
            20,
            10,
            Some(3),
        );
        assert_eq!(c.verdict, Verdict::Covered);
        assert_eq!(c.paid_months(), 30);
    }

    #[test]
    fn the_first_three_months_of_a_membership_are_named() {
        let c = check(
            &month(Some(PaidBy::Donor), true, Some(Ok(()))),
            3,
            3,
            0,
            Some(3),
        );
        assert_eq!(codes(&c), ["month_confirmed", "first_months"]);
        let c = check(
            &month(Some(PaidBy::Donor), true, Some(Ok(()))),
            4,
            4,
            0,
            Some(3),
        );
        assert_eq!(codes(&c), ["month_confirmed"]);
    }

    #[test]
    fn a_notification_names_every_missing_or_wrong_field() {
        let good = Notification {
            place: "Laut Jawa, 5 mil dari Ujungpangkah",
            cause: "Perahu terbalik diterjang ombak",
            time: Some("04:30"),
            notifier_name: "Kepala Desa Pangkahkulon",
            notifier_phone: "0812-3456-7890",
            disease: None,
        };
        assert_eq!(check_notification(&good).unwrap(), "+6281234567890");
        let bad = Notification {
            place: " ",
            cause: &"x".repeat(CAUSE_MAX + 1),
            time: Some("25:00"),
            notifier_name: "=HYPERLINK()",
            notifier_phone: "12",
            disease: Some(("nelayan", "", "")),
        };
        let codes: Vec<_> = check_notification(&bad)
            .unwrap_err()
            .iter()
            .map(|p| p.code)
            .collect();
        assert!(
            codes.contains(&"required") && codes.contains(&"too_long"),
            "{codes:?}"
        );
        assert!(codes.contains(&"bad_time"), "{codes:?}");
        assert_eq!(
            codes.iter().filter(|c| **c == "required").count(),
            3,
            "{codes:?}"
        );
        assert!(codes.len() >= 6, "{codes:?}");
    }

    #[test]
    fn messages_name_initials_and_village_only() {
        use crate::benefits::Kind;
        assert_eq!(initials("Rudi  Mulyono"), "R. M.");
        assert_eq!(initials("siti"), "S.");
        assert_eq!(initials(""), "");
        let event = chrono::NaiveDate::from_ymd_opt(2027, 3, 3).unwrap();
        let (subject, body) = donor_notice_filed(Kind::JkkDeath, "R. M.", "Beton", event);
        assert!(subject.contains("JKK"));
        assert!(body.starts_with(
            "Pekerja yang Anda lindungi, R. M. dari Desa Beton, mengalami kecelakaan kerja pada 3 Maret 2027. Keluarganya sedang dibantu mengajukan klaim JKK."
        ), "{body}");
        let (_, body) = donor_notice_paid(Kind::JkkDeath, "R. M.", "Beton", 70_000_000);
        assert!(
            body.starts_with(
                "BPJS Ketenagakerjaan telah membayar santunan Rp 70.000.000 kepada ahli waris"
            ),
            "{body}"
        );
        assert_eq!(
            donor_news(Kind::JkkDeath, "R. M.", "Beton", event, Stage::Paid, Some(70_000_000)),
            "R. M. dari Desa Beton mengalami kecelakaan kerja pada 3 Maret 2027. BPJS Ketenagakerjaan telah membayar santunan Rp 70.000.000."
        );
        assert!(
            donor_news(Kind::Jkm, "R. M.", "Beton", event, Stage::Agenda, None)
                .ends_with("sedang dibantu mengajukan klaim JKM.")
        );
        let sms = family_sms(Kind::Jkm, "R. M.", 42_000_000);
        assert!(
            sms.contains("akta kematian") && sms.contains("Rp 42.000.000") && sms.contains("175")
        );
        assert!(sms.chars().count() < 320, "{}", sms.chars().count());
        assert!(!family_sms(Kind::JkkStmb, "R. M.", 0).contains("Perkiraan"));
    }

    #[test]
    fn attachments_are_pdf_jpeg_or_png_up_to_5_mb() {
        assert_eq!(
            check_document("akta_kematian", "akta.pdf", b"%PDF-1.7 ..."),
            Ok("application/pdf")
        );
        assert_eq!(
            check_document("kk", "kk.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 1]),
            Ok("image/jpeg")
        );
        let codes = |r: Result<&str, Vec<Problem>>| -> Vec<&'static str> {
            r.unwrap_err().iter().map(|p| p.code).collect()
        };
        assert_eq!(
            codes(check_document("kk", "x.pdf", b"MZ\x90\x00")),
            ["bad_file_type"]
        );
        assert_eq!(
            codes(check_document("kk", "x.pdf", b"<html>")),
            ["bad_file_type"]
        );
        assert_eq!(
            codes(check_document("foto", "", b"")),
            ["bad_document_kind", "required", "empty_file"]
        );
        let big = vec![b'%'; DOCUMENT_MAX + 1];
        assert_eq!(
            codes(check_document("kk", "x.pdf", &big)),
            ["file_too_large"]
        );
    }

    #[test]
    fn heirs_in_the_legal_order() {
        assert!(HeirRank::of_relationship("istri") < HeirRank::of_relationship("ibu"));
        assert!(HeirRank::of_relationship("saudara") < HeirRank::of_relationship("mertua"));
        assert_eq!(HeirRank::of_relationship("wasiat"), Some(HeirRank::Named));
        assert_eq!(HeirRank::of_relationship("tetangga"), None);
        assert!(RELATIONSHIPS
            .iter()
            .all(|(r, _, _)| HeirRank::of_relationship(r).is_some()));
        // In the legal order.
        let ranks: Vec<HeirRank> = RELATIONSHIPS
            .iter()
            .filter_map(|(r, _, _)| HeirRank::of_relationship(r))
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        assert_eq!(relationship_label("saudara", "id"), "Saudara kandung");
        assert_eq!(document_label("kk", "en"), "Family card (KK)");
        assert_eq!(document_label("zzz", "en"), "zzz");
    }
}
