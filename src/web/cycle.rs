//! `/siklus?bulan=YYYY-MM`: the officers' page of the monthly cycle. The month's three-way
//! reconciliation (funded ↔ remitted ↔ confirmed), its differences in words, the worker-months
//! the insurer rejected (and whether their money went back), the money that came after the
//! due date, graduation per donor and per region, and the outbox.

use super::i18n::S;
use super::layout;
use super::money::{self, rupiah};
use super::page::{field, no_store, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::role::{READERS, STAFF};
use crate::auth::Role;
use crate::db::lifecycle::{self, Graduation, GraduationBy, Recorded, SelfPayment, StopReason};
use crate::db::{outbox, workers};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::rates::Month;
use lingkaran_domain::Problem;
use maud::{html, Markup};

fn share(paying: i64, n: i64) -> String {
    if n == 0 {
        "–".into()
    } else {
        // One decimal, with the Indonesian decimal comma.
        let tenths = (paying * 1000 + n / 2) / n;
        format!("{},{}%", tenths / 10, tenths % 10)
    }
}

fn graduation_table(ctx: &Ctx, id: &str, rows: &[Graduation], first: &str) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    html! {
        @if rows.is_empty() {
            p.muted { (pick("Belum ada pekerja yang masa donasinya berakhir.", "No worker's sponsorship has ended yet.")) }
        } @else {
            div.scroll { table id=(id) {
                thead { tr {
                    th scope="col" { (first) }
                    th scope="col" { (pick("Selesai disponsori", "Sponsorship ended")) }
                    @for k in [3, 6, 12] {
                        th scope="col" { (k) " " (pick("bulan kemudian", "months after")) }
                    }
                } }
                tbody { @for g in rows {
                    tr data-key=(g.key) {
                        td { (g.name) }
                        td.num { (g.ended) }
                        @for (_, n, paying) in &g.after {
                            td.num { (share(*paying, *n)) " " span.muted { "(" (paying) "/" (n) ")" } }
                        }
                    }
                } }
            } }
        }
    }
}

/// `GET /siklus`.
pub async fn page(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    ctx.require(&READERS)?;
    let month = ctx
        .param("bulan")
        .and_then(Month::parse)
        .unwrap_or_else(|| Month::of(crate::clock::today()));
    render(&ctx, &state, month, None, StatusCode::OK).await
}

