//! JSON shapes, built from storage records for one caller: a field the caller may not see is
//! masked or left out here, in one place. Each shape is a struct that serializes to the
//! answer and, through `ToSchema`, describes it in the OpenAPI document (`api/openapi.rs`):
//! the document's schemas are these types, not a second description.
//!
//! Below the edges, like `src/http`: the JSON API answers with these shapes and the CLI's
//! `--json` prints the same ones (`nik check`, `coverage check`, `workers import`, `quote`),
//! so that one shape is written once and neither edge reaches into the other. Nothing here
//! names an edge (`tests/layers.rs`).

use crate::auth::Principal;
use crate::db::imports::{ErrorRow, ImportRecord};
use crate::db::workers::{WorkerEvent, WorkerRecord};
use crate::privacy::gate::{self, Sight, Subject};
use crate::regions::RegionTable;
use lingkaran_domain::nik;
use lingkaran_domain::worker::{Occupation, WorkerStatus};
use lingkaran_domain::Problem;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A region code with its name (`null` when the code is not in the table).
#[derive(Serialize, ToSchema)]
pub struct RegionName {
    pub code: String,
    pub name: Option<String>,
}

impl RegionName {
    pub fn of(code: &str) -> RegionName {
        RegionName {
            code: code.to_string(),
            name: RegionTable::get().region(code).map(|r| r.name.clone()),
        }
    }
}

/// A problem inside an answer that succeeded (a row's error, a skipped NIK): a stable code
/// and the sentence in Bahasa Indonesia and English.
#[derive(Serialize, ToSchema)]
pub struct Message {
    pub code: String,
    pub message: String,
    pub message_en: String,
}

pub fn problem_json(p: &Problem) -> Message {
    Message {
        code: p.code.to_string(),
        message: p.id.clone(),
        message_en: p.en.clone(),
    }
}

/// A code with its label in each language (`null` for a code the domain does not know).
#[derive(Serialize, ToSchema)]
pub struct Labelled {
    pub code: String,
    pub label: Option<&'static str>,
    pub label_en: Option<&'static str>,
}

impl Labelled {
    pub fn occupation(code: &str) -> Labelled {
        let o = Occupation::parse(code);
        Labelled {
            code: code.to_string(),
            label: o.map(|o| o.label("id")),
            label_en: o.map(|o| o.label("en")),
        }
    }
}

