//! A region's coverage, the number local governments are judged on (domain.md §6): active
//! participants ÷ a workforce denominator × 100, for a region and a day.
//!
//! - Fractions are kept exact ([`Share`]); a percentage is rounded half-up to 2 decimals only
//!   when it is written.
//! - Several denominators are in public use, so each is named by a [`definition`] and they
//!   are never mixed: regions aggregate by summing numerators and denominators of the same
//!   definition ([`aggregate`]), never by averaging percentages (1/4 and 30/40 make 31/44 =
//!   70,45%, not 50%).
//! - A target is a [`Percent`] of a denominator: the people it needs are
//!   ceil(target × denominator ÷ 100) ([`Percent::people_of`]), and the gap is those minus the
//!   participants, never below zero.
//!
//! The definitions and the figures are data imported with their sources; nothing here
//! guesses one.

use crate::message::Problem;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The denominators in public use, by code (domain.md §6). An importer may declare another
/// code ([`definition::is_code`]); it is shown as written.
pub mod definition {
    /// The labour force (BPS Sakernas, or the labour force holding the region's KTP).
    pub const ANGKATAN_KERJA: &str = "angkatan_kerja";
    /// The employed population (Bali, Jawa Timur).
    pub const PENDUDUK_BEKERJA: &str = "penduduk_bekerja";
    /// BPS's "potential workforce" (Lampung, Musi Banyuasin).
    pub const POTENSI_BPS: &str = "potensi_bps";
    /// KTP holders aged 17 and over, less civil servants and TNI/Polri (BPJS's "potensi").
    pub const KTP_17_PLUS: &str = "ktp_17_plus";

    /// The known definitions with their names in Indonesian and English.
    pub const KNOWN: [(&str, &str, &str); 4] = [
        (ANGKATAN_KERJA, "angkatan kerja", "labour force"),
        (PENDUDUK_BEKERJA, "penduduk bekerja", "employed population"),
        (
            POTENSI_BPS,
            "potensi tenaga kerja (BPS)",
            "potential workforce (BPS)",
        ),
        (
            KTP_17_PLUS,
            "pemilik KTP 17+ di luar ASN/TNI/Polri",
            "KTP holders 17+ excluding ASN/TNI/Polri",
        ),
    ];

    /// The longest code an importer may declare.
    pub const CODE_MAX: usize = 40;

    /// A code is 1 to [`CODE_MAX`] lower-case letters, digits and underscores, starting with
    /// a letter.
    pub fn is_code(code: &str) -> bool {
        code.len() <= CODE_MAX
            && code.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }

    /// The definition's name in `lang` (`id` or `en`); a declared code is its own name.
    pub fn name<'a>(code: &'a str, lang: &str) -> &'a str {
        KNOWN
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or(code, |(_, id, en)| if lang == "en" { en } else { id })
    }
}

/// An exact fraction of people: `num` of `den`, `den` > 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub num: u64,
    pub den: u64,
}

impl Share {
    /// `None` when the denominator is zero.
    pub fn new(num: u64, den: u64) -> Option<Share> {
        (den > 0).then_some(Share { num, den })
    }

    /// The percentage in hundredths (3940 for 39,40%), rounded half-up.
    pub fn hundredths(&self) -> u64 {
        let scaled = u128::from(self.num) * 10_000;
        let den = u128::from(self.den);
        // Half-up: floor((2·n·10⁴ + d) ÷ 2d).
        ((2 * scaled + den) / (2 * den)) as u64
    }

    /// Percentage points, exact to 4 decimals of a point (hundredths of hundredths), rounded
    /// half-up: what sponsored workers add, in hundredths, without losing a small share.
    pub fn ten_thousandths(&self) -> u64 {
        let scaled = u128::from(self.num) * 1_000_000;
        let den = u128::from(self.den);
        ((2 * scaled + den) / (2 * den)) as u64
    }

    /// Written for `lang`: `39,40%` in Indonesian, `39.40%` in English.
    pub fn percent_text(&self, lang: &str) -> String {
        hundredths_text(self.hundredths(), lang)
    }
}

/// Hundredths of a percent written for `lang`: `3940` → `39,40%` (`id`) or `39.40%` (`en`),
/// with thousands grouped in the whole part (a share above 1.000% is possible when a
/// denominator is stale).
pub fn hundredths_text(hundredths: u64, lang: &str) -> String {
    let whole = crate::format::count(hundredths / 100);
    let (whole, sep) = if lang == "en" {
        (whole.replace('.', ","), '.')
    } else {
        (whole, ',')
    };
    format!("{whole}{sep}{:02}%", hundredths % 100)
}

