//! What BPJS Ketenagakerjaan gives after a work accident (JKK) or a death (JKM), and
//! Lingkaran's estimate of it (issue 13 §1; domain.md §3; docs/claims.md). BPJS decides and
//! pays from its own funds; the estimate tells the family and the officer what to expect.
//!
//! The amounts are data keyed by the event date ([`Rules`]: `benefits.csv`, each value with
//! its legal source and strength); a later change of the law is a new row. The arithmetic is
//! here, in whole rupiah, with percentages in basis points (1% = 100): no float.

use crate::rates::Month;
use crate::Problem;
use chrono::{Months, NaiveDate};

/// One value of the rules: `item` is `value` for events from `from` until a later row of the
/// same item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub from: NaiveDate,
    pub item: &'static str,
    pub value: i64,
    /// As in domain.md: `C` confirmed, `1` one secondary source, `?` an assumption.
    pub strength: char,
    pub source: String,
}

impl Rule {
    /// The source as shown beside an amount: with its strength when it is not confirmed
    /// (`[1]` one secondary source, `[?]` an assumption).
    pub fn cited(&self) -> String {
        match self.strength {
            'C' => self.source.clone(),
            s => format!("{} [{s}]", self.source),
        }
    }
}

/// Every item a row may set, and what it means (docs/claims.md lists them with their values).
pub const ITEMS: &[(&str, &str)] = &[
    ("jkm.lump_sum", "JKM santunan sekaligus (Rp)"),
    (
        "jkm.periodic",
        "JKM santunan berkala, dibayar sekaligus (Rp)",
    ),
    ("jkm.funeral", "JKM biaya pemakaman (Rp)"),
    (
        "jkm.scholarship_min_paid_months",
        "bulan iuran minimal untuk beasiswa sesudah JKM",
    ),
    (
        "jkm.early_months",
        "bulan pertama kepesertaan BPU dengan santunan JKM terbatas",
    ),
    (
        "jkm.early_lump_sum",
        "santunan JKM dalam bulan-bulan pertama (Rp)",
    ),
    (
        "jkm.early_funeral",
        "biaya pemakaman dalam bulan-bulan pertama (Rp)",
    ),
    ("jkk.death_income_times", "santunan kematian JKK: kali upah"),
    (
        "jkk.death_floor",
        "santunan kematian JKK paling sedikit (Rp)",
    ),
    ("jkk.funeral", "JKK biaya pemakaman (Rp)"),
    ("jkk.periodic", "JKK santunan berkala kematian (Rp)"),
    (
        "jkk.total_disability_income_times",
        "cacat total tetap: kali upah",
    ),
    (
        "jkk.total_disability_periodic",
        "cacat total tetap: santunan berkala (Rp)",
    ),
    (
        "jkk.disability_income_times",
        "cacat sebagian: persentase tabel × kali upah",
    ),
    ("jkk.stmb_full_months", "STMB: bulan dengan 100% upah"),
    ("jkk.stmb_later_pct", "STMB sesudahnya: persen upah"),
    (
        "jkk.transport_land",
        "transportasi darat paling banyak (Rp)",
    ),
    ("jkk.transport_sea", "transportasi laut paling banyak (Rp)"),
    ("jkk.transport_air", "transportasi udara paling banyak (Rp)"),
    ("jkk.home_care", "perawatan di rumah paling banyak (Rp)"),
    (
        "jkk.claim_years",
        "tahun sejak kecelakaan sampai hak klaim JKK gugur",
    ),
    (
        "scholarship.tk_sd",
        "beasiswa TK–SD per anak per tahun (Rp)",
    ),
    (
        "scholarship.tk_sd_years",
        "beasiswa TK–SD paling lama (tahun)",
    ),
    ("scholarship.smp", "beasiswa SMP per anak per tahun (Rp)"),
    ("scholarship.smp_years", "beasiswa SMP paling lama (tahun)"),
    ("scholarship.sma", "beasiswa SMA per anak per tahun (Rp)"),
    ("scholarship.sma_years", "beasiswa SMA paling lama (tahun)"),
    (
        "scholarship.higher",
        "beasiswa perguruan tinggi atau pelatihan per anak per tahun (Rp)",
    ),
    (
        "scholarship.higher_years",
        "beasiswa perguruan tinggi paling lama (tahun)",
    ),
    ("scholarship.children", "beasiswa paling banyak (anak)"),
    ("scholarship.cap", "beasiswa paling banyak seluruhnya (Rp)"),
    (
        "membership.lapse_months",
        "bulan berturut-turut tanpa iuran sampai kepesertaan BPU nonaktif",
    ),
];