/// An id and a name.
#[derive(Serialize, ToSchema)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// A worker as one caller may see them, as the gate decides (`privacy::gate::sight`): the
/// whole NIK, full name, phone and birth date go only to admins, officers in scope and the
/// proposing organisation; a viewer in scope gets the mask (`35.25 •••• •••• ••••`), the
/// masked name, `null` for the phone and birth date, and the age in years.
#[derive(Serialize, ToSchema)]
pub struct Worker {
    pub id: i64,
    /// Whole, or masked (`35.25 •••• •••• ••••`) for a caller who may not see it.
    pub nik: String,
    pub nik_masked: String,
    /// Whole, or masked (`Siti A. R.`) for a caller who may not see it.
    pub full_name: String,
    /// `L` or `P`.
    pub sex: String,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    /// Whole years of age today (never the birth year beside a mask: see docs/privacy.md).
    pub age: i32,
    pub village: RegionName,
    pub regency: RegionName,
    pub phone: Option<String>,
    pub occupation: Labelled,
    /// `transport` or `other` (PP 50/2025).
    pub sector: String,
    pub income: i64,
    pub decile: Option<i64>,
    pub organisation: Named,
    pub import_id: Option<i64>,
    /// `proposed`, `verified`, `rejected`, …
    pub status: String,
    pub status_label: Option<&'static str>,
    pub status_reason: Option<String>,
    pub flag: Option<String>,
    pub possible_duplicate_of: Option<i64>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// What the gate says `who` sees of `w`.
pub fn sight_of(w: &WorkerRecord, who: &Principal) -> Sight {
    gate::sight(
        who,
        &Subject {
            village_code: &w.village_code,
            proposer_org: Some(w.organisation_id),
            funded_by_caller: false,
        },
    )
}

impl Worker {
    /// `w` as `who` may see it. A caller the gate hides the worker from is never handed one
    /// (the searches are scoped); should one be, it gets the mask, never more.
    pub fn of(w: &WorkerRecord, who: &Principal) -> Worker {
        let sight = match sight_of(w, who) {
            Sight::Hidden => Sight::Masked,
            s => s,
        };
        let shown = gate::show(
            sight,
            &w.nik,
            &w.full_name,
            w.birth_date,
            w.phone.as_deref(),
            crate::clock::today(),
        );
        let Some(shown) = shown else {
            unreachable!("a masked or whole sight shows the worker")
        };
        Worker {
            id: w.id,
            nik: shown.nik,
            nik_masked: gate::mask_nik(&w.nik),
            full_name: shown.name,
            sex: w.sex.clone(),
            birth_date: shown.birth_date.map(|d| d.to_string()),
            age: shown.age,
            village: RegionName::of(&w.village_code),
            regency: RegionName::of(&w.regency_code),
            phone: shown.phone,
            occupation: Labelled::occupation(&w.occupation),
            sector: w.sector.clone(),
            income: w.income,
            decile: w.decile,
            organisation: Named {
                id: w.organisation_id,
                name: w.organisation_name.clone(),
            },
            import_id: w.import_id,
            status: w.status.clone(),
            status_label: WorkerStatus::parse(&w.status).map(|s| s.label("id")),
            status_reason: w.status_reason.clone(),
            flag: w.flag.clone(),
            possible_duplicate_of: w
                .possible_duplicate_of
                .filter(|_| gate::may_see_duplicate_links(who)),
            created_at: w.created_at.to_rfc3339(),
            updated_at: w.updated_at.to_rfc3339(),
        }
    }
}

/// [`Worker`] as a JSON value, for answers that add fields to it.
pub fn worker_json(w: &WorkerRecord, who: &Principal) -> Value {
    serde_json::to_value(Worker::of(w, who)).unwrap_or_default()
}

/// A worker just submitted, with the row's warnings (a possible duplicate, an old NIK code).
#[derive(Serialize, ToSchema)]
pub struct WorkerCreated {
    #[serde(flatten)]
    pub worker: Worker,
    pub warnings: Vec<ReportRow>,
}

/// One worker with every status change.
#[derive(Serialize, ToSchema)]
pub struct WorkerDetail {
    #[serde(flatten)]
    pub worker: Worker,
    pub history: Vec<Event>,
}

/// A page of workers.
#[derive(Serialize, ToSchema)]
pub struct WorkerPage {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub workers: Vec<Worker>,
}

/// A status change of a worker.
#[derive(Serialize, ToSchema)]
pub struct Event {
    pub from: Option<String>,
    pub to: String,
    pub action: String,
    pub reason: Option<String>,
    pub by: Named,
    #[schema(format = DateTime)]
    pub at: String,
}

pub fn event_json(e: &WorkerEvent) -> Event {
    Event {
        from: e.from_status.clone(),
        to: e.to_status.clone(),
        action: e.action.clone(),
        reason: e.reason.clone(),
        by: Named {
            id: e.actor_id,
            name: e.actor_name.clone(),
        },
        at: e.at.to_rfc3339(),
    }
}

/// A row of an import report: where, what, and why.
#[derive(Serialize, ToSchema)]
pub struct ReportRow {
    pub line: i64,
    pub column: String,
    pub value: String,
    pub code: String,
    pub message: String,
    pub message_en: String,
}

pub fn error_row_json(e: &ErrorRow) -> ReportRow {
    ReportRow {
        line: e.line,
        column: e.column_name.clone(),
        value: e.value.clone(),
        code: e.code.clone(),
        message: e.message_id.clone(),
        message_en: e.message_en.clone(),
    }
}

/// The import report of the contract:
/// `{"import_id","rows","accepted","rejected","duplicates","possible_duplicates","errors":[…]}`
/// plus `warnings` (possible duplicates), `notes` and `already_imported`.
#[derive(Serialize, ToSchema)]
pub struct ImportReport {
    pub import_id: i64,
    pub file_name: String,
    pub status: String,
    pub rows: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub duplicates: i64,
    pub possible_duplicates: i64,
    /// The same file (by its SHA-256) was imported before: this is that report.
    pub already_imported: bool,
    pub errors: Vec<ReportRow>,
    pub warnings: Vec<ReportRow>,
    /// Notes on the file as a whole (read as Latin-1, `;` separated, columns ignored).
    pub notes: Vec<Message>,
    /// Where the bad rows are as CSV.
    pub errors_csv: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl ImportReport {
    pub fn of(
        r: &ImportRecord,
        errors: &[ErrorRow],
        warnings: &[ErrorRow],
        already_imported: bool,
    ) -> ImportReport {
        ImportReport {
            import_id: r.id,
            file_name: r.file_name.clone(),
            status: r.status.clone(),
            rows: r.rows_total,
            accepted: r.accepted,
            rejected: r.rejected,
            duplicates: r.duplicates,
            possible_duplicates: r.possible_duplicates,
            already_imported,
            errors: errors.iter().map(error_row_json).collect(),
            warnings: warnings.iter().map(error_row_json).collect(),
            notes: r
                .notes()
                .into_iter()
                .map(|n| Message {
                    code: n.code,
                    message: n.id,
                    message_en: n.en,
                })
                .collect(),
            errors_csv: format!("/api/v1/imports/{}/errors.csv", r.id),
            created_at: r.created_at.to_rfc3339(),
        }
    }
}

/// [`ImportReport`] as a JSON value.
pub fn import_json(
    r: &ImportRecord,
    errors: &[ErrorRow],
    warnings: &[ErrorRow],
    already_imported: bool,
) -> Value {
    serde_json::to_value(ImportReport::of(r, errors, warnings, already_imported))
        .unwrap_or_default()
}

/// A region a NIK names. An old code (`91.01`) keeps its place and is named by its current
/// region, whose code comes as `current_code`.
#[derive(Serialize, ToSchema)]
pub struct NikRegion {
    pub code: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_code: Option<String>,
}

/// `lingkaran nik check --json` and `POST /api/v1/nik/check` share this shape.
#[derive(Serialize, ToSchema)]
pub struct NikCheck {
    pub valid: bool,
    pub nik: Option<String>,
    /// `L` or `P`, from the day of birth (+40 for women).
    pub sex: Option<&'static str>,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    pub province: Option<NikRegion>,
    pub regency: Option<NikRegion>,
    pub district: Option<NikRegion>,
    pub errors: Vec<Message>,
    pub warnings: Vec<Message>,
}

impl NikCheck {
    pub fn of(c: &nik::NikCheck) -> NikCheck {
        let pair = |p: &Option<(String, String)>, now: &Option<String>| {
            p.as_ref().map(|(code, name)| NikRegion {
                code: code.clone(),
                name: name.clone(),
                current_code: now.clone(),
            })
        };
        NikCheck {
            valid: c.is_valid(),
            nik: c.nik.map(|n| n.to_string()),
            sex: c.nik.map(|n| n.sex().code()),
            birth_date: c.nik.map(|n| n.birth_date().to_string()),
            province: pair(&c.province, &None),
            regency: pair(&c.regency, &c.regency_now),
            district: pair(&c.district, &c.district_now),
            errors: c.errors.iter().map(problem_json).collect(),
            warnings: c.warnings.iter().map(problem_json).collect(),
        }
    }
}

/// JKK and JKM, in rupiah.
#[derive(Serialize, ToSchema)]
pub struct Breakdown {
    pub jkk: i64,
    pub jkm: i64,
}

/// The relief a month's price had (PP 50/2025 and later rules).
#[derive(Serialize, ToSchema)]
pub struct AppliedRelief {
    pub id: i64,
    pub basis: String,
    pub basis_points: i64,
}

/// One month's price for one worker.
#[derive(Serialize, ToSchema)]
pub struct QuoteMonth {
    /// YYYY-MM.
    pub month: String,
    pub jkk: i64,
    pub jkm: i64,
    pub per_worker: i64,
    pub relief: Option<AppliedRelief>,
}

/// A sentence in Bahasa Indonesia (`id`) and English (`en`).
#[derive(Serialize, ToSchema)]
pub struct Words {
    pub id: String,
    pub en: String,
}

/// `lingkaran quote --json` and `POST /api/v1/quotes` share this shape:
/// `{"workers","months","from","per_worker_month","total","breakdown":{"jkk","jkm"}}` plus
/// the income and each month's price.
#[derive(Serialize, ToSchema)]
pub struct Quote {
    pub workers: i64,
    pub months: usize,
    /// The first month, YYYY-MM.
    pub from: Option<String>,
    pub income: i64,
    /// `apbn`, `apbd`, `dana-desa`, `csr`, `zakat`, `individual` or `self`.
    pub funding: &'static str,
    /// `transport` or `other`.
    pub sector: &'static str,
    pub funding_assumed: bool,
    pub sector_assumed: bool,
    /// The first month's price for one worker.
    pub per_worker_month: i64,
    pub total: i64,
    pub breakdown: Breakdown,
    pub by_month: Vec<QuoteMonth>,
    /// Present when no funding source was given: what was assumed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumption: Option<Words>,
}

impl Quote {
    pub fn of(p: &crate::usecase::quotes::Priced) -> Quote {
        let q = &p.quote;
        let by_month = q
            .months
            .iter()
            .zip(&p.per_worker)
            .map(|(m, per_worker)| QuoteMonth {
                month: m.month.to_string(),
                jkk: m.jkk.get(),
                jkm: m.jkm.get(),
                per_worker: per_worker.get(),
                relief: m.relief.as_ref().map(|r| AppliedRelief {
                    id: r.id,
                    basis: r.basis.clone(),
                    basis_points: r.basis_points,
                }),
            })
            .collect();
        let funding = q.funding.as_str();
        Quote {
            workers: q.workers,
            months: q.months.len(),
            from: q.months.first().map(|m| m.month.to_string()),
            income: q.income,
            funding,
            sector: q.sector.as_str(),
            funding_assumed: p.funding_assumed,
            sector_assumed: p.sector_assumed,
            per_worker_month: p.per_worker.first().map(|r| r.get()).unwrap_or_default(),
            total: p.total.get(),
            breakdown: Breakdown {
                jkk: q.jkk.get(),
                jkm: q.jkm.get(),
            },
            by_month,
            assumption: p.funding_assumed.then(|| Words {
                id: format!("Sumber dana tidak disebut; dihitung sebagai {funding}."),
                en: format!("No funding source given; priced as {funding}."),
            }),
        }
    }
}

// `lingkaran rates relief list --json` and `GET /api/v1/reliefs` share this shape.
/// A relief rule: the share of the price paid in its months, for its sectors.
#[derive(Serialize, ToSchema)]
pub struct ReliefView {
    pub id: i64,
    /// The legal basis (`PP 50/2025`).
    pub basis: String,
    /// The share paid, in basis points (10 000 = all).
    pub basis_points: i64,
    /// YYYY-MM.
    pub from: String,
    /// YYYY-MM.
    pub to: String,
    pub sectors: Vec<&'static str>,
    /// Funding sources the relief does not apply to.
    pub excludes: Vec<&'static str>,
}

impl ReliefView {
    pub fn of(r: &lingkaran_domain::pricing::Relief) -> ReliefView {
        ReliefView {
            id: r.id,
            basis: r.basis.clone(),
            basis_points: r.basis_points,
            from: r.from.to_string(),
            to: r.to.to_string(),
            sectors: r.sectors.iter().map(|s| s.as_str()).collect(),
            excludes: r.excludes.iter().map(|f| f.as_str()).collect(),
        }
    }
}

// `lingkaran rates settings --json` and `GET /api/v1/reliefs` (`settings`) share this shape.
/// The pricing settings.
#[derive(Serialize, ToSchema)]
pub struct PricingSettings {
    pub dana_desa_is_apbn: bool,
    pub self_pay_months_back: u32,
    pub self_pay_months_ahead: u32,
}

impl PricingSettings {
    pub fn of(
        p: &lingkaran_domain::pricing::PriceSettings,
        w: &crate::db::rates::SelfPayWindow,
    ) -> PricingSettings {
        PricingSettings {
            dana_desa_is_apbn: p.dana_desa_is_apbn,
            self_pay_months_back: w.back,
            self_pay_months_ahead: w.ahead,
        }
    }
}

/// Who pays a protected person's months.
#[derive(Serialize, ToSchema)]
pub struct CoverageDonor {
    pub name: String,
}

/// `lingkaran coverage check --json` and `GET /api/v1/coverage/{nik}`.
#[derive(Serialize, ToSchema)]
pub struct Coverage {
    pub protected: bool,
    /// `JKK` and `JKM` while protected, else empty.
    pub programmes: Vec<&'static str>,
    /// `donor` or `self`; `null` when not protected.
    pub source: Option<&'static str>,
    pub donor: Option<CoverageDonor>,
    /// The last day of the run of covered months.
    #[schema(format = Date)]
    pub until: Option<String>,
    /// `protected`, `not_protected` or `not_registered`.
    pub status: &'static str,
    pub worker_status: Option<String>,
}

impl Coverage {
    pub fn of(a: &crate::db::coverage::Answer) -> Coverage {
        use lingkaran_domain::coverage::Payer;
        let c = &a.coverage;
        let (source, donor) = match &c.payer {
            Some(Payer::Donor { name, .. }) => {
                (Some("donor"), Some(CoverageDonor { name: name.clone() }))
            }
            Some(Payer::SelfPaid) => (Some("self"), None),
            None => (None, None),
        };
        let status = match (&a.worker, c.protected) {
            (None, _) => "not_registered",
            (Some(_), true) => "protected",
            (Some(_), false) => "not_protected",
        };
        Coverage {
            protected: c.protected,
            programmes: if c.protected {
                vec!["JKK", "JKM"]
            } else {
                Vec::new()
            },
            source,
            donor,
            until: c.until.map(|d| d.to_string()),
            status,
            worker_status: a.worker.as_ref().map(|w| w.status.clone()),
        }
    }
}

/// A payment booked: by the provider's callback, a bank statement, or an officer's entry.
#[derive(Serialize, ToSchema)]
pub struct Payment {
    pub id: i64,
    /// `callback`, `statement` or `manual`.
    pub source: String,
    pub reference: String,
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    pub donor_id: i64,
    pub amount: i64,
    pub amount_text: String,
    #[schema(format = Date)]
    pub paid_on: String,
    pub channel: Option<String>,
    pub evidence_name: Option<String>,
    pub note: Option<String>,
    #[schema(format = DateTime)]
    pub received_at: String,
}

impl Payment {
    pub fn of(p: &crate::db::payments::PaymentRow) -> Payment {
        Payment {
            id: p.id,
            source: p.source.clone(),
            reference: p.reference.clone(),
            invoice_id: p.invoice_id,
            invoice_number: p.invoice_number.clone(),
            donor_id: p.donor_id,
            amount: p.amount,
            amount_text: lingkaran_domain::format::rupiah(p.amount),
            paid_on: p.paid_on.clone(),
            channel: p.channel.clone(),
            evidence_name: p.evidence_name.clone(),
            note: p.note.clone(),
            received_at: p.received_at.to_rfc3339(),
        }
    }
}

/// A payment's receipt (kuitansi, `KW/2026/000123`); its PDF is
/// `GET /api/v1/payments/{id}/receipt.pdf`.
#[derive(Serialize, ToSchema)]
pub struct PaymentReceipt {
    #[serde(flatten)]
    pub payment: Payment,
    /// `KW/2026/000123`: numbered per year of the payment's day, without gaps.
    pub receipt_number: String,
    pub donor_name: Option<String>,
    /// The code printed on the receipt, checked by anyone at `/verifikasi/{code}` and
    /// `GET /api/v1/public/receipts/{code}` (`7KQ4-M2XD-9PFA`).
    pub verification_code: Option<String>,
}

/// One entry of the audit trail (`GET /api/v1/audit`).
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC, as hashed.
    pub at: String,
    /// `user:12`, `cli`, `system:cycle`.
    pub actor: String,
    /// `worker.verify`, `payment.book`, `cycle.remit`, …
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    /// What changed (never a whole NIK: workers are named by id).
    #[schema(value_type = Object)]
    pub detail: Value,
}

impl AuditEntry {
    pub fn of(e: crate::db::audit::Listed) -> AuditEntry {
        // Written as JSON by the service; text that is not JSON is shown as it is.
        let detail = serde_json::from_str(&e.detail).unwrap_or(Value::String(e.detail));
        AuditEntry {
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            record_kind: e.record_kind,
            record_id: e.record_id,
            detail,
        }
    }
}

/// A page of the audit trail, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; null on the last page.
    pub next_before: Option<i64>,
}

