//! Receipts as PDF files and their public check (issue 14 §2):
//!
//! - `GET /kuitansi/{id}/pdf` and `GET /kuitansi/kredit/{id}/pdf`: a payment's and a credit
//!   settlement's receipt as an A4 PDF (`report::receipt`), for whoever may see the HTML
//!   receipt (`usecase::receipts::{of_payment, of_credit}`, the same rule); anyone else gets
//!   the same "not found" page.
//! - `POST /kuitansi/{id}/kirim` and `POST /kuitansi/kredit/{id}/kirim` ("Kirim ke e-mail"
//!   beside each receipt on `/akun`, [`mail_form`]): the receipt's e-mail with its PDF to the
//!   donor's own address (`usecase::receipts::mail_to_donor`: once a day per receipt, at
//!   most 20 documents a donor a day; a donor without an address is told so).
//! - `GET /verifikasi/{code}` (and `/verifikasi?kode=`, the form): public, no sign-in. A real
//!   code confirms the receipt's number, day, amount and the donor's name, or "donatur
//!   anonim"; nothing else. A malformed or unknown code is a 404 page in words.

use super::layout;
use super::money::rupiah;
use super::page::{no_store, Ctx, Fail, PageResult};
use crate::app::AppState;
use crate::auth::role::GIVERS;
use crate::usecase::receipts::{self as uc, Document, Verified};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::format;
use lingkaran_domain::receipt::Code;
use maud::{html, Markup};

fn pdf_response(ctx: &Ctx, doc: &Document) -> PageResult {
    let bytes = crate::report::receipt::write(doc).map_err(|e| ctx.internal(e))?;
    Ok(crate::http::download::attachment(
        bytes,
        "application/pdf",
        &doc.file_name(),
        "kuitansi.pdf",
    ))
}

fn not_found(ctx: &Ctx) -> Fail {
    use super::i18n::S;
    ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound)
}

/// `GET /kuitansi/{id}/pdf`: a payment's receipt as a PDF.
pub async fn payment_pdf(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let id: i64 = id.parse().map_err(|_| not_found(&ctx))?;
    let doc = uc::of_payment(state.ctx(p), id, &state.settings.base_url)
        .await
        .map_err(|e| ctx.failed(e))?;
    pdf_response(&ctx, &doc)
}

/// `GET /kuitansi/kredit/{id}/pdf`: the receipt of a donation paid from credit, as a PDF.
pub async fn credit_pdf(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let id: i64 = id.parse().map_err(|_| not_found(&ctx))?;
    let doc = uc::of_credit(state.ctx(p), id, &state.settings.base_url)
        .await
        .map_err(|e| ctx.failed(e))?;
    pdf_response(&ctx, &doc)
}

/// "Kirim ke e-mail": the small form beside a receipt that posts to `action`.
pub fn mail_form(ctx: &Ctx, action: &str) -> Markup {
    html! {
        form.inline.noprint method="post" action=(action) {
            " · "
            input type="hidden" name="csrf" value=(ctx.csrf());
            button type="submit" { (ctx.lang.pick("Kirim ke e-mail", "Send to my e-mail")) }
        }
    }
}

/// Sends `doc` with its PDF to its donor's own address and says so on a page.
async fn mail(
    ctx: &Ctx,
    state: &AppState,
    form: super::form::FormFields,
    doc: Result<Document, crate::usecase::Error>,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(super::page::field(&form, "csrf"))?;
    let doc = doc.map_err(|e| ctx.failed(e))?;
    let bytes = crate::report::receipt::write(&doc).map_err(|e| ctx.internal(e))?;
    let m = uc::mail_to_donor(state.ctx(p), &doc, bytes)
        .await
        .map_err(|e| ctx.failed(e))?;
    let pick = |a, b| ctx.lang.pick(a, b);
    let what = html! { (pick("Kuitansi ", "Receipt ")) strong { (doc.number) } };
    mailed_page(
        ctx,
        p,
        doc.donor_id,
        pick("Kuitansi dikirim", "Receipt sent"),
        what,
        pick(
            " beserta PDF-nya akan dikirim ke ",
            " with its PDF will be sent to ",
        ),
        &m,
    )
}

/// The page after a document was queued to the donor's own address: `what` goes
/// (`will_go_to`) where, or went today already, and the way back to the account (staff: the donor's).
pub(super) fn mailed_page(
    ctx: &Ctx,
    p: &crate::auth::Principal,
    donor_id: i64,
    title: &str,
    what: Markup,
    will_go_to: &str,
    m: &crate::usecase::documents::Mailed,
) -> PageResult {
    let pick = |a, b| ctx.lang.pick(a, b);
    let back = if p.role == crate::auth::Role::Donor {
        "/akun".to_string()
    } else {
        format!("/akun?donor={donor_id}")
    };
    let body = html! {
        h1 { (title) }
        p.ok role="status" id="terkirim" {
            (what)
            @if m.queued {
                (will_go_to) strong { (m.to) } "."
            } @else {
                (pick(" sudah dikirim ke ", " was already sent to ")) strong { (m.to) }
                (pick(" hari ini; tidak dikirim lagi.", " today; it is not sent again."))
            }
        }
        p { a href=(back) { (pick("Kembali ke akun", "Back to the account")) } }
    };
    let mut r = layout::page(ctx, title, body).into_response();
    no_store(&mut r);
    Ok(r)
}

