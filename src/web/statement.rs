//! A donor's statement (laporan donasi) and CSR report on the account page (issue 14 §2):
//!
//! - [`form`]: the account's section "Laporan donasi": two dates (this year so far filled
//!   in), the kind (statement or CSR report) and a button per format. A plain GET form: it
//!   works without scripts, and the browser downloads the file.
//! - `GET /akun/laporan?dari=YYYY-MM-DD&sampai=YYYY-MM-DD&jenis=laporan|csr&format=pdf|xlsx`
//!   ([`download`]): the file, for the donor's own account (staff add `donor=`), or a page
//!   that says what is wrong with the dates (422).
//! - `POST /akun/laporan/kirim` ([`mail`], the section's second form "Kirim ke e-mail"): the
//!   same file attached to one e-mail to the donor's own address
//!   (`usecase::donor_statement::mail`; once a day for the same file, 20 documents a day).

use super::page::{Ctx, Fail, PageResult};
use crate::app::AppState;
use crate::auth::role::GIVERS;
use crate::auth::Role;
use crate::report::{donor_statement, Format};
use crate::usecase::donor_statement::{self as uc, Kind, Statement};
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use lingkaran_domain::statement::Period;
use maud::{html, Markup};

/// The statement the fields ask for (`donor` for staff, `dari`, `sampai`, `jenis`, `format`),
/// written: the statement, its file name and format, and its bytes.
async fn written(
    ctx: &Ctx,
    state: &AppState,
    field: impl Fn(&str) -> Option<String>,
) -> Result<(Statement, String, Format, Vec<u8>), Fail> {
    let p = ctx.require(&GIVERS)?;
    let uc_ctx = state.ctx(p);
    let donor_id = if p.role == Role::Donor {
        crate::usecase::account::acting_donor(uc_ctx, None)
            .await
            .map_err(|e| ctx.failed(e))?
            .id
    } else {
        field("donor")
            .and_then(|d| d.trim().parse::<i64>().ok())
            .ok_or_else(|| ctx.failed(crate::usecase::Error::NotFound("Donatur")))?
    };
    let (from, to) = (field("dari"), field("sampai"));
    let period = uc::period(from.as_deref(), to.as_deref(), uc_ctx.clock.today())
        .map_err(|e| ctx.failed(e))?;
    let kind = Kind::parse(field("jenis").as_deref()).map_err(|e| ctx.failed(e))?;
    let format = Format::parse(field("format").as_deref()).map_err(|e| ctx.failed(e))?;
    let s = uc::build(uc_ctx, donor_id, period, kind)
        .await
        .map_err(|e| ctx.failed(e))?;
    let (name, bytes) = donor_statement::render(&s, format).map_err(|e| ctx.internal(e))?;
    Ok((s, name, format, bytes))
}

pub async fn download(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let (_, name, format, bytes) =
        written(&ctx, &state, |k| ctx.param(k).map(str::to_string)).await?;
    Ok(crate::http::download::attachment(
        bytes,
        format.content_type(),
        &name,
        "laporan-donasi",
    ))
}

/// `POST /akun/laporan/kirim`: the statement to the donor's own e-mail address, and a page
/// that says where it goes.
pub async fn mail(
    ctx: Ctx,
    State(state): State<AppState>,
    form: super::form::FormFields,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(super::page::field(&form, "csrf"))?;
    let (s, name, format, bytes) = written(&ctx, &state, |k| {
        super::page::field(&form, k).map(str::to_string)
    })
    .await?;
    let m = uc::mail(state.ctx(p), &s, &name, format.content_type(), bytes)
        .await
        .map_err(|e| ctx.failed(e))?;
    let pick = |a, b| ctx.lang.pick(a, b);
    let what = html! { (s.kind.title(ctx.lang.code())) " " (s.period.text(ctx.lang.code())) };
    super::receipts::mailed_page(
        &ctx,
        p,
        s.donor_id,
        pick("Laporan dikirim", "Statement sent"),
        what,
        pick(" akan dikirim ke ", " will be sent to "),
        &m,
    )
}

