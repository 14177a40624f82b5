//! Figures from outside for a region's coverage (issue 12 §1, domain.md §6): BPJS TK's count
//! of active participants, a workforce denominator from BPS or the local government, targets,
//! and a percentage as it was published.
//!
//! A CSV or XLSX file (read by [`crate::list::RowReader`]) with the header
//! `kode_wilayah,tanggal,ukuran,nilai,definisi,sumber` or its English aliases
//! `region_code,date,measure,value,definition,source`, in any order. `ukuran` is one of
//! [`Measure`]; `definisi` names the denominator a figure is of or measured against
//! ([`lingkaran_domain::share::definition`]); `sumber` is mandatory.
//!
//! Each row is checked on its own and a bad one is reported with its line, column, value
//! and reason in words a clerk understands; whether the region exists is the store's check.
//! Pure: no I/O beyond the reader.

use chrono::NaiveDate;
use lingkaran_domain::share::{definition, Percent};
use lingkaran_domain::worker::{parse_date, parse_grouped};
use lingkaran_domain::{fields, region};

/// The most people a figure may count: more than Indonesia's population (285 million in
/// 2025) is a typing error.
pub const PEOPLE_MAX: u64 = 400_000_000;

/// The longest `sumber`.
pub const SOURCE_MAX: usize = 300;

/// The most rows a figures file may hold: a file for every region of Indonesia (about
/// 91,000 with the villages) and a few measures each fits.
pub const ROWS_MAX: usize = 1_000_000;

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// `peserta`: BPJS TK's active participants in the region (all segments, unless
    /// `definisi` names one).
    Participants,
    /// `penyebut`: a workforce denominator; `definisi` says which.
    Denominator,
    /// `target_persen`: a target share of the denominator `definisi` names.
    TargetPercent,
    /// `target_orang`: a target headcount.
    TargetPeople,
    /// `persen`: a coverage percentage as it was published, of the denominator `definisi`
    /// names; kept to warn when it does not recompute.
    PublishedPercent,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::Participants,
        Measure::Denominator,
        Measure::TargetPercent,
        Measure::TargetPeople,
        Measure::PublishedPercent,
    ];

    /// The code stored and written in files.
    pub fn code(self) -> &'static str {
        match self {
            Measure::Participants => "peserta",
            Measure::Denominator => "penyebut",
            Measure::TargetPercent => "target_persen",
            Measure::TargetPeople => "target_orang",
            Measure::PublishedPercent => "persen",
        }
    }

    /// The Indonesian code or its English alias.
    pub fn parse(text: &str) -> Option<Measure> {
        let t = text.trim().to_ascii_lowercase();
        Some(match t.as_str() {
            "peserta" | "participants" => Measure::Participants,
            "penyebut" | "denominator" => Measure::Denominator,
            "target_persen" | "target_percent" => Measure::TargetPercent,
            "target_orang" | "target_people" => Measure::TargetPeople,
            "persen" | "percent" | "published_percent" => Measure::PublishedPercent,
            _ => return None,
        })
    }

    /// A percentage (value in ten-thousandths of a percent) rather than people.
    pub fn is_percent(self) -> bool {
        matches!(self, Measure::TargetPercent | Measure::PublishedPercent)
    }

    /// Whether `definisi` must name a denominator.
    pub fn needs_definition(self) -> bool {
        matches!(
            self,
            Measure::Denominator | Measure::TargetPercent | Measure::PublishedPercent
        )
    }
}

/// A figure that passed its row's checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub line: i64,
    /// A Kemendagri code (`35`, `35.25`, `35.25.01`, `35.25.01.2001`).
    pub region: String,
    pub on: NaiveDate,
    pub measure: Measure,
    /// People, or ten-thousandths of a percent for a percentage (`52,69` is 526.900).
    pub value: u64,
    /// The denominator's code; `None` for participants of all segments or a headcount target
    /// given without one.
    pub definition: Option<String>,
    pub source: String,
}

/// A row that cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: i64,
    /// The column as the file named it (`kode_wilayah`), or `""` for the whole row.
    pub column: String,
    pub value: String,
    pub id: String,
    pub en: String,
}

/// The columns, by their Indonesian name and English alias.
pub const COLUMNS: [(&str, &str); 6] = [
    ("kode_wilayah", "region_code"),
    ("tanggal", "date"),
    ("ukuran", "measure"),
    ("nilai", "value"),
    ("definisi", "definition"),
    ("sumber", "source"),
];

/// Where each column is in the file's header.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    at: [usize; 6],
}

