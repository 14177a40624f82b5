//! Claims (issue 13 §2) for officers and proposers: the queue (`/klaim`), a claim's page
//! (`/klaim/{id}`: the worker, the event, the coverage check, the estimate beside BPJS's
//! amounts, the stages) and the officer's form for BPJS's next stage (`POST
//! /klaim/{id}/tahap`). The notification form is `claims_form`. Everything is read and done
//! through `usecase::claims`.

use super::form::FormFields;
use super::i18n::{Lang, S};
use super::layout;
use super::money::read_upload;
use super::money::{self, rupiah};
use super::page::{field, no_store, query_string, redirect, Ctx, Fail, PageResult};
use crate::app::AppState;
use crate::auth::role::{CLAIM_FILERS, STAFF};
use crate::db::claims as claims_db;
use crate::regions::RegionTable;
use crate::usecase::claims::{self, ClaimView, StepRequest};
use crate::usecase::Error;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::benefits::{self, Kind};
use lingkaran_domain::claims::{
    document_label, relationship_label, Stage, Verdict, DOCUMENT_KINDS, DOCUMENT_MAX, RELATIONSHIPS,
};
use lingkaran_domain::format::{self, terbilang};
use lingkaran_domain::Problem;
use maud::{html, Markup};
use serde_json::Value;

/// What this page adds to the shared style: a stage's badge.
const STYLE: &str =
    ".stage{display:inline-block;font-size:.85rem;padding:.05rem .45rem;border-radius:3px;\
background:#eef1f5;border:1px solid var(--line)}.verdict-covered{color:var(--ok)}\
.verdict-not_covered{color:var(--bad)}.verdict-doubtful{color:var(--warn)}\
td.src{font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}.words{font-style:italic}\
.card>h2:first-child{margin-top:0}input[type=date],input[type=time],input[type=tel]{font:inherit;\
padding:.45rem .5rem;border:1px solid #8d96a7;border-radius:4px;width:100%;max-width:26rem;background:#fff}";

/// A few amount lines on the step form: BPJS decides at most a handful at once.
const AMOUNT_ROWS: usize = 4;

pub(super) fn style() -> Markup {
    html! { (money::style()) style { (maud::PreEscaped(STYLE)) } }
}

pub(super) fn stage_label(code: &str, lang: Lang) -> &str {
    Stage::parse(code).map_or(code, |s| s.label(lang.code()))
}

pub(super) fn kind_label(code: &str, lang: Lang) -> &str {
    Kind::parse(code).map_or(code, |k| k.label(lang.code()))
}

fn verdict_label(code: &str, lang: Lang) -> &str {
    Verdict::parse(code).map_or(code, |v| v.label(lang.code()))
}

/// The village with its district and regency: `Pangkah Wetan, Ujungpangkah, Kabupaten Gresik`.
fn village_label(code: &str) -> String {
    let table = RegionTable::get();
    let mut names = Vec::new();
    let mut at = Some(code);
    while let Some(c) = at {
        let Some(r) = table.region(c) else { break };
        // Down to the regency: the province adds nothing a Gresik reader needs.
        if r.level < 2 {
            break;
        }
        names.push(r.name.clone());
        at = r.parent();
    }
    if names.is_empty() {
        code.to_string()
    } else {
        names.join(", ")
    }
}

/// Basis points as a percentage with the Indonesian decimal comma: `40%`, `40,5%`, `33,33%`.
fn percent(bp: i64) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole},{}%", f / 10),
        f => format!("{whole},{f:02}%"),
    }
}

fn id_of(ctx: &Ctx, id: &str) -> Result<i64, Fail> {
    id.parse::<i64>()
        .map_err(|_| ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound))
}

