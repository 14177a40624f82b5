//! The officer's money pages: a bank statement upload and its report, the queue of lines that
//! matched nothing, and the manual entry of money that came another way, with its evidence.

use super::i18n::S;
use super::layout;
use super::money::{self, problem, problems_box, read_upload, rupiah, Upload};
use super::page::{field, no_store, query_string, redirect, Ctx, Fail, PageResult};
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::db::statements::{self, LineRow, Report};
use crate::usecase::payments as uc;
use crate::usecase::Error;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lingkaran_domain::Problem;
use maud::{html, Markup};

/// A bank statement of a month is a few hundred kilobytes; this leaves room for years.
const MAX_STATEMENT_BYTES: usize = crate::http::limits::STATEMENT_UPLOAD_BYTES;
/// A photo or scan of a receipt.
const MAX_EVIDENCE_BYTES: usize = crate::http::limits::EVIDENCE_UPLOAD_BYTES;
/// Lines the unmatched queue shows at once (oldest first).
const QUEUE_LIMIT: i64 = 500;

use super::form::FormFields;

fn page_response(ctx: &Ctx, status: StatusCode, title: &str, body: Markup) -> Response {
    let body = html! { (money::style()) (body) };
    let mut r = (status, layout::page(ctx, title, body)).into_response();
    no_store(&mut r);
    r
}

fn not_multipart(ctx: &Ctx) -> Fail {
    // Not a multipart form at all: nothing to read a token from.
    ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf)
}

// ---------------------------------------------------------------------------------------
// Bank statements
// ---------------------------------------------------------------------------------------

async fn statement_form(
    ctx: &Ctx,
    state: &AppState,
    problems: &[Problem],
    status: StatusCode,
) -> PageResult {
    let t = |s| ctx.t(s);
    let waiting = statements::unmatched(&state.db, QUEUE_LIMIT)
        .await
        .map_err(|e| ctx.internal(e))?
        .len();
    let body = html! {
        h1 { (t(S::StatementTitle)) }
        (problems_box(ctx, "galat-mutasi", S::StatementFailed, problems))
        div.card {
            p { (t(S::StatementIntro)) }
            form method="post" action="/mutasi" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(ctx.csrf());
                label for="file" { (t(S::StatementFile)) }
                input type="file" id="file" name="file" required
                    accept=".csv,.txt,.sta,.mt940,.940,text/csv,text/plain";
                label for="rekening" { (t(S::StatementAccount)) }
                input type="text" id="rekening" name="account" inputmode="numeric"
                    autocomplete="off" placeholder="1230004567890" aria-describedby="rekening-bantuan";
                p.muted id="rekening-bantuan" { (t(S::StatementAccountHelp)) }
                p { button type="submit" id="unggah-mutasi" { (t(S::UploadButton)) } }
            }
        }
        h2 { (t(S::StatementFormats)) }
        ul {
            li { (t(S::StatementCsvHelp)) " " code { "tanggal;keterangan;referensi;jumlah" } }
            li { (t(S::StatementMt940Help)) }
            li { (t(S::StatementCreditsOnly)) }
        }
        p {
            a href="/mutasi/belum-cocok" { (t(S::NavUnmatched)) }
            " " span.muted { "(" (waiting) ")" }
        }
    };
    Ok(page_response(ctx, status, t(S::StatementTitle), body))
}

/// `GET /mutasi`: the upload form.
pub async fn statement_page(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    ctx.require(&STAFF)?;
    statement_form(&ctx, &state, &[], StatusCode::OK).await
}

