//! The NIK (Nomor Induk Kependudukan), Indonesia's 16-digit national ID number.
//!
//! Layout `PP RR SS DDMMYY XXXX` (domain.md §4): the province, regency/city and district
//! where the number was first issued; the day of birth (+40 for women), month and two-digit
//! year; and a serial that starts at 0001.
//!
//! [`Nik::parse`] checks what the number alone can tell. [`check`] adds what only the region
//! table can tell (is the province known?) and is what every edge of the system calls.

use crate::message::Problem;
use crate::region::{OldCode, RegionLookup};
use chrono::{Datelike, NaiveDate};

/// A NIK whose digits, birth date and serial are valid. Construct it with [`Nik::parse`] or
/// [`Nik::from_parts`]; there is no other way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik {
    digits: [u8; 16],
    birth_date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// `"M"` or `"F"`, as in the API.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }

    /// Accepts the ways a clerk writes it: `L`/`P` (laki-laki/perempuan), `M`/`F`, and the
    /// words themselves in either language.
    pub fn parse(input: &str) -> Option<Sex> {
        match input.trim().to_lowercase().as_str() {
            "l" | "m" | "lk" | "laki-laki" | "laki laki" | "lakilaki" | "pria" | "male" => {
                Some(Sex::Male)
            }
            "p" | "f" | "pr" | "perempuan" | "wanita" | "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

impl Nik {
    /// Parses a NIK as people type it: separators (space, dot, dash) between digits are
    /// dropped. `today` decides the century: the birth year is the latest one that is not in
    /// the future.
    ///
    /// Returns every problem the number has on its own, so a clerk can fix them all at once.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Nik, Vec<Problem>> {
        let trimmed = input.trim();
        if looks_like_excel_number(trimmed) {
            return Err(vec![Problem::new(
                "excel_scientific",
                format!(
                    "NIK \"{trimmed}\" sudah diubah Excel menjadi angka sehingga digit terakhirnya hilang. \
                     Format kolom NIK sebagai Teks (Text), ketik ulang NIK-nya, lalu unggah lagi."
                ),
                format!(
                    "NIK \"{trimmed}\" was turned into a number by Excel and its last digits are lost. \
                     Format the column as Text, type the NIK again and re-upload."
                ),
            )]);
        }
        let compact: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\t'))
            .collect();
        if compact.is_empty() {
            return Err(vec![Problem::new(
                "missing",
                "NIK kosong.",
                "The NIK is empty.",
            )]);
        }
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(vec![Problem::new(
                "not_digits",
                format!("NIK \"{trimmed}\" hanya boleh berisi angka 0–9."),
                format!("NIK \"{trimmed}\" may contain only the digits 0–9."),
            )]);
        }
        let len = compact.len();
        if len != 16 {
            return Err(vec![Problem::new(
                "wrong_length",
                format!("NIK harus 16 digit, yang ditulis {len} digit."),
                format!("A NIK has 16 digits; this one has {len}."),
            )]);
        }
        let mut digits = [0u8; 16];
        for (slot, b) in digits.iter_mut().zip(compact.bytes()) {
            *slot = b - b'0';
        }
        let mut problems = Vec::new();
        let birth_date = match decode_birth_date(&digits, today) {
            Ok(d) => Some(d),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        if digits[12..16].iter().all(|d| *d == 0) {
            problems.push(Problem::new(
                "zero_serial",
                "Empat digit terakhir NIK tidak boleh 0000.",
                "The last four digits of a NIK cannot be 0000.",
            ));
        }
        match birth_date {
            Some(birth_date) if problems.is_empty() => Ok(Nik { digits, birth_date }),
            _ => Err(problems),
        }
    }

    /// Builds the NIK for the given parts: the inverse of [`Nik::parse`].
    ///
    /// `district` is the six-digit issuing district (`"352501"`, dots allowed). The birth date
    /// must be at most 99 years before `today` and not after it, or the two-digit year could
    /// not be read back to the same date.
    pub fn from_parts(
        district: &str,
        sex: Sex,
        birth_date: NaiveDate,
        serial: u16,
        today: NaiveDate,
    ) -> Option<Nik> {
        let district: String = district.chars().filter(|c| *c != '.').collect();
        if district.len() != 6 || !district.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if serial == 0 || serial > 9999 {
            return None;
        }
        let day = birth_date.day() + if sex == Sex::Female { 40 } else { 0 };
        let text = format!(
            "{district}{day:02}{:02}{:02}{serial:04}",
            birth_date.month(),
            birth_date.year().rem_euclid(100)
        );
        let nik = Nik::parse(&text, today).ok()?;
        (nik.birth_date == birth_date).then_some(nik)
    }

    pub fn sex(&self) -> Sex {
        if self.digits[6] >= 4 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// `"35"`
    pub fn province_code(&self) -> String {
        self.code_of(2)
    }

    /// `"35.25"`
    pub fn regency_code(&self) -> String {
        self.code_of(4)
    }

    /// `"35.25.01"`
    pub fn district_code(&self) -> String {
        self.code_of(6)
    }

    pub fn serial(&self) -> u16 {
        self.digits[12..16]
            .iter()
            .fold(0u16, |acc, d| acc * 10 + u16::from(*d))
    }

    /// Kemendagri's dotted form of the first `n` digits (2, 4 or 6).
    fn code_of(&self, n: usize) -> String {
        let mut out = String::with_capacity(n + n / 2);
        for (i, d) in self.digits.iter().take(n).enumerate() {
            if i > 0 && i.is_multiple_of(2) {
                out.push('.');
            }
            out.push(char::from(b'0' + d));
        }
        out
    }
}

impl std::fmt::Display for Nik {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in self.digits {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// `3.52501E+15`, `3,52501E+15` or `3.525010101900001e15`: what Excel shows for a long
/// number in a General-formatted cell. The trailing digits are gone for good.
/// Whether a run of digits could be somebody's NIK or phone number: sixteen digits whose
/// day (01–31, or 41–71 for a woman) and month (01–12) are where a NIK has them, or an
/// Indonesian mobile number (`08…` or `628…`, 10 to 14 digits). Free text from outside (a
/// bank statement's description) is searched for numbers, and a number found this way is
/// never kept in plain text or taken for something else (a virtual-account number).
pub fn may_be_personal(run: &str) -> bool {
    let b = run.as_bytes();
    if !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let two = |at: usize| u32::from(b[at] - b'0') * 10 + u32::from(b[at + 1] - b'0');
    let nik = b.len() == 16 && {
        let (day, month) = (two(6), two(8));
        ((1..=31).contains(&day) || (41..=71).contains(&day)) && (1..=12).contains(&month)
    };
    let phone = (10..=14).contains(&b.len()) && (run.starts_with("08") || run.starts_with("628"));
    nik || phone
}

pub fn looks_like_excel_number(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some((mantissa, exponent)) = lower.split_once('e') else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && mantissa.starts_with(|c: char| c.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

fn two_digits(d: &[u8; 16], at: usize) -> u32 {
    u32::from(d[at]) * 10 + u32::from(d[at + 1])
}

/// Day (+40 for women), month and two-digit year → a real date, taking the latest century
/// that does not put the birth after `today`.
fn decode_birth_date(d: &[u8; 16], today: NaiveDate) -> Result<NaiveDate, Problem> {
    let raw_day = two_digits(d, 6);
    let month = two_digits(d, 8);
    let yy = i32::try_from(two_digits(d, 10)).unwrap_or(0);
    let day = if raw_day > 40 { raw_day - 40 } else { raw_day };
    let shown = format!("{raw_day:02}-{month:02}-{yy:02}");
    let impossible = || {
        Problem::new(
            "impossible_date",
            format!(
                "Digit tanggal lahir NIK ({shown}) bukan tanggal yang ada. \
                 Hari 01–31 untuk laki-laki atau 41–71 untuk perempuan, bulan 01–12."
            ),
            format!(
                "The birth-date digits of the NIK ({shown}) are not a real date. \
                 Day 01–31 for men or 41–71 for women, month 01–12."
            ),
        )
    };
    if day == 0 || day > 31 {
        return Err(impossible());
    }
    let century_now = today.year().div_euclid(100) * 100;
    // Latest first: this century, then the one before.
    let candidates = [century_now + yy, century_now - 100 + yy];
    let mut any_real = false;
    for year in candidates {
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            any_real = true;
            if date <= today {
                return Ok(date);
            }
        }
    }
    if any_real {
        Err(Problem::new(
            "future_birth_date",
            format!("Tanggal lahir dari NIK ({shown}) ada di masa depan."),
            format!("The birth date in the NIK ({shown}) is in the future."),
        ))
    } else {
        Err(impossible())
    }
}

/// What the whole system reports about a NIK: the parsed number (if valid), the issuing
/// regions' names, and every error and warning.
#[derive(Debug, Clone)]
pub struct NikCheck {
    pub nik: Option<Nik>,
    pub province: Option<(String, String)>,
    pub regency: Option<(String, String)>,
    pub district: Option<(String, String)>,
    /// Today's code of the regency when the NIK carries an old one (`91.01` → `93.01`): the
    /// pairs above keep the NIK's own code, named by the region's current name.
    pub regency_now: Option<String>,
    /// Today's code of the district when the NIK carries an old one.
    pub district_now: Option<String>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl NikCheck {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.nik.is_some()
    }
}

/// Parses `input` and checks its issuing regions against `regions`.
///
/// An unknown province or regency is an error; an unknown district only a warning, because
/// districts are split and renumbered after NIKs are issued (domain.md §4). A regency or
/// district code of an earlier table (`regions.historical`) is valid: it is named by its
/// region's current name, with a `historical_code` warning.
pub fn check(input: &str, today: NaiveDate, regions: &impl RegionLookup) -> NikCheck {
    let mut out = NikCheck {
        nik: None,
        province: None,
        regency: None,
        district: None,
        regency_now: None,
        district_now: None,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let compact: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\t'))
        .collect();
    let parsed = Nik::parse(input, today);
    // Region checks need only the first six digits, so they run even when the date is wrong:
    // a clerk then sees all that is wrong at once.
    let region_digits = match &parsed {
        Ok(n) => Some(n.to_string()),
        Err(ps)
            if ps.iter().all(|p| {
                matches!(
                    p.code,
                    "impossible_date" | "zero_serial" | "future_birth_date"
                )
            }) =>
        {
            Some(compact)
        }
        Err(_) => None,
    };
    if let Some(d) = region_digits {
        let province = d.get(0..2).unwrap_or("").to_string();
        let regency = format!("{province}.{}", d.get(2..4).unwrap_or(""));
        let district = format!("{regency}.{}", d.get(4..6).unwrap_or(""));
        match regions.name(&province) {
            Some(name) => out.province = Some((province.clone(), name.to_string())),
            None => out.errors.push(Problem::new(
                "unknown_province",
                format!("Kode provinsi {province} di awal NIK tidak dikenal."),
                format!("Province code {province} at the start of the NIK does not exist."),
            )),
        }
        if out.province.is_some() {
            match regions.name(&regency) {
                Some(name) => out.regency = Some((regency.clone(), name.to_string())),
                None => match regions.historical(&regency) {
                    Some(old) => {
                        out.regency = Some((regency.clone(), now_name(regions, old)));
                        out.regency_now = old.current.map(str::to_string);
                        out.warnings.push(old_code_warning(
                            "kabupaten/kota",
                            "regency/city",
                            &regency,
                            old,
                            regions,
                        ));
                    }
                    None => out.errors.push(Problem::new(
                        "unknown_regency",
                        format!("Kode kabupaten/kota {regency} dari NIK tidak dikenal."),
                        format!("Regency/city code {regency} in the NIK does not exist."),
                    )),
                },
            }
        }
        if out.regency.is_some() {
            match regions.name(&district) {
                Some(name) => out.district = Some((district.clone(), name.to_string())),
                None => match regions.historical(&district) {
                    Some(old) => {
                        out.district = Some((district.clone(), now_name(regions, old)));
                        out.district_now = old.current.map(str::to_string);
                        // One warning says the NIK's codes are old; a second only when the
                        // regency itself is current.
                        if out.regency_now.is_none() {
                            out.warnings.push(old_code_warning("kecamatan", "district", &district, old, regions));
                        }
                    }
                    None => out.warnings.push(Problem::new(
                        "unknown_district",
                        format!(
                            "Kode kecamatan {district} dari NIK tidak ada di tabel wilayah sekarang \
                             (mungkin kecamatan sudah dimekarkan). NIK tetap diterima."
                        ),
                        format!(
                            "District code {district} in the NIK is not in today's region table \
                             (it may have been split since). The NIK is still accepted."
                        ),
                    )),
                },
            }
        }
    }
    match parsed {
        Ok(nik) => out.nik = Some(nik),
        Err(mut ps) => {
            ps.append(&mut out.errors);
            out.errors = ps;
        }
    }
    if !out.errors.is_empty() {
        out.nik = None;
    }
    out
}

/// The current name of an old code's region, or its old name when it has no current code.
fn now_name(regions: &impl RegionLookup, old: OldCode<'_>) -> String {
    old.current
        .and_then(|c| regions.name(c))
        .unwrap_or(old.name)
        .to_string()
}

/// A warning, not an error: a NIK never changes when its regions are renumbered.
fn old_code_warning(
    level_id: &str,
    level_en: &str,
    code: &str,
    old: OldCode<'_>,
    regions: &impl RegionLookup,
) -> Problem {
    let year = old.last_seen;
    match old.current {
        Some(now) => {
            let name = regions.name(now).unwrap_or(old.name);
            Problem::new(
                "historical_code",
                format!(
                    "Kode {level_id} {code} dari NIK adalah kode lama (terakhir dipakai di tabel \
                     Kemendagri {year}); wilayahnya sekarang {now} {name}. NIK tetap berlaku."
                ),
                format!(
                    "The {level_en} code {code} in the NIK is an old one (last in Kemendagri's \
                     {year} table); the region is now {now} {name}. The NIK remains valid."
                ),
            )
        }
        None => Problem::new(
            "historical_code",
            format!(
                "Kode {level_id} {code} ({name}) dari NIK adalah kode lama (terakhir dipakai di \
                 tabel Kemendagri {year}) tanpa padanan di tabel sekarang. NIK tetap berlaku.",
                name = old.name
            ),
            format!(
                "The {level_en} code {code} ({name}) in the NIK is an old one (last in \
                 Kemendagri's {year} table) with no match in today's table. The NIK remains valid.",
                name = old.name
            ),
        ),
    }
}

/// A list of NIKs, one per line, as the insurer sends its active participants: a header line
/// `nik` and any columns after the first are ignored, quotes around the NIK too.
#[derive(Debug, Default)]
pub struct NikList {
    pub niks: Vec<Nik>,
    /// `(1-based line, the value as written, why it is not a NIK)`.
    pub invalid: Vec<(usize, String, Vec<Problem>)>,
}

pub fn parse_list(text: &str, today: NaiveDate) -> NikList {
    let mut out = NikList::default();
    for (i, line) in text.lines().enumerate() {
        let first = line
            .split([',', ';'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        if first.is_empty() || first.eq_ignore_ascii_case("nik") {
            continue;
        }
        match Nik::parse(first, today) {
            Ok(n) => out.niks.push(n),
            Err(ps) => out.invalid.push((i + 1, first.to_string(), ps)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_nik_or_a_phone_in_free_text_is_personal_and_a_virtual_account_is_not() {
        use super::may_be_personal;
        assert!(may_be_personal("3525011203850911"));
        assert!(may_be_personal("3525015203850911"), "a woman's day + 40");
        assert!(may_be_personal("081299990914"));
        assert!(may_be_personal("6281299990914"));
        assert!(
            !may_be_personal("8890800000000006"),
            "the programme's VA numbers"
        );
        assert!(!may_be_personal("1230004567890"), "an account number");
        assert!(!may_be_personal("3525013203850911"), "day 32 is no NIK");
        assert!(!may_be_personal("35250112038509a1"));
    }

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    #[test]
    fn reads_a_womans_nik() {
        let nik = Nik::parse("3525 0156 0890 0001", today()).expect("valid");
        assert_eq!(nik.sex(), Sex::Female);
        assert_eq!(
            nik.birth_date(),
            NaiveDate::from_ymd_opt(1990, 8, 16).unwrap_or_default()
        );
        assert_eq!(nik.district_code(), "35.25.01");
        assert_eq!(nik.serial(), 1);
    }

    #[test]
    fn century_is_the_latest_not_in_the_future() {
        let nik = Nik::parse("3525011505100002", today()).expect("valid");
        assert_eq!(nik.birth_date().year(), 2010);
        let nik = Nik::parse("3525011505300002", today()).expect("valid");
        assert_eq!(nik.birth_date().year(), 1930);
    }

    #[test]
    fn a_nik_list_skips_its_header_and_other_columns() {
        let list = parse_list(
            "nik,nama\n\"3525015608900001\",Siti\n12345;x\n\n3525-0115-0290-0001\n",
            today(),
        );
        let niks: Vec<String> = list.niks.iter().map(|n| n.to_string()).collect();
        assert_eq!(niks, ["3525015608900001", "3525011502900001"]);
        assert_eq!(list.invalid.len(), 1);
        assert_eq!(
            (list.invalid[0].0, list.invalid[0].1.as_str()),
            (3, "12345")
        );
        assert_eq!(list.invalid[0].2[0].code, "wrong_length");
    }

    #[test]
    fn each_rejection_has_its_reason() {
        let code = |s: &str| Nik::parse(s, today()).err().map(|e| e[0].code);
        assert_eq!(code("352501"), Some("wrong_length"));
        assert_eq!(code("35250115O5900001"), Some("not_digits"));
        assert_eq!(code("3.52501E+15"), Some("excel_scientific"));
        assert_eq!(code("3525013202900001"), Some("impossible_date"));
        assert_eq!(code("3525011502900000"), Some("zero_serial"));
        assert_eq!(code("3525-0115-0290-0001"), None);
    }
}