/// The codes of the amounts BPJS may decide on a claim: every line an estimate gives, the
/// reimbursements up to a ceiling, and medical care (no ceiling, never estimated).
pub const DECIDED_CODES: [&str; 19] = [
    "jkm.lump_sum",
    "jkm.periodic",
    "jkm.funeral",
    "jkm.early_lump_sum",
    "jkm.early_funeral",
    "jkk.death",
    "jkk.funeral",
    "jkk.periodic",
    "jkk.total_disability",
    "jkk.total_disability_periodic",
    "jkk.partial_disability",
    "jkk.functional_disability",
    "jkk.stmb_full",
    "jkk.stmb_later",
    "jkk.transport_land",
    "jkk.transport_sea",
    "jkk.transport_air",
    "jkk.home_care",
    "jkk.medical",
];

/// An amount's code (an estimate's line, a ceiling, or one of [`DECIDED_CODES`]) as a reader
/// names it; the code itself when unknown.
pub fn amount_label<'a>(code: &'a str, lang: &str) -> &'a str {
    let (id, en) = match code {
        "jkm.lump_sum" => ("JKM: santunan sekaligus", "JKM: lump sum"),
        "jkm.periodic" => ("JKM: santunan berkala", "JKM: periodic benefit"),
        "jkm.funeral" => ("JKM: biaya pemakaman", "JKM: funeral costs"),
        "jkm.early_lump_sum" => (
            "JKM: santunan dalam bulan-bulan pertama",
            "JKM: benefit in the first months",
        ),
        "jkm.early_funeral" => (
            "JKM: biaya pemakaman dalam bulan-bulan pertama",
            "JKM: funeral costs in the first months",
        ),
        "jkk.death" => ("JKK: santunan kematian", "JKK: death benefit"),
        "jkk.funeral" => ("JKK: biaya pemakaman", "JKK: funeral costs"),
        "jkk.periodic" => ("JKK: santunan berkala", "JKK: periodic benefit"),
        "jkk.total_disability" => (
            "JKK: santunan cacat total tetap",
            "JKK: permanent total disability",
        ),
        "jkk.total_disability_periodic" => (
            "JKK: santunan berkala cacat total tetap",
            "JKK: periodic benefit for total disability",
        ),
        "jkk.partial_disability" => (
            "JKK: santunan cacat sebagian anatomis",
            "JKK: partial anatomical disability",
        ),
        "jkk.functional_disability" => (
            "JKK: santunan cacat sebagian fungsi",
            "JKK: partial functional disability",
        ),
        "jkk.stmb_full" => (
            "JKK: STMB, 100% upah",
            "JKK: inability to work, 100% of income",
        ),
        "jkk.stmb_later" => (
            "JKK: STMB sesudahnya",
            "JKK: inability to work, later months",
        ),
        "jkk.transport_land" => ("Transportasi darat", "Transport by land"),
        "jkk.transport_sea" => ("Transportasi laut", "Transport by sea"),
        "jkk.transport_air" => ("Transportasi udara", "Transport by air"),
        "jkk.home_care" => ("Perawatan di rumah", "Home care"),
        "jkk.medical" => ("Perawatan dan pengobatan", "Medical care"),
        _ => return code,
    };
    if lang == "en" {
        en
    } else {
        id
    }
}

/// The shipped rules: `benefits.csv`.
pub const SHIPPED: &str = include_str!("benefits.csv");

/// The largest value a row may carry (Rp 10.000.000.000, or a count).
const MAX_VALUE: i64 = 10_000_000_000;

