//! A vulnerable worker as the registry keeps them, and the checks one row of a proposer's list
//! must pass before it becomes one.

use crate::message::Problem;
use crate::nik::{self, Nik, Sex};
use crate::region::{self, RegionLookup};
use chrono::NaiveDate;

/// Minimum declared monthly income for BPU participants, and the default when a list leaves
/// it out (domain.md §2).
pub const DEFAULT_INCOME: i64 = 1_000_000;

/// The kinds of informal work the programme covers (domain.md §1). Stored by `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Occupation {
    Petani,
    BuruhTani,
    Nelayan,
    Peternak,
    PedagangKakiLima,
    Ojek,
    OjekOnline,
    Becak,
    Sopir,
    Kurir,
    BuruhHarianLepas,
    Pemulung,
    TukangTambalBan,
    Pengrajin,
    PekerjaRumahTangga,
    RelawanDesa,
    PekerjaKeagamaan,
    Lainnya,
}

impl Occupation {
    pub const ALL: [Occupation; 18] = [
        Occupation::Petani,
        Occupation::BuruhTani,
        Occupation::Nelayan,
        Occupation::Peternak,
        Occupation::PedagangKakiLima,
        Occupation::Ojek,
        Occupation::OjekOnline,
        Occupation::Becak,
        Occupation::Sopir,
        Occupation::Kurir,
        Occupation::BuruhHarianLepas,
        Occupation::Pemulung,
        Occupation::TukangTambalBan,
        Occupation::Pengrajin,
        Occupation::PekerjaRumahTangga,
        Occupation::RelawanDesa,
        Occupation::PekerjaKeagamaan,
        Occupation::Lainnya,
    ];

    /// `(code, Indonesian label, English label, other spellings accepted on import)`
    fn info(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
    ) {
        match self {
            Occupation::Petani => ("petani", "Petani", "Farmer", &["farmer", "tani"]),
            Occupation::BuruhTani => (
                "buruh_tani",
                "Buruh tani",
                "Farm labourer",
                &["farm_labourer", "farm_laborer"],
            ),
            Occupation::Nelayan => ("nelayan", "Nelayan", "Fisher", &["fisher", "fisherman"]),
            Occupation::Peternak => (
                "peternak",
                "Peternak",
                "Livestock keeper",
                &["livestock_keeper", "herder"],
            ),
            Occupation::PedagangKakiLima => (
                "pedagang_kaki_lima",
                "Pedagang kaki lima",
                "Street vendor",
                &["pkl", "street_vendor", "pedagang"],
            ),
            Occupation::Ojek => (
                "ojek",
                "Ojek",
                "Motorcycle taxi driver",
                &["ojek_pangkalan", "motorcycle_taxi"],
            ),
            Occupation::OjekOnline => (
                "ojek_online",
                "Ojek online",
                "App-based motorcycle taxi driver",
                &["ojol", "ride_hailing_driver"],
            ),
            Occupation::Sopir => (
                "sopir",
                "Sopir (angkot, truk, taksi)",
                "Driver",
                &["supir", "driver", "sopir_angkot", "sopir_truk"],
            ),
            Occupation::Kurir => (
                "kurir",
                "Kurir",
                "Courier",
                &["courier", "kurir_paket", "delivery_rider"],
            ),
            Occupation::Becak => (
                "becak",
                "Tukang becak",
                "Pedicab driver",
                &["tukang_becak", "pedicab", "pedicab_driver"],
            ),
            Occupation::BuruhHarianLepas => (
                "buruh_harian_lepas",
                "Buruh harian lepas",
                "Day labourer",
                &["bhl", "day_labourer", "day_laborer", "buruh"],
            ),
            Occupation::Pemulung => (
                "pemulung",
                "Pemulung",
                "Waste picker",
                &["waste_picker", "scavenger"],
            ),
            Occupation::TukangTambalBan => (
                "tukang_tambal_ban",
                "Tukang tambal ban",
                "Tyre patcher",
                &["tambal_ban", "tyre_patcher", "tire_repair"],
            ),
            Occupation::Pengrajin => (
                "pengrajin",
                "Pengrajin",
                "Craftsperson",
                &["craftsperson", "artisan", "perajin"],
            ),
            Occupation::PekerjaRumahTangga => (
                "pekerja_rumah_tangga",
                "Pekerja rumah tangga",
                "Domestic worker",
                &["prt", "domestic_worker"],
            ),
            Occupation::RelawanDesa => (
                "relawan_desa",
                "Relawan/perangkat desa",
                "Village volunteer",
                &["village_volunteer", "kader", "kader_desa"],
            ),
            Occupation::PekerjaKeagamaan => (
                "pekerja_keagamaan",
                "Pekerja keagamaan (marbot, guru ngaji)",
                "Religious worker",
                &["marbot", "guru_ngaji", "religious_worker", "modin"],
            ),
            Occupation::Lainnya => (
                "lainnya",
                "Lainnya",
                "Other",
                &["other", "lain_lain", "lain"],
            ),
        }
    }

