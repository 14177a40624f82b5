//! The workers part of a donation's page (`/donasi/{id}`, issue 14 §1): what happened to
//! each worker and each month, with filters by where they stand today, their counts, and
//! pages. Read through `usecase::donation_workers`, the same as the API.

use super::i18n::{Lang, S};
use super::page::Ctx;
use crate::usecase::donation_workers::{Filter, Outcome, ShownWorker, WorkersPage};
use lingkaran_domain::format;
use lingkaran_domain::outcome::Standing;
use lingkaran_domain::worker::Occupation;
use maud::{html, Markup};

/// What this part adds to the shared style.
const STYLE: &str = ".chips{display:flex;flex-wrap:wrap;gap:.35rem;margin:.5rem 0 1rem;padding:0;\
list-style:none}.chips a{display:inline-block;padding:.2rem .6rem;border:1px solid var(--line);\
border-radius:999px;text-decoration:none;font-size:.9rem}.chips a[aria-current]{background:var(--accent);\
color:#fff;border-color:var(--accent)}.fate-rejected,.fate-stopped{color:var(--bad)}.fate-confirmed{color:var(--ok)}\
ul.fates{margin:.25rem 0 0;padding-left:1.1rem;font-size:.9rem}";

/// The page's filter from `?keadaan=`: a standing's code, or `rejected`.
pub fn filter(ctx: &Ctx) -> Option<Filter> {
    ctx.param("keadaan").and_then(Filter::parse)
}

fn standing_class(s: Standing) -> &'static str {
    match s {
        Standing::Protected | Standing::Mandiri => "ok",
        Standing::Lapsed | Standing::Deceased | Standing::Left => "bad",
        Standing::Waiting | Standing::Held => "muted",
    }
}

/// "3 bulan (Januari 2027 – Maret 2027)": the months of this donation that protect.
fn months_text(o: &Outcome, lang: Lang) -> String {
    let protecting: Vec<_> = o
        .months
        .iter()
        .filter(|(_, f)| f.protects())
        .map(|(m, _)| *m)
        .collect();
    let word = lang.pick("bulan", "months");
    match (protecting.first(), protecting.last()) {
        (Some(a), Some(b)) if a == b => {
            format!("1 {word} ({})", format::month(*a, lang.code()))
        }
        (Some(a), Some(b)) => format!(
            "{} {word} ({} – {})",
            protecting.len(),
            format::month(*a, lang.code()),
            format::month(*b, lang.code())
        ),
        _ => format!("0 {word}"),
    }
}

/// The filter chips: every standing with its count, and the workers with a refused month.
fn chips(ctx: &Ctx, id: i64, page: &WorkersPage, chosen: Option<Filter>) -> Markup {
    let lang = ctx.lang;
    let all: i64 = page.counts.iter().map(|(_, n)| n).sum();
    let href = |f: Option<Filter>| match f {
        None => format!("/donasi/{id}#pekerja"),
        Some(f) => format!("/donasi/{id}?keadaan={}#pekerja", f.code()),
    };
    html! {
        ul.chips id="saring-pekerja" aria-label=(lang.pick("Saring pekerja", "Filter workers")) {
            li { a href=(href(None)) aria-current=[chosen.is_none().then_some("true")] {
                (lang.pick("Semua", "All")) " (" (format::count(all.max(0) as u64)) ")" } }
            @for (s, n) in page.counts.iter().filter(|(_, n)| *n > 0) {
                @let f = Filter::Standing(*s);
                li { a href=(href(Some(f))) data-keadaan=(s.code()) aria-current=[(chosen == Some(f)).then_some("true")] {
                    (s.label(lang.code())) " (" (format::count(*n as u64)) ")" } }
            }
            @if page.rejected > 0 {
                li { a href=(href(Some(Filter::Rejected))) data-keadaan="rejected" aria-current=[(chosen == Some(Filter::Rejected)).then_some("true")] {
                    (lang.pick("Ada bulan ditolak BPJS", "A month refused by BPJS")) " (" (format::count(page.rejected as u64)) ")" } }
            }
        }
    }
}

