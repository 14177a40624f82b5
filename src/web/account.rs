//! A donor's account (credit, invoices, payments) and the printable receipt of a payment.

use super::i18n::S;
use super::layout;
use super::money::{self, rupiah};
use super::page::{no_store, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::role::GIVERS;
use crate::auth::Role;
use crate::db::{donations, donors, payments};
use crate::usecase::account as uc;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::payment::channel_label;
use lingkaran_domain::receipt::Code;
use maud::{html, Markup, PreEscaped};

/// What a receipt hides when printed: the site's header and the page's buttons.
const PRINT_STYLE: &str =
    "@media print{header,.noprint,.skip{display:none}body{background:#fff}.card{border:none}}";

/// `GET /akun`: the donor's credit, invoices and payments. Staff name the donor with
/// `?donor=`.
pub async fn account(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let t = |s| ctx.t(s);
    let lang = ctx.lang;
    let donor = if p.role == Role::Donor {
        Some(
            uc::acting_donor(state.ctx(p), None)
                .await
                .map_err(|e| ctx.failed(e))?,
        )
    } else {
        match ctx.param("donor").and_then(|d| d.parse::<i64>().ok()) {
            Some(id) => Some(
                donors::get(&state.db, id)
                    .await
                    .map_err(|e| ctx.internal(e))?
                    .ok_or_else(|| {
                        ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound)
                    })?,
            ),
            None => None,
        }
    };
    let Some(donor) = donor else {
        // Staff without a donor: ask which.
        let body = html! {
            h1 { (t(S::AccountTitle)) }
            form.card method="get" action="/akun" {
                label for="donor" { (t(S::DonorNumber)) }
                input type="text" id="donor" name="donor" inputmode="numeric" required;
                p { button type="submit" { (t(S::Show)) } }
            }
        };
        let mut r = layout::page(&ctx, t(S::AccountTitle), body).into_response();
        no_store(&mut r);
        return Ok(r);
    };
    let credit = payments::credit_of(&state.db, donor.id)
        .await
        .map_err(|e| ctx.internal(e))?;
    // An officer of a region this donor funds no worker in sees the totals only.
    let full = uc::sees_account(state.ctx(p), &donor)
        .await
        .map_err(|e| ctx.failed(e))?;
    let (invoices, pays, settled) = if full {
        (
            donations::invoices_of_donor(&state.db, donor.id)
                .await
                .map_err(|e| ctx.internal(e))?,
            payments::of_donor(&state.db, donor.id)
                .await
                .map_err(|e| ctx.internal(e))?,
            donations::credit_settlements_of_donor(&state.db, donor.id)
                .await
                .map_err(|e| ctx.internal(e))?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let prefs = donors::preferences(&state.db, donor.id)
        .await
        .map_err(|e| ctx.internal(e))?
        .ok_or_else(|| ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound))?;
    let impact = if full {
        Some(
            crate::usecase::impact::of_donor(state.ctx(p), donor.id)
                .await
                .map_err(|e| ctx.failed(e))?,
        )
    } else {
        None
    };
    let history = if full {
        Some(
            crate::usecase::credit_history::of_donor(
                state.ctx(p),
                donor.id,
                crate::usecase::credit_history::PAGE,
                0,
            )
            .await
            .map_err(|e| ctx.failed(e))?,
        )
    } else {
        None
    };
    let pick = |a, b| lang.pick(a, b);
    let body = html! {
        (money::style())
        h1 { (t(S::AccountTitle)) }
        p { (t(S::Donor)) ": " strong id="nama-donatur" { (donor.name) } " " span.muted { "(" (t(S::DonorNumber)) " " (donor.id) ")" } }
        dl.counts {
            div { dt { (t(S::CreditBalance)) } dd id="saldo-kredit" { (rupiah(credit)) } }
            div { dt { (t(S::Invoices)) } dd { (invoices.len()) } }
            div { dt { (t(S::Payments)) } dd { (pays.len()) } }
        }
        p.muted { (t(S::CreditExplained)) }
        @if let Some(i) = &impact {
            (super::impact::section(&ctx, "dampak", lang.pick("Yang dilakukan donasi Anda", "What your giving did"), i))
        }
        @if let Some(h) = &history { (super::credit_history::section(&ctx, h)) }
        @if full {
            (super::statement::form(&ctx, (p.role != Role::Donor).then_some(donor.id), state.clock.today()))
        }
        @if ctx.param("msg") == Some("preferensi") {
            p.ok role="status" id="preferensi-tersimpan" { (pick("Pengaturan tersimpan.", "Preferences saved.")) }
        }
        @if full {
        form.card method="post" action="/akun/preferensi" id="preferensi" {
            h2 { (pick("Pengaturan", "Preferences")) }
            input type="hidden" name="csrf" value=(ctx.csrf());
            input type="hidden" name="donor" value=(donor.id);
            label for="email" { (pick("E-mail untuk pengingat (sebelum masa perlindungan berakhir)", "E-mail for reminders (before protection ends)")) }
            input type="email" id="email" name="email" value=(prefs.email.as_deref().unwrap_or(""));
            fieldset id="penamaan" {
                legend { (pick("Bagaimana Anda disebut", "How you are named")) }
                p { label { input type="checkbox" id="public_name" name="public_name" value="1" checked[prefs.public_name];
                    " " (pick("Tampilkan nama saya di depan umum: di halaman transparansi, di pemeriksaan kuitansi, dan kepada pekerja yang saya lindungi",
                              "Show my name in public: on the transparency page, on the receipt check, and to the workers I protect")) } }
                p.muted { (pick("Bila tidak dicentang, Anda tampil sebagai \"donatur anonim\"; petugas GN Lingkaran tetap mengetahui siapa Anda.",
                                "If unticked, you appear as \"anonymous donor\" (donatur anonim); GN Lingkaran's staff still know who you are.")) }
                label for="receipt_name" { (pick("Nama pada kuitansi", "Name on receipts")) }
                input type="text" id="receipt_name" name="receipt_name" maxlength=(lingkaran_domain::donor::RECEIPT_NAME_MAX)
                    value=(prefs.receipt_name.as_deref().unwrap_or("")) placeholder=(donor.name)
                    aria-describedby="receipt_name-hint";
                p.muted id="receipt_name-hint" {
                    (pick("Dicetak pada kuitansi Anda (dan di pemeriksaan kuitansi bila nama Anda ditampilkan), misalnya \"Keluarga Bpk. Ahmad\" atau \"PT Semen Sejahtera Tbk (Program CSR)\". Paling banyak 200 karakter. Kosongkan untuk memakai nama terdaftar: ",
                          "Printed on your receipts (and on the receipt check when your name is shown), e.g. \"Keluarga Bpk. Ahmad\" or \"PT Semen Sejahtera Tbk (Program CSR)\". At most 200 characters. Leave empty to use your registered name: "))
                    strong { (donor.name) } "."
                }
                p { label { input type="checkbox" id="show_total" name="show_total" value="1" checked[prefs.show_total];
                    " " (pick("Tampilkan nilai donasi saya di daftar donatur halaman transparansi",
                              "Show the amount I gave in the transparency page's list of donors")) } }
                p.muted { (pick("Bila tidak dicentang, donasi Anda tetap dihitung dalam total nasional, tetapi dijumlahkan bersama donatur anonim, tanpa nama Anda.",
                                "If unticked, your donations still count in the national totals, but are summed with the anonymous donors, without your name.")) }
            }
            p { label { input type="checkbox" name="leftover_to_pool" value="1" checked[prefs.leftover_to_pool];
                " " (pick("Bila pekerja meninggal atau keluar, sisa iuran masuk dana program (bukan kembali ke kredit saya)",
                          "If a worker dies or leaves, the remaining contributions go to the programme pool (not back to my credit)")) } }
            p { button type="submit" id="simpan-preferensi" { (pick("Simpan", "Save")) } }
        }
        }
        h2 { (t(S::Invoices)) }
        @if invoices.is_empty() {
            p.muted { (t(S::NoInvoices)) }
        } @else {
            div.scroll {
                table id="tagihan" {
                    thead { tr {
                        th scope="col" { (t(S::InvoiceNumber)) }
                        th scope="col" { (t(S::Donation)) }
                        th scope="col" { (t(S::VaNumber)) }
                        th scope="col" { (t(S::Amount)) }
                        th scope="col" { (t(S::Paid)) }
                        th scope="col" { (t(S::InvoiceStatus)) }
                        th scope="col" { (t(S::PayBefore)) }
                    } }
                    tbody {
                        @for i in &invoices {
                            tr id={ "tagihan-" (i.id) } {
                                td { code { (i.number) } }
                                td { a href={ "/donasi/" (i.donation_id) } { "#" (i.donation_id) } }
                                td { (money::grouped(&i.va_number)) }
                                td.num { (rupiah(i.amount)) }
                                td.num { (rupiah(i.paid)) }
                                td { (money::invoice_status(lang, i.status.code())) }
                                td { @if i.status == lingkaran_domain::status::InvoiceStatus::Open { (layout::when(i.expires_at, &ctx)) } }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t(S::Payments)) }
        @if pays.is_empty() {
            p.muted { (t(S::NoPayments)) }
        } @else {
            div.scroll {
                table id="pembayaran" {
                    thead { tr {
                        th scope="col" { (t(S::Receipt)) }
                        th scope="col" { (t(S::PaidOn)) }
                        th scope="col" { (t(S::Amount)) }
                        th scope="col" { (t(S::InvoiceNumber)) }
                        th scope="col" { (t(S::PaidHow)) }
                    } }
                    tbody {
                        @for pay in &pays {
                            tr id={ "pembayaran-" (pay.id) } {
                                td { a href={ "/kuitansi/" (pay.id) } { (pay.receipt_number()) } " · " a href={ "/kuitansi/" (pay.id) "/pdf" } { "PDF" }
                                    (super::receipts::mail_form(&ctx, &format!("/kuitansi/{}/kirim", pay.id))) }
                                td { (money::day(&pay.paid_on, lang)) }
                                td.num { (rupiah(pay.amount)) }
                                td { @match &pay.invoice_number { Some(n) => { code { (n) } } None => { (t(S::ToCredit)) } } }
                                td { (money::source_label(lang, &pay.source)) }
                            }
                        }
                    }
                }
            }
        }
        @if !settled.is_empty() {
            h2 { (t(S::CreditReceiptsTitle)) }
            div.scroll {
                table id="kuitansi-kredit" {
                    thead { tr {
                        th scope="col" { (t(S::Receipt)) }
                        th scope="col" { (t(S::SettledOn)) }
                        th scope="col" { (t(S::Amount)) }
                        th scope="col" { (t(S::InvoiceNumber)) }
                        th scope="col" { (t(S::Donation)) }
                    } }
                    tbody {
                        @for c in &settled {
                            tr id={ "kredit-" (c.id) } {
                                td { a href={ "/kuitansi/kredit/" (c.id) } { (c.receipt_number()) } " · " a href={ "/kuitansi/kredit/" (c.id) "/pdf" } { "PDF" }
                                    (super::receipts::mail_form(&ctx, &format!("/kuitansi/kredit/{}/kirim", c.id))) }
                                td { (layout::when(c.settled_at, &ctx)) }
                                td.num { (rupiah(c.amount)) }
                                td { code { (c.invoice_number) } }
                                td { a href={ "/donasi/" (c.donation_id) } { "#" (c.donation_id) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let mut r = layout::page(&ctx, t(S::AccountTitle), body).into_response();
    no_store(&mut r);
    Ok(r)
}

/// `POST /akun/preferensi`: the donor's preferences (`usecase::account::set_preferences`).
pub async fn save_preferences(
    ctx: Ctx,
    State(state): State<AppState>,
    form: super::form::FormFields,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(super::page::field(&form, "csrf"))?;
    let Some(donor) = super::page::field(&form, "donor").and_then(|d| d.parse::<i64>().ok()) else {
        return Err(ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound));
    };
    let input = uc::PreferencesInput {
        email: super::page::field(&form, "email").map(str::to_string),
        public_name: super::page::field(&form, "public_name").is_some(),
        leftover_to_pool: super::page::field(&form, "leftover_to_pool").is_some(),
        // The form always carries the name field (empty: the registered name); a checkbox
        // left unticked is absent, so the total is shown only when ticked.
        receipt_name: super::page::field(&form, "receipt_name").map(str::to_string),
        show_total: Some(super::page::field(&form, "show_total").is_some()),
    };
    uc::set_preferences(state.ctx(p), donor, input)
        .await
        .map_err(|e| ctx.failed(e))?;
    let to = if p.role == Role::Donor {
        "/akun?msg=preferensi".to_string()
    } else {
        format!("/akun?donor={donor}&msg=preferensi")
    };
    Ok(super::page::redirect(&to))
}

/// `GET /kuitansi/{id}`: the receipt of one payment, to print or save. Who may see it is
/// the use case's rule (staff, or the donor who paid).
pub async fn receipt(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let t = |s| ctx.t(s);
    let lang = ctx.lang;
    let not_found = || ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let r = uc::receipt(state.ctx(p), id)
        .await
        .map_err(|e| ctx.failed(e))?;
    let (pay, number) = (&r.payment, &r.number);
    let donor_name = r.donor_name.as_deref().unwrap_or("");
    let title = format!("{} {number}", t(S::Receipt));
    let body = html! {
        style { (PreEscaped(PRINT_STYLE)) }
        (money::style())
        @if ctx.param("baru").is_some() {
            p.notice.noprint role="status" id="pesan" { (t(S::PaymentRecorded)) }
        }
        @if ctx.param("sudah").is_some() {
            p.warn.noprint role="status" id="pesan" { (t(S::PaymentAlreadyRecorded)) }
        }
        div.card id="kuitansi" {
            h1 { (t(S::Receipt)) " " span id="nomor-kuitansi" { (number) } }
            dl.pairs {
                dt { (t(S::ReceivedFrom)) }
                dd id="penyetor" { (donor_name) }
                dt { (t(S::Amount)) }
                dd id="jumlah-kuitansi" { strong { (rupiah(pay.amount)) } }
                dt { (t(S::PaidOn)) }
                dd id="tanggal-bayar" { (money::day(&pay.paid_on, lang)) }
                dt { (t(S::ForInvoice)) }
                dd id="untuk-tagihan" { @match &pay.invoice_number { Some(n) => { code { (n) } } None => { (t(S::ToCredit)) } } }
                dt { (t(S::PaidHow)) }
                dd id="cara-bayar" { (channel_label(&pay.source, pay.channel.as_deref(), lang.code())) }
                dt { (t(S::PaymentReference)) }
                dd { code { (pay.reference) } }
                dt { (t(S::RecordedAt)) }
                dd { (layout::when(pay.received_at, &ctx)) }
                (verification(&ctx, r.code.as_ref()))
            }
            p { (t(S::ReceiptPurpose)) }
        }
        (pdf_link(&ctx, &format!("/kuitansi/{}/pdf", pay.id)))
        p.noprint.muted { (t(S::PrintHint)) }
        @if p.role == Role::Donor { p.noprint { a href="/akun" { (t(S::BackToAccount)) } } }
    };
    let mut r = layout::page(&ctx, &title, body).into_response();
    no_store(&mut r);
    Ok(r)
}

/// `GET /kuitansi/kredit/{id}`: the receipt of a donation paid from the donor's credit, to
/// print or save. Who may see it is the use case's rule (staff, or the donor whose credit paid).
pub async fn credit_receipt(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let t = |s| ctx.t(s);
    let not_found = || ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let r = uc::credit_receipt(state.ctx(p), id)
        .await
        .map_err(|e| ctx.failed(e))?;
    let (c, number) = (&r.settlement, &r.number);
    let title = format!("{} {number}", t(S::Receipt));
    let body = html! {
        style { (PreEscaped(PRINT_STYLE)) }
        (money::style())
        div.card id="kuitansi" {
            h1 { (t(S::Receipt)) " " span id="nomor-kuitansi" { (number) } }
            p.muted { (t(S::CreditReceipt)) }
            dl.pairs {
                dt { (t(S::Donor)) }
                dd id="penyetor" { (r.donor_name.as_deref().unwrap_or("")) }
                dt { (t(S::PaidFromCreditLabel)) }
                dd id="jumlah-kuitansi" { strong { (rupiah(c.amount)) } }
                dt { (t(S::ForDonation)) }
                dd id="untuk-donasi" { a href={ "/donasi/" (c.donation_id) } { "#" (c.donation_id) } }
                dt { (t(S::ForInvoice)) }
                dd id="untuk-tagihan" { code { (c.invoice_number) } }
                dt { (t(S::SettledOn)) }
                dd id="tanggal-lunas" { (layout::when(c.settled_at, &ctx)) }
                (verification(&ctx, r.code.as_ref()))
            }
            p { (t(S::CreditReceiptNote)) }
            p { (t(S::ReceiptPurpose)) }
        }
        (pdf_link(&ctx, &format!("/kuitansi/kredit/{}/pdf", c.id)))
        p.noprint.muted { (t(S::PrintHint)) }
        @if p.role == Role::Donor { p.noprint { a href="/akun" { (t(S::BackToAccount)) } } }
    };
    let mut r = layout::page(&ctx, &title, body).into_response();
    no_store(&mut r);
    Ok(r)
}

/// A receipt's verification code, linked to its public check.
fn verification(ctx: &Ctx, code: Option<&Code>) -> Markup {
    let Some(code) = code else {
        return html! {};
    };
    html! {
        dt { (ctx.lang.pick("Kode verifikasi", "Verification code")) }
        dd id="kode-verifikasi" { a href={ "/verifikasi/" (code.grouped()) } { code { (code.grouped()) } } }
    }
}

/// The link to a receipt's PDF.
fn pdf_link(ctx: &Ctx, href: &str) -> Markup {
    html! {
        p.noprint { a href=(href) id="unduh-pdf" { (ctx.lang.pick("Unduh PDF", "Download PDF")) } }
    }
}