/// A percentage as published or set as a target, exact to 4 decimals: `52,69` is
/// `Percent(526_900)`. At most 100%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(u32);

impl Percent {
    const SCALE: u64 = 10_000;

    pub const ZERO: Percent = Percent(0);

    /// From ten-thousandths of a percent; `None` above 100%.
    pub fn from_ten_thousandths(v: u32) -> Option<Percent> {
        (u64::from(v) <= 100 * Percent::SCALE).then_some(Percent(v))
    }

    pub fn ten_thousandths(self) -> u32 {
        self.0
    }

    /// Reads `39,40`, `39.40`, `39,40%` or `52` (a comma or a dot before at most 4 decimals;
    /// no thousands separators, since a percentage is at most 100).
    pub fn parse(text: &str) -> Option<Percent> {
        let t = text.trim().trim_end_matches('%').trim();
        let (whole, frac) = match t.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty()
            || whole.len() > 3
            || frac.len() > 4
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (t.contains([',', '.']) && frac.is_empty())
        {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let mut f: u32 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        for _ in frac.len()..4 {
            f *= 10;
        }
        Percent::from_ten_thousandths(whole.checked_mul(10_000)?.checked_add(f)?)
    }

    /// The percentage in hundredths, rounded half-up (for display).
    pub fn hundredths(self) -> u64 {
        (u64::from(self.0) + 50) / 100
    }

    /// The people this share of `denominator` is: ceil(p × denominator ÷ 100). Lampung 2024:
    /// 32,62% of 3.058.943 needs 997.828.
    pub fn people_of(self, denominator: u64) -> u64 {
        let n = u128::from(self.0) * u128::from(denominator);
        let d = u128::from(100 * Percent::SCALE);
        n.div_ceil(d) as u64
    }

    /// Written for `lang` with 2 decimals, rounded half-up: `52,69%`.
    pub fn text(self, lang: &str) -> String {
        hundredths_text(self.hundredths(), lang)
    }

    /// Whether a published percentage agrees with the fraction it claims to be, once both are
    /// rounded to 2 decimals. Published figures often do not recompute (Bali: 935.079 ÷
    /// 1.873.899 = 49,90%, published as 50,88%).
    pub fn recomputes(self, share: Share) -> bool {
        self.hundredths() == share.hundredths()
    }
}

/// People still needed to reach a target: max(0, target − participants).
pub fn gap(target_people: u64, participants: u64) -> u64 {
    target_people.saturating_sub(participants)
}

/// Regions' figures summed per definition: numerators with numerators, denominators with
/// denominators, never mixing definitions and never averaging percentages. `None` if a sum
/// overflows (it cannot with real headcounts).
pub fn aggregate<'a>(
    parts: impl IntoIterator<Item = (&'a str, Share)>,
) -> Option<BTreeMap<&'a str, Share>> {
    let mut sums: BTreeMap<&str, Share> = BTreeMap::new();
    for (definition, share) in parts {
        match sums.get_mut(definition) {
            Some(s) => {
                s.num = s.num.checked_add(share.num)?;
                s.den = s.den.checked_add(share.den)?;
            }
            None => {
                sums.insert(definition, share);
            }
        }
    }
    Some(sums)
}

/// A figure with the day it holds for and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated<T> {
    pub value: T,
    pub on: NaiveDate,
    pub source: String,
}

/// The figures that stood for a region on a day: for each measure and definition, the latest
/// on or before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub participants: Option<Dated<u64>>,
    /// (definition, denominator)
    pub denominators: Vec<(String, Dated<u64>)>,
    /// (definition measured against, target)
    pub target_percent: Vec<(String, Dated<Percent>)>,
    pub target_people: Option<Dated<u64>>,
    /// (definition, the percentage as published)
    pub published: Vec<(String, Dated<Percent>)>,
}

/// A region's coverage on a day, from what stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The definition of the denominator used.
    pub definition: Option<String>,
    pub participants: Option<u64>,
    pub denominator: Option<u64>,
    pub share: Option<Share>,
    pub target: Option<Percent>,
    pub target_people: Option<u64>,
    pub gap: Option<u64>,
    pub warnings: Vec<Problem>,
}

/// Figures older than this many days before the day asked about are said to be old.
pub const STALE_DAYS: i64 = 365;

