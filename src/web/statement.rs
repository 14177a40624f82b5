//! A donor's statement (laporan donasi) and CSR report on the account page (issue 14 §2):
//!
//! - [`form`]: the account's section "Laporan donasi": two dates (this year so far filled
//!   in), the kind (statement or CSR report) and a button per format. A plain GET form: it
//!   works without scripts, and the browser downloads the file.
//! - `GET /akun/laporan?dari=YYYY-MM-DD&sampai=YYYY-MM-DD&jenis=laporan|csr&format=pdf|xlsx`
//!   ([`download`]): the file, for the donor's own account (staff add `donor=`), or a page
//!   that says what is wrong with the dates (422).

use super::page::{Ctx, PageResult};
use crate::app::AppState;
use crate::auth::role::GIVERS;
use crate::auth::Role;
use crate::report::{donor_statement, Format};
use crate::usecase::donor_statement::{self as uc, Kind};
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use lingkaran_domain::statement::Period;
use maud::{html, Markup};

pub async fn download(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let uc_ctx = state.ctx(p);
    let donor_id = if p.role == Role::Donor {
        crate::usecase::account::acting_donor(uc_ctx, None)
            .await
            .map_err(|e| ctx.failed(e))?
            .id
    } else {
        ctx.param("donor")
            .and_then(|d| d.trim().parse::<i64>().ok())
            .ok_or_else(|| ctx.failed(crate::usecase::Error::NotFound("Donatur")))?
    };
    let period = uc::period(ctx.param("dari"), ctx.param("sampai"), uc_ctx.clock.today())
        .map_err(|e| ctx.failed(e))?;
    let kind = Kind::parse(ctx.param("jenis")).map_err(|e| ctx.failed(e))?;
    let format = Format::parse(ctx.param("format")).map_err(|e| ctx.failed(e))?;
    let s = uc::build(uc_ctx, donor_id, period, kind)
        .await
        .map_err(|e| ctx.failed(e))?;
    let (name, bytes) = donor_statement::render(&s, format).map_err(|e| ctx.internal(e))?;
    Ok(crate::http::download::attachment(
        bytes,
        format.content_type(),
        &name,
        "laporan-donasi",
    ))
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
