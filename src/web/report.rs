//! `/wilayah/{code}/laporan`: a region's report for the quarterly UCJ review, downloaded as
//! XLSX or PDF for any period (issue 12 §3). The dashboard's form "Laporan untuk rapat UCJ"
//! leads here; the use case builds the report (`usecase::region_report`), `crate::report`
//! writes the file.

use super::page::{Ctx, PageResult};
use crate::app::AppState;
use crate::report::{self, Format};
use crate::usecase::region_report::{self, Period};
use axum::extract::{Path, State};
use maud::{html, Markup};

/// `GET /wilayah/{code}/laporan?dari=YYYY-MM&sampai=YYYY-MM&format=xlsx|pdf`: the file, or
/// an error page that says what is wrong with the months (422).
pub async fn download(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> PageResult {
    let user = ctx.require(&crate::auth::role::READERS)?;
    if code.is_empty() || code.len() > 13 || !code.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return Err(ctx.failed(crate::usecase::Error::NotFound("wilayah")));
    }
    let uc = state.ctx(user);
    let period = Period::parse(ctx.param("dari"), ctx.param("sampai"), uc.clock.today())
        .map_err(|e| ctx.failed(e))?;
    let format = Format::parse(ctx.param("format")).map_err(|e| ctx.failed(e))?;
    let r = region_report::build(uc, &code, period.from, period.to)
        .await
        .map_err(|e| ctx.failed(e))?;
    let (name, bytes) = report::render(&r, format).map_err(|e| ctx.internal(e))?;
    Ok(crate::http::download::attachment(
        bytes,
        format.content_type(),
        &name,
        "laporan-cakupan",
    ))
}

/// The dashboard's section "Laporan untuk rapat UCJ": a plain GET form with the two months
/// (the last full quarter filled in) and a button per format.
pub fn form(ctx: &Ctx, code: &str, today: chrono::NaiveDate) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let q = Period::last_full_quarter(today);
    html! {
        section id="laporan" {
            h2 { (pick("Laporan untuk rapat UCJ", "Report for the UCJ meeting")) }
            p.muted { (pick(
                "Cakupan, per bulan, wilayah di bawahnya dan anggaran untuk periode yang dipilih (paling panjang 36 bulan), sebagai lembar kerja atau PDF.",
                "Coverage, by month, the regions below and the budgets for the period chosen (at most 36 months), as a workbook or a PDF.",
            )) }
            form method="get" action=(format!("/wilayah/{code}/laporan")) {
                label { (pick("Dari bulan", "From month")) " "
                    input type="month" name="dari" value=(q.from.to_string()) required; }
                " "
                label { (pick("Sampai bulan", "To month")) " "
                    input type="month" name="sampai" value=(q.to.to_string()) required; }
                " "
                button type="submit" name="format" value="xlsx" id="laporan-xlsx" { (pick("Unduh XLSX", "Download XLSX")) }
                " "
                button type="submit" name="format" value="pdf" id="laporan-pdf" { (pick("Unduh PDF", "Download PDF")) }
            }
        }
    }
}