/// The account's section: the period, the kind, and a button per format. `donor` is named
/// for staff (the page they read is `/akun?donor=`).
pub fn form(ctx: &Ctx, donor: Option<i64>, today: NaiveDate) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let year = Period::year_to_date(today);
    let last_year = Period::year(today.year() - 1);
    html! {
        section.card id="laporan-donasi" {
            h2 { (pick("Laporan donasi", "Donation statement")) }
            p.muted { (pick(
                "Kuitansi, jumlah yang Anda berikan (donasi yang dibayar dari saldo kredit tidak dihitung dua kali), pekerja yang dilindungi per bulan dan per kabupaten/kota, untuk tanggal berapa pun (tahun buku Anda). Laporan CSR/TJSL memuat angka yang sama dengan grafik, tanpa data pribadi pekerja.",
                "Receipts, what you gave (donations paid from your credit are not counted twice), workers protected by month and by regency, for any dates (your fiscal year). The CSR report carries the same figures with charts, and no worker's personal data.",
            )) }
            form method="get" action="/akun/laporan" {
                @if let Some(d) = donor { input type="hidden" name="donor" value=(d); }
                p {
                    label { (pick("Dari tanggal", "From")) " "
                        input type="date" name="dari" id="laporan-dari" value=(year.from.to_string()) required; }
                    " "
                    label { (pick("Sampai tanggal", "To")) " "
                        input type="date" name="sampai" id="laporan-sampai" value=(year.to.to_string()) required; }
                }
                p {
                    label { input type="radio" name="jenis" value="laporan" checked; " " (pick("Laporan donasi", "Donation statement")) }
                    " "
                    label { input type="radio" name="jenis" value="csr"; " " (pick("Laporan CSR/TJSL (dengan grafik)", "CSR report (with charts)")) }
                }
                p {
                    button type="submit" name="format" value="pdf" id="laporan-pdf" { (pick("Unduh PDF", "Download PDF")) }
                    " "
                    button type="submit" name="format" value="xlsx" id="laporan-xlsx" { (pick("Unduh XLSX", "Download XLSX")) }
                }
            }
            details {
                summary { (pick("Kirim ke e-mail", "Send by e-mail")) }
                form method="post" action="/akun/laporan/kirim" id="laporan-kirim" {
                    input type="hidden" name="csrf" value=(ctx.csrf());
                    @if let Some(d) = donor { input type="hidden" name="donor" value=(d); }
                    p {
                        label { (pick("Dari tanggal", "From")) " "
                            input type="date" name="dari" value=(year.from.to_string()) required; }
                        " "
                        label { (pick("Sampai tanggal", "To")) " "
                            input type="date" name="sampai" value=(year.to.to_string()) required; }
                        " "
                        label { (pick("Jenis", "Kind")) " "
                            select name="jenis" {
                                option value="laporan" { (pick("Laporan donasi", "Donation statement")) }
                                option value="csr" { (pick("Laporan CSR/TJSL", "CSR report")) }
                            }
                        }
                        " "
                        label { "Format " select name="format" { option value="pdf" { "PDF" } option value="xlsx" { "XLSX" } } }
                    }
                    p.muted { (pick(
                        "Dikirim ke alamat e-mail di Pengaturan akun, sebagai lampiran.",
                        "Sent, attached, to the e-mail address in the account's preferences.",
                    )) }
                    p { button type="submit" id="laporan-kirim-tombol" { (pick("Kirim", "Send")) } }
                }
            }
            @if let Some(y) = last_year {
                p.muted {
                    (pick("Laporan tahunan ", "Annual statement "))
                    a id="laporan-tahun-lalu" href=(format!("/akun/laporan?dari={}&sampai={}&format=pdf{}", y.from, y.to,
                        donor.map(|d| format!("&donor={d}")).unwrap_or_default())) {
                        (y.from.format("%Y").to_string()) " (PDF)"
                    }
                }
            }
        }
    }
}