/// `POST /kuitansi/{id}/kirim`: a payment's receipt to the donor's own e-mail address.
pub async fn payment_mail(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: super::form::FormFields,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let id: i64 = id.parse().map_err(|_| not_found(&ctx))?;
    let doc = uc::of_payment(state.ctx(p), id, &state.settings.base_url).await;
    mail(&ctx, &state, form, doc).await
}

/// `POST /kuitansi/kredit/{id}/kirim`: the receipt of a donation paid from credit to the
/// donor's own e-mail address.
pub async fn credit_mail(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: super::form::FormFields,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let id: i64 = id.parse().map_err(|_| not_found(&ctx))?;
    let doc = uc::of_credit(state.ctx(p), id, &state.settings.base_url).await;
    mail(&ctx, &state, form, doc).await
}

/// The form to type a code, as the receipt prints it.
fn form(ctx: &Ctx) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    html! {
        form.card method="get" action="/verifikasi" {
            label for="kode" { (pick("Kode verifikasi pada kuitansi", "Verification code on the receipt")) }
            input type="text" id="kode" name="kode" autocomplete="off" maxlength="40" placeholder="7KQ4-M2XD-9PFA" required;
            p { button type="submit" id="periksa" { (pick("Periksa", "Check")) } }
        }
    }
}

fn title(ctx: &Ctx) -> &'static str {
    ctx.lang.pick("Periksa kuitansi", "Check a receipt")
}

/// `GET /verifikasi`: the form; with `?kode=`, the answer for that code.
pub async fn form_page(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    if let Some(code) = ctx.param("kode").map(str::to_string) {
        return answer(&ctx, &state, &code).await;
    }
    let pick = |a, b| ctx.lang.pick(a, b);
    let body = html! {
        h1 { (title(&ctx)) }
        p { (pick("Setiap kuitansi GN Lingkaran mencantumkan kode verifikasi dan kode QR. Ketik kodenya untuk memastikan kuitansi itu asli.",
                  "Every GN Lingkaran receipt carries a verification code and a QR code. Type the code to make sure the receipt is genuine.")) }
        (form(&ctx))
    };
    let mut r = layout::page(&ctx, title(&ctx), body).into_response();
    no_store(&mut r);
    Ok(r)
}

/// `GET /verifikasi/{code}`: the public check of one code (the QR code's link).
pub async fn check(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> PageResult {
    answer(&ctx, &state, &code).await
}

async fn answer(ctx: &Ctx, state: &AppState, code: &str) -> PageResult {
    let pick = |a, b| ctx.lang.pick(a, b);
    match uc::verify(&state.db, code).await {
        Ok(v) => {
            let body = confirmed(ctx, &v);
            let mut r = layout::page(ctx, title(ctx), body).into_response();
            no_store(&mut r);
            Ok(r)
        }
        Err(crate::usecase::Error::NotFound(_)) => {
            let (id, en) = match Code::parse(code) {
                Some(_) => (
                    "Tidak ada kuitansi GN Lingkaran dengan kode verifikasi ini. Periksa lagi kodenya; bila benar seperti tercetak, kuitansi itu tidak diterbitkan oleh GN Lingkaran.",
                    "No GN Lingkaran receipt has this verification code. Check the code again; if it is as printed, the receipt was not issued by GN Lingkaran.",
                ),
                None => (
                    "Itu bukan kode verifikasi: kode verifikasi terdiri dari 12 huruf dan angka, seperti 7KQ4-M2XD-9PFA.",
                    "That is not a verification code: a verification code has 12 letters and digits, like 7KQ4-M2XD-9PFA.",
                ),
            };
            let heading = pick("Kuitansi tidak ditemukan", "Receipt not found");
            let body = html! {
                h1 { (heading) }
                p.error role="alert" id="tidak-ditemukan" { (pick(id, en)) }
                (form(ctx))
            };
            let mut r = (StatusCode::NOT_FOUND, layout::page(ctx, heading, body)).into_response();
            no_store(&mut r);
            Ok(r)
        }
        Err(e) => Err(ctx.failed(e)),
    }
}

fn confirmed(ctx: &Ctx, v: &Verified) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    html! {
        h1 { (title(ctx)) }
        p.ok role="status" id="asli" {
            (pick("Kuitansi ini asli: diterbitkan oleh GN Lingkaran.", "This receipt is genuine: GN Lingkaran issued it."))
        }
        div.card id="kuitansi" {
            dl.pairs {
                dt { (pick("Nomor kuitansi", "Receipt number")) }
                dd id="nomor-kuitansi" { (v.number) }
                dt { (pick("Tanggal", "Date")) }
                dd id="tanggal" { (format::date(v.day, lang)) }
                dt { (pick("Jumlah", "Amount")) }
                dd id="jumlah" { strong { (rupiah(v.amount)) } }
                dt { (pick("Donatur", "Donor")) }
                dd id="donatur" { @match &v.donor { Some(n) => { (n) } None => { (pick("donatur anonim", "anonymous donor")) } } }
            }
        }
        p.muted { (pick("Hanya nomor, tanggal, jumlah dan nama donatur (bila donatur mengizinkan) yang ditampilkan di sini.",
                        "Only the number, date, amount and the donor's name (if the donor allows it) are shown here.")) }
    }
}