/// Reads the header row: every column must be there, under either name, once.
pub fn header(cells: &[String]) -> Result<Header, String> {
    let mut at = [usize::MAX; 6];
    for (i, cell) in cells.iter().enumerate() {
        let name = cell
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        if let Some(k) = COLUMNS
            .iter()
            .position(|(id, en)| name == *id || name == *en)
        {
            if at[k] != usize::MAX {
                return Err(format!("the column {} appears twice", COLUMNS[k].0));
            }
            at[k] = i;
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(at)
        .filter(|(_, i)| *i == usize::MAX)
        .map(|((id, _), _)| *id)
        .collect();
    if missing.is_empty() {
        Ok(Header { at })
    } else {
        Err(format!(
            "the header must be kode_wilayah,tanggal,ukuran,nilai,definisi,sumber; missing: {}",
            missing.join(", ")
        ))
    }
}

/// At most 60 characters of a bad value, for the report.
fn shown(value: &str) -> String {
    crate::snippet(value, 60)
}

/// Checks one data row.
pub fn row(h: &Header, line: i64, cells: &[String]) -> Result<Figure, Vec<RowProblem>> {
    let cell = |k: usize| cells.get(h.at[k]).map_or("", |c| c.trim());
    let mut problems = Vec::new();
    let mut bad = |k: usize, id: String, en: String| {
        problems.push(RowProblem {
            line,
            column: COLUMNS[k].0.to_string(),
            value: shown(cell(k)),
            id,
            en,
        });
    };

    let code = cell(0);
    let region = if code == "0" || region::level_of(code).is_some() {
        Some(code.to_string())
    } else {
        bad(
            0,
            "bukan kode wilayah Kemendagri (contoh: 35.25 untuk Kabupaten Gresik; 0 untuk nasional)".into(),
            "not a Kemendagri region code (for example 35.25 for Kabupaten Gresik; 0 for the nation)".into(),
        );
        None
    };
    let on = parse_date(cell(1));
    if on.is_none() {
        bad(
            1,
            "bukan tanggal (tulis 2025-11-26 atau 26-11-2025)".into(),
            "not a date (write 2025-11-26 or 26-11-2025)".into(),
        );
    }
    let measure = Measure::parse(cell(2));
    if measure.is_none() {
        bad(
            2,
            "ukuran harus peserta, penyebut, target_persen, target_orang atau persen".into(),
            "the measure must be peserta, penyebut, target_persen, target_orang or persen".into(),
        );
    }
    let value = measure.and_then(|m| {
        let v = cell(3);
        if m.is_percent() {
            let p = Percent::parse(v).map(|p| u64::from(p.ten_thousandths()));
            if p.is_none() {
                bad(
                    3,
                    "bukan persentase antara 0 dan 100 (contoh: 52,69)".into(),
                    "not a percentage between 0 and 100 (for example 52.69)".into(),
                );
            }
            p
        } else {
            let n = parse_grouped(v).and_then(|n| u64::try_from(n).ok());
            match n {
                Some(n) if n <= PEOPLE_MAX && (n > 0 || m != Measure::Denominator) => Some(n),
                Some(0) => {
                    bad(
                        3,
                        "penyebut tidak boleh nol".into(),
                        "a denominator cannot be zero".into(),
                    );
                    None
                }
                Some(_) => {
                    bad(
                        3,
                        format!(
                            "lebih dari {PEOPLE_MAX} orang: lebih banyak dari penduduk Indonesia"
                        ),
                        format!("more than {PEOPLE_MAX} people: more than Indonesia's population"),
                    );
                    None
                }
                None => {
                    bad(
                        3,
                        "bukan jumlah orang (contoh: 247.777 atau 247777)".into(),
                        "not a number of people (for example 247,777 or 247777)".into(),
                    );
                    None
                }
            }
        }
    });
    let def = cell(4).to_ascii_lowercase();
    let definition = if def.is_empty() {
        if measure.is_some_and(Measure::needs_definition) {
            bad(
                4,
                "definisi penyebut wajib diisi untuk ukuran ini (contoh: angkatan_kerja)".into(),
                "this measure needs the denominator's definition (for example angkatan_kerja)"
                    .into(),
            );
        }
        None
    } else if definition::is_code(&def) {
        Some(def)
    } else {
        bad(
            4,
            format!(
                "definisi ditulis dengan huruf kecil, angka dan garis bawah, paling panjang {} (contoh: angkatan_kerja)",
                definition::CODE_MAX
            ),
            format!(
                "a definition is lower-case letters, digits and underscores, at most {} long (for example angkatan_kerja)",
                definition::CODE_MAX
            ),
        );
        None
    };
    let source = cell(5);
    if source.is_empty() {
        bad(
            5,
            "sumber wajib diisi: dari mana angka ini (contoh: BPJS Ketenagakerjaan Cabang Gresik, Desember 2022)".into(),
            "the source is mandatory: where this figure comes from".into(),
        );
    } else if let Err(p) = fields::check_len("Sumber", "Source", source, SOURCE_MAX)
        .and_then(|()| fields::check_name_start("Sumber", "Source", source))
    {
        bad(5, p.id, p.en);
    }

    match (region, on, measure, value) {
        (Some(region), Some(on), Some(measure), Some(value)) if problems.is_empty() => Ok(Figure {
            line,
            region,
            on,
            measure,
            value,
            definition,
            source: source.to_string(),
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<String> {
        text.split(',').map(str::to_string).collect()
    }

    fn h() -> Header {
        header(&cells("kode_wilayah,tanggal,ukuran,nilai,definisi,sumber")).expect("a header")
    }

    #[test]
    fn gresiks_published_figures_are_read() {
        let h = h();
        let f = row(
            &h,
            2,
            &cells("35.25,2022-12-23,peserta,247.777,,BPJS Ketenagakerjaan Cabang Gresik"),
        )
        .expect("a figure");
        assert_eq!(f.measure, Measure::Participants);
        assert_eq!(f.value, 247_777);
        assert_eq!(f.definition, None);
        assert_eq!(f.on, NaiveDate::from_ymd_opt(2022, 12, 23).expect("a date"));
        let f = row(
            &h,
            3,
            &cells("35.25,26-11-2025,target_persen,\"52,69\",angkatan_kerja,UCJ Gresik"),
        );
        // The cells are already split: a quoted comma arrives as its own cell here, so the
        // percentage is written with a dot in this test.
        assert!(f.is_err());
        let f = row(
            &h,
            3,
            &cells("35.25,26-11-2025,target_persen,52.69,angkatan_kerja,UCJ Gresik"),
        )
        .expect("a target");
        assert_eq!(f.value, 526_900);
        assert_eq!(f.definition.as_deref(), Some("angkatan_kerja"));
    }

    #[test]
    fn english_headers_in_any_order() {
        let h =
            header(&cells("source,value,measure,date,region_code,definition")).expect("a header");
        let f = row(
            &h,
            2,
            &cells("BPS Jawa Timur,715619,denominator,2025-11-26,35.25,angkatan_kerja"),
        )
        .expect("a figure");
        assert_eq!((f.measure, f.value), (Measure::Denominator, 715_619));
        assert!(header(&cells("kode_wilayah,tanggal,ukuran,nilai,sumber"))
            .expect_err("definisi is missing")
            .contains("definisi"));
        assert!(header(&cells(
            "kode_wilayah,region_code,tanggal,ukuran,nilai,definisi,sumber"
        ))
        .expect_err("twice")
        .contains("twice"));
    }

    #[test]
    fn every_bad_cell_is_named_with_its_value() {
        let h = h();
        let problems = row(
            &h,
            7,
            &cells("35.2,31-02-2025,jumlah,banyak,Angkatan Kerja,"),
        )
        .expect_err("all wrong");
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(
            columns,
            vec!["kode_wilayah", "tanggal", "ukuran", "definisi", "sumber"],
            "the value is not judged when the measure is unknown"
        );
        assert!(problems.iter().all(|p| p.line == 7));
        assert_eq!(problems[0].value, "35.2");
        let problems = row(
            &h,
            8,
            &cells("35.25,2025-11-26,penyebut,0,angkatan_kerja,BPS"),
        )
        .expect_err("zero");
        assert!(problems[0].en.contains("zero"));
        let problems =
            row(&h, 9, &cells("35.25,2025-11-26,peserta,400.000.001,,BPS")).expect_err("too many");
        assert!(problems[0].en.contains("population"));
        let problems = row(
            &h,
            10,
            &cells("35.25,2025-11-26,persen,100.5,angkatan_kerja,BPS"),
        )
        .expect_err("above 100");
        assert_eq!(problems[0].column, "nilai");
        let problems = row(
            &h,
            11,
            &cells("35.25,2025-11-26,penyebut,715619,,=HYPERLINK(1)"),
        )
        .expect_err("no definition, a formula");
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, vec!["definisi", "sumber"]);
        let long = "x".repeat(500);
        let problems = row(
            &h,
            12,
            &cells(&format!("35.25,2025-11-26,peserta,1,,{long}")),
        )
        .expect_err("too long");
        assert!(problems[0].value.chars().count() <= 61);
    }

    #[test]
    fn the_nation_and_every_level_are_regions() {
        let h = h();
        for code in ["0", "35", "35.25", "35.25.01", "35.25.01.2001"] {
            let f = row(
                &h,
                2,
                &cells(&format!("{code},2025-01-01,peserta,10,,BPJS")),
            );
            assert!(f.is_ok(), "{code}");
        }
    }
}
