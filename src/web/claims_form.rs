//! `/klaim/baru`: the notification of a claim (issue 13 §2), as a proposer or an officer
//! fills it in. A refusal shows the form again with every problem and what was typed; a
//! claim filed goes to its page. The checks are `usecase::claims::file`'s; this page only
//! reads what the browser sends (a date, a percentage, a count).

use super::claims::style;
use super::form::FormFields;
use super::i18n::S;
use super::layout;
use super::money;
use super::page::{field, no_store, redirect, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::role::CLAIM_FILERS;
use crate::usecase::claims::{self, FileClaim};
use crate::usecase::Error;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use lingkaran_domain::benefits::{parse_percent, Kind};
use lingkaran_domain::Problem;
use maud::{html, Markup};

/// `GET /klaim/baru`.
pub async fn form(ctx: Ctx) -> PageResult {
    ctx.require(&CLAIM_FILERS)?;
    Ok(render(&ctx, &[], &[], StatusCode::OK))
}

/// `POST /klaim/baru`.
pub async fn file(ctx: Ctx, State(state): State<AppState>, form: FormFields) -> PageResult {
    let p = ctx.require(&CLAIM_FILERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let text = |k: &str| field(&form, k).unwrap_or("").trim().to_string();
    let opt = |k: &str| Some(text(k)).filter(|s| !s.is_empty());
    let mut problems = Vec::new();
    let event_date = match opt("tanggal") {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(Problem::new(
                    "bad_date",
                    format!("Tanggal kejadian \"{d}\" harus berbentuk TTTT-BB-HH."),
                    format!("The date of the event \"{d}\" must look like YYYY-MM-DD."),
                ));
                None
            }
        },
    };
    let kind = Kind::parse(&text("jenis"));
    let mut percent = |k: &str, id: &str, en: &str| {
        let v = opt(k)?;
        let bp = parse_percent(&v);
        if bp.is_none() {
            problems.push(Problem::new(
                "bad_percent",
                format!("{id} \"{v}\" bukan persentase (misalnya 40 atau 40,5)."),
                format!("{en} \"{v}\" is not a percentage (such as 40 or 40.5)."),
            ));
        }
        bp
    };
    let (body_bp, function_loss_bp) = if kind == Some(Kind::JkkPartial) {
        (
            percent("persen_tubuh", "Persentase cacat", "The disability"),
            percent(
                "persen_fungsi",
                "Persentase kehilangan fungsi",
                "The loss of function",
            ),
        )
    } else {
        (None, None)
    };
    let months_unable = match (kind, opt("bulan_tidak_mampu")) {
        (Some(Kind::JkkStmb), Some(m)) => match m.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(Problem::new(
                    "bad_months",
                    format!("Lama tidak mampu bekerja \"{m}\" harus berupa jumlah bulan."),
                    format!("The months unable to work \"{m}\" must be a number of months."),
                ));
                None
            }
        },
        _ => None,
    };
    let disease = match (opt("pekerjaan"), opt("paparan"), opt("diagnosis")) {
        (None, None, None) => None,
        (j, e, d) => Some((
            j.unwrap_or_default(),
            e.unwrap_or_default(),
            d.unwrap_or_default(),
        )),
    };
    if !problems.is_empty() {
        return Ok(render(
            &ctx,
            &form,
            &problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let input = FileClaim {
        nik: text("nik"),
        kind: text("jenis"),
        event_date,
        event_time: opt("jam"),
        place: text("tempat"),
        cause: text("sebab"),
        notifier_name: text("pelapor"),
        notifier_phone: text("telepon"),
        disease,
        body_bp,
        function_loss_bp,
        months_unable,
    };
    match claims::file(state.ctx(p), &input).await {
        Ok(view) => Ok(redirect(&format!("/klaim/{}", view.claim.id))),
        Err(Error::Invalid(ps)) => Ok(render(&ctx, &form, &ps, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(Error::Conflict(problem)) => Ok(render(&ctx, &form, &[problem], StatusCode::CONFLICT)),
        // A worker nobody registered, or one outside the reader's regions or organisation:
        // the same words either way.
        Err(Error::NotFound(_)) => Ok(render(
            &ctx,
            &form,
            &[Problem::new(
                "unknown_worker",
                "Tidak ada pekerja dengan NIK ini di wilayah atau organisasi Anda.",
                "No worker with this NIK is in your region or organisation.",
            )],
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(ctx.failed(e)),
    }
}

fn render(
    ctx: &Ctx,
    typed: &[(String, String)],
    problems: &[Problem],
    status: StatusCode,
) -> axum::response::Response {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let val = |k: &str| field(typed, k).unwrap_or("").trim().to_string();
    let kind = val("jenis");
    let today = crate::clock::today().to_string();
    let input = |id: &str, label: &str, required: bool, hint: Option<&str>| -> Markup {
        html! {
            label for=(id) { (label) }
            @if let Some(h) = hint { span.muted { (h) } br; }
            input type="text" id=(id) name=(id) value=(val(id)) required[required];
        }
    };
    let title = pick("Laporkan klaim", "Report a claim");
    let body = html! {
        (style())
        p { a href="/klaim" { "← " (pick("Daftar klaim", "All claims")) } }
        h1 { (title) }
        p { (pick("Laporkan kecelakaan kerja atau kematian seorang pekerja. Lingkaran memeriksa cakupan pada tanggal kejadian dan memperkirakan santunannya; BPJS Ketenagakerjaan yang menetapkan dan membayar.",
                  "Report a work accident or a worker's death. Lingkaran checks the coverage on the date of the event and estimates the benefits; BPJS Ketenagakerjaan decides and pays.")) }
        (money::problems_box(ctx, "galat-klaim", S::ActionFailed, problems))
        form.card method="post" action="/klaim/baru" id="form-klaim" {
            input type="hidden" name="csrf" value=(ctx.csrf());
            fieldset {
                legend { (pick("Pekerja dan kejadian", "Worker and event")) }
                label for="nik" { "NIK" }
                input type="text" id="nik" name="nik" inputmode="numeric" autocomplete="off" value=(val("nik")) required;
                label for="jenis" { (pick("Jenis klaim", "Kind of claim")) }
                select id="jenis" name="jenis" required {
                    @for k in Kind::ALL {
                        option value=(k.code()) selected[kind == k.code()] { (k.label(lang.code())) }
                    }
                }
                label for="tanggal" { (pick("Tanggal kejadian", "Date of the event")) }
                input type="date" id="tanggal" name="tanggal" max=(today) value=(val("tanggal")) required;
                label for="jam" { (pick("Jam (tidak wajib, JJ:MM)", "Time (optional, HH:MM)")) }
                input type="time" id="jam" name="jam" value=(val("jam"));
                (input("tempat", pick("Tempat kejadian", "Place"), true, None))
                label for="sebab" { (pick("Sebab / kronologi singkat", "Cause, in a few words")) }
                textarea id="sebab" name="sebab" required { (val("sebab")) }
            }
            fieldset {
                legend { (pick("Pelapor", "Who reports it")) }
                (input("pelapor", pick("Nama pelapor", "Name"), true, None))
                label for="telepon" { (pick("Nomor telepon pelapor", "Phone number")) }
                input type="tel" id="telepon" name="telepon" inputmode="tel" value=(val("telepon")) required;
            }
            fieldset {
                legend { (pick("Penyakit akibat kerja (bila ada)", "Occupational disease (if any)")) }
                (input("pekerjaan", pick("Pekerjaan", "Job"), false, None))
                (input("paparan", pick("Paparan", "Exposure"), false, None))
                (input("diagnosis", pick("Diagnosis dokter", "Doctor's diagnosis"), false, None))
            }
            fieldset {
                legend { (pick("Hanya untuk cacat sebagian", "Partial disability only")) }
                (input("persen_tubuh", pick("Persentase cacat menurut tabel (%)", "Disability by the table (%)"), false, Some(pick("misalnya 40 atau 40,5", "such as 40 or 40.5"))))
                (input("persen_fungsi", pick("Persentase kehilangan fungsi (%, tidak wajib)", "Loss of function (%, optional)"), false, None))
            }
            fieldset {
                legend { (pick("Hanya untuk STMB", "Temporary inability only")) }
                (input("bulan_tidak_mampu", pick("Lama tidak mampu bekerja (bulan)", "Months unable to work"), false, None))
            }
            p { button type="submit" id="kirim-klaim" { (pick("Laporkan", "Report")) } }
        }
    };
    let mut resp = (status, layout::page(ctx, title, body)).into_response();
    no_store(&mut resp);
    resp
}