fn reasons(v: &Value, lang: Lang) -> Vec<String> {
    v.as_array()
        .map(|rs| {
            rs.iter()
                .filter_map(|r| {
                    let key = if lang == Lang::En {
                        "message_en"
                    } else {
                        "message"
                    };
                    r[key].as_str().map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An estimate's lines: (code, amount, source).
fn lines(v: &Value) -> Vec<(String, i64, String)> {
    v.as_array()
        .map(|ls| {
            ls.iter()
                .filter_map(|l| {
                    Some((
                        l["code"].as_str()?.to_string(),
                        l["amount"].as_i64()?,
                        l["source"].as_str().unwrap_or_default().to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Claims counted by kind for a region or the nation (no personal data): filed, paid by
/// BPJS, and the amount paid, "< 10" where fewer than ten. The dashboard and the public page
/// show the same table.
pub(super) fn counts_table(
    ctx: &Ctx,
    id: &str,
    c: &crate::usecase::claim_counts::Claims,
) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    html! {
        @if c.is_empty() {
            p.muted id={ (id) "-kosong" } { (pick("Belum ada klaim JKK atau JKM.", "No JKK or JKM claims yet.")) }
        } @else {
            div.scroll { table id=(id) {
                thead { tr {
                    th scope="col" { (pick("Jenis klaim", "Kind of claim")) }
                    th scope="col" { (pick("Dilaporkan", "Filed")) }
                    th scope="col" { (pick("Dibayar BPJS", "Paid by BPJS")) }
                    th scope="col" { (pick("Jumlah dibayar", "Amount paid")) }
                } }
                tbody { @for l in &c.lines {
                    tr data-kind=(l.kind.code()) {
                        td { (l.kind.label(lang.code())) }
                        td.num { (l.filed.text()) }
                        td.num { (l.paid.text()) }
                        td.num { (l.paid_amount.map_or_else(|| "–".to_string(), rupiah)) }
                    }
                } }
            } }
            p.muted { (pick("Jumlah dibayar: yang ditetapkan BPJS Ketenagakerjaan, atau perkiraan Lingkaran bila belum dicatat. Angka 1 sampai 9 ditulis \"< 10\", dan jumlah yang dibayar kepada kurang dari 10 keluarga tidak ditampilkan.",
                            "Amount paid: as BPJS Ketenagakerjaan decided, or Lingkaran's estimate where it was not recorded. Counts from 1 to 9 read \"< 10\", and the amount paid to fewer than 10 families is not shown.")) }
        }
    }
}

/// `GET /klaim?tahap=`: the claims the reader reaches, by stage and then the oldest first.
pub async fn queue(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&CLAIM_FILERS)?;
    let chosen = ctx.param("tahap");
    let stages: Vec<Stage> = match chosen {
        Some("semua") => Stage::ALL.to_vec(),
        Some(code) => Stage::parse(code).into_iter().collect(),
        None => Vec::new(),
    };
    let mut rows = claims::queue(state.ctx(p), &stages)
        .await
        .map_err(|e| ctx.failed(e))?;
    // The store gives the oldest first; a stable sort keeps that within a stage.
    rows.sort_by_key(|r| Stage::parse(&r.stage));
    let today = state.clock.today();
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let title = pick("Klaim", "Claims");
    let body = html! {
        (style())
        h1 { (title) }
        p { a.button href="/klaim/baru" id="laporkan-klaim" { (pick("Laporkan klaim", "Report a claim")) } }
        form.filters method="get" action="/klaim" {
            div {
                label for="tahap" { (pick("Tahap", "Stage")) }
                select id="tahap" name="tahap" {
                    option value="" { (pick("Yang masih berjalan", "Still open")) }
                    option value="semua" selected[chosen == Some("semua")] { (pick("Semua", "All")) }
                    @for s in Stage::ALL {
                        option value=(s.code()) selected[chosen == Some(s.code())] { (s.label(lang.code())) }
                    }
                }
            }
            div { button type="submit" { (pick("Tampilkan", "Show")) } }
        }
        @if rows.is_empty() {
            p.muted id="klaim-kosong" { (pick("Tidak ada klaim pada tahap ini.", "No claims at this stage.")) }
        } @else {
            div.scroll { table id="daftar-klaim" {
                thead { tr {
                    th scope="col" { (pick("Tahap", "Stage")) }
                    th scope="col" { (pick("Umur (hari)", "Age (days)")) }
                    th scope="col" { (pick("Pekerja", "Worker")) }
                    th scope="col" { (pick("Jenis", "Kind")) }
                    th scope="col" { (pick("Tanggal kejadian", "Date of the event")) }
                    th scope="col" { (pick("Cakupan", "Coverage")) }
                    th scope="col" { (pick("Perkiraan", "Estimate")) }
                } }
                tbody { @for c in &rows {
                    tr id={ "klaim-" (c.id) } data-stage=(c.stage) {
                        td { span.stage { (stage_label(&c.stage, lang)) } }
                        td.num { ((today - crate::clock::wib_date(c.filed_at)).num_days().max(0)) }
                        td { a href={ "/klaim/" (c.id) } { (c.worker_name) } }
                        td { (kind_label(&c.kind, lang)) }
                        td { (format::date(c.event_date, lang.code())) }
                        td class={ "verdict-" (c.verdict) } { (verdict_label(&c.verdict, lang)) }
                        td.num { (rupiah(c.estimate_total)) }
                    }
                } }
            } }
        }
    };
    let mut resp = layout::page(&ctx, title, body).into_response();
    no_store(&mut resp);
    Ok(resp)
}

/// `GET /klaim/{id}`.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let p = ctx.require(&CLAIM_FILERS)?;
    let id = id_of(&ctx, &id)?;
    let view = claims::open(state.ctx(p), id)
        .await
        .map_err(|e| ctx.failed(e))?;
    Ok(render(&ctx, &view, &Typed::default(), &[], StatusCode::OK))
}

/// Which form a refusal answers.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Section {
    #[default]
    Step,
    Heir,
    Document,
}

/// What was typed on the page's forms, shown again after a refusal, and which form it was.
#[derive(Default)]
struct Typed {
    at: Section,
    to: String,
    note: String,
    reason: String,
    amounts: Vec<(String, String)>,
    relationship: String,
    heir_name: String,
    heir_phone: String,
    document_kind: String,
}

/// `POST /klaim/{id}/tahap`: BPJS's next stage, as an officer records it.
pub async fn step(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let id = id_of(&ctx, &id)?;
    let text = |k: &str| field(&form, k).unwrap_or("").trim().to_string();
    let all = |k: &str| -> Vec<String> {
        form.iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    let typed = Typed {
        at: Section::Step,
        to: text("tahap"),
        note: text("catatan"),
        reason: text("alasan"),
        amounts: all("kode").into_iter().zip(all("jumlah")).collect(),
        ..Typed::default()
    };
    let mut problems = Vec::new();
    let mut amounts = Vec::new();
    for (code, amount) in &typed.amounts {
        match (code.is_empty(), amount.is_empty()) {
            (true, true) => {}
            (true, false) => problems.push(Problem::new(
                "amount_without_code",
                format!("Pilih jenis santunan untuk jumlah {amount}."),
                format!("Choose the benefit for the amount {amount}."),
            )),
            (false, true) => problems.push(Problem::new(
                "code_without_amount",
                format!(
                    "Jumlah untuk {} wajib diisi.",
                    benefits::amount_label(code, "id")
                ),
                format!(
                    "The amount for {} is required.",
                    benefits::amount_label(code, "en")
                ),
            )),
            (false, false) => match lingkaran_domain::worker::parse_rupiah(amount) {
                Some(a) => amounts.push((code.clone(), a)),
                None => problems.push(Problem::new(
                    "bad_amount",
                    format!("\"{amount}\" bukan jumlah rupiah."),
                    format!("\"{amount}\" is not an amount in rupiah."),
                )),
            },
        }
    }
    let req = StepRequest {
        to: typed.to.clone(),
        note: Some(typed.note.clone()).filter(|s| !s.is_empty()),
        rejected_reason: Some(typed.reason.clone()).filter(|s| !s.is_empty()),
        amounts,
    };
    let result = if problems.is_empty() {
        claims::step(state.ctx(p), id, &req).await.map(|_| ())
    } else {
        Err(Error::Invalid(problems))
    };
    let then = format!("{}#tahapan", query_string(&[("tercatat", &req.to)]));
    refused_or_back(&ctx, &state, p, id, typed, result, &then).await
}

fn render(
    ctx: &Ctx,
    v: &ClaimView,
    typed: &Typed,
    problems: &[Problem],
    status: StatusCode,
) -> axum::response::Response {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let c = &v.claim;
    let title = format!("{} #{} · {}", pick("Klaim", "Claim"), c.id, c.worker_name);
    let body = html! {
        (style())
        p { a href="/klaim" { "← " (pick("Daftar klaim", "All claims")) } }
        h1 { (title) }
        p { (pick("Tahap", "Stage")) ": " span.stage id="tahap-sekarang" { (stage_label(&c.stage, lang)) } }
        @if let Some(done) = ctx.param("tercatat") {
            p.notice role="status" id="tercatat" {
                (pick("Tahap dicatat:", "Stage recorded:")) " " (stage_label(done, lang)) "."
            }
        }
        @if let Some(to) = c.redirected_to {
            p.warn { (pick("BPJS mengalihkan klaim ini menjadi JKM; klaim lanjutannya:", "BPJS re-classified this claim as JKM; it carries on as")) " "
                a href={ "/klaim/" (to) } id="klaim-lanjutan" { (pick("klaim", "claim")) " #" (to) } }
        }
        @if let Some(from) = c.redirected_from {
            p.muted { (pick("Dialihkan dari", "Re-classified from")) " " a href={ "/klaim/" (from) } { (pick("klaim", "claim")) " #" (from) } }
        }
        (facts(ctx, v))
        (coverage(ctx, v))
        (estimate(ctx, v))
        (stages(ctx, v))
        @if v.may_step {
            (step_form(ctx, v, typed, if typed.at == Section::Step { problems } else { &[] }))
        }
        (heirs(ctx, v, typed, if typed.at == Section::Heir { problems } else { &[] }))
        (documents(ctx, v, typed, if typed.at == Section::Document { problems } else { &[] }))
    };
    let mut resp = (status, layout::page(ctx, &title, body)).into_response();
    no_store(&mut resp);
    resp
}

/// The worker (no NIK) and the event as notified.
fn facts(ctx: &Ctx, v: &ClaimView) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let c = &v.claim;
    let disease: Option<Value> = c
        .disease
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok());
    html! {
        section.card id="pekerja" {
            h2 { (pick("Pekerja", "Worker")) }
            dl.pairs {
                dt { (pick("Nama", "Name")) } dd { (c.worker_name) }
                dt { (pick("Desa/kelurahan", "Village")) } dd { (village_label(&c.village_code)) }
                dt { (pick("Upah yang dilaporkan", "Declared income")) } dd { (rupiah(c.income)) }
            }
        }
        section.card id="kejadian" {
            h2 { (pick("Kejadian", "The event")) }
            dl.pairs {
                dt { (pick("Jenis", "Kind")) } dd id="jenis" { (kind_label(&c.kind, lang)) }
                dt { (pick("Tanggal", "Date")) } dd id="tanggal-kejadian" { (format::date(c.event_date, lang.code())) }
                @if let Some(t) = &c.event_time {
                    dt { (pick("Jam", "Time")) } dd { (t) }
                }
                dt { (pick("Tempat", "Place")) } dd { (c.place) }
                dt { (pick("Sebab", "Cause")) } dd { (c.cause) }
                @if let Some(bp) = c.body_bp {
                    dt { (pick("Cacat anatomis (tabel)", "Anatomical loss (table)")) } dd { (percent(bp)) }
                }
                @if let Some(bp) = c.function_loss_bp {
                    dt { (pick("Kehilangan fungsi", "Loss of function")) } dd { (percent(bp)) }
                }
                @if let Some(m) = c.months_unable {
                    dt { (pick("Bulan tidak mampu bekerja", "Months unable to work")) } dd { (m) }
                }
                @if let Some(d) = &disease {
                    dt { (pick("Penyakit akibat kerja", "Occupational disease")) }
                    dd {
                        (pick("Pekerjaan", "Job")) ": " (d["job"].as_str().unwrap_or("–")) "; "
                        (pick("paparan", "exposure")) ": " (d["exposure"].as_str().unwrap_or("–")) "; "
                        (pick("diagnosis", "diagnosis")) ": " (d["diagnosis"].as_str().unwrap_or("–"))
                    }
                }
                dt { (pick("Pelapor", "Notified by")) } dd { (c.notifier_name) " · " (c.notifier_phone) }
            }
        }
    }
}

/// The coverage check on the event month, as recorded when filed.
fn coverage(ctx: &Ctx, v: &ClaimView) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let ch = &v.check;
    let n = |k: &str| ch[k].as_i64().unwrap_or(0);
    html! {
        section.card id="cakupan" {
            h2 { (pick("Cakupan pada bulan kejadian", "Coverage in the month of the event")) }
            p { strong id="putusan" class={ "verdict-" (v.claim.verdict) } { (verdict_label(&v.claim.verdict, lang)) } }
            @let rs = reasons(&ch["reasons"], lang);
            @if !rs.is_empty() {
                ul id="alasan-cakupan" { @for r in &rs { li { (r) } } }
            }
            dl.pairs {
                dt { (pick("Masa kepesertaan", "Membership")) } dd { (n("membership_months")) " " (pick("bulan", "months")) }
                dt { (pick("Bulan dibayar donatur", "Months paid by donors")) } dd { (n("sponsored_months")) }
                dt { (pick("Bulan dibayar sendiri", "Months paid alone")) } dd { (n("self_months")) }
                dt { (pick("Bulan dibayar seluruhnya", "Months paid in all")) } dd { (n("paid_months")) }
            }
        }
    }
}

/// The estimate line by line, BPJS's amounts beside it, the ceilings and the scholarship.
fn estimate(ctx: &Ctx, v: &ClaimView) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let e = &v.estimate;
    let estimated = lines(&e["lines"]);
    let ceilings = lines(&e["ceilings"]);
    let decided = |code: &str| v.decided.iter().find(|(c, _)| c == code).map(|(_, a)| *a);
    let extra: Vec<&(String, i64)> = v
        .decided
        .iter()
        .filter(|(c, _)| !estimated.iter().any(|(e, _, _)| e == c))
        .collect();
    let total = e["total"].as_i64().unwrap_or(v.claim.estimate_total);
    let decided_total: i64 = v.decided.iter().map(|(_, a)| *a).sum();
    let has_decided = !v.decided.is_empty();
    let scholarship = e["scholarship_max"].as_i64().unwrap_or(0);
    html! {
        section.card id="perkiraan" {
            h2 { (pick("Perkiraan santunan", "Estimated benefits")) }
            p.muted { (pick("Perkiraan Lingkaran menurut peraturan pada tanggal kejadian. BPJS Ketenagakerjaan yang menetapkan dan membayar.",
                            "Lingkaran's estimate under the rules in force on the date of the event. BPJS Ketenagakerjaan decides and pays.")) }
            @if e["eligible"] == Value::Bool(false) {
                div.warn id="perkiraan-alasan" role="status" {
                    ul { @for r in reasons(&e["reasons"], lang) { li { (r) } } }
                }
            }
            div.scroll { table id="tabel-perkiraan" {
                thead { tr {
                    th scope="col" { (pick("Santunan", "Benefit")) }
                    th scope="col" { (pick("Perkiraan", "Estimate")) }
                    @if has_decided { th scope="col" { (pick("Ditetapkan BPJS", "Decided by BPJS")) } }
                    th scope="col" { (pick("Dasar", "Source")) }
                } }
                tbody {
                    @for (code, amount, source) in &estimated {
                        tr data-code=(code) {
                            td { (benefits::amount_label(code, lang.code())) }
                            td.num { (rupiah(*amount)) }
                            @if has_decided { td.num { (decided(code).map(rupiah).unwrap_or_else(|| "–".into())) } }
                            td.src { (source) }
                        }
                    }
                    @for (code, amount) in &extra {
                        tr data-code=(code) {
                            td { (benefits::amount_label(code, lang.code())) }
                            td.num { "–" }
                            td.num { (rupiah(*amount)) }
                            td.src { (pick("ditetapkan BPJS", "decided by BPJS")) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (pick("Jumlah", "Total")) }
                    td.num id="total-perkiraan" { strong { (rupiah(total)) } }
                    @if has_decided { td.num id="total-bpjs" { strong { (rupiah(decided_total)) } } }
                    td {}
                } }
            } }
            p { (pick("Terbilang", "In words")) ": " span.words lang="id" id="terbilang" { (terbilang(total)) } }
            p.muted { (pick("Tidak termasuk biaya perawatan medis (sesuai tagihan) dan beasiswa.",
                            "Medical care (as billed) and the scholarship are not included.")) }
            @if !ceilings.is_empty() {
                h3 { (pick("Penggantian paling banyak", "Reimbursed up to")) }
                div.scroll { table id="tabel-plafon" {
                    tbody { @for (code, amount, source) in &ceilings {
                        tr data-code=(code) {
                            td { (benefits::amount_label(code, lang.code())) }
                            td.num { (rupiah(*amount)) }
                            td.src { (source) }
                        }
                    } }
                } }
            }
            h3 { (pick("Beasiswa anak", "Scholarship for children")) }
            @if e["scholarship_eligible"] == Value::Bool(true) {
                p id="beasiswa" { (pick("Memenuhi syarat; paling banyak", "Eligible; at most")) " " strong { (rupiah(scholarship)) }
                    " (" span.words lang="id" { (terbilang(scholarship)) } ")." }
            } @else {
                p id="beasiswa" { (pick("Belum memenuhi syarat beasiswa.", "Not eligible for the scholarship.")) }
            }
            @if !v.differences.is_empty() {
                div.warn id="selisih" role="status" {
                    p { strong { (pick("Jumlah BPJS berbeda dari perkiraan; periksa:", "BPJS's amounts differ from the estimate; check:")) } }
                    ul { @for (code, est, dec) in &v.differences {
                        li {
                            (benefits::amount_label(code, lang.code())) ": "
                            (pick("perkiraan", "estimate")) " " (est.map(rupiah).unwrap_or_else(|| "–".into())) ", "
                            "BPJS " (dec.map(rupiah).unwrap_or_else(|| "–".into()))
                            @if let (Some(a), Some(b)) = (est, dec) {
                                " (" (pick("selisih", "difference")) " " (rupiah(b - a)) ")"
                            }
                        }
                    } }
                }
            }
        }
    }
}

/// The stages so far: who recorded each, when, with their notes.
fn stages(ctx: &Ctx, v: &ClaimView) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    html! {
        section.card id="tahapan" {
            h2 { (pick("Tahapan", "Stages")) }
            div.scroll { table id="tabel-tahapan" {
                thead { tr {
                    th scope="col" { (pick("Tahap", "Stage")) }
                    th scope="col" { (pick("Oleh", "By")) }
                    th scope="col" { (pick("Waktu", "When")) }
                    th scope="col" { (pick("Catatan", "Note")) }
                } }
                tbody { @for (stage, note, who, at) in &v.steps {
                    tr data-stage=(stage) {
                        td { (stage_label(stage, lang)) }
                        td { (who) }
                        td { (layout::when(*at, ctx)) }
                        td { (note.as_deref().unwrap_or("")) }
                    }
                } }
            } }
            @if let Some(r) = &v.claim.rejected_reason {
                p.warn id="alasan-tolak" { (pick("Alasan penolakan BPJS:", "BPJS's reason for the rejection:")) " " (r) }
            }
        }
    }
}

/// The officer's form for BPJS's next stage, with a refusal's words above it.
fn step_form(ctx: &Ctx, v: &ClaimView, typed: &Typed, problems: &[Problem]) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let next: Vec<Stage> = Stage::parse(&v.claim.stage)
        .map(|now| {
            Stage::ALL
                .into_iter()
                .filter(|s| now.may_become(*s))
                .collect()
        })
        .unwrap_or_default();
    let rows: Vec<(&str, &str)> = (0..AMOUNT_ROWS)
        .map(|i| {
            typed
                .amounts
                .get(i)
                .map_or(("", ""), |(c, a)| (c.as_str(), a.as_str()))
        })
        .collect();
    html! {
        @if !next.is_empty() || !problems.is_empty() {
            section.card id="catat-tahap" {
                h2 { (pick("Catat tahap berikutnya dari BPJS", "Record BPJS's next stage")) }
                (money::problems_box(ctx, "galat-tahap", S::ActionFailed, problems))
                @if !next.is_empty() {
                    form method="post" action={ "/klaim/" (v.claim.id) "/tahap" } id="form-tahap" {
                        input type="hidden" name="csrf" value=(ctx.csrf());
                        label for="tahap-baru" { (pick("Tahap", "Stage")) }
                        select id="tahap-baru" name="tahap" {
                            @for s in &next {
                                option value=(s.code()) selected[typed.to == s.code()] { (s.label(lang.code())) }
                            }
                        }
                        label for="catatan" { (pick("Catatan (tidak wajib)", "Note (optional)")) }
                        textarea id="catatan" name="catatan" { (typed.note) }
                        label for="alasan" { (pick("Alasan penolakan BPJS (wajib bila ditolak)", "BPJS's reason (required for a rejection)")) }
                        input type="text" id="alasan" name="alasan" value=(typed.reason);
                        fieldset {
                            legend { (pick("Jumlah yang ditetapkan BPJS (tidak wajib)", "Amounts BPJS decided (optional)")) }
                            @for (i, (code, amount)) in rows.iter().enumerate() {
                                div.filters {
                                    div {
                                        label for={ "kode-" (i) } { (pick("Santunan", "Benefit")) }
                                        select id={ "kode-" (i) } name="kode" {
                                            option value="" { "–" }
                                            @for d in benefits::DECIDED_CODES {
                                                option value=(d) selected[*code == d] { (benefits::amount_label(d, lang.code())) }
                                            }
                                        }
                                    }
                                    div {
                                        label for={ "jumlah-" (i) } { (pick("Jumlah (rupiah)", "Amount (rupiah)")) }
                                        input type="text" id={ "jumlah-" (i) } name="jumlah" inputmode="numeric" value=(amount);
                                    }
                                }
                            }
                        }
                        p { button type="submit" id="catat" { (pick("Catat tahap", "Record the stage")) } }
                    }
                }
            }
        }
    }
}

/// `POST /klaim/{id}/ahli-waris`: an heir, by relationship, name and phone.
pub async fn add_heir(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&CLAIM_FILERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let id = id_of(&ctx, &id)?;
    let text = |k: &str| field(&form, k).unwrap_or("").trim().to_string();
    let typed = Typed {
        at: Section::Heir,
        relationship: text("hubungan"),
        heir_name: text("nama"),
        heir_phone: text("telepon"),
        ..Typed::default()
    };
    let phone = Some(typed.heir_phone.as_str()).filter(|p| !p.is_empty());
    let result = claims::add_heir(
        state.ctx(p),
        id,
        &typed.relationship,
        &typed.heir_name,
        phone,
    )
    .await;
    refused_or_back(
        &ctx,
        &state,
        p,
        id,
        typed,
        result.map(|_| ()),
        "ahli_waris=1#ahli-waris",
    )
    .await
}

/// `POST /klaim/{id}/dokumen` (multipart: `csrf`, `jenis`, `ahli_waris`, `berkas`).
pub async fn add_document(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let p = ctx.require(&CLAIM_FILERS)?;
    let id = id_of(&ctx, &id)?;
    // Not a multipart form at all: nothing to read a token from.
    let Ok(mp) = mp else {
        return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf));
    };
    let csrf_ok = |sent: Option<&str>| ctx.check_csrf(sent).is_ok();
    // A little over the cap, so that a file just over it is read to its end and refused in
    // the domain's words rather than cut off.
    let up = match read_upload(mp, "berkas", DOCUMENT_MAX + 1, csrf_ok).await {
        Ok(up) => Ok(up),
        Err(pr) if pr.code == "csrf" => {
            return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf))
        }
        Err(pr) => Err(pr),
    };
    let mut typed = Typed {
        at: Section::Document,
        ..Typed::default()
    };
    let result = match up {
        Err(pr) => Err(Error::Invalid(vec![pr])),
        Ok(mut up) => {
            ctx.check_csrf(up.fields.get("csrf").map(String::as_str))?;
            typed.document_kind = up.get("jenis").unwrap_or_default().trim().to_string();
            let heir = up.get("ahli_waris").unwrap_or_default().trim().to_string();
            match (up.file.take(), heir.parse::<i64>().ok()) {
                (None, _) => Err(Error::invalid(
                    "no_file",
                    "Pilih berkas yang akan diunggah (PDF, JPEG atau PNG).",
                    "Choose the file to upload (PDF, JPEG or PNG).",
                )),
                (Some(_), None) if !heir.is_empty() => Err(Error::invalid(
                    "unknown_heir",
                    "Ahli waris itu tidak tercatat pada klaim ini.",
                    "No such heir on this claim.",
                )),
                (Some((name, bytes)), heir_id) => claims::add_document(
                    state.ctx(p),
                    id,
                    &typed.document_kind,
                    &name,
                    &bytes,
                    heir_id,
                )
                .await
                .map(|_| ()),
            }
        }
    };
    refused_or_back(&ctx, &state, p, id, typed, result, "dokumen=1#dokumen").await
}

