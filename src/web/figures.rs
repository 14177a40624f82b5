//! `/angka-wilayah`: admins and officers upload the figures a region's coverage needs
//! (BPJS TK's participants, BPS's or the region's denominators, targets), as CSV or XLSX,
//! and see every bad cell by line, column and value (issue 12 §1).

use super::i18n::S;
use super::layout;
use super::money;
use super::page::{no_store, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::http::upload::save_file_checked;
use crate::usecase::figures::Report;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use lingkaran_domain::Problem;
use maud::{html, Markup};

use crate::usecase::figures::EXAMPLE_CSV;

/// `GET /contoh-angka-wilayah.csv`.
pub async fn example() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contoh-angka-wilayah.csv\"",
            ),
        ],
        EXAMPLE_CSV,
    )
}

/// `GET /angka-wilayah`.
pub async fn form(ctx: Ctx) -> PageResult {
    ctx.require(&STAFF)?;
    Ok(render(&ctx, &[], None, StatusCode::OK))
}

/// `POST /angka-wilayah`: the file, then its report on the same page.
pub async fn upload(
    ctx: Ctx,
    State(state): State<AppState>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let Ok(mp) = mp else {
        return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf));
    };
    let csrf_ok = |sent: Option<&str>| ctx.check_csrf(sent).is_ok();
    let saved = match save_file_checked(mp, csrf_ok)
        .await
        .map_err(|e| ctx.internal(e))?
    {
        Ok(saved) => saved,
        Err(u) if u.status == StatusCode::FORBIDDEN => {
            return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf))
        }
        Err(u) => return Ok(render(&ctx, &[u.problem], None, u.status)),
    };
    match crate::usecase::figures::import_as(state.ctx(p), &saved.path, &saved.name).await {
        Ok(r) => Ok(render(&ctx, &[], Some((&saved.name, &r)), StatusCode::OK)),
        Err(crate::usecase::Error::Invalid(problems)) => Ok(render(
            &ctx,
            &problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(ctx.failed(e)),
    }
}

fn render(
    ctx: &Ctx,
    problems: &[Problem],
    done: Option<(&str, &Report)>,
    status: StatusCode,
) -> axum::response::Response {
    let pick = |a, b| ctx.lang.pick(a, b);
    let title = pick("Angka wilayah", "Regional figures");
    let body = html! {
        (money::style())
        h1 { (title) }
        p { (pick(
            "Cakupan sebuah wilayah butuh dua angka yang tidak dimiliki Lingkaran: jumlah peserta aktif BPJS Ketenagakerjaan di wilayah itu, dan penyebutnya (angkatan kerja dari BPS atau angka pemerintah daerah). Unggah angka itu di sini, masing-masing dengan tanggal, definisi dan sumbernya.",
            "A region's coverage needs two figures Lingkaran does not hold: BPJS Ketenagakerjaan's active participants in the region, and the denominator (BPS's labour force or the local government's figure). Upload them here, each with its date, definition and source.")) }
        (money::problems_box(ctx, "galat-angka", S::ActionFailed, problems))
        @if let Some((name, r)) = done { (report(ctx, name, r)) }
        form.card method="post" action="/angka-wilayah" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(ctx.csrf());
            label for="berkas" { (pick("Berkas CSV atau XLSX", "CSV or XLSX file")) }
            input type="file" id="berkas" name="file" accept=".csv,.xlsx,text/csv" required;
            p { button type="submit" id="unggah-angka" { (pick("Unggah angka", "Upload figures")) } }
        }
        h2 { (pick("Bentuk berkas", "The file's form")) }
        p { (pick("Baris pertama adalah judul kolom:", "The first row names the columns:")) " "
            code { "kode_wilayah,tanggal,ukuran,nilai,definisi,sumber" } " "
            (pick("(atau dalam bahasa Inggris", "(or in English")) " " code { "region_code,date,measure,value,definition,source" } ")." }
        ul {
            li { code { "peserta" } " — " (pick("peserta aktif BPJS TK di wilayah (semua segmen)", "BPJS TK's active participants in the region (all segments)")) }
            li { code { "penyebut" } " — " (pick("penyebut; kolom definisi menyebut jenisnya: angkatan_kerja, penduduk_bekerja, potensi_bps, ktp_17_plus, atau kode lain", "a denominator; the definition column names it: angkatan_kerja, penduduk_bekerja, potensi_bps, ktp_17_plus, or another code")) }
            li { code { "target_persen" } " — " (pick("target persentase, dengan definisi penyebutnya", "a target share, with its denominator's definition")) }
            li { code { "target_orang" } " — " (pick("target jumlah peserta", "a target headcount")) }
            li { code { "persen" } " — " (pick("persentase yang diterbitkan (diperiksa apakah cocok dengan hitungan)", "a published percentage (checked against the computation)")) }
        }
        p { (pick("Tanggal adalah hari yang diwakili angka itu (TTTT-BB-HH). Sumber wajib diisi. Mengunggah baris yang sama lagi tidak mengubah apa pun; nilai yang berubah disimpan sebagai koreksi, dan riwayatnya tetap ada.",
            "The date is the day the figure holds for (YYYY-MM-DD). The source is required. Uploading the same rows again changes nothing; a changed value is stored as a correction, and the history is kept.")) }
        p { a href="/contoh-angka-wilayah.csv" id="contoh-angka" { (pick("Unduh contoh berkas", "Download an example file")) } }
    };
    let mut r = (status, layout::page(ctx, title, body)).into_response();
    no_store(&mut r);
    r
}

fn report(ctx: &Ctx, name: &str, r: &Report) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    html! {
        div.notice role="status" id="hasil-angka" {
            strong { (name) } ": " (r.rows) " " (pick("baris dibaca", "rows read")) " · "
            (r.stored.added) " " (pick("angka baru", "new figures")) " · "
            (r.stored.corrected) " " (pick("koreksi", "corrections")) " · "
            (r.stored.unchanged) " " (pick("sudah ada, tidak berubah", "already there, unchanged")) " · "
            (r.problems.len()) " " (pick("kesalahan", "errors"))
        }
        @if !r.problems.is_empty() {
            h2 { (pick("Baris yang tidak disimpan", "Rows not stored")) }
            div.scroll { table id="kesalahan-angka" {
                thead { tr {
                    th scope="col" { (pick("Baris", "Line")) }
                    th scope="col" { (pick("Kolom", "Column")) }
                    th scope="col" { (pick("Isi", "Value")) }
                    th scope="col" { (pick("Masalah", "Problem")) }
                } }
                tbody { @for p in &r.problems {
                    tr {
                        td.num { (p.line) }
                        td { (p.column) }
                        td { code { (p.value) } }
                        td { (ctx.lang.pick(&p.id, &p.en)) }
                    }
                } }
            } }
        }
    }
}