/// What importing a figures file did (`lingkaran figures import --json`, the API).
#[derive(Serialize, ToSchema)]
pub struct FiguresImport {
    /// Data rows read.
    pub rows: usize,
    /// Figures with no earlier value.
    pub added: usize,
    /// Figures whose value or source changed: stored as a new row, the old one kept.
    pub corrected: usize,
    /// Figures already stored with the same value and source.
    pub unchanged: usize,
    /// Every bad cell; those rows were not stored.
    pub errors: Vec<ReportRow>,
}

impl FiguresImport {
    pub fn of(r: &crate::usecase::figures::Report) -> FiguresImport {
        FiguresImport {
            rows: r.rows,
            added: r.stored.added,
            corrected: r.stored.corrected,
            unchanged: r.stored.unchanged,
            errors: r
                .problems
                .iter()
                .map(|p| ReportRow {
                    line: p.line,
                    column: p.column.clone(),
                    value: p.value.clone(),
                    code: "bad_figure".into(),
                    message: p.id.clone(),
                    message_en: p.en.clone(),
                })
                .collect(),
        }
    }
}

/// An exact fraction of people.
#[derive(Serialize, ToSchema)]
pub struct Fraction {
    pub numerator: u64,
    pub denominator: u64,
}

/// A figure used for a region's coverage, with its date and source.
#[derive(Serialize, ToSchema)]
pub struct UsedFigure {
    pub region_code: String,
    pub measure: String,
    pub definition: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub on: chrono::NaiveDate,
    /// People, or a percentage for `target_persen` and `persen`.
    pub value: f64,
    pub source: String,
}