fn row(ctx: &Ctx, w: &ShownWorker, village: &str) -> Markup {
    let lang = ctx.lang;
    let o = &w.outcome;
    let today = crate::clock::today();
    html! {
        tr id={ "pekerja-" (w.row.worker_id) } data-keadaan=(o.standing.code()) {
            td.num { (w.row.rank) }
            td { code { (w.nik) } }
            td { (w.name) }
            td { (village) }
            td { (Occupation::parse(&w.row.occupation).map_or(w.row.occupation.as_str(), |o| o.label(lang.code()))) }
            td {
                (months_text(o, lang))
                @if !o.months.is_empty() {
                    details {
                        summary { (lang.pick("Per bulan", "By month")) }
                        ul.fates { @for (m, f) in &o.months {
                            li class={ "fate-" (f.code()) } data-bulan=(m.to_string()) {
                                (format::month(*m, lang.code())) ": " (f.label(lang.code()))
                            }
                        } }
                    }
                }
            }
            td.terlindungi {
                @match o.protected_until {
                    Some(d) if d >= today => { (format::date(d, lang.code())) }
                    Some(d) => { span.muted { (lang.pick("berakhir", "ended")) " " (format::date(d, lang.code())) } }
                    None => { "–" }
                }
            }
            td.keadaan class=(standing_class(o.standing)) { (o.standing.with_date(o.since, lang.code())) }
            td.klaim {
                @match o.claim {
                    Some((kind, stage)) => { (kind.label(lang.code())) ": " (stage.label(lang.code())) }
                    None => { "–" }
                }
            }
            td { (lang.pick(&w.row.reason_id, &w.row.reason_en)) }
        }
    }
}

/// The workers' heading, filters, table and pager.
pub fn section(
    ctx: &Ctx,
    id: i64,
    page: &WorkersPage,
    at: i64,
    pages: i64,
    village: impl Fn(&str) -> String,
) -> Markup {
    let lang = ctx.lang;
    let t = |s| ctx.t(s);
    let chosen = filter(ctx);
    let page_href = |n: i64| match chosen {
        None => format!("/donasi/{id}?page={n}#pekerja"),
        Some(f) => format!("/donasi/{id}?keadaan={}&page={n}#pekerja", f.code()),
    };
    html! {
        style { (maud::PreEscaped(STYLE)) }
        h2 id="pekerja" { (t(S::Workers)) }
        @if !page.whole { p.muted { (t(S::WorkersPrivacy)) } }
        (chips(ctx, id, page, chosen))
        @if page.workers.is_empty() {
            p.muted id="pekerja-kosong" { (t(S::NoWorkers)) }
        } @else {
            p.muted id="jumlah-tampil" {
                (lang.pick("Menampilkan", "Showing")) " " (format::count(page.workers.len() as u64)) " "
                (lang.pick("dari", "of")) " " (format::count(page.total.max(0) as u64)) " " (lang.pick("pekerja", "workers")) "."
            }
            div.scroll {
                table id="tabel-pekerja" {
                    thead { tr {
                        th scope="col" { (t(S::Rank)) }
                        th scope="col" { (t(S::Nik)) }
                        th scope="col" { (t(S::Name)) }
                        th scope="col" { (t(S::Village)) }
                        th scope="col" { (t(S::Occupation)) }
                        th scope="col" { (t(S::Months)) }
                        th scope="col" { (lang.pick("Terlindungi sampai", "Protected until")) }
                        th scope="col" { (lang.pick("Keadaan kini", "Today")) }
                        th scope="col" { (lang.pick("Klaim", "Claim")) }
                        th scope="col" { (t(S::WhyChosen)) }
                    } }
                    tbody { @for w in &page.workers { (row(ctx, w, &village(&w.row.village_code))) } }
                }
            }
            @if pages > 1 {
                nav.pager aria-label=(t(S::Pagination)) {
                    @if at > 1 { a rel="prev" href=(page_href(at - 1)) { "← " (t(S::Previous)) } }
                    span { (t(S::Page)) " " (format::count(at as u64)) " " (t(S::Of)) " " (format::count(pages as u64)) }
                    @if at < pages { a rel="next" href=(page_href(at + 1)) { (t(S::Next)) " →" } }
                }
            }
        }
        p.muted {
            (lang.pick("Bulan yang ditolak BPJS atau dihentikan (pekerja meninggal atau keluar) tidak melindungi; uangnya kembali ke kredit Anda, kecuali Anda memilih program.",
                       "A month BPJS refused, or one stopped (the worker died or left), does not protect; its money comes back to your credit, unless you chose the programme."))
        }
    }
}