    pub fn code(self) -> &'static str {
        self.info().0
    }

    pub fn label(self, lang: &str) -> &'static str {
        if lang == "en" {
            self.info().2
        } else {
            self.info().1
        }
    }

    /// Accepts the code, either label, and common spellings, in any case, with spaces,
    /// dashes or underscores.
    pub fn parse(input: &str) -> Option<Occupation> {
        let key: String = input
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' || c == '/' {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        Occupation::ALL.into_iter().find(|o| {
            let (code, id, en, aliases) = o.info();
            let norm = |s: &str| s.to_lowercase().replace([' ', '-', '/'], "_");
            key == code || key == norm(id) || key == norm(en) || aliases.contains(&key.as_str())
        })
    }
}

/// Where a worker stands. The first three exist now; the rest are written by later
/// capabilities (funding, hand-over to self-payment, lapse, death) and are here so the
/// storage and the transitions are designed for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkerStatus {
    Proposed,
    Verified,
    Rejected,
    Funded,
    Mandiri,
    Lapsed,
    Deceased,
    /// Left the programme (moved away, found formal work, asked to leave).
    Left,
}

impl WorkerStatus {
    pub const ALL: [WorkerStatus; 8] = [
        WorkerStatus::Proposed,
        WorkerStatus::Verified,
        WorkerStatus::Rejected,
        WorkerStatus::Funded,
        WorkerStatus::Mandiri,
        WorkerStatus::Lapsed,
        WorkerStatus::Deceased,
        WorkerStatus::Left,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WorkerStatus::Proposed => "proposed",
            WorkerStatus::Verified => "verified",
            WorkerStatus::Rejected => "rejected",
            WorkerStatus::Funded => "funded",
            WorkerStatus::Mandiri => "mandiri",
            WorkerStatus::Lapsed => "lapsed",
            WorkerStatus::Deceased => "deceased",
            WorkerStatus::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<WorkerStatus> {
        WorkerStatus::ALL.into_iter().find(|st| st.code() == s)
    }

    pub fn label(self, lang: &str) -> &'static str {
        let en = lang == "en";
        match self {
            WorkerStatus::Proposed => {
                if en {
                    "Proposed"
                } else {
                    "Diusulkan"
                }
            }
            WorkerStatus::Verified => {
                if en {
                    "Verified"
                } else {
                    "Terverifikasi"
                }
            }
            WorkerStatus::Rejected => {
                if en {
                    "Rejected"
                } else {
                    "Ditolak"
                }
            }
            WorkerStatus::Funded => {
                if en {
                    "Funded"
                } else {
                    "Didanai"
                }
            }
            WorkerStatus::Mandiri => {
                if en {
                    "Self-paying"
                } else {
                    "Mandiri"
                }
            }
            WorkerStatus::Lapsed => {
                if en {
                    "Lapsed"
                } else {
                    "Tidak aktif"
                }
            }
            WorkerStatus::Deceased => {
                if en {
                    "Deceased"
                } else {
                    "Meninggal"
                }
            }
            WorkerStatus::Left => {
                if en {
                    "Left the programme"
                } else {
                    "Keluar dari program"
                }
            }
        }
    }