/// Sponsored workers by who paid.
#[derive(Serialize, ToSchema)]
pub struct SponsoredBySource {
    /// `apbd`, `apbn`, `dana-desa`, `csr`, `zakat`, `individual`.
    pub source: String,
    pub workers: u64,
}

/// Lingkaran's own workers in a region that day.
#[derive(Serialize, ToSchema)]
pub struct Sponsored {
    pub by_source: Vec<SponsoredBySource>,
    pub total: u64,
    pub self_paying: u64,
    /// Percentage points of coverage they make (4 decimals), `null` without a denominator.
    pub points_added: Option<f64>,
}

/// A region's coverage on a day (`lingkaran coverage region`, the API).
#[derive(Serialize, ToSchema)]
pub struct RegionCoverage {
    pub region: RegionName,
    #[schema(value_type = String, format = Date)]
    pub on: chrono::NaiveDate,
    pub participants: Option<u64>,
    pub denominator: Option<u64>,
    /// The denominator's definition (`angkatan_kerja`, …) and its name.
    pub definition: Option<String>,
    pub definition_name: Option<String>,
    /// participants ÷ denominator, exact.
    pub coverage: Option<Fraction>,
    /// The same as a percentage rounded half-up to 2 decimals, for display.
    pub coverage_pct: Option<f64>,
    pub target_pct: Option<f64>,
    /// ceil(target_pct × denominator ÷ 100), or an imported headcount target.
    pub target_participants: Option<u64>,
    /// max(0, target_participants − participants).
    pub gap: Option<u64>,
    pub sponsored: Sponsored,
    /// How many regions below were summed; 0 when the region has figures of its own.
    pub summed_children: usize,
    pub figures: Vec<UsedFigure>,
    pub warnings: Vec<Message>,
}

