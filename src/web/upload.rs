//! The proposer's upload page and the report of an upload.

use super::i18n::{Lang, S};
use super::layout;
use super::page::{no_store, redirect, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::db::imports::{self, ErrorRow, ImportRecord};
use crate::http::upload::save_file_checked;
use crate::usecase::imports::{self as uc, REPORT_LIMIT};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use lingkaran_domain::worker::COLUMNS;
use lingkaran_domain::Problem;
use maud::{html, Markup};

/// The sample list linked from the upload page.
pub const SAMPLE_CSV: &str = include_str!("../../examples/upload-sample.csv");

/// Columns a file must have (indices into [`COLUMNS`]).
const REQUIRED: [usize; 4] = [0, 1, 4, 6];

/// How many earlier uploads the upload page lists.
const RECENT: i64 = 20;

pub async fn sample() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contoh-unggahan.csv\"",
            ),
        ],
        SAMPLE_CSV,
    )
}

fn status_label(lang: Lang, status: &str) -> &'static str {
    lang.t(match status {
        "done" => S::ImportDone,
        "failed" => S::ImportFailed,
        _ => S::ImportRunning,
    })
}

async fn upload_page(
    ctx: &Ctx,
    state: &AppState,
    p: &Principal,
    problems: &[Problem],
) -> PageResult {
    let t = |s| ctx.t(s);
    let recent = imports::list(&state.db, p.organisation_id.or(Some(-1)), RECENT)
        .await
        .map_err(|e| ctx.internal(e))?;
    let en = ctx.lang == Lang::En;
    let body = html! {
        h1 { (t(S::UploadTitle)) }
        @if !problems.is_empty() {
            div.error role="alert" id="galat-unggah" {
                strong { (t(S::UploadFailed)) }
                ul { @for pr in problems { li { (pr.message(ctx.lang.code())) } } }
            }
        }
        div.card {
            p { (t(S::UploadIntro)) }
            form method="post" action="/unggah" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(ctx.csrf());
                label for="file" { (t(S::UploadFile)) }
                input type="file" id="file" name="file" required
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                p { button type="submit" id="unggah" { (t(S::UploadButton)) } }
            }
            p { a href="/contoh-unggahan.csv" download="contoh-unggahan.csv" { (t(S::SampleLink)) } }
        }
        h2 { (t(S::Headers)) }
        p { (t(S::HeadersIntro)) }
        div.scroll {
            table {
                thead { tr {
                    th scope="col" { (t(S::ColumnHeader)) }
                    th scope="col" { (t(S::ColumnEnglish)) }
                    th scope="col" { (t(S::ColumnAlso)) }
                } }
                tbody {
                    @for (i, (id, en_name, also)) in COLUMNS.iter().enumerate() {
                        tr {
                            td {
                                code { (id) }
                                @if REQUIRED.contains(&i) { " " span.muted { "(" (t(S::Required)) ")" } }
                            }
                            td { code { (en_name) } }
                            td { @for (k, a) in also.iter().enumerate() {
                                @if k > 0 { ", " }
                                code { (a) }
                            } }
                        }
                    }
                }
            }
        }
        h2 { (t(S::RecentImports)) }
        @if recent.is_empty() {
            p.muted { (t(S::NoImports)) }
        } @else {
            div.scroll {
                table id="unggahan-terakhir" {
                    thead { tr {
                        th scope="col" { (t(S::FileName)) }
                        th scope="col" { (t(S::Date)) }
                        th scope="col" { (t(S::Status)) }
                        th scope="col" { (t(S::Rows)) }
                        th scope="col" { (t(S::Accepted)) }
                        th scope="col" { (t(S::Rejected)) }
                    } }
                    tbody {
                        @for r in &recent {
                            tr {
                                td { a href={ "/unggahan/" (r.id) } { (r.file_name) } }
                                td { (layout::when(r.created_at, ctx)) }
                                td { (status_label(ctx.lang, &r.status)) }
                                td.num { (number(r.rows_total, en)) }
                                td.num { (number(r.accepted, en)) }
                                td.num { (number(r.rejected + r.duplicates, en)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = (status, layout::page(ctx, t(S::UploadTitle), body)).into_response();
    no_store(&mut r);
    Ok(r)
}

/// A count with thousands separators: `1.234` (or `1,234` in English).
fn number(n: i64, en: bool) -> String {
    let s = lingkaran_domain::format::rupiah(n);
    let s = s.replacen("Rp ", "", 1);
    if en {
        s.replace('.', ",")
    } else {
        s
    }
}

pub async fn form(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&uc::UPLOADERS)?;
    upload_page(&ctx, &state, p, &[]).await
}

pub async fn upload(
    ctx: Ctx,
    State(state): State<AppState>,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let p = ctx.require(&uc::UPLOADERS)?;
    let mp = match mp {
        Ok(mp) => mp,
        // Not a multipart form at all: nothing to read a token from.
        Err(_) => return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf)),
    };
    // The form's token is checked before a byte of the file is read.
    let csrf_ok = |sent: Option<&str>| ctx.check_csrf(sent).is_ok();
    let saved = match save_file_checked(mp, csrf_ok)
        .await
        .map_err(|e| ctx.internal(e))?
    {
        Ok(saved) => saved,
        Err(u) if u.status == StatusCode::FORBIDDEN => {
            return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf))
        }
        // Nothing was imported; showing the form again changes nothing.
        Err(u) => return upload_page(&ctx, &state, p, &[u.problem]).await,
    };
    let upload = uc::Upload {
        path: &saved.path,
        file_name: &saved.name,
    };
    let report = match uc::import(state.ctx(p), upload).await {
        Ok(r) => r,
        Err(crate::usecase::Error::Invalid(problems)) => {
            return upload_page(&ctx, &state, p, &problems).await;
        }
        Err(e) => return Err(ctx.failed(e)),
    };
    drop(saved);
    let to = if report.already_imported {
        format!("/unggahan/{}?sudah=1", report.import.id)
    } else {
        format!("/unggahan/{}", report.import.id)
    };
    Ok(redirect(&to))
}

/// The notes stored with an import, in the reader's language.
fn notes(rec: &ImportRecord, lang: Lang) -> Vec<String> {
    rec.notes()
        .into_iter()
        .map(|n| lang.pick(&n.id, &n.en).to_string())
        .collect()
}

/// A column name as the reader's language writes it in a file header.
fn column_label(name: &str, lang: Lang) -> &str {
    match lang {
        Lang::Id => name,
        Lang::En => COLUMNS.iter().find(|c| c.0 == name).map_or(name, |c| c.1),
    }
}

fn rows_table(ctx: &Ctx, id: &str, rows: &[ErrorRow]) -> Markup {
    let t = |s| ctx.t(s);
    html! {
        div.scroll {
            table id=(id) {
                thead { tr {
                    th scope="col" { (t(S::Line)) }
                    th scope="col" { (t(S::Column)) }
                    th scope="col" { (t(S::Value)) }
                    th scope="col" { (t(S::Reason)) }
                } }
                tbody {
                    @for r in rows {
                        tr data-line=(r.line) {
                            td.num { (r.line) }
                            td { code { (column_label(&r.column_name, ctx.lang)) } }
                            td { (r.value) }
                            td { (ctx.lang.pick(&r.message_id, &r.message_en)) }
                        }
                    }
                }
            }
        }
    }
}

pub async fn report(ctx: Ctx, State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let p = ctx.signed_in()?;
    let not_found = || ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let uc::Report {
        import: rec,
        errors,
        warnings,
        ..
    } = uc::report(state.ctx(p), id)
        .await
        .map_err(|e| ctx.failed(e))?;
    let t = |s| ctx.t(s);
    let en = ctx.lang == Lang::En;
    let notes = notes(&rec, ctx.lang);
    let counts = [
        ("jumlah-baris", S::Rows, rec.rows_total),
        ("jumlah-diterima", S::Accepted, rec.accepted),
        ("jumlah-ditolak", S::Rejected, rec.rejected),
        ("jumlah-ganda", S::Duplicates, rec.duplicates),
        (
            "jumlah-mirip",
            S::PossibleDuplicates,
            rec.possible_duplicates,
        ),
    ];
    let body = html! {
        h1 { (t(S::ReportTitle)) }
        p {
            strong { (rec.file_name) } " · " (layout::when(rec.created_at, &ctx))
            " · " (status_label(ctx.lang, &rec.status))
        }
        @if ctx.param("sudah").is_some() {
            p.warn role="status" { (t(S::AlreadyImported)) }
        }
        dl.counts {
            @for (key, label, n) in counts {
                div { dt { (t(label)) } dd id=(key) { (number(n, en)) } }
            }
        }
        @if !notes.is_empty() {
            div.warn {
                strong { (t(S::Notes)) }
                ul { @for n in &notes { li { (n) } } }
            }
        }
        h2 { (t(S::BadRows)) }
        @if errors.is_empty() {
            p.notice { (t(S::NoBadRows)) }
        } @else {
            p { (t(S::BadRowsIntro)) }
            p { a href={ "/api/v1/imports/" (rec.id) "/errors.csv" } id="unduh-csv" { (t(S::DownloadCsv)) } }
            (rows_table(&ctx, "baris-ditolak", &errors))
            @if errors.len() as i64 >= REPORT_LIMIT { p.muted { (t(S::ReportTruncated)) } }
        }
        @if !warnings.is_empty() {
            h2 { (t(S::Warnings)) }
            p { (t(S::WarningsIntro)) }
            (rows_table(&ctx, "peringatan", &warnings))
        }
        @if p.role == Role::Proposer {
            p { a href="/unggah" { (t(S::UploadAnother)) } }
        }
    };
    let mut r = layout::page(&ctx, t(S::ReportTitle), body).into_response();
    no_store(&mut r);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_separators() {
        assert_eq!(number(1_234_567, false), "1.234.567");
        assert_eq!(number(1_234_567, true), "1,234,567");
        assert_eq!(number(11, false), "11");
    }
}