    /// The moves the registry allows. Anything else is refused, so a status can't be set
    /// to something that skips a check (a rejected worker is never funded).
    ///
    /// `verified` is the waiting pool: a verified worker may be funded by donors (whether
    /// they are is in their months, not their status). When sponsorship ends the worker
    /// pays alone (`mandiri`), stays in the pool for a new donor, or after three unpaid
    /// months becomes `lapsed`; a lapsed or self-paying worker can be put back in the pool.
    pub fn can_become(self, next: WorkerStatus) -> bool {
        use WorkerStatus::*;
        matches!(
            (self, next),
            (Proposed, Verified)
                | (Proposed, Rejected)
                | (Rejected, Proposed)
                | (Verified, Funded)
                | (Verified, Rejected)
                | (Verified, Mandiri)
                | (Verified, Lapsed)
                | (Funded, Lapsed)
                | (Funded, Mandiri)
                | (Lapsed, Funded)
                | (Lapsed, Mandiri)
                | (Lapsed, Verified)
                | (Mandiri, Lapsed)
                | (Mandiri, Verified)
                | (Left, Verified)
        ) || (next == Deceased && self != Deceased)
            || (next == Left && !matches!(self, Deceased | Left))
    }
}

/// Indonesian phone numbers in the `+62…` form: `0812-3456-7890`, `62812…` and `812…` all
/// become `+6281234567890`.
pub fn normalise_phone(input: &str) -> Result<String, Problem> {
    let digits: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
        .collect();
    let national = if let Some(rest) = digits.strip_prefix("+62") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix("62") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else {
        digits.clone()
    };
    let ok = (8..=12).contains(&national.len())
        && national.bytes().all(|b| b.is_ascii_digit())
        && !national.starts_with('0');
    if ok {
        Ok(format!("+62{national}"))
    } else {
        Err(Problem::new(
            "invalid_phone",
            format!(
                "Nomor HP \"{}\" tidak benar. Tulis seperti 081234567890.",
                input.trim()
            ),
            format!(
                "Phone number \"{}\" is not valid. Write it like 081234567890.",
                input.trim()
            ),
        ))
    }
}

/// A name as people write it, tidied: surrounding and repeated spaces removed.
pub fn tidy_name(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key under which two records are suspected to be the same person: letters only,
/// lower case, single spaces. `"Siti  Aminah,"` and `"SITI AMINAH"` share a key.
pub fn name_key(input: &str) -> String {
    input
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphabetic() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rupiah as clerks write it: `1.500.000`, `1,500,000`, `Rp 1.500.000`, `1500000`, with a
/// zero fraction (`1.500.000,00`) allowed. Thousands must come in groups of three with one
/// separator, so `12,5,0` or `1.500.000,50` (which has sen) is refused rather than misread.
pub fn parse_rupiah(input: &str) -> Option<i64> {
    let t = input.trim();
    let t = t
        .strip_prefix("Rp")
        .or_else(|| t.strip_prefix("rp"))
        .or_else(|| t.strip_prefix("RP"))
        .unwrap_or(t)
        .trim()
        .trim_start_matches('.')
        .trim();
    parse_grouped(t)
}

/// A whole number as clerks write it, with thousands grouped by `.`, `,` or a space
/// (`247.777`, `715,619`, `1 500 000`) and an optional zero fraction (`,00`). The grouping
/// must be regular, so `12,5,0` or `1.500.000,50` is refused rather than misread. Shared by
/// rupiah and headcounts.
pub fn parse_grouped(input: &str) -> Option<i64> {
    let t = input.trim();
    // A trailing ",00" or ".00" is a zero fraction, not thousands.
    let t = t
        .strip_suffix(",00")
        .or_else(|| t.strip_suffix(".00"))
        .unwrap_or(t);
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok();
    }
    let sep = t.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '.' | ',' | ' ') {
        return None;
    }
    let groups: Vec<&str> = t.split(sep).collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    if !first_ok || !rest_ok || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    groups.concat().parse().ok()
}

