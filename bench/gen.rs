//! A deterministic proposer's list: `rows` workers of East Java (province 35), streamed to a
//! CSV file, with about 1% of rows wrong in the ways real lists are wrong.
//!
//! Every good row is valid and distinct: the NIK is built with `Nik::from_parts` from a real
//! district code and never repeats; the village is a real village of the NIK's regency.

use chrono::{Duration, NaiveDate};
use lingkaran_domain::{Nik, Sex};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// The organisation's region: every good row lies inside it.
pub const AREA: &str = "35";
/// Villages of another province, for out-of-area rows.
const OTHER_PROVINCE: &str = "33";

/// SplitMix64: tiny, fast and the same on every machine and version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % (n as u64)) as usize
    }

    /// True with probability `p` percent.
    pub fn pct(&mut self, p: u64) -> bool {
        self.next_u64() % 100 < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const MALE: &[&str] = &[
    "Abdul",
    "Agus",
    "Ahmad",
    "Andi",
    "Arif",
    "Bambang",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Hadi",
    "Hendra",
    "Imam",
    "Joko",
    "Kurniawan",
    "Muhammad",
    "Nur",
    "Rudi",
    "Slamet",
    "Sugeng",
    "Suparman",
    "Supriyadi",
    "Teguh",
    "Wahyu",
    "Yusuf",
    "Rizki",
    "Dwi",
    "Bayu",
    "Heru",
    "Iwan",
    "Sutrisno",
    "Darmaji",
    "Mulyono",
    "Sukardi",
    "Ponijo",
    "Kasmuri",
    "Moch.",
    "Achmad",
    "Ilham",
    "Samsul",
];
const FEMALE: &[&str] = &[
    "Siti",
    "Sri",
    "Dewi",
    "Endang",
    "Nur",
    "Rina",
    "Wahyuni",
    "Yuli",
    "Ani",
    "Lestari",
    "Suparti",
    "Sumiati",
    "Kartini",
    "Indah",
    "Ratna",
    "Fitri",
    "Nurul",
    "Umi",
    "Tri",
    "Puji",
    "Eka",
    "Dian",
    "Maria",
    "Ernawati",
    "Suwarni",
    "Tumini",
    "Sulastri",
    "Mardiyah",
    "Khoiriyah",
    "Aminah",
    "Rohmah",
    "Lilik",
    "Musripah",
    "Juwariyah",
    "Nanik",
    "Yayuk",
    "Sholikhah",
    "Ning",
    "Murni",
    "Warsini",
];
const SECOND: &[&str] = &[
    "Aminah",
    "Hidayat",
    "Karim",
    "Kusuma",
    "Lestari",
    "Maulana",
    "Nugroho",
    "Prasetyo",
    "Purnomo",
    "Rahayu",
    "Rahman",
    "Riyadi",
    "Santoso",
    "Saputra",
    "Setiawan",
    "Susanto",
    "Syahputra",
    "Utomo",
    "Wahyudi",
    "Wibowo",
    "Wijaya",
    "Yulianti",
    "Hartono",
    "Suryani",
    "Handayani",
    "Fauzi",
    "Hasan",
    "Ismail",
    "Mahmud",
    "Sholeh",
    "Zainuddin",
    "Anwar",
    "Efendi",
    "Hakim",
    "Kurnia",
    "Pratama",
    "Ramadhan",
    "Safitri",
    "Permata",
    "Wulandari",
    "Ningsih",
    "Astuti",
    "Firmansyah",
    "Gunawan",
    "Iskandar",
    "Junaedi",
    "Mustofa",
    "Nurhayati",
    "Sulistyo",
    "Triyono",
];
const OCCUPATIONS: &[&str] = &[
    "petani",
    "Petani",
    "buruh tani",
    "nelayan",
    "Nelayan",
    "peternak",
    "pedagang kaki lima",
    "PKL",
    "ojek",
    "ojol",
    "tukang becak",
    "buruh harian lepas",
    "BHL",
    "pemulung",
    "tukang tambal ban",
    "pengrajin",
    "pekerja rumah tangga",
    "relawan_desa",
    "marbot",
    "guru ngaji",
    "lainnya",
];

/// The regions the generator draws from.
struct Places {
    /// `(six-digit district code, index of its regency)`
    districts: Vec<(String, usize)>,
    /// Villages of each regency, by regency index.
    villages: Vec<Vec<String>>,
    /// Villages of another province.
    elsewhere: Vec<String>,
}

fn places() -> Places {
    let mut regencies: Vec<String> = Vec::new();
    let mut districts = Vec::new();
    let mut villages: Vec<Vec<String>> = Vec::new();
    let mut elsewhere = Vec::new();
    let area = format!("{AREA}.");
    let other = format!("{OTHER_PROVINCE}.");
    for r in lingkaran::regions::rows() {
        if r.code.starts_with(&other) && r.level == 4 {
            elsewhere.push(r.code);
            continue;
        }
        if !r.code.starts_with(&area) {
            continue;
        }
        let regency = r.code[..5].to_string();
        let idx = match regencies.iter().position(|g| *g == regency) {
            Some(i) => i,
            None => {
                regencies.push(regency);
                villages.push(Vec::new());
                regencies.len() - 1
            }
        };
        match r.level {
            3 => districts.push((r.code.replace('.', ""), idx)),
            4 => villages[idx].push(r.code),
            _ => {}
        }
    }
    // A district whose regency has no villages could not yield a valid row.
    districts.retain(|(_, i)| !villages[*i].is_empty());
    Places {
        districts,
        villages,
        elsewhere,
    }
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Generated {
    pub rows: u64,
    pub good: u64,
    pub bad: u64,
    pub bytes: u64,
}

/// One CSV row, in the column order of the header.
type Row = [String; 9];

pub const HEADER: [&str; 9] = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_desa",
    "no_hp",
    "pekerjaan",
    "penghasilan",
    "desil",
];

fn rupiah_dotted(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A fresh, valid, distinct worker.
fn good_row(rng: &mut Rng, p: &Places, used: &mut HashSet<u64>, today: NaiveDate) -> Row {
    let first = NaiveDate::from_ymd_opt(1958, 1, 1).unwrap_or(today);
    let span = NaiveDate::from_ymd_opt(2006, 12, 31).unwrap_or(today) - first;
    loop {
        let (district, regency) = rng.pick(&p.districts);
        let sex = if rng.pct(50) { Sex::Male } else { Sex::Female };
        let birth = first + Duration::days((rng.next_u64() % (span.num_days() as u64 + 1)) as i64);
        let serial = 1 + rng.below(9999) as u16;
        let Some(nik) = Nik::from_parts(district, sex, birth, serial, today) else {
            continue;
        };
        let text = nik.to_string();
        let key: u64 = text.parse().unwrap_or(0);
        if !used.insert(key) {
            continue;
        }
        let given = if sex == Sex::Male {
            rng.pick(MALE)
        } else {
            rng.pick(FEMALE)
        };
        let name = if rng.pct(15) {
            format!("{given} {} {}", rng.pick(SECOND), rng.pick(SECOND))
        } else {
            format!("{given} {}", rng.pick(SECOND))
        };
        let sex_cell = match (sex, rng.below(10)) {
            (_, 0) => String::new(),
            (Sex::Male, 1) => "Laki-laki".into(),
            (Sex::Female, 1) => "Perempuan".into(),
            (Sex::Male, _) => "L".into(),
            (Sex::Female, _) => "P".into(),
        };
        let birth_cell = match rng.below(10) {
            0 => String::new(),
            1 | 2 => birth.format("%Y-%m-%d").to_string(),
            _ => birth.format("%d-%m-%Y").to_string(),
        };
        let village = rng.pick(&p.villages[*regency]).clone();
        let village_cell = if rng.pct(20) {
            village.replace('.', "")
        } else {
            village
        };
        let mobile = 8_1000_0000_u64 + rng.next_u64() % 9000_0000;
        let phone = match rng.below(10) {
            0 | 1 => String::new(),
            2 => format!("+62{mobile}"),
            3 => {
                let s = format!("0{mobile}");
                format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])
            }
            _ => format!("0{mobile}"),
        };
        let income = 1_000_000 + 50_000 * (rng.next_u64() % 81) as i64;
        let income_cell = match rng.below(10) {
            0 => String::new(),
            1 | 2 => rupiah_dotted(income),
            3 => format!("Rp {}", rupiah_dotted(income)),
            _ => income.to_string(),
        };
        let decile = if rng.pct(30) {
            String::new()
        } else {
            (1 + rng.below(10)).to_string()
        };
        return [
            text,
            name,
            sex_cell,
            birth_cell,
            village_cell,
            phone,
            rng.pick(OCCUPATIONS).to_string(),
            income_cell,
            decile,
        ];
    }
}