/// The rule table, keyed by item and event date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    rows: Vec<Rule>,
}

impl Rules {
    /// The rules shipped with Lingkaran (`benefits.csv`).
    pub fn shipped() -> Result<Rules, Problem> {
        Rules::parse(SHIPPED)
    }

    /// Reads rows `from,item,value,strength,source` (the source runs to the end of the line;
    /// `#` starts a comment line). A bad row is refused with its line number.
    pub fn parse(text: &str) -> Result<Rules, Problem> {
        let mut rows: Vec<Rule> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |what: &str, value: &str| {
                Problem::new(
                    "bad_benefit_rule",
                    format!("Baris {n} aturan manfaat: {what} \"{value}\" tidak dapat dibaca."),
                    format!("Benefit rule line {n}: cannot read {what} \"{value}\"."),
                )
            };
            let mut parts = line.splitn(5, ',');
            let mut next = || parts.next().unwrap_or("").trim();
            let (from, item, value, strength, source) = (next(), next(), next(), next(), next());
            let from = NaiveDate::parse_from_str(from, "%Y-%m-%d")
                .map_err(|_| bad("tanggal berlaku (from)", from))?;
            let item = ITEMS
                .iter()
                .map(|(code, _)| *code)
                .find(|code| *code == item)
                .ok_or_else(|| bad("item", item))?;
            let value = value
                .parse::<i64>()
                .ok()
                .filter(|v| (0..=MAX_VALUE).contains(v))
                .ok_or_else(|| bad("nilai (value)", value))?;
            let strength = match strength {
                "C" => 'C',
                "1" => '1',
                "?" => '?',
                other => return Err(bad("kekuatan sumber (C, 1 atau ?)", other)),
            };
            if source.is_empty() {
                return Err(bad("sumber (source)", source));
            }
            if rows.iter().any(|r| r.item == item && r.from == from) {
                return Err(bad("item yang sama pada tanggal yang sama", item));
            }
            rows.push(Rule {
                from,
                item,
                value,
                strength,
                source: source.to_string(),
            });
        }
        rows.sort_by(|a, b| (a.item, a.from).cmp(&(b.item, b.from)));
        Ok(Rules { rows })
    }

    /// Every row, by item and date.
    pub fn rows(&self) -> &[Rule] {
        &self.rows
    }

    /// The row of `item` in force for an event on `event`: the latest from on or before it.
    pub fn rule(&self, item: &str, event: NaiveDate) -> Option<&Rule> {
        self.rows
            .iter()
            .filter(|r| r.item == item && r.from <= event)
            .max_by_key(|r| r.from)
    }

    fn need(&self, item: &'static str, event: NaiveDate) -> Result<&Rule, Problem> {
        self.rule(item, event).ok_or_else(|| {
            let day = crate::format::date(event, "id");
            Problem::new(
                "no_benefit_rule",
                format!(
                    "Lingkaran belum mencatat aturan manfaat ({item}) untuk kejadian pada {day}. \
                     Tanyakan ke kantor cabang BPJS Ketenagakerjaan."
                ),
                format!(
                    "Lingkaran has no benefit rule ({item}) on record for an event on {}. Ask the BPJS Ketenagakerjaan branch.",
                    crate::format::date(event, "en")
                ),
            )
        })
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Death not caused by work.
    Jkm,
    /// Death from a work accident (including the commute).
    JkkDeath,
    JkkTotalDisability,
    /// Partial anatomical disability, or functional when a loss of function is given.
    JkkPartial,
    /// Temporary inability to work (sementara tidak mampu bekerja).
    JkkStmb,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Jkm,
        Kind::JkkDeath,
        Kind::JkkTotalDisability,
        Kind::JkkPartial,
        Kind::JkkStmb,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Jkm => "jkm",
            Kind::JkkDeath => "jkk-death",
            Kind::JkkTotalDisability => "jkk-total-disability",
            Kind::JkkPartial => "jkk-partial",
            Kind::JkkStmb => "jkk-stmb",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    pub fn is_jkk(self) -> bool {
        self != Kind::Jkm
    }

    /// In Bahasa Indonesia, for pages and letters.
    pub fn label(self, lang: &str) -> &'static str {
        match (self, lang == "en") {
            (Kind::Jkm, false) => "Jaminan Kematian (meninggal bukan karena kerja)",
            (Kind::Jkm, true) => "Death benefit (death not caused by work)",
            (Kind::JkkDeath, false) => "Kecelakaan kerja: meninggal dunia",
            (Kind::JkkDeath, true) => "Work accident: death",
            (Kind::JkkTotalDisability, false) => "Kecelakaan kerja: cacat total tetap",
            (Kind::JkkTotalDisability, true) => "Work accident: permanent total disability",
            (Kind::JkkPartial, false) => "Kecelakaan kerja: cacat sebagian",
            (Kind::JkkPartial, true) => "Work accident: partial disability",
            (Kind::JkkStmb, false) => "Kecelakaan kerja: sementara tidak mampu bekerja (STMB)",
            (Kind::JkkStmb, true) => "Work accident: temporary inability to work (STMB)",
        }
    }
}