/// Dates as they arrive in lists: `1990-08-16`, `16-08-1990`, `16/08/1990`.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let t = input.trim();
    ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// The programme's eligibility rules that depend on the person alone (domain.md §1: no legal
/// age limit was found, so these are settings).
#[derive(Debug, Clone, Copy)]
pub struct Eligibility {
    pub min_age: u32,
    pub max_age: Option<u32>,
}

impl Default for Eligibility {
    fn default() -> Self {
        Eligibility {
            min_age: 15,
            max_age: None,
        }
    }
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    on.years_since(birth).unwrap_or(0)
}

/// One row of a list, as text, keyed by the canonical column names.
#[derive(Debug, Clone, Default)]
pub struct RawWorker {
    pub nik: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub village_code: String,
    pub phone: String,
    pub occupation: String,
    pub income: String,
    pub decile: String,
}

/// A row that passed every check: what the registry stores.
#[derive(Debug, Clone)]
pub struct ValidWorker {
    pub nik: Nik,
    pub name: String,
    pub name_key: String,
    pub village_code: String,
    pub phone: Option<String>,
    pub occupation: Occupation,
    pub income: i64,
    pub decile: Option<u8>,
    /// What the NIK check warned about without refusing the row (an old region code, an
    /// unknown district); the import reports them as warnings.
    pub nik_warnings: Vec<Problem>,
}

/// A problem with one field of one row.
#[derive(Debug, Clone)]
pub struct FieldProblem {
    /// Canonical column name (`nik`, `tanggal_lahir`, …) as in the Indonesian header.
    pub column: &'static str,
    pub value: String,
    pub problem: Problem,
}

/// Canonical columns: `(Indonesian header, English header, other accepted spellings)`.
pub const COLUMNS: [(&str, &str, &[&str]); 9] = [
    ("nik", "nik", &["no_nik", "nomor_nik", "nik_ktp"]),
    (
        "nama",
        "name",
        &["nama_lengkap", "full_name", "nama_pekerja"],
    ),
    ("jenis_kelamin", "sex", &["jk", "gender", "l_p"]),
    (
        "tanggal_lahir",
        "birth_date",
        &["tgl_lahir", "date_of_birth", "dob"],
    ),
    (
        "kode_desa",
        "village_code",
        &["kode_wilayah", "kode_kelurahan", "village"],
    ),
    (
        "no_hp",
        "phone",
        &["hp", "telepon", "no_telepon", "nomor_hp", "phone_number"],
    ),
    ("pekerjaan", "occupation", &["jenis_pekerjaan"]),
    (
        "penghasilan",
        "income",
        &["penghasilan_bulanan", "monthly_income", "pendapatan"],
    ),
    (
        "desil",
        "decile",
        &["desil_kesejahteraan", "poverty_decile"],
    ),
];

/// Which canonical column a header cell names, if any (index into [`COLUMNS`]).
pub fn column_for_header(header: &str) -> Option<usize> {
    let key: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' || c == '.' {
                '_'
            } else {
                c
            }
        })
        .collect();
    COLUMNS
        .iter()
        .position(|(id, en, other)| key == *id || key == *en || other.contains(&key.as_str()))
}