/// After a form on the claim's page: back to the page at `then`, or the page again with the
/// refusal's words beside the form that was sent.
async fn refused_or_back(
    ctx: &Ctx,
    state: &AppState,
    p: &crate::auth::Principal,
    id: i64,
    typed: Typed,
    result: Result<(), Error>,
    then: &str,
) -> PageResult {
    let (problems, status) = match result {
        Ok(()) => return Ok(redirect(&format!("/klaim/{id}?{then}"))),
        Err(Error::Invalid(ps)) => (ps, StatusCode::UNPROCESSABLE_ENTITY),
        Err(Error::Conflict(problem)) => (vec![problem], StatusCode::CONFLICT),
        Err(e) => return Err(ctx.failed(e)),
    };
    let view = claims::open(state.ctx(p), id)
        .await
        .map_err(|e| ctx.failed(e))?;
    Ok(render(ctx, &view, &typed, &problems, status))
}

/// `GET /klaim/{id}/dokumen/{doc}`: the file as it was uploaded; each reading is recorded.
pub async fn document(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((id, doc)): Path<(String, String)>,
) -> PageResult {
    let p = ctx.require(&CLAIM_FILERS)?;
    let id = id_of(&ctx, &id)?;
    let doc = id_of(&ctx, &doc)?;
    let (row, bytes) = claims::document(state.ctx(p), id, doc)
        .await
        .map_err(|e| ctx.failed(e))?;
    Ok(crate::http::download::attachment(
        bytes,
        &row.content_type,
        &row.file_name,
        &format!("dokumen-{doc}"),
    ))
}

