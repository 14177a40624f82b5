//! `/siklus?bulan=YYYY-MM`: the officers' page of the monthly cycle. The month's three-way
//! reconciliation (funded ↔ remitted ↔ confirmed), its differences in words, the worker-months
//! the insurer rejected (and whether their money went back), the money that came after the
//! due date, graduation per donor and per region, and the outbox.

use super::layout;
use super::money::{self, rupiah};
use super::page::{no_store, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::Role;
use crate::db::lifecycle::{self, Graduation, GraduationBy};
use crate::db::{outbox, reconcile};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::rates::Month;
use maud::{html, Markup};

const READERS: [Role; 3] = [Role::Admin, Role::Officer, Role::Viewer];

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
    let pick = |a, b| ctx.lang.pick(a, b);
    let month = ctx
        .param("bulan")
        .and_then(Month::parse)
        .unwrap_or_else(|| Month::of(crate::clock::today()));
    let r = reconcile::month(&state.db, month)
        .await
        .map_err(|e| ctx.internal(e))?;
    let by_donor = lifecycle::graduation(&state.db, month, GraduationBy::Donor)
        .await
        .map_err(|e| ctx.internal(e))?;
    let by_region = lifecycle::graduation(&state.db, month, GraduationBy::Region)
        .await
        .map_err(|e| ctx.internal(e))?;
    let (counts, stuck) = outbox::counts(&state.db, chrono::Utc::now())
        .await
        .map_err(|e| ctx.internal(e))?;
    let label = lifecycle::month_label(month);
    let lang = ctx.lang.code();
    let body = html! {
        h1 { (pick("Siklus bulanan", "Monthly cycle")) " · " (label) }
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
                        td { (layout::when(x.funded_at, &ctx)) }
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
        (graduation_table(&ctx, "kelulusan-donatur", &by_donor, pick("Donatur", "Donor")))
        h3 { (pick("Per wilayah", "By region")) }
        (graduation_table(&ctx, "kelulusan-wilayah", &by_region, pick("Kabupaten/Kota", "Regency/City")))
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
        StatusCode::OK,
        layout::page(&ctx, title, html! { (money::style()) (body) }),
    )
        .into_response();
    no_store(&mut resp);
    Ok(resp)
}