impl RegionCoverage {
    pub fn of(c: &crate::usecase::region_coverage::RegionCoverage) -> RegionCoverage {
        let a = &c.assessment;
        RegionCoverage {
            region: if c.region == "0" {
                RegionName {
                    code: "0".into(),
                    name: Some("Indonesia".into()),
                }
            } else {
                RegionName::of(&c.region)
            },
            on: c.day,
            participants: a.participants,
            denominator: a.denominator,
            definition: a.definition.clone(),
            definition_name: a
                .definition
                .as_deref()
                .map(|d| lingkaran_domain::share::definition::name(d, "id").to_string()),
            coverage: a.share.map(|s| Fraction {
                numerator: s.num,
                denominator: s.den,
            }),
            coverage_pct: a.share.map(|s| s.hundredths() as f64 / 100.0),
            target_pct: a.target.map(|t| t.hundredths() as f64 / 100.0),
            target_participants: a.target_people,
            gap: a.gap,
            sponsored: Sponsored {
                by_source: c
                    .sponsored
                    .by_source
                    .iter()
                    .map(|(source, workers)| SponsoredBySource {
                        source: source.clone(),
                        workers: *workers,
                    })
                    .collect(),
                total: c.sponsored.total,
                self_paying: c.sponsored.self_paying,
                points_added: c.points_added.map(|p| p as f64 / 10_000.0),
            },
            summed_children: c.summed_children,
            figures: c
                .figures
                .iter()
                .map(|f| UsedFigure {
                    region_code: f.region_code.clone(),
                    measure: f.measure.clone(),
                    definition: (!f.definition.is_empty()).then(|| f.definition.clone()),
                    on: f.on_date,
                    value: if matches!(f.measure.as_str(), "target_persen" | "persen") {
                        f.value as f64 / 10_000.0
                    } else {
                        f.value as f64
                    },
                    source: f.source.clone(),
                })
                .collect(),
            warnings: a.warnings.iter().map(problem_json).collect(),
        }
    }
}