/// Chooses the denominator (the target's definition first, else the latest), computes the
/// share, the target in people and the gap, and says what a reader should know: old
/// figures, a published percentage that does not recompute, other definitions left aside,
/// figures of different dates.
pub fn assess(s: &Standing, day: NaiveDate) -> Assessment {
    let mut warnings = Vec::new();
    let target_def = s.target_percent.first().map(|(d, _)| d.as_str());
    let chosen = target_def
        .and_then(|t| s.denominators.iter().find(|(d, _)| d == t))
        .or_else(|| s.denominators.iter().max_by_key(|(_, f)| f.on));
    let definition = chosen.map(|(d, _)| d.clone());
    let denominator = chosen.map(|(_, f)| f);
    let participants = s.participants.as_ref();
    let others: Vec<&str> = s
        .denominators
        .iter()
        .filter(|(d, _)| Some(d) != definition.as_ref())
        .map(|(d, _)| d.as_str())
        .collect();
    if !others.is_empty() {
        warnings.push(Problem::new(
            "other_definitions",
            format!(
                "Ada penyebut dengan definisi lain ({}); tidak dicampur.",
                others.join(", ")
            ),
            format!(
                "There are denominators of other definitions ({}); they are not mixed.",
                others.join(", ")
            ),
        ));
    }
    for (what_id, what_en, on) in [
        ("jumlah peserta", "participants", participants.map(|f| f.on)),
        ("penyebut", "the denominator", denominator.map(|f| f.on)),
    ] {
        if let Some(on) = on {
            if (day - on).num_days() > STALE_DAYS {
                warnings.push(Problem::new(
                    "old_figure",
                    format!(
                        "Angka {what_id} berasal dari {}, lebih dari setahun sebelumnya.",
                        crate::format::date(on, "id")
                    ),
                    format!(
                        "The figure for {what_en} dates from {}, more than a year before.",
                        crate::format::date(on, "en")
                    ),
                ));
            }
        }
    }
    if let (Some(p), Some(d)) = (participants, denominator) {
        if (p.on - d.on).num_days().abs() > 31 {
            warnings.push(Problem::new(
                "dates_differ",
                format!(
                    "Jumlah peserta ({}) dan penyebut ({}) tidak dari tanggal yang sama.",
                    crate::format::date(p.on, "id"),
                    crate::format::date(d.on, "id")
                ),
                format!(
                    "The participants ({}) and the denominator ({}) are not of the same date.",
                    crate::format::date(p.on, "en"),
                    crate::format::date(d.on, "en")
                ),
            ));
        }
    }
    let share = match (participants, denominator) {
        (Some(p), Some(d)) => Share::new(p.value, d.value),
        _ => None,
    };
    if participants.is_some() && denominator.is_none() {
        warnings.push(Problem::new(
            "no_denominator",
            "Belum ada penyebut (angkatan kerja atau lainnya) untuk wilayah ini: cakupan tidak dapat dihitung.",
            "No denominator (labour force or another) for this region yet: coverage cannot be computed.",
        ));
    }
    for (def, published) in &s.published {
        let same_day =
            participants.is_some_and(|p| p.on == published.on) && Some(def) == definition.as_ref();
        if let (true, Some(share)) = (same_day, share) {
            if !published.value.recomputes(share) {
                warnings.push(Problem::new(
                    "not_recomputed",
                    format!(
                        "Persentase terbit {} tidak sama dengan hitungan ulang {} ÷ {} = {}.",
                        published.value.text("id"),
                        share.num,
                        share.den,
                        share.percent_text("id")
                    ),
                    format!(
                        "The published {} does not recompute: {} ÷ {} = {}.",
                        published.value.text("en"),
                        share.num,
                        share.den,
                        share.percent_text("en")
                    ),
                ));
            }
        }
    }
    let target = definition
        .as_ref()
        .and_then(|d| s.target_percent.iter().find(|(t, _)| t == d))
        .map(|(_, t)| t.value);
    if let (Some((t, _)), None) = (s.target_percent.first(), target) {
        warnings.push(Problem::new(
            "target_other_definition",
            format!("Target diukur terhadap {t}, yang penyebutnya belum ada."),
            format!("The target is measured against {t}, whose denominator is missing."),
        ));
    }
    let target_people = match (target, denominator) {
        (Some(t), Some(d)) => Some(t.people_of(d.value)),
        _ => s.target_people.as_ref().map(|t| t.value),
    };
    let gap = match (target_people, participants) {
        (Some(t), Some(p)) => Some(gap(t, p.value)),
        _ => None,
    };
    Assessment {
        definition,
        participants: participants.map(|p| p.value),
        denominator: denominator.map(|d| d.value),
        share,
        target,
        target_people,
        gap,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(num: u64, den: u64) -> Share {
        Share::new(num, den).expect("a denominator")
    }

    fn pct(text: &str) -> Percent {
        Percent::parse(text).expect("a percentage")
    }

    #[test]
    fn published_cases_computed_by_hand() {
        // Gresik, 26 November 2025: 40,82% of a labour force of 715.619 is 292.116 people
        // (715.619 × 0,4082 = 292.115,7 → its published count rounds to 40,82%).
        assert_eq!(share(292_116, 715_619).percent_text("id"), "40,82%");
        // Target 52,69% of the same labour force: 715.619 × 0,5269 = 377.059,65 → 377.060.
        assert_eq!(pct("52,69").people_of(715_619), 377_060);
        assert_eq!(gap(377_060, 292_116), 84_944);
        // Lampung 2024: 32,62% of 3.058.943 needs 997.828; the gap was 237.360.
        assert_eq!(pct("32.62").people_of(3_058_943), 997_828);
        assert_eq!(gap(997_828, 997_828 - 237_360), 237_360);
        // Bali: 935.079 ÷ 1.873.899 = 49,8997…% → 49,90%, published as 50,88%.
        let bali = share(935_079, 1_873_899);
        assert_eq!(bali.percent_text("id"), "49,90%");
        assert_eq!(bali.percent_text("en"), "49.90%");
        assert!(!pct("50,88").recomputes(bali));
        assert!(pct("49,90").recomputes(bali));
    }

    #[test]
    fn regions_aggregate_fractions_not_percentages() {
        let sums = aggregate([
            (definition::ANGKATAN_KERJA, share(1, 4)),
            (definition::ANGKATAN_KERJA, share(30, 40)),
            (definition::PENDUDUK_BEKERJA, share(5, 10)),
        ])
        .expect("no overflow");
        let labour = sums[definition::ANGKATAN_KERJA];
        assert_eq!((labour.num, labour.den), (31, 44));
        assert_eq!(labour.percent_text("id"), "70,45%", "not 50%");
        assert_eq!(sums.len(), 2, "definitions are never mixed");
        assert_eq!(
            aggregate([("a", share(u64::MAX, 1)), ("a", share(1, 1))]),
            None
        );
    }

    #[test]
    fn rounding_is_half_up_and_exact() {
        // 1/8 = 12,5% exactly; 1/3 = 33,333…%; 2/3 = 66,666…%; 1/80000 = 0,00125% → 0,00%.
        assert_eq!(share(1, 8).hundredths(), 1250);
        assert_eq!(share(1, 3).percent_text("id"), "33,33%");
        assert_eq!(share(2, 3).percent_text("id"), "66,67%");
        assert_eq!(share(1, 80_000).percent_text("id"), "0,00%");
        // 0,005% is the half: 1 of 20.000 rounds up to 0,01%.
        assert_eq!(share(1, 20_000).percent_text("id"), "0,01%");
        assert_eq!(share(1, 20_000).ten_thousandths(), 50);
        // A stale denominator can give more than 100%, written with a thousands separator
        // beyond 999%.
        assert_eq!(share(25, 2).percent_text("id"), "1.250,00%");
        assert_eq!(share(25, 2).percent_text("en"), "1,250.00%");
        // Huge headcounts do not overflow.
        assert_eq!(share(u64::MAX, u64::MAX).percent_text("id"), "100,00%");
        assert_eq!(Share::new(1, 0), None);
    }

    #[test]
    fn percentages_are_read_as_clerks_write_them() {
        assert_eq!(pct("39,40").ten_thousandths(), 394_000);
        assert_eq!(pct("39.4%").ten_thousandths(), 394_000);
        assert_eq!(pct(" 52 ").ten_thousandths(), 520_000);
        assert_eq!(pct("0,0001").ten_thousandths(), 1);
        assert_eq!(pct("100").ten_thousandths(), 1_000_000);
        for bad in [
            "", "%", "100,01", "101", "39,", ",5", "39,12345", "-1", "4e1", "1 000",
        ] {
            assert_eq!(Percent::parse(bad), None, "{bad:?}");
        }
        assert_eq!(pct("52,69").text("id"), "52,69%");
        assert_eq!(pct("52,695").text("id"), "52,70%", "half-up");
        assert_eq!(pct("100").people_of(715_619), 715_619);
        assert_eq!(pct("0").people_of(715_619), 0);
    }

    #[test]
    fn definitions_are_codes_with_names() {
        assert!(definition::is_code("angkatan_kerja"));
        assert!(definition::is_code("ak_ktp_gresik_2025"));
        for bad in ["", "Angkatan", "1ak", "a-b", "a b", &"a".repeat(41)] {
            assert!(!definition::is_code(bad), "{bad:?}");
        }
        assert_eq!(definition::name("angkatan_kerja", "id"), "angkatan kerja");
        assert_eq!(definition::name("angkatan_kerja", "en"), "labour force");
        assert_eq!(definition::name("ak_lokal", "en"), "ak_lokal");
    }

    fn dated<T>(value: T, on: NaiveDate) -> Dated<T> {
        Dated {
            value,
            on,
            source: "sumber".into(),
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn gresik_on_1_december_2025() {
        let s = Standing {
            participants: Some(dated(292_116, d(2025, 11, 26))),
            denominators: vec![("angkatan_kerja".into(), dated(715_619, d(2025, 11, 26)))],
            target_percent: vec![("angkatan_kerja".into(), dated(pct("52,69"), d(2025, 1, 1)))],
            target_people: None,
            published: vec![(
                "angkatan_kerja".into(),
                dated(pct("40,82"), d(2025, 11, 26)),
            )],
        };
        let a = assess(&s, d(2025, 12, 1));
        assert_eq!(
            a.share.map(|s| s.percent_text("id")).as_deref(),
            Some("40,82%")
        );
        assert_eq!(a.definition.as_deref(), Some("angkatan_kerja"));
        assert_eq!(a.target_people, Some(377_060));
        assert_eq!(a.gap, Some(84_944));
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        // A year and more later the same figures are old.
        let later = assess(&s, d(2027, 1, 1));
        let codes: Vec<&str> = later.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, vec!["old_figure", "old_figure"]);
    }

    #[test]
    fn what_a_reader_is_warned_of() {
        // Bali: the published 50,88% does not recompute from 935.079 ÷ 1.873.899.
        let bali = Standing {
            participants: Some(dated(935_079, d(2024, 12, 31))),
            denominators: vec![
                ("penduduk_bekerja".into(), dated(1_873_899, d(2024, 12, 31))),
                ("angkatan_kerja".into(), dated(2_000_000, d(2024, 8, 1))),
            ],
            published: vec![(
                "penduduk_bekerja".into(),
                dated(pct("50,88"), d(2024, 12, 31)),
            )],
            ..Standing::default()
        };
        let a = assess(&bali, d(2025, 1, 15));
        let codes: Vec<&str> = a.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, vec!["other_definitions", "not_recomputed"]);
        assert_eq!(
            a.definition.as_deref(),
            Some("penduduk_bekerja"),
            "the latest"
        );
        assert!(a.warnings[1].id.contains("50,88%") && a.warnings[1].id.contains("49,90%"));
        // Gresik in 2022: participants and a published percentage, no denominator.
        let gresik = Standing {
            participants: Some(dated(247_777, d(2022, 12, 23))),
            published: vec![(
                "angkatan_kerja".into(),
                dated(pct("39,40"), d(2022, 12, 23)),
            )],
            target_people: Some(dated(300_000, d(2022, 1, 1))),
            ..Standing::default()
        };
        let a = assess(&gresik, d(2023, 1, 1));
        assert_eq!(a.share, None);
        assert_eq!((a.target_people, a.gap), (Some(300_000), Some(52_223)));
        let codes: Vec<&str> = a.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, vec!["no_denominator"]);
        // Participants of one date against a denominator of another; a target of a
        // definition with no denominator.
        let mixed = Standing {
            participants: Some(dated(10, d(2025, 6, 1))),
            denominators: vec![("angkatan_kerja".into(), dated(40, d(2025, 1, 1)))],
            target_percent: vec![("ktp_17_plus".into(), dated(pct("50"), d(2025, 1, 1)))],
            ..Standing::default()
        };
        let a = assess(&mixed, d(2025, 6, 2));
        let codes: Vec<&str> = a.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, vec!["dates_differ", "target_other_definition"]);
        assert_eq!(a.share, Share::new(10, 40));
        assert_eq!((a.target, a.gap), (None, None));
    }
}