/// What the estimate is asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub kind: Kind,
    pub event: NaiveDate,
    /// Declared monthly income, whole rupiah.
    pub income: i64,
    /// Months of the current membership up to and including the event's month
    /// ([`membership_months`]); 0 when the worker was not a member.
    pub membership_months: u32,
    /// Months paid in all (sponsored and self-paid).
    pub paid_months: u32,
    /// The body part's percentage in PP 44/2015 Lampiran III (or as BPJS decided), basis points.
    pub body_bp: Option<u32>,
    /// The loss of function, basis points (functional disability).
    pub function_loss_bp: Option<u32>,
    /// Months unable to work (STMB).
    pub months_unable: Option<u32>,
    /// When the claim is made (the JKK deadline is counted to it).
    pub filed: Option<NaiveDate>,
}

/// Bounds of an estimate's inputs.
pub const MAX_INCOME: i64 = 1_000_000_000;
pub const MAX_MONTHS: u32 = 1_200;
pub const MAX_MONTHS_UNABLE: u32 = 600;

/// One amount of the estimate, with the rule it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub code: &'static str,
    pub amount: i64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub kind: Kind,
    /// False when the law gives nothing: not a member on the event date, or the JKK claim
    /// came after its deadline. `reasons` says why.
    pub eligible: bool,
    /// Why not eligible, and what else the family should know (a floor applied, the first
    /// months' rule), in words.
    pub reasons: Vec<Problem>,
    /// The sum of `lines`. Medical care and the scholarship are left out: they depend on bills
    /// and on children.
    pub total: i64,
    pub lines: Vec<Line>,
    pub scholarship_eligible: bool,
    /// The most the scholarship gives in all, when eligible (0 otherwise).
    pub scholarship_max: i64,
    /// Reimbursements up to a ceiling, after a work accident: transport and home care.
    pub ceilings: Vec<Line>,
}