/// A province or regency on the public page. A count of 1 to 9 is `null` (not published).
#[derive(Serialize, ToSchema)]
pub struct PublicRegion {
    pub code: String,
    pub name: String,
    /// Workers protected this month; null when fewer than 10.
    pub protected_now: Option<u64>,
    /// Donor-funded worker-months, all months; null when fewer than 10.
    pub funded_months: Option<u64>,
    /// Hand-overs to self-payment, all months; null when fewer than 10.
    pub handovers: Option<u64>,
}

/// One month of the nation on the public page.
#[derive(Serialize, ToSchema)]
pub struct PublicMonth {
    /// YYYY-MM.
    pub month: String,
    /// Donors' and those paying alone.
    pub protected: Option<u64>,
    pub sponsored: Option<u64>,
    pub self_paying: Option<u64>,
    pub handovers: Option<u64>,
}

/// One funding source on the public page.
#[derive(Serialize, ToSchema)]
pub struct PublicSource {
    /// `apbn`, `apbd`, `dana-desa`, `csr`, `zakat`, `individual` or `self`.
    pub source: String,
    pub name: String,
    pub protected_now: Option<u64>,
    pub funded_months: Option<u64>,
}

/// A donor who chose to be named, or the anonymous donors of a kind together.
#[derive(Serialize, ToSchema)]
pub struct PublicDonor {
    /// The public name, or "donatur anonim".
    pub name: String,
    pub anonymous: bool,
    /// `government`, `company`, `institution` or `individual`.
    pub kind: String,
    pub donors: i64,
    pub workers: i64,
    /// Rupiah.
    pub funded: i64,
}

/// One kind of claim on the public page: claims filed and paid, null when fewer than 10.
#[derive(Serialize, ToSchema)]
pub struct PublicClaims {
    /// `jkm`, `jkk-death`, `jkk-total-disability`, `jkk-partial` or `jkk-stmb`.
    pub kind: &'static str,
    pub filed: Option<u64>,
    pub paid: Option<u64>,
    /// Rupiah paid by BPJS Ketenagakerjaan (as decided, else Lingkaran's estimate); null when
    /// fewer than 10 were paid.
    pub paid_amount: Option<i64>,
}

/// GN Lingkaran in numbers, for anyone (`/transparansi`, `GET /api/v1/public/summary`).
/// No personal data; counts from 1 to 9 are null ("< 10" on the page).
#[derive(Serialize, ToSchema)]
pub struct PublicSummary {
    #[schema(value_type = String, format = Date)]
    pub as_of: chrono::NaiveDate,
    /// YYYY-MM.
    pub month: String,
    pub protected_now: Option<u64>,
    pub sponsored_now: Option<u64>,
    pub self_paying_now: Option<u64>,
    pub funded_months: Option<u64>,
    pub handovers: Option<u64>,
    /// Rupiah received from donors, remitted to BPJS Ketenagakerjaan, refunded to donors.
    pub received: i64,
    pub remitted: i64,
    pub returned: i64,
    /// One worker-month this month at the minimum income, paid from APBD and by others.
    pub price_budget: Option<i64>,
    pub price_other: Option<i64>,
    pub months: Vec<PublicMonth>,
    pub sources: Vec<PublicSource>,
    pub provinces: Vec<PublicRegion>,
    pub regencies: Vec<PublicRegion>,
    pub donors: Vec<PublicDonor>,
    /// The nation's claims by kind, every event so far.
    pub claims: Vec<PublicClaims>,
}