/// What an officer's form did: done (a sentence) or refused (its problems).
enum Outcome {
    Done(String),
    Refused(Vec<Problem>),
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    month: Month,
    outcome: Option<Outcome>,
    status: StatusCode,
) -> PageResult {
    let pick = |a, b| ctx.lang.pick(a, b);
    let staff = ctx
        .user
        .as_ref()
        .is_some_and(|p| matches!(p.role, Role::Admin | Role::Officer));
    let Some(user) = ctx.user.as_ref() else {
        return Err(ctx.failed(crate::usecase::Error::Forbidden));
    };
    let r = crate::usecase::cycle::reconciliation(state.ctx(user), month)
        .await
        .map_err(|e| ctx.failed(e))?;
    let by_donor = crate::usecase::cycle::graduation(state.ctx(user), month, GraduationBy::Donor)
        .await
        .map_err(|e| ctx.failed(e))?;
    let by_region = crate::usecase::cycle::graduation(state.ctx(user), month, GraduationBy::Region)
        .await
        .map_err(|e| ctx.failed(e))?;
    let (counts, stuck) = outbox::counts(&state.db, chrono::Utc::now())
        .await
        .map_err(|e| ctx.internal(e))?;
    let label = lingkaran_domain::format::month(month, "id");
    let lang = ctx.lang.code();
    let body = html! {
        h1 { (pick("Siklus bulanan", "Monthly cycle")) " · " (label) }
        @match &outcome {
            Some(Outcome::Done(text)) => { p.ok role="status" id="tersimpan" { (text) } }
            Some(Outcome::Refused(problems)) => {
                (money::problems_box(ctx, "galat-siklus", S::ActionFailed, problems))
            }
            None => {}
        }
        form method="get" action="/siklus" {
            label for="bulan" { (pick("Bulan", "Month")) }
            input type="month" id="bulan" name="bulan" value=(month.to_string());
            " " button type="submit" { (pick("Tampilkan", "Show")) }
        }
        @if let Some(due) = r.due {
            p { (pick("Iuran bulan ini jatuh tempo", "This month's contributions are due on")) " "
                strong { (lingkaran_domain::format::date(due, lang)) } "." }
        }
        h2 { (pick("Rekonsiliasi tiga arah", "Three-way reconciliation")) }
        div.scroll { table id="rekonsiliasi" {
            thead { tr {
                th scope="col" { (pick("Program", "Programme")) }
                th scope="col" { (pick("Didanai donatur", "Funded by donors")) }
                th scope="col" { (pick("Berkas setoran", "Remittance file")) }
                th scope="col" { (pick("Selisih harga kembali ke donatur", "Repriced, back to donors")) }
                th scope="col" { (pick("Dibayar ke BPJS", "Paid to BPJS")) }
                th scope="col" { (pick("Diterima", "Accepted")) }
                th scope="col" { (pick("Ditolak", "Rejected")) }
                th scope="col" { (pick("Kembali ke donatur", "Back to donors")) }
                th scope="col" { (pick("Belum dijawab", "Unanswered")) }
            } }
            tbody { @for p in &r.programmes {
                tr data-programme=(p.programme) {
                    th scope="row" { (p.programme) }
                    td.num { (p.funded_lines) " · " (rupiah(p.funded)) }
                    td.num { @match (p.remitted_lines, p.remitted) {
                        (Some(l), Some(t)) => { (l) " · " (rupiah(t)) }
                        _ => { span.muted { (pick("belum dibuat", "not yet written")) } }
                    } }
                    td.num { (rupiah(p.repriced)) }
                    td.num { (rupiah(p.paid_to_bpjs)) }
                    td.num { (p.accepted) }
                    td.num { (p.rejected) " · " (rupiah(p.rejected_amount)) }
                    td.num { (rupiah(p.refunded)) }
                    td.num { (p.unconfirmed) }
                }
            } }
        } }
        @if r.differences.is_empty() {
            p.ok id="cocok" role="status" { (pick("Ketiga sisi cocok.", "All three sides agree.")) }
        } @else {
            div.warn id="selisih" role="status" {
                p { strong { (pick("Selisih yang perlu ditindaklanjuti:", "Differences to follow up:")) } }
                ul { @for d in &r.differences { li { (ctx.lang.pick(&d.id, &d.en)) } } }
            }
        }
        h2 { (pick("Bulan-pekerja yang ditolak BPJS", "Worker-months rejected by BPJS")) }
        @if r.rejected.is_empty() {
            p.muted { (pick("Tidak ada.", "None.")) }
        } @else {
            p { (pick("Iuran yang ditolak dikembalikan ke kredit donatur; bulan itu tidak dihitung sebagai perlindungan.",
                      "A rejected contribution goes back to the donor's credit; the month does not count as protection.")) }
            div.scroll { table id="ditolak" {
                thead { tr {
                    th scope="col" { (pick("Nama", "Name")) }
                    th scope="col" { "NIK" }
                    th scope="col" { (pick("Program", "Programme")) }
                    th scope="col" { (pick("Alasan", "Reason")) }
                    th scope="col" { (pick("Iuran", "Contribution")) }
                    th scope="col" { (pick("Donatur", "Donor")) }
                } }
                tbody { @for x in &r.rejected {
                    tr {
                        td { (x.name) }
                        td { code { (x.nik_masked) } }
                        td { (x.programme) }
                        td { (x.reason.as_deref().unwrap_or("–")) }
                        td.num { (rupiah(x.amount)) }
                        td { (x.donor) " " a href={ "/donasi/" (x.donation_id) } { "DON-" (x.donation_id) } }
                    }
                } }
            } }
        }
        h2 { (pick("Uang yang datang setelah jatuh tempo", "Money that came after the due date")) }
        @if r.late.is_empty() {
            p.muted { (pick("Tidak ada.", "None.")) }
        } @else {
            div.scroll { table id="terlambat" {
                thead { tr {
                    th scope="col" { (pick("Donasi", "Donation")) }
                    th scope="col" { (pick("Donatur", "Donor")) }
                    th scope="col" { (pick("Lunas pada", "Paid on")) }
                    th scope="col" { (pick("Bulan-pekerja", "Worker-months")) }
                    th scope="col" { (pick("Jumlah", "Amount")) }
                } }
                tbody { @for x in &r.late {
                    tr {
                        td { a href={ "/donasi/" (x.donation_id) } { "DON-" (x.donation_id) } }
                        td { (x.donor) }
                        td { (layout::when(x.funded_at, ctx)) }
                        td.num { (x.worker_months) }
                        td.num { (rupiah(x.amount)) }
                    }
                } }
            } }
        }
        h2 { (pick("Kelulusan: tetap membayar sendiri", "Graduation: still paying alone")) }
        p { (pick("Dari pekerja yang masa donasinya sudah berakhir, berapa yang membayar sendiri 3, 6 dan 12 bulan kemudian.",
                  "Of the workers whose sponsorship has ended, how many pay alone 3, 6 and 12 months later.")) }
        h3 { (pick("Per donatur", "By donor")) }
        (graduation_table(ctx, "kelulusan-donatur", &by_donor, pick("Donatur", "Donor")))
        h3 { (pick("Per wilayah", "By region")) }
        (graduation_table(ctx, "kelulusan-wilayah", &by_region, pick("Kabupaten/Kota", "Regency/City")))
        @if staff {
            h2 { (pick("Setelah masa donasi", "After the funded months")) }
            div.grid2 {
                form.card method="post" action="/siklus/mandiri" id="form-mandiri" {
                    h3 { (pick("Catat iuran mandiri", "Record a self-payment")) }
                    p.muted { (pick("Pekerja membayar sendiri satu bulan (bukti dari kantor BPJS atau JMO).",
                                    "The worker paid one month alone (receipt from BPJS or JMO).")) }
                    input type="hidden" name="csrf" value=(ctx.csrf());
                    label for="mandiri-nik" { "NIK" }
                    input type="text" id="mandiri-nik" name="nik" inputmode="numeric" required;
                    label for="mandiri-bulan" { (pick("Bulan", "Month")) }
                    input type="month" id="mandiri-bulan" name="bulan" value=(month.to_string()) required;
                    label for="mandiri-iuran" { (pick("Iuran (rupiah)", "Contribution (rupiah)")) }
                    input type="text" id="mandiri-iuran" name="iuran" inputmode="numeric" value="16800" required;
                    label for="mandiri-ref" { (pick("Nomor bukti", "Receipt number")) }
                    input type="text" id="mandiri-ref" name="referensi";
                    p { button type="submit" id="catat-mandiri" { (pick("Catat", "Record")) } }
                }
                form.card method="post" action="/siklus/berhenti" id="form-berhenti" {
                    h3 { (pick("Pekerja meninggal atau keluar", "A worker died or left")) }
                    p.muted { (pick("Bulan-bulan berikutnya yang belum disetor dihentikan; iurannya kembali ke donatur.",
                                    "The later months not yet remitted stop; their money goes back to the donor.")) }
                    input type="hidden" name="csrf" value=(ctx.csrf());
                    label for="berhenti-nik" { "NIK" }
                    input type="text" id="berhenti-nik" name="nik" inputmode="numeric" required;
                    label for="berhenti-alasan" { (pick("Alasan", "Reason")) }
                    select id="berhenti-alasan" name="alasan" {
                        option value="deceased" { (pick("Meninggal dunia", "Died")) }
                        option value="left" { (pick("Keluar dari program", "Left the programme")) }
                    }
                    label for="berhenti-tanggal" { (pick("Tanggal", "Date")) }
                    input type="date" id="berhenti-tanggal" name="tanggal" required;
                    p { button type="submit" id="hentikan" { (pick("Hentikan", "Stop")) } }
                }
            }
        }
        h2 { (pick("Pesan", "Messages")) }
        dl.counts id="pesan" {
            @for (status, n) in &counts { div { dt { (status) } dd data-status=(status) { (n) } } }
        }
        @if stuck > 0 {
            p.warn role="status" { (stuck) " " (pick("pesan terhenti saat dikirim; periksa apakah sudah sampai sebelum mengirim ulang.",
                "messages were interrupted while sending; check whether they arrived before sending again.")) }
        }
    };
    let title = pick("Siklus bulanan", "Monthly cycle");
    let mut resp = (
        status,
        layout::page(ctx, title, html! { (money::style()) (body) }),
    )
        .into_response();
    no_store(&mut resp);
    Ok(resp)
}

