//! Server-rendered pages, in Bahasa Indonesia with English available.
//!
//! | Route | Who | What |
//! |---|---|---|
//! | `GET /masuk`, `POST /masuk` | anyone | sign in |
//! | `GET /perlindungan`, `POST /perlindungan` | anyone (rate-limited) | a worker checks their protection |
//! | `POST /keluar` | signed in | sign out |
//! | `GET /` | anyone | not signed in: what GN Lingkaran is, what a month buys, how to give, live totals; signed in: home (a viewer goes to `/wilayah`) |
//! | `GET /transparansi`, `/transparansi.json`, `/transparansi/{tabel}.csv` | anyone | the public figures (no personal data, "< 10" for 1–9) |
//! | `GET /unggah`, `POST /unggah` | proposer | upload a list |
//! | `GET /unggahan/{id}` | proposer, officer, admin | an upload's report |
//! | `GET /contoh-unggahan.csv` | anyone | the sample list (only good rows) |
//! | `GET /templat-unggahan.xlsx` | anyone | the XLSX template, NIK column formatted as Text |
//! | `GET /antrian`, `POST /antrian` | officer, admin | verification queue, bulk decisions |
//! | `POST /antrian/{id}/duplikat` | officer, admin | resolve a possible duplicate |
//! | `GET /daftar`, `POST /daftar` | anyone | sign up as an individual donor, then signed in |
//! | `GET /donasi/baru`, `POST /donasi/baru` | donor (staff for a donor) | donate: criteria, budget or NIKs; "Tinjau" shows the exact price (nothing held), then "Tahan & buat tagihan" |
//! | `GET /donasi` | donor (staff: all, `?donor=`) | donations and credit |
//! | `GET /donasi/{id}` | the donor, officer, admin | a donation: invoice, status, workers (100 a page) |
//! | `GET /donasi/{id}/perpanjang` | anyone (then signed in) | the reminder's link: the donation at its extension form |
//! | `POST /donasi/{id}/perpanjang` | the donor, officer, admin | extend a paid donation |
//! | `POST /donasi/{id}/bayar-kredit` | the donor, officer, admin | pay a held donation from credit |
//! | `POST /donasi/{id}/batal` | the donor, officer, admin | cancel a held donation (workers released, invoice cancelled) |
//! | `GET /akun` | donor (staff: `?donor=`) | credit, invoices, payments |
//! | `GET /akun/laporan` | the donor, officer, admin (`?donor=`) | the donor's statement or CSR report for any dates, PDF or XLSX (`statement`) |
//! | `POST /akun/laporan/kirim` | the donor, officer, admin | the same, attached to an e-mail to the donor's own address |
//! | `POST /akun/preferensi` | the donor, officer, admin | e-mail for reminders, how the donor is named (publicly, on receipts, its total on `/transparansi`), where stopped months' money goes |
//! | `GET /kuitansi/{id}` | the donor, officer, admin | a payment's printable receipt |
//! | `GET /kuitansi/kredit/{id}` | the donor, officer, admin | the receipt of a donation paid from credit |
//! | `GET /kuitansi/{id}/pdf`, `GET /kuitansi/kredit/{id}/pdf` | the donor, officer, admin | the same receipts as PDF (`receipts`) |
//! | `POST /kuitansi/{id}/kirim`, `POST /kuitansi/kredit/{id}/kirim` | the donor, officer, admin | a receipt with its PDF to the donor's own e-mail ("Kirim ke e-mail" on `/akun`) |
//! | `GET /verifikasi`, `GET /verifikasi/{code}` | anyone | a receipt's verification code checked: number, date, amount, donor or "donatur anonim" |
//! | `GET /mutasi`, `POST /mutasi` | officer, admin | upload a bank statement (CSV, MT940), its report |
//! | `GET /mutasi/belum-cocok` | officer, admin | statement lines that matched nothing |
//! | `POST /mutasi/baris/{id}` | officer, admin | book such a line to an invoice or donor, or ignore it |
//! | `GET /pembayaran/manual`, `POST /pembayaran/manual` | officer, admin | record a payment with evidence |
//! | `GET /jejak-audit` | admin | the audit trail, by record (`jenis`, `id`), user (`pengguna`), actor, dates (`dari`, `sampai`); 50 a page (`sebelum`) |
//! | `GET /wilayah` | officer, admin, viewer | the reader's own region (the nation for an admin) |
//! | `GET /wilayah/{code}?tanggal=` | officer, admin, viewer, in scope | a region's dashboard: coverage, target and gap, trend, children, sources |
//! | `GET /wilayah/{code}/laporan?dari=&sampai=&format=` | officer, admin, viewer, in scope | the region's report for the UCJ review as XLSX or PDF (`YYYY-MM`, at most 36 months, the last full quarter by default) |
//! | `GET /angka-wilayah`, `POST /angka-wilayah` | officer (rows in their regions), admin | upload regional figures (CSV, XLSX), the report of every bad cell |
//! | `GET /contoh-angka-wilayah.csv` | anyone | the example figures file |
//! | `GET /siklus?bulan=YYYY-MM` | officer, admin, viewer | the month's reconciliation, rejected and late months, graduation, messages |
//! | `POST /siklus/mandiri`, `POST /siklus/berhenti` | officer, admin | record a self-payment; a worker died or left |
//! | `GET /klaim?tahap=` | officer, admin (in scope), proposer (its organisation's) | claims by stage and age |
//! | `GET /klaim/baru`, `POST /klaim/baru` | officer, admin, proposer | report a claim (accident or death) |
//! | `GET /klaim/{id}` | officer, admin (in scope), proposer (its organisation's) | a claim: worker, event, coverage check, estimate beside BPJS's amounts, stages |
//! | `POST /klaim/{id}/tahap` | officer, admin | record BPJS's next stage, with its amounts |
//!
//! `?lang=en` or `?lang=id` on any page sets the `lang` cookie. Every form POST carries the
//! session's CSRF token in a hidden `csrf` field and is refused with 403 without it.