impl PublicSummary {
    pub fn of(s: &crate::usecase::transparency::Summary) -> PublicSummary {
        let region = |r: &crate::usecase::transparency::RegionLine| PublicRegion {
            code: r.code.clone(),
            name: r.name.clone(),
            protected_now: r.protected_now.value(),
            funded_months: r.funded_months.value(),
            handovers: r.handovers.value(),
        };
        PublicSummary {
            as_of: s.as_of,
            month: s.month.to_string(),
            protected_now: s.protected_now.value(),
            sponsored_now: s.sponsored_now.value(),
            self_paying_now: s.self_paying_now.value(),
            funded_months: s.funded_months.value(),
            handovers: s.handovers.value(),
            received: s.received,
            remitted: s.remitted,
            returned: s.returned,
            price_budget: s.price_budget,
            price_other: s.price_other,
            months: s
                .months
                .iter()
                .map(|m| PublicMonth {
                    month: m.month.to_string(),
                    protected: m.protected.value(),
                    sponsored: m.sponsored.value(),
                    self_paying: m.self_paying.value(),
                    handovers: m.handovers.value(),
                })
                .collect(),
            sources: s
                .sources
                .iter()
                .map(|l| PublicSource {
                    name: lingkaran_domain::pricing::FundingSource::parse(&l.source)
                        .map_or(l.source.clone(), |f| f.label("id").to_string()),
                    source: l.source.clone(),
                    protected_now: l.protected_now.value(),
                    funded_months: l.funded_months.value(),
                })
                .collect(),
            provinces: s.provinces.iter().map(region).collect(),
            regencies: s.regencies.iter().map(region).collect(),
            donors: s
                .donors
                .iter()
                .map(|d| PublicDonor {
                    anonymous: d.name.is_none(),
                    name: d.name.clone().unwrap_or_else(|| "donatur anonim".into()),
                    kind: d.kind.clone(),
                    donors: d.donors,
                    workers: d.workers,
                    funded: d.funded,
                })
                .collect(),
            claims: s
                .claims
                .lines
                .iter()
                .map(|l| PublicClaims {
                    kind: l.kind.code(),
                    filed: l.filed.value(),
                    paid: l.paid.value(),
                    paid_amount: l.paid_amount,
                })
                .collect(),
        }
    }
}

/// One amount of a benefit estimate, with the rule it comes from.
#[derive(Serialize, ToSchema)]
pub struct BenefitLine {
    /// `jkm.lump_sum`, `jkk.death`, `jkk.stmb_later`, … (docs/claims.md).
    pub code: &'static str,
    /// Whole rupiah.
    pub amount: i64,
    /// The legal source of the rule used, and its strength.
    pub source: String,
}

/// `lingkaran claims estimate --json`: what the law gives for an event (issue 13 §1).
#[derive(Serialize, ToSchema)]
pub struct BenefitEstimate {
    /// `jkm`, `jkk-death`, `jkk-total-disability`, `jkk-partial` or `jkk-stmb`.
    pub kind: &'static str,
    pub eligible: bool,
    /// Why not eligible, and what else the family should know.
    pub reasons: Vec<Message>,
    /// The sum of `lines`, whole rupiah: medical care and the scholarship are left out.
    pub total: i64,
    pub lines: Vec<BenefitLine>,
    pub scholarship_eligible: bool,
    /// The most the scholarship gives in all, when eligible (else 0).
    pub scholarship_max: i64,
    /// After a work accident: transport and home care, reimbursed up to these amounts.
    pub ceilings: Vec<BenefitLine>,
}

impl BenefitEstimate {
    pub fn of(e: &lingkaran_domain::benefits::Estimate) -> BenefitEstimate {
        let line = |l: &lingkaran_domain::benefits::Line| BenefitLine {
            code: l.code,
            amount: l.amount,
            source: l.source.clone(),
        };
        BenefitEstimate {
            kind: e.kind.code(),
            eligible: e.eligible,
            reasons: e.reasons.iter().map(problem_json).collect(),
            total: e.total,
            lines: e.lines.iter().map(line).collect(),
            scholarship_eligible: e.scholarship_eligible,
            scholarship_max: e.scholarship_max,
            ceilings: e.ceilings.iter().map(line).collect(),
        }
    }
}