/// Spoils a good row in one of the ways clerks' lists go wrong. `recent` are earlier good
/// rows, for NIKs repeated within the file.
fn spoil(rng: &mut Rng, p: &Places, mut row: Row, recent: &[Row]) -> Row {
    match rng.below(10) {
        0 => {
            row[0].pop(); // 15 digits
        }
        1 => {
            // What Excel does to a NIK typed into a number column.
            let head: String = row[0].chars().take(6).collect();
            row[0] = format!("{}.{}E+15", &head[..1], &head[1..]);
        }
        2 => {
            let d = row[4].replace('.', "");
            row[4] = format!("{}.{}.{}.9999", &d[0..2], &d[2..4], &d[4..6]);
        }
        3 => row[7] = "500000".into(),
        4 => row[5] = "12345".into(),
        5 => row[1] = String::new(),
        6 => {
            // The opposite of what the NIK's day digit says.
            let female = row[0].as_bytes().get(6).is_some_and(|d| *d >= b'4');
            row[2] = if female { "L".into() } else { "P".into() };
        }
        7 if !recent.is_empty() => return rng.pick(recent).clone(),
        8 => row[4] = rng.pick(&p.elsewhere).clone(),
        _ => row[6] = "astronot".into(),
    }
    row
}

/// Writes `rows` data rows (plus the header) to `path`, streaming.
pub fn write_csv(path: &Path, rows: u64, seed: u64, today: NaiveDate) -> anyhow::Result<Generated> {
    let p = places();
    anyhow::ensure!(
        !p.districts.is_empty() && !p.elsewhere.is_empty(),
        "region table has no districts in {AREA}"
    );
    let file = std::fs::File::create(path)?;
    let mut out = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    out.write_record(HEADER)?;
    let mut rng = Rng::new(seed);
    let mut used: HashSet<u64> = HashSet::with_capacity(rows as usize + rows as usize / 50);
    let mut recent: Vec<Row> = Vec::with_capacity(256);
    let mut g = Generated::default();
    for i in 0..rows {
        let row = good_row(&mut rng, &p, &mut used, today);
        if rng.pct(1) {
            out.write_record(spoil(&mut rng, &p, row, &recent))?;
            g.bad += 1;
        } else {
            if recent.len() < 256 {
                recent.push(row.clone());
            } else {
                recent[(i % 256) as usize] = row.clone();
            }
            out.write_record(&row)?;
            g.good += 1;
        }
        g.rows += 1;
    }
    let mut inner = out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    inner.flush()?;
    g.bytes = std::fs::metadata(path)?.len();
    Ok(g)
}