/// The heirs in the legal order, those of the first rank present marked as entitled, and the
/// form to add one.
fn heirs(ctx: &Ctx, v: &ClaimView, typed: &Typed, problems: &[Problem]) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let mut list: Vec<&claims_db::Heir> = v.heirs.iter().collect();
    list.sort_by_key(|h| (h.rank, h.id));
    let first = list.first().map(|h| h.rank);
    let docs_of = |h: i64| v.documents.iter().filter(|d| d.heir_id == Some(h)).count();
    let show = |f: &str| {
        if typed.at == Section::Heir {
            f.to_string()
        } else {
            String::new()
        }
    };
    html! {
        section.card id="ahli-waris" {
            h2 { (pick("Ahli waris", "Heirs")) }
            @if ctx.param("ahli_waris").is_some() {
                p.notice role="status" id="ahli-waris-tercatat" { (pick("Ahli waris dicatat.", "Heir recorded.")) }
            }
            p.muted { (pick("Urutan menurut hukum; golongan pertama yang ada yang berhak: (1) janda atau duda dan anak; (2) keturunan sedarah lurus sampai derajat kedua (orang tua, kakek, nenek, cucu); (3) saudara kandung; (4) mertua; (5) orang yang ditunjuk dalam wasiat.",
                            "In the legal order; the first rank present is entitled: (1) widow or widower and children; (2) blood relatives in a straight line to the second degree (parents, grandparents, grandchildren); (3) brothers and sisters; (4) parents-in-law; (5) a person named in a will.")) }
            @if list.is_empty() {
                p.muted id="ahli-waris-kosong" { (pick("Belum ada ahli waris yang dicatat.", "No heir recorded yet.")) }
            } @else {
                div.scroll { table id="tabel-ahli-waris" {
                    thead { tr {
                        th scope="col" { (pick("Golongan", "Rank")) }
                        th scope="col" { (pick("Hubungan", "Relationship")) }
                        th scope="col" { (pick("Nama", "Name")) }
                        th scope="col" { (pick("Telepon", "Phone")) }
                        th scope="col" { (pick("Dokumen", "Documents")) }
                    } }
                    tbody { @for h in &list {
                        tr data-heir=(h.id) {
                            td.num { (h.rank)
                                @if Some(h.rank) == first { " " span.stage { (pick("berhak", "entitled")) } } }
                            td { (relationship_label(&h.relationship, lang.code())) }
                            td { (h.name) }
                            td { (h.phone.as_deref().unwrap_or("–")) }
                            td.num { (docs_of(h.id)) }
                        }
                    } }
                } }
            }
            h3 { (pick("Catat ahli waris", "Record an heir")) }
            (money::problems_box(ctx, "galat-ahli-waris", S::ActionFailed, problems))
            form method="post" action={ "/klaim/" (v.claim.id) "/ahli-waris" } id="form-ahli-waris" {
                input type="hidden" name="csrf" value=(ctx.csrf());
                label for="hubungan" { (pick("Hubungan dengan pekerja", "Relationship to the worker")) }
                select id="hubungan" name="hubungan" required {
                    @for (code, id, en) in RELATIONSHIPS {
                        option value=(code) selected[typed.relationship == code] { (lang.pick(id, en)) }
                    }
                }
                label for="nama-ahli-waris" { (pick("Nama lengkap (seperti di KK)", "Full name (as on the family card)")) }
                input type="text" id="nama-ahli-waris" name="nama" value=(show(&typed.heir_name)) required maxlength="100";
                label for="telepon-ahli-waris" { (pick("Nomor telepon (tidak wajib)", "Phone number (optional)")) }
                input type="tel" id="telepon-ahli-waris" name="telepon" inputmode="tel" value=(show(&typed.heir_phone));
                p { button type="submit" id="catat-ahli-waris" { (pick("Catat ahli waris", "Record the heir")) } }
            }
        }
    }
}