/// A percentage as a clerk writes it (`40`, `40.5`, `40,5`, `33,33%`) in basis points; `None`
/// for anything else, or more than two decimals.
pub fn parse_percent(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('%').trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || whole.len() > 3 || frac.len() > 2 {
        return None;
    }
    if !whole
        .bytes()
        .chain(frac.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let frac: u32 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

/// Rounds `num / den` half up (both non-negative).
fn div_round(num: i128, den: i128) -> i128 {
    (num + den / 2) / den
}

/// Checks a case's inputs: every problem at once, each naming the field and the value.
fn check(case: &Case) -> Vec<Problem> {
    let mut out = Vec::new();
    let field = |code: &'static str, id: String, en: String| Problem::new(code, id, en);
    if !(1..=MAX_INCOME).contains(&case.income) {
        out.push(field(
            "bad_income",
            format!(
                "Upah {} tidak dapat dipakai: harus antara Rp 1 dan {}.",
                case.income,
                crate::format::rupiah(MAX_INCOME)
            ),
            format!(
                "Income {} must lie between 1 and {MAX_INCOME} rupiah.",
                case.income
            ),
        ));
    }
    for (name, v) in [
        ("membership-months", case.membership_months),
        ("paid-months", case.paid_months),
    ] {
        if v > MAX_MONTHS {
            out.push(field(
                "bad_months",
                format!("{name} {v} terlalu besar: paling banyak {MAX_MONTHS}."),
                format!("{name} {v} is too large: at most {MAX_MONTHS}."),
            ));
        }
    }
    let pct = |name: &str, v: Option<u32>, out: &mut Vec<Problem>| {
        if let Some(v) = v.filter(|v| !(1..=10_000).contains(v)) {
            out.push(field(
                "bad_percentage",
                format!(
                    "{name} {},{:02}% tidak dapat dipakai: harus lebih dari 0% dan paling banyak 100%.",
                    v / 100,
                    v % 100
                ),
                format!("{name} {}.{:02}% must be above 0% and at most 100%.", v / 100, v % 100),
            ));
        }
    };
    pct("body-pct", case.body_bp, &mut out);
    pct("function-loss-pct", case.function_loss_bp, &mut out);
    let only = |name: &str, given: bool, kind: Kind, out: &mut Vec<Problem>| {
        if given && case.kind != kind {
            out.push(field(
                "field_not_used",
                format!("{name} hanya dipakai untuk {}.", kind.code()),
                format!("{name} applies only to {}.", kind.code()),
            ));
        }
    };
    only(
        "body-pct",
        case.body_bp.is_some(),
        Kind::JkkPartial,
        &mut out,
    );
    only(
        "function-loss-pct",
        case.function_loss_bp.is_some(),
        Kind::JkkPartial,
        &mut out,
    );
    only(
        "months-unable",
        case.months_unable.is_some(),
        Kind::JkkStmb,
        &mut out,
    );
    if case.kind == Kind::JkkPartial && case.body_bp.is_none() {
        out.push(field(
            "missing_body_pct",
            "Cacat sebagian perlu persentase bagian tubuh (body-pct) dari tabel atau dari penetapan BPJS.".into(),
            "A partial disability needs the body part's percentage (body-pct), from the table or as BPJS decided.".into(),
        ));
    }
    match (case.kind, case.months_unable) {
        (Kind::JkkStmb, None | Some(0)) => out.push(field(
            "missing_months_unable",
            "STMB perlu jumlah bulan tidak mampu bekerja (months-unable), paling sedikit 1.".into(),
            "STMB needs the months unable to work (months-unable), at least 1.".into(),
        )),
        (_, Some(n)) if n > MAX_MONTHS_UNABLE => out.push(field(
            "bad_months",
            format!("months-unable {n} terlalu besar: paling banyak {MAX_MONTHS_UNABLE}."),
            format!("months-unable {n} is too large: at most {MAX_MONTHS_UNABLE}."),
        )),
        _ => {}
    }
    if let Some(filed) = case.filed.filter(|f| *f < case.event) {
        out.push(field(
            "filed_before_event",
            format!(
                "Tanggal klaim {} lebih awal dari kejadian {}.",
                crate::format::date(filed, "id"),
                crate::format::date(case.event, "id")
            ),
            format!("The claim date {filed} is before the event {}.", case.event),
        ));
    }
    out
}

/// What the law gives for `case`, by the rules in force on its event date.
pub fn estimate(rules: &Rules, case: &Case) -> Result<Estimate, Vec<Problem>> {
    let problems = check(case);
    if !problems.is_empty() {
        return Err(problems);
    }
    compute(rules, case).map_err(|p| vec![p])
}

fn compute(rules: &Rules, case: &Case) -> Result<Estimate, Problem> {
    let at = case.event;
    let income = i128::from(case.income);
    let mut lines: Vec<Line> = Vec::new();
    let mut reasons: Vec<Problem> = Vec::new();
    let mut eligible = true;
    let line = |code: &'static str, amount: i128, rule: &Rule| -> Result<Line, Problem> {
        Ok(Line {
            code,
            amount: i64::try_from(amount).map_err(|_| too_large())?,
            source: rule.cited(),
        })
    };
    if case.membership_months == 0 {
        eligible = false;
        reasons.push(Problem::new(
            "not_a_member",
            format!(
                "Pada {} pekerja ini bukan peserta aktif: tidak ada bulan iuran yang berlaku.",
                crate::format::date(at, "id")
            ),
            format!(
                "On {} this worker was not an active member: no paid month stood.",
                crate::format::date(at, "en")
            ),
        ));
    }
    let mut scholarship_eligible = false;
    match case.kind {
        Kind::Jkm => {
            let early = rules.rule("jkm.early_months", at);
            let within = early.filter(|r| i64::from(case.membership_months) <= r.value);
            if let Some(early) = within {
                let lump = rules.need("jkm.early_lump_sum", at)?;
                let funeral = rules.need("jkm.early_funeral", at)?;
                lines.push(line("jkm.early_lump_sum", lump.value.into(), lump)?);
                lines.push(line("jkm.early_funeral", funeral.value.into(), funeral)?);
                reasons.push(Problem::new(
                    "jkm_first_months",
                    format!(
                        "Meninggal dalam {} bulan pertama kepesertaan: santunan BPU terbatas {}.",
                        early.value,
                        crate::format::rupiah(lump.value + funeral.value)
                    ),
                    format!(
                        "Died within the first {} months of membership: a BPU's benefit is limited to {}.",
                        early.value,
                        crate::format::rupiah(lump.value + funeral.value)
                    ),
                ));
            } else {
                for item in ["jkm.lump_sum", "jkm.periodic", "jkm.funeral"] {
                    let r = rules.need(item, at)?;
                    lines.push(line(item, r.value.into(), r)?);
                }
            }
            if let Some(min) = rules.rule("jkm.scholarship_min_paid_months", at) {
                scholarship_eligible = within.is_none() && i64::from(case.paid_months) >= min.value;
                if !scholarship_eligible {
                    reasons.push(Problem::new(
                        "scholarship_needs_paid_months",
                        format!(
                            "Beasiswa anak sesudah JKM perlu paling sedikit {} bulan iuran; tercatat {}.",
                            min.value, case.paid_months
                        ),
                        format!(
                            "The children's scholarship after JKM needs at least {} paid months; {} on record.",
                            min.value, case.paid_months
                        ),
                    ));
                }
            }
        }
        Kind::JkkDeath => {
            let times = rules.need("jkk.death_income_times", at)?;
            let floor = rules.need("jkk.death_floor", at)?;
            let by_income = income * i128::from(times.value);
            let amount = by_income.max(floor.value.into());
            if by_income < i128::from(floor.value) {
                reasons.push(Problem::new(
                    "jkk_death_floor",
                    format!(
                        "{} × upah kurang dari batas bawah; santunan kematian menjadi {}.",
                        times.value,
                        crate::format::rupiah(floor.value)
                    ),
                    format!(
                        "{} × income is below the floor; the death benefit is {}.",
                        times.value,
                        crate::format::rupiah(floor.value)
                    ),
                ));
            }
            lines.push(line("jkk.death", amount, times)?);
            for item in ["jkk.funeral", "jkk.periodic"] {
                let r = rules.need(item, at)?;
                lines.push(line(item, r.value.into(), r)?);
            }
            scholarship_eligible = true;
        }
        Kind::JkkTotalDisability => {
            let times = rules.need("jkk.total_disability_income_times", at)?;
            lines.push(line(
                "jkk.total_disability",
                income * i128::from(times.value),
                times,
            )?);
            let r = rules.need("jkk.total_disability_periodic", at)?;
            lines.push(line("jkk.total_disability_periodic", r.value.into(), r)?);
            scholarship_eligible = true;
        }
        Kind::JkkPartial => {
            let times = rules.need("jkk.disability_income_times", at)?;
            let body = i128::from(case.body_bp.unwrap_or(0));
            let base = income * i128::from(times.value) * body;
            match case.function_loss_bp {
                None => lines.push(line(
                    "jkk.partial_disability",
                    div_round(base, 10_000),
                    times,
                )?),
                Some(loss) => lines.push(line(
                    "jkk.functional_disability",
                    div_round(base * i128::from(loss), 100_000_000),
                    times,
                )?),
            }
        }
        Kind::JkkStmb => {
            let full = rules.need("jkk.stmb_full_months", at)?;
            let later = rules.need("jkk.stmb_later_pct", at)?;
            let n = i128::from(case.months_unable.unwrap_or(0));
            let first = n.min(full.value.into());
            lines.push(line("jkk.stmb_full", income * first, full)?);
            if n > first {
                lines.push(line(
                    "jkk.stmb_later",
                    div_round(income * i128::from(later.value) * (n - first), 100),
                    later,
                )?);
            }
        }
    }
    let mut ceilings = Vec::new();
    if case.kind.is_jkk() {
        for item in [
            "jkk.transport_land",
            "jkk.transport_sea",
            "jkk.transport_air",
            "jkk.home_care",
        ] {
            let r = rules.need(item, at)?;
            ceilings.push(line(item, r.value.into(), r)?);
        }
        let years = rules.need("jkk.claim_years", at)?;
        let months = u32::try_from(years.value.saturating_mul(12)).map_err(|_| too_large())?;
        let deadline = at.checked_add_months(Months::new(months));
        if let (Some(filed), Some(deadline)) = (case.filed, deadline) {
            if filed > deadline {
                eligible = false;
                reasons.push(Problem::new(
                    "jkk_claim_expired",
                    format!(
                        "Hak klaim JKK berakhir {} tahun sesudah kecelakaan, pada {}; klaim diajukan {}.",
                        years.value,
                        crate::format::date(deadline, "id"),
                        crate::format::date(filed, "id")
                    ),
                    format!(
                        "The right to claim JKK ended {} years after the accident, on {}; the claim came on {}.",
                        years.value,
                        crate::format::date(deadline, "en"),
                        crate::format::date(filed, "en")
                    ),
                ));
            }
        }
    }
    let scholarship_max = if scholarship_eligible && eligible {
        rules.need("scholarship.cap", at)?.value
    } else {
        0
    };
    let scholarship_eligible = scholarship_eligible && eligible;
    if !eligible {
        lines.clear();
        ceilings.clear();
    }
    let total: i128 = lines.iter().map(|l| i128::from(l.amount)).sum();
    Ok(Estimate {
        kind: case.kind,
        eligible,
        reasons,
        total: i64::try_from(total).map_err(|_| too_large())?,
        lines,
        scholarship_eligible,
        scholarship_max,
        ceilings,
    })
}

fn too_large() -> Problem {
    Problem::new(
        "amount_too_large",
        "Jumlah manfaat terlalu besar untuk dihitung.",
        "The benefit is too large to compute.",
    )
}

/// Months of the membership that stands in `event`'s month, counted from its first paid
/// month: a run of `lapse` (the rule `membership.lapse_months`) consecutive unpaid months ends
/// a membership, and a payment after it starts a new one. 0 when no membership stands in that
/// month (the event's month and the `lapse − 1` before it unpaid, or nothing paid before).
/// Unpaid months inside a membership count as months of it, but are not covered.
pub fn membership_months(paid: &[Month], event: Month, lapse: u32) -> u32 {
    let Some(earliest) = paid.iter().filter(|m| **m <= event).min().copied() else {
        return 0;
    };
    let lapse = lapse.max(1);
    let mut start: Option<Month> = None;
    let mut run = 0u32;
    let mut m = event;
    while m >= earliest {
        if paid.contains(&m) {
            start = Some(m);
            run = 0;
        } else {
            run += 1;
            if run >= lapse {
                break;
            }
        }
        m = m.prev();
    }
    let Some(start) = start else {
        return 0;
    };
    let mut n = 1u32;
    let mut k = start;
    while k < event {
        k = k.next();
        n += 1;
    }
    n
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