/// Checks one row. Returns the worker, or every problem found in the row.
pub fn validate(
    raw: &RawWorker,
    today: NaiveDate,
    regions: &impl RegionLookup,
    rules: Eligibility,
) -> Result<ValidWorker, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut push = |column: &'static str, value: &str, problem: Problem| {
        problems.push(FieldProblem {
            column,
            value: value.to_string(),
            problem,
        })
    };

    let checked = nik::check(&raw.nik, today, regions);
    for e in &checked.errors {
        push("nik", &raw.nik, e.clone());
    }
    let nik = checked.nik;
    let nik_warnings = checked.warnings;

    let name = tidy_name(&raw.name);
    if let Err(p) = crate::fields::check_name_start("Nama", "The name", &raw.name) {
        push("nama", &raw.name, p);
    } else if name.is_empty() {
        push(
            "nama",
            &raw.name,
            Problem::new("missing", "Nama wajib diisi.", "The name is required."),
        );
    } else if name.chars().any(|c| c.is_ascii_digit()) || !name.chars().any(char::is_alphabetic) {
        push(
            "nama",
            &raw.name,
            Problem::new(
                "invalid_name",
                "Nama tidak boleh berisi angka.",
                "A name may not contain digits.",
            ),
        );
    } else if let Err(p) = crate::fields::check_name(
        "Nama",
        "The name",
        &raw.name,
        crate::fields::PERSON_NAME_MAX,
    ) {
        push("nama", &raw.name, p);
    }

    if let Some(nik) = nik {
        if !raw.sex.trim().is_empty() {
            match Sex::parse(&raw.sex) {
                None => push(
                    "jenis_kelamin",
                    &raw.sex,
                    Problem::new(
                        "invalid_sex",
                        "Jenis kelamin harus L (laki-laki) atau P (perempuan).",
                        "Sex must be L (male) or P (female).",
                    ),
                ),
                Some(s) if s != nik.sex() => push(
                    "jenis_kelamin",
                    &raw.sex,
                    Problem::new(
                        "sex_mismatch",
                        format!(
                            "Jenis kelamin tidak sesuai NIK: menurut NIK {}.",
                            if nik.sex() == Sex::Female {
                                "perempuan (P)"
                            } else {
                                "laki-laki (L)"
                            }
                        ),
                        format!(
                            "Sex does not match the NIK, which says {}.",
                            if nik.sex() == Sex::Female {
                                "female (P)"
                            } else {
                                "male (L)"
                            }
                        ),
                    ),
                ),
                Some(_) => {}
            }
        }
        if !raw.birth_date.trim().is_empty() {
            match parse_date(&raw.birth_date) {
                None => push(
                    "tanggal_lahir",
                    &raw.birth_date,
                    Problem::new(
                        "invalid_date",
                        "Tanggal lahir tidak terbaca. Tulis seperti 16-08-1990 atau 1990-08-16.",
                        "The birth date cannot be read. Write it like 16-08-1990 or 1990-08-16.",
                    ),
                ),
                Some(d) if d != nik.birth_date() => push(
                    "tanggal_lahir",
                    &raw.birth_date,
                    Problem::new(
                        "birth_date_mismatch",
                        format!(
                            "Tanggal lahir tidak sesuai NIK: menurut NIK {}.",
                            nik.birth_date().format("%d-%m-%Y")
                        ),
                        format!(
                            "The birth date does not match the NIK, which says {}.",
                            nik.birth_date().format("%d-%m-%Y")
                        ),
                    ),
                ),
                Some(_) => {}
            }
        }
        let age = age_on(nik.birth_date(), today);
        if age < rules.min_age {
            push(
                "nik",
                &raw.nik,
                Problem::new(
                    "too_young",
                    format!(
                        "Umur {age} tahun, di bawah batas program ({} tahun).",
                        rules.min_age
                    ),
                    format!(
                        "Aged {age}, below the programme's minimum of {}.",
                        rules.min_age
                    ),
                ),
            );
        }
        if let Some(max) = rules.max_age.filter(|m| age > *m) {
            push(
                "nik",
                &raw.nik,
                Problem::new(
                    "too_old",
                    format!("Umur {age} tahun, di atas batas program ({max} tahun)."),
                    format!("Aged {age}, above the programme's maximum of {max}."),
                ),
            );
        }
    }

    let village_code = match region::normalise_village_code(&raw.village_code) {
        Some(code) if regions.name(&code).is_some() => Some(code),
        Some(code) => {
            push(
                "kode_desa",
                &raw.village_code,
                Problem::new(
                    "unknown_village",
                    format!("Kode desa {code} tidak ada di tabel wilayah Kemendagri."),
                    format!("Village code {code} is not in Kemendagri's region table."),
                ),
            );
            None
        }
        None if raw.village_code.trim().is_empty() => {
            push(
                "kode_desa",
                &raw.village_code,
                Problem::new(
                    "missing",
                    "Kode desa wajib diisi.",
                    "The village code is required.",
                ),
            );
            None
        }
        None => {
            push(
                "kode_desa",
                &raw.village_code,
                Problem::new(
                    "invalid_village_code",
                    "Kode desa harus 10 digit seperti 35.25.01.2001.",
                    "A village code has 10 digits, like 35.25.01.2001.",
                ),
            );
            None
        }
    };

    let phone = if raw.phone.trim().is_empty() {
        None
    } else {
        match normalise_phone(&raw.phone) {
            Ok(p) => Some(p),
            Err(p) => {
                push("no_hp", &raw.phone, p);
                None
            }
        }
    };

    let occupation = if raw.occupation.trim().is_empty() {
        push(
            "pekerjaan",
            &raw.occupation,
            Problem::new(
                "missing",
                "Pekerjaan wajib diisi.",
                "The occupation is required.",
            ),
        );
        None
    } else {
        let o = Occupation::parse(&raw.occupation);
        if o.is_none() {
            let list: Vec<&str> = Occupation::ALL.iter().map(|o| o.code()).collect();
            push(
                "pekerjaan",
                &raw.occupation,
                Problem::new(
                    "unknown_occupation",
                    format!(
                        "Pekerjaan tidak dikenal. Pilih salah satu: {}.",
                        list.join(", ")
                    ),
                    format!("Unknown occupation. Choose one of: {}.", list.join(", ")),
                ),
            );
        }
        o
    };

    let income = if raw.income.trim().is_empty() {
        Some(DEFAULT_INCOME)
    } else {
        match parse_rupiah(&raw.income) {
            Some(i) if i < DEFAULT_INCOME => {
                push(
                    "penghasilan",
                    &raw.income,
                    Problem::new(
                        "income_below_minimum",
                        "Penghasilan yang dilaporkan paling sedikit Rp 1.000.000 sebulan.",
                        "Declared income must be at least Rp 1.000.000 a month.",
                    ),
                );
                None
            }
            Some(i) if i > 1_000_000_000 => {
                push(
                    "penghasilan",
                    &raw.income,
                    Problem::new(
                        "income_too_high",
                        "Penghasilan terlalu besar; periksa lagi.",
                        "The income is implausibly high; check it.",
                    ),
                );
                None
            }
            Some(i) => Some(i),
            None => {
                push(
                    "penghasilan",
                    &raw.income,
                    Problem::new(
                        "invalid_amount",
                        "Penghasilan harus angka rupiah, seperti 1500000.",
                        "Income must be a rupiah amount, like 1500000.",
                    ),
                );
                None
            }
        }
    };

    let decile = if raw.decile.trim().is_empty() {
        Some(None)
    } else {
        match raw.decile.trim().parse::<u8>() {
            Ok(d) if (1..=10).contains(&d) => Some(Some(d)),
            _ => {
                push(
                    "desil",
                    &raw.decile,
                    Problem::new(
                        "invalid_decile",
                        "Desil harus angka 1 sampai 10.",
                        "The decile must be a number from 1 to 10.",
                    ),
                );
                None
            }
        }
    };

    match (nik, village_code, occupation, income, decile) {
        (Some(nik), Some(village_code), Some(occupation), Some(income), Some(decile))
            if problems.is_empty() =>
        {
            Ok(ValidWorker {
                nik,
                name_key: name_key(&name),
                name,
                village_code,
                phone,
                occupation,
                income,
                decile,
                nik_warnings,
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_rupiah;

    #[test]
    fn rupiah_is_read_in_both_conventions_and_never_misread() {
        for ok in [
            "1.500.000",
            "1,500,000",
            "Rp 1.500.000",
            "Rp1.500.000,00",
            "1500000",
            "1 500 000",
            "1.500.000.00",
        ] {
            assert_eq!(parse_rupiah(ok), Some(1_500_000), "{ok}");
        }
        assert_eq!(parse_rupiah("16.800"), Some(16_800));
        // Sen, stray separators and mixed groups are refused, not read as something else.
        for bad in [
            "12,5,0",
            "1.500.000,50",
            "1.50.000",
            "abc",
            "",
            "Rp",
            "1.500,000",
            "-5",
        ] {
            assert_eq!(parse_rupiah(bad), None, "{bad}");
        }
    }
}