/// A claim's step: where it moved, who recorded it and when.
#[derive(Serialize, ToSchema)]
pub struct ClaimStep {
    /// `dilaporkan`, `diajukan`, `agenda`, `penetapan`, `persetujuan`, `dibayar`, `selesai`,
    /// `ditolak` or `dialihkan`.
    pub stage: String,
    pub note: Option<String>,
    /// The username of who recorded it.
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// An amount BPJS decided, or where it differs from Lingkaran's estimate.
#[derive(Serialize, ToSchema)]
pub struct ClaimAmount {
    pub code: String,
    pub amount: i64,
}

/// A line where BPJS's decided amount differs from the estimate: an item for the officer.
#[derive(Serialize, ToSchema)]
pub struct ClaimDifference {
    pub code: String,
    pub estimated: Option<i64>,
    pub decided: Option<i64>,
}

/// A claim in a list: no notifier, no health data.
#[derive(Serialize, ToSchema)]
pub struct ClaimSummary {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub village: RegionName,
    pub kind: String,
    #[schema(format = Date)]
    pub event_date: String,
    pub stage: String,
    /// `covered`, `not_covered` or `doubtful`, on the event date, when filed.
    pub verdict: String,
    pub estimate_total: i64,
    pub filed_at: chrono::DateTime<chrono::Utc>,
}

impl ClaimSummary {
    pub fn of(c: &crate::db::claims::ClaimRow) -> ClaimSummary {
        ClaimSummary {
            id: c.id,
            worker_id: c.worker_id,
            worker_name: c.worker_name.clone(),
            village: RegionName::of(&c.village_code),
            kind: c.kind.clone(),
            event_date: c.event_date.to_string(),
            stage: c.stage.clone(),
            verdict: c.verdict.clone(),
            estimate_total: c.estimate_total,
            filed_at: c.filed_at,
        }
    }
}

/// Who notified a claim (Permenaker 1/2025's minimum).
#[derive(Serialize, ToSchema)]
pub struct ClaimNotifier {
    pub name: String,
    pub phone: String,
}

/// A claim with its coverage check, estimate, stages and BPJS's amounts (issue 13 §2).
#[derive(Serialize, ToSchema)]
pub struct Claim {
    #[serde(flatten)]
    pub summary: ClaimSummary,
    /// HH:MM (WIB), when known.
    pub event_time: Option<String>,
    pub place: String,
    pub cause: String,
    pub notifier: ClaimNotifier,
    /// The coverage check on the event date: `verdict`, `reasons` (code and words),
    /// `membership_months`, `sponsored_months`, `self_months`, `paid_months`.
    #[schema(value_type = Object)]
    pub check: Value,
    /// The estimate when filed, shaped as `lingkaran claims estimate --json`.
    #[schema(value_type = Object)]
    pub estimate: Value,
    pub steps: Vec<ClaimStep>,
    pub decided: Vec<ClaimAmount>,
    pub differences: Vec<ClaimDifference>,
    pub rejected_reason: Option<String>,
    pub redirected_to: Option<i64>,
    pub redirected_from: Option<i64>,
    /// The heirs in the legal order (rank 1 widow, widower and children … 5 named in a will).
    pub heirs: Vec<ClaimHeir>,
    pub documents: Vec<ClaimDocument>,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimHeir {
    pub id: i64,
    pub relationship: String,
    pub rank: i64,
    pub name: String,
    pub phone: Option<String>,
}

/// An attachment, without its bytes (`GET /api/v1/claims/{id}/documents/{doc}` gives them).
#[derive(Serialize, ToSchema)]
pub struct ClaimDocument {
    pub id: i64,
    pub heir_id: Option<i64>,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
}

impl Claim {
    pub fn of(v: &crate::usecase::claims::ClaimView) -> Claim {
        let c = &v.claim;
        Claim {
            summary: ClaimSummary::of(c),
            event_time: c.event_time.clone(),
            place: c.place.clone(),
            cause: c.cause.clone(),
            notifier: ClaimNotifier {
                name: c.notifier_name.clone(),
                phone: c.notifier_phone.clone(),
            },
            check: v.check.clone(),
            estimate: v.estimate.clone(),
            steps: v
                .steps
                .iter()
                .map(|(stage, note, by, at)| ClaimStep {
                    stage: stage.clone(),
                    note: note.clone(),
                    by: by.clone(),
                    at: *at,
                })
                .collect(),
            decided: v
                .decided
                .iter()
                .map(|(code, amount)| ClaimAmount {
                    code: code.clone(),
                    amount: *amount,
                })
                .collect(),
            differences: v
                .differences
                .iter()
                .map(|(code, estimated, decided)| ClaimDifference {
                    code: code.clone(),
                    estimated: *estimated,
                    decided: *decided,
                })
                .collect(),
            rejected_reason: c.rejected_reason.clone(),
            redirected_to: c.redirected_to,
            redirected_from: c.redirected_from,
            heirs: v
                .heirs
                .iter()
                .map(|h| ClaimHeir {
                    id: h.id,
                    relationship: h.relationship.clone(),
                    rank: h.rank,
                    name: h.name.clone(),
                    phone: h.phone.clone(),
                })
                .collect(),
            documents: v
                .documents
                .iter()
                .map(|d| ClaimDocument {
                    id: d.id,
                    heir_id: d.heir_id,
                    kind: d.kind.clone(),
                    file_name: d.file_name.clone(),
                    content_type: d.content_type.clone(),
                    size: d.size,
                    sha256: d.sha256.clone(),
                    added_at: d.added_at,
                })
                .collect(),
        }
    }
}

/// What a donation, or all of a donor's paid donations, did.
#[derive(Serialize, ToSchema)]
pub struct Impact {
    /// Workers with at least one month protected (not refused by BPJS, not stopped).
    pub workers: i64,
    pub worker_months: i64,
    pub villages: i64,
    pub districts: i64,
    pub regencies: i64,
    /// Rupiah sent to BPJS Ketenagakerjaan.
    pub remitted: i64,
    /// Rupiah of months BPJS refused, returned to the donor's credit.
    pub returned: i64,
    /// Workers who went on paying alone for at least 3, 6 and 12 months.
    pub paying_alone_3_months: i64,
    pub paying_alone_6_months: i64,
    pub paying_alone_12_months: i64,
    /// Claims BPJS paid to families, and what the families received (rupiah).
    pub claims_paid: i64,
    pub claims_paid_amount: i64,
}

impl Impact {
    pub fn of(i: &crate::db::impact::Impact) -> Impact {
        Impact {
            workers: i.workers,
            worker_months: i.worker_months,
            villages: i.villages,
            districts: i.districts,
            regencies: i.regencies,
            remitted: i.remitted,
            returned: i.returned,
            paying_alone_3_months: i.graduated[0],
            paying_alone_6_months: i.graduated[1],
            paying_alone_12_months: i.graduated[2],
            claims_paid: i.claims_paid,
            claims_paid_amount: i.claims_amount,
        }
    }
}