fn report_page(ctx: &Ctx, name: &str, r: &Report, lines: &[LineRow]) -> Response {
    let t = |s| ctx.t(s);
    let lang = ctx.lang;
    let counts = [
        ("jumlah-baris", S::CreditLines, r.lines),
        ("jumlah-cocok", S::Matched, r.matched),
        ("jumlah-rekonsiliasi", S::Reconciled, r.reconciled),
        ("jumlah-belum-cocok", S::Unmatched, r.unmatched),
        ("jumlah-duplikat", S::StatementDuplicates, r.duplicates),
        ("jumlah-debit", S::SkippedDebits, r.skipped_debits),
        ("jumlah-galat", S::ErrorLines, r.errors.len()),
    ];
    let body = html! {
        h1 { (t(S::StatementReport)) }
        p { strong { (name) } " · " code { (r.format.to_uppercase()) } }
        @if let Some(a) = &r.account { p { (t(S::StatementAccount)) ": " code id="rekening" { (a) } } }
        @if r.again { p.warn role="status" id="sudah-diunggah" { (t(S::StatementAgain)) } }
        @if !r.notices.is_empty() {
            section.warn id="catatan-berkas" aria-labelledby="judul-catatan" {
                h2 id="judul-catatan" { (t(S::StatementNotices)) }
                ul { @for n in &r.notices { li data-code=(n.code) { (n.message(lang.code())) } } }
            }
        }
        dl.counts {
            @for (key, label, n) in counts {
                div { dt { (t(label)) } dd id=(key) { (n) } }
            }
        }
        @if !r.errors.is_empty() {
            h2 { (t(S::ErrorLines)) }
            p { (t(S::ErrorLinesIntro)) }
            div.scroll {
                table id="baris-galat" {
                    thead { tr {
                        th scope="col" { (t(S::Line)) }
                        th scope="col" { (t(S::Reason)) }
                    } }
                    tbody {
                        @for (line, p) in &r.errors {
                            tr data-line=(line) {
                                td.num { (line) }
                                td { (p.message(lang.code())) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t(S::CreditLines)) }
        @if lines.is_empty() {
            p.muted { (t(S::NoCreditLines)) }
        } @else {
            div.scroll {
                table id="baris-mutasi" {
                    thead { tr {
                        th scope="col" { (t(S::Line)) }
                        th scope="col" { (t(S::Date)) }
                        th scope="col" { (t(S::Amount)) }
                        th scope="col" { (t(S::Description)) }
                        th scope="col" { (t(S::VaNumber)) }
                        th scope="col" { (t(S::Status)) }
                    } }
                    tbody {
                        @for l in lines {
                            tr data-line=(l.line_no) {
                                td.num { (l.line_no) }
                                td { (money::day(&l.booked_on, lang)) }
                                td.num { (rupiah(l.amount)) }
                                td { (l.description) }
                                td { @if let Some(va) = &l.va_number { code { (va) } } }
                                td {
                                    (money::line_status(lang, &l.status))
                                    @if let Some(pid) = l.payment_id {
                                        " · " a href={ "/kuitansi/" (pid) } { (lingkaran_domain::format::receipt_number(lingkaran_domain::format::ReceiptOf::Payment(pid))) }
                                    }
                                    @if let (Some(why), Some(lingkaran_domain::payment::StatementLineStatus::Unmatched | lingkaran_domain::payment::StatementLineStatus::Duplicate)) = (&l.reason, l.line_status()) {
                                        br; span.muted { (money::bilingual(why, lang)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p {
            a.button href="/mutasi/belum-cocok" { (t(S::OpenUnmatched)) } " "
            a href="/mutasi" { (t(S::UploadAnotherStatement)) }
        }
    };
    page_response(ctx, StatusCode::OK, t(S::StatementReport), body)
}

/// `POST /mutasi` (multipart, field `file`): reads the statement, books what matches, and
/// shows the report.
pub async fn upload_statement(
    ctx: Ctx,
    State(state): State<AppState>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let mp = mp.map_err(|_| not_multipart(&ctx))?;
    let csrf_ok = |sent: Option<&str>| ctx.check_csrf(sent).is_ok();
    let up = match read_upload(mp, "file", MAX_STATEMENT_BYTES, csrf_ok).await {
        Ok(up) => up,
        Err(pr) if pr.code == "csrf" => {
            return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf))
        }
        // Nothing was read into the store; the form again changes nothing.
        Err(pr) => {
            return statement_form(&ctx, &state, &[pr], StatusCode::UNPROCESSABLE_ENTITY).await
        }
    };
    ctx.check_csrf(up.fields.get("csrf").map(String::as_str))?;
    let Some((name, bytes)) = up.file else {
        return statement_form(
            &ctx,
            &state,
            &[problem("file_required", S::StatementFileRequired)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let account = up.fields.get("account").map(String::as_str);
    let report = match statements::import(
        &state.db,
        &name,
        &bytes,
        account,
        crate::db::audit::Actor::of(p),
        state.clock.now(),
    )
    .await
    .map_err(|e| ctx.internal(e))?
    {
        Ok(r) => r,
        Err(pr) => {
            return statement_form(&ctx, &state, &[pr], StatusCode::UNPROCESSABLE_ENTITY).await
        }
    };
    tracing::info!(
        statement.id = report.statement_id,
        matched = report.matched,
        unmatched = report.unmatched,
        "bank statement read"
    );
    let lines = statements::lines_of(&state.db, report.statement_id)
        .await
        .map_err(|e| ctx.internal(e))?;
    Ok(report_page(&ctx, &name, &report, &lines))
}

// ---------------------------------------------------------------------------------------
// The unmatched queue
// ---------------------------------------------------------------------------------------

/// What an officer typed into one line's form, kept when the decision is refused.
#[derive(Default)]
struct Tried {
    line: i64,
    invoice_number: String,
    donor_id: String,
    note: String,
    problems: Vec<Problem>,
    /// The booking waits for the officer's confirmation that the excess becomes credit.
    confirm: bool,
}

fn line_card(ctx: &Ctx, l: &LineRow, tried: Option<&Tried>) -> Markup {
    let t = |s| ctx.t(s);
    let lang = ctx.lang;
    let id = l.id;
    let empty = Tried::default();
    let tried = tried.filter(|x| x.line == id);
    let shown = tried.unwrap_or(&empty);
    html! {
        section.card id={ "baris-" (id) } aria-labelledby={ "judul-baris-" (id) } {
            h2 id={ "judul-baris-" (id) } {
                (rupiah(l.amount)) " · " (money::day(&l.booked_on, lang))
            }
            dl.pairs {
                dt { (t(S::Description)) }
                dd.keterangan { (l.description) }
                dt { (t(S::PaymentReference)) }
                dd { @if let Some(r) = &l.reference { code { (r) } } @else { span.muted { "—" } } }
                dt { (t(S::VaNumber)) }
                dd { @if let Some(va) = &l.va_number { code { (va) } } @else { span.muted { "—" } } }
                dt { (t(S::StatementLine)) }
                dd { (l.filename) ", " (t(S::Line)) " " (l.line_no) }
                @if let Some(why) = &l.reason {
                    dt { (t(S::WhyUnmatched)) }
                    dd { (money::bilingual(why, lang)) }
                }
            }
            @if let Some(x) = tried {
                (problems_box(ctx, &format!("galat-baris-{id}"), S::ActionFailed, &x.problems))
                @if x.confirm {
                    form method="post" action={ "/mutasi/baris/" (id) } {
                        input type="hidden" name="csrf" value=(ctx.csrf());
                        input type="hidden" name="invoice_number" value=(x.invoice_number);
                        input type="hidden" name="donor_id" value=(x.donor_id);
                        input type="hidden" name="note" value=(x.note);
                        input type="hidden" name="confirm_overpayment" value="1";
                        p { button.danger type="submit" name="action" value="assign" id={ "konfirmasi-" (id) } { (t(S::ConfirmOverpayment)) } }
                    }
                }
            }
            form method="post" action={ "/mutasi/baris/" (id) } {
                input type="hidden" name="csrf" value=(ctx.csrf());
                div.filters {
                    div {
                        label for={ "tagihan-" (id) } { (t(S::InvoiceNumber)) }
                        input type="text" id={ "tagihan-" (id) } name="invoice_number"
                            placeholder="INV-2026-000123" value=(shown.invoice_number);
                    }
                    div {
                        label for={ "donatur-" (id) } { (t(S::OrDonorNumber)) }
                        input type="text" id={ "donatur-" (id) } name="donor_id" inputmode="numeric"
                            value=(shown.donor_id);
                    }
                }
                p { button type="submit" name="action" value="assign" id={ "bukukan-" (id) } { (t(S::BookLine)) } }
                label for={ "catatan-" (id) } { (t(S::IgnoreNote)) }
                textarea id={ "catatan-" (id) } name="note" maxlength="500" { (shown.note) }
                p { button.danger type="submit" name="action" value="ignore" id={ "abaikan-" (id) } { (t(S::IgnoreLine)) } }
            }
        }
    }
}

async fn queue_page(
    ctx: &Ctx,
    state: &AppState,
    tried: Option<&Tried>,
    status: StatusCode,
) -> PageResult {
    let t = |s| ctx.t(s);
    let rows = statements::unmatched(&state.db, QUEUE_LIMIT)
        .await
        .map_err(|e| ctx.internal(e))?;
    let done = ctx.param("selesai");
    let body = html! {
        h1 { (t(S::UnmatchedTitle)) }
        p { (t(S::UnmatchedIntro)) }
        @if let Some(line) = done {
            @match ctx.param("msg") {
                Some("ignored") => { p.notice role="status" id="pesan" { (t(S::LineIgnoredMsg)) " (" (line) ")." } }
                _ => { p.notice role="status" id="pesan" { (t(S::LineBookedMsg)) " (" (line) ")." } }
            }
        }
        @if rows.is_empty() {
            p.notice id="antrian-kosong" { (t(S::UnmatchedEmpty)) }
        } @else {
            p.muted { (t(S::Total)) ": " strong id="jumlah" { (rows.len()) } }
            @for l in &rows { (line_card(ctx, l, tried)) }
        }
        p { a href="/mutasi" { (t(S::NavStatements)) } }
    };
    Ok(page_response(ctx, status, t(S::UnmatchedTitle), body))
}

/// `GET /mutasi/belum-cocok`: the lines no invoice claimed, oldest first.
pub async fn unmatched(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    ctx.require(&STAFF)?;
    queue_page(&ctx, &state, None, StatusCode::OK).await
}

/// `POST /mutasi/baris/{id}`: books a line to an invoice or a donor's credit, or sets it
/// aside with a note. The decision is the use case's (`usecase::payments::resolve_line`).
pub async fn resolve(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let Ok(id) = id.parse::<i64>() else {
        return Err(ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound));
    };
    let text = |k: &str| field(&form, k).unwrap_or("").trim().to_string();
    let mut tried = Tried {
        line: id,
        invoice_number: text("invoice_number"),
        donor_id: text("donor_id"),
        note: text("note"),
        problems: Vec::new(),
        confirm: false,
    };
    let ignore = field(&form, "action") == Some("ignore");
    let donor_id = match tried.donor_id.as_str() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) if !ignore => {
                tried.problems = vec![problem("bad_donor", S::DonorIdNumber)];
                return queue_page(&ctx, &state, Some(&tried), StatusCode::UNPROCESSABLE_ENTITY)
                    .await;
            }
            Err(_) => None,
        },
    };
    let blank = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let decision = uc::Resolve {
        invoice_number: if ignore {
            None
        } else {
            blank(&tried.invoice_number)
        },
        donor_id: if ignore { None } else { donor_id },
        ignore,
        note: blank(&tried.note),
        confirm_overpayment: field(&form, "confirm_overpayment") == Some("1"),
    };
    let (status, problems) = match uc::resolve_line(state.ctx(p), id, decision).await {
        Ok(line) => {
            let done = id.to_string();
            return Ok(redirect(&format!(
                "/mutasi/belum-cocok?{}",
                query_string(&[("selesai", &done), ("msg", &line.status)])
            )));
        }
        Err(Error::Invalid(ps)) => (StatusCode::UNPROCESSABLE_ENTITY, ps),
        Err(Error::Conflict(p)) => (StatusCode::CONFLICT, vec![p]),
        Err(Error::Unconfirmed(p)) => {
            tried.confirm = true;
            (StatusCode::CONFLICT, vec![p])
        }
        Err(e) => return Err(ctx.failed(e)),
    };
    tried.problems = problems;
    queue_page(&ctx, &state, Some(&tried), status).await
}

// ---------------------------------------------------------------------------------------
// Manual payments
// ---------------------------------------------------------------------------------------

/// The manual payment form as filled in (the file is never sent back).
#[derive(Default)]
struct Manual {
    invoice_number: String,
    donor_id: String,
    amount: String,
    paid_on: String,
    reference: String,
    note: String,
}

impl Manual {
    fn from(up: &Upload) -> Manual {
        let text = |k: &str| up.get(k).unwrap_or("").to_string();
        Manual {
            invoice_number: text("invoice_number"),
            donor_id: text("donor_id"),
            amount: text("amount"),
            paid_on: text("paid_on"),
            reference: text("reference"),
            note: text("note"),
        }
    }

    /// The use case's input: the same rules judge the page and the API.
    fn entry(&self, evidence: Option<(String, Vec<u8>)>, confirm: bool) -> uc::Manual {
        uc::Manual {
            invoice_number: self.invoice_number.clone(),
            donor_id: self.donor_id.clone(),
            amount: self.amount.clone(),
            paid_on: self.paid_on.clone(),
            reference: self.reference.clone(),
            note: self.note.clone(),
            evidence,
            confirm_overpayment: confirm,
        }
    }
}

/// What a refused manual entry shows: its problems, or the question whose answer books it.
enum Refused<'a> {
    Problems(&'a [Problem]),
    /// The money would pay an invoice past its amount: the sentence says whose credit the
    /// excess becomes, and the form asks for the officer's confirmation.
    Unconfirmed(&'a Problem),
}

fn manual_page(ctx: &Ctx, m: &Manual, refused: Refused, status: StatusCode) -> Response {
    let t = |s| ctx.t(s);
    let today = crate::clock::today().format("%Y-%m-%d").to_string();
    let paid_on = if m.paid_on.is_empty() {
        today.clone()
    } else {
        m.paid_on.clone()
    };
    let body = html! {
        h1 { (t(S::ManualTitle)) }
        p { (t(S::ManualIntro)) }
        @if let Refused::Problems(problems) = refused {
            (problems_box(ctx, "galat-manual", S::ManualFailed, problems))
        }
        form.card method="post" action="/pembayaran/manual" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(ctx.csrf());
            div.filters {
                div {
                    label for="invoice_number" { (t(S::InvoiceNumber)) }
                    input type="text" id="invoice_number" name="invoice_number"
                        placeholder="INV-2026-000123" value=(m.invoice_number);
                }
                div {
                    label for="donor_id" { (t(S::OrDonorNumber)) }
                    input type="text" id="donor_id" name="donor_id" inputmode="numeric" value=(m.donor_id);
                }
            }
            p.muted { (t(S::ManualTargetHint)) }
            label for="amount" { (t(S::AmountRupiah)) }
            input type="text" id="amount" name="amount" inputmode="numeric" placeholder="1.500.000"
                value=(m.amount) required;
            label for="paid_on" { (t(S::PaidOn)) }
            input type="date" id="paid_on" name="paid_on" max=(today) value=(paid_on) required;
            label for="reference" { (t(S::ManualReference)) }
            input type="text" id="reference" name="reference" value=(m.reference) required;
            label for="note" { (t(S::Notes)) }
            textarea id="note" name="note" maxlength="500" { (m.note) }
            label for="evidence" { (t(S::Evidence)) }
            input type="file" id="evidence" name="evidence" required
                accept="image/*,.pdf,application/pdf";
            @if let Refused::Unconfirmed(question) = refused {
                div.warn role="alert" id="konfirmasi-manual" {
                    p { (question.message(ctx.lang.code())) }
                    label for="confirm_overpayment" {
                        input type="checkbox" id="confirm_overpayment" name="confirm_overpayment" value="1";
                        " " (t(S::ConfirmOverpayment))
                    }
                    p.muted { (t(S::EvidenceAgain)) }
                }
            }
            p { button type="submit" id="catat" { (t(S::RecordPayment)) } }
        }
    };
    page_response(ctx, status, t(S::ManualTitle), body)
}

/// `GET /pembayaran/manual`.
pub async fn manual_form(ctx: Ctx) -> PageResult {
    ctx.require(&STAFF)?;
    Ok(manual_page(
        &ctx,
        &Manual::default(),
        Refused::Problems(&[]),
        StatusCode::OK,
    ))
}

/// `POST /pembayaran/manual` (multipart): books the payment, then shows its receipt.
pub async fn manual(
    ctx: Ctx,
    State(state): State<AppState>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let mp = mp.map_err(|_| not_multipart(&ctx))?;
    let csrf_ok = |sent: Option<&str>| ctx.check_csrf(sent).is_ok();
    let mut up = match read_upload(mp, "evidence", MAX_EVIDENCE_BYTES, csrf_ok).await {
        Ok(up) => up,
        Err(pr) if pr.code == "csrf" => {
            return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf))
        }
        Err(pr) => {
            return Ok(manual_page(
                &ctx,
                &Manual::default(),
                Refused::Problems(&[pr]),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    };
    ctx.check_csrf(up.fields.get("csrf").map(String::as_str))?;
    let m = Manual::from(&up);
    let confirm = up.get("confirm_overpayment").is_some();
    let done = match uc::manual(state.ctx(p), m.entry(up.file.take(), confirm)).await {
        Ok(done) => done,
        Err(Error::Invalid(ps)) => {
            let r = Refused::Problems(&ps);
            return Ok(manual_page(&ctx, &m, r, StatusCode::UNPROCESSABLE_ENTITY));
        }
        Err(Error::Conflict(p)) => {
            let r = Refused::Problems(std::slice::from_ref(&p));
            return Ok(manual_page(&ctx, &m, r, StatusCode::CONFLICT));
        }
        Err(Error::Unconfirmed(p)) => {
            let r = Refused::Unconfirmed(&p);
            return Ok(manual_page(&ctx, &m, r, StatusCode::CONFLICT));
        }
        Err(e) => return Err(ctx.failed(e)),
    };
    tracing::info!(
        payment.id = done.payment.id,
        new = done.new,
        "manual payment recorded"
    );
    let flag = if done.new { "baru" } else { "sudah" };
    Ok(redirect(&format!("/kuitansi/{}?{flag}=1", done.payment.id)))
}