pub mod account;
pub mod audit;
pub mod bank;
pub mod chart;
pub mod claims;
pub mod claims_form;
pub mod credit_history;
pub mod cycle;
pub mod donate;
pub mod donation_workers;
pub mod figures;
pub mod form;
pub mod i18n;
pub mod impact;
pub mod invoice;
pub mod layout;
pub mod money;
pub mod page;
pub mod protection;
pub mod public;
pub mod queue;
pub mod receipts;
pub mod region;
pub mod report;
pub mod security;
pub mod session;
pub mod statement;
pub mod upload;

use crate::app::AppState;
use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(session::home))
        .route("/masuk", get(session::sign_in_page).post(session::sign_in))
        .route(
            "/perlindungan",
            get(protection::page).post(protection::check),
        )
        .route("/keluar", post(session::sign_out))
        .route(
            "/kata-sandi",
            get(security::password_form).post(security::change_password),
        )
        .route("/token", get(security::tokens))
        .route("/token/cabut", post(security::revoke))
        .route("/unggah", get(upload::form).post(upload::upload))
        .route("/unggahan/{id}", get(upload::report))
        .route("/contoh-unggahan.csv", get(upload::sample))
        .route("/templat-unggahan.xlsx", get(upload::template))
        .route("/antrian", get(queue::queue).post(queue::decide))
        .route("/antrian/{id}/duplikat", post(queue::duplicate))
        .route("/daftar", get(donate::signup_form).post(donate::sign_up))
        .route(
            "/donasi/baru",
            get(donate::donate_form).post(donate::donate),
        )
        .route("/donasi", get(donate::list))
        .route("/donasi/{id}", get(donate::show))
        .route(
            "/donasi/{id}/perpanjang",
            get(donate::extend_link).post(donate::extend),
        )
        .route("/jejak-audit", get(audit::page))
        .route("/siklus", get(cycle::page))
        .route("/transparansi", get(public::page))
        .route("/transparansi.json", get(public::json))
        .route("/transparansi/{file}", get(public::csv))
        .route("/wilayah", get(region::mine))
        .route("/angka-wilayah", get(figures::form).post(figures::upload))
        .route("/contoh-angka-wilayah.csv", get(figures::example))
        .route("/wilayah/{code}", get(region::page))
        .route("/wilayah/{code}/laporan", get(report::download))
        .route("/siklus/mandiri", post(cycle::record_self_payment))
        .route("/siklus/berhenti", post(cycle::stop_worker))
        .route("/salin.js", get(invoice::script))
        .route("/klaim", get(claims::queue))
        .route(
            "/klaim/baru",
            get(claims_form::form).post(claims_form::file),
        )
        .route("/klaim/{id}", get(claims::show))
        .route("/klaim/{id}/tahap", post(claims::step))
        .route("/klaim/{id}/ahli-waris", post(claims::add_heir))
        .route("/klaim/{id}/dokumen", post(claims::add_document))
        .route("/klaim/{id}/dokumen/{doc}", get(claims::document))
        .route("/donasi/{id}/bayar-kredit", post(donate::pay_with_credit))
        .route("/donasi/{id}/batal", post(donate::cancel))
        .route("/akun", get(account::account))
        .route("/akun/preferensi", post(account::save_preferences))
        .route("/akun/laporan", get(statement::download))
        .route("/akun/laporan/kirim", post(statement::mail))
        .route("/kuitansi/{id}", get(account::receipt))
        .route("/kuitansi/kredit/{id}", get(account::credit_receipt))
        .route("/kuitansi/{id}/pdf", get(receipts::payment_pdf))
        .route("/kuitansi/kredit/{id}/pdf", get(receipts::credit_pdf))
        .route("/kuitansi/{id}/kirim", post(receipts::payment_mail))
        .route("/kuitansi/kredit/{id}/kirim", post(receipts::credit_mail))
        .route("/verifikasi", get(receipts::form_page))
        .route("/verifikasi/{code}", get(receipts::check))
        .route(
            "/mutasi",
            get(bank::statement_page).post(bank::upload_statement),
        )
        .route("/mutasi/belum-cocok", get(bank::unmatched))
        .route("/mutasi/baris/{id}", post(bank::resolve))
        .route(
            "/pembayaran/manual",
            get(bank::manual_form).post(bank::manual),
        )
        .layer(middleware::from_fn(page_headers))
}

/// Remembers a language chosen with `?lang=`, and sets the headers every page wants: no
/// framing, no scripts, forms only to this site.
async fn page_headers(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let chosen = page::query_lang(&parts);
    let mut res = next.run(Request::from_parts(parts, body)).await;
    let h = res.headers_mut();
    if let Some(lang) = chosen {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            page::LANG_COOKIE,
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.append(header::SET_COOKIE, v);
        }
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}