/// The claim's attachments, each a link to its file, and the upload form.
fn documents(ctx: &Ctx, v: &ClaimView, typed: &Typed, problems: &[Problem]) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let heir_name = |id: Option<i64>| {
        id.and_then(|i| v.heirs.iter().find(|h| h.id == i))
            .map_or_else(|| "–".to_string(), |h| h.name.clone())
    };
    let wanted =
        lingkaran_domain::claims::documents(Kind::parse(&v.claim.kind).unwrap_or(Kind::Jkm));
    html! {
        section.card id="dokumen" {
            h2 { (pick("Dokumen", "Documents")) }
            @if ctx.param("dokumen").is_some() {
                p.notice role="status" id="dokumen-tercatat" { (pick("Dokumen disimpan.", "Document saved.")) }
            }
            p.muted { (pick("Yang dibawa ke kantor cabang BPJS Ketenagakerjaan:", "What to bring to the BPJS Ketenagakerjaan branch:")) " " (wanted.join(", ")) "." }
            @if v.documents.is_empty() {
                p.muted id="dokumen-kosong" { (pick("Belum ada dokumen.", "No documents yet.")) }
            } @else {
                div.scroll { table id="tabel-dokumen" {
                    thead { tr {
                        th scope="col" { (pick("Jenis", "Kind")) }
                        th scope="col" { (pick("Berkas", "File")) }
                        th scope="col" { (pick("Ahli waris", "Heir")) }
                        th scope="col" { (pick("Ukuran", "Size")) }
                        th scope="col" { "SHA-256" }
                        th scope="col" { (pick("Diunggah", "Uploaded")) }
                    } }
                    tbody { @for d in &v.documents {
                        tr data-document=(d.id) {
                            td { (document_label(&d.kind, lang.code())) }
                            td { a href={ "/klaim/" (v.claim.id) "/dokumen/" (d.id) } { (d.file_name) } }
                            td { (heir_name(d.heir_id)) }
                            td.num { (format::count((d.size.max(0) as u64).div_ceil(1024))) " KB" }
                            td.src title=(d.sha256) { code { (d.sha256.get(..12).unwrap_or(&d.sha256)) "…" } }
                            td { (layout::when(d.added_at, ctx)) }
                        }
                    } }
                } }
            }
            h3 { (pick("Unggah dokumen", "Upload a document")) }
            (money::problems_box(ctx, "galat-dokumen", S::ActionFailed, problems))
            form method="post" action={ "/klaim/" (v.claim.id) "/dokumen" } id="form-dokumen" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(ctx.csrf());
                label for="jenis-dokumen" { (pick("Jenis dokumen", "Kind of document")) }
                select id="jenis-dokumen" name="jenis" required {
                    @for (code, id, en) in DOCUMENT_KINDS {
                        option value=(code) selected[typed.document_kind == code] { (lang.pick(id, en)) }
                    }
                }
                label for="dokumen-ahli-waris" { (pick("Milik ahli waris (tidak wajib)", "Belongs to an heir (optional)")) }
                select id="dokumen-ahli-waris" name="ahli_waris" {
                    option value="" { "–" }
                    @for h in &v.heirs {
                        option value=(h.id) { (h.name) " (" (relationship_label(&h.relationship, lang.code())) ")" }
                    }
                }
                label for="berkas" { (pick("Berkas: PDF, JPEG atau PNG, paling besar 5 MB", "File: PDF, JPEG or PNG, at most 5 MB")) }
                input type="file" id="berkas" name="berkas" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" required;
                p { button type="submit" id="unggah-dokumen" { (pick("Unggah", "Upload")) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_with_a_comma() {
        assert_eq!(percent(4000), "40%");
        assert_eq!(percent(4050), "40,5%");
        assert_eq!(percent(3333), "33,33%");
        assert_eq!(percent(5), "0,05%");
    }

    #[test]
    fn a_village_with_its_district_and_regency() {
        let label = village_label("35.25.07.2001");
        assert!(label.ends_with("Ujungpangkah, Kabupaten Gresik"), "{label}");
        assert_eq!(village_label("99.99"), "99.99");
    }
}