use super::form::FormFields;

/// The worker with this NIK, if the officer's regions hold them; otherwise the same words as
/// for a NIK nobody registered.
async fn worker_by_nik(
    ctx: &Ctx,
    state: &AppState,
    p: &crate::auth::Principal,
    nik: &str,
) -> Result<Result<workers::WorkerRecord, Vec<Problem>>, super::page::Fail> {
    let unknown = || {
        vec![Problem::new(
            "unknown_nik",
            "NIK ini tidak terdaftar di wilayah Anda.",
            "No worker with this NIK is registered in your region.",
        )]
    };
    let nik = match lingkaran_domain::Nik::parse(nik, crate::clock::today()) {
        Ok(n) => n.to_string(),
        Err(problems) => return Ok(Err(problems)),
    };
    let w = workers::by_nik(&state.db, &nik)
        .await
        .map_err(|e| ctx.internal(e))?;
    Ok(w.filter(|w| p.covers(&w.village_code)).ok_or_else(unknown))
}

/// `POST /siklus/mandiri`: an officer records a month the worker paid alone.
pub async fn record_self_payment(
    ctx: Ctx,
    State(state): State<AppState>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let text = |k: &str| field(&form, k).unwrap_or("").trim().to_string();
    let month = Month::parse(&text("bulan"));
    let back = month.unwrap_or_else(|| Month::of(crate::clock::today()));
    let refused = |problems| async {
        render(
            &ctx,
            &state,
            back,
            Some(Outcome::Refused(problems)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let Some(month) = month else {
        return refused(vec![Problem::new(
            "invalid_month",
            "Bulan harus berbentuk TTTT-BB.",
            "The month must look like YYYY-MM.",
        )])
        .await;
    };
    let Some(amount) = lingkaran_domain::worker::parse_rupiah(&text("iuran")) else {
        return refused(vec![Problem::new(
            "bad_amount",
            format!("Iuran \"{}\" bukan jumlah rupiah.", text("iuran")),
            format!(
                "The contribution \"{}\" is not an amount in rupiah.",
                text("iuran")
            ),
        )])
        .await;
    };
    let w = match worker_by_nik(&ctx, &state, p, &text("nik")).await? {
        Ok(w) => w,
        Err(problems) => return refused(problems).await,
    };
    let reference = text("referensi");
    let sp = SelfPayment {
        nik: &w.nik,
        month,
        amount,
        source: "manual",
        reference: (!reference.is_empty()).then_some(reference.as_str()),
        today: crate::clock::today(),
    };
    match lifecycle::record_self_payment(
        &state.db,
        &sp,
        crate::db::audit::Actor::of(p),
        state.clock.now(),
    )
    .await
    .map_err(|e| ctx.internal(e))?
    {
        Ok(Recorded::New { status, .. }) => {
            let status = money::worker_status(ctx.lang, &status);
            let done = ctx
                .lang
                .pick(
                    &format!(
                        "Iuran mandiri {} untuk {} dicatat; status: {status}.",
                        lingkaran_domain::format::month(month, "id"),
                        w.full_name
                    ),
                    &format!(
                        "Self-payment for {month} recorded for {}; status: {status}.",
                        w.full_name
                    ),
                )
                .to_string();
            render(
                &ctx,
                &state,
                month,
                Some(Outcome::Done(done)),
                StatusCode::OK,
            )
            .await
        }
        Ok(Recorded::Duplicate { .. }) => {
            let done = ctx
                .lang
                .pick(
                    "Bulan ini sudah tercatat; tidak ada yang berubah.",
                    "This month was already recorded; nothing changed.",
                )
                .to_string();
            render(
                &ctx,
                &state,
                month,
                Some(Outcome::Done(done)),
                StatusCode::OK,
            )
            .await
        }
        Err(problem) => refused(vec![problem]).await,
    }
}

/// `POST /siklus/berhenti`: a worker died or left.
pub async fn stop_worker(ctx: Ctx, State(state): State<AppState>, form: FormFields) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let text = |k: &str| field(&form, k).unwrap_or("").trim().to_string();
    let today = Month::of(crate::clock::today());
    let refused = |problems| async {
        render(
            &ctx,
            &state,
            today,
            Some(Outcome::Refused(problems)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let reason = match text("alasan").as_str() {
        "deceased" => StopReason::Deceased,
        _ => StopReason::Left,
    };
    let Ok(on) = chrono::NaiveDate::parse_from_str(&text("tanggal"), "%Y-%m-%d") else {
        return refused(vec![Problem::new(
            "invalid_date",
            "Tanggal harus diisi.",
            "The date is required.",
        )])
        .await;
    };
    let w = match worker_by_nik(&ctx, &state, p, &text("nik")).await? {
        Ok(w) => w,
        Err(problems) => return refused(problems).await,
    };
    match lifecycle::stop_worker(
        &state.db,
        w.id,
        reason,
        on,
        None,
        crate::db::audit::Actor::of(p),
        state.clock.now(),
    )
    .await
    .map_err(|e| ctx.internal(e))?
    {
        Ok(s) => {
            let done = ctx.lang.pick(
                &format!("{}: {} bulan dihentikan; {} kembali ke kredit donatur, {} ke dana program.",
                    w.full_name, s.months, rupiah(s.to_credit), rupiah(s.to_pool)),
                &format!("{}: {} months stopped; {} back to donors' credit, {} to the programme pool.",
                    w.full_name, s.months, rupiah(s.to_credit), rupiah(s.to_pool)),
            ).to_string();
            render(
                &ctx,
                &state,
                today,
                Some(Outcome::Done(done)),
                StatusCode::OK,
            )
            .await
        }
        Err(problem) => refused(vec![problem]).await,
    }
}
